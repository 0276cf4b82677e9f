//! HTTP routes: GraphQL (POST, and GET for queries), GraphiQL, health and readiness probes,
//! metrics, and the schema file; and the layer that gives every request its id, its log span
//! and its metrics.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_graphql::http::GraphiQLSource;
use axum::Router;
use axum::extract::{ConnectInfo, Extension, MatchedPath, RawQuery, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use passerelle_index::SearchIndex;
use passerelle_store::Store;
use serde_json::json;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tracing::Instrument;

use crate::graphql::{self, CostModel, PasserelleSchema, RequestId};
use crate::metrics::{Gauge, GraphqlRequest, Limit, Metrics, Outcome};
use crate::rate_limit::{Client, Exhausted, RateLimiter};
use crate::services::{ServiceError, Services};

#[derive(Clone)]
pub(crate) struct AppState {
    pub schema: PasserelleSchema,
    pub services: Services,
    pub store: Store,
    pub index: Arc<SearchIndex>,
    /// How long a query may run before it is cut off with TIMEOUT.
    pub query_timeout: Duration,
    /// The schema's fields as the cost measure reads them.
    pub cost_model: Arc<CostModel>,
    /// Cost units per client and minute.
    pub cost_budget: Arc<RateLimiter>,
    /// Sign-in and registration attempts per address and minute.
    pub sign_in_budget: Arc<RateLimiter>,
    /// Whether the client's address is the last one in `X-Forwarded-For` (set by the proxy in
    /// front) rather than the connection's.
    pub trust_forwarded_for: bool,
    pub metrics: Arc<Metrics>,
}

/// The header carrying the request id, both ways: a proxy's id is kept, ours is returned.
const REQUEST_ID: &str = "x-request-id";

/// A client-chosen id is kept when it is short and plain, so it cannot forge log lines.
fn usable_request_id(value: &HeaderValue) -> Option<String> {
    let text = value.to_str().ok()?;
    let plain = !text.is_empty()
        && text.len() <= 64
        && text
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_');
    plain.then(|| text.to_owned())
}

/// Gives each request its id (from `X-Request-Id` or new), runs it inside a log span that
/// carries the id (so every line logged for it has it), returns the id in `X-Request-Id`, logs
/// one line when it ends and records it in the metrics.
async fn observe(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(usable_request_id)
        .map_or_else(RequestId::generate, RequestId);
    let route: &'static str = match request
        .extensions()
        .get::<MatchedPath>()
        .map(MatchedPath::as_str)
    {
        Some("/graphql") => "/graphql",
        Some("/healthz") => "/healthz",
        Some("/readyz") => "/readyz",
        Some("/metrics") => "/metrics",
        Some("/schema.graphql") => "/schema.graphql",
        Some("/assets/{file}") => "/assets",
        Some(_) => "page",
        _ => "other",
    };
    let span = tracing::info_span!(
        "request",
        request_id = %request_id.0,
        method = %request.method(),
        path = %request.uri().path(),
    );
    request.extensions_mut().insert(request_id.clone());
    let mut response = next.run(request).instrument(span.clone()).await;
    let elapsed = started.elapsed();
    let graphql = response.extensions().get::<GraphqlRequest>().cloned();
    state
        .metrics
        .record_response(route, response.status().as_u16(), graphql.as_ref(), elapsed);
    if let Ok(value) = HeaderValue::from_str(&request_id.0) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    let _entered = span.enter();
    let status = response.status().as_u16();
    let latency_ms = elapsed.as_secs_f64() * 1000.0;
    match (route, &graphql) {
        // Probes and scrapes come every few seconds: only at debug level.
        ("/healthz" | "/readyz" | "/metrics", _) => {
            tracing::debug!(status, latency_ms, "request finished");
        }
        (_, Some(graphql)) => tracing::info!(
            status,
            latency_ms,
            operation = graphql.operation.as_deref().unwrap_or("anonymous"),
            outcome = ?graphql.outcome,
            "request finished"
        ),
        (_, None) => tracing::info!(status, latency_ms, "request finished"),
    }
    response
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
        .route("/metrics", get(metrics))
        .route("/schema.graphql", get(schema_file))
        .merge(crate::web::routes())
        .layer(cors)
        .layer(axum::middleware::from_fn_with_state(state.clone(), observe))
        .with_state(state)
}

/// A GraphQL error response outside execution (bad credentials, malformed request, limits).
fn error_response(status: StatusCode, message: &str, code: &str) -> Response {
    let body = json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    let mut response = (status, axum::Json(body)).into_response();
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer error=\"invalid_token\""),
        );
    }
    response.extensions_mut().insert(GraphqlRequest {
        operation: None,
        outcome: Outcome::of_code(Some(code)),
    });
    response
}

