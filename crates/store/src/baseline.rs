//! Full-text search as the databases do it, for the benchmark (`crates/bench`) to set the
//! product against; kept here because this is the only crate that speaks to databases.
//!
//! - PostgreSQL: a `tsvector` column with the French configuration, the title weighted A and
//!   the body B, a GIN index, `plainto_tsquery` (all words) ranked by `ts_rank`.
//! - SQLite: an FTS5 table (`unicode61`, accents removed) ranked by `bm25` with the title
//!   weighted 3 to the body's 1.
//!
//! Both filter on department and maximum price like the product's search does.

use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement, Value};
use uuid::Uuid;

use crate::{Engine, StoreError};

/// A document as the baseline indexes it.
#[derive(Debug, Clone)]
pub struct FtsDocument {
    pub id: Uuid,
    pub title: String,
    pub body: String,
    pub department: Option<String>,
    pub price_cents: Option<i64>,
}

/// What a baseline query filters on besides the words.
#[derive(Debug, Clone, Default)]
pub struct FtsFilter {
    pub department: Option<String>,
    pub max_price_cents: Option<i64>,
}

/// A full-text table in a database of its own (never the marketplace's).
#[derive(Debug)]
pub struct FullTextBaseline {
    db: DatabaseConnection,
    engine: Engine,
}

/// Rows per INSERT: within SQLite's limit of bound parameters.
const ROWS_PER_INSERT: usize = 400;

impl FullTextBaseline {
    /// Creates the table in the database `url` names, loads `documents` and builds the index;
    /// returns the baseline and how long loading and indexing took.
    pub async fn create(
        url: &str,
        documents: &[FtsDocument],
    ) -> Result<(Self, Duration), StoreError> {
        let engine = Engine::of_url(url)?;
        let db = Database::connect(url).await?;
        let started = Instant::now();
        match engine {
            Engine::Postgres => {
                db.execute_unprepared(
                    "DROP TABLE IF EXISTS bench_fts;
                     CREATE TABLE bench_fts (id uuid PRIMARY KEY, department text, price_cents bigint, document tsvector NOT NULL)",
                )
                .await?;
            }
            Engine::Sqlite => {
                db.execute_unprepared(
                    "DROP TABLE IF EXISTS bench_fts; DROP TABLE IF EXISTS bench_meta;
                     CREATE VIRTUAL TABLE bench_fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2');
                     CREATE TABLE bench_meta (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL, department TEXT, price_cents INTEGER)",
                )
                .await?;
            }
        }
        let backend = db.get_database_backend();
        for (chunk_number, chunk) in documents.chunks(ROWS_PER_INSERT).enumerate() {
            let mut values: Vec<Value> = Vec::new();
            match engine {
                Engine::Postgres => {
                    let rows: Vec<String> = chunk
                        .iter()
                        .enumerate()
                        .map(|(row, document)| {
                            let at = row * 5;
                            values.extend([
                                document.id.into(),
                                document.department.clone().into(),
                                document.price_cents.into(),
                                document.title.clone().into(),
                                document.body.clone().into(),
                            ]);
                            format!(
                                "(${}, ${}, ${}, setweight(to_tsvector('french', ${}), 'A') || setweight(to_tsvector('french', ${}), 'B'))",
                                at + 1, at + 2, at + 3, at + 4, at + 5
                            )
                        })
                        .collect();
                    let sql = format!("INSERT INTO bench_fts VALUES {}", rows.join(", "));
                    db.execute_raw(Statement::from_sql_and_values(backend, sql, values))
                        .await?;
                }
                Engine::Sqlite => {
                    let first_rowid = chunk_number * ROWS_PER_INSERT + 1;
                    let mut meta_values: Vec<Value> = Vec::new();
                    let mut text_rows = Vec::new();
                    let mut meta_rows = Vec::new();
                    for (row, document) in chunk.iter().enumerate() {
                        let rowid = i64::try_from(first_rowid + row).unwrap_or(i64::MAX);
                        values.extend([
                            rowid.into(),
                            document.title.clone().into(),
                            document.body.clone().into(),
                        ]);
                        text_rows.push("(?, ?, ?)");
                        meta_values.extend([
                            rowid.into(),
                            document.id.to_string().into(),
                            document.department.clone().into(),
                            document.price_cents.into(),
                        ]);
                        meta_rows.push("(?, ?, ?, ?)");
                    }
                    let sql = format!(
                        "INSERT INTO bench_fts (rowid, title, body) VALUES {}",
                        text_rows.join(", ")
                    );
                    db.execute_raw(Statement::from_sql_and_values(backend, sql, values))
                        .await?;
                    let sql = format!("INSERT INTO bench_meta VALUES {}", meta_rows.join(", "));
                    db.execute_raw(Statement::from_sql_and_values(backend, sql, meta_values))
                        .await?;
                }
            }
        }
        match engine {
            Engine::Postgres => {
                db.execute_unprepared("CREATE INDEX bench_fts_document ON bench_fts USING gin (document); ANALYZE bench_fts")
                    .await?;
            }
            Engine::Sqlite => {
                db.execute_unprepared("INSERT INTO bench_fts (bench_fts) VALUES ('optimize')")
                    .await?;
            }
        }
        Ok((Self { db, engine }, started.elapsed()))
    }

