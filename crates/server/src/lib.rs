//! Passerelle's server: the axum application and the public GraphQL schema.
//!
//! `Application::build` is the one start-up path, used by `passerelle serve` and by the
//! integration tests alike.

mod auth;
pub mod graphql;
mod http;
mod search;
mod services;
mod startup;

pub use graphql::export_schema;
pub use passerelle_index::SearchIndex;
pub use services::DemoAccount;
pub use startup::{Application, Settings, StartupError, default_database_url, open_store, reindex};
pub use tracing;
pub use tracing_subscriber;
