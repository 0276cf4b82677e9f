//! Identity over HTTP: registration, sign-in, refresh-token rotation, sign-out, access-token
//! checks and account erasure, against a real server (SQLite, or PostgreSQL when
//! TEST_DATABASE_URL is set).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use support::{PASSWORD, TestServer, error_code};

const VIEWER: &str = "{ viewer { id email displayName memberships { role } skillProfile { id } } }";
const LOGIN: &str = "mutation($input: LoginInput!) { login(input: $input) {
    accessToken refreshToken expiresAt user { email } userErrors { field message code } } }";
const REFRESH: &str = "mutation($token: String!) { refreshToken(refreshToken: $token) {
    accessToken refreshToken userErrors { field message code } } }";

async fn login(server: &TestServer, email: &str, password: &str) -> Value {
    server
        .data(
            LOGIN,
            json!({ "input": { "email": email, "password": password } }),
        )
        .await["login"]
        .clone()
}

async fn refresh(server: &TestServer, token: &str) -> Value {
    server.data(REFRESH, json!({ "token": token })).await["refreshToken"].clone()
}

fn first_code(payload: &Value) -> &str {
    payload["userErrors"][0]["code"].as_str().unwrap_or("none")
}

#[tokio::test]
async fn a_person_registers_signs_in_refreshes_and_signs_out() {
    let server = TestServer::start(false).await;
    let account = server
        .register("  Ana.Martin@Example.FR ", "Ana Martin")
        .await;

    let viewer = server
        .data_as(&account.access_token, VIEWER, json!({}))
        .await;
    assert_eq!(
        viewer["viewer"]["email"], "ana.martin@example.fr",
        "emails are normalised"
    );
    assert_eq!(viewer["viewer"]["id"], account.user_id.as_str());
    assert_eq!(server.data(VIEWER, json!({})).await["viewer"], Value::Null);

    // The same mailbox cannot register twice, whatever the spelling.
    let again = server
        .data(
            "mutation { register(input: {email: \"ANA.MARTIN@example.fr\", password: \"another password\", displayName: \"Ana\"}) { accessToken userErrors { field code } } }",
            json!({}),
        )
        .await;
    assert_eq!(again["register"]["accessToken"], Value::Null);
    assert_eq!(
        again["register"]["userErrors"],
        json!([{ "field": ["input", "email"], "code": "TAKEN" }])
    );

    // Wrong password and unknown email read the same.
    let wrong = login(&server, "ana.martin@example.fr", "not the password").await;
    let unknown = login(&server, "nobody@example.fr", "not the password").await;
    assert_eq!(first_code(&wrong), "INVALID_CREDENTIALS");
    assert_eq!(wrong["userErrors"], unknown["userErrors"]);
    assert_eq!(wrong["accessToken"], Value::Null);

    let signed_in = login(&server, "ANA.martin@example.fr", PASSWORD).await;
    assert_eq!(signed_in["userErrors"], json!([]));
    assert_eq!(signed_in["user"]["email"], "ana.martin@example.fr");
    let first_refresh = signed_in["refreshToken"].as_str().unwrap().to_owned();

    // Rotation: a refresh token works once and hands out a new pair.
    let rotated = refresh(&server, &first_refresh).await;
    assert_eq!(rotated["userErrors"], json!([]));
    let second_refresh = rotated["refreshToken"].as_str().unwrap().to_owned();
    assert_ne!(second_refresh, first_refresh);
    let new_access = rotated["accessToken"].as_str().unwrap();
    assert_eq!(
        server.data_as(new_access, VIEWER, json!({})).await["viewer"]["email"],
        "ana.martin@example.fr"
    );

    // Reusing the spent token is refused and revokes the whole family, successor included.
    assert_eq!(
        first_code(&refresh(&server, &first_refresh).await),
        "INVALID_CREDENTIALS"
    );
    assert_eq!(
        first_code(&refresh(&server, &second_refresh).await),
        "INVALID_CREDENTIALS"
    );

    // Sign-out revokes the sign-in it belongs to; other sign-ins keep working.
    let register_session = refresh(&server, &account.refresh_token).await;
    assert_eq!(register_session["userErrors"], json!([]));
    let phone = login(&server, "ana.martin@example.fr", PASSWORD).await;
    let phone_token = phone["refreshToken"].as_str().unwrap();
    let logout = server
        .data(
            "mutation($token: String!) { logout(refreshToken: $token) }",
            json!({ "token": phone_token }),
        )
        .await;
    assert_eq!(logout["logout"], true);
    assert_eq!(
        first_code(&refresh(&server, phone_token).await),
        "INVALID_CREDENTIALS"
    );
    let laptop = register_session["refreshToken"].as_str().unwrap();
    assert_eq!(refresh(&server, laptop).await["userErrors"], json!([]));
    let unknown_logout = server
        .data("mutation { logout(refreshToken: \"made-up\") }", json!({}))
        .await;
    assert_eq!(unknown_logout["logout"], false);
    server.stop().await;
}

