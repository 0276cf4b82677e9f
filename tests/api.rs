//! The whole system over HTTP: start-up, probes, the read API on the demo catalogue.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

mod support;

use std::collections::HashSet;

use serde_json::{Value, json};
use support::{TestServer, assert_error, error_code};

#[tokio::test]
async fn probes_answer_and_graphiql_is_served_to_browsers() {
    let server = TestServer::start(false).await;
    let health = server
        .client
        .get(format!("{}/healthz", server.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let ready = server.readiness().await;
    assert_eq!(ready["status"], "ready");
    let graphiql = server
        .client
        .get(format!("{}/graphql", server.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(graphiql.status(), 200);
    assert!(graphiql.text().await.unwrap().contains("graphiql"));
    let schema = server
        .client
        .get(format!("{}/schema.graphql", server.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(
        schema.text().await.unwrap(),
        passerelle_server::export_schema()
    );
    server.stop().await;
}

#[test]
fn schema_file_matches_the_served_schema() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
        .unwrap_or_default();
    assert!(
        committed == passerelle_server::export_schema(),
        "schema.graphql is out of date: run `cargo run -- export-schema > schema.graphql` and commit it"
    );
}

#[tokio::test]
async fn a_bad_database_url_stops_start_up_with_a_message_naming_the_setting() {
    let data_dir = tempfile::tempdir().unwrap();
    let mut settings = passerelle_server::Settings::new(
        "127.0.0.1:0".parse().unwrap(),
        data_dir.path().to_owned(),
    );
    settings.database_url = Some("mysql://root@localhost/passerelle".to_owned());
    let error = passerelle_server::Application::build(settings)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("DATABASE_URL") && error.contains("postgres://"),
        "{error}"
    );
}

#[tokio::test]
async fn the_demo_catalogue_is_there_and_realistic() {
    let server = TestServer::start(true).await;
    let data = server
        .data(
            "{ organisations(first: 100) { totalCount edges { node { isTrainingProvider place { region } siret } } }
               trainingOffers(first: 1) { totalCount }
               skills(first: 1) { totalCount } }",
            json!({}),
        )
        .await;
    let organisations = data["organisations"]["edges"].as_array().unwrap();
    assert!(organisations.len() >= 40);
    let providers = organisations
        .iter()
        .filter(|edge| edge["node"]["isTrainingProvider"] == true)
        .count();
    assert!(providers >= 15, "{providers} providers");
    assert!(
        organisations
            .iter()
            .all(|edge| edge["node"]["place"]["region"] == "Occitanie")
    );
    assert!(data["trainingOffers"]["totalCount"].as_i64().unwrap() >= 140);
    assert!(data["skills"]["totalCount"].as_i64().unwrap() >= 150);
    server.stop().await;
}

const OFFER_PAGE: &str = "query Page($first: Int, $after: String, $filter: TrainingOfferFilter) {
  trainingOffers(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { id slug status updatedAt provider { slug } skills { skill { slug broader { slug } } }
                          sessions { startDate endDate } } }
  }
}";

async fn every_offer(server: &TestServer, filter: Value, first: i64) -> (Vec<Value>, i64) {
    let mut offers = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = server
            .data(
                OFFER_PAGE,
                json!({ "first": first, "after": after, "filter": filter }),
            )
            .await;
        let connection = &data["trainingOffers"];
        offers.extend(
            connection["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|edge| edge["node"].clone()),
        );
        assert_eq!(connection["pageInfo"]["hasPreviousPage"], !after.is_null());
        if connection["pageInfo"]["hasNextPage"] == false {
            return (offers, connection["totalCount"].as_i64().unwrap());
        }
        after = connection["pageInfo"]["endCursor"].clone();
    }
}

#[tokio::test]
async fn offers_page_through_without_gaps_or_repeats() {
    let server = TestServer::start(true).await;
    let (offers, total) = every_offer(&server, Value::Null, 37).await;
    assert_eq!(offers.len() as i64, total);
    let slugs: HashSet<&str> = offers
        .iter()
        .map(|offer| offer["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs.len(), offers.len(), "no offer twice");
    assert!(offers.iter().all(|offer| offer["status"] == "PUBLISHED"));
    for offer in &offers {
        for session in offer["sessions"].as_array().unwrap() {
            assert!(session["endDate"].as_str() >= session["startDate"].as_str());
        }
    }

    let too_many = server.graphql(OFFER_PAGE, json!({ "first": 101 })).await;
    assert_eq!(error_code(&too_many), "BAD_USER_INPUT");
    let bad_cursor = server
        .graphql(OFFER_PAGE, json!({ "first": 5, "after": "bm9wZQ" }))
        .await;
    assert_eq!(error_code(&bad_cursor), "BAD_USER_INPUT");
    server.stop().await;
}

#[tokio::test]
async fn a_mirror_follows_changes_in_update_order_and_sees_archived_offers() {
    let server = TestServer::start(true).await;
    let filter =
        json!({ "updatedSince": "2000-01-01T00:00:00Z", "statuses": ["PUBLISHED", "ARCHIVED"] });
    let (offers, total) = every_offer(&server, filter, 25).await;
    assert_eq!(offers.len() as i64, total);
    let stamps: Vec<&str> = offers
        .iter()
        .map(|offer| offer["updatedAt"].as_str().unwrap())
        .collect();
    assert!(
        stamps.windows(2).all(|pair| pair[0] <= pair[1]),
        "ordered by updatedAt"
    );
    // Resuming from a point in time returns exactly the offers changed since then.
    let since = stamps[stamps.len() / 2];
    let newer = stamps.iter().filter(|stamp| **stamp >= since).count();
    let resumed_filter = json!({ "updatedSince": since, "statuses": ["PUBLISHED", "ARCHIVED"] });
    let (resumed, _) = every_offer(&server, resumed_filter, 25).await;
    assert_eq!(resumed.len(), newer);
    assert!(resumed.len() < offers.len());
    assert!(
        resumed
            .iter()
            .all(|offer| offer["updatedAt"].as_str().unwrap() >= since)
    );
    let archived: Vec<&Value> = offers
        .iter()
        .filter(|offer| offer["status"] == "ARCHIVED")
        .collect();
    assert!(!archived.is_empty(), "the demo has archived offers");

    // An archived offer leaves the default list but stays readable by slug and by ID.
    let slug = archived[0]["slug"].as_str().unwrap();
    let id = archived[0]["id"].as_str().unwrap();
    let data = server
        .data(
            "query($slug: String!, $id: ID!) { trainingOffer(slug: $slug) { status } node(id: $id) { ... on TrainingOffer { slug } } }",
            json!({ "slug": slug, "id": id }),
        )
        .await;
    assert_eq!(data["trainingOffer"]["status"], "ARCHIVED");
    assert_eq!(data["node"]["slug"], slug);
    let (published, _) = every_offer(&server, Value::Null, 100).await;
    assert!(published.iter().all(|offer| offer["slug"] != slug));

    let drafts = server
        .graphql(OFFER_PAGE, json!({ "filter": { "statuses": ["DRAFT"] } }))
        .await;
    assert_eq!(error_code(&drafts), "BAD_USER_INPUT");
    server.stop().await;
}

#[tokio::test]
async fn drafts_are_visible_through_no_path() {
    let server = TestServer::start(true).await;
    let data = server
        .data("{ organisations(first: 100) { edges { node { trainingOffers(status: [DRAFT], first: 100) { totalCount } } } } }", json!({}))
        .await;
    for edge in data["organisations"]["edges"].as_array().unwrap() {
        assert_eq!(edge["node"]["trainingOffers"]["totalCount"], 0);
    }
    // Every offer reachable from the providers is published or archived.
    let data = server
        .data(
            "{ organisations(first: 100) { edges { node { trainingOffers(status: [PUBLISHED, ARCHIVED], first: 100) { totalCount edges { node { status } } } } } } }",
            json!({}),
        )
        .await;
    let reachable: i64 = data["organisations"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| {
            edge["node"]["trainingOffers"]["totalCount"]
                .as_i64()
                .unwrap()
        })
        .sum();
    let (mirror, _) = every_offer(
        &server,
        json!({ "statuses": ["PUBLISHED", "ARCHIVED"] }),
        100,
    )
    .await;
    assert_eq!(reachable, mirror.len() as i64);
    server.stop().await;
}

#[tokio::test]
async fn filters_by_department_and_by_broader_skill() {
    let server = TestServer::start(true).await;
    let (all, _) = every_offer(&server, Value::Null, 100).await;
    let (programming, _) = every_offer(&server, json!({ "skills": ["programmation"] }), 100).await;
    assert!(!programming.is_empty() && programming.len() < all.len());
    // A broader skill matches offers teaching any of its narrower skills, such as Rust.
    let (rust, _) = every_offer(&server, json!({ "skills": ["rust"] }), 100).await;
    assert!(!rust.is_empty());
    let programming_slugs: HashSet<&str> = programming
        .iter()
        .map(|offer| offer["slug"].as_str().unwrap())
        .collect();
    assert!(
        rust.iter()
            .all(|offer| programming_slugs.contains(offer["slug"].as_str().unwrap()))
    );

    let (herault, _) = every_offer(&server, json!({ "departments": ["34"] }), 100).await;
    assert!(!herault.is_empty() && herault.len() < all.len());

    let unknown = server
        .graphql(
            OFFER_PAGE,
            json!({ "filter": { "skills": ["cobol-quantique"] } }),
        )
        .await;
    assert_eq!(error_code(&unknown), "BAD_USER_INPUT");
    assert!(
        unknown["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("cobol-quantique")
    );
    server.stop().await;
}

#[tokio::test]
async fn skills_are_found_by_label_or_synonym_in_both_languages() {
    let server = TestServer::start(false).await;
    let query = "query($q: String) { skills(query: $q, first: 50) { edges { node { slug label(locale: EN) narrower { slug } broader { slug } } } } }";
    let slugs = |data: &Value| -> Vec<String> {
        data["skills"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|edge| edge["node"]["slug"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(
        slugs(&server.data(query, json!({ "q": "securite" })).await)
            .contains(&"cybersecurite".to_owned())
    );
    assert!(
        slugs(&server.data(query, json!({ "q": "k8s" })).await).contains(&"kubernetes".to_owned())
    );
    assert!(
        slugs(&server.data(query, json!({ "q": "JS" })).await).contains(&"javascript".to_owned())
    );
    let family = server
        .data(
            "{ skill(slug: \"cybersecurite\") { broader { slug } narrower { slug } } }",
            json!({}),
        )
        .await;
    assert!(family["skill"]["broader"].is_null());
    assert!(!family["skill"]["narrower"].as_array().unwrap().is_empty());
    server.stop().await;
}

#[tokio::test]
async fn nodes_resolve_by_global_id_and_garbage_ids_are_refused() {
    let server = TestServer::start(true).await;
    let data = server
        .data("{ organisations(first: 3) { edges { node { id slug } } } skill(slug: \"rust\") { id } }", json!({}))
        .await;
    let mut ids: Vec<Value> = data["organisations"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| edge["node"]["id"].clone())
        .collect();
    ids.push(data["skill"]["id"].clone());
    let nodes = server
        .data(
            "query($ids: [ID!]!) { nodes(ids: $ids) { id __typename ... on Organisation { slug } ... on Skill { slug } } }",
            json!({ "ids": ids }),
        )
        .await;
    let nodes = nodes["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 4);
    assert_eq!(
        nodes[0]["slug"],
        data["organisations"]["edges"][0]["node"]["slug"]
    );
    assert_eq!(nodes[3]["__typename"], "Skill");
    assert_eq!(nodes[3]["slug"], "rust");

    let garbage = server
        .graphql("{ node(id: \"not-an-id\") { id } }", json!({}))
        .await;
    assert_eq!(error_code(&garbage), "BAD_USER_INPUT");
    server.stop().await;
}

#[tokio::test]
async fn profiles_hide_contact_details_from_anonymous_readers() {
    let server = TestServer::start(true).await;
    let data = server
        .data("{ skill(slug: \"python\") { skillProfiles(first: 50) { totalCount edges { node { visibility contactEmail skills { level } } } } } }", json!({}))
        .await;
    let profiles = data["skill"]["skillProfiles"]["edges"].as_array().unwrap();
    assert!(!profiles.is_empty());
    for profile in profiles {
        assert_eq!(profile["node"]["visibility"], "PUBLIC");
        assert!(profile["node"]["contactEmail"].is_null());
        assert!(
            profile["node"]["skills"]
                .as_array()
                .unwrap()
                .iter()
                .all(|skill| (1..=5).contains(&skill["level"].as_i64().unwrap()))
        );
    }
    server.stop().await;
}

/// N+1 guard: a page of offers with their providers, places, skills and sessions costs the same
/// number of statements whether it holds 5 offers or 50.
#[tokio::test]
async fn nested_lists_cost_a_constant_number_of_statements() {
    let server = TestServer::start(true).await;
    let query = "query($first: Int) { trainingOffers(first: $first) { totalCount edges { node {
        title provider { name place { name } skills { slug } trainingOffers(first: 3) { totalCount edges { node { slug } } } }
        skills { level skill { label broader { slug } } }
        sessions { startDate place { name department } seatsLeft } nextSession { startDate } } } } }";
    let mut costs = Vec::new();
    for first in [5, 50] {
        let before = server.store.statements_executed();
        let data = server.data(query, json!({ "first": first })).await;
        costs.push(server.store.statements_executed() - before);
        assert_eq!(
            data["trainingOffers"]["edges"].as_array().unwrap().len(),
            first
        );
    }
    // N+1 would cost at least one statement per offer for each of provider, skills and sessions
    // (150 and more for 50 offers). Batched, it costs about 13 whatever the page size; the
    // loader batches what arrives within a millisecond, so on a loaded machine batches can
    // split and the count varies, but it stays far below one statement per offer.
    assert!(
        costs[0] < 5 * 3 + 15 && costs[1] < 50,
        "statements for 5 offers vs 50: {costs:?}"
    );
    server.stop().await;
}

#[tokio::test]
async fn mutations_are_refused_over_get() {
    let server = TestServer::start(false).await;
    let response = server
        .client
        .get(format!("{}/graphql", server.base_url))
        .query(&[(
            "query",
            "mutation { register(input: {email: \"get@example.fr\", password: \"mot de passe solide\", displayName: \"Get\"}) { accessToken } }",
        )])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "POST");
    // Nothing was created.
    let login = server
        .data(
            "mutation { login(input: {email: \"get@example.fr\", password: \"mot de passe solide\"}) { userErrors { code } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        login["login"]["userErrors"][0]["code"],
        "INVALID_CREDENTIALS"
    );
    server.stop().await;
}

#[tokio::test]
async fn malformed_posts_are_refused_with_a_status_that_says_why() {
    let server = TestServer::start(false).await;
    let url = format!("{}/graphql", server.base_url);
    let oversized = format!(
        "{{\"query\": \"{{ __typename }}\", \"variables\": {{\"padding\": \"{}\"}}}}",
        "x".repeat(300 * 1024)
    );
    let cases: Vec<(&str, Option<&str>, String, u16, &str)> = vec![
        (
            "plain text",
            Some("text/plain"),
            "{ __typename }".to_owned(),
            415,
            "application/json",
        ),
        (
            "no media type",
            None,
            "{\"query\": \"{ __typename }\"}".to_owned(),
            415,
            "application/json",
        ),
        (
            "oversized",
            Some("application/json"),
            oversized,
            413,
            "larger than",
        ),
        (
            "not JSON",
            Some("application/json"),
            "{ __typename }".to_owned(),
            400,
            "not valid JSON",
        ),
        (
            "batch",
            Some("application/json"),
            "[{\"query\": \"{ __typename }\"}]".to_owned(),
            400,
            "batched",
        ),
        (
            "no query",
            Some("application/json"),
            "{\"variables\": {}}".to_owned(),
            400,
            "query",
        ),
        (
            "query not a string",
            Some("application/json"),
            "{\"query\": 42}".to_owned(),
            400,
            "query",
        ),
    ];
    for (case, media_type, body, status, needle) in cases {
        let mut request = server.client.post(&url).body(body);
        if let Some(media_type) = media_type {
            request = request.header("content-type", media_type);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status().as_u16(), status, "{case}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "BAD_REQUEST",
            "{case}: {body}"
        );
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains(needle), "{case}: {message}");
    }
    // A well-formed request, with a charset parameter, still runs.
    let response = server
        .client
        .post(&url)
        .header("content-type", "application/json; charset=utf-8")
        .body("{\"query\": \"{ __typename }\"}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["__typename"], "Query");
    server.stop().await;
}

const INTROSPECTION: &str = "query IntrospectionQuery { __schema { queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType } directives { name description locations args { ...InputValue } } } }
  fragment FullType on __Type { kind name description
    fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
    inputFields { ...InputValue } interfaces { ...TypeRef }
    enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason } possibleTypes { ...TypeRef } }
  fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
  fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name ofType { kind name } } } } } } } }";

