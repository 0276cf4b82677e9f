//! HTTP routes: GraphQL (POST, and GET for queries), GraphiQL, health and readiness probes,
//! and the schema file.

use async_graphql::http::GraphiQLSource;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use passerelle_index::SearchIndex;
use passerelle_store::Store;
use serde_json::json;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::trace::TraceLayer;

use crate::graphql::{self, PasserelleSchema};
use crate::services::{ServiceError, Services};

#[derive(Clone)]
pub(crate) struct AppState {
    pub schema: PasserelleSchema,
    pub services: Services,
    pub store: Store,
    pub index: std::sync::Arc<SearchIndex>,
    /// How long a query may run before it is cut off with TIMEOUT.
    pub query_timeout: std::time::Duration,
}

/// How a request came: GET may only read (a link or a prefetch could trigger it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Via {
    Get,
    Post,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("AppState")
            .field("store", &self.store)
            .field("index", &self.index)
            .finish_non_exhaustive()
    }
}

/// Cross-origin access for browser integrators: GET and POST with `Content-Type` and
/// `Authorization`, from the allowed origins (any when none is configured). No cookies are
/// involved, so a page from another origin can only act with a token its user gave it.
pub(crate) fn cors(origins: &[String]) -> Result<CorsLayer, String> {
    let layer = CorsLayer::new()
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION, header::ACCEPT])
        .max_age(std::time::Duration::from_secs(3600));
    if origins.is_empty() {
        return Ok(layer.allow_origin(AllowOrigin::any()));
    }
    let mut allowed = Vec::new();
    for origin in origins {
        let origin = origin.trim().trim_end_matches('/');
        let well_formed = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"))
            .is_some_and(|host| !host.is_empty() && !host.contains('/'));
        let value = header::HeaderValue::from_str(origin)
            .ok()
            .filter(|_| well_formed);
        let Some(value) = value else {
            return Err(format!(
                "{origin:?} is not an origin: write scheme and host, such as https://portail.example"
            ));
        };
        allowed.push(value);
    }
    Ok(layer.allow_origin(AllowOrigin::list(allowed)))
}

pub(crate) fn router(state: AppState, cors: CorsLayer) -> Router {
    Router::new()
        .route("/graphql", get(graphql_get).post(graphql_post))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/schema.graphql", get(schema_file))
        .layer(cors)
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// A GraphQL error response outside execution (bad credentials, malformed request).
fn error_response(status: StatusCode, message: &str, code: &str) -> Response {
    let body = json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    let mut response = (status, axum::Json(body)).into_response();
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer error=\"invalid_token\""),
        );
    }
    response
}

/// Executes a request as whoever its `Authorization: Bearer` header says. No header means
/// anonymous; a header that does not hold a valid token is refused with UNAUTHENTICATED
/// (HTTP 401) before anything runs, so a client knows to refresh its token.
async fn execute(
    state: &AppState,
    headers: &HeaderMap,
    request: async_graphql::Request,
    via: Via,
) -> Response {
    let inspection = graphql::inspect(&request);
    if via == Via::Get && inspection.holds_mutation {
        let mut response = error_response(
            StatusCode::METHOD_NOT_ALLOWED,
            "mutations must be sent with POST",
            "BAD_REQUEST",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
        return response;
    }
    if let Some(refusal) = inspection.refusal {
        return respond(headers, refusal);
    }
    let bearer = match headers.get(header::AUTHORIZATION) {
        None => None,
        Some(value) => match value.to_str().ok().and_then(|value| {
            let (scheme, token) = value.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        }) {
            Some(token) => Some(token),
            None => {
                return error_response(
                    StatusCode::UNAUTHORIZED,
                    "the Authorization header must be `Bearer <accessToken>`",
                    "UNAUTHENTICATED",
                );
            }
        },
    };
    let reader = match state.services.reader_for(bearer).await {
        Ok(reader) => reader,
        Err(ServiceError::Unauthenticated(message)) => {
            return error_response(StatusCode::UNAUTHORIZED, &message, "UNAUTHENTICATED");
        }
        Err(error) => {
            let request_id = graphql::RequestId::generate();
            tracing::error!(request_id = %request_id.0, %error, "cannot authenticate a request");
            return error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                &format!("internal error (request id {})", request_id.0),
                "INTERNAL",
            );
        }
    };
    // Queries are cut off after the timeout, and the work dropped with them. Mutations run to
    // the end: cutting one off after its commit would report as failed a write that happened.
    let mutation = inspection.holds_mutation;
    let request = graphql::prepare(request, &state.services, reader);
    let execution = state.schema.execute(request);
    let response = if mutation {
        execution.await
    } else {
        match tokio::time::timeout(state.query_timeout, execution).await {
            Ok(response) => response,
            Err(_) => graphql::timed_out(state.query_timeout),
        }
    };
    respond(headers, response)
}

/// The GraphQL over HTTP media type; clients that ask for it get it, with status codes that
/// tell request errors apart (the spec's rules); others get `application/json`, always 200.
const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