#[tokio::test]
async fn registration_checks_every_field_before_hashing() {
    let server = TestServer::start(false).await;
    let register = "mutation($input: RegisterInput!) { register(input: $input) { accessToken userErrors { field message code } } }";
    let cases = [
        (
            json!({ "email": "ana@example.fr", "password": "123456789", "displayName": "Ana" }),
            "password",
            "INVALID",
        ),
        (
            json!({ "email": "ana@example.fr", "password": "x".repeat(129), "displayName": "Ana" }),
            "password",
            "TOO_LONG",
        ),
        (
            json!({ "email": "ana@example.fr", "password": "", "displayName": "Ana" }),
            "password",
            "REQUIRED",
        ),
        (
            json!({ "email": "ana-at-example.fr", "password": PASSWORD, "displayName": "Ana" }),
            "email",
            "INVALID",
        ),
        (
            json!({ "email": "ana@example.fr", "password": PASSWORD, "displayName": "  " }),
            "displayName",
            "REQUIRED",
        ),
    ];
    for (input, field, code) in cases {
        let started = std::time::Instant::now();
        let payload = server.data(register, json!({ "input": input })).await["register"].clone();
        assert_eq!(payload["accessToken"], Value::Null, "{input}");
        assert_eq!(
            payload["userErrors"][0]["field"],
            json!(["input", field]),
            "{payload}"
        );
        assert_eq!(payload["userErrors"][0]["code"], code, "{payload}");
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
    // Ten characters (counted as characters, not bytes) are enough.
    let accepted = server
        .data(register, json!({ "input": { "email": "eve@example.fr", "password": "éééééééééé", "displayName": "Ève" } }))
        .await;
    assert_eq!(accepted["register"]["userErrors"], json!([]));
    server.stop().await;
}

#[tokio::test]
async fn repeated_sign_in_failures_on_one_email_are_slowed_down() {
    // Off here: the per-address allowance would refuse these attempts before the per-email
    // slowdown under test is reached.
    let server = TestServer::start_with(|settings| settings.sign_ins_per_minute = 0).await;
    server.register("bob@example.fr", "Bob").await;
    for _ in 0..5 {
        let failed = login(&server, "bob@example.fr", "wrong password").await;
        assert_eq!(first_code(&failed), "INVALID_CREDENTIALS");
    }
    // Now even the right password must wait: the attacker cannot keep guessing at full speed.
    let throttled = login(&server, "bob@example.fr", PASSWORD).await;
    assert_eq!(first_code(&throttled), "INVALID_CREDENTIALS");
    assert!(
        throttled["userErrors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("too many failed sign-ins"),
        "{throttled}"
    );
    // An unknown email is throttled the same way, so throttling reveals nothing.
    for _ in 0..5 {
        login(&server, "ghost@example.fr", "wrong password").await;
    }
    let ghost = login(&server, "ghost@example.fr", "wrong password").await;
    assert!(
        ghost["userErrors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("too many failed sign-ins")
    );
    // Another account is not affected.
    server.register("carla@example.fr", "Carla").await;
    assert_eq!(
        login(&server, "carla@example.fr", PASSWORD).await["userErrors"],
        json!([])
    );
    server.stop().await;
}

#[derive(serde::Serialize)]
struct Claims {
    #[serde(skip_serializing_if = "Option::is_none")]
    sub: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    iat: Option<i64>,
    exp: i64,
    iss: String,
    aud: String,
}

/// The signing key the server generated in its data directory at first start.
fn server_key(server: &TestServer) -> Vec<u8> {
    let file = std::fs::read_to_string(server.data_dir().join("jwt-keys")).unwrap();
    let line = file.lines().find(|line| !line.starts_with('#')).unwrap();
    URL_SAFE_NO_PAD.decode(line.trim()).unwrap()
}

#[tokio::test]
async fn bad_access_tokens_are_refused_with_unauthenticated_never_a_crash() {
    let server = TestServer::start(false).await;
    let account = server.register("dora@example.fr", "Dora").await;
    let key = server_key(&server);
    let kid = jsonwebtoken::decode_header(&account.access_token)
        .unwrap()
        .kid
        .unwrap();
    let user_uuid = {
        let raw = URL_SAFE_NO_PAD.decode(&account.user_id).unwrap();
        String::from_utf8(raw)
            .unwrap()
            .split_once(':')
            .unwrap()
            .1
            .to_owned()
    };
    let now = chrono::Utc::now().timestamp();
    let claims = |sub: Option<&str>, iat: Option<i64>, exp: i64, iss: &str, aud: &str| Claims {
        sub: sub.map(str::to_owned),
        iat,
        exp,
        iss: iss.to_owned(),
        aud: aud.to_owned(),
    };
    let sign = |algorithm: Algorithm, kid: Option<&str>, claims: &Claims, key: &[u8]| {
        let mut header = Header::new(algorithm);
        header.kid = kid.map(str::to_owned);
        jsonwebtoken::encode(&header, claims, &EncodingKey::from_secret(key)).unwrap()
    };
    let good = claims(
        Some(&user_uuid),
        Some(now),
        now + 600,
        "passerelle",
        "passerelle-api",
    );

    // The test's own forgery works when everything is right, so each refusal below is due to
    // the one thing that differs.
    let forged = sign(Algorithm::HS256, Some(&kid), &good, &key);
    let viewer = server.data_as(&forged, VIEWER, json!({})).await;
    assert_eq!(viewer["viewer"]["email"], "dora@example.fr");

    let tampered = {
        let (rest, signature) = account.access_token.rsplit_once('.').unwrap();
        let mut signature = signature.to_owned();
        let last = signature.pop().unwrap();
        signature.push(if last == 'A' { 'B' } else { 'A' });
        format!("{rest}.{signature}")
    };
    let unsigned = {
        let header =
            URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"none","typ":"JWT","kid":"{kid}"}}"#));
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&good).unwrap());
        format!("{header}.{payload}.")
    };
    let cases: Vec<(&str, String)> = vec![
        ("garbage", "not-a-token".to_owned()),
        ("tampered signature", tampered),
        (
            "expired",
            sign(
                Algorithm::HS256,
                Some(&kid),
                &claims(
                    Some(&user_uuid),
                    Some(now - 7200),
                    now - 3600,
                    "passerelle",
                    "passerelle-api",
                ),
                &key,
            ),
        ),
        (
            "other algorithm",
            sign(Algorithm::HS512, Some(&kid), &good, &key),
        ),
        ("alg none", unsigned),
        (
            "wrong issuer",
            sign(
                Algorithm::HS256,
                Some(&kid),
                &claims(
                    Some(&user_uuid),
                    Some(now),
                    now + 600,
                    "someone-else",
                    "passerelle-api",
                ),
                &key,
            ),
        ),
        (
            "wrong audience",
            sign(
                Algorithm::HS256,
                Some(&kid),
                &claims(
                    Some(&user_uuid),
                    Some(now),
                    now + 600,
                    "passerelle",
                    "another-api",
                ),
                &key,
            ),
        ),
        (
            "no subject",
            sign(
                Algorithm::HS256,
                Some(&kid),
                &claims(None, Some(now), now + 600, "passerelle", "passerelle-api"),
                &key,
            ),
        ),
        (
            "no issued-at",
            sign(
                Algorithm::HS256,
                Some(&kid),
                &claims(
                    Some(&user_uuid),
                    None,
                    now + 600,
                    "passerelle",
                    "passerelle-api",
                ),
                &key,
            ),
        ),
        (
            "issued in the future",
            sign(
                Algorithm::HS256,
                Some(&kid),
                &claims(
                    Some(&user_uuid),
                    Some(now + 3600),
                    now + 7200,
                    "passerelle",
                    "passerelle-api",
                ),
                &key,
            ),
        ),
        ("no key id", sign(Algorithm::HS256, None, &good, &key)),
        (
            "unknown key id",
            sign(Algorithm::HS256, Some("0011223344556677"), &good, &key),
        ),
        (
            "other key",
            sign(
                Algorithm::HS256,
                Some(&kid),
                &good,
                b"another-secret-another-secret-another",
            ),
        ),
        (
            "not a user",
            sign(
                Algorithm::HS256,
                Some(&kid),
                &claims(
                    Some("admin"),
                    Some(now),
                    now + 600,
                    "passerelle",
                    "passerelle-api",
                ),
                &key,
            ),
        ),
        (
            "unknown user",
            sign(
                Algorithm::HS256,
                Some(&kid),
                &claims(
                    Some("0190b0c0-0000-7000-8000-000000000000"),
                    Some(now),
                    now + 600,
                    "passerelle",
                    "passerelle-api",
                ),
                &key,
            ),
        ),
    ];
    for (case, token) in cases {
        let response = server
            .client
            .post(format!("{}/graphql", server.base_url))
            .bearer_auth(&token)
            .json(&json!({ "query": VIEWER }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{case}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(error_code(&body), "UNAUTHENTICATED", "{case}: {body}");
        assert!(
            body.get("data").is_none(),
            "{case}: nothing runs with a bad token"
        );
    }
    let expired = server
        .graphql_as(
            Some(&sign(
                Algorithm::HS256,
                Some(&kid),
                &claims(
                    Some(&user_uuid),
                    Some(now - 7200),
                    now - 3600,
                    "passerelle",
                    "passerelle-api",
                ),
                &key,
            )),
            VIEWER,
            json!({}),
        )
        .await;
    assert!(
        expired["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("expired")
    );

    // Not the Bearer scheme.
    let basic = server
        .client
        .post(format!("{}/graphql", server.base_url))
        .header("Authorization", "Basic ZG9yYTpwYXNz")
        .json(&json!({ "query": VIEWER }))
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), 401);
    server.stop().await;
}

