//! Keeps this node's index in step with the database by following the change log.
//!
//! # Why nothing is skipped
//! The indexer asks the log for entries after the position its index was last committed at,
//! applies them, and commits the index with the new position in the commit itself (see the
//! index crate). Three things make that exact:
//! - Entries become visible in `seq` order: every catalogue write takes one lock before it
//!   is given a `seq` (`BEGIN IMMEDIATE` on SQLite, a transaction-scoped advisory lock on
//!   PostgreSQL, see the store's `writing` module), so once `seq = n` is visible, no
//!   transaction can still commit a smaller one. Reading "after n" therefore never jumps over
//!   a late commit. `tests/search_sync.rs` runs concurrent writers against a follower on
//!   PostgreSQL and checks that every write is searchable at the end.
//! - An entry is applied by reading the record's current state, not by replaying the entry:
//!   applying it twice, or late, or after a rebuild that already saw its effect, gives the
//!   same document. So the index may safely be behind the database, never wrong.
//! - The position and the documents are committed together: after a crash between the
//!   database commit and the index commit, the node restarts from the last position its
//!   index holds and applies the entry then.
//!
//! A rebuild reads the log's end *before* reading any record, so every entry up to that
//! position is reflected in what it reads, and entries after it are applied as usual.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use chrono::Utc;
use passerelle_domain::{OrganisationId, SkillProfileId, TrainingOfferId};
use passerelle_index::{Checkpoint, IndexError, IndexHome, SearchIndex};
use passerelle_store::{ChangeListener, Engine, IndexableKind, Store, StoreError};
use uuid::Uuid;

use super::Reference;
use super::documents::{Pending, Providers, changes_for};

/// Entries applied per index commit, at most. A single publish is one entry and is committed
/// at once; a bulk import is followed in steps this large, each one commit, and so one new
/// segment for tantivy to merge with the others: at 1,000 entries a step, a million-document
/// import spent more time committing than indexing; at 5,000, a quarter of the samples in a
/// profile of it were tantivy merging those small segments. At 20,000 (with the index's
/// follow budget sized to hold them) a million offers imported in 124 s instead of 144 (README,
/// benchmark).
const BATCH: u64 = 20_000;
/// Records read per step of a rebuild.
const REBUILD_STEP: u64 = 500;
/// How often the log is polled when no wake-up came (another node's write on SQLite cannot
/// notify; on PostgreSQL this is the fallback should the notification connection drop).
const POLL: Duration = Duration::from_secs(2);

#[derive(Debug, thiserror::Error)]
pub(crate) enum IndexerError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error("indexing task failed: {0}")]
    Task(String),
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, IndexError> + Send + 'static,
) -> Result<T, IndexerError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| IndexerError::Task(error.to_string()))?
        .map_err(IndexerError::from)
}

/// Builds a complete new generation from the database and makes it current on disk.
/// Returns the number of documents and the checkpoint it was built at.
pub(crate) async fn rebuild_into(
    store: &Store,
    reference: &Arc<Reference>,
    home: &IndexHome,
) -> Result<(u64, Checkpoint), IndexerError> {
    let checkpoint = Checkpoint {
        // Read first: see the module documentation.
        seq: store.latest_change_seq().await?,
        database: store.database_identity().await?,
    };
    let mut rebuild = home.rebuild(Arc::clone(&reference.taxonomy))?;
    let today = Utc::now().date_naive();
    // Organisations are read first, and are the providers of the offers read next.
    let mut providers = Providers::default();
    for kind in [
        IndexableKind::Organisation,
        IndexableKind::TrainingOffer,
        IndexableKind::SkillProfile,
    ] {
        let mut after: Option<Uuid> = None;
        loop {
            let ids = store.indexable_ids(kind, after, REBUILD_STEP).await?;
            let Some(last) = ids.last() else { break };
            after = Some(*last);
            let mut pending = Pending::default();
            match kind {
                IndexableKind::Organisation => pending
                    .organisations
                    .extend(ids.iter().map(|id| OrganisationId::from(*id))),
                IndexableKind::TrainingOffer => pending
                    .offers
                    .extend(ids.iter().map(|id| TrainingOfferId::from(*id))),
                IndexableKind::SkillProfile => pending
                    .profiles
                    .extend(ids.iter().map(|id| SkillProfileId::from(*id))),
            }
            let changes = changes_for(store, reference, &pending, &mut providers, today).await?;
            rebuild = blocking(move || {
                rebuild.add(&changes.upserts)?;
                Ok(rebuild)
            })
            .await?;
        }
    }
    let finished = checkpoint.clone();
    let documents = blocking(move || rebuild.finish(&finished)).await?;
    Ok((documents, checkpoint))
}

/// Log entries read and turned into index changes, ready to be applied.
struct Step {
    /// Where the index stands once they are applied.
    next: Checkpoint,
    changes: passerelle_index::Changes,
    entries: usize,
}

/// Follows the change log into this node's index.
#[derive(Debug)]
pub(crate) struct Indexer {
    store: Store,
    index: Arc<SearchIndex>,
    reference: Arc<Reference>,
    /// Left by the latest step read, for the next (see [`Providers`]).
    providers: Mutex<Providers>,
}

