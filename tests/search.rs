//! Search as integrators and the front end use it, over HTTP against the demo catalogue:
//! `search` (filters, facets, highlights, pages), `suggest`, `places`, `matchNeed`, and the
//! index following writes (publish, archive, visibility) on the node that made them.
//! SQLite, or PostgreSQL when TEST_DATABASE_URL is set.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::HashSet;
use std::time::Duration;

use serde_json::{Value, json};
use support::{TestServer, complete_offer, error_code, provider, publish_new_offer};

const SEARCH: &str = "query($q: String, $f: SearchFilter, $sort: SearchSort, $first: Int, $after: String) {
    search(query: $q, filter: $f, sort: $sort, first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage endCursor }
        facets { kinds { value label count } skills { value label count } modalities { value label count } departments { value label count } }
        edges { cursor score distanceKm highlights { field snippet }
            node { __typename ... on Node { id }
                ... on TrainingOffer { title modality cpfEligible price { amountCents } skills { skill { slug } level } provider { qualiopiCertified } sessions { startDate place { departmentCode } } }
                ... on SkillProfile { displayName skills { skill { slug } level } place { departmentCode } }
                ... on Organisation { name } } } } }";

async fn search(server: &TestServer, variables: Value) -> Value {
    server.data(SEARCH, variables).await["search"].clone()
}

fn edges(result: &Value) -> &Vec<Value> {
    result["edges"].as_array().unwrap()
}

fn facet(result: &Value, facet: &str, value: &str) -> i64 {
    result["facets"][facet]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["value"] == value)
        .map_or(0, |entry| entry["count"].as_i64().unwrap())
}