/// 429 with `Retry-After`, for a client past one of its budgets.
fn rate_limited(state: &AppState, limit: Limit, exhausted: Exhausted, message: &str) -> Response {
    state.metrics.record_rate_limited(limit);
    let seconds = exhausted.retry_after.as_secs();
    let mut response = error_response(
        StatusCode::TOO_MANY_REQUESTS,
        &format!("{message}; try again in {seconds} s"),
        "RATE_LIMITED",
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    response
}

/// The address a request comes from: the connection's, or behind a trusted proxy the last
/// address of `X-Forwarded-For` (the one the proxy itself added; earlier ones are the
/// client's word).
fn client_address(headers: &HeaderMap, peer: SocketAddr, trust_forwarded_for: bool) -> IpAddr {
    if trust_forwarded_for {
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .filter_map(|address| address.trim().parse::<IpAddr>().ok())
            .next_back();
        if let Some(address) = forwarded {
            return address;
        }
    }
    peer.ip()
}

/// Who sent a GraphQL request, as the handlers need it.
#[derive(Debug, Clone)]
struct Caller {
    address: IpAddr,
    request_id: RequestId,
}

/// Executes a request as whoever its `Authorization: Bearer` header says. No header means
/// anonymous; a header that does not hold a valid token is refused with UNAUTHENTICATED
/// (HTTP 401) before anything runs, so a client knows to refresh its token.
async fn execute(
    state: &AppState,
    headers: &HeaderMap,
    caller: Caller,
    mut request: async_graphql::Request,
    via: Via,
) -> Response {
    let inspection = graphql::inspect(&mut request, &state.cost_model);
    let operation = inspection.operation_name.clone();
    let mut response = execute_inspected(state, headers, caller, request, inspection, via).await;
    if let Some(graphql) = response.extensions_mut().get_mut::<GraphqlRequest>() {
        graphql.operation = operation;
    }
    response
}

async fn execute_inspected(
    state: &AppState,
    headers: &HeaderMap,
    caller: Caller,
    request: async_graphql::Request,
    inspection: graphql::Inspection,
    via: Via,
) -> Response {
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
            tracing::error!(%error, "cannot authenticate a request");
            return error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                &format!("internal error (request id {})", caller.request_id.0),
                "INTERNAL",
            );
        }
    };
    let now = Instant::now();
    if inspection.signs_in {
        let address = Client::Address(caller.address);
        if let Err(exhausted) = state.sign_in_budget.charge(&address, 1, now) {
            let message = format!(
                "too many sign-in or registration attempts from this address (at most {} a minute)",
                state.sign_in_budget.per_minute()
            );
            return rate_limited(state, Limit::SignIn, exhausted, &message);
        }
    }
    let client = reader
        .user()
        .map_or(Client::Address(caller.address), Client::User);
    if let Err(exhausted) = state.cost_budget.charge(&client, inspection.cost, now) {
        let message = format!(
            "this request costs {} and the budget of {client} ({} a minute) is spent",
            inspection.cost,
            state.cost_budget.per_minute()
        );
        return rate_limited(state, Limit::Cost, exhausted, &message);
    }
    // Executed in a task of its own, so that a panic in a resolver becomes an INTERNAL answer
    // (with the request id) rather than a dropped connection.
    let request_id = caller.request_id;
    let request = graphql::prepare(request, &state.services, reader, request_id.clone());
    let schema = state.schema.clone();
    let task = tokio::spawn(async move { schema.execute(request).await }.in_current_span());
    // Queries are cut off after the timeout, and the work dropped with them (also when the
    // client goes away). Mutations run to the end: cutting one off after its commit would
    // report as failed a write that happened.
    let joined = if inspection.holds_mutation {
        task.await
    } else {
        let mut task = AbortOnDrop(task);
        match tokio::time::timeout(state.query_timeout, &mut task.0).await {
            Ok(joined) => joined,
            Err(_) => return respond(headers, graphql::timed_out(state.query_timeout)),
        }
    };
    respond(headers, outcome_of(joined, &request_id))
}

