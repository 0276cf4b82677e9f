//! Passerelle's search index: the only crate that speaks to tantivy.
//!
//! The index is derived data: the database is the source of truth and the index can always
//! be rebuilt from it. Each server node keeps its own index in a folder of its own, laid out as
//! generations:
//!
//! ```text
//! <index folder>/CURRENT          the name of the generation in use (replaced atomically)
//! <index folder>/g-<time>-<pid>/  one complete tantivy index
//! ```
//!
//! A rebuild writes a new generation next to the one in use and then points `CURRENT` at it,
//! so searches go on against the old generation until the new one is complete. Every commit
//! carries, in tantivy's commit payload, the [`Checkpoint`] it reflects: the position in the
//! database's change log up to which the index is complete, and which database that log is.
//! A node that restarts resumes from exactly there.

mod analysis;
pub mod baseline;
mod collector;
mod document;
mod highlight;
mod query;
mod scoring;
mod taxonomy;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{Executor, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

pub use analysis::TextLanguage;
pub use collector::Cursor;
pub use document::{Document, DocumentKey, DocumentKind, Point};
pub use highlight::Highlighter;
pub use query::{Filter, MAX_QUERY_CHARS, MAX_QUERY_WORDS, Near, QueryPlan, Sort};
pub use taxonomy::{Taxonomy, TaxonomySkill};

use analysis::Analysers;
use collector::{Collected, ColumnCache, SearchCollector, Settings};
use document::Fields;
use query::TextQuery;

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("index folder {path}: {source}")]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("index in {path}: {source}")]
    Tantivy {
        path: PathBuf,
        source: tantivy::TantivyError,
    },
    #[error("the index has been replaced by a newer generation; reopen it")]
    Replaced,
}

/// Up to where the index reflects the database: the last change-log position applied, and
/// the identity of the database whose log it is (a different database, or one restored from
/// an older backup, means the index must be rebuilt).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub seq: i64,
    pub database: String,
}

impl Checkpoint {
    fn to_payload(&self) -> String {
        format!("passerelle-index-v1 {} {}", self.seq, self.database)
    }

    fn from_payload(payload: &str) -> Option<Self> {
        // The database identity is the rest, spaces included.
        let mut parts = payload.splitn(3, ' ');
        if parts.next()? != "passerelle-index-v1" {
            return None;
        }
        let seq = parts.next()?.parse().ok()?;
        let database = parts.next()?.to_owned();
        Some(Self { seq, database })
    }
}

/// Documents to (re)write and documents to remove, applied in one commit.
#[derive(Debug, Default)]
pub struct Changes {
    pub upserts: Vec<Document>,
    pub deletes: Vec<DocumentKey>,
}

/// One search request against the index. Dates are days since 1970-01-01.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    pub text: String,
    pub filter: Filter,
    pub sort: Sort,
    pub first: usize,
    pub after: Option<Cursor>,
    pub today: i64,
    /// Whether to count the facets: a broad query matches many documents, and counting their
    /// values is most of its cost when nobody reads them. The total is always counted.
    pub facets: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub key: DocumentKey,
    /// Relevance, comparable only between hits of one search (when no document has every word,
    /// it counts a large constant per word matched).
    pub score: f32,
    pub distance_km: Option<f64>,
    pub cursor: Cursor,
}

/// Counts per facet value, largest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FacetCounts {
    pub kinds: Vec<(DocumentKind, u64)>,
    pub skills: Vec<(String, u64)>,
    pub modalities: Vec<(String, u64)>,
    pub departments: Vec<(String, u64)>,
}

#[derive(Debug)]
pub struct SearchResults {
    pub hits: Vec<SearchHit>,
    pub total: u64,
    pub has_next: bool,
    pub facets: FacetCounts,
    /// Marks what this query matched in the hits' texts.
    pub highlighter: Highlighter,
}

/// What a suggestion points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SuggestionTarget {
    Skill(String),
    Document(DocumentKey),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub text: String,
    pub target: SuggestionTarget,
}

/// The most suggestions one call returns, whatever is asked: a list to pick from while typing.
pub const MAX_SUGGESTIONS: usize = 50;

const CURRENT: &str = "CURRENT";
/// Memory for the indexing buffer of a node following the log, and of a rebuild. The follow
/// budget holds one step of a bulk import (20,000 documents, see the server's indexer) in one
/// segment; a single publish uses a sliver of it.
const FOLLOW_BUDGET: usize = 100_000_000;
const REBUILD_BUDGET: usize = 120_000_000;