    /// The ids of the best `limit` documents holding every word of `text` and passing the
    /// filter, best first.
    pub async fn search(
        &self,
        text: &str,
        filter: &FtsFilter,
        limit: u64,
    ) -> Result<Vec<Uuid>, StoreError> {
        let backend = self.db.get_database_backend();
        let limit = i64::try_from(limit).unwrap_or(10);
        let rows = match self.engine {
            Engine::Postgres => {
                let sql = "SELECT id FROM bench_fts, plainto_tsquery('french', $1) AS query
                           WHERE document @@ query AND ($2::text IS NULL OR department = $2)
                             AND ($3::bigint IS NULL OR price_cents <= $3)
                           ORDER BY ts_rank(document, query) DESC LIMIT $4";
                let values: Vec<Value> = vec![
                    text.into(),
                    filter.department.clone().into(),
                    filter.max_price_cents.into(),
                    limit.into(),
                ];
                self.db
                    .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
                    .await?
            }
            Engine::Sqlite => {
                // Each word quoted: FTS5 then reads them as plain words, all required.
                let words: Vec<String> = text
                    .split_whitespace()
                    .map(|word| format!("\"{}\"", word.replace('"', "")))
                    .collect();
                if words.is_empty() {
                    return Ok(Vec::new());
                }
                let sql =
                    "SELECT m.id FROM bench_fts JOIN bench_meta m ON m.rowid = bench_fts.rowid
                           WHERE bench_fts MATCH ? AND (? IS NULL OR m.department = ?)
                             AND (? IS NULL OR m.price_cents <= ?)
                           ORDER BY bm25(bench_fts, 3.0, 1.0) LIMIT ?";
                let values: Vec<Value> = vec![
                    words.join(" ").into(),
                    filter.department.clone().into(),
                    filter.department.clone().into(),
                    filter.max_price_cents.into(),
                    filter.max_price_cents.into(),
                    limit.into(),
                ];
                self.db
                    .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
                    .await?
            }
        };
        rows.iter()
            .map(|row| match self.engine {
                Engine::Postgres => row.try_get::<Uuid>("", "id").map_err(StoreError::from),
                Engine::Sqlite => row
                    .try_get::<String>("", "id")
                    .map_err(StoreError::from)
                    .and_then(|id| {
                        Uuid::parse_str(&id).map_err(|error| StoreError::Corrupt(error.to_string()))
                    }),
            })
            .collect()
    }

    pub async fn close(self) -> Result<(), StoreError> {
        self.db.close().await?;
        Ok(())
    }
}