/// The response of an execution task; one that panicked is INTERNAL with the request id, and
/// the panic's message goes to the log only.
fn outcome_of(
    joined: Result<async_graphql::Response, tokio::task::JoinError>,
    request_id: &RequestId,
) -> async_graphql::Response {
    joined.unwrap_or_else(|failure| {
        let panic = failure.try_into_panic().ok();
        let message = panic
            .as_ref()
            .and_then(|payload| {
                payload
                    .downcast_ref::<&str>()
                    .map(|text| (*text).to_owned())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
            })
            .unwrap_or_else(|| "cancelled".to_owned());
        tracing::error!(panic = %message, "a request failed outside any field");
        graphql::internal_failure(request_id)
    })
}

/// Cancels a query's execution when the handler is dropped (the client went away).
struct AbortOnDrop(tokio::task::JoinHandle<async_graphql::Response>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The GraphQL over HTTP media type; clients that ask for it get it, with status codes that
/// tell request errors apart (the spec's rules); others get `application/json`, always 200.
const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

fn respond(headers: &HeaderMap, mut response: async_graphql::Response) -> Response {
    let wants_graphql_response = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|value| value.contains(GRAPHQL_RESPONSE));
    // A request error (nothing executed: syntax, validation, limits) carries no path.
    let request_error = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|error| error.path.is_empty());
    for error in &mut response.errors {
        // The engine suggests field and argument names ("Did you mean …?"); the schema is
        // public through introspection, but a suggestion is no part of the error contract.
        if let Some(at) = error.message.find(" Did you mean") {
            error.message.truncate(at);
        }
        // Request errors from the engine (syntax, validation) get the code of a bad request.
        if request_error
            && error
                .extensions
                .as_ref()
                .and_then(|e| e.get("code"))
                .is_none()
        {
            error
                .extensions
                .get_or_insert_with(Default::default)
                .set("code", "BAD_REQUEST");
        }
    }
    let code_of = |error: &async_graphql::ServerError| {
        error
            .extensions
            .as_ref()
            .and_then(|extensions| extensions.get("code").cloned())
    };
    let outcome = match response.errors.first().map(code_of) {
        None => Outcome::Ok,
        Some(Some(async_graphql::Value::String(code))) => Outcome::of_code(Some(&code)),
        Some(_) => Outcome::of_code(None),
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
    let mut answer = (status, [(header::CONTENT_TYPE, media_type)], body).into_response();
    answer.extensions_mut().insert(GraphqlRequest {
        operation: None,
        outcome,
    });
    answer
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
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(request_id): Extension<RequestId>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Response {
    let caller = Caller {
        address: client_address(&headers, peer, state.trust_forwarded_for),
        request_id,
    };
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
    execute(&state, &headers, caller, request, Via::Post).await
}

/// GET /graphql: a query in the URL (as the GraphQL over HTTP spec describes), or GraphiQL for
/// a person opening the address in a browser.
async fn graphql_get(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(request_id): Extension<RequestId>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let caller = Caller {
        address: client_address(&headers, peer, state.trust_forwarded_for),
        request_id,
    };
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
            return refuse(
                StatusCode::BAD_REQUEST,
                &format!("malformed GraphQL request in the URL: {error}"),
            );
        }
    };
    execute(&state, &headers, caller, request, Via::Get).await
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

