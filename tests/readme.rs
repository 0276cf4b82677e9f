//! The README's example queries, run as written against the demo catalogue: the integrators'
//! documentation cannot drift from the schema unnoticed.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

mod support;

use serde_json::json;
use support::TestServer;

/// The ```graphql blocks of a Markdown text.
fn graphql_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match (&mut current, line.trim_start()) {
            (None, "```graphql") => current = Some(String::new()),
            (Some(_), "```") => blocks.extend(current.take()),
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

#[tokio::test]
async fn the_readmes_example_queries_run_against_the_demo_and_find_something() {
    let blocks = graphql_blocks(include_str!("../README.md"));
    let server = TestServer::start(true).await;
    let mut ran = 0;
    for block in &blocks {
        // The publishing walk-through needs a token from its own first step.
        if block.contains("mutation") {
            continue;
        }
        let body = server.graphql(block, json!({})).await;
        assert!(body.get("errors").is_none(), "{block}\n→ {body:#}");
        let data = body["data"].as_object().unwrap();
        for (field, value) in data {
            let found = value["totalCount"]
                .as_i64()
                .map_or(!value.is_null(), |total| total > 0);
            assert!(found, "{field} found nothing in\n{block}\n→ {body:#}");
        }
        ran += 1;
    }
    assert!(ran >= 5, "only {ran} queries found in the README");
}
