use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;

use std::sync::Arc;

use passerelle_index::{IndexError, IndexHome, SearchIndex};
use passerelle_store::demo::{DEMO_SEED, DemoSummary};
use passerelle_store::{Store, StoreError, redact};
use tokio::net::TcpListener;

use crate::auth::KeyRing;
use crate::rate_limit::RateLimiter;
use crate::search::{Indexer, Reference, SearchService, rebuild_into};
use crate::services::{DemoAccount, Services};
use crate::{graphql, http};

/// What `passerelle serve` is told on its command line or in its environment.
#[derive(Clone)]
pub struct Settings {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    /// `None` means a SQLite file in the data directory.
    pub database_url: Option<String>,
    pub demo: bool,
    /// Signs access tokens; takes precedence over the key file.
    pub jwt_secret: Option<String>,
    /// Signing keys, newest first; default: `jwt-keys` in the data directory, generated at
    /// first start.
    pub jwt_key_file: Option<PathBuf>,
    /// Origins (`https://portail.example`) whose browser pages may call the API; empty means
    /// any origin, which suits a public API authenticated by bearer tokens, not cookies.
    pub cors_origins: Vec<String>,
    /// How long a query may run before it is cut off with a TIMEOUT error.
    pub query_timeout: std::time::Duration,
    /// Cost units (see the README's limits) each client may spend per minute; 0 for no limit.
    pub cost_per_minute: u32,
    /// Sign-in and registration attempts per address and minute; 0 for no limit.
    pub sign_ins_per_minute: u32,
    /// Take the client's address from `X-Forwarded-For` (set when a proxy is in front).
    pub trust_forwarded_for: bool,
}

impl std::fmt::Debug for Settings {
    /// Shows every setting but the signing secret, and the database URL without its password.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Settings")
            .field("listen", &self.listen)
            .field("data_dir", &self.data_dir)
            .field("database_url", &self.database_url.as_deref().map(redact))
            .field("demo", &self.demo)
            .field("jwt_secret", &self.jwt_secret.as_ref().map(|_| "***"))
            .field("jwt_key_file", &self.jwt_key_file)
            .field("cors_origins", &self.cors_origins)
            .field("query_timeout", &self.query_timeout)
            .field("cost_per_minute", &self.cost_per_minute)
            .field("sign_ins_per_minute", &self.sign_ins_per_minute)
            .field("trust_forwarded_for", &self.trust_forwarded_for)
            .finish()
    }
}

impl Settings {
    /// Settings for a server on `listen` with its data in `data_dir` and defaults elsewhere.
    pub fn new(listen: SocketAddr, data_dir: PathBuf) -> Self {
        Self {
            listen,
            data_dir,
            database_url: None,
            demo: false,
            jwt_secret: None,
            jwt_key_file: None,
            cors_origins: Vec::new(),
            query_timeout: DEFAULT_QUERY_TIMEOUT,
            cost_per_minute: DEFAULT_COST_PER_MINUTE,
            sign_ins_per_minute: DEFAULT_SIGN_INS_PER_MINUTE,
            trust_forwarded_for: false,
        }
    }
}

/// A client's budget: some 500 searches of a 20-item page a minute, or two of the costliest
/// queries the limits allow.
pub const DEFAULT_COST_PER_MINUTE: u32 = 100_000;

/// Enough for people who mistype their password; far too few to guess one.
pub const DEFAULT_SIGN_INS_PER_MINUTE: u32 = 10;

/// Long enough for any query the limits let through on a healthy node.
pub const DEFAULT_QUERY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

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
    #[error(
        "token signing keys (--jwt-secret / PASSERELLE_JWT_SECRET or --jwt-key-file / PASSERELLE_JWT_KEY_FILE): {0}"
    )]
    Keys(String),
    #[error("allowed origins (--cors-origin / PASSERELLE_CORS_ORIGINS): {0}")]
    Cors(String),
    #[error("demo accounts: {0}")]
    Demo(String),
    #[error("search index in the data directory (--data-dir / PASSERELLE_DATA_DIR): {0}")]
    Index(IndexError),
    #[error("building the search index from the database: {0}")]
    Indexing(String),
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

/// The search index folder inside the data directory.
fn index_home(data_dir: &std::path::Path) -> IndexHome {
    IndexHome::new(&data_dir.join("index"))
}

/// `passerelle reindex`: builds a new index generation from the database next to the one in
/// use and makes it current; a running server switches to it within seconds. Returns the
/// number of documents indexed.
pub async fn reindex(
    data_dir: &std::path::Path,
    database_url: Option<&str>,
) -> Result<u64, StartupError> {
    let store = open_store(data_dir, database_url).await?;
    let reference = Arc::new(
        Reference::load(&store)
            .await
            .map_err(StartupError::Database)?,
    );
    let (documents, checkpoint) = rebuild_into(&store, &reference, &index_home(data_dir))
        .await
        .map_err(|error| StartupError::Indexing(error.to_string()))?;
    tracing::info!(documents, seq = checkpoint.seq, "search index rebuilt");
    store.close().await.map_err(StartupError::Database)?;
    Ok(documents)
}