/// `GET /metrics`: the request series and, read now, the database pool and the index.
async fn metrics(State(state): State<AppState>) -> Response {
    let pool = state.store.pool_status();
    let checkpoint = state.index.checkpoint();
    let latest = state.store.latest_change_seq().await.ok();
    let index = Arc::clone(&state.index);
    let (documents, bytes) =
        tokio::task::spawn_blocking(move || (index.document_count(), index.disk_bytes()))
            .await
            .unwrap_or((0, 0));
    #[allow(clippy::cast_precision_loss)] // counts far below 2^52
    let mut gauges = vec![
        Gauge {
            name: "passerelle_db_pool_connections",
            help: "Database connections of this node's pool, by state.",
            labels: "state=\"idle\"",
            value: f64::from(pool.idle),
        },
        Gauge {
            name: "passerelle_db_pool_connections",
            help: "",
            labels: "state=\"in_use\"",
            value: f64::from(pool.open.saturating_sub(pool.idle)),
        },
        Gauge {
            name: "passerelle_db_pool_max_connections",
            help: "The most connections the pool opens.",
            labels: "",
            value: f64::from(pool.max),
        },
        Gauge {
            name: "passerelle_db_statements_total",
            help: "Statements sent to the database since start (a counter).",
            labels: "",
            value: state.store.statements_executed() as f64,
        },
        Gauge {
            name: "passerelle_index_documents",
            help: "Documents in this node's search index.",
            labels: "",
            value: documents as f64,
        },
        Gauge {
            name: "passerelle_index_size_bytes",
            help: "Bytes of this node's search index on disk.",
            labels: "",
            value: bytes as f64,
        },
    ];
    if let Some(checkpoint) = &checkpoint {
        gauges.push(Gauge {
            name: "passerelle_index_applied_seq",
            help: "The last change-log entry applied to the index.",
            labels: "",
            value: checkpoint.seq as f64,
        });
    }
    if let (Some(latest), Some(checkpoint)) = (latest, &checkpoint) {
        gauges.push(Gauge {
            name: "passerelle_index_lag_entries",
            help: "Change-log entries written to the database and not yet in this node's index.",
            labels: "",
            value: (latest - checkpoint.seq).max(0) as f64,
        });
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(&gauges),
    )
        .into_response()
}

async fn schema_file(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        graphql::sdl(&state.schema),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panic_during_execution_is_answered_as_internal_with_the_request_id_only() {
        let request_id = RequestId("0123abcd".to_owned());
        let joined = tokio::spawn(async {
            if always() {
                panic!("SELECT secret FROM somewhere failed");
            }
            async_graphql::Response::default()
        })
        .await;
        let response = outcome_of(joined, &request_id);
        let body = serde_json::to_value(&response).unwrap_or_default();
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "INTERNAL",
            "{body}"
        );
        assert_eq!(body["errors"][0]["extensions"]["requestId"], "0123abcd");
        assert_eq!(
            body["errors"][0]["message"],
            "internal error (request id 0123abcd)"
        );
        assert!(!body.to_string().contains("secret"));
    }

    /// True, unknown to the compiler: the panic is not seen as unconditional.
    fn always() -> bool {
        std::hint::black_box(true)
    }

    #[test]
    fn the_client_address_comes_from_the_proxy_only_when_trusted() {
        let peer: SocketAddr = "10.0.0.5:4000".parse().unwrap_or_else(|_| unreachable!());
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("1.2.3.4, 198.51.100.9"),
        );
        assert_eq!(client_address(&headers, peer, false), peer.ip());
        assert_eq!(
            client_address(&headers, peer, true),
            "198.51.100.9"
                .parse::<IpAddr>()
                .unwrap_or_else(|_| unreachable!())
        );
        assert_eq!(client_address(&HeaderMap::new(), peer, true), peer.ip());
    }
}