#[tokio::test]
async fn requests_past_the_limits_are_refused_before_validation() {
    let server = TestServer::start(false).await;
    // The introspection query GraphiQL sends stays within the limits.
    let schema = server.data(INTROSPECTION, json!({})).await;
    assert_eq!(schema["__schema"]["queryType"]["name"], "Query");

    // 2^40 fields once fragments are expanded, in a few hundred bytes.
    let mut laughs = String::from("{ ...F40 }\nfragment F0 on Query { __typename }\n");
    for level in 1..=40 {
        let previous = level - 1;
        laughs.push_str(&format!(
            "fragment F{level} on Query {{ ...F{previous} ...F{previous} }}\n"
        ));
    }
    let started = std::time::Instant::now();
    let body = server.graphql(&laughs, json!({})).await;
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    assert_error(&body, "QUERY_TOO_COMPLEX", "fields");

    // Page size times the cost of each item, with the page size given as a variable.
    let nested = "query($n: Int) { trainingOffers(first: $n) { edges { node { provider {
        trainingOffers(first: $n) { edges { node { title sessions { startDate } } } } } } } } }";
    let body = server.graphql(nested, json!({ "n": 100 })).await;
    assert_error(&body, "QUERY_TOO_COMPLEX", "cost");
    let body = server.graphql(nested, json!({ "n": 5 })).await;
    assert!(body.get("errors").is_none(), "{body}");

    let aliases: String = (0..60).map(|n| format!("a{n}: __typename ")).collect();
    let body = server.graphql(&format!("{{ {aliases} }}"), json!({})).await;
    assert_eq!(error_code(&body), "QUERY_TOO_COMPLEX", "{body}");
    let body = server
        .graphql(
            "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), "QUERY_TOO_COMPLEX", "{body}");
    server.stop().await;
}