fn folder_error(path: &Path) -> impl Fn(std::io::Error) -> IndexError + '_ {
    move |source| IndexError::Folder {
        path: path.to_owned(),
        source,
    }
}

fn tantivy_error(path: &Path) -> impl Fn(tantivy::TantivyError) -> IndexError + '_ {
    move |source| IndexError::Tantivy {
        path: path.to_owned(),
        source,
    }
}

/// One complete tantivy index: a generation.
struct Generation {
    name: String,
    path: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: Fields,
    checkpoint: Mutex<Option<Checkpoint>>,
    columns: Arc<ColumnCache>,
}

impl std::fmt::Debug for Generation {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Generation")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// The threads that search an index's segments, one per core, shared by every index of the
/// process. Searching a request's segments side by side uses a core the other requests left
/// idle: on 2 cores at half of the maximum load, over HTTP at 100k documents, p50 went from
/// 3.8-4.9 ms to 2.8-3.0 ms and p99 from 14.8-20.8 ms to 10.5-11.7 ms (README, benchmark).
fn search_executor() -> Executor {
    static EXECUTOR: OnceLock<Executor> = OnceLock::new();
    EXECUTOR
        .get_or_init(|| {
            let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
            if cores < 2 {
                return Executor::single_thread();
            }
            Executor::multi_thread(cores, "search-").unwrap_or_else(|error| {
                tracing::warn!(%error, "no search threads, searching on the caller's thread");
                Executor::single_thread()
            })
        })
        .clone()
}

impl Generation {
    fn create(path: &Path, name: &str) -> Result<Self, IndexError> {
        std::fs::create_dir_all(path).map_err(folder_error(path))?;
        let (schema, _) = Fields::schema();
        let index = Index::create_in_dir(path, schema).map_err(tantivy_error(path))?;
        Self::ready(path, name, index)
    }

    /// Opens a generation, refusing one whose schema is not this build's (it is then rebuilt).
    fn open(path: &Path, name: &str) -> Result<Self, IndexError> {
        let index = Index::open_in_dir(path).map_err(tantivy_error(path))?;
        if index.schema() != Fields::schema().0 {
            return Err(IndexError::Tantivy {
                path: path.to_owned(),
                source: tantivy::TantivyError::SchemaError(
                    "the index was written by another version".to_owned(),
                ),
            });
        }
        Self::ready(path, name, index)
    }

    fn ready(path: &Path, name: &str, mut index: Index) -> Result<Self, IndexError> {
        index.set_executor(search_executor());
        analysis::register(&index);
        let fields = Fields::from_schema(&index.schema()).map_err(tantivy_error(path))?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(tantivy_error(path))?;
        let metas = index.load_metas().map_err(tantivy_error(path))?;
        let checkpoint = metas.payload.as_deref().and_then(Checkpoint::from_payload);
        Ok(Self {
            name: name.to_owned(),
            path: path.to_owned(),
            index,
            reader,
            fields,
            checkpoint: Mutex::new(checkpoint),
            columns: Arc::default(),
        })
    }

    fn writer(&self, budget: usize) -> Result<IndexWriter, IndexError> {
        let threads = if budget > FOLLOW_BUDGET { 2 } else { 1 };
        self.index
            .writer_with_num_threads(threads, budget)
            .map_err(tantivy_error(&self.path))
    }

    /// Each upsert deletes its key just before it is added, so that of two versions of a
    /// record in one batch only the later stays (a delete only hits documents added before it).
    fn write(
        &self,
        writer: &mut IndexWriter,
        changes: &Changes,
        taxonomy: &Taxonomy,
    ) -> Result<(), IndexError> {
        let term = |key: &DocumentKey| Term::from_field_bytes(self.fields.key, &key.term_bytes());
        for key in &changes.deletes {
            writer.delete_term(term(key));
        }
        for document in &changes.upserts {
            writer.delete_term(term(&document.key));
            writer
                .add_document(self.fields.document(document, taxonomy))
                .map_err(tantivy_error(&self.path))?;
        }
        Ok(())
    }

