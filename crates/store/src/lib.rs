//! Passerelle's storage layer: the only crate that speaks sea-orm.
//!
//! It connects to SQLite (the embedded default) or PostgreSQL (production), runs the
//! migrations, and hands out domain records; callers never see an entity or a SQL error.

pub mod baseline;
pub mod demo;
mod entities;
mod error;
mod following;
pub mod import;
mod pagination;
mod reading;
mod records;
mod writing;
mod written;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use passerelle_migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

pub use error::StoreError;
pub use following::{ChangeListener, IndexableKind};
pub use pagination::{OfferCursor, Page, PageRequest};
pub use reading::{OfferFilter, OfferOrder};
pub use writing::{
    CATALOGUE_WRITE_LOCK, CHANGES_CHANNEL, ChangeEntry, EntityKind, LoginFailures, NewRefreshToken,
    RefreshOutcome, WriteError,
};
pub use written::CatalogueRecords;

/// Advisory lock taken on PostgreSQL while migrating ("PASSMIGR" in ASCII).
const MIGRATION_LOCK_KEY: i64 = 0x5041_5353_4D49_4752;

/// Which database engine a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    /// Recognises the engine of a database URL, or says which forms are accepted.
    pub fn of_url(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Engine::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Engine::Postgres)
        } else {
            Err(StoreError::InvalidUrl(format!(
                "unsupported database URL {:?}: use sqlite://PATH or postgres://USER@HOST/DATABASE",
                redact(url)
            )))
        }
    }
}

/// A URL without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _password)) => {
                    format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..])
                }
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// Connections of the pool at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStatus {
    /// Connections open, idle or in use.
    pub open: u32,
    pub idle: u32,
    /// The most the pool will open.
    pub max: u32,
}

/// The database behind the marketplace.
#[derive(Debug, Clone)]
pub struct Store {
    /// Reads, and on PostgreSQL writes too.
    db: DatabaseConnection,
    /// Write transactions ([`Store::begin_write`]). On SQLite a pool of one connection of its
    /// own, whose page cache stays warm from one write to the next (SQLite lets one writer in
    /// at a time anyway); on PostgreSQL the same pool as `db`.
    writer: DatabaseConnection,
    engine: Engine,
    /// Statements sent to the database since the pool opened: lets tests and metrics check
    /// that a request costs a bounded number of queries.
    statements: Arc<AtomicU64>,
    /// Woken after every committed catalogue write of this process.
    changes: Arc<tokio::sync::Notify>,
    url: Arc<str>,
    /// Catalogue records bulk-written by this process: at the last statistics refresh, and
    /// since. See [`Store::bulk_written`].
    bulk_rows: Arc<std::sync::Mutex<(u64, u64)>>,
    /// Records bulk-written by this process, kept for its index (see the `written` module).
    kept: Arc<std::sync::Mutex<written::Kept>>,
    /// Woken when this process's index takes kept records: a bulk write waiting for room
    /// goes on (see [`Store::wait_for_kept_room`]).
    kept_taken: Arc<tokio::sync::Notify>,
}

/// How long a bulk write waits for this node's index to take kept records (see
/// [`Store::wait_for_kept_room`]): several times what one step of the index takes.
const KEPT_ROOM_PATIENCE: Duration = Duration::from_secs(10);

/// How long a statement waits for a connection from the pool, or for SQLite's write lock,
/// before it fails.
const WAIT_FOR_DATABASE: Duration = Duration::from_secs(15);

/// A pooled connection idle for this long is checked (pinged) before it is handed out; one
/// used more recently is handed out as it is. The pool's default pinged every connection on
/// every checkout: one more round trip to the database (to SQLite's connection thread, or
/// over the network to PostgreSQL) before each statement. A connection that went bad while
/// the node was quiet (the database restarted, a proxy or a firewall closed it) is still
/// caught before use and replaced; under traffic, one that breaks between two statements a
/// moment apart fails the next one with an error, as it would have failed one in flight.
/// (Connection pools commonly skip the check for connections used within the last second.)
const PING_CONNECTIONS_IDLE_FOR: Duration = Duration::from_secs(1);

/// SQLite's page cache per reading connection, in KiB: 16 MiB instead of 2, so that a large
/// import's reading back does not re-read index pages through system calls.
pub(crate) const PAGE_CACHE_KIB: u32 = 16 * 1024;
/// The page cache of SQLite's one writing connection, in KiB. Writes land on pages all over
/// each index (slugs, e-mail addresses and providers in no useful order), and a connection's
/// cache is only kept from one transaction to the next when no other connection wrote in
/// between: with writes taken from the pool, each transaction of a bulk import found its
/// connection's cache stale and read its pages again (README, benchmark).
pub(crate) const WRITER_PAGE_CACHE_KIB: u32 = 64 * 1024;