#[tokio::test]
async fn browsers_on_other_origins_may_call_the_api_from_the_allowed_origins() {
    let preflight = |server: &TestServer, origin: &str| {
        server
            .client
            .request(
                reqwest::Method::OPTIONS,
                format!("{}/graphql", server.base_url),
            )
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type,authorization",
            )
            .send()
    };
    // By default any origin may read and write with a bearer token.
    let open = TestServer::start(false).await;
    let response = preflight(&open, "https://portail.example").await.unwrap();
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    let allowed_headers = response.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(
        allowed_headers.contains("authorization"),
        "{allowed_headers}"
    );
    open.stop().await;

    let listed = TestServer::start_with(|settings| {
        settings.cors_origins = vec!["https://portail.example".to_owned()];
    })
    .await;
    let response = preflight(&listed, "https://portail.example").await.unwrap();
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "https://portail.example"
    );
    let response = preflight(&listed, "https://ailleurs.example")
        .await
        .unwrap();
    assert!(
        response
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    listed.stop().await;

    let folder = tempfile::tempdir().unwrap();
    let mut settings =
        passerelle_server::Settings::new("127.0.0.1:0".parse().unwrap(), folder.path().to_owned());
    settings.cors_origins = vec!["portail.example/page".to_owned()];
    let error = passerelle_server::Application::build(settings)
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("--cors-origin"), "{error}");
}