/// Stops the indexer when the application goes away, however it goes.
#[derive(Debug)]
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A server ready to accept connections.
#[derive(Debug)]
pub struct Application {
    listener: TcpListener,
    address: SocketAddr,
    store: Store,
    router: axum::Router,
    demo: Option<DemoSummary>,
    demo_accounts: Vec<DemoAccount>,
    index: Arc<SearchIndex>,
    in_process: InProcess,
    _indexer: AbortOnDrop,
}

/// The schema and services, for requests run without HTTP.
struct InProcess {
    schema: graphql::PasserelleSchema,
    services: Services,
}

impl std::fmt::Debug for InProcess {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("InProcess").finish_non_exhaustive()
    }
}

/// The key ring the settings name: the secret, else the key file, else the data directory's
/// own key file (created at first start).
fn key_ring(settings: &Settings) -> Result<KeyRing, StartupError> {
    let keys = match (&settings.jwt_secret, &settings.jwt_key_file) {
        (Some(secret), _) => KeyRing::from_secrets(&[secret.as_bytes().to_vec()]),
        (None, Some(path)) => KeyRing::from_file(path),
        (None, None) => KeyRing::load_or_generate(&settings.data_dir.join("jwt-keys")),
    };
    let keys = keys.map_err(|error| StartupError::Keys(error.to_string()))?;
    tracing::info!(
        kid = keys.current_kid(),
        "access tokens are signed with this key"
    );
    Ok(keys)
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
        let services = Services::new(store.clone(), key_ring(&settings)?);
        let demo_accounts = if settings.demo {
            services
                .ensure_demo_accounts()
                .await
                .map_err(|error| StartupError::Demo(error.to_string()))?
        } else {
            Vec::new()
        };
        let reference = Arc::new(
            Reference::load(&store)
                .await
                .map_err(StartupError::Database)?,
        );
        let index = Arc::new(
            SearchIndex::open(
                index_home(&settings.data_dir),
                Arc::clone(&reference.taxonomy),
            )
            .map_err(StartupError::Index)?,
        );
        let indexer = Indexer::prepare(store.clone(), Arc::clone(&index), Arc::clone(&reference))
            .await
            .map_err(|error| StartupError::Indexing(error.to_string()))?;
        let listener = indexer.listen().await;
        let indexer = AbortOnDrop(tokio::spawn(indexer.run(listener)));
        let search = SearchService::new(store.clone(), Arc::clone(&index), reference);
        let schema = graphql::build_schema(services.clone(), search);
        let served_schema = schema.clone();
        let served_services = services.clone();
        let cost_model = Arc::new(graphql::CostModel::of_sdl(&graphql::sdl(&schema)));
        let cors = http::cors(&settings.cors_origins).map_err(StartupError::Cors)?;
        let router = http::router(
            http::AppState {
                schema,
                services,
                store: store.clone(),
                index: Arc::clone(&index),
                query_timeout: settings.query_timeout,
                cost_model,
                cost_budget: Arc::new(RateLimiter::new(settings.cost_per_minute)),
                sign_in_budget: Arc::new(RateLimiter::new(settings.sign_ins_per_minute)),
                trust_forwarded_for: settings.trust_forwarded_for,
                metrics: Arc::default(),
            },
            cors,
        );
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
            demo_accounts,
            index,
            in_process: InProcess {
                schema: served_schema,
                services: served_services,
            },
            _indexer: indexer,
        })
    }

    /// Runs a GraphQL request in this process, as an anonymous reader and without HTTP or
    /// limits: the benchmark measures the schema this way. Returns the response as JSON.
    pub async fn execute_anonymous(
        &self,
        query: &str,
        variables: serde_json::Value,
    ) -> serde_json::Value {
        let request = async_graphql::Request::new(query)
            .variables(async_graphql::Variables::from_json(variables));
        let request = graphql::prepare(
            request,
            &self.in_process.services,
            passerelle_domain::Reader::Anonymous,
            graphql::RequestId::generate(),
        );
        serde_json::to_value(self.in_process.schema.execute(request).await).unwrap_or_default()
    }

    /// This node's search index.
    pub fn search_index(&self) -> &Arc<SearchIndex> {
        &self.index
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

    /// The demo accounts and their passwords, when the demo is on.
    pub fn demo_accounts(&self) -> &[DemoAccount] {
        &self.demo_accounts
    }

    /// Serves until `shutdown` completes, then lets requests in flight finish.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        // The peer address identifies anonymous clients for the rate limits.
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(self.listener, service)
            .with_graceful_shutdown(shutdown)
            .await?;
        drop(self._indexer);
        self.store.close().await.map_err(std::io::Error::other)
    }
}