fn ids(result: &Value) -> Vec<String> {
    edges(result)
        .iter()
        .map(|edge| edge["node"]["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_company_finds_rust_skills_near_montpellier_despite_a_typo() {
    let server = TestServer::start(true).await;
    let result = search(&server, json!({ "q": "dev rust montpelier" })).await;
    let hits = edges(&result);
    assert!(!hits.is_empty(), "{result:#}");
    // The best hits mention Rust, and say where they matched.
    let first = &hits[0];
    let text = first.to_string().to_lowercase();
    assert!(text.contains("rust"), "{first:#}");
    assert!(
        hits.iter().take(5).all(|hit| hit["highlights"]
            .as_array()
            .unwrap()
            .iter()
            .any(|highlight| highlight["snippet"].as_str().unwrap().contains("<mark>"))),
        "{result:#}"
    );
    // Scores never increase down the page.
    let scores: Vec<f64> = hits
        .iter()
        .map(|hit| hit["score"].as_f64().unwrap())
        .collect();
    assert!(
        scores.windows(2).all(|pair| pair[0] >= pair[1]),
        "{scores:?}"
    );
    // Accents: "cybersécurité" and "cybersecurite" find the same hits.
    let accented = ids(&search(&server, json!({ "q": "cybersécurité", "first": 50 })).await);
    let plain = ids(&search(&server, json!({ "q": "CYBERSECURITE", "first": 50 })).await);
    assert!(!accented.is_empty());
    assert_eq!(accented, plain);
    server.stop().await;
}

#[tokio::test]
async fn facets_count_what_clicking_them_leaves() {
    let server = TestServer::start(true).await;
    let all = search(&server, json!({ "q": "", "first": 1 })).await;
    let total = all["totalCount"].as_i64().unwrap();
    let kinds_sum: i64 = all["facets"]["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["count"].as_i64().unwrap())
        .sum();
    assert_eq!(kinds_sum, total, "every hit has one kind");
    let offers = facet(&all, "kinds", "TRAINING_OFFER");
    assert!(offers > 0);

    let only_offers = search(
        &server,
        json!({ "q": "", "first": 1, "f": { "kinds": ["TRAINING_OFFER"] } }),
    )
    .await;
    assert_eq!(only_offers["totalCount"].as_i64().unwrap(), offers);
    // The kinds facet ignores the kinds filter: the other kinds are still counted.
    assert_eq!(
        facet(&only_offers, "kinds", "SKILL_PROFILE"),
        facet(&all, "kinds", "SKILL_PROFILE")
    );

    let remote = facet(&only_offers, "modalities", "REMOTE");
    let remote_offers = search(
        &server,
        json!({ "q": "", "first": 100, "f": { "kinds": ["TRAINING_OFFER"], "modalities": ["REMOTE"] } }),
    )
    .await;
    assert_eq!(remote_offers["totalCount"].as_i64().unwrap(), remote);
    assert!(
        edges(&remote_offers)
            .iter()
            .all(|edge| edge["node"]["modality"] == "REMOTE")
    );
    assert_eq!(
        remote_offers["facets"]["modalities"]
            .as_array()
            .unwrap()
            .iter()
            .find(|entry| entry["value"] == "REMOTE")
            .unwrap()["label"],
        "Distanciel"
    );

    let herault = facet(&all, "departments", "34");
    let in_herault = search(
        &server,
        json!({ "q": "", "first": 1, "f": { "departments": ["34"] } }),
    )
    .await;
    assert_eq!(in_herault["totalCount"].as_i64().unwrap(), herault);

    // A skill facet's count is what adding that skill to the filter leaves.
    let rust_offers = facet(&only_offers, "skills", "rust");
    let with_rust = search(
        &server,
        json!({ "q": "", "first": 100, "f": { "kinds": ["TRAINING_OFFER"], "skills": ["rust"] } }),
    )
    .await;
    assert_eq!(with_rust["totalCount"].as_i64().unwrap(), rust_offers);
    assert!(edges(&with_rust).iter().all(|edge| {
        edge["node"]["skills"]
            .as_array()
            .unwrap()
            .iter()
            .any(|taught| taught["skill"]["slug"] == "rust")
    }));
    server.stop().await;
}

#[tokio::test]
async fn filters_keep_only_what_they_say() {
    let server = TestServer::start(true).await;
    let cheap_cpf = search(
        &server,
        json!({ "q": "", "first": 100, "f": { "maxPriceCents": 150000, "cpfEligible": true } }),
    )
    .await;
    assert!(!edges(&cheap_cpf).is_empty());
    for edge in edges(&cheap_cpf) {
        let node = &edge["node"];
        assert_eq!(node["__typename"], "TrainingOffer");
        assert_eq!(node["cpfEligible"], true);
        assert!(node["price"]["amountCents"].as_i64().unwrap() <= 150000);
    }
    let qualiopi = search(
        &server,
        json!({ "q": "", "first": 100, "f": { "kinds": ["TRAINING_OFFER"], "qualiopiOnly": true } }),
    )
    .await;
    assert!(!edges(&qualiopi).is_empty());
    assert!(
        edges(&qualiopi)
            .iter()
            .all(|edge| edge["node"]["provider"]["qualiopiCertified"] == true)
    );

    // Near Montpellier within 30 km, nearest first, each with its distance.
    let near = search(
        &server,
        json!({ "q": "", "first": 50, "sort": "DISTANCE",
                "f": { "near": { "latitude": 43.611, "longitude": 3.877, "radiusKm": 30.0 } } }),
    )
    .await;
    let distances: Vec<f64> = edges(&near)
        .iter()
        .map(|edge| edge["distanceKm"].as_f64().unwrap())
        .collect();
    assert!(!distances.is_empty());
    assert!(distances.iter().all(|distance| *distance <= 30.0));
    assert!(
        distances.windows(2).all(|pair| pair[0] <= pair[1]),
        "{distances:?}"
    );

    // Profiles with Rust at level 4 or more.
    let experts = search(
        &server,
        json!({ "q": "", "first": 100, "f": { "kinds": ["SKILL_PROFILE"], "skills": ["rust"], "minLevel": 4 } }),
    )
    .await;
    for edge in edges(&experts) {
        let rust = edge["node"]["skills"]
            .as_array()
            .unwrap()
            .iter()
            .find(|held| held["skill"]["slug"] == "rust")
            .expect("holds rust");
        assert!(rust["level"].as_i64().unwrap() >= 4);
    }

    // A broader skill filter includes its narrower skills.
    let programming = search(
        &server,
        json!({ "q": "", "first": 1, "f": { "skills": ["programmation"] } }),
    )
    .await;
    let rust = search(
        &server,
        json!({ "q": "", "first": 1, "f": { "skills": ["rust"] } }),
    )
    .await;
    assert!(programming["totalCount"].as_i64().unwrap() >= rust["totalCount"].as_i64().unwrap());
    assert!(rust["totalCount"].as_i64().unwrap() > 0);

    // Cheapest first; offers without a price come last.
    let by_price = search(
        &server,
        json!({ "q": "", "first": 100, "sort": "PRICE_ASC", "f": { "kinds": ["TRAINING_OFFER"] } }),
    )
    .await;
    let prices: Vec<i64> = edges(&by_price)
        .iter()
        .map(|edge| {
            edge["node"]["price"]["amountCents"]
                .as_i64()
                .unwrap_or(i64::MAX)
        })
        .collect();
    assert!(
        prices.windows(2).all(|pair| pair[0] <= pair[1]),
        "{prices:?}"
    );
    server.stop().await;
}

#[tokio::test]
async fn pages_follow_each_other_without_repeats_or_gaps() {
    let server = TestServer::start(true).await;
    for sort in ["RELEVANCE", "NEWEST", "PRICE_ASC", "START_DATE"] {
        let whole = search(
            &server,
            json!({ "q": "données", "first": 100, "sort": sort }),
        )
        .await;
        let expected = ids(&whole);
        assert!(expected.len() > 7, "{sort}: too few hits to page through");
        let mut seen = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let page = search(
                &server,
                json!({ "q": "données", "first": 7, "sort": sort, "after": after }),
            )
            .await;
            seen.extend(ids(&page));
            assert_eq!(page["pageInfo"]["hasPreviousPage"], after.is_some());
            if page["pageInfo"]["hasNextPage"] == false {
                break;
            }
            after = page["pageInfo"]["endCursor"].as_str().map(str::to_owned);
        }
        let unique: HashSet<&String> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "{sort}: a hit came twice");
        assert_eq!(
            seen.len() as i64,
            whole["totalCount"].as_i64().unwrap(),
            "{sort}"
        );
        assert_eq!(
            seen[..expected.len()],
            expected[..],
            "{sort}: pages differ from one big page"
        );
    }
    // A cursor is tied to its sort.
    let page = search(&server, json!({ "q": "", "first": 2, "sort": "NEWEST" })).await;
    let cursor = page["pageInfo"]["endCursor"].as_str().unwrap();
    let body = server
        .graphql(
            SEARCH,
            json!({ "q": "", "sort": "PRICE_ASC", "after": cursor }),
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    server.stop().await;
}

/// `SearchEdge.node` is non-null: a hit whose type none of the query's fragments names is an
/// empty object, never `null` (the GraphQL spec's execution; a typed client refuses a null
/// there).
#[tokio::test]
async fn a_hit_no_fragment_names_is_an_empty_object() {
    let server = TestServer::start(true).await;
    let only_offers = "query($q: String) { search(query: $q, first: 20) {
        edges { node { ... on TrainingOffer { title } } } } }";
    let everything = "query($q: String) { search(query: $q, first: 20) {
        edges { node { __typename } } } }";
    let variables = json!({ "q": "Forge Oxyde" });
    let kinds = server.data(everything, variables.clone()).await;
    let kinds: Vec<&str> = edges(&kinds["search"])
        .iter()
        .map(|edge| edge["node"]["__typename"].as_str().unwrap())
        .collect();
    // The provider's name finds the organisation itself and its offers.
    assert!(kinds.contains(&"Organisation"), "{kinds:?}");
    assert!(kinds.contains(&"TrainingOffer"), "{kinds:?}");
    let result = server.data(only_offers, variables).await;
    let nodes: Vec<&Value> = edges(&result["search"])
        .iter()
        .map(|edge| &edge["node"])
        .collect();
    assert_eq!(nodes.len(), kinds.len(), "{result:#}");
    for (node, kind) in nodes.iter().zip(&kinds) {
        if *kind == "TrainingOffer" {
            assert!(node["title"].is_string(), "{node}");
        } else {
            assert_eq!(**node, json!({}), "a {kind} hit");
        }
    }
    server.stop().await;
}