#[tokio::test]
async fn a_query_past_the_timeout_is_stopped_and_the_server_goes_on() {
    let server = TestServer::start_with(|settings| {
        settings.demo = true;
        settings.query_timeout = std::time::Duration::from_millis(1);
    })
    .await;
    // A page of 100 offers with their providers and sessions needs the database several
    // times over: far more than a millisecond.
    let body = server
        .graphql(
            "{ trainingOffers(first: 100) { edges { node { title provider { name } sessions { startDate place { name } } } } } }",
            json!({}),
        )
        .await;
    assert_error(&body, "TIMEOUT", "1 ms");
    // The server still answers.
    let body = server.graphql("{ __typename }", json!({})).await;
    assert_eq!(body["data"]["__typename"], "Query", "{body}");
    server.stop().await;
}

#[tokio::test]
async fn clients_asking_for_graphql_response_json_get_it_with_the_specs_status_codes() {
    let server = TestServer::start(false).await;
    let post = |query: &str, accept: &str| {
        server
            .client
            .post(format!("{}/graphql", server.base_url))
            .header("accept", accept)
            .json(&json!({ "query": query }))
            .send()
    };
    let media = "application/graphql-response+json";
    let ok = post("{ __typename }", media).await.unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.headers()["content-type"], media);
    assert_eq!(
        ok.json::<Value>().await.unwrap()["data"]["__typename"],
        "Query"
    );
    // A document that does not validate ran nothing: 400, and no `data` entry.
    let invalid = post("{ noSuchField }", media).await.unwrap();
    assert_eq!(invalid.status(), 400);
    let body: Value = invalid.json().await.unwrap();
    assert!(body.get("data").is_none(), "{body}");
    assert!(body["errors"][0]["message"].is_string());
    let unparsable = post("{ oops", media).await.unwrap();
    assert_eq!(unparsable.status(), 400);
    // A field error during execution still has data: 200.
    let field_error = post("{ search(first: 0) { totalCount } }", media)
        .await
        .unwrap();
    assert_eq!(field_error.status(), 200);
    // Plain JSON clients get 200 and application/json whatever happened.
    let plain = post("{ noSuchField }", "application/json").await.unwrap();
    assert_eq!(plain.status(), 200);
    let media_type = plain.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(media_type.starts_with("application/json"), "{media_type}");
    server.stop().await;
}

