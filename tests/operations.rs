//! Running the public API: per-client budgets, request ids, metrics, and errors that say what
//! to fix without saying more than they should.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

mod support;

use serde_json::{Value, json};
use support::{TestServer, assert_error, error_code};

/// POSTs a query and returns the response itself (status and headers matter here).
async fn post(server: &TestServer, query: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = server
        .client
        .post(format!("{}/graphql", server.base_url))
        .json(&json!({ "query": query }));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

async fn metrics(server: &TestServer) -> String {
    let response = server
        .client
        .get(format!("{}/metrics", server.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    response.text().await.unwrap()
}

/// The value of one series line, `name{labels}` exactly as written.
fn sample(exposition: &str, series: &str) -> Option<f64> {
    exposition.lines().find_map(|line| {
        line.strip_prefix(series)
            .and_then(|rest| rest.strip_prefix(' '))
            .and_then(|value| value.parse().ok())
    })
}

fn retry_after(response: &reqwest::Response) -> u64 {
    response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn each_client_spends_a_cost_budget_and_past_it_gets_429_with_retry_after() {
    let server = TestServer::start_with(|settings| settings.cost_per_minute = 300).await;
    // A page of 100 offers costs 1 + 100 × 1; the budget holds two such requests, not three.
    let page = "{ trainingOffers(first: 100) { totalCount } }";
    for _ in 0..2 {
        let response = post(&server, page, &[]).await;
        assert_eq!(response.status(), 200);
    }
    let refused = post(&server, page, &[]).await;
    assert_eq!(refused.status(), 429);
    let wait = retry_after(&refused);
    // 98 units are left, 5 refill each second and 101 are needed: one second, or two.
    assert!((1..=2).contains(&wait), "Retry-After: {wait}");
    let body: Value = refused.json().await.unwrap();
    assert_error(&body, "RATE_LIMITED", "costs 101");
    // The charge follows the cost: a request costing 1 still fits in what is left.
    let cheap = post(&server, "{ __typename }", &[]).await;
    assert_eq!(cheap.status(), 200);

    // A signed-in user is charged on their own budget, not on their address's.
    let account = server.register("budget@example.fr", "Budget").await;
    let bearer = format!("Bearer {}", account.access_token);
    let signed_in = post(&server, page, &[("authorization", &bearer)]).await;
    assert_eq!(signed_in.status(), 200);

    let exposition = metrics(&server).await;
    assert_eq!(
        sample(&exposition, "passerelle_rate_limited_total{limit=\"cost\"}"),
        Some(1.0)
    );
    server.stop().await;
}

#[tokio::test]
async fn sign_in_attempts_are_limited_per_address_more_tightly_than_queries() {
    let server = TestServer::start_with(|settings| {
        settings.sign_ins_per_minute = 3;
        settings.trust_forwarded_for = true;
    })
    .await;
    let login = |email: &str| {
        format!(
            "mutation {{ login(input: {{email: \"{email}\", password: \"pas le bon mot de passe\"}}) {{ userErrors {{ code }} }} }}"
        )
    };
    let from = [("x-forwarded-for", "203.0.113.7")];
    for attempt in 0..3 {
        let response = post(&server, &login(&format!("n{attempt}@example.fr")), &from).await;
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        assert_eq!(
            body["data"]["login"]["userErrors"][0]["code"],
            "INVALID_CREDENTIALS"
        );
    }
    let refused = post(&server, &login("n4@example.fr"), &from).await;
    assert_eq!(refused.status(), 429);
    assert!(retry_after(&refused) >= 1);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(error_code(&body), "RATE_LIMITED", "{body}");
    // Registration counts against the same allowance.
    let register = "mutation { register(input: {email: \"new@example.fr\", password: \"mot de passe solide\", displayName: \"New\"}) { accessToken } }";
    assert_eq!(post(&server, register, &from).await.status(), 429);

    // Queries from that address, and sign-ins from another one, go on.
    assert_eq!(post(&server, "{ __typename }", &from).await.status(), 200);
    let elsewhere = [("x-forwarded-for", "198.51.100.1, 203.0.113.8")];
    assert_eq!(
        post(&server, &login("n5@example.fr"), &elsewhere)
            .await
            .status(),
        200
    );
    let exposition = metrics(&server).await;
    assert_eq!(
        sample(
            &exposition,
            "passerelle_rate_limited_total{limit=\"sign_in\"}"
        ),
        Some(2.0)
    );
    server.stop().await;
}

#[tokio::test]
async fn metrics_count_requests_by_operation_and_outcome_and_report_pool_and_index() {
    let server = TestServer::start(true).await;
    let named = "query CatalogueProbe { trainingOffers(first: 2) { totalCount } }";
    for _ in 0..3 {
        assert_eq!(post(&server, named, &[]).await.status(), 200);
    }
    let bad_page = "query BadPage { trainingOffers(first: 0) { totalCount } }";
    let body: Value = post(&server, bad_page, &[]).await.json().await.unwrap();
    assert_eq!(error_code(&body), "BAD_USER_INPUT");

    let exposition = metrics(&server).await;
    assert_eq!(
        sample(
            &exposition,
            "passerelle_graphql_requests_total{operation=\"CatalogueProbe\",outcome=\"ok\"}"
        ),
        Some(3.0)
    );
    assert_eq!(
        sample(
            &exposition,
            "passerelle_graphql_requests_total{operation=\"BadPage\",outcome=\"bad_user_input\"}"
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &exposition,
            "passerelle_graphql_request_duration_seconds_count{operation=\"CatalogueProbe\"}"
        ),
        Some(3.0)
    );
    assert_eq!(
        sample(
            &exposition,
            "passerelle_graphql_request_duration_seconds_bucket{operation=\"CatalogueProbe\",le=\"+Inf\"}"
        ),
        Some(3.0)
    );
    assert_eq!(
        sample(
            &exposition,
            "passerelle_http_responses_total{route=\"/graphql\",status=\"200\"}"
        ),
        Some(4.0)
    );
    assert!(sample(&exposition, "passerelle_db_pool_max_connections").unwrap() >= 1.0);
    assert!(
        sample(
            &exposition,
            "passerelle_db_pool_connections{state=\"idle\"}"
        )
        .is_some(),
        "{exposition}"
    );
    let readiness = server.readiness().await;
    let documents = readiness["index"]["documents"].as_f64().unwrap();
    assert!(documents > 0.0);
    assert_eq!(
        sample(&exposition, "passerelle_index_documents"),
        Some(documents)
    );
    assert!(sample(&exposition, "passerelle_index_size_bytes").unwrap() > 0.0);
    assert!(sample(&exposition, "passerelle_index_lag_entries").is_some());
    server.stop().await;
}

#[tokio::test]
async fn every_response_carries_its_request_id_and_internal_faults_show_only_that() {
    let server = TestServer::start(false).await;
    let response = post(&server, "{ __typename }", &[]).await;
    let generated = response.headers()["x-request-id"].to_str().unwrap();
    assert_eq!(generated.len(), 32, "{generated}");
    // A proxy's id is kept; one that could forge log lines is replaced.
    let kept = post(&server, "{ __typename }", &[("x-request-id", "edge-42")]).await;
    assert_eq!(kept.headers()["x-request-id"], "edge-42");
    let replaced = post(&server, "{ __typename }", &[("x-request-id", "a b\"c")]).await;
    assert_ne!(replaced.headers()["x-request-id"], "a b\"c");

    // The database goes away under the server: queries fail as INTERNAL with the request id.
    server.store.clone().close().await.unwrap();
    let response = post(&server, "{ trainingOffers(first: 5) { totalCount } }", &[]).await;
    let request_id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_code(&body), "INTERNAL", "{body}");
    let error = &body["errors"][0];
    assert_eq!(error["extensions"]["requestId"], request_id.as_str());
    assert_eq!(
        error["message"],
        format!("internal error (request id {request_id})")
    );
    server.stop().await;
}

#[tokio::test]
async fn request_errors_carry_a_code_and_no_hints_about_other_names() {
    let server = TestServer::start(false).await;
    let body: Value = post(
        &server,
        "{ trainingOffers(frist: 5) { edges { node { titel } } } }",
        &[],
    )
    .await
    .json()
    .await
    .unwrap();
    let errors = body["errors"].as_array().unwrap();
    assert!(errors.len() >= 2, "{body}");
    for error in errors {
        let message = error["message"].as_str().unwrap();
        assert!(!message.contains("Did you mean"), "{message}");
        assert!(
            !message.contains("\"first\"") && !message.contains("\"title\""),
            "{message}"
        );
        assert_eq!(error["extensions"]["code"], "BAD_REQUEST", "{error}");
    }
    assert!(
        errors
            .iter()
            .any(|error| error["message"].as_str().unwrap().contains("titel")),
        "{body}"
    );
    server.stop().await;
}

#[tokio::test]
async fn long_lists_long_documents_and_default_pages_are_bounded() {
    let server = TestServer::start(false).await;
    let ids: Vec<String> = (0..251).map(|n| format!("\"T2ZmZXI6{n}\"")).collect();
    let body = server
        .graphql(
            &format!("{{ nodes(ids: [{}]) {{ id }} }}", ids.join(",")),
            json!({}),
        )
        .await;
    assert_error(&body, "BAD_USER_INPUT", "250");
    let body = server
        .graphql(
            "query($skills: [String!]) { trainingOffers(filter: {skills: $skills}) { totalCount } }",
            json!({ "skills": vec!["rust"; 300] }),
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");

    // 40 KB of query text, even if most of it is a comment.
    let long = format!("# {}\n{{ __typename }}", "x".repeat(40 * 1024));
    let body = server.graphql(&long, json!({})).await;
    assert_error(&body, "QUERY_TOO_COMPLEX", "bytes");

    // Lists left at their default page size (20) cost as much as if it were written out:
    // four nested levels are 20^4 items.
    let nested = |first: &str| {
        format!(
            "{{ organisations{first} {{ edges {{ node {{ trainingOffers{first} {{ edges {{ node {{
                provider {{ trainingOffers{first} {{ edges {{ node {{
                provider {{ trainingOffers{first} {{ totalCount }} }} }} }} }} }} }} }} }} }} }} }} }}"
        )
    };
    let body = server.graphql(&nested(""), json!({})).await;
    assert_error(&body, "QUERY_TOO_COMPLEX", "cost");
    let body = server.graphql(&nested("(first: 2)"), json!({})).await;
    assert!(body.get("errors").is_none(), "{body}");
    server.stop().await;
}