    fn commit(&self, writer: &mut IndexWriter, checkpoint: &Checkpoint) -> Result<(), IndexError> {
        let mut prepared = writer.prepare_commit().map_err(tantivy_error(&self.path))?;
        prepared.set_payload(&checkpoint.to_payload());
        prepared.commit().map_err(tantivy_error(&self.path))?;
        self.reader.reload().map_err(tantivy_error(&self.path))?;
        self.columns
            .retain(self.reader.searcher().segment_readers());
        *lock(&self.checkpoint) = Some(checkpoint.clone());
        Ok(())
    }
}

/// Poisoning only means another thread panicked mid-update of a value that is replaced
/// whole; the value itself is still consistent.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The index folder of a node and its generations.
#[derive(Debug, Clone)]
pub struct IndexHome {
    path: PathBuf,
}

impl IndexHome {
    pub fn new(path: &Path) -> Self {
        Self {
            path: path.to_owned(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The generation `CURRENT` names, if any.
    fn current_name(&self) -> Option<String> {
        std::fs::read_to_string(self.path.join(CURRENT))
            .ok()
            .map(|name| name.trim().to_owned())
            .filter(|name| name.starts_with("g-") && !name.contains(['/', '.']))
    }

    fn new_generation(&self) -> Result<Generation, IndexError> {
        std::fs::create_dir_all(&self.path).map_err(folder_error(&self.path))?;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_nanos());
        let name = format!("g-{nanos}-{}", std::process::id());
        Generation::create(&self.path.join(&name), &name)
    }

    /// Points `CURRENT` at a generation: written aside, synced, then renamed over the old
    /// pointer, so a crash leaves either the old or the new one, never half of it.
    fn make_current(&self, name: &str) -> Result<(), IndexError> {
        let error = folder_error(&self.path);
        let temporary = self.path.join(format!("{CURRENT}.{}", std::process::id()));
        let mut file = std::fs::File::create(&temporary).map_err(&error)?;
        std::io::Write::write_all(&mut file, name.as_bytes()).map_err(&error)?;
        file.sync_all().map_err(&error)?;
        std::fs::rename(&temporary, self.path.join(CURRENT)).map_err(&error)?;
        std::fs::File::open(&self.path)
            .and_then(|folder| folder.sync_all())
            .map_err(&error)?;
        Ok(())
    }

    /// Removes the generations other than `keep` (finished or abandoned rebuilds, the
    /// generation a rebuild replaced), but not one that another process is building now.
    fn remove_others(&self, keep: &str) {
        let Ok(entries) = std::fs::read_dir(&self.path) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let young = entry
                .metadata()
                .and_then(|metadata| metadata.modified())
                .ok()
                .and_then(|modified| modified.elapsed().ok())
                .is_some_and(|age| age.as_secs() < 3600);
            if name.starts_with("g-") && name != keep && !self.is_building(&name, young) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }

    /// Whether a generation is another process's rebuild in progress: its writer holds
    /// tantivy's lock, or it is so young that the writer may not have taken it yet. The lock
    /// file itself proves nothing: tantivy leaves it behind when the writer goes.
    fn is_building(&self, name: &str, young: bool) -> bool {
        if self.current_name().as_deref() == Some(name) {
            return false;
        }
        let lock = self.path.join(name).join(".tantivy-writer.lock");
        match std::fs::File::open(&lock) {
            Ok(file) => matches!(file.try_lock(), Err(std::fs::TryLockError::WouldBlock)),
            Err(_) => young,
        }
    }

    /// Starts building a new generation; [`Rebuild::finish`] makes it current.
    pub fn rebuild(&self, taxonomy: Arc<Taxonomy>) -> Result<Rebuild, IndexError> {
        let generation = self.new_generation()?;
        let writer = generation.writer(REBUILD_BUDGET)?;
        Ok(Rebuild {
            home: self.clone(),
            generation,
            writer,
            taxonomy,
            added: 0,
        })
    }
}

/// A generation being filled from the database.
pub struct Rebuild {
    home: IndexHome,
    generation: Generation,
    writer: IndexWriter,
    taxonomy: Arc<Taxonomy>,
    added: u64,
}

impl std::fmt::Debug for Rebuild {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Rebuild")
            .field("generation", &self.generation.name)
            .field("added", &self.added)
            .finish_non_exhaustive()
    }
}

impl Rebuild {
    pub fn add(&mut self, documents: &[Document]) -> Result<(), IndexError> {
        for document in documents {
            self.writer
                .add_document(self.generation.fields.document(document, &self.taxonomy))
                .map_err(tantivy_error(&self.generation.path))?;
        }
        self.added += documents.len() as u64;
        Ok(())
    }

