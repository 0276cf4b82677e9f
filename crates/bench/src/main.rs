//! `passerelle-bench`: measures Passerelle's search against raw tantivy, PostgreSQL and SQLite
//! full-text search on one deterministic corpus and query set, and writes a JSON report and a
//! Markdown summary.
//!
//! ```sh
//! cargo build --release                      # the server binary, for the HTTP part
//! cargo run --release -p passerelle-bench -- --sizes 10000,100000 \
//!     --postgres-url postgres://postgres@127.0.0.1:5432/test --out bench/results
//! ```

mod corpus;
mod http;
mod measure;
mod queries;
mod report;

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Parser;
use passerelle_server::{Application, Settings};
use passerelle_store::baseline::{FtsDocument, FtsFilter, FullTextBaseline};
use serde_json::json;
use uuid::Uuid;

use crate::measure::{Latencies, ndcg_at, reciprocal_rank_at};
use crate::queries::{Query, grade};
use crate::report::{Quality, SizeReport, SystemReport};

#[derive(Debug, Parser)]
#[command(
    version,
    about = "Benchmark Passerelle's search against raw tantivy and database full-text search"
)]
struct Args {
    /// Corpus sizes (documents), comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "10000", value_parser = at_least::<100>)]
    sizes: Vec<usize>,
    /// Seed of the corpus and the query set.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Queries in the query set.
    #[arg(long, default_value_t = 200, value_parser = at_least::<1>)]
    queries: usize,
    /// Times the query set is run for latencies (after one warm-up run).
    #[arg(long, default_value_t = 3, value_parser = at_least::<1>)]
    rounds: usize,
    /// A PostgreSQL server for the full-text baseline (a scratch database is created there).
    #[arg(long, env = "BENCH_POSTGRES_URL")]
    postgres_url: Option<String>,
    /// Where the report goes.
    #[arg(long, default_value = "bench/results")]
    out: PathBuf,
    /// The `passerelle` binary for the HTTP part; default: next to this one.
    #[arg(long)]
    server: Option<PathBuf>,
    /// Seconds of load for each HTTP measurement.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    http_seconds: u64,
    /// The systems to measure (all by default); import, statements per request and start-up
    /// are always measured.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = Measured::all())]
    systems: Vec<Measured>,
    /// The fixed request rate for the HTTP latencies (requests/s); default: half of the
    /// measured maximum, as the issue's target says. A low rate tells a fixed stall from
    /// queueing.
    #[arg(long)]
    http_rate: Option<f64>,
    /// Keep each size's working folder (the server's data folder is `data` in it), for
    /// profiling `passerelle serve` on it afterwards.
    #[arg(long)]
    keep: bool,
    /// Documents per import call: each call is one transaction and one change-log span. The
    /// default is one step of the index; fewer per call write the same index pages more often.
    #[arg(long, default_value_t = 20_000, value_parser = at_least::<1>)]
    import_batch: usize,
}

/// A count of at least `MIN`: fewer documents than that split into no offers or profiles
/// (none at all underflowed), and no query or round measures nothing.
fn at_least<const MIN: usize>(text: &str) -> Result<usize, String> {
    let count: usize = text
        .parse()
        .map_err(|_| format!("{text:?} is not a whole number"))?;
    if count < MIN {
        return Err(format!("give at least {MIN}"));
    }
    Ok(count)
}

/// The systems a run can measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Measured {
    /// tantivy's own query parser over the text fields.
    Parser,
    /// The product's query, run by tantivy with `TopDocs`.
    Raw,
    /// The GraphQL schema in-process, ids only.
    Schema,
    /// The GraphQL schema in-process, the front end's full page.
    Page,
    /// The product's index layer alone.
    Index,
    Sqlite,
    Postgres,
    /// `passerelle serve` over HTTP.
    Http,
}

impl Measured {
    fn all() -> Vec<Self> {
        use clap::ValueEnum;
        Self::value_variants().to_vec()
    }
}

