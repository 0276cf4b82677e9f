//! The trainers' side over HTTP: organisations and members, the life of a training offer,
//! skill profiles, who may do and see what, validation, optimistic concurrency and the change
//! log (SQLite, or PostgreSQL when TEST_DATABASE_URL is set).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::{Value, json};
use support::{
    CREATE_OFFER, CREATE_ORGANISATION, PUBLISH_OFFER, TestServer, complete_offer, create_offer,
    date_in, error_code, payload, provider,
};

const UPDATE_ORGANISATION: &str = "mutation($id: ID!, $input: OrganisationInput!) {
    updateOrganisation(id: $id, input: $input) { organisation { id name } userErrors { field message code } } }";
const ADD_MEMBER: &str = "mutation($org: ID!, $email: String!, $role: MemberRole!) {
    addMember(organisationId: $org, email: $email, role: $role) { organisation { id } userErrors { field message code } } }";
const REMOVE_MEMBER: &str = "mutation($org: ID!, $user: ID!) {
    removeMember(organisationId: $org, userId: $user) { organisation { id } userErrors { field message code } } }";
const UPDATE_OFFER: &str = "mutation($id: ID!, $version: Int!, $input: TrainingOfferInput!) {
    updateTrainingOffer(id: $id, expectedVersion: $version, input: $input) { trainingOffer { id status version title sessions { startDate place { inseeCode } } } userErrors { field message code } } }";
const ARCHIVE_OFFER: &str = "mutation($id: ID!) {
    archiveTrainingOffer(id: $id) { trainingOffer { id status } userErrors { field message code } } }";
const UPSERT_PROFILE: &str = "mutation($input: SkillProfileInput!) {
    upsertSkillProfile(input: $input) { skillProfile { id displayName visibility contactEmail skills { skill { slug } level years } } userErrors { field message code } } }";

/// A draft that cannot be published yet: short description, no price, no session.
fn sketchy_offer(title: &str) -> Value {
    json!({
        "title": title,
        "summary": "À compléter.",
        "description": "Brouillon.",
        "skills": [{ "skill": "rust", "level": 2 }],
        "modality": "IN_PERSON",
        "durationHours": 14
    })
}

