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

mod empty_selections;
mod errors;
mod ids;
pub(crate) mod inputs;
mod limits;

pub(crate) use limits::CostModel;
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
        .extension(empty_selections::EmptySelections)
        .data(services.store().clone())
        .data(services)
        .data(search)
        .finish()
}

/// Attaches what every request needs: who reads, a fresh batch loader (its cache lives for
/// one request only, and it sees what this reader may see) and a request id for the logs.
pub(crate) fn prepare(
    request: Request,
    services: &Services,
    reader: Reader,
    request_id: RequestId,
) -> Request {
    let loader = DataLoader::new(
        loaders::CatalogueLoader::new(services.store().clone(), reader.clone()),
        tokio::spawn,
    );
    request.data(reader).data(loader).data(request_id)
}

/// What the server needs to know of a request's document before running it, from one parse.
#[derive(Debug)]
pub(crate) struct Inspection {
    /// The name of the operation that would run: `operationName`, else the document's only
    /// operation's name.
    pub operation_name: Option<String>,
    /// Whether the document holds a mutation.
    pub holds_mutation: bool,
    /// Whether it signs in or registers (rate-limited per address on their own).
    pub signs_in: bool,
    /// What running it costs against the client's budget (see `limits`), at least 1.
    pub cost: u64,
    /// The answer when it cannot run: over a limit (`QUERY_TOO_COMPLEX`, `BAD_USER_INPUT`
    /// for a long list), saying which limit and by how much.
    pub refusal: Option<async_graphql::Response>,
}

/// Mutations rate-limited per address: each guesses a password or creates an account.
const SIGN_IN_FIELDS: [&str; 2] = ["login", "register"];

/// What a request is and costs, read before it runs; the parsed document stays in `request`
/// for the engine.
pub(crate) fn inspect(request: &mut Request, model: &CostModel) -> Inspection {
    let mut inspection = Inspection {
        operation_name: request.operation_name.clone(),
        holds_mutation: false,
        signs_in: false,
        cost: 1,
        refusal: None,
    };
    if request.query.len() > limits::MAX_DOCUMENT_BYTES {
        inspection.refusal = Some(refusal(
            format!(
                "the query document is {} bytes, the limit is {}; send a shorter query (values belong in variables)",
                request.query.len(),
                limits::MAX_DOCUMENT_BYTES
            ),
            "QUERY_TOO_COMPLEX",
        ));
        return inspection;
    }
    let Ok(document) = async_graphql::parser::parse_query(&request.query) else {
        // The engine reports syntax errors with their position.
        return inspection;
    };
    let only_one = document.operations.iter().count() == 1;
    for (name, operation) in document.operations.iter() {
        if only_one && inspection.operation_name.is_none() {
            inspection.operation_name = name.map(ToString::to_string);
        }
        if operation.node.ty == async_graphql::parser::types::OperationType::Mutation {
            inspection.holds_mutation = true;
            inspection.signs_in |= selects_any(
                &document,
                &operation.node.selection_set.node,
                &SIGN_IN_FIELDS,
                &mut Vec::new(),
            );
        }
    }
    match limits::measure(
        &document,
        model,
        request.operation_name.as_deref(),
        &request.variables,
    ) {
        Ok(measure) => {
            inspection.cost = measure.cost.max(1);
            inspection.refusal = measure
                .excess()
                .map(|excess| refusal(excess.message, excess.code));
        }
        Err(problem) => {
            inspection.refusal = Some(refusal(
                format!("the query cannot be run: {problem}"),
                "QUERY_TOO_COMPLEX",
            ));
        }
    }
    // The engine takes the parsed document rather than parsing the text again (parsing was
    // about a twentieth of a small search request's CPU time).
    request.set_parsed_query(document);
    inspection
}

/// Whether a selection set selects one of `names` directly or through its fragments (each
/// fragment looked at once, so cycles end).
fn selects_any<'a>(
    document: &'a async_graphql::parser::types::ExecutableDocument,
    set: &'a async_graphql::parser::types::SelectionSet,
    names: &[&str],
    seen: &mut Vec<&'a str>,
) -> bool {
    use async_graphql::parser::types::Selection;
    set.items.iter().any(|item| match &item.node {
        Selection::Field(field) => names.contains(&field.node.name.node.as_str()),
        Selection::InlineFragment(inline) => {
            selects_any(document, &inline.node.selection_set.node, names, seen)
        }
        Selection::FragmentSpread(spread) => {
            let name = spread.node.fragment_name.node.as_str();
            if seen.contains(&name) {
                return false;
            }
            seen.push(name);
            document
                .fragments
                .get(&spread.node.fragment_name.node)
                .is_some_and(|fragment| {
                    selects_any(document, &fragment.node.selection_set.node, names, seen)
                })
        }
    })
}

/// A response holding one request-level error with its code.
fn refusal(message: String, code: &str) -> async_graphql::Response {
    let mut error = async_graphql::ServerError::new(message, None);
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", code);
    error.extensions = Some(extensions);
    async_graphql::Response::from_errors(vec![error])
}

/// The answer to a request whose execution failed outside any field (a panic): INTERNAL with
/// the request id, the details being in the log under it.
pub(crate) fn internal_failure(request_id: &RequestId) -> async_graphql::Response {
    let mut response = refusal(
        format!("internal error (request id {})", request_id.0),
        "INTERNAL",
    );
    for error in &mut response.errors {
        if let Some(extensions) = error.extensions.as_mut() {
            extensions.set("requestId", request_id.0.clone());
        }
    }
    response
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