#[tokio::test]
async fn bad_search_input_is_explained_and_odd_text_is_just_text() {
    let server = TestServer::start(true).await;
    for (variables, needle) in [
        (json!({ "sort": "DISTANCE" }), "filter.near"),
        (
            json!({ "f": { "skills": ["cobol-quantique"] } }),
            "cobol-quantique",
        ),
        (json!({ "first": 0 }), "first"),
        (json!({ "first": 101 }), "first"),
        (json!({ "after": "pas-un-curseur" }), "cursor"),
        (
            json!({ "f": { "near": { "latitude": 91.0, "longitude": 3.0, "radiusKm": 10.0 } } }),
            "latitude",
        ),
        (
            json!({ "f": { "near": { "latitude": 43.0, "longitude": 3.0, "radiusKm": 0.0 } } }),
            "radius",
        ),
        (json!({ "f": { "minLevel": 9 } }), "minLevel"),
        (json!({ "f": { "departments": ["Hérault"] } }), "department"),
        (json!({ "f": { "maxPriceCents": -1 } }), "maxPriceCents"),
    ] {
        let body = server.graphql(SEARCH, variables.clone()).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{variables}: {body}");
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains(needle), "{variables}: {message}");
    }
    let long = "rust ".repeat(5000);
    let punctuation = "!@#$%^&*()[]{}\"'\\/".repeat(500);
    for text in [
        "title:(rust OR \"go\") AND -java*",
        "\"unbalanced ( [ {",
        "/.*(a+)+$/",
        "🦀 rust 🦀",
        "\u{0}\u{7}\u{1b}[31m",
        long.as_str(),
        punctuation.as_str(),
        "",
        "   ",
    ] {
        let body = server.graphql(SEARCH, json!({ "q": text })).await;
        assert!(body.get("errors").is_none(), "{text:?}: {body}");
    }
    server.stop().await;
}

