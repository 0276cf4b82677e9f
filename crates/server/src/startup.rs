use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;

use passerelle_index::{IndexError, LocalIndex};
use passerelle_store::demo::{DEMO_SEED, DemoSummary};
use passerelle_store::{Store, StoreError, redact};
use tokio::net::TcpListener;

use crate::{graphql, http};

/// What `passerelle serve` is told on its command line or in its environment.
#[derive(Debug, Clone)]
pub struct Settings {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    /// `None` means a SQLite file in the data directory.
    pub database_url: Option<String>,
    pub demo: bool,
}

/// Why the server could not start; each message names the setting to fix.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("data directory {path} (--data-dir / PASSERELLE_DATA_DIR) cannot be created: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("database (--database-url / DATABASE_URL): {0}")]
    Database(StoreError),
    #[error("search index in the data directory (--data-dir / PASSERELLE_DATA_DIR): {0}")]
    Index(IndexError),
    #[error("cannot listen on {address} (--listen / PASSERELLE_LISTEN): {source}")]
    Listen {
        address: SocketAddr,
        source: std::io::Error,
    },
}

/// The SQLite database used when no URL is given.
pub fn default_database_url(data_dir: &std::path::Path) -> String {
    format!("sqlite://{}", data_dir.join("passerelle.db").display())
}

/// Connects to the database named by the settings and applies pending migrations.
pub async fn open_store(
    data_dir: &std::path::Path,
    database_url: Option<&str>,
) -> Result<Store, StartupError> {
    std::fs::create_dir_all(data_dir).map_err(|source| StartupError::DataDir {
        path: data_dir.to_owned(),
        source,
    })?;
    let url = database_url.map_or_else(|| default_database_url(data_dir), str::to_owned);
    let store = Store::connect(&url).await.map_err(StartupError::Database)?;
    store.migrate().await.map_err(StartupError::Database)?;
    tracing::info!(database = %redact(&url), "database migrated");
    Ok(store)
}

/// A server ready to accept connections.
#[derive(Debug)]
pub struct Application {
    listener: TcpListener,
    address: SocketAddr,
    store: Store,
    router: axum::Router,
    demo: Option<DemoSummary>,
}

impl Application {
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        let store = open_store(&settings.data_dir, settings.database_url.as_deref()).await?;
        let demo = if settings.demo {
            let today = chrono::Utc::now().date_naive();
            store
                .load_demo(DEMO_SEED, today)
                .await
                .map_err(StartupError::Database)?
        } else {
            None
        };
        let index = LocalIndex::open_or_create(&settings.data_dir.join("index"))
            .map_err(StartupError::Index)?;
        let schema = graphql::build_schema(store.clone());
        let router = http::router(http::AppState {
            schema,
            store: store.clone(),
            index,
        });
        let listener =
            TcpListener::bind(settings.listen)
                .await
                .map_err(|source| StartupError::Listen {
                    address: settings.listen,
                    source,
                })?;
        let address = listener
            .local_addr()
            .map_err(|source| StartupError::Listen {
                address: settings.listen,
                source,
            })?;
        Ok(Self {
            listener,
            address,
            store,
            router,
            demo,
        })
    }

    /// The address the server listens on (useful with port 0).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// What the demo loaded at this start, if it loaded anything.
    pub fn demo_summary(&self) -> Option<DemoSummary> {
        self.demo
    }

    /// Serves until `shutdown` completes, then lets requests in flight finish.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(shutdown)
            .await?;
        self.store.close().await.map_err(std::io::Error::other)
    }
}