impl Store {
    /// Opens a connection pool. SQLite is set up for a server: write-ahead log, a busy timeout,
    /// foreign keys enforced and full syncs, so that concurrent writers wait instead of failing
    /// and an acknowledged write survives the process being killed.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let engine = Engine::of_url(url)?;
        let statements = Arc::new(AtomicU64::new(0));
        let (db, writer) = match engine {
            Engine::Sqlite => {
                let db = Self::pool(url, 8, Some(PAGE_CACHE_KIB), &statements).await?;
                let writer = Self::pool(url, 1, Some(WRITER_PAGE_CACHE_KIB), &statements).await?;
                (db, writer)
            }
            Engine::Postgres => {
                let db = Self::pool(url, 16, None, &statements).await?;
                (db.clone(), db)
            }
        };
        Ok(Self {
            db,
            writer,
            engine,
            statements,
            changes: Arc::new(tokio::sync::Notify::new()),
            url: Arc::from(url),
            bulk_rows: Arc::default(),
            kept: Arc::default(),
            kept_taken: Arc::new(tokio::sync::Notify::new()),
        })
    }

    /// A connection pool of at most `connections`, counting its statements in `statements`.
    /// `sqlite_page_cache_kib` is given for a SQLite database (each connection's page cache)
    /// and only then.
    async fn pool(
        url: &str,
        connections: u32,
        sqlite_page_cache_kib: Option<u32>,
        statements: &Arc<AtomicU64>,
    ) -> Result<DatabaseConnection, StoreError> {
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .sqlx_logging(false)
            .connect_timeout(Duration::from_secs(10))
            // A write waits for SQLite's one writing connection as long as for its lock.
            .acquire_timeout(WAIT_FOR_DATABASE)
            .test_before_acquire_if_idle_for(PING_CONNECTIONS_IDLE_FOR)
            .max_connections(connections)
            .min_connections(1);
        if let Some(page_cache_kib) = sqlite_page_cache_kib {
            options.map_sqlx_sqlite_opts(move |sqlite| {
                sqlite
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    .busy_timeout(WAIT_FOR_DATABASE)
                    .foreign_keys(true)
                    .pragma("cache_size", format!("-{page_cache_kib}"))
                    // Statement journals (the undo of one INSERT of many rows inside a
                    // transaction) in memory, not in temporary files: they are never needed
                    // after a crash, and in a profile of a large import their writes were a
                    // tenth of SQLite's time.
                    .pragma("temp_store", "memory")
            });
        }
        let mut db = Database::connect(options)
            .await
            .map_err(|error| StoreError::Unavailable {
                url: redact(url),
                reason: error.to_string(),
            })?;
        let counter = Arc::clone(statements);
        db.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::Relaxed);
        });
        Ok(db)
    }

    /// From now on, keeps what this process writes in bulk for its index to take with
    /// [`Store::take_written`] instead of reading it back. Called by the node's indexer; a
    /// process without one keeps nothing.
    pub fn keep_written_for_index(&self) {
        self.kept_records().enable();
    }

    /// Takes the kept records whose latest change-log entry, for each record asked for, is
    /// the given position (organisations, offers and profiles by kind and id). Records not
    /// returned are to be read from the database.
    pub fn take_written(
        &self,
        latest: &std::collections::HashMap<(IndexableKind, uuid::Uuid), i64>,
    ) -> CatalogueRecords {
        let taken = self.kept_records().take(latest);
        self.kept_taken.notify_waiters();
        taken
    }

    /// Waits until the records kept for this process's index have room for `incoming` more,
    /// for as long as the index keeps taking them. A bulk writer that ran ahead of its index
    /// would have the oldest kept records dropped before the index reached them, and the index
    /// would then read every one back: slower than taking it, so it fell further behind and
    /// read back everything from then on (in the benchmark's 1.25M import, 920,000 of
    /// 1,250,000 records). Waiting holds no lock; an index that takes nothing for
    /// [`KEPT_ROOM_PATIENCE`] (stopped, or rebuilding) no longer holds this write back, nor
    /// any later one until it takes records again.
    async fn wait_for_kept_room(&self, incoming: usize) {
        loop {
            let taken = self.kept_taken.notified();
            tokio::pin!(taken);
            // Registered before the check, so a take between the check and the wait wakes it.
            taken.as_mut().enable();
            if self.kept_records().has_room(incoming) {
                return;
            }
            if tokio::time::timeout(KEPT_ROOM_PATIENCE, taken)
                .await
                .is_err()
            {
                self.kept_records().stall();
                return;
            }
        }
    }

    fn kept_records(&self) -> std::sync::MutexGuard<'_, written::Kept> {
        // The kept records are only ever added or removed whole: one left by a panicking
        // thread is as good as any.
        self.kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Number of statements executed through this store so far.
    pub fn statements_executed(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// The connection pool's state, for metrics.
    pub fn pool_status(&self) -> PoolStatus {
        let (open, idle, max) = match self.engine {
            Engine::Sqlite => {
                let pool = self.db.get_sqlite_connection_pool();
                (
                    pool.size(),
                    pool.num_idle(),
                    pool.options().get_max_connections(),
                )
            }
            Engine::Postgres => {
                let pool = self.db.get_postgres_connection_pool();
                (
                    pool.size(),
                    pool.num_idle(),
                    pool.options().get_max_connections(),
                )
            }
        };
        PoolStatus {
            open,
            idle: u32::try_from(idle).unwrap_or(u32::MAX),
            max,
        }
    }

    /// Notified after each catalogue write this process commits (one stored permit at most).
    pub fn change_notifier(&self) -> Arc<tokio::sync::Notify> {
        Arc::clone(&self.changes)
    }

    /// Applies the migrations that have not run yet (schema and reference data).
    ///
    /// All pending migrations run in one write transaction, under a lock: on PostgreSQL a
    /// transaction-scoped advisory lock, on SQLite the write lock taken at `BEGIN IMMEDIATE`.
    /// Several nodes starting at once thus migrate one after the other; the later ones find
    /// nothing left to do.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let transaction = self.begin_write().await?;
        if self.engine == Engine::Postgres {
            transaction
                .execute_unprepared(&format!(
                    "SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})"
                ))
                .await?;
        }
        Migrator::up(&transaction, None).await?;
        transaction.commit().await?;
        // PostgreSQL's autovacuum keeps its statistics; SQLite has none until asked. They are
        // kept in the file: analysing at every start read much of a cold 2 GB database
        // (9.4 s of a 9.7 s start-up at a million documents), so a start analyses only when
        // they are missing or the catalogue grew by half since (writes through the API do
        // not refresh them; bulk writes do, see `bulk_written`).
        if self.engine == Engine::Sqlite && self.statistics_outdated().await? {
            self.refresh_statistics().await?;
        }
        Ok(())
    }

    /// Whether SQLite's planner statistics are missing, or count half as many training offers
    /// as there are now. Both sides are cheap on a cold file: the statistics are a small
    /// table, and the largest rowid is one descent of the table's B-tree.
    async fn statistics_outdated(&self) -> Result<bool, StoreError> {
        use sea_orm::{ConnectionTrait, Statement};
        let backend = self.db.get_database_backend();
        let query = |sql: &'static str| self.db.query_one_raw(Statement::from_string(backend, sql));
        let kept = query("SELECT count(*) AS n FROM sqlite_master WHERE name = 'sqlite_stat1'")
            .await?
            .map(|row| row.try_get::<i64>("", "n"))
            .transpose()?
            .unwrap_or(0);
        if kept == 0 {
            return Ok(true);
        }
        // `stat` starts with the number of rows the table had when analysed.
        let analysed = query("SELECT stat FROM sqlite_stat1 WHERE tbl = 'training_offers' LIMIT 1")
            .await?
            .map(|row| row.try_get::<String>("", "stat"))
            .transpose()?
            .and_then(|stat| stat.split_whitespace().next()?.parse::<i64>().ok());
        let now = query("SELECT coalesce(max(rowid), 0) AS n FROM training_offers")
            .await?
            .map(|row| row.try_get::<i64>("", "n"))
            .transpose()?
            .unwrap_or(0);
        Ok(match analysed {
            Some(rows) => now * 2 > rows * 3,
            None => now > 0,
        })
    }

    /// Lets the query planner see the data as it is. Without statistics SQLite guesses, and
    /// for `id IN (…10 ids…) AND status IN (…)` it guessed the status index, reading every
    /// published offer to return ten (4 ms at 30,000 offers, 14 ms at 100,000, measured by
    /// the benchmark); with them it looks the ids up. Run at start-up on a SQLite database that
    /// has none, and after bulk writes on both engines; `analysis_limit` keeps it to
    /// milliseconds on large tables (when they are in the page cache).
    ///
    /// A SQLite connection reads the statistics only when it loads the schema, so the pool's
    /// other connections would keep planning with the old ones (after the benchmark's import,
    /// half of its runs had an in-process search p99 of about 30 ms instead of 9, as if some
    /// pages were read by connections still planning with an empty catalogue's statistics).
    /// Creating and dropping a table changes the schema, which makes every connection, in
    /// this process or another, reload it with the new statistics before its next statement.
    pub async fn refresh_statistics(&self) -> Result<(), StoreError> {
        let statement = match self.engine {
            // One batch: the limit is a setting of the connection that runs the ANALYZE.
            Engine::Sqlite => {
                "PRAGMA analysis_limit = 1000; ANALYZE; \
                 CREATE TABLE IF NOT EXISTS planner_statistics_reload (unused INTEGER); \
                 DROP TABLE planner_statistics_reload"
            }
            Engine::Postgres => {
                "ANALYZE training_offers, skill_profiles, organisations, training_sessions, taught_skills"
            }
        };
        self.writer.execute_unprepared(statement).await?;
        Ok(())
    }

    /// Records that a bulk write added `records` catalogue records, and refreshes the
    /// planner's statistics when this process's bulk writes have grown the catalogue by half
    /// since the last refresh. An import in 200 batches thus refreshes about 14 times, not
    /// 200 (on PostgreSQL each `ANALYZE` samples every table again), and the statistics are
    /// never off by more than a factor of 1.5.
    pub(crate) async fn bulk_written(&self, records: u64) -> Result<(), StoreError> {
        let due = {
            let mut rows = self
                .bulk_rows
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            rows.1 += records;
            let due = rows.1 * 2 >= rows.0;
            if due {
                *rows = (rows.0 + rows.1, 0);
            }
            due
        };
        if due {
            self.refresh_statistics().await?;
        }
        Ok(())
    }

    /// Whether the database answers and every migration of this build has been applied.
    pub async fn check_ready(&self) -> Result<(), StoreError> {
        self.db.ping().await?;
        let pending = Migrator::get_pending_migrations(&self.db).await?;
        if !pending.is_empty() {
            return Err(StoreError::MigrationsPending(pending.len()));
        }
        Ok(())
    }

    /// Starts a write transaction. On SQLite it takes the write lock at BEGIN (IMMEDIATE), so a
    /// second writer waits on the busy timeout instead of failing when it upgrades its lock.
    pub(crate) async fn begin_write(&self) -> Result<DatabaseTransaction, StoreError> {
        let options = TransactionOptions {
            sqlite_transaction_mode: (self.engine == Engine::Sqlite)
                .then_some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        };
        Ok(self.writer.begin_with_options(options).await?)
    }

    pub(crate) fn connection(&self) -> &DatabaseConnection {
        &self.db
    }

    pub async fn close(self) -> Result<(), StoreError> {
        if self.engine == Engine::Sqlite {
            self.writer.close().await?;
        }
        self.db.close().await?;
        Ok(())
    }
}

