//! HTTP routes: GraphQL (POST, and GET for queries), GraphiQL, health and readiness probes,
//! and the schema file.

use async_graphql::http::GraphiQLSource;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use passerelle_index::LocalIndex;
use passerelle_store::Store;
use serde_json::json;
use tower_http::trace::TraceLayer;

use crate::graphql::{self, PasserelleSchema};

#[derive(Clone)]
pub(crate) struct AppState {
    pub schema: PasserelleSchema,
    pub store: Store,
    pub index: LocalIndex,
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

pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route("/graphql", get(graphql_get).post(graphql_post))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/schema.graphql", get(schema_file))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn graphql_post(State(state): State<AppState>, request: GraphQLRequest) -> GraphQLResponse {
    let request = graphql::prepare(request.into_inner(), &state.store);
    state.schema.execute(request).await.into()
}

/// GET /graphql: a query in the URL (as the GraphQL over HTTP spec describes), or GraphiQL for
/// a person opening the address in a browser.
async fn graphql_get(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
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
    let request = graphql::prepare(request, &state.store);
    GraphQLResponse::from(state.schema.execute(request).await).into_response()
}

/// Ready when the database answers with every migration applied and the index opens.
async fn readyz(State(state): State<AppState>) -> Response {
    let database = state.store.check_ready().await;
    let index = state.index.document_count();
    match (database, index) {
        (Ok(()), Ok(documents)) => {
            axum::Json(json!({ "status": "ready", "database": "ok", "indexDocuments": documents }))
                .into_response()
        }
        (database, index) => {
            if let Err(error) = &database {
                tracing::warn!(%error, "readiness: database not ready");
            }
            if let Err(error) = &index {
                tracing::warn!(%error, "readiness: index not ready");
            }
            let body = json!({
                "status": "unavailable",
                "database": if database.is_ok() { "ok" } else { "unavailable" },
                "index": if index.is_ok() { "ok" } else { "unavailable" },
            });
            (StatusCode::SERVICE_UNAVAILABLE, axum::Json(body)).into_response()
        }
    }
}

async fn schema_file(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        graphql::sdl(&state.schema),
    )
}
