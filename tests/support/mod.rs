#![allow(dead_code)] // each test crate uses part of the support module
//! Starts the real server, through the same `Application::build` as `passerelle serve`, on
//! port 0 with a database of its own: a SQLite file by default, or a fresh PostgreSQL database
//! when `TEST_DATABASE_URL` names a server.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

use passerelle_server::{Application, Settings};
use serde_json::{Value, json};

pub struct TestServer {
    pub base_url: String,
    pub client: reqwest::Client,
    pub store: passerelle_store::Store,
    /// The data directory: the test's own, or one a test keeps across restarts.
    data_dir: DataDir,
    postgres: Option<(String, String)>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

/// Where a test server keeps its data.
pub enum DataDir {
    Owned(tempfile::TempDir),
    Borrowed(std::path::PathBuf),
}

impl DataDir {
    fn path(&self) -> &std::path::Path {
        match self {
            Self::Owned(dir) => dir.path(),
            Self::Borrowed(path) => path,
        }
    }
}

/// A fresh PostgreSQL database on the server `TEST_DATABASE_URL` names: (admin URL, URL).
pub async fn scratch_postgres() -> Option<(String, String)> {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            let url = passerelle_store::scratch::create_postgres_database(&admin_url)
                .await
                .expect("creates a scratch PostgreSQL database");
            Some((admin_url, url))
        }
        _ => None,
    }
}

/// A test is one client firing requests back to back (and polling while it waits for the
/// index), far more than any person or integrator: the cost budget is off unless a test sets
/// it, as the tests of the budget itself do (`tests/operations.rs`). The sign-in allowance
/// keeps its default.
const UNLIMITED: u32 = 0;

impl TestServer {
    /// A node on a data directory and database the test manages (several nodes on one
    /// database, or one node restarted on the same folder); nothing is removed at stop.
    pub async fn start_node(
        data_dir: &std::path::Path,
        database_url: Option<String>,
        demo: bool,
    ) -> Self {
        let mut settings =
            Settings::new("127.0.0.1:0".parse().expect("address"), data_dir.to_owned());
        settings.database_url = database_url;
        settings.demo = demo;
        settings.cost_per_minute = UNLIMITED;
        Self::launch(settings, DataDir::Borrowed(data_dir.to_owned()), None).await
    }

    pub async fn start(demo: bool) -> Self {
        Self::start_with(move |settings| settings.demo = demo).await
    }

    /// Starts with settings adjusted by `adjust` (database and data directory are the test's).
    pub async fn start_with(adjust: impl FnOnce(&mut Settings)) -> Self {
        let data_dir = tempfile::tempdir().expect("temporary data dir");
        let postgres = scratch_postgres().await;
        let mut settings = Settings::new(
            "127.0.0.1:0".parse().expect("address"),
            data_dir.path().to_owned(),
        );
        settings.database_url = postgres.as_ref().map(|(_, url)| url.clone());
        settings.cost_per_minute = UNLIMITED;
        adjust(&mut settings);
        Self::launch(settings, DataDir::Owned(data_dir), postgres).await
    }

    async fn launch(
        settings: Settings,
        data_dir: DataDir,
        postgres: Option<(String, String)>,
    ) -> Self {
        let application = Application::build(settings).await.expect("server starts");
        let base_url = format!("http://{}", application.address());
        let store = application.store().clone();
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(application.run_until(async {
            let _ = stopped.await;
        }));
        Self {
            base_url,
            client: reqwest::Client::new(),
            store,
            data_dir,
            postgres,
            shutdown: Some(shutdown),
            task: Some(task),
        }
    }

    /// The server's data directory (database, index, signing keys).
    pub fn data_dir(&self) -> &std::path::Path {
        self.data_dir.path()
    }

    /// Ids (GraphQL IDs) of the hits of a search, in order.
    pub async fn search_ids(&self, query: &str, filter: Value) -> Vec<String> {
        let data = self
            .data(
                "query($q: String!, $f: SearchFilter) { search(query: $q, filter: $f, first: 100) { edges { node { ... on Node { id } } } } }",
                json!({ "q": query, "f": filter }),
            )
            .await;
        data["search"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .map(|edge| edge["node"]["id"].as_str().expect("id").to_owned())
            .collect()
    }

    /// The body of `/readyz`.
    pub async fn readiness(&self) -> Value {
        self.client
            .get(format!("{}/readyz", self.base_url))
            .send()
            .await
            .expect("readyz answers")
            .json()
            .await
            .expect("readyz is JSON")
    }

    /// The number of hits of a search.
    pub async fn search_total(&self, query: &str, filter: Value) -> i64 {
        let data = self
            .data(
                "query($q: String!, $f: SearchFilter) { search(query: $q, filter: $f, first: 1) { totalCount } }",
                json!({ "q": query, "f": filter }),
            )
            .await;
        data["search"]["totalCount"].as_i64().expect("totalCount")
    }

    /// Waits until a search for `query` finds `id` (or not, per `present`), up to `timeout`;
    /// returns how long it took.
    pub async fn wait_for_search(
        &self,
        query: &str,
        id: &str,
        present: bool,
        timeout: std::time::Duration,
    ) -> Option<std::time::Duration> {
        let started = std::time::Instant::now();
        while started.elapsed() < timeout {
            let found = self
                .search_ids(query, json!(null))
                .await
                .iter()
                .any(|hit| hit == id);
            if found == present {
                return Some(started.elapsed());
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        None
    }

    /// POSTs a query and returns the whole response body.
    pub async fn graphql(&self, query: &str, variables: Value) -> Value {
        self.graphql_as(None, query, variables).await
    }

    /// POSTs a query with `Authorization: Bearer <token>` when a token is given.
    pub async fn graphql_as(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.base_url))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request sent");
        response.json().await.expect("JSON response")
    }

    /// Like `data`, signed in with `token`.
    pub async fn data_as(&self, token: &str, query: &str, variables: Value) -> Value {
        let body = self.graphql_as(Some(token), query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
        body["data"].clone()
    }

    /// Registers an account and returns its access token, refresh token and user ID.
    pub async fn register(&self, email: &str, display_name: &str) -> Account {
        let data = self
            .data(
                "mutation($input: RegisterInput!) { register(input: $input) {
                    accessToken refreshToken user { id } userErrors { field message code } } }",
                json!({ "input": { "email": email, "password": PASSWORD, "displayName": display_name } }),
            )
            .await;
        let payload = &data["register"];
        assert_eq!(payload["userErrors"], json!([]), "{payload:#}");
        Account {
            access_token: payload["accessToken"]
                .as_str()
                .expect("access token")
                .to_owned(),
            refresh_token: payload["refreshToken"]
                .as_str()
                .expect("refresh token")
                .to_owned(),
            user_id: payload["user"]["id"].as_str().expect("user id").to_owned(),
        }
    }