/// Scratch databases for tests: each test gets a database of its own on the PostgreSQL server
/// named by `TEST_DATABASE_URL`, so tests run in parallel without seeing each other's rows.
pub mod scratch {
    use sea_orm::{ConnectionTrait, Database};

    use crate::StoreError;

    /// Creates an empty database next to the one `admin_url` names, and returns its URL.
    pub async fn create_postgres_database(admin_url: &str) -> Result<String, StoreError> {
        let name = format!("passerelle_test_{}", uuid::Uuid::now_v7().simple());
        let admin = Database::connect(admin_url).await?;
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await?;
        admin.close().await?;
        let (base, query) = admin_url
            .split_once('?')
            .map_or((admin_url, None), |(base, query)| (base, Some(query)));
        let prefix = base.rsplit_once('/').map_or(base, |(prefix, _)| prefix);
        Ok(match query {
            Some(query) => format!("{prefix}/{name}?{query}"),
            None => format!("{prefix}/{name}"),
        })
    }

    /// The name of a database made by [`create_postgres_database`], from its URL.
    fn scratch_name(database_url: &str) -> Option<&str> {
        let base = database_url
            .split_once('?')
            .map_or(database_url, |(base, _)| base);
        let (_, name) = base.rsplit_once('/')?;
        name.starts_with("passerelle_test_").then_some(name)
    }

    /// Closes, from the server's side, every connection to a database made by
    /// [`create_postgres_database`] (as a restart of PostgreSQL, or a proxy's idle timeout,
    /// would); returns how many were closed.
    pub async fn close_postgres_connections(
        admin_url: &str,
        database_url: &str,
    ) -> Result<u64, StoreError> {
        let Some(name) = scratch_name(database_url) else {
            return Ok(0);
        };
        let admin = Database::connect(admin_url).await?;
        let closed = admin
            .query_all_raw(sea_orm::Statement::from_string(
                admin.get_database_backend(),
                format!(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
                ),
            ))
            .await?
            .len();
        admin.close().await?;
        Ok(u64::try_from(closed).unwrap_or(u64::MAX))
    }

    /// Drops a database made by [`create_postgres_database`], closing its other connections.
    pub async fn drop_postgres_database(
        admin_url: &str,
        database_url: &str,
    ) -> Result<(), StoreError> {
        let Some(name) = scratch_name(database_url) else {
            return Ok(());
        };
        let admin = Database::connect(admin_url).await?;
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            .await?;
        admin.close().await?;
        Ok(())
    }
}