fn respond(headers: &HeaderMap, response: async_graphql::Response) -> Response {
    let wants_graphql_response = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|value| value.contains(GRAPHQL_RESPONSE));
    // A request error (nothing executed: syntax, validation, limits) carries no path.
    let request_error = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|error| error.path.is_empty());
    let code_of = |error: &async_graphql::ServerError| {
        error
            .extensions
            .as_ref()
            .and_then(|extensions| extensions.get("code").cloned())
    };
    let status = if !wants_graphql_response || !request_error {
        StatusCode::OK
    } else if response
        .errors
        .iter()
        .any(|error| code_of(error) == Some(async_graphql::Value::from("TIMEOUT")))
    {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::BAD_REQUEST
    };
    // Nothing was executed: the spec's response then has no `data` entry at all.
    let serialised = if wants_graphql_response && request_error {
        serde_json::to_vec(&json!({ "errors": response.errors }))
    } else {
        serde_json::to_vec(&response)
    };
    let body = match serialised {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(%error, "cannot serialise a GraphQL response");
            return refuse(StatusCode::INTERNAL_SERVER_ERROR, "internal error");
        }
    };
    let media_type = if wants_graphql_response {
        GRAPHQL_RESPONSE
    } else {
        "application/json"
    };
    (status, [(header::CONTENT_TYPE, media_type)], body).into_response()
}

/// The largest request body accepted; a GraphQL document is text, and the contract's list
/// inputs are bounded, so this leaves ample room while refusing floods before parsing.
pub(crate) const MAX_BODY_BYTES: usize = 256 * 1024;

/// A refusal of the HTTP request itself, before any GraphQL runs.
fn refuse(status: StatusCode, message: &str) -> Response {
    error_response(status, message, "BAD_REQUEST")
}

/// POST /graphql, as the GraphQL over HTTP specification describes it: a JSON object with
/// `query` (and optionally `variables`, `operationName`, `extensions`). Each refusal says what
/// to fix: another media type is 415, a body over [`MAX_BODY_BYTES`] is 413 (read no further
/// than the limit), a body that is not such an object is 400. Batches (a JSON array) are
/// refused with 400: one operation per request keeps every limit per request.
async fn graphql_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Response {
    let media_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(|value| value.trim().to_ascii_lowercase());
    if media_type.as_deref() != Some("application/json") {
        return refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the request as JSON with `Content-Type: application/json`",
        );
    }
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
        return refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("the request body is larger than {MAX_BODY_BYTES} bytes"),
        );
    };
    let value: serde_json::Value = match serde_json::from_slice(&bytes) {
        Ok(value) => value,
        Err(error) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                &format!("the request body is not valid JSON: {error}"),
            );
        }
    };
    if value.is_array() {
        return refuse(
            StatusCode::BAD_REQUEST,
            "batched requests (a JSON array) are not supported: send one operation per request",
        );
    }
    if !value.get("query").is_some_and(serde_json::Value::is_string) {
        return refuse(
            StatusCode::BAD_REQUEST,
            "the request body must be a JSON object with a string `query` (and optionally `variables`, `operationName`)",
        );
    }
    let request: async_graphql::Request = match serde_json::from_value(value) {
        Ok(request) => request,
        Err(error) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                &format!(
                    "the request body must be a JSON object with a string `query` (and optionally `variables`, `operationName`): {error}"
                ),
            );
        }
    };
    execute(&state, &headers, request, Via::Post).await
}

/// GET /graphql: a query in the URL (as the GraphQL over HTTP spec describes), or GraphiQL for
/// a person opening the address in a browser.
async fn graphql_get(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(query) = query.filter(|query| !query.is_empty()) else {
        return Html(
            GraphiQLSource::build()
                .endpoint("/graphql")
                .title("Passerelle GraphiQL")
                .finish(),
        )
        .into_response();
    };
    let request = match async_graphql::http::parse_query_string(&query) {
        Ok(request) => request,
        Err(error) => {
            let body = json!({ "errors": [{ "message": format!("malformed GraphQL request in the URL: {error}"),
                                           "extensions": { "code": "BAD_REQUEST" } }] });
            return (StatusCode::BAD_REQUEST, axum::Json(body)).into_response();
        }
    };
    execute(&state, &headers, request, Via::Get).await
}

/// Index entries behind the database beyond which a node reports itself not ready: it would
/// serve visibly stale results (a rebuild or a long outage is in progress).
const READY_LAG: i64 = 10_000;

/// Ready when the database answers with every migration applied and the index is built and
/// close behind the change log. The body reports the index lag in log entries either way.
async fn readyz(State(state): State<AppState>) -> Response {
    let database = state.store.check_ready().await;
    let latest = state.store.latest_change_seq().await;
    let checkpoint = state.index.checkpoint();
    let documents = state.index.document_count();
    let lag = match (&latest, &checkpoint) {
        (Ok(latest), Some(checkpoint)) => Some((latest - checkpoint.seq).max(0)),
        _ => None,
    };
    let index_ready = lag.is_some_and(|lag| lag <= READY_LAG);
    if let Err(error) = &database {
        tracing::warn!(%error, "readiness: database not ready");
    }
    let ready = database.is_ok() && index_ready;
    let body = json!({
        "status": if ready { "ready" } else { "unavailable" },
        "database": if database.is_ok() { "ok" } else { "unavailable" },
        "index": {
            "status": if index_ready { "ok" } else { "behind" },
            "generation": state.index.generation_name(),
            "documents": documents,
            "appliedSeq": checkpoint.map(|checkpoint| checkpoint.seq),
            "latestSeq": latest.ok(),
            "lag": lag,
        },
    });
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, axum::Json(body)).into_response()
}

async fn schema_file(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        graphql::sdl(&state.schema),
    )
}
