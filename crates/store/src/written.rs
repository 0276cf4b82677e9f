//! Catalogue records this process has just written in bulk, kept as written so that this
//! node's index can take them instead of reading them back.
//!
//! Following a large import, reading back what was written was about a fifth of the
//! process's CPU (SQLite's reading connections copying every value, then rows turned into
//! records again), on a machine whose two cores the import keeps busy (README, benchmark).
//!
//! # Why taking a kept record is exact
//! A batch is kept with the span of change-log positions its transaction holds, `(after,
//! last]`: every catalogue write takes the writers' lock before it logs anything, and the
//! span is read under that lock, so every entry in it is this transaction's. A batch is kept
//! only once its transaction has committed (a rolled-back SQLite transaction gives its
//! positions to the next one). The indexer asks for a record with the position of the
//! latest entry about it in the step it applies; when a kept batch's span holds that
//! position, the record's state as of that entry is what the batch wrote. A later change has
//! a later entry, applied by this or a later step, which reads the database; anything not
//! kept, evicted or taken before is read from the database as before.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

use passerelle_domain::catalogue::{
    Organisation, ProfileSkill, SkillProfile, TaughtSkill, TrainingOffer, TrainingSession,
};
use passerelle_domain::{
    OfferStatus, OrganisationId, SkillId, SkillProfileId, TrainingOfferId, Visibility,
};
use uuid::Uuid;

use crate::import::CatalogueRows;
use crate::{IndexableKind, StoreError, records};

/// Records kept at most (organisations, offers and profiles; an offer with its skills and
/// sessions counts once). A bulk write waits for room while the index takes records
/// (`Store::wait_for_kept_room`); an index that falls further behind reads the oldest back.
/// The benchmark's offers hold perhaps 2.5 KB of text each (an estimate, not a measurement),
/// so at most about 150 MB while an import runs.
pub(crate) const KEPT_RECORDS: usize = 60_000;

/// Catalogue records as the index needs them, by record. Lists are in the order the store's
/// reading functions give them: skills strongest first then by skill, sessions by start date.
#[derive(Debug, Default)]
pub struct CatalogueRecords {
    pub organisations: HashMap<OrganisationId, Organisation>,
    pub organisation_skills: HashMap<OrganisationId, Vec<SkillId>>,
    pub offers: HashMap<TrainingOfferId, TrainingOffer>,
    pub taught_skills: HashMap<TrainingOfferId, Vec<TaughtSkill>>,
    pub sessions: HashMap<TrainingOfferId, Vec<TrainingSession>>,
    pub profiles: HashMap<SkillProfileId, SkillProfile>,
    pub profile_skills: HashMap<SkillProfileId, Vec<ProfileSkill>>,
}

impl CatalogueRecords {
    /// The records of rows about to be written. Only what everyone may see is kept (imports
    /// write published offers and public profiles; anything else is read back when asked).
    pub(crate) fn of_rows(rows: &CatalogueRows) -> Result<Self, StoreError> {
        let mut records = Self::default();
        for row in &rows.organisations {
            let organisation = records::organisation(row.clone())?;
            records.organisations.insert(organisation.id, organisation);
        }
        for row in &rows.organisation_skills {
            records
                .organisation_skills
                .entry(row.organisation_id.into())
                .or_default()
                .push(row.skill_id.into());
        }
        for row in &rows.offers {
            let offer = records::training_offer(row.clone())?;
            if offer.status == OfferStatus::Published {
                records.offers.insert(offer.id, offer);
            }
        }
        for row in &rows.taught_skills {
            let taught = records::taught_skill(row.clone())?;
            if records.offers.contains_key(&taught.offer_id) {
                records
                    .taught_skills
                    .entry(taught.offer_id)
                    .or_default()
                    .push(taught);
            }
        }
        for row in &rows.sessions {
            let session = records::training_session(row.clone())?;
            if records.offers.contains_key(&session.offer_id) {
                records
                    .sessions
                    .entry(session.offer_id)
                    .or_default()
                    .push(session);
            }
        }
        for row in &rows.profiles {
            let profile = records::skill_profile(row.clone())?;
            if profile.visibility == Visibility::Public {
                records.profiles.insert(profile.id, profile);
            }
        }
        for row in &rows.profile_skills {
            let held = records::profile_skill(row.clone())?;
            if records.profiles.contains_key(&held.profile_id) {
                records
                    .profile_skills
                    .entry(held.profile_id)
                    .or_default()
                    .push(held);
            }
        }
        for skills in records.organisation_skills.values_mut() {
            skills.sort_unstable();
        }
        for skills in records.taught_skills.values_mut() {
            skills.sort_unstable_by_key(|skill| (std::cmp::Reverse(skill.level), skill.skill_id));
        }
        for skills in records.profile_skills.values_mut() {
            skills.sort_unstable_by_key(|skill| (std::cmp::Reverse(skill.level), skill.skill_id));
        }
        for sessions in records.sessions.values_mut() {
            sessions.sort_unstable_by_key(|session| (session.dates.start(), session.id));
        }
        Ok(records)
    }