#[tokio::test]
async fn suggestions_and_places_complete_what_is_typed() {
    let server = TestServer::start(true).await;
    let data = server
        .data(
            "{ suggest(prefix: \"kube\") { text kind node { id ... on Skill { slug } } } }",
            json!({}),
        )
        .await;
    let first = &data["suggest"][0];
    assert_eq!(first["kind"], "SKILL", "{data}");
    assert_eq!(first["node"]["slug"], "kubernetes");
    let synonym = server
        .data(
            "{ suggest(prefix: \"k8\") { text kind node { ... on Skill { slug } } } }",
            json!({}),
        )
        .await;
    assert!(
        synonym["suggest"]
            .as_array()
            .unwrap()
            .iter()
            .any(|suggestion| suggestion["node"]["slug"] == "kubernetes"),
        "{synonym}"
    );
    // An offer title: the first word of a demo offer, typed in part.
    let offer = search(
        &server,
        json!({ "q": "", "first": 1, "f": { "kinds": ["TRAINING_OFFER"] } }),
    )
    .await;
    let title = edges(&offer)[0]["node"]["title"]
        .as_str()
        .unwrap()
        .to_owned();
    let typed: String = title.chars().take(6).collect();
    let suggestions = server
        .data(
            "query($p: String!) { suggest(prefix: $p, first: 20) { text kind } }",
            json!({ "p": typed }),
        )
        .await;
    assert!(
        suggestions["suggest"]
            .as_array()
            .unwrap()
            .iter()
            .any(|suggestion| suggestion["kind"] == "TRAINING_OFFER"),
        "{typed}: {suggestions}"
    );

    let places = server
        .data(
            "{ nimes: places(prefix: \"nimes\") { inseeCode name }
               postcode: places(prefix: \"34000\") { name }
               hyphen: places(prefix: \"castelnau le\") { name } }",
            json!({}),
        )
        .await;
    assert_eq!(places["nimes"][0]["name"], "Nîmes", "{places}");
    assert_eq!(places["postcode"][0]["name"], "Montpellier", "{places}");
    assert!(
        places["hyphen"]
            .as_array()
            .unwrap()
            .iter()
            .any(|place| place["name"] == "Castelnau-le-Lez"),
        "{places}"
    );
    server.stop().await;
}

const MATCH_NEED: &str = "query($need: SkillNeedInput!) { matchNeed(need: $need, first: 5) {
    profiles { score coverage distanceKm profile { id displayName skills { skill { slug } level } }
        gaps { skill { slug } requiredLevel currentLevel trainingOffers(first: 3) { id modality skills { skill { slug } level } } } }
    trainingOffers { score trainingOffer { id } coveredSkills { slug } } } }";