/// A non-null object whose every field a directive left out is `{}`, not `null` (the GraphQL
/// spec's execution), inside a list's items and alone.
#[tokio::test]
async fn objects_with_every_field_skipped_are_empty_not_null() {
    let server = TestServer::start(true).await;
    let data = server
        .data(
            "query($hide: Boolean!) { trainingOffers(first: 2) {
                edges { cursor @skip(if: $hide) node { title @skip(if: $hide) } }
                hidden: edges { cursor @skip(if: $hide) }
                pageInfo { hasNextPage @include(if: false) } } }",
            json!({ "hide": true }),
        )
        .await;
    let connection = &data["trainingOffers"];
    assert_eq!(
        connection["edges"],
        json!([{ "node": {} }, { "node": {} }]),
        "{data}"
    );
    assert_eq!(connection["hidden"], json!([{}, {}]), "{data}");
    assert_eq!(connection["pageInfo"], json!({}), "{data}");
    let shown = server
        .data(
            "query($hide: Boolean!) { trainingOffers(first: 2) {
                edges { node { title @skip(if: $hide) } } } }",
            json!({ "hide": false }),
        )
        .await;
    let titles = shown["trainingOffers"]["edges"].as_array().unwrap();
    assert!(
        titles.iter().all(|edge| edge["node"]["title"].is_string()),
        "{shown}"
    );
    server.stop().await;
}