    /// Commits the new generation at `checkpoint` and makes it the current one on disk.
    /// Returns the number of documents it holds.
    pub fn finish(self, checkpoint: &Checkpoint) -> Result<u64, IndexError> {
        let Rebuild {
            home,
            generation,
            mut writer,
            added,
            ..
        } = self;
        generation.commit(&mut writer, checkpoint)?;
        writer
            .wait_merging_threads()
            .map_err(tantivy_error(&generation.path))?;
        home.make_current(&generation.name)?;
        Ok(added)
    }
}

/// What [`SearchIndex::run_query`] found, and with what.
struct Ran<F> {
    fruit: F,
    text: TextQuery,
    searcher: tantivy::Searcher,
    /// The generation's folder, for errors.
    path: PathBuf,
}

/// A node's search index: the generation in use, searched by many, written by one indexer.
pub struct SearchIndex {
    home: IndexHome,
    taxonomy: Arc<Taxonomy>,
    current: RwLock<Arc<Generation>>,
    writer: Mutex<Option<(String, IndexWriter)>>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("SearchIndex")
            .field("home", &self.home)
            .field("generation", &self.generation().name)
            .finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// Opens the current generation. A missing, unreadable or outdated one is replaced by a
    /// new empty generation, without checkpoint, which tells the caller to rebuild it.
    pub fn open(home: IndexHome, taxonomy: Arc<Taxonomy>) -> Result<Self, IndexError> {
        let opened = home.current_name().and_then(|name| {
            match Generation::open(&home.path.join(&name), &name) {
                Ok(generation) => Some(generation),
                Err(error) => {
                    tracing::warn!(%error, generation = %name, "index generation unusable, rebuilding");
                    None
                }
            }
        });
        let generation = match opened {
            Some(generation) => generation,
            None => {
                let generation = home.new_generation()?;
                home.make_current(&generation.name)?;
                generation
            }
        };
        home.remove_others(&generation.name);
        Ok(Self {
            home,
            taxonomy,
            current: RwLock::new(Arc::new(generation)),
            writer: Mutex::new(None),
        })
    }

    pub fn home(&self) -> &IndexHome {
        &self.home
    }

    pub fn taxonomy(&self) -> &Arc<Taxonomy> {
        &self.taxonomy
    }