/// The product index's request for a benchmark query: its text and filters, by relevance.
fn index_request(query: &Query, first: usize, today: i64) -> passerelle_index::SearchRequest {
    passerelle_index::SearchRequest {
        text: query.text.clone(),
        filter: passerelle_index::Filter {
            departments: query.department.iter().cloned().collect(),
            max_price_cents: query
                .max_price_cents
                .and_then(|cap| u64::try_from(cap).ok()),
            ..passerelle_index::Filter::default()
        },
        sort: passerelle_index::Sort::Relevance,
        first,
        after: None,
        today,
        facets: false,
    }
}

pub(crate) const SEARCH: &str = "query Bench($q: String!, $filter: SearchFilter) {
  search(query: $q, filter: $filter, first: 10) { totalCount edges { node { ... on Node { id } } } }
}";

/// What the front end asks for: facets, highlights and the facts of each hit too.
const SEARCH_PAGE: &str = "query Bench($q: String!, $filter: SearchFilter) {
  search(query: $q, filter: $filter, first: 10) {
    totalCount
    facets { kinds { value count } skills { value label count } modalities { value count } departments { value label count } }
    edges { highlights { field snippet } node {
      ... on Node { id }
      ... on TrainingOffer { title price { amountCents } provider { name } nextSession { startDate place { name } } skills { level skill { label } } }
      ... on SkillProfile { displayName headline skills { level skill { label } } }
      ... on Organisation { name } } }
  }
}";

/// The product's search through its GraphQL schema, the figure the ratios are about.
pub(crate) const PASSERELLE: &str = "Passerelle (in-process)";
/// tantivy running the product's own query.
pub(crate) const RAW_SAME_QUERY: &str = "raw tantivy (same query, TopDocs)";

/// The filter the product's search gets for a query (the same as the baselines').
pub(crate) fn product_filter(query: &Query) -> serde_json::Value {
    let mut filter = serde_json::Map::new();
    if let Some(department) = &query.department {
        filter.insert("departments".into(), json!([department]));
    }
    if let Some(cap) = query.max_price_cents {
        filter.insert("maxPriceCents".into(), json!(cap));
    }
    serde_json::Value::Object(filter)
}