#[tokio::test]
async fn a_need_ranks_profiles_by_coverage_and_points_at_trainings_for_the_gaps() {
    let server = TestServer::start(true).await;
    let need = json!({ "skills": [{ "skill": "rust", "minLevel": 4 }, { "skill": "docker", "minLevel": 3 }, { "skill": "postgresql", "minLevel": 2 }],
                       "near": { "latitude": 43.611, "longitude": 3.877, "radiusKm": 80.0 }, "remoteOk": true });
    let data = server.data(MATCH_NEED, json!({ "need": need })).await;
    let profiles = data["matchNeed"]["profiles"].as_array().unwrap();
    assert!(!profiles.is_empty(), "{data:#}");
    let scores: Vec<f64> = profiles
        .iter()
        .map(|profile| profile["score"].as_f64().unwrap())
        .collect();
    assert!(
        scores.windows(2).all(|pair| pair[0] >= pair[1]),
        "{scores:?}"
    );
    let required = [("rust", 4), ("docker", 3), ("postgresql", 2)];
    let mut some_gap_has_offers = false;
    for profile in profiles {
        let coverage = profile["coverage"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&coverage));
        // Coverage is recomputed here from the levels shown: level points reached / required.
        let held = |slug: &str| {
            profile["profile"]["skills"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|held| held["skill"]["slug"] == slug)
                .map(|held| held["level"].as_i64().unwrap())
                .max()
                .unwrap_or(0)
        };
        let reached: i64 = required
            .iter()
            .map(|(slug, level)| held(slug).min(*level))
            .sum();
        assert!(
            (coverage - reached as f64 / 9.0).abs() < 1e-6,
            "{profile:#}"
        );
        for gap in profile["gaps"].as_array().unwrap() {
            let slug = gap["skill"]["slug"].as_str().unwrap();
            let level = gap["requiredLevel"].as_i64().unwrap();
            assert!(gap["currentLevel"].as_i64().unwrap() < level);
            assert_eq!(gap["currentLevel"].as_i64().unwrap(), held(slug));
            for offer in gap["trainingOffers"].as_array().unwrap() {
                some_gap_has_offers = true;
                let teaches = offer["skills"].as_array().unwrap().iter().any(|taught| {
                    taught["skill"]["slug"] == slug && taught["level"].as_i64().unwrap() >= level
                });
                assert!(teaches, "{slug} {level}: {offer}");
            }
        }
    }
    assert!(some_gap_has_offers, "{data:#}");
    let offers = data["matchNeed"]["trainingOffers"].as_array().unwrap();
    assert!(!offers.is_empty());
    for offer in offers {
        assert!(offer["score"].as_f64().unwrap() > 0.0, "{offer}");
        for covered in offer["coveredSkills"].as_array().unwrap() {
            assert!(
                required.iter().any(|(slug, _)| covered["slug"] == *slug),
                "{offer}"
            );
        }
    }

    let body = server
        .graphql(
            MATCH_NEED,
            json!({ "need": { "skills": [{ "skill": "rust", "minLevel": 7 }] } }),
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    let body = server
        .graphql(MATCH_NEED, json!({ "need": { "skills": [] } }))
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    server.stop().await;
}