    /// POSTs a query that must succeed and returns its `data`.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let body = self.graphql(query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
        body["data"].clone()
    }

    /// Closes every connection to the test's PostgreSQL database from the server's side;
    /// returns how many were closed, or `None` on SQLite.
    pub async fn close_database_connections(&self) -> Option<u64> {
        let (admin_url, url) = self.postgres.as_ref()?;
        Some(
            passerelle_store::scratch::close_postgres_connections(admin_url, url)
                .await
                .expect("closes the database's connections"),
        )
    }

    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            task.await
                .expect("server task")
                .expect("server stops cleanly");
        }
        if let Some((admin_url, url)) = self.postgres.take() {
            passerelle_store::scratch::drop_postgres_database(&admin_url, &url)
                .await
                .expect("drops its database");
        }
    }
}

/// The password every test account registers with.
pub const PASSWORD: &str = "mot de passe solide";

/// A registered, signed-in test account.
#[derive(Debug, Clone)]
pub struct Account {
    pub access_token: String,
    pub refresh_token: String,
    pub user_id: String,
}

/// Asserts that the first error of a response has `code` and a message mentioning `mentions`.
pub fn assert_error(body: &Value, code: &str, mentions: &str) {
    assert_eq!(error_code(body), code, "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(mentions),
        "{mentions:?} not in {message:?}"
    );
}

/// The error code of the first error of a response.
pub fn error_code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("none")
}

pub const CREATE_ORGANISATION: &str = "mutation($input: OrganisationInput!) {
    createOrganisation(input: $input) { organisation { id slug name siret isTrainingProvider qualiopiCertified place { name } skills { slug } }
    userErrors { field message code } } }";
pub const CREATE_OFFER: &str = "mutation($org: ID!, $input: TrainingOfferInput!) {
    createTrainingOffer(organisationId: $org, input: $input) { trainingOffer { id slug status version title } userErrors { field message code } } }";
pub const PUBLISH_OFFER: &str = "mutation($id: ID!) {
    publishTrainingOffer(id: $id) { trainingOffer { id status version publishedAt } userErrors { field message code } } }";

pub fn date_in(days: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::TimeDelta::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

/// An offer input that is complete enough to publish.
pub fn complete_offer(title: &str) -> Value {
    json!({
        "title": title,
        "summary": "Écrire des services web sûrs et rapides en Rust.",
        "description": "Programme : propriété et emprunts, traits, async avec tokio, axum et sea-orm. Travaux pratiques sur un service réel.",
        "skills": [{ "skill": "rust", "level": 3 }],
        "modality": "IN_PERSON",
        "durationHours": 21,
        "priceCents": 180000,
        "cpfEligible": true,
        "certification": { "code": "RS1234", "title": "Développer des services en Rust" },
        "sessions": [{ "startDate": date_in(30), "endDate": date_in(32), "place": "34172", "seats": 12 }]
    })
}

pub fn payload<'a>(data: &'a Value, field: &str) -> &'a Value {
    &data[field]
}

/// A provider organisation owned by `owner`; returns its ID.
pub async fn provider(server: &TestServer, owner: &Account, name: &str) -> String {
    let data = server
        .data_as(
            &owner.access_token,
            CREATE_ORGANISATION,
            json!({ "input": { "name": name, "isTrainingProvider": true, "place": "34172", "skills": ["rust"] } }),
        )
        .await;
    let created = payload(&data, "createOrganisation");
    assert_eq!(created["userErrors"], json!([]), "{created}");
    created["organisation"]["id"].as_str().unwrap().to_owned()
}

pub async fn create_offer(
    server: &TestServer,
    token: &str,
    organisation: &str,
    input: Value,
) -> Value {
    let data = server
        .data_as(
            token,
            CREATE_OFFER,
            json!({ "org": organisation, "input": input }),
        )
        .await;
    payload(&data, "createTrainingOffer").clone()
}

/// Creates and publishes an offer; returns its ID.
pub async fn publish_new_offer(
    server: &TestServer,
    token: &str,
    organisation: &str,
    input: Value,
) -> String {
    let created = create_offer(server, token, organisation, input).await;
    assert_eq!(created["userErrors"], json!([]), "{created}");
    let id = created["trainingOffer"]["id"].as_str().unwrap().to_owned();
    let data = server
        .data_as(token, PUBLISH_OFFER, json!({ "id": id }))
        .await;
    assert_eq!(
        data["publishTrainingOffer"]["userErrors"],
        json!([]),
        "{data}"
    );
    id
}