    /// Organisations, offers and profiles held.
    pub fn len(&self) -> usize {
        self.organisations.len() + self.offers.len() + self.profiles.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds `other`'s records, replacing those of the same records.
    pub fn extend(&mut self, other: CatalogueRecords) {
        self.organisations.extend(other.organisations);
        self.organisation_skills.extend(other.organisation_skills);
        self.offers.extend(other.offers);
        self.taught_skills.extend(other.taught_skills);
        self.sessions.extend(other.sessions);
        self.profiles.extend(other.profiles);
        self.profile_skills.extend(other.profile_skills);
    }

    /// Moves one record (with its skills and sessions) into `into`; false when not held.
    fn move_into(&mut self, kind: IndexableKind, id: Uuid, into: &mut CatalogueRecords) -> bool {
        match kind {
            IndexableKind::Organisation => {
                let id = OrganisationId::from(id);
                if !move_entry(&mut self.organisations, &mut into.organisations, id) {
                    return false;
                }
                move_entry(
                    &mut self.organisation_skills,
                    &mut into.organisation_skills,
                    id,
                );
            }
            IndexableKind::TrainingOffer => {
                let id = TrainingOfferId::from(id);
                if !move_entry(&mut self.offers, &mut into.offers, id) {
                    return false;
                }
                move_entry(&mut self.taught_skills, &mut into.taught_skills, id);
                move_entry(&mut self.sessions, &mut into.sessions, id);
            }
            IndexableKind::SkillProfile => {
                let id = SkillProfileId::from(id);
                if !move_entry(&mut self.profiles, &mut into.profiles, id) {
                    return false;
                }
                move_entry(&mut self.profile_skills, &mut into.profile_skills, id);
            }
        }
        true
    }
}

/// Moves the entry of `key` from `from` to `into`; false when `from` has none.
fn move_entry<K: Eq + Hash, V>(from: &mut HashMap<K, V>, into: &mut HashMap<K, V>, key: K) -> bool {
    match from.remove(&key) {
        Some(value) => {
            into.insert(key, value);
            true
        }
        None => false,
    }
}

/// One committed transaction's records and the change-log span it holds.
#[derive(Debug)]
struct KeptBatch {
    /// The log's end before the transaction wrote (exclusive).
    after: i64,
    /// Its last entry (inclusive).
    last: i64,
    records: CatalogueRecords,
}

/// What is kept for the index; nothing until [`crate::Store::keep_written_for_index`].
#[derive(Debug, Default)]
pub(crate) struct Kept {
    enabled: bool,
    /// In the order they were kept, oldest first: log order, except that on PostgreSQL a
    /// transaction committing right after another may be kept first. Lookups search them
    /// all; the order only decides which go first when dropped.
    batches: VecDeque<KeptBatch>,
    records: usize,
    /// The index took nothing while a bulk write waited for room: writes no longer wait
    /// until it takes something again.
    stalled: bool,
}

impl Kept {
    pub(crate) fn enable(&mut self) {
        self.enabled = true;
    }

    pub(crate) fn enabled(&self) -> bool {
        self.enabled
    }

    /// Whether `incoming` more records can be kept without dropping any. Always when nothing
    /// is kept (a batch larger than the limit is then kept and dropped: read back).
    pub(crate) fn has_room(&self, incoming: usize) -> bool {
        !self.enabled
            || self.stalled
            || self.records == 0
            || self.records + incoming <= KEPT_RECORDS
    }

    /// Marks the index as taking nothing (a write waited for room in vain): later writes do not
    /// wait for it, until its next take.
    pub(crate) fn stall(&mut self) {
        self.stalled = true;
    }

    /// Keeps a committed transaction's records, dropping the oldest beyond [`KEPT_RECORDS`].
    pub(crate) fn keep(&mut self, after: i64, last: i64, records: CatalogueRecords) {
        if !self.enabled || records.is_empty() || last <= after {
            return;
        }
        self.records += records.len();
        self.batches.push_back(KeptBatch {
            after,
            last,
            records,
        });
        while self.records > KEPT_RECORDS {
            let Some(oldest) = self.batches.pop_front() else {
                break;
            };
            self.records -= oldest.records.len();
        }
    }

