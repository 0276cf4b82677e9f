//! The public GraphQL schema (see `schema.graphql` at the repository root and the contract in
//! `shared/contract/schema-core.graphql`).
//!
//! # Error policy
//! - Expected, user-fixable problems with mutation input are `userErrors` in the payload.
//! - Anything else is a top-level GraphQL error whose `extensions.code` says what kind:
//!   `BAD_USER_INPUT` (an argument is invalid: the message says which and how to fix it),
//!   `UNAUTHENTICATED`, `FORBIDDEN`, `QUERY_TOO_COMPLEX`, `RATE_LIMITED`, and `INTERNAL`.
//! - `INTERNAL` carries only a request id; the details (SQL, paths) are logged under that id
//!   and never reach the client.

mod errors;
mod ids;
mod loaders;
mod pagination;
mod query;
mod scalars;
mod types;

use async_graphql::dataloader::DataLoader;
use async_graphql::{EmptyMutation, EmptySubscription, Request, Schema};
use passerelle_domain::Reader;
use passerelle_store::Store;

pub use errors::RequestId;

pub type PasserelleSchema = Schema<query::Query, EmptyMutation, EmptySubscription>;

pub(crate) fn build_schema(store: Store) -> PasserelleSchema {
    Schema::build(query::Query, EmptyMutation, EmptySubscription)
        .data(store)
        .finish()
}

/// Attaches what every request needs: who reads, a fresh batch loader (its cache lives for
/// one request only) and a request id for the logs.
pub(crate) fn prepare(request: Request, store: &Store) -> Request {
    let reader = Reader::Anonymous;
    let loader = DataLoader::new(
        loaders::CatalogueLoader::new(store.clone(), reader),
        tokio::spawn,
    );
    request
        .data(reader)
        .data(loader)
        .data(RequestId::generate())
}

pub(crate) fn sdl(schema: &PasserelleSchema) -> String {
    schema.sdl()
}

/// The schema in SDL, as `passerelle export-schema` prints it and `schema.graphql` holds it.
pub fn export_schema() -> String {
    Schema::build(query::Query, EmptyMutation, EmptySubscription)
        .finish()
        .sdl()
}
