//! The companies' front end: a page and a few small files compiled into the binary, served at
//! `/` and at every address the page uses (it reads its state from the URL and talks to the
//! server through `/graphql` only, like any integrator).

use std::sync::LazyLock;

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sha2::{Digest, Sha256};

use crate::http::AppState;

/// Files under `/assets/`, with their media types.
const ASSETS: [(&str, &str, &str); 10] = [
    (
        "app.css",
        "text/css; charset=utf-8",
        include_str!("../web/app.css"),
    ),
    ("app.js", JAVASCRIPT, include_str!("../web/app.js")),
    ("account.js", JAVASCRIPT, include_str!("../web/account.js")),
    ("api.js", JAVASCRIPT, include_str!("../web/api.js")),
    ("details.js", JAVASCRIPT, include_str!("../web/details.js")),
    ("i18n.js", JAVASCRIPT, include_str!("../web/i18n.js")),
    ("need.js", JAVASCRIPT, include_str!("../web/need.js")),
    ("router.js", JAVASCRIPT, include_str!("../web/router.js")),
    ("search.js", JAVASCRIPT, include_str!("../web/search.js")),
    ("ui.js", JAVASCRIPT, include_str!("../web/ui.js")),
];

const JAVASCRIPT: &str = "text/javascript; charset=utf-8";
const PAGE: &str = include_str!("../web/index.html");

/// Everything but the API's own origin is refused to the page's scripts and styles; the
/// highlights inserted as markup can thus run nothing.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// Entity tags, from the contents, so a browser revalidates cheaply after an upgrade.
static TAGS: LazyLock<Vec<String>> = LazyLock::new(|| {
    std::iter::once(PAGE)
        .chain(ASSETS.iter().map(|(_, _, body)| *body))
        .map(|body| {
            let digest = Sha256::digest(body.as_bytes());
            let hex: String = digest[..8]
                .iter()
                .map(|byte| format!("{byte:02x}"))
                .collect();
            format!("\"{hex}\"")
        })
        .collect()
});

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(page))
        .route("/besoin", get(page))
        .route("/connexion", get(page))
        .route("/offres/{slug}", get(page))
        .route("/organisations/{slug}", get(page))
        .route("/profils/{id}", get(page))
        .route("/assets/{file}", get(asset))
}

/// Answers with `body`, or 304 when the browser holds this version.
fn cached(
    headers: &HeaderMap,
    tag: &str,
    media_type: &'static str,
    body: &'static str,
) -> Response {
    let tag_value =
        HeaderValue::from_str(tag).unwrap_or_else(|_| HeaderValue::from_static("\"0\""));
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|value| value.as_bytes() == tag.as_bytes());
    let common = [
        (header::ETAG, tag_value),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
    ];
    if fresh {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    (common, [(header::CONTENT_TYPE, media_type)], body).into_response()
}

async fn page(headers: HeaderMap) -> Response {
    let mut response = cached(&headers, &TAGS[0], "text/html; charset=utf-8", PAGE);
    let extra = response.headers_mut();
    extra.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    extra.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    response
}

async fn asset(Path(file): Path<String>, headers: HeaderMap) -> Response {
    match ASSETS.iter().position(|(name, _, _)| *name == file) {
        Some(index) => {
            let (_, media_type, body) = ASSETS[index];
            cached(&headers, &TAGS[index + 1], media_type, body)
        }
        None => (StatusCode::NOT_FOUND, "no such file").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every module a served script imports is served too (a missing one breaks the page).
    #[test]
    fn every_imported_module_is_served() {
        let served: Vec<&str> = ASSETS.iter().map(|(name, _, _)| *name).collect();
        let mut imports = 0;
        for (name, _, body) in ASSETS
            .iter()
            .chain(std::iter::once(&("index.html", "", PAGE)))
        {
            for reference in body
                .split(['\'', '"'])
                .filter(|text| text.ends_with(".js") || text.ends_with(".css"))
            {
                let file = reference
                    .trim_start_matches("./")
                    .trim_start_matches("/assets/");
                assert!(
                    served.contains(&file),
                    "{name} refers to {reference}, which is not served"
                );
                imports += 1;
            }
        }
        assert!(imports >= ASSETS.len(), "only {imports} references found");
    }

    #[test]
    fn a_browser_holding_the_current_version_gets_304() {
        let mut headers = HeaderMap::new();
        let response = cached(&headers, &TAGS[1], "text/css", ASSETS[0].2);
        assert_eq!(response.status(), StatusCode::OK);
        let tag = response.headers()[header::ETAG].clone();
        headers.insert(header::IF_NONE_MATCH, tag);
        let again = cached(&headers, &TAGS[1], "text/css", ASSETS[0].2);
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        headers.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"old\""));
        assert_eq!(
            cached(&headers, &TAGS[1], "text/css", ASSETS[0].2).status(),
            StatusCode::OK
        );
    }
}