    /// Takes the records whose latest entry is at the given position, when a kept batch
    /// holds that position (see the module documentation). Batches entirely before the
    /// earliest position asked for are dropped: the log is followed in order, so their
    /// records will not be asked for again (and would be read back if they were).
    pub(crate) fn take(
        &mut self,
        latest: &HashMap<(IndexableKind, Uuid), i64>,
    ) -> CatalogueRecords {
        self.stalled = false;
        let mut taken = CatalogueRecords::default();
        let Some(earliest) = latest.values().min().copied() else {
            return taken;
        };
        while self
            .batches
            .front()
            .is_some_and(|batch| batch.last < earliest)
        {
            if let Some(batch) = self.batches.pop_front() {
                self.records -= batch.records.len();
            }
        }
        for (&(kind, id), &seq) in latest {
            let holder = self
                .batches
                .iter_mut()
                .find(|batch| batch.after < seq && seq <= batch.last);
            if let Some(batch) = holder
                && batch.records.move_into(kind, id, &mut taken)
            {
                self.records -= 1;
            }
        }
        self.batches.retain(|batch| !batch.records.is_empty());
        taken
    }
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

    use chrono::Utc;
    use passerelle_domain::catalogue::Organisation;

    use super::*;

    fn organisation(n: u128) -> Organisation {
        Organisation {
            id: Uuid::from_u128(n).into(),
            slug: passerelle_domain::Slug::from_title("Organisme", "organisme"),
            siret: None,
            naf_code: None,
            place: None,
            name: format!("Organisme {n}"),
            description: None,
            website: None,
            is_training_provider: true,
            qualiopi_certified: false,
            created_at: Utc::now(),
        }
    }

    /// Organisations numbered `numbers`, as one transaction's records (also used by the
    /// import's tests).
    pub(crate) fn batch(numbers: std::ops::Range<u128>) -> CatalogueRecords {
        let mut records = CatalogueRecords::default();
        for n in numbers {
            let organisation = organisation(n);
            records.organisations.insert(organisation.id, organisation);
        }
        records
    }

    fn asked(pairs: &[(u128, i64)]) -> HashMap<(IndexableKind, Uuid), i64> {
        pairs
            .iter()
            .map(|(n, seq)| ((IndexableKind::Organisation, Uuid::from_u128(*n)), *seq))
            .collect()
    }

    #[test]
    fn there_is_room_up_to_the_limit_and_always_for_a_first_batch() {
        let mut kept = Kept::default();
        // A process without an index keeps nothing, so never waits.
        assert!(kept.has_room(KEPT_RECORDS * 2));
        kept.enable();
        assert!(kept.has_room(KEPT_RECORDS * 2));
        let limit = u128::try_from(KEPT_RECORDS).unwrap();
        kept.keep(0, 10, batch(0..limit - 10));
        assert!(kept.has_room(10));
        assert!(!kept.has_room(11));
        // An index that took nothing while a write waited holds no later write back...
        kept.stall();
        assert!(kept.has_room(11));
        // ...until it takes again (here a record not kept: nothing is taken).
        kept.take(&asked(&[(limit, 5)]));
        assert!(!kept.has_room(11));
    }

    #[test]
    fn a_record_is_taken_only_at_a_position_its_batch_holds_and_only_once() {
        let mut kept = Kept::default();
        kept.enable();
        // Records 1..=3 logged at 11..=13, records 4..=5 at 14..=15.
        kept.keep(10, 13, batch(1..4));
        kept.keep(13, 15, batch(4..6));
        // 2's latest entry is 20: changed after the import, so read back, not taken.
        let taken = kept.take(&asked(&[(1, 11), (2, 20), (4, 14)]));
        let mut ids: Vec<u128> = taken
            .organisations
            .keys()
            .map(|id| id.as_uuid().as_u128())
            .collect();
        ids.sort_unstable();
        assert_eq!(ids, [1, 4]);
        // Taken once: asked again, it is read back.
        assert!(kept.take(&asked(&[(1, 11)])).is_empty());
        // A position no batch holds takes nothing, even for a kept record.
        assert!(kept.take(&asked(&[(5, 13)])).is_empty());
        assert_eq!(kept.take(&asked(&[(5, 15)])).len(), 1);
        // Asking from 14 on drops the first batch (3 was never asked for).
        assert!(kept.take(&asked(&[(3, 14)])).is_empty());
        assert_eq!(kept.records, 0);
        assert!(kept.batches.is_empty());
    }

    #[test]
    fn nothing_is_kept_until_enabled_and_never_more_than_the_limit() {
        let mut kept = Kept::default();
        kept.keep(0, 3, batch(1..4));
        assert!(kept.batches.is_empty());
        kept.enable();
        let half = u128::try_from(KEPT_RECORDS / 2).unwrap();
        let seq = |n: u128| i64::try_from(n).unwrap();
        for round in 0..3 {
            kept.keep(
                seq(round * half),
                seq((round + 1) * half),
                batch(round * half..(round + 1) * half),
            );
        }
        assert_eq!(kept.records, KEPT_RECORDS);
        assert_eq!(kept.batches.len(), 2);
        // The oldest batch went: its records are read back; the next one's are kept.
        assert!(kept.take(&asked(&[(0, 1)])).is_empty());
        assert_eq!(kept.take(&asked(&[(half, seq(half) + 1)])).len(), 1);
    }
}
