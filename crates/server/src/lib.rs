//! Passerelle's server: the axum application and the public GraphQL schema.
//!
//! `Application::build` is the one start-up path, used by `passerelle serve` and by the
//! integration tests alike.

mod auth;
pub mod graphql;
mod http;
mod metrics;
mod rate_limit;
mod search;
mod services;
mod startup;
mod web;

pub use graphql::export_schema;
pub use passerelle_index::SearchIndex;
pub use services::DemoAccount;
pub use startup::{
    Application, DEFAULT_COST_PER_MINUTE, DEFAULT_SIGN_INS_PER_MINUTE, Settings, StartupError,
    default_database_url, open_store, reindex,
};
pub use tracing;
pub use tracing_subscriber;