/// PostgreSQL restarted, or a proxy closed idle connections, while the node was quiet: the
/// next requests are answered on new connections, not with errors (a connection idle for a
/// second or more is checked before use; see `PING_CONNECTIONS_IDLE_FOR` in the store).
/// Closed under traffic, each connection fails one request, with an error naming it.
#[tokio::test]
async fn connections_closed_while_the_node_was_quiet_are_replaced() {
    let server = TestServer::start(true).await;
    let query =
        "{ trainingOffers(first: 3) { totalCount edges { node { title provider { name } } } } }";
    let before = server.data(query, json!({})).await;
    let Some(closed) = server.close_database_connections().await else {
        // SQLite: the database is a file of this process; nothing can close its connections.
        server.stop().await;
        return;
    };
    assert!(closed > 0, "no connection to close");
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    for _ in 0..3 {
        assert_eq!(server.data(query, json!({})).await, before);
    }
    // Under traffic, a connection used within the last second is not checked: closed, it
    // fails its next statement, with an error that names the request, once; the pool (16
    // connections on PostgreSQL) then replaces it.
    server.close_database_connections().await;
    let mut failed = 0;
    for _ in 0..20 {
        let body = server.graphql(query, json!({})).await;
        if body.get("errors").is_some() {
            assert_eq!(error_code(&body), "INTERNAL", "{body}");
            let message = body["errors"][0]["message"].as_str().unwrap();
            assert!(message.contains("request id"), "{message}");
            failed += 1;
        } else {
            assert_eq!(body["data"], before);
        }
    }
    assert!(failed <= 16, "{failed} requests failed");
    for _ in 0..3 {
        assert_eq!(server.data(query, json!({})).await, before);
    }
    server.stop().await;
}
