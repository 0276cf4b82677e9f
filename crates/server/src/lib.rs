//! Passerelle's server: the axum application and the public GraphQL schema.
//!
//! `Application::build` is the one start-up path, used by `passerelle serve` and by the
//! integration tests alike.

/// The process's allocator: jemalloc, for Rust and, its symbols unprefixed, for SQLite too.
/// glibc's allocator, with a server's mix of many small short-lived allocations (rows, values,
/// documents) and a few large growing ones (statements, batches), spent a fifth of a large
/// import's CPU time in `malloc` and `free`, consolidating and searching its free lists
/// (README, benchmark). Declared here, so that every binary built on the server (the
/// `passerelle` command, the benchmark, the tests) runs with the same one.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

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