    fn generation(&self) -> Arc<Generation> {
        Arc::clone(
            &self
                .current
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }

    /// The generation in use, by name (for logs and tests).
    pub fn generation_name(&self) -> String {
        self.generation().name.clone()
    }

    /// Where the index stands; `None` for an index never committed (to be rebuilt).
    pub fn checkpoint(&self) -> Option<Checkpoint> {
        lock(&self.generation().checkpoint).clone()
    }

    /// Segments of the generation in use: each one is searched apart, so many small ones cost.
    pub fn segment_count(&self) -> usize {
        self.generation().reader.searcher().segment_readers().len()
    }

    pub fn document_count(&self) -> u64 {
        self.generation().reader.searcher().num_docs()
    }

    /// Bytes the generation in use takes on disk (its files, at this moment).
    pub fn disk_bytes(&self) -> u64 {
        let Ok(entries) = std::fs::read_dir(&self.generation().path) else {
            return 0;
        };
        entries
            .filter_map(Result::ok)
            .filter_map(|entry| entry.metadata().ok())
            .filter(std::fs::Metadata::is_file)
            .map(|metadata| metadata.len())
            .sum()
    }

    /// Applies changes and records `checkpoint`, in one commit. Applying the same changes
    /// twice leaves the same index: every upsert first deletes the document's key.
    pub fn apply(&self, changes: &Changes, checkpoint: &Checkpoint) -> Result<(), IndexError> {
        let generation = self.generation();
        let mut slot = lock(&self.writer);
        if slot
            .as_ref()
            .is_none_or(|(name, _)| *name != generation.name)
        {
            *slot = None;
            *slot = Some((generation.name.clone(), generation.writer(FOLLOW_BUDGET)?));
        }
        let Some((_, writer)) = slot.as_mut() else {
            return Err(IndexError::Replaced);
        };
        let written = generation
            .write(writer, changes, &self.taxonomy)
            .and_then(|()| generation.commit(writer, checkpoint));
        if written.is_err() {
            // A failed writer may hold half a batch; the next attempt starts from a new one.
            *slot = None;
        }
        written
    }

    /// Builds a new generation in this process and switches to it when complete.
    pub fn rebuild(&self) -> Result<Rebuild, IndexError> {
        self.home.rebuild(Arc::clone(&self.taxonomy))
    }

    /// Switches to the generation `CURRENT` names when another one than ours (a finished
    /// rebuild, here or by `passerelle reindex`). Returns whether it switched.
    pub fn follow_current(&self) -> Result<bool, IndexError> {
        let Some(name) = self.home.current_name() else {
            return Ok(false);
        };
        if name == self.generation().name {
            return Ok(false);
        }
        let generation = Generation::open(&self.home.path.join(&name), &name)?;
        let mut slot = lock(&self.writer);
        *slot = None;
        *self
            .current
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(generation);
        drop(slot);
        self.home.remove_others(&name);
        Ok(true)
    }

    /// Runs `request`'s query with `collector`: every word required, then, when `found_none`
    /// says nothing matched and there are several words, any of them (documents with more of
    /// the words first). `clauses` are its filters as tantivy clauses.
    fn run_query<C: tantivy::collector::Collector>(
        &self,
        request: &SearchRequest,
        clauses: impl Fn(&Fields) -> Vec<(Occur, Box<dyn Query>)>,
        collector: &C,
        found_none: impl Fn(&C::Fruit) -> bool,
    ) -> Result<Ran<C::Fruit>, IndexError> {
        let generation = self.generation();
        let fields = &generation.fields;
        let mut analysers = Analysers::new();
        let searcher = generation.reader.searcher();
        let failed = tantivy_error(&generation.path);
        let text = TextQuery::build(
            &request.text,
            fields,
            &self.taxonomy,
            &mut analysers,
            &searcher,
        )
        .map_err(&failed)?;
        let run = |all: bool| {
            let query = query::combine(text.query(all), clauses(fields));
            searcher.search(query.as_ref(), collector).map_err(&failed)
        };
        let mut fruit = run(true)?;
        if found_none(&fruit) && text.group_count() > 1 {
            // No document has every word: rank those with some of them, most first.
            fruit = run(false)?;
        }
        Ok(Ran {
            fruit,
            text,
            searcher,
            path: generation.path.clone(),
        })
    }

    /// Runs a search. CPU work: call it from a blocking thread, not an async task.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults, IndexError> {
        let collector = SearchCollector {
            columns: Arc::clone(&self.generation().columns),
            settings: Arc::new(Settings {
                kinds: request.filter.kinds.clone(),
                modalities: request.filter.modalities.clone(),
                departments: request.filter.departments.clone(),
                near: request.filter.near,
                sort: request.sort,
                after: request.after,
                limit: request.first.saturating_add(1),
                today: request.today,
                facets: request.facets,
            }),
        };
        let Ran {
            fruit: collected,
            text,
            ..
        } = self.run_query(
            request,
            |fields| query::filter_clauses(&request.filter, fields, &self.taxonomy, request.today),
            &collector,
            |collected: &Collected| collected.counts.total == 0,
        )?;
        let has_next = collected.top.len() > request.first;
        let hits = collected
            .top
            .into_iter()
            .take(request.first)
            .map(|ranked| SearchHit {
                key: DocumentKey {
                    kind: ranked.kind,
                    id: ranked.position.id,
                },
                score: ranked.score,
                distance_km: ranked.distance_km,
                cursor: ranked.position,
            })
            .collect();
        let counts = collected.counts;
        let mut kinds: Vec<(DocumentKind, u64)> = counts.kinds.into_iter().collect();
        kinds.sort_by(|left, right| right.1.cmp(&left.1).then(left.0.cmp(&right.0)));
        Ok(SearchResults {
            hits,
            total: counts.total,
            has_next,
            facets: FacetCounts {
                kinds,
                skills: by_count(counts.skills),
                modalities: by_count(counts.modalities),
                departments: by_count(counts.departments),
            },
            highlighter: Highlighter::new(if text.is_empty() {
                QueryPlan::default()
            } else {
                text.plan
            }),
        })
    }