#[tokio::test]
async fn the_index_follows_publishing_on_the_node_that_wrote() {
    let server = TestServer::start(false).await;
    let owner = server.register("formatrice@example.fr", "Formatrice").await;
    let organisation = provider(&server, &owner, "Ferris Formation").await;
    let mut input = complete_offer("Atelier Zygomorphe de Rust");
    input["description"] = json!(
        "Un atelier zygomorphe : propriété, emprunts, traits et async. Exercices sur un service web réel."
    );
    let draft =
        support::create_offer(&server, &owner.access_token, &organisation, input.clone()).await;
    let draft_id = draft["trainingOffer"]["id"].as_str().unwrap().to_owned();
    // A draft is never searchable, not even for its author.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        !server
            .search_ids("zygomorphe", json!(null))
            .await
            .contains(&draft_id)
    );

    let published = publish_new_offer(&server, &owner.access_token, &organisation, input).await;
    let took = server
        .wait_for_search("zygomorphe", &published, true, Duration::from_secs(5))
        .await
        .expect("published offer becomes searchable");
    assert!(took < Duration::from_secs(2), "took {took:?}");

    // An offer's document carries its provider's name: renaming the provider, after the
    // offer's creation (which its own entry in the log indexed), indexes the offer again.
    let renamed = server
        .data_as(
            &owner.access_token,
            "mutation($id: ID!, $input: OrganisationInput!) { updateOrganisation(id: $id, input: $input) { userErrors { code } } }",
            json!({ "id": organisation, "input": { "name": "Quokkas Formation", "isTrainingProvider": true, "place": "34172" } }),
        )
        .await;
    assert_eq!(
        renamed["updateOrganisation"]["userErrors"],
        json!([]),
        "{renamed}"
    );
    server
        .wait_for_search("quokkas", &published, true, Duration::from_secs(5))
        .await
        .expect("the offer is found by its provider's new name");
    // The indexer keeps the providers it has read: one published after the renaming carries
    // the new name too.
    let later = publish_new_offer(
        &server,
        &owner.access_token,
        &organisation,
        complete_offer("Atelier Ornithorynque de Rust"),
    )
    .await;
    server
        .wait_for_search("quokkas", &later, true, Duration::from_secs(5))
        .await
        .expect("an offer published after the renaming is found by the new name");

    server
        .data_as(
            &owner.access_token,
            "mutation($id: ID!) { archiveTrainingOffer(id: $id) { userErrors { code } } }",
            json!({ "id": published }),
        )
        .await;
    server
        .wait_for_search("zygomorphe", &published, false, Duration::from_secs(5))
        .await
        .expect("archived offer leaves the index");

    // A profile is searchable while PUBLIC only.
    let person = server.register("dev@example.fr", "Camille").await;
    let upsert = "mutation($input: SkillProfileInput!) { upsertSkillProfile(input: $input) { skillProfile { id } userErrors { code } } }";
    let profile = |visibility: &str| {
        json!({ "input": { "displayName": "Camille Quetzal", "headline": "Développeuse quetzalienne", "visibility": visibility,
                           "place": "34172", "remote": true, "skills": [{ "skill": "rust", "level": 4 }] } })
    };
    let data = server
        .data_as(&person.access_token, upsert, profile("PUBLIC"))
        .await;
    let profile_id = data["upsertSkillProfile"]["skillProfile"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    server
        .wait_for_search("quetzalienne", &profile_id, true, Duration::from_secs(5))
        .await
        .expect("public profile is searchable");
    server
        .data_as(&person.access_token, upsert, profile("MEMBERS"))
        .await;
    server
        .wait_for_search("quetzalienne", &profile_id, false, Duration::from_secs(5))
        .await
        .expect("a profile that is no longer public leaves the index");

    // The readiness report shows the index catching up with the log.
    let started = std::time::Instant::now();
    loop {
        let ready = server.readiness().await;
        assert_eq!(ready["status"], "ready", "{ready}");
        if ready["index"]["lag"] == 0 {
            assert_eq!(ready["index"]["appliedSeq"], ready["index"]["latestSeq"]);
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(5), "{ready}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.stop().await;
}