#[tokio::test]
async fn erasing_an_account_removes_its_rows_and_revokes_its_tokens() {
    let server = TestServer::start(false).await;
    let account = server.register("eric@example.fr", "Éric").await;
    let token = account.access_token.as_str();
    let profile = server
        .data_as(
            token,
            "mutation { upsertSkillProfile(input: {displayName: \"Éric\", headline: \"Développeur Rust\", skills: [{skill: \"rust\", level: 4}]}) { skillProfile { id } userErrors { message } } }",
            json!({}),
        )
        .await;
    let profile_id = profile["upsertSkillProfile"]["skillProfile"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let organisation = server
        .data_as(
            token,
            "mutation { createOrganisation(input: {name: \"Éric Conseil\"}) { organisation { id } } }",
            json!({}),
        )
        .await;
    let organisation_id = organisation["createOrganisation"]["organisation"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let delete = "mutation($password: String!) { deleteAccount(password: $password) { deletedId userErrors { field message code } } }";
    let wrong = server
        .data_as(token, delete, json!({ "password": "not my password" }))
        .await;
    assert_eq!(
        wrong["deleteAccount"]["userErrors"][0]["code"],
        "INVALID_CREDENTIALS"
    );
    // The last owner of an organisation must hand it over first.
    let owner = server
        .data_as(token, delete, json!({ "password": PASSWORD }))
        .await;
    assert_eq!(owner["deleteAccount"]["deletedId"], Value::Null);
    assert_eq!(owner["deleteAccount"]["userErrors"][0]["code"], "FORBIDDEN");
    assert!(
        owner["deleteAccount"]["userErrors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Éric Conseil")
    );

    let heir = server.register("heir@example.fr", "Héritière").await;
    let handed = server
        .data_as(
            token,
            "mutation($org: ID!) { addMember(organisationId: $org, email: \"heir@example.fr\", role: OWNER) { userErrors { message } } }",
            json!({ "org": organisation_id }),
        )
        .await;
    assert_eq!(handed["addMember"]["userErrors"], json!([]));
    let erased = server
        .data_as(token, delete, json!({ "password": PASSWORD }))
        .await;
    assert_eq!(
        erased["deleteAccount"]["deletedId"],
        account.user_id.as_str()
    );

    // The access token no longer opens anything, the refresh token is gone, the profile too.
    let after = server.graphql_as(Some(token), VIEWER, json!({})).await;
    assert_eq!(error_code(&after), "UNAUTHENTICATED");
    assert_eq!(
        first_code(&refresh(&server, &account.refresh_token).await),
        "INVALID_CREDENTIALS"
    );
    let node = server
        .data_as(
            &heir.access_token,
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": profile_id }),
        )
        .await;
    assert_eq!(node["node"], Value::Null);
    // The change log tells the index to drop the profile.
    let changes = server.store.changes_after(0, 1000).await.unwrap();
    let operations: Vec<(String, String)> = changes
        .iter()
        .map(|change| (change.kind.clone(), change.operation.clone()))
        .collect();
    assert!(operations.contains(&("SKILL_PROFILE".to_owned(), "DELETED".to_owned())));
    assert!(operations.contains(&("USER".to_owned(), "DELETED".to_owned())));
    // The email can be used again.
    server.register("eric@example.fr", "Éric again").await;
    server.stop().await;
}

#[tokio::test]
async fn demo_mode_creates_a_trainer_and_a_company_account_that_can_sign_in() {
    let server = TestServer::start(true).await;
    let trainer = login(
        &server,
        "formateur@demo.passerelle.example",
        "formateur-demo-2026",
    )
    .await;
    assert_eq!(trainer["userErrors"], json!([]));
    let token = trainer["accessToken"].as_str().unwrap();
    let viewer = server
        .data_as(token, "{ viewer { memberships { role organisation { isTrainingProvider qualiopiCertified } } } }", json!({}))
        .await;
    assert_eq!(
        viewer["viewer"]["memberships"],
        json!([{ "role": "OWNER", "organisation": { "isTrainingProvider": true, "qualiopiCertified": true } }])
    );
    let company = login(
        &server,
        "entreprise@demo.passerelle.example",
        "entreprise-demo-2026",
    )
    .await;
    assert_eq!(company["userErrors"], json!([]));
    server.stop().await;
}

#[tokio::test]
async fn a_configured_secret_signs_the_tokens_and_a_weak_one_stops_start_up() {
    let secret = "a-cluster-wide-secret-of-at-least-32-bytes";
    let server =
        TestServer::start_with(|settings| settings.jwt_secret = Some(secret.to_owned())).await;
    let account = server.register("fanny@example.fr", "Fanny").await;
    // The token verifies with the configured secret (and no key file was generated).
    let mut validation = jsonwebtoken::Validation::new(Algorithm::HS256);
    validation.set_audience(&["passerelle-api"]);
    validation.set_issuer(&["passerelle"]);
    let decoded = jsonwebtoken::decode::<Value>(
        &account.access_token,
        &jsonwebtoken::DecodingKey::from_secret(secret.as_bytes()),
        &validation,
    )
    .unwrap();
    let claims = decoded.claims;
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        15 * 60
    );
    assert!(decoded.header.kid.is_some());
    assert!(!server.data_dir().join("jwt-keys").exists());
    server.stop().await;

    let data_dir = tempfile::tempdir().unwrap();
    let mut settings = passerelle_server::Settings::new(
        "127.0.0.1:0".parse().unwrap(),
        data_dir.path().to_owned(),
    );
    settings.jwt_secret = Some("too-short".to_owned());
    let error = passerelle_server::Application::build(settings)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("PASSERELLE_JWT_SECRET") && error.contains("32 bytes"),
        "{error}"
    );
    assert!(
        !error.contains("too-short"),
        "the secret itself is not echoed: {error}"
    );
}