    /// As-you-type suggestions: skills by label or synonym, then offer titles and organisation
    /// names whose words start with what was typed; at most [`MAX_SUGGESTIONS`]. CPU work,
    /// like [`Self::search`].
    pub fn suggest(&self, prefix: &str, first: usize) -> Result<Vec<Suggestion>, IndexError> {
        let first = first.min(MAX_SUGGESTIONS);
        if first == 0 {
            return Ok(Vec::new());
        }
        let mut analysers = Analysers::new();
        let prefix: String = prefix.chars().take(MAX_QUERY_CHARS).collect();
        let mut words: Vec<String> = analysers
            .words(&prefix)
            .into_iter()
            .map(|word| word.folded)
            .collect();
        words.truncate(MAX_QUERY_WORDS);
        let Some(last) = words.last().cloned() else {
            return Ok(Vec::new());
        };
        let typed = words.join(" ");
        let mut skills = self.skill_suggestions(&typed, &mut analysers);
        let documents = self.document_suggestions(&words, &last, first)?;
        let skill_share = first.div_ceil(2).max(first.saturating_sub(documents.len()));
        skills.truncate(skill_share);
        let mut seen = std::collections::HashSet::new();
        let mut suggestions = Vec::new();
        for suggestion in skills.into_iter().chain(documents) {
            let folded: Vec<String> = analysers
                .words(&suggestion.text)
                .into_iter()
                .map(|word| word.folded)
                .collect();
            if seen.insert(folded) {
                suggestions.push(suggestion);
            }
        }
        suggestions.truncate(first);
        Ok(suggestions)
    }

    fn skill_suggestions(&self, typed: &str, analysers: &mut Analysers) -> Vec<Suggestion> {
        // Rank: 0 the label starts with the text, 1 a synonym does, 2 a later word does.
        let mut found: Vec<(u8, usize, &TaxonomySkill)> = Vec::new();
        for skill in self.taxonomy.skills() {
            let names = [(&skill.label_fr, 0u8), (&skill.label_en, 0u8)]
                .into_iter()
                .chain(skill.alt_labels.iter().map(|label| (label, 1u8)));
            let mut best: Option<u8> = None;
            for (name, rank) in names {
                let words: Vec<String> = analysers
                    .words(name)
                    .into_iter()
                    .map(|word| word.folded)
                    .collect();
                let joined = words.join(" ");
                let rank = if joined.starts_with(typed) {
                    Some(rank)
                } else if (1..words.len()).any(|start| words[start..].join(" ").starts_with(typed))
                {
                    Some(2)
                } else {
                    None
                };
                best = match (best, rank) {
                    (Some(best), Some(rank)) => Some(best.min(rank)),
                    (best, rank) => best.or(rank),
                };
            }
            if let Some(rank) = best {
                found.push((rank, skill.label_fr.chars().count(), skill));
            }
        }
        found.sort_by(|left, right| {
            (left.0, left.1, &left.2.label_fr).cmp(&(right.0, right.1, &right.2.label_fr))
        });
        found
            .into_iter()
            .map(|(_, _, skill)| Suggestion {
                text: skill.label_fr.clone(),
                target: SuggestionTarget::Skill(skill.slug.clone()),
            })
            .collect()
    }

    fn document_suggestions(
        &self,
        words: &[String],
        last: &str,
        first: usize,
    ) -> Result<Vec<Suggestion>, IndexError> {
        let generation = self.generation();
        let fields = &generation.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = words[..words.len() - 1]
            .iter()
            .map(|word| {
                (
                    Occur::Must,
                    Box::new(TermQuery::new(
                        Term::from_field_text(fields.name, word),
                        IndexRecordOption::WithFreqs,
                    )) as Box<dyn Query>,
                )
            })
            .collect();
        clauses.push((
            Occur::Must,
            Box::new(FuzzyTermQuery::new_prefix(
                Term::from_field_text(fields.name, last),
                0,
                true,
            )),
        ));
        let searcher = generation.reader.searcher();
        let error = tantivy_error(&generation.path);
        let top = searcher
            .search(
                &BooleanQuery::new(clauses),
                &TopDocs::with_limit(first).order_by_score(),
            )
            .map_err(&error)?;
        let mut suggestions = Vec::new();
        for (_, address) in top {
            let document: TantivyDocument = searcher.doc(address).map_err(&error)?;
            let text = document
                .get_first(fields.display)
                .and_then(|value| value.as_str())
                .map(str::to_owned);
            let key = document
                .get_first(fields.key)
                .and_then(|value| value.as_bytes())
                .and_then(DocumentKey::from_term_bytes);
            if let (Some(text), Some(key)) = (text, key) {
                suggestions.push(Suggestion {
                    text,
                    target: SuggestionTarget::Document(key),
                });
            }
        }
        Ok(suggestions)
    }
}

fn by_count(counts: HashMap<String, u64>) -> Vec<(String, u64)> {
    let mut counts: Vec<(String, u64)> = counts.into_iter().collect();
    counts.sort_by(|left, right| right.1.cmp(&left.1).then_with(|| left.0.cmp(&right.0)));
    counts
}
