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
//! - A request without `Authorization` is anonymous. One whose bearer token is invalid is
//!   refused before execution with HTTP 401 and `UNAUTHENTICATED` (see `http.rs`); inside a
//!   request, a mutation that needs a user gets `UNAUTHENTICATED`, and one the user may not do
//!   gets `FORBIDDEN` (a draft the user cannot see is `NOT_FOUND` instead, so its existence
//!   stays secret).

mod errors;
mod ids;
pub(crate) mod inputs;
mod limits;
mod loaders;
mod mutation;
mod pagination;
mod query;
mod scalars;
mod search;
pub(crate) mod types;

use async_graphql::dataloader::DataLoader;
use async_graphql::{EmptySubscription, MergedObject, Request, Schema};
use passerelle_domain::Reader;

use crate::search::SearchService;
use crate::services::Services;

pub use errors::RequestId;

/// The query root: catalogue reads and search.
#[derive(Debug, MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(query::Query, search::SearchQuery);

pub type PasserelleSchema = Schema<QueryRoot, mutation::Mutation, EmptySubscription>;

pub(crate) fn build_schema(services: Services, search: SearchService) -> PasserelleSchema {
    Schema::build(QueryRoot::default(), mutation::Mutation, EmptySubscription)
        .data(services.store().clone())
        .data(services)
        .data(search)
        .finish()
}

/// Attaches what every request needs: who reads, a fresh batch loader (its cache lives for
/// one request only, and it sees what this reader may see) and a request id for the logs.
pub(crate) fn prepare(request: Request, services: &Services, reader: Reader) -> Request {
    let loader = DataLoader::new(
        loaders::CatalogueLoader::new(services.store().clone(), reader.clone()),
        tokio::spawn,
    );
    request
        .data(reader)
        .data(loader)
        .data(RequestId::generate())
}

/// What the server needs to know of a request's document before running it, from one parse.
#[derive(Debug)]
pub(crate) struct Inspection {
    /// Whether the document holds a mutation.
    pub holds_mutation: bool,
    /// The `QUERY_TOO_COMPLEX` answer when it asks for more than one request may (see
    /// `limits`), saying which limit and by how much.
    pub refusal: Option<async_graphql::Response>,
}

pub(crate) fn inspect(request: &Request) -> Inspection {
    let Ok(document) = async_graphql::parser::parse_query(&request.query) else {
        // The engine reports syntax errors with their position.
        return Inspection {
            holds_mutation: false,
            refusal: None,
        };
    };
    let holds_mutation = document.operations.iter().any(|(_, operation)| {
        operation.node.ty == async_graphql::parser::types::OperationType::Mutation
    });
    let excess = match limits::measure(
        &document,
        request.operation_name.as_deref(),
        &request.variables,
    ) {
        Ok(measure) => measure.excess(),
        Err(problem) => Some(format!("the query cannot be run: {problem}")),
    };
    Inspection {
        holds_mutation,
        refusal: excess.map(|message| refusal(message, "QUERY_TOO_COMPLEX")),
    }
}

/// A response holding one request-level error with its code.
fn refusal(message: String, code: &str) -> async_graphql::Response {
    let mut error = async_graphql::ServerError::new(message, None);
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", code);
    error.extensions = Some(extensions);
    async_graphql::Response::from_errors(vec![error])
}

/// The answer to a query cut off by the request timeout.
pub(crate) fn timed_out(limit: std::time::Duration) -> async_graphql::Response {
    refusal(
        format!(
            "the query took longer than {} ms and was stopped: ask for less (smaller pages, fewer nested lists)",
            limit.as_millis()
        ),
        "TIMEOUT",
    )
}

pub(crate) fn sdl(schema: &PasserelleSchema) -> String {
    schema.sdl()
}

/// The schema in SDL, as `passerelle export-schema` prints it and `schema.graphql` holds it.
pub fn export_schema() -> String {
    Schema::build(QueryRoot::default(), mutation::Mutation, EmptySubscription)
        .finish()
        .sdl()
}