fn codes(payload: &Value) -> Vec<String> {
    payload["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|error| error["code"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn an_offer_goes_from_draft_to_published_to_archived() {
    let server = TestServer::start(false).await;
    let owner = server.register("owner@formation.fr", "Olga").await;
    let organisation = provider(&server, &owner, "Rust Académie Montpellier").await;
    let created = create_offer(
        &server,
        &owner.access_token,
        &organisation,
        sketchy_offer("Rust pour le web"),
    )
    .await;
    assert_eq!(created["userErrors"], json!([]), "{created}");
    let offer = &created["trainingOffer"];
    assert_eq!(offer["status"], "DRAFT");
    assert_eq!(offer["version"], 1);
    assert_eq!(offer["slug"], "rust-pour-le-web");
    let id = offer["id"].as_str().unwrap().to_owned();

    // Publishing an incomplete draft says what is missing and changes nothing.
    let refused = server
        .data_as(&owner.access_token, PUBLISH_OFFER, json!({ "id": id }))
        .await;
    let refused = payload(&refused, "publishTrainingOffer");
    assert_eq!(refused["trainingOffer"], Value::Null);
    let fields: Vec<&str> = refused["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|error| error["field"][0].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["description", "priceCents", "sessions"],
        "{refused}"
    );
    assert!(codes(refused).iter().all(|code| code == "REQUIRED"));

    let updated = server
        .data_as(
            &owner.access_token,
            UPDATE_OFFER,
            json!({ "id": id, "version": 1, "input": complete_offer("Rust pour le web, niveau 2") }),
        )
        .await;
    let updated = payload(&updated, "updateTrainingOffer");
    assert_eq!(updated["userErrors"], json!([]), "{updated}");
    assert_eq!(updated["trainingOffer"]["version"], 2);
    assert_eq!(
        updated["trainingOffer"]["sessions"][0]["place"]["inseeCode"],
        "34172"
    );

    let published = server
        .data_as(&owner.access_token, PUBLISH_OFFER, json!({ "id": id }))
        .await;
    let published = payload(&published, "publishTrainingOffer");
    assert_eq!(published["userErrors"], json!([]), "{published}");
    assert_eq!(published["trainingOffer"]["status"], "PUBLISHED");
    assert_eq!(published["trainingOffer"]["version"], 3);
    assert!(published["trainingOffer"]["publishedAt"].is_string());

    // Published: everyone sees it, by slug and in the default listing.
    let public = server
        .data("{ trainingOffer(slug: \"rust-pour-le-web\") { status title provider { name } } trainingOffers(first: 100) { totalCount } }", json!({}))
        .await;
    assert_eq!(public["trainingOffer"]["status"], "PUBLISHED");
    assert_eq!(
        public["trainingOffer"]["provider"]["name"],
        "Rust Académie Montpellier"
    );
    assert_eq!(public["trainingOffers"]["totalCount"], 1);

    // A published offer stays complete: an edit removing its price is refused.
    let mut priceless = complete_offer("Rust pour le web, niveau 2");
    priceless["priceCents"] = Value::Null;
    let refused = server
        .data_as(
            &owner.access_token,
            UPDATE_OFFER,
            json!({ "id": id, "version": 3, "input": priceless }),
        )
        .await;
    assert_eq!(
        payload(&refused, "updateTrainingOffer")["userErrors"][0]["field"],
        json!(["input", "priceCents"])
    );

    let archived = server
        .data_as(&owner.access_token, ARCHIVE_OFFER, json!({ "id": id }))
        .await;
    assert_eq!(
        payload(&archived, "archiveTrainingOffer")["trainingOffer"]["status"],
        "ARCHIVED"
    );
    // Archived: out of the default listing, still readable by slug and ID.
    let after = server
        .data(
            "query($id: ID!) { trainingOffer(slug: \"rust-pour-le-web\") { status } node(id: $id) { ... on TrainingOffer { status } } trainingOffers(first: 100) { totalCount } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(after["trainingOffer"]["status"], "ARCHIVED");
    assert_eq!(after["node"]["status"], "ARCHIVED");
    assert_eq!(after["trainingOffers"]["totalCount"], 0);

    // A second offer with the same title gets a slug of its own.
    let twin = create_offer(
        &server,
        &owner.access_token,
        &organisation,
        sketchy_offer("Rust pour le web"),
    )
    .await;
    assert_eq!(twin["trainingOffer"]["slug"], "rust-pour-le-web-2");
    server.stop().await;
}

#[tokio::test]
async fn concurrent_updates_with_the_same_expected_version_let_exactly_one_win() {
    let server = TestServer::start(false).await;
    let owner = server.register("owner@formation.fr", "Olga").await;
    let organisation = provider(&server, &owner, "Concurrence Formation").await;
    let created = create_offer(
        &server,
        &owner.access_token,
        &organisation,
        sketchy_offer("Offre disputée"),
    )
    .await;
    let id = created["trainingOffer"]["id"].as_str().unwrap().to_owned();
    let before = server.store.changes_after(0, 1000).await.unwrap().len();

    let writers: Vec<_> = (0..8)
        .map(|writer| {
            let client = server.client.clone();
            let url = format!("{}/graphql", server.base_url);
            let token = owner.access_token.clone();
            let id = id.clone();
            tokio::spawn(async move {
                let mut input = sketchy_offer(&format!("Offre disputée, version du rédacteur {writer}"));
                input["durationHours"] = json!(7 + writer);
                let body: Value = client
                    .post(url)
                    .bearer_auth(token)
                    .json(&json!({ "query": UPDATE_OFFER, "variables": { "id": id, "version": 1, "input": input } }))
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                body["data"].clone()
            })
        })
        .collect();
    let mut results = Vec::new();
    for writer in writers {
        results.push(writer.await.unwrap());
    }
    let winners: Vec<&Value> = results
        .iter()
        .map(|data| payload(data, "updateTrainingOffer"))
        .filter(|payload| payload["userErrors"] == json!([]))
        .collect();
    assert_eq!(winners.len(), 1, "{results:#?}");
    for loser in results
        .iter()
        .map(|data| payload(data, "updateTrainingOffer"))
    {
        if loser["userErrors"] != json!([]) {
            assert_eq!(codes(loser), ["CONFLICT"]);
            assert_eq!(loser["userErrors"][0]["field"], json!(["expectedVersion"]));
            assert_eq!(loser["trainingOffer"], Value::Null);
        }
    }
    let stored = server
        .data_as(
            &owner.access_token,
            "query($id: ID!) { node(id: $id) { ... on TrainingOffer { title version } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(stored["node"]["version"], 2);
    assert_eq!(
        stored["node"]["title"],
        winners[0]["trainingOffer"]["title"]
    );
    // Only the winning write reached the change log.
    assert_eq!(
        server.store.changes_after(0, 1000).await.unwrap().len(),
        before + 1
    );
    // A stale version stays refused afterwards, and the current one works.
    let stale = server
        .data_as(
            &owner.access_token,
            UPDATE_OFFER,
            json!({ "id": id, "version": 1, "input": sketchy_offer("Trop tard") }),
        )
        .await;
    assert_eq!(codes(payload(&stale, "updateTrainingOffer")), ["CONFLICT"]);
    let fresh = server
        .data_as(
            &owner.access_token,
            UPDATE_OFFER,
            json!({ "id": id, "version": 2, "input": sketchy_offer("À jour") }),
        )
        .await;
    assert_eq!(
        payload(&fresh, "updateTrainingOffer")["trainingOffer"]["version"],
        3
    );
    server.stop().await;
}

/// What happened to one attempt: the payload was clean, it carried a user error, or the
/// request failed with a top-level code.
fn outcome(body: &Value, field: &str) -> String {
    if body.get("errors").is_some() {
        return error_code(body).to_owned();
    }
    let payload = &body["data"][field];
    match payload["userErrors"]
        .as_array()
        .and_then(|errors| errors.first())
    {
        None => "OK".to_owned(),
        Some(error) => format!("user:{}", error["code"].as_str().unwrap()),
    }
}

#[tokio::test]
async fn who_may_do_what_on_an_organisation_and_its_offers() {
    let server = TestServer::start(false).await;
    let owner = server.register("owner@formation.fr", "Olga Owner").await;
    let editor = server.register("editor@formation.fr", "Eddy Editor").await;
    let outsider = server.register("outsider@autre.fr", "Otto Outsider").await;
    let user = server.register("user@exemple.fr", "Ulla User").await;
    server.register("extra@formation.fr", "Xavier Extra").await;
    let organisation = provider(&server, &owner, "Matrice Formation").await;
    provider(&server, &outsider, "Autre Formation").await;
    let added = server
        .data_as(
            &owner.access_token,
            ADD_MEMBER,
            json!({ "org": organisation, "email": "editor@formation.fr", "role": "EDITOR" }),
        )
        .await;
    assert_eq!(added["addMember"]["userErrors"], json!([]));

    // Who: (label, token). Anonymous has no token.
    let actors: [(&str, Option<&str>); 5] = [
        ("anonymous", None),
        ("user", Some(&user.access_token)),
        ("outsider", Some(&outsider.access_token)),
        ("editor", Some(&editor.access_token)),
        ("owner", Some(&owner.access_token)),
    ];

    // Each actor works on an offer of its own so that one actor's success does not change
    // the next one's case.
    let mut drafts = Vec::new();
    let mut published = Vec::new();
    for _ in &actors {
        let draft = create_offer(
            &server,
            &owner.access_token,
            &organisation,
            complete_offer("Brouillon de matrice"),
        )
        .await;
        drafts.push(draft["trainingOffer"]["id"].as_str().unwrap().to_owned());
        let public = create_offer(
            &server,
            &owner.access_token,
            &organisation,
            complete_offer("Offre publiée de matrice"),
        )
        .await;
        let public_id = public["trainingOffer"]["id"].as_str().unwrap().to_owned();
        let done = server
            .data_as(
                &owner.access_token,
                PUBLISH_OFFER,
                json!({ "id": public_id }),
            )
            .await;
        assert_eq!(done["publishTrainingOffer"]["userErrors"], json!([]));
        published.push(public_id);
    }

    let mut table = Vec::new();
    for (index, (label, token)) in actors.iter().enumerate() {
        let draft = &drafts[index];
        let public = &published[index];
        let mut row = vec![label.to_string()];
        let attempts: Vec<(&str, &str, Value)> = vec![
            (
                "updateOrganisation",
                UPDATE_ORGANISATION,
                json!({ "id": organisation, "input": { "name": "Matrice Formation", "isTrainingProvider": true } }),
            ),
            (
                "createTrainingOffer",
                CREATE_OFFER,
                json!({ "org": organisation, "input": sketchy_offer("Nouvelle offre") }),
            ),
            (
                "updateTrainingOffer",
                UPDATE_OFFER,
                json!({ "id": draft, "version": 1, "input": complete_offer("Brouillon modifié") }),
            ),
            (
                "publishTrainingOffer",
                PUBLISH_OFFER,
                json!({ "id": draft }),
            ),
            (
                "archiveTrainingOffer",
                ARCHIVE_OFFER,
                json!({ "id": public }),
            ),
            (
                "addMember",
                ADD_MEMBER,
                json!({ "org": organisation, "email": "extra@formation.fr", "role": "EDITOR" }),
            ),
        ];
        for (field, query, variables) in attempts {
            let body = server.graphql_as(*token, query, variables).await;
            row.push(format!("{field}={}", outcome(&body, field)));
        }
        table.push(row.join(" "));
    }
    let expected = [
        "anonymous updateOrganisation=UNAUTHENTICATED createTrainingOffer=UNAUTHENTICATED updateTrainingOffer=UNAUTHENTICATED publishTrainingOffer=UNAUTHENTICATED archiveTrainingOffer=UNAUTHENTICATED addMember=UNAUTHENTICATED",
        // A non-member is told a draft does not exist; the published offer is forbidden.
        "user updateOrganisation=FORBIDDEN createTrainingOffer=FORBIDDEN updateTrainingOffer=user:NOT_FOUND publishTrainingOffer=user:NOT_FOUND archiveTrainingOffer=FORBIDDEN addMember=FORBIDDEN",
        "outsider updateOrganisation=FORBIDDEN createTrainingOffer=FORBIDDEN updateTrainingOffer=user:NOT_FOUND publishTrainingOffer=user:NOT_FOUND archiveTrainingOffer=FORBIDDEN addMember=FORBIDDEN",
        "editor updateOrganisation=OK createTrainingOffer=OK updateTrainingOffer=OK publishTrainingOffer=OK archiveTrainingOffer=OK addMember=FORBIDDEN",
        "owner updateOrganisation=OK createTrainingOffer=OK updateTrainingOffer=OK publishTrainingOffer=OK archiveTrainingOffer=OK addMember=OK",
    ];
    assert_eq!(table, expected);

    // removeMember: OWNER only.
    let owner_user_id = owner.user_id.clone();
    for (label, token, expected) in [
        ("anonymous", None, "UNAUTHENTICATED"),
        (
            "outsider",
            Some(outsider.access_token.as_str()),
            "FORBIDDEN",
        ),
        ("editor", Some(editor.access_token.as_str()), "FORBIDDEN"),
    ] {
        let body = server
            .graphql_as(
                token,
                REMOVE_MEMBER,
                json!({ "org": organisation, "user": owner_user_id }),
            )
            .await;
        assert_eq!(outcome(&body, "removeMember"), expected, "{label}");
    }

    // Restricted reads: the draft, the member list, the drafts listing.
    let draft = &drafts[0];
    let read_draft = "query($id: ID!, $org: ID!) {
        node(id: $id) { ... on TrainingOffer { status } }
        trainingOffer(slug: \"brouillon-de-matrice\") { status }
        organisation: node(id: $org) { ... on Organisation {
            members { email role }
            trainingOffers(status: [DRAFT]) { totalCount edges { node { status } } } } } }";
    let mut seen = Vec::new();
    for (label, token) in actors {
        let data = server
            .graphql_as(
                token,
                read_draft,
                json!({ "id": draft, "org": organisation }),
            )
            .await;
        let data = &data["data"];
        seen.push(format!(
            "{label}: node={} slug={} members={} drafts={}",
            data["node"]["status"].as_str().unwrap_or("null"),
            data["trainingOffer"]["status"].as_str().unwrap_or("null"),
            data["organisation"]["members"]
                .as_array()
                .map_or("null".to_owned(), |members| members.len().to_string()),
            data["organisation"]["trainingOffers"]["totalCount"],
        ));
    }
    assert_eq!(
        seen,
        [
            "anonymous: node=null slug=null members=null drafts=0",
            "user: node=null slug=null members=null drafts=0",
            "outsider: node=null slug=null members=null drafts=0",
            "editor: node=DRAFT slug=DRAFT members=3 drafts=5",
            "owner: node=DRAFT slug=DRAFT members=3 drafts=5",
        ]
    );
    // Top-level listings never show drafts, even to members.
    let listed = server
        .data_as(
            &owner.access_token,
            "{ trainingOffers(first: 100) { edges { node { status } } } }",
            json!({}),
        )
        .await;
    assert!(
        listed["trainingOffers"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .all(|edge| edge["node"]["status"] == "PUBLISHED")
    );
    server.stop().await;
}

#[tokio::test]
async fn an_organisation_always_keeps_an_owner() {
    let server = TestServer::start(false).await;
    let owner = server.register("owner@formation.fr", "Olga").await;
    let second = server.register("second@formation.fr", "Sam").await;
    let organisation = provider(&server, &owner, "Toujours Un Propriétaire").await;
    let alone = server
        .data_as(
            &owner.access_token,
            REMOVE_MEMBER,
            json!({ "org": organisation, "user": owner.user_id }),
        )
        .await;
    assert_eq!(codes(payload(&alone, "removeMember")), ["FORBIDDEN"]);
    let demoted = server
        .data_as(
            &owner.access_token,
            ADD_MEMBER,
            json!({ "org": organisation, "email": "owner@formation.fr", "role": "EDITOR" }),
        )
        .await;
    assert_eq!(codes(payload(&demoted, "addMember")), ["FORBIDDEN"]);
    let unknown = server
        .data_as(
            &owner.access_token,
            ADD_MEMBER,
            json!({ "org": organisation, "email": "nobody@formation.fr", "role": "EDITOR" }),
        )
        .await;
    assert_eq!(
        payload(&unknown, "addMember")["userErrors"][0]["field"],
        json!(["email"])
    );
    assert_eq!(codes(payload(&unknown, "addMember")), ["NOT_FOUND"]);
    // With a second owner, the first can leave.
    server
        .data_as(
            &owner.access_token,
            ADD_MEMBER,
            json!({ "org": organisation, "email": "second@formation.fr", "role": "OWNER" }),
        )
        .await;
    let left = server
        .data_as(
            &second.access_token,
            REMOVE_MEMBER,
            json!({ "org": organisation, "user": owner.user_id }),
        )
        .await;
    assert_eq!(payload(&left, "removeMember")["userErrors"], json!([]));
    let gone = server
        .data_as(
            &second.access_token,
            REMOVE_MEMBER,
            json!({ "org": organisation, "user": owner.user_id }),
        )
        .await;
    assert_eq!(codes(payload(&gone, "removeMember")), ["NOT_FOUND"]);
    server.stop().await;
}

fn error_fields(payload: &Value) -> Vec<(String, String)> {
    payload["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|error| {
            let field: Vec<&str> = error["field"]
                .as_array()
                .unwrap()
                .iter()
                .map(|part| part.as_str().unwrap())
                .collect();
            (field.join("."), error["code"].as_str().unwrap().to_owned())
        })
        .collect()
}

#[tokio::test]
async fn every_validation_rule_names_its_field() {
    let server = TestServer::start(false).await;
    let owner = server.register("owner@formation.fr", "Olga").await;
    let token = owner.access_token.as_str();

    let organisation = server
        .data_as(
            token,
            CREATE_ORGANISATION,
            json!({ "input": {
                "name": "",
                "siret": "73282932000075",
                "nafCode": "62-01",
                "website": "www.example.fr",
                "place": "99999",
                "skills": ["rust", "rust", "cobol-quantique"]
            } }),
        )
        .await;
    let organisation = payload(&organisation, "createOrganisation");
    assert_eq!(organisation["organisation"], Value::Null);
    assert_eq!(
        error_fields(organisation),
        [
            ("input.name".to_owned(), "REQUIRED".to_owned()),
            ("input.siret".to_owned(), "INVALID".to_owned()),
            ("input.nafCode".to_owned(), "INVALID".to_owned()),
            ("input.website".to_owned(), "INVALID".to_owned()),
            ("input.skills.1".to_owned(), "INVALID".to_owned()),
            ("input.skills.2".to_owned(), "NOT_FOUND".to_owned()),
            ("input.place".to_owned(), "NOT_FOUND".to_owned()),
        ]
    );
    // A valid SIRET (Luhn) is accepted once; the second organisation with it is refused.
    let valid = json!({ "input": { "name": "Numéro Unique", "siret": "732 829 320 00074", "nafCode": "85.59A", "website": "https://numero-unique.fr", "isTrainingProvider": true } });
    let first = server
        .data_as(token, CREATE_ORGANISATION, valid.clone())
        .await;
    let first = payload(&first, "createOrganisation");
    assert_eq!(first["userErrors"], json!([]), "{first}");
    assert_eq!(first["organisation"]["siret"], "73282932000074");
    assert_eq!(
        first["organisation"]["qualiopiCertified"], false,
        "Qualiopi cannot be self-declared"
    );
    let organisation_id = first["organisation"]["id"].as_str().unwrap().to_owned();
    let twin = server.data_as(token, CREATE_ORGANISATION, valid).await;
    assert_eq!(
        error_fields(payload(&twin, "createOrganisation")),
        [("input.siret".to_owned(), "TAKEN".to_owned())]
    );

    let offer = create_offer(
        &server,
        token,
        &organisation_id,
        json!({
            "title": "ab",
            "summary": " ",
            "description": "x".repeat(20_001),
            "skills": [{ "skill": "rust", "level": 6 }, { "skill": "rust", "level": 2 }, { "skill": "inconnu", "level": 1 }],
            "modality": "BLENDED",
            "durationHours": 0,
            "priceCents": -1,
            "certification": { "code": "ISO9001", "title": "Qualité" },
            "registrationUrl": "javascript:alert(1)",
            "language": "de",
            "sessions": [
                { "startDate": date_in(10), "endDate": date_in(5), "place": "34172" },
                { "startDate": date_in(2000), "endDate": date_in(2001) },
                { "startDate": date_in(10), "endDate": date_in(11), "place": "00000", "seats": 0 }
            ]
        }),
    )
    .await;
    assert_eq!(offer["trainingOffer"], Value::Null);
    assert_eq!(
        error_fields(&offer),
        [
            ("input.title", "INVALID"),
            ("input.summary", "REQUIRED"),
            ("input.description", "TOO_LONG"),
            ("input.durationHours", "INVALID"),
            ("input.priceCents", "INVALID"),
            ("input.certification.code", "INVALID"),
            ("input.registrationUrl", "INVALID"),
            ("input.language", "INVALID"),
            ("input.skills.0.level", "INVALID"),
            ("input.skills.1.skill", "INVALID"),
            ("input.skills.2.skill", "NOT_FOUND"),
            ("input.sessions.0.endDate", "INVALID"),
            ("input.sessions.1.startDate", "INVALID"),
            ("input.sessions.1.endDate", "INVALID"),
            ("input.sessions.2.seats", "INVALID"),
            ("input.sessions.2.place", "NOT_FOUND"),
        ]
        .map(|(field, code)| (field.to_owned(), code.to_owned()))
    );
    let no_skill = create_offer(&server, token, &organisation_id, json!({ "title": "Sans compétence", "summary": "s", "description": "d", "skills": [], "modality": "REMOTE", "durationHours": 7 })).await;
    assert_eq!(
        error_fields(&no_skill),
        [("input.skills".to_owned(), "REQUIRED".to_owned())]
    );
    let certification = create_offer(&server, token, &organisation_id, json!({ "title": "Certifiante", "summary": "s", "description": "d", "skills": [{ "skill": "rust", "level": 1 }], "modality": "REMOTE", "durationHours": 7, "certification": { "code": "rncp 34567", "title": "Concepteur développeur" } })).await;
    assert_eq!(certification["userErrors"], json!([]), "{certification}");

    // A company that is not a training provider cannot publish offers.
    let company = server
        .data_as(
            token,
            CREATE_ORGANISATION,
            json!({ "input": { "name": "Entreprise Cliente" } }),
        )
        .await;
    let company_id = company["createOrganisation"]["organisation"]["id"]
        .as_str()
        .unwrap();
    let refused = create_offer(
        &server,
        token,
        company_id,
        sketchy_offer("Pas un organisme"),
    )
    .await;
    assert_eq!(
        error_fields(&refused),
        [("organisationId".to_owned(), "FORBIDDEN".to_owned())]
    );

    let profile = server
        .data_as(
            token,
            UPSERT_PROFILE,
            json!({ "input": {
                "displayName": "Olga",
                "headline": "",
                "dailyRateCents": -100,
                "contactEmail": "olga-at-example",
                "place": "3417",
                "skills": [{ "skill": "rust", "level": 0 }, { "skill": "python", "level": 3, "years": 99 }]
            } }),
        )
        .await;
    assert_eq!(
        error_fields(payload(&profile, "upsertSkillProfile")),
        [
            ("input.headline", "REQUIRED"),
            ("input.dailyRateCents", "INVALID"),
            ("input.contactEmail", "INVALID"),
            ("input.skills.0.level", "INVALID"),
            ("input.skills.1.years", "INVALID"),
            ("input.place", "INVALID"),
        ]
        .map(|(field, code)| (field.to_owned(), code.to_owned()))
    );
    // Wrong kinds of IDs are bad arguments, not user errors.
    let wrong_id = server
        .graphql_as(Some(token), PUBLISH_OFFER, json!({ "id": organisation_id }))
        .await;
    assert_eq!(error_code(&wrong_id), "BAD_USER_INPUT");
    server.stop().await;
}

#[tokio::test]
async fn profiles_are_shown_according_to_their_visibility() {
    let server = TestServer::start(false).await;
    let owner = server.register("pia@exemple.fr", "Pia").await;
    let other = server.register("quentin@exemple.fr", "Quentin").await;
    let mut ids = Vec::new();
    for visibility in ["PUBLIC", "MEMBERS", "PRIVATE"] {
        let saved = server
            .data_as(
                &owner.access_token,
                UPSERT_PROFILE,
                json!({ "input": {
                    "displayName": "Pia Dev", "headline": "Développeuse Rust", "visibility": visibility,
                    "contactEmail": "pia@exemple.fr", "place": "34172", "remote": true,
                    "skills": [{ "skill": "rust", "level": 4, "years": 6 }]
                } }),
            )
            .await;
        let profile = &saved["upsertSkillProfile"];
        assert_eq!(profile["userErrors"], json!([]), "{profile}");
        assert_eq!(profile["skillProfile"]["visibility"], visibility);
        ids.push(profile["skillProfile"]["id"].as_str().unwrap().to_owned());
    }
    assert!(
        ids.windows(2).all(|pair| pair[0] == pair[1]),
        "one profile per user, updated in place"
    );
    let id = &ids[0];
    let query =
        "query($id: ID!) { node(id: $id) { ... on SkillProfile { displayName contactEmail } }
        skill(slug: \"rust\") { skillProfiles { totalCount } } }";
    let visible = |body: &Value| body["data"]["node"]["displayName"] == "Pia Dev";

    // PRIVATE: the owner only.
    assert!(visible(
        &server
            .graphql_as(Some(&owner.access_token), query, json!({ "id": id }))
            .await
    ));
    assert!(!visible(
        &server
            .graphql_as(Some(&other.access_token), query, json!({ "id": id }))
            .await
    ));
    assert!(!visible(&server.graphql(query, json!({ "id": id })).await));
    let viewer = server
        .data_as(
            &owner.access_token,
            "{ viewer { skillProfile { visibility } } }",
            json!({}),
        )
        .await;
    assert_eq!(viewer["viewer"]["skillProfile"]["visibility"], "PRIVATE");

    // MEMBERS: signed-in users.
    let members = json!({ "input": { "displayName": "Pia Dev", "headline": "Développeuse Rust", "visibility": "MEMBERS", "contactEmail": "pia@exemple.fr", "skills": [{ "skill": "rust", "level": 4 }] } });
    server
        .data_as(&owner.access_token, UPSERT_PROFILE, members)
        .await;
    let signed_in = server
        .graphql_as(Some(&other.access_token), query, json!({ "id": id }))
        .await;
    assert!(visible(&signed_in));
    assert_eq!(signed_in["data"]["node"]["contactEmail"], "pia@exemple.fr");
    assert_eq!(signed_in["data"]["skill"]["skillProfiles"]["totalCount"], 1);
    let anonymous = server.graphql(query, json!({ "id": id })).await;
    assert!(!visible(&anonymous));
    assert_eq!(anonymous["data"]["skill"]["skillProfiles"]["totalCount"], 0);

    // PUBLIC: everyone, but the contact only for signed-in users.
    let public = json!({ "input": { "displayName": "Pia Dev", "headline": "Développeuse Rust", "contactEmail": "pia@exemple.fr", "skills": [{ "skill": "rust", "level": 4 }] } });
    server
        .data_as(&owner.access_token, UPSERT_PROFILE, public)
        .await;
    let anonymous = server.graphql(query, json!({ "id": id })).await;
    assert!(visible(&anonymous));
    assert_eq!(anonymous["data"]["node"]["contactEmail"], Value::Null);

    let deleted = server
        .data_as(
            &owner.access_token,
            "mutation { deleteSkillProfile { deletedId userErrors { code } } }",
            json!({}),
        )
        .await;
    assert_eq!(deleted["deleteSkillProfile"]["deletedId"], id.as_str());
    let again = server
        .data_as(
            &owner.access_token,
            "mutation { deleteSkillProfile { deletedId userErrors { code } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        again["deleteSkillProfile"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );
    assert!(!visible(
        &server
            .graphql_as(Some(&owner.access_token), query, json!({ "id": id }))
            .await
    ));
    server.stop().await;
}

#[tokio::test]
async fn each_write_is_logged_once_in_its_own_transaction() {
    let server = TestServer::start(false).await;
    let owner = server.register("log@formation.fr", "Léa").await;
    let start = server.store.changes_after(0, 1000).await.unwrap();
    assert_eq!(start.len(), 1, "registration logs the new user: {start:?}");
    let organisation = provider(&server, &owner, "Journal Formation").await;
    let created = create_offer(
        &server,
        &owner.access_token,
        &organisation,
        complete_offer("Journalisée"),
    )
    .await;
    let id = created["trainingOffer"]["id"].as_str().unwrap().to_owned();
    server
        .data_as(&owner.access_token, PUBLISH_OFFER, json!({ "id": id }))
        .await;
    // Refused writes leave no trace.
    server
        .data_as(
            &owner.access_token,
            UPDATE_OFFER,
            json!({ "id": id, "version": 99, "input": complete_offer("Non") }),
        )
        .await;
    server.data_as(&owner.access_token, CREATE_OFFER, json!({ "org": organisation, "input": { "title": "x" , "summary": "s", "description": "d", "skills": [], "modality": "REMOTE", "durationHours": 1 } })).await;
    server
        .data_as(&owner.access_token, ARCHIVE_OFFER, json!({ "id": id }))
        .await;
    server
        .data_as(
            &owner.access_token,
            UPSERT_PROFILE,
            json!({ "input": { "displayName": "Léa", "headline": "Formatrice", "skills": [] } }),
        )
        .await;

    let log = server
        .store
        .changes_after(start[0].seq, 1000)
        .await
        .unwrap();
    let entries: Vec<(&str, &str)> = log
        .iter()
        .map(|entry| (entry.kind.as_str(), entry.operation.as_str()))
        .collect();
    assert_eq!(
        entries,
        [
            ("ORGANISATION", "CREATED"),
            ("TRAINING_OFFER", "CREATED"),
            ("TRAINING_OFFER", "PUBLISHED"),
            ("TRAINING_OFFER", "ARCHIVED"),
            ("SKILL_PROFILE", "CREATED"),
        ]
    );
    assert!(log.windows(2).all(|pair| pair[0].seq < pair[1].seq));
    assert!(log.iter().all(|entry| entry.actor.is_some()));
    let offer_uuid = log[1].entity_id;
    assert!(log[1..4].iter().all(|entry| entry.entity_id == offer_uuid));
    server.stop().await;
}

#[tokio::test]
async fn self_service_mutations_need_a_signed_in_user_and_act_on_that_user_only() {
    let server = TestServer::start(false).await;
    let person = server.register("self@exemple.fr", "Sélène").await;
    let attempts = [
        (
            "createOrganisation",
            CREATE_ORGANISATION,
            json!({ "input": { "name": "Sélène Conseil" } }),
        ),
        (
            "upsertSkillProfile",
            UPSERT_PROFILE,
            json!({ "input": { "displayName": "Sélène", "headline": "Data engineer", "skills": [{ "skill": "python", "level": 4 }] } }),
        ),
        (
            "deleteSkillProfile",
            "mutation { deleteSkillProfile { deletedId userErrors { code } } }",
            json!({}),
        ),
        (
            "deleteAccount",
            "mutation { deleteAccount(password: \"mot de passe solide\") { deletedId userErrors { code } } }",
            json!({}),
        ),
    ];
    let mut anonymous = Vec::new();
    let mut signed_in = Vec::new();
    for (field, query, variables) in &attempts {
        anonymous.push(format!(
            "{field}={}",
            outcome(&server.graphql(query, variables.clone()).await, field)
        ));
        signed_in.push(format!(
            "{field}={}",
            outcome(
                &server
                    .graphql_as(Some(&person.access_token), query, variables.clone())
                    .await,
                field
            )
        ));
    }
    assert_eq!(
        anonymous,
        [
            "createOrganisation=UNAUTHENTICATED",
            "upsertSkillProfile=UNAUTHENTICATED",
            "deleteSkillProfile=UNAUTHENTICATED",
            "deleteAccount=UNAUTHENTICATED"
        ]
    );
    // The profile created is the person's own (viewer sees it) until they delete it; the
    // account then cannot be deleted while it owns the organisation it created.
    assert_eq!(
        signed_in,
        [
            "createOrganisation=OK",
            "upsertSkillProfile=OK",
            "deleteSkillProfile=OK",
            "deleteAccount=user:FORBIDDEN"
        ]
    );
    server.stop().await;
}