/// The UUIDs behind the global IDs of a search response.
fn ids_of(response: &serde_json::Value) -> Vec<Uuid> {
    use base64::Engine;
    response["data"]["search"]["edges"]
        .as_array()
        .map(|edges| {
            edges
                .iter()
                .filter_map(|edge| edge["node"]["id"].as_str())
                .filter_map(|id| {
                    base64::engine::general_purpose::URL_SAFE_NO_PAD
                        .decode(id)
                        .ok()
                })
                .filter_map(|bytes| String::from_utf8(bytes).ok())
                .filter_map(|text| {
                    text.split_once(':')
                        .and_then(|(_, uuid)| Uuid::parse_str(uuid).ok())
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Working folders are named `passerelle-bench-<process id>-…` in the temporary folder, so
/// that a later run can tell those of runs that are gone.
const WORK_PREFIX: &str = "passerelle-bench-";

/// The id of the process that made a working folder named `name`, if it is one of ours.
fn work_owner(name: &str) -> Option<u32> {
    name.strip_prefix(WORK_PREFIX)?
        .split('-')
        .next()?
        .parse()
        .ok()
}

/// Removes the working folders of benchmark runs that were killed: a killed run cannot
/// remove its own, and a 1M size leaves several gigabytes (its database and indexes). A
/// folder is left alone while its process lives, or when there is no `/proc` to ask.
fn remove_abandoned_work(temporary: &std::path::Path) {
    if !std::path::Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(temporary) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(owner) = name.to_str().and_then(work_owner) else {
            continue;
        };
        if std::path::Path::new(&format!("/proc/{owner}")).exists() {
            continue;
        }
        match std::fs::remove_dir_all(entry.path()) {
            Ok(()) => eprintln!(
                "removed {}, left by a run that was killed",
                entry.path().display()
            ),
            Err(error) => eprintln!("cannot remove {}: {error}", entry.path().display()),
        }
    }
}

/// A size's working folder: removed at the end, unless asked to keep it.
enum Work {
    Temporary(tempfile::TempDir),
    Kept(PathBuf),
}

impl Work {
    fn path(&self) -> &std::path::Path {
        match self {
            Self::Temporary(folder) => folder.path(),
            Self::Kept(path) => path,
        }
    }
}

/// The judged grades of every query: by document, and all of them (for the ideal ranking).
struct Judgements {
    by_query: Vec<(HashMap<Uuid, u8>, Vec<u8>)>,
}

impl Judgements {
    fn new(
        queries: &[Query],
        corpus: &corpus::Corpus,
        narrower: &HashMap<String, std::collections::HashSet<String>>,
    ) -> Self {
        let by_query = queries
            .iter()
            .map(|query| {
                let mut graded = HashMap::new();
                let mut all = Vec::new();
                for intent in &corpus.intents {
                    let value = grade(query, intent, narrower);
                    if value > 0 {
                        graded.insert(intent.id, value);
                        all.push(value);
                    }
                }
                (graded, all)
            })
            .collect();
        Self { by_query }
    }

    fn quality(&self, queries: &[Query], answers: &[Vec<Uuid>]) -> Quality {
        let mut ndcg = 0.0;
        let mut mrr = 0.0;
        let mut by_kind: std::collections::BTreeMap<queries::QueryKind, (f64, usize)> =
            Default::default();
        for ((query, answer), (graded, all)) in queries.iter().zip(answers).zip(&self.by_query) {
            let grades: Vec<u8> = answer
                .iter()
                .map(|id| graded.get(id).copied().unwrap_or(0))
                .collect();
            let value = ndcg_at(10, &grades, all);
            ndcg += value;
            mrr += reciprocal_rank_at(10, &grades);
            let entry = by_kind.entry(query.kind).or_default();
            entry.0 += value;
            entry.1 += 1;
        }
        #[allow(clippy::cast_precision_loss)]
        let count = queries.len().max(1) as f64;
        Quality {
            ndcg_at_10: ndcg / count,
            mrr_at_10: mrr / count,
            ndcg_by_kind: by_kind
                .into_iter()
                .map(|(kind, (sum, n))| {
                    #[allow(clippy::cast_precision_loss)]
                    let mean = sum / n.max(1) as f64;
                    (kind, mean)
                })
                .collect(),
        }
    }
}

/// Runs every query `rounds` times after a warm-up; returns the first answers and latencies.
async fn run_system<F, Fut>(
    queries: &[Query],
    rounds: usize,
    mut search: F,
) -> Result<(Vec<Vec<Uuid>>, Latencies), String>
where
    F: FnMut(&Query) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<Uuid>, String>>,
{
    let mut answers = Vec::with_capacity(queries.len());
    for query in queries {
        answers.push(search(query).await?);
    }
    let mut latencies = Latencies::default();
    for _ in 0..rounds {
        for query in queries {
            let started = Instant::now();
            search(query).await?;
            latencies.record(started.elapsed());
        }
    }
    Ok((answers, latencies))
}

fn system(
    name: &str,
    answers: &[Vec<Uuid>],
    latencies: &Latencies,
    queries: &[Query],
    judgements: &Judgements,
) -> SystemReport {
    let summary = latencies.summary();
    #[allow(clippy::cast_precision_loss)]
    let throughput = if summary.mean_us == 0 {
        0.0
    } else {
        1_000_000.0 / summary.mean_us as f64
    };
    let kinds: Vec<queries::QueryKind> = queries.iter().map(|query| query.kind).collect();
    SystemReport {
        name: name.to_owned(),
        latency: summary,
        latency_by_kind: latencies.summaries_by(&kinds),
        sequential_queries_per_second: throughput,
        quality: judgements.quality(queries, answers),
    }
}

/// Loads a database full-text baseline, runs the query set on it with the same filters, and
/// returns its report and the seconds loading and indexing took.
async fn run_baseline(
    name: &str,
    url: &str,
    documents: &[FtsDocument],
    queries: &[Query],
    rounds: usize,
    judgements: &Judgements,
) -> Result<(SystemReport, f64), String> {
    let (baseline, load) = FullTextBaseline::create(url, documents)
        .await
        .map_err(|error| error.to_string())?;
    let (answers, latencies) = run_system(queries, rounds, |query| {
        let baseline = &baseline;
        let filter = FtsFilter {
            department: query.department.clone(),
            max_price_cents: query.max_price_cents,
        };
        let text = query.text.clone();
        async move {
            baseline
                .search(&text, &filter, 10)
                .await
                .map_err(|error| error.to_string())
        }
    })
    .await?;
    baseline.close().await.map_err(|error| error.to_string())?;
    Ok((
        system(name, &answers, &latencies, queries, judgements),
        load.as_secs_f64(),
    ))
}

/// Runs the query set through the GraphQL schema in-process with `document` as the query.
async fn run_schema(
    application: &Application,
    document: &str,
    queries: &[Query],
    rounds: usize,
) -> Result<(Vec<Vec<Uuid>>, Latencies), String> {
    run_system(queries, rounds, |query| {
        let variables = json!({ "q": query.text, "filter": product_filter(query) });
        async move {
            let response = application.execute_anonymous(document, variables).await;
            if response.get("errors").is_some() {
                return Err(format!("search failed: {response}"));
            }
            Ok(ids_of(&response))
        }
    })
    .await
}

/// CPU seconds this process has used (user and system), from `/proc/self/stat`.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command's closing parenthesis; utime and stime are the 12th and
    // 13th of them, in clock ticks (100 a second on Linux).
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// Waits until the index's background merges after the import are done (this process is
/// nearly idle for a second), so that they do not run during the measurements.
async fn settle(size: usize) {
    let started = Instant::now();
    let Some(mut before) = cpu_seconds() else {
        return;
    };
    while started.elapsed() < Duration::from_secs(300) {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let Some(now) = cpu_seconds() else {
            return;
        };
        if now - before < 0.05 {
            eprintln!(
                "[{size}] idle after {:?} (background merges done)",
                started.elapsed()
            );
            return;
        }
        before = now;
    }
    eprintln!("[{size}] still busy after 300 s; measuring anyway");
}

async fn bench_size(args: &Args, size: usize) -> Result<SizeReport, String> {
    let work = tempfile::Builder::new()
        // A kept folder is named without a process id, so no later run removes it.
        .prefix(&if args.keep {
            format!("{WORK_PREFIX}kept-")
        } else {
            format!("{WORK_PREFIX}{}-", std::process::id())
        })
        .tempdir()
        .map_err(|error| error.to_string())?;
    let work = if args.keep {
        let kept = work.keep();
        eprintln!("[{size}] working folder kept: {}", kept.display());
        Work::Kept(kept)
    } else {
        Work::Temporary(work)
    };
    let data_dir = work.path().join("data");
    let mut settings = Settings::new(
        "127.0.0.1:0".parse().map_err(|_| "address")?,
        data_dir.clone(),
    );
    settings.cost_per_minute = 0;
    let application = Application::build(settings)
        .await
        .map_err(|error| error.to_string())?;
    let store = application.store().clone();
    let skills = store
        .all_skills()
        .await
        .map_err(|error| error.to_string())?;
    let places = store
        .all_places()
        .await
        .map_err(|error| error.to_string())?;
    let speed_before = tokio::task::spawn_blocking(measure::cpu_speed)
        .await
        .map_err(|error| error.to_string())?;
    eprintln!("[{size}] generating the corpus");
    let started = Instant::now();
    // Written on a thread of its own, so that the corpus (a million documents' texts, kept
    // until the baselines are loaded) fills that thread's allocator arena, not the one of
    // this thread, which then imports and runs the product's searches and the databases'
    // queries; an importer or a server does not hold all its input in memory. Written here,
    // it left this thread's arena large and fragmented, and every allocation made from it
    // searched it: in a profile late in a 1M import, `_int_malloc` was two thirds of this
    // thread's samples and a third of the process's.
    let (seed, batch) = (args.seed, args.import_batch);
    let (for_corpus, places_for_corpus) = (skills.clone(), places.clone());
    let mut corpus = tokio::task::spawn_blocking(move || {
        corpus::generate(
            seed,
            size,
            batch,
            &for_corpus,
            &places_for_corpus,
            chrono::Utc::now().date_naive(),
        )
    })
    .await
    .map_err(|error| error.to_string())?;
    let generation_seconds = started.elapsed().as_secs_f64();

    // Import through the product's write path, then wait until this node's index has it all.
    eprintln!("[{size}] importing {} batches", corpus.batches.len());
    let started = Instant::now();
    // Taken, not cloned: copying every document's text was timed as part of the import.
    for batch in std::mem::take(&mut corpus.batches) {
        store
            .import(batch)
            .await
            .map_err(|error| error.to_string())?;
    }
    let imported = started.elapsed();
    let latest = store
        .latest_change_seq()
        .await
        .map_err(|error| error.to_string())?;
    while application
        .search_index()
        .checkpoint()
        .is_none_or(|checkpoint| checkpoint.seq < latest)
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let searchable = started.elapsed();
    let documents = application.search_index().document_count();
    eprintln!(
        "[{size}] {documents} documents written in {imported:?}, searchable after {searchable:?}, in {} segments",
        application.search_index().segment_count()
    );

    settle(size).await;
    // After the index's background merges, which would take a core from it.
    let speed_after = tokio::task::spawn_blocking(measure::cpu_speed)
        .await
        .map_err(|error| error.to_string())?;
    let fixed_work = tokio::task::spawn_blocking(|| {
        measure::fixed_work(Duration::from_millis(1), 3_000).summary()
    })
    .await
    .map_err(|error| error.to_string())?;

    let raw_folder = work.path().join("raw-index");
    let (raw_count, raw_import) = passerelle_index::baseline::raw_import(
        &raw_folder,
        corpus
            .texts
            .iter()
            .map(|text| (text.id.as_u128(), text.title.as_str(), text.body.as_str())),
    )
    .map_err(|error| error.to_string())?;

    let departments = corpus::departments_by_use(&corpus.intents);
    let queries = queries::generate(
        args.seed,
        args.queries,
        &skills,
        &corpus.skills_by_rank,
        &departments,
    );
    let narrower = queries::narrower_skills(&skills);
    let judgements = Judgements::new(&queries, &corpus, &narrower);
    let mut systems = Vec::new();

    let wants = |system: Measured| args.systems.contains(&system);
    let index = std::sync::Arc::clone(application.search_index());
    let today = chrono::Utc::now()
        .date_naive()
        .signed_duration_since(chrono::NaiveDate::default())
        .num_days();
    if wants(Measured::Parser) {
        eprintln!("[{size}] tantivy's query parser");
        let (answers, latencies) = run_system(&queries, args.rounds, |query| {
            let result = index
                .raw_search(&query.text, 10)
                .map(|ids| ids.into_iter().map(Uuid::from_u128).collect())
                .map_err(|error| error.to_string());
            async move { result }
        })
        .await?;
        systems.push(system(
            "tantivy query parser (plain BM25, no filters)",
            &answers,
            &latencies,
            &queries,
            &judgements,
        ));
    }
    if wants(Measured::Raw) {
        eprintln!("[{size}] raw tantivy, the product's query");
        let (answers, latencies) = run_system(&queries, args.rounds, |query| {
            let result = index
                .raw_same_query(&index_request(query, 10, today))
                .map(|ids| ids.into_iter().map(Uuid::from_u128).collect())
                .map_err(|error| error.to_string());
            async move { result }
        })
        .await?;
        systems.push(system(
            RAW_SAME_QUERY,
            &answers,
            &latencies,
            &queries,
            &judgements,
        ));
    }
    if wants(Measured::Index) {
        eprintln!("[{size}] Passerelle's index alone (no database, no GraphQL)");
        let (answers, latencies) = run_system(&queries, args.rounds, |query| {
            let result = index
                .search(&index_request(query, 10, today))
                .map(|results| {
                    results
                        .hits
                        .into_iter()
                        .map(|hit| Uuid::from_u128(hit.key.id))
                        .collect()
                })
                .map_err(|error| error.to_string());
            async move { result }
        })
        .await?;
        systems.push(system(
            "Passerelle index alone",
            &answers,
            &latencies,
            &queries,
            &judgements,
        ));
    }
    // The index (and its writer's lock) must be gone before the server process takes it.
    drop(index);

    for (measured, name, document) in [
        (Measured::Schema, PASSERELLE, SEARCH),
        (
            Measured::Page,
            "Passerelle (in-process, full page)",
            SEARCH_PAGE,
        ),
    ] {
        if !wants(measured) {
            continue;
        }
        eprintln!("[{size}] {name}");
        let (answers, latencies) =
            run_schema(&application, document, &queries, args.rounds).await?;
        systems.push(system(name, &answers, &latencies, &queries, &judgements));
    }

    // Statements per nested request: 50 offers with provider, skills and sessions.
    let nested = "{ trainingOffers(first: 50) { edges { node { title provider { name } skills { level skill { slug } } sessions { startDate place { name } } } } } }";
    let before = store.statements_executed();
    application.execute_anonymous(nested, json!({})).await;
    let statements_per_nested_request = store.statements_executed() - before;

    // The node stops; the HTTP part runs the real server on the same data, as a process. It
    // comes before the databases' baselines: loading them leaves the machine busy for a while
    // (PostgreSQL's checkpoints, and dropping its scratch database, write and unlink hundreds
    // of megabytes), which could otherwise land inside the server's latencies.
    drop(application);
    store.close().await.map_err(|error| error.to_string())?;
    let served = if wants(Measured::Http) {
        http::measure(args, &data_dir, &queries).await
    } else {
        Err("not asked for".to_owned())
    };
    if let Err(problem) = &served {
        eprintln!("[{size}] HTTP part skipped: {problem}");
    }

    let documents_for_fts: Vec<FtsDocument> = corpus
        .texts
        .iter()
        .map(|text| FtsDocument {
            id: text.id,
            title: text.title.clone(),
            body: text.body.clone(),
            department: text.department.clone(),
            price_cents: text.price_cents,
        })
        .collect();

    let mut loads = Vec::new();
    if wants(Measured::Sqlite) {
        eprintln!("[{size}] SQLite FTS5");
        let sqlite_url = format!("sqlite://{}?mode=rwc", work.path().join("fts.db").display());
        let (report, sqlite_load) = run_baseline(
            "SQLite FTS5",
            &sqlite_url,
            &documents_for_fts,
            &queries,
            args.rounds,
            &judgements,
        )
        .await?;
        systems.push(report);
        loads.push(("SQLite FTS5".to_owned(), sqlite_load));
    }

    if let (Some(admin), true) = (&args.postgres_url, wants(Measured::Postgres)) {
        eprintln!("[{size}] PostgreSQL full-text search");
        let url = passerelle_store::scratch::create_postgres_database(admin)
            .await
            .map_err(|error| error.to_string())?;
        let measured = run_baseline(
            "PostgreSQL FTS",
            &url,
            &documents_for_fts,
            &queries,
            args.rounds,
            &judgements,
        )
        .await;
        passerelle_store::scratch::drop_postgres_database(admin, &url)
            .await
            .map_err(|error| error.to_string())?;
        let (report, load) = measured?;
        systems.push(report);
        loads.push(("PostgreSQL FTS".to_owned(), load));
    }

    #[allow(clippy::cast_precision_loss)]
    let per_second = |count: u64, elapsed: Duration| count as f64 / elapsed.as_secs_f64().max(1e-9);
    Ok(SizeReport {
        documents: size,
        training_offers: corpus::split(size).0,
        cpu_speed: [speed_before, speed_after],
        indexed_documents: documents,
        queries: queries.len(),
        generation_seconds,
        import: report::Import {
            batch_documents: args.import_batch,
            database_seconds: imported.as_secs_f64(),
            searchable_seconds: searchable.as_secs_f64(),
            documents_per_second: per_second(u64::try_from(size).unwrap_or(0), searchable),
            raw_tantivy_seconds: raw_import.as_secs_f64(),
            raw_tantivy_documents_per_second: per_second(raw_count, raw_import),
            baseline_load_seconds: loads,
        },
        statements_per_nested_request,
        fixed_work,
        systems,
        http: served.ok(),
    })
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    remove_abandoned_work(&std::env::temp_dir());
    let mut sizes = Vec::new();
    for size in &args.sizes {
        match bench_size(&args, *size).await {
            Ok(report) => sizes.push(report),
            Err(problem) => {
                eprintln!("benchmark at {size} documents failed: {problem}");
                return std::process::ExitCode::FAILURE;
            }
        }
        // Written after each size, so that a failure at a larger one keeps the smaller ones.
        match report::write(&args.out, args.seed, &sizes) {
            Ok(paths) => {
                for path in paths {
                    println!("wrote {} ({size} documents done)", path.display());
                }
            }
            Err(problem) => {
                eprintln!("cannot write the report: {problem}");
                return std::process::ExitCode::FAILURE;
            }
        }
    }
    std::process::ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::{Args, WORK_PREFIX, remove_abandoned_work};

    /// Folders of runs that are gone are removed; those of a living process, kept ones and
    /// others are not.
    #[test]
    fn only_the_work_of_killed_runs_is_removed() {
        let temporary = tempfile::tempdir().unwrap();
        // No process has the largest id: Linux's limit is far below it.
        let folders = [
            (format!("{WORK_PREFIX}{}-abc", u32::MAX), false),
            (format!("{WORK_PREFIX}{}-def", std::process::id()), true),
            (format!("{WORK_PREFIX}kept-ghi"), true),
            ("passerelle-data".to_owned(), true),
        ];
        for (name, _) in &folders {
            std::fs::create_dir_all(temporary.path().join(name).join("data")).unwrap();
        }
        remove_abandoned_work(temporary.path());
        for (name, stays) in &folders {
            assert_eq!(temporary.path().join(name).exists(), *stays, "{name}");
        }
    }

    /// A size of 0 used to underflow the corpus split and run out of memory; counts too small
    /// to measure anything are refused with the option's name.
    #[test]
    fn counts_too_small_to_measure_are_refused() {
        for arguments in [
            &["bench", "--sizes", "10000,0"][..],
            &["bench", "--sizes", "99"],
            &["bench", "--queries", "0"],
            &["bench", "--rounds", "0"],
            &["bench", "--http-seconds", "0"],
        ] {
            let error = Args::try_parse_from(arguments).unwrap_err().to_string();
            assert!(error.contains(arguments[1]), "{arguments:?}: {error}");
        }
        let args =
            Args::try_parse_from(["bench", "--sizes", "100,1000000", "--rounds", "1"]).unwrap();
        assert_eq!(args.sizes, [100, 1_000_000]);
        assert_eq!(args.rounds, 1);
    }
}
