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
    data_dir: tempfile::TempDir,
    postgres: Option<(String, String)>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl TestServer {
    pub async fn start(demo: bool) -> Self {
        Self::start_with(move |settings| settings.demo = demo).await
    }

    /// Starts with settings adjusted by `adjust` (database and data directory are the test's).
    pub async fn start_with(adjust: impl FnOnce(&mut Settings)) -> Self {
        let data_dir = tempfile::tempdir().expect("temporary data dir");
        let postgres = match std::env::var("TEST_DATABASE_URL") {
            Ok(admin_url) if !admin_url.is_empty() => {
                let url = passerelle_store::scratch::create_postgres_database(&admin_url)
                    .await
                    .expect("creates a scratch PostgreSQL database");
                Some((admin_url, url))
            }
            _ => None,
        };
        let mut settings = Settings::new(
            "127.0.0.1:0".parse().expect("address"),
            data_dir.path().to_owned(),
        );
        settings.database_url = postgres.as_ref().map(|(_, url)| url.clone());
        adjust(&mut settings);
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

/// The error code of the first error of a response.
pub fn error_code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("none")
}