impl Indexer {
    /// Makes the index usable: rebuilt when it is missing, unreadable, or about another
    /// database (or a database restored to an earlier point), then caught up with the log.
    pub(crate) async fn prepare(
        store: Store,
        index: Arc<SearchIndex>,
        reference: Arc<Reference>,
    ) -> Result<Self, IndexerError> {
        // What this process writes in bulk from now on, the index takes as written.
        store.keep_written_for_index();
        let indexer = Self {
            store,
            index,
            reference,
            providers: Mutex::default(),
        };
        let database = indexer.store.database_identity().await?;
        let latest = indexer.store.latest_change_seq().await?;
        let usable = indexer
            .index
            .checkpoint()
            .is_some_and(|checkpoint| checkpoint.database == database && checkpoint.seq <= latest);
        if !usable {
            tracing::info!("building the search index from the database");
            let (documents, checkpoint) =
                rebuild_into(&indexer.store, &indexer.reference, indexer.index.home()).await?;
            indexer.index.follow_current()?;
            tracing::info!(documents, seq = checkpoint.seq, "search index built");
        }
        indexer.catch_up().await?;
        Ok(indexer)
    }

    fn providers(&self) -> MutexGuard<'_, Providers> {
        // Only ever replaced whole.
        self.providers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Applies every log entry after the index's checkpoint; returns how many. While one step
    /// is being indexed the next is read from the database, so that a long backlog (a bulk
    /// import) keeps both the database and the index writer busy.
    pub(crate) async fn catch_up(&self) -> Result<usize, IndexerError> {
        let mut applied = 0;
        let Some(start) = self.index.checkpoint() else {
            return Ok(applied);
        };
        let mut step = self.read_step(&start).await?;
        while let Some(Step {
            next,
            changes,
            entries,
        }) = step
        {
            let index = Arc::clone(&self.index);
            let checkpoint = next.clone();
            let (written, following) = tokio::join!(
                blocking(move || index.apply(&changes, &checkpoint)),
                self.read_step(&next)
            );
            written?;
            applied += entries;
            step = following?;
            // A rebuild finished meanwhile: its generation has its own position.
            let current = self.index.checkpoint();
            if current.as_ref() != Some(&next) {
                step = match current {
                    Some(checkpoint) => self.read_step(&checkpoint).await?,
                    None => None,
                };
            }
        }
        Ok(applied)
    }

    /// Reads the log entries after `from` (at most [`BATCH`]) and the documents they touch.
    async fn read_step(&self, from: &Checkpoint) -> Result<Option<Step>, IndexerError> {
        let entries = self.store.changes_after(from.seq, BATCH).await?;
        let Some(last) = entries.last() else {
            return Ok(None);
        };
        let next = Checkpoint {
            seq: last.seq,
            database: from.database.clone(),
        };
        let mut pending = Pending::default();
        // Organisations changed after their creation: their offers' documents carry their
        // name and Qualiopi status, so those offers are indexed again. A created one has no
        // offer yet (an offer needs its provider first), and each of its offers will be logged
        // after it: in a bulk import, expanding the created ones read the providers' offers
        // again and indexed those already written twice.
        let mut changed_organisations: Vec<OrganisationId> = Vec::new();
        for entry in &entries {
            if pending.add_entry(entry) == Some(IndexableKind::Organisation)
                && entry.operation != "CREATED"
            {
                changed_organisations.push(entry.entity_id.into());
            }
        }
        if !changed_organisations.is_empty() {
            pending.offers.extend(
                self.store
                    .published_offers_of_providers(&changed_organisations)
                    .await?,
            );
        }
        // Taken out while the step is read, so that no lock is held across the reads; a step
        // that fails leaves none, and the next starts empty.
        let mut providers = std::mem::take(&mut *self.providers()).continuing_from(from);
        let changes = if pending.is_empty() {
            passerelle_index::Changes::default()
        } else {
            changes_for(
                &self.store,
                &self.reference,
                &pending,
                &mut providers,
                Utc::now().date_naive(),
            )
            .await?
        };
        *self.providers() = providers.applied_up_to(&next);
        Ok(Some(Step {
            next,
            changes,
            entries: entries.len(),
        }))
    }

    /// Rebuilds the index while searches go on against the current generation.
    pub(crate) async fn rebuild(&self) -> Result<u64, IndexerError> {
        let (documents, _) = rebuild_into(&self.store, &self.reference, self.index.home()).await?;
        self.index.follow_current()?;
        self.catch_up().await?;
        Ok(documents)
    }

    /// Starts listening for other nodes' writes (PostgreSQL), before the node serves, so that
    /// no notification is missed between start-up and the first wait.
    pub(crate) async fn listen(&self) -> Option<ChangeListener> {
        match self.store.listen_for_changes().await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::warn!(%error, "cannot listen for other nodes' changes; polling");
                None
            }
        }
    }

    /// Follows the log until the task is dropped: wakes on this process's writes, on other
    /// nodes' notifications (PostgreSQL), and every few seconds regardless.
    pub(crate) async fn run(self, mut listener: Option<ChangeListener>) {
        let local = self.store.change_notifier();
        loop {
            // Only PostgreSQL notifies; a lost notification connection is opened again here.
            if listener.is_none() && self.store.engine() == Engine::Postgres {
                listener = self.listen().await;
            }
            let remote = async {
                match listener.as_mut() {
                    Some(listener) => listener.next().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                () = local.notified() => {}
                outcome = remote => {
                    if let Err(error) = outcome {
                        tracing::warn!(%error, "lost the change notifications; polling until they are back");
                        listener = None;
                    }
                }
                () = tokio::time::sleep(POLL) => {}
            }
            if let Err(error) = self.step().await {
                tracing::error!(%error, "search index update failed; retrying");
                tokio::time::sleep(POLL).await;
            }
        }
    }

    async fn step(&self) -> Result<(), IndexerError> {
        // A generation finished by `passerelle reindex` replaces ours.
        if self.index.follow_current()? {
            tracing::info!(generation = %self.index.generation_name(), "switched to a rebuilt search index");
        }
        if self.index.checkpoint().is_none() {
            self.rebuild().await?;
        }
        self.catch_up().await?;
        Ok(())
    }
}