#[tokio::test]
async fn concurrent_failed_sign_ins_are_all_counted_without_errors() {
    let server = TestServer::start(false).await;
    let attempts: Vec<_> = (0..8)
        .map(|_| {
            let client = server.client.clone();
            let url = format!("{}/graphql", server.base_url);
            tokio::spawn(async move {
                let body: Value = client
                    .post(url)
                    .json(&json!({ "query": LOGIN, "variables": { "input": { "email": "new@example.fr", "password": "wrong password" } } }))
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                body
            })
        })
        .collect();
    for attempt in attempts {
        let body = attempt.await.unwrap();
        assert!(body.get("errors").is_none(), "{body}");
        assert_eq!(first_code(&body["data"]["login"]), "INVALID_CREDENTIALS");
    }
    let next = login(&server, "new@example.fr", "wrong password").await;
    assert!(
        next["userErrors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("too many"),
        "{next}"
    );
    server.stop().await;
}

#[tokio::test]
async fn a_refresh_token_presented_twice_at_once_rotates_exactly_once() {
    let server = TestServer::start(false).await;
    let account = server.register("gil@example.fr", "Gil").await;
    let attempts: Vec<_> = (0..4)
        .map(|_| {
            let client = server.client.clone();
            let url = format!("{}/graphql", server.base_url);
            let token = account.refresh_token.clone();
            tokio::spawn(async move {
                let body: Value = client
                    .post(url)
                    .json(&json!({ "query": REFRESH, "variables": { "token": token } }))
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                body["data"]["refreshToken"].clone()
            })
        })
        .collect();
    let mut rotated = Vec::new();
    for attempt in attempts {
        let payload = attempt.await.unwrap();
        if payload["userErrors"] == json!([]) {
            rotated.push(payload["refreshToken"].as_str().unwrap().to_owned());
        } else {
            assert_eq!(first_code(&payload), "INVALID_CREDENTIALS");
        }
    }
    assert_eq!(rotated.len(), 1, "exactly one use of the token rotates it");
    // The other uses were reuse of a spent token: the family is revoked, successor included.
    assert_eq!(
        first_code(&refresh(&server, &rotated[0]).await),
        "INVALID_CREDENTIALS"
    );
    server.stop().await;
}
