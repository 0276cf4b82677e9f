//! From database records to index documents. The index holds only what everyone may see:
//! published offers, public profiles, and organisations. A record that is gone or no longer
//! visible to everyone becomes a delete.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use passerelle_domain::catalogue::{Organisation, Place};
use passerelle_domain::{
    InseeCode, Modality, OfferStatus, OrganisationId, Reader, SkillId, SkillLevel, SkillProfileId,
    TrainingOfferId,
};
use passerelle_index::{
    Changes, Checkpoint, Document, DocumentKey, DocumentKind, Point, TextLanguage,
};
use passerelle_store::{CatalogueRecords, ChangeEntry, IndexableKind, Store, StoreError};
use uuid::Uuid;

use super::{Reference, day_number};

/// Records whose documents must be rewritten.
#[derive(Debug, Default)]
pub(crate) struct Pending {
    pub offers: BTreeSet<TrainingOfferId>,
    pub profiles: BTreeSet<SkillProfileId>,
    pub organisations: BTreeSet<OrganisationId>,
    /// For records named by the log entries being applied, the position of the latest entry
    /// about each: what this process wrote at that position, the store may still hold.
    pub logged: HashMap<(IndexableKind, Uuid), i64>,
}

/// Records read per statement, at most: each is a bound parameter, and SQLite refuses more
/// than 32,766 in one statement. A step of the log (20,000 entries, see the indexer) is read
/// in one piece, but a change to an organisation brings in all its published offers, however
/// many it has. (Pieces of 5,000 made a 1M import's index lag its writes by 17 s instead of
/// 1.4, in one run.)
const READ_CHUNK: usize = 20_000;

impl Pending {
    /// Adds the record a log entry names, and the entry as the latest about it (entries are
    /// added in log order). Returns the record's kind; `None` for an account, which is not
    /// indexed (a deleted account's profile has its own entry).
    pub(crate) fn add_entry(&mut self, entry: &ChangeEntry) -> Option<IndexableKind> {
        let kind = match entry.kind.as_str() {
            "ORGANISATION" => {
                self.organisations.insert(entry.entity_id.into());
                IndexableKind::Organisation
            }
            "TRAINING_OFFER" => {
                self.offers.insert(entry.entity_id.into());
                IndexableKind::TrainingOffer
            }
            "SKILL_PROFILE" => {
                self.profiles.insert(entry.entity_id.into());
                IndexableKind::SkillProfile
            }
            _ => return None,
        };
        self.logged.insert((kind, entry.entity_id), entry.seq);
        Some(kind)
    }

    /// The same records, without those `records` holds.
    fn without(&self, records: &CatalogueRecords) -> Pending {
        fn missing<Id: Ord + std::hash::Hash + Copy, Record>(
            ids: &BTreeSet<Id>,
            held: &HashMap<Id, Record>,
        ) -> BTreeSet<Id> {
            ids.iter()
                .filter(|id| !held.contains_key(id))
                .copied()
                .collect()
        }
        Pending {
            offers: missing(&self.offers, &records.offers),
            profiles: missing(&self.profiles, &records.profiles),
            organisations: missing(&self.organisations, &records.organisations),
            logged: HashMap::new(),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.offers.is_empty() && self.profiles.is_empty() && self.organisations.is_empty()
    }

    /// The same records in pieces of at most `size` of each kind.
    fn pieces(&self, size: usize) -> Vec<Pending> {
        let mut offers = self.offers.iter().copied();
        let mut profiles = self.profiles.iter().copied();
        let mut organisations = self.organisations.iter().copied();
        let mut pieces = Vec::new();
        loop {
            let piece = Pending {
                offers: offers.by_ref().take(size).collect(),
                profiles: profiles.by_ref().take(size).collect(),
                organisations: organisations.by_ref().take(size).collect(),
                logged: HashMap::new(),
            };
            if piece.is_empty() {
                return pieces;
            }
            pieces.push(piece);
        }
    }
}

fn key(kind: DocumentKind, id: uuid::Uuid) -> DocumentKey {
    DocumentKey {
        kind,
        id: id.as_u128(),
    }
}

fn point(place: &Place) -> Point {
    Point {
        latitude: place.latitude,
        longitude: place.longitude,
    }
}

/// Where a record is: its places' points, departments and names.
#[derive(Default)]
struct Location {
    points: Vec<Point>,
    departments: Vec<String>,
    names: Vec<String>,
}

impl Location {
    fn add(&mut self, place: &Place) {
        self.points.push(point(place));
        if !self.departments.contains(&place.department_code) {
            self.departments.push(place.department_code.clone());
        }
        if !self.names.contains(&place.name) {
            self.names.push(place.name.clone());
        }
    }

    fn of<'a>(reference: &Reference, codes: impl IntoIterator<Item = &'a InseeCode>) -> Self {
        let mut location = Self::default();
        for code in codes {
            if let Some(place) = reference.places.get(code) {
                location.add(place);
            }
        }
        location
    }
}

/// Skills as the index names them (slugs), with their levels.
fn leveled_skills(
    reference: &Reference,
    skills: impl Iterator<Item = (SkillId, SkillLevel)>,
) -> Vec<(String, u8)> {
    skills
        .filter_map(|(skill, level)| Some((reference.slug(skill)?.to_owned(), level.get())))
        .collect()
}

fn organisation_document(
    organisation: &Organisation,
    skills: Vec<(String, u8)>,
    reference: &Reference,
) -> Document {
    let location = Location::of(reference, organisation.place.as_ref());
    Document {
        key: key(DocumentKind::Organisation, organisation.id.as_uuid()),
        language: TextLanguage::French,
        title: organisation.name.clone(),
        body: organisation.description.iter().cloned().collect(),
        context: location.names,
        skills,
        departments: location.departments,
        points: location.points,
        modality: None,
        price_cents: None,
        cpf_eligible: false,
        certified: false,
        qualiopi: organisation.qualiopi_certified,
        session_starts: Vec::new(),
        available_from: None,
        sort_time: organisation.created_at.timestamp(),
    }
}

/// What an offer's document takes from its provider.
#[derive(Debug)]
struct Provider {
    name: String,
    place: Option<InseeCode>,
    qualiopi_certified: bool,
}

impl From<&Organisation> for Provider {
    fn from(organisation: &Organisation) -> Self {
        Self {
            name: organisation.name.clone(),
            place: organisation.place.clone(),
            qualiopi_certified: organisation.qualiopi_certified,
        }
    }
}

/// Providers kept from one step to the next, at most. Each holds a name and a commune code
/// (perhaps a hundred bytes, an estimate), so about 10 MB; France counts tens of thousands of
/// training providers.
const PROVIDERS_KEPT: usize = 100_000;

/// The providers of offers indexed so far, each as recent as the log position the index has
/// applied (`as_of`): a change to an organisation is an entry of the log, and the step
/// applying it refreshes the organisation here (and indexes its offers again, see the
/// indexer). So an offer's provider is looked up here rather than read from the database
/// for every step: in a 1M-offer import, each 20,000-offer step read about 16,000 providers
/// back (800,000 in all), beside the index's work on a machine the import keeps busy.
///
/// Valid only for the log position it was left at: an index that jumps ahead (a rebuild,
/// another generation) would otherwise keep a provider changed by an entry it never applied.
#[derive(Debug, Default)]
pub(crate) struct Providers {
    as_of: Option<Checkpoint>,
    known: HashMap<OrganisationId, Provider>,
}

impl Providers {
    /// Ready for a step applying the entries after `from`: emptied unless it was left there
    /// (in the same database).
    pub(crate) fn continuing_from(mut self, from: &Checkpoint) -> Self {
        if self.as_of.as_ref() != Some(from) {
            self.as_of = None;
            self.known.clear();
        }
        self
    }

    /// The step that used these providers has applied the entries up to `next`.
    pub(crate) fn applied_up_to(mut self, next: &Checkpoint) -> Self {
        self.as_of = Some(next.clone());
        self
    }

    /// Emptied, at the start of a step, when full: which providers the step will need is not
    /// known, and it reads back those it needs. Never during a step, which would lose some it
    /// has looked up (so one step may pass the limit by the providers it reads).
    fn make_room(&mut self) {
        if self.known.len() >= PROVIDERS_KEPT {
            self.known.clear();
        }
    }

    /// Takes the organisations a step is about, as the step found them: a missing one is gone.
    fn refresh(
        &mut self,
        about: &BTreeSet<OrganisationId>,
        found: &HashMap<OrganisationId, Organisation>,
    ) {
        for id in about {
            match found.get(id) {
                Some(organisation) => self.insert(organisation),
                None => {
                    self.known.remove(id);
                }
            }
        }
    }

    fn insert(&mut self, organisation: &Organisation) {
        self.known
            .insert(organisation.id, Provider::from(organisation));
    }
}

/// Loads the pending records and turns them into index changes: those this process has
/// just written in bulk as it wrote them (the store kept them, see `Pending::logged`), the
/// others from the database, [`READ_CHUNK`] records of each kind at a time. Offers' providers
/// come from `providers`, or from the database for those it does not hold yet.
pub(crate) async fn changes_for(
    store: &Store,
    reference: &Reference,
    pending: &Pending,
    providers: &mut Providers,
    today: NaiveDate,
) -> Result<Changes, StoreError> {
    providers.make_room();
    let mut records = store.take_written(&pending.logged);
    let unread = pending.without(&records);
    for piece in unread.pieces(READ_CHUNK) {
        records.extend(read(store, &piece).await?);
    }
    // One taken or read above is as recent as the step: its latest entry in the step is
    // where it was taken or read from.
    providers.refresh(&pending.organisations, &records.organisations);
    let mut unknown: Vec<OrganisationId> = records
        .offers
        .values()
        .map(|offer| offer.provider_id)
        .filter(|provider| !providers.known.contains_key(provider))
        .collect();
    unknown.sort_unstable();
    unknown.dedup();
    for chunk in unknown.chunks(READ_CHUNK) {
        for organisation in store.organisations_by_ids(chunk).await?.values() {
            providers.insert(organisation);
        }
    }
    Ok(build(reference, pending, records, providers, today))
}

/// Reads the records of `pending` that everyone may see.
async fn read(store: &Store, pending: &Pending) -> Result<CatalogueRecords, StoreError> {
    let everyone = Reader::Anonymous;
    let organisation_ids: Vec<OrganisationId> = pending.organisations.iter().copied().collect();
    let offer_ids: Vec<TrainingOfferId> = pending.offers.iter().copied().collect();
    let profile_ids: Vec<SkillProfileId> = pending.profiles.iter().copied().collect();
    let mut offers = store.offers_by_ids(&everyone, &offer_ids).await?;
    offers.retain(|_, offer| offer.status == OfferStatus::Published);
    let published: Vec<TrainingOfferId> = offers.keys().copied().collect();
    let profiles = store.profiles_by_ids(&everyone, &profile_ids).await?;
    let visible: Vec<SkillProfileId> = profiles.keys().copied().collect();
    Ok(CatalogueRecords {
        organisations: store.organisations_by_ids(&organisation_ids).await?,
        organisation_skills: store.organisation_skill_ids(&organisation_ids).await?,
        taught_skills: store.taught_skills(&published).await?,
        sessions: store.sessions_of_offers(&published).await?,
        offers,
        profile_skills: store.profile_skills(&visible).await?,
        profiles,
    })
}

/// The documents of `pending`'s records found in `records` (published offers, public
/// profiles, organisations), and deletes for the others.
fn build(
    reference: &Reference,
    pending: &Pending,
    mut records: CatalogueRecords,
    providers: &Providers,
    today: NaiveDate,
) -> Changes {
    let mut changes = Changes::default();
    for id in &pending.organisations {
        match records.organisations.get(id) {
            Some(organisation) => {
                let skills = records
                    .organisation_skills
                    .get(id)
                    .into_iter()
                    .flatten()
                    .filter_map(|skill| reference.slug(*skill))
                    .map(|slug| (slug.to_owned(), 0))
                    .collect();
                changes
                    .upserts
                    .push(organisation_document(organisation, skills, reference));
            }
            None => changes
                .deletes
                .push(key(DocumentKind::Organisation, id.as_uuid())),
        }
    }

    for id in &pending.offers {
        let document = records
            .offers
            .remove(id)
            .filter(|offer| offer.status == OfferStatus::Published)
            .and_then(|offer| {
                let provider = providers.known.get(&offer.provider_id)?;
                Some((offer, provider))
            });
        let Some((offer, provider)) = document else {
            changes
                .deletes
                .push(key(DocumentKind::TrainingOffer, id.as_uuid()));
            continue;
        };
        let sessions = records.sessions.remove(id).unwrap_or_default();
        let upcoming: Vec<&InseeCode> = sessions
            .iter()
            .filter(|session| session.is_upcoming(today))
            .filter_map(|session| session.place.as_ref())
            .collect();
        // An offer is where its upcoming sessions are; without any, where its provider is
        // (unless it is given remotely only, which is nowhere in particular).
        let mut location = Location::of(reference, upcoming);
        if location.points.is_empty() && offer.modality != Modality::Remote {
            location = Location::of(reference, provider.place.as_ref());
        }
        let provider_location = Location::of(reference, provider.place.as_ref());
        if offer.modality == Modality::Remote {
            location.departments = provider_location.departments;
        }
        let mut context = vec![provider.name.clone()];
        context.extend(location.names);
        let certified = offer.certification.is_some();
        // The offer is used up here: its texts move into the document.
        let mut body = vec![offer.summary, offer.description];
        body.extend(offer.prerequisites);
        body.extend(
            offer
                .certification
                .map(|certification| format!("{} {}", certification.code, certification.title)),
        );
        changes.upserts.push(Document {
            key: key(DocumentKind::TrainingOffer, id.as_uuid()),
            language: TextLanguage::from_code(&offer.language),
            title: offer.title,
            body,
            context,
            skills: leveled_skills(
                reference,
                records
                    .taught_skills
                    .remove(id)
                    .into_iter()
                    .flatten()
                    .map(|skill| (skill.skill_id, skill.level)),
            ),
            departments: location.departments,
            points: location.points,
            modality: Some(offer.modality.code().to_owned()),
            price_cents: offer
                .price
                .and_then(|price| u64::try_from(price.cents()).ok()),
            cpf_eligible: offer.cpf_eligible,
            certified,
            qualiopi: provider.qualiopi_certified,
            session_starts: sessions
                .iter()
                .map(|session| day_number(session.dates.start()))
                .collect(),
            available_from: None,
            sort_time: offer.published_at.unwrap_or(offer.updated_at).timestamp(),
        });
    }

    for id in &pending.profiles {
        let Some(profile) = records.profiles.remove(id) else {
            changes
                .deletes
                .push(key(DocumentKind::SkillProfile, id.as_uuid()));
            continue;
        };
        let location = Location::of(reference, profile.place.as_ref());
        changes.upserts.push(Document {
            key: key(DocumentKind::SkillProfile, id.as_uuid()),
            language: TextLanguage::from_code(&profile.language),
            title: format!("{} {}", profile.headline, profile.display_name),
            body: profile.summary.into_iter().collect(),
            context: location.names,
            skills: leveled_skills(
                reference,
                records
                    .profile_skills
                    .remove(id)
                    .into_iter()
                    .flatten()
                    .map(|skill| (skill.skill_id, skill.level)),
            ),
            departments: location.departments,
            points: location.points,
            modality: None,
            price_cents: profile
                .daily_rate
                .and_then(|rate| u64::try_from(rate.cents()).ok()),
            cpf_eligible: false,
            certified: false,
            qualiopi: false,
            session_starts: Vec::new(),
            available_from: profile.available_from.map(day_number),
            sort_time: profile.updated_at.timestamp(),
        });
    }
    changes
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

    use chrono::{Days, Utc};
    use passerelle_domain::{Locale, Slug};
    use passerelle_store::import::{
        ImportBatch, ImportedOffer, ImportedOrganisation, ImportedProfile, ImportedSession,
    };

    use super::*;

    fn batch(round: u128, provider: Uuid) -> ImportBatch {
        let today = Utc::now().date_naive();
        let id = |n: u128| Uuid::from_u128(round * 1_000 + n);
        let level = |n: i64| SkillLevel::new(n).unwrap();
        let commune = |code: &str| Some(InseeCode::parse(code).unwrap());
        let session = |n: u128, days: u64, code: &str| ImportedSession {
            id: id(n),
            start: today.checked_add_days(Days::new(days)).unwrap(),
            end: today.checked_add_days(Days::new(days + 2)).unwrap(),
            commune: commune(code),
            seats: Some(12),
        };
        let offer = |n: u128, title: &str, provider: Uuid| ImportedOffer {
            id: id(n),
            slug: Slug::from_title(title, "formation")
                .with_suffix(u32::try_from(round * 1_000 + n).unwrap()),
            provider,
            title: title.to_owned(),
            summary: format!("{title} : résumé"),
            description: format!("Une description de {title}, pour développeurs."),
            // Listed weakest first: documents list them strongest first either way.
            skills: vec![
                ("python".to_owned(), level(2)),
                ("rust".to_owned(), level(4)),
            ],
            modality: Modality::InPerson,
            duration_hours: 21,
            price_cents: Some(120_000),
            cpf_eligible: true,
            language: Locale::Fr,
            // Listed latest first: documents list them by start either way.
            sessions: vec![session(n + 100, 40, "31555"), session(n + 200, 10, "34172")],
            published_at: Utc::now(),
        };
        ImportBatch {
            organisations: vec![ImportedOrganisation {
                id: id(1),
                slug: Slug::from_title("Organisme", "organisme")
                    .with_suffix(u32::try_from(round).unwrap()),
                name: format!("Organisme {round}"),
                siret: None,
                description: Some("Formations au numérique".to_owned()),
                commune: commune("34172"),
                training_provider: true,
                qualiopi_certified: true,
                skills: vec!["rust".to_owned(), "python".to_owned()],
            }],
            offers: vec![
                offer(2, "Rust pour développeurs", id(1)),
                offer(3, "Python avancé", provider),
            ],
            profiles: vec![ImportedProfile {
                id: id(4),
                user_id: id(5),
                email: format!("profil{round}@example.fr"),
                display_name: "Camille Martin".to_owned(),
                headline: "Développeuse Rust".to_owned(),
                summary: Some("Systèmes embarqués".to_owned()),
                commune: commune("66136"),
                remote: true,
                available_from: Some(today),
                daily_rate_cents: Some(60_000),
                skills: vec![
                    ("python".to_owned(), level(1)),
                    ("rust".to_owned(), level(5)),
                ],
                language: Locale::Fr,
            }],
        }
    }

    async fn pending_after(store: &Store, seq: i64) -> Pending {
        let mut pending = Pending::default();
        for entry in store.changes_after(seq, 100).await.unwrap() {
            pending.add_entry(&entry);
        }
        pending
    }

    /// Documents made from what the store kept of an import are those made from reading it
    /// back, and taking them reads less: on SQLite, and on PostgreSQL when `TEST_DATABASE_URL`
    /// names a server.
    #[tokio::test]
    async fn records_kept_from_an_import_make_the_documents_read_back_ones_make() {
        let folder = tempfile::tempdir().unwrap();
        let sqlite = format!("sqlite://{}", folder.path().join("kept.db").display());
        kept_records_make_the_same_documents(&sqlite).await;
        if let Ok(admin) = std::env::var("TEST_DATABASE_URL")
            && !admin.is_empty()
        {
            let postgres = passerelle_store::scratch::create_postgres_database(&admin)
                .await
                .unwrap();
            kept_records_make_the_same_documents(&postgres).await;
            passerelle_store::scratch::drop_postgres_database(&admin, &postgres)
                .await
                .unwrap();
        }
    }

    async fn kept_records_make_the_same_documents(url: &str) {
        let store = Store::connect(url).await.unwrap();
        store.migrate().await.unwrap();
        let reference = Reference::load(&store).await.unwrap();
        let today = Utc::now().date_naive();
        // A first import, before anything is kept, read back: its organisation is the
        // provider of an offer of the second one, and is known from then on.
        store
            .import(batch(1, Uuid::from_u128(1_001)))
            .await
            .unwrap();
        let mut providers = Providers::default();
        let first = changes_for(
            &store,
            &reference,
            &pending_after(&store, 0).await,
            &mut providers,
            today,
        )
        .await
        .unwrap();
        assert_eq!(first.upserts.len(), 4);
        let before = store.latest_change_seq().await.unwrap();
        store.keep_written_for_index();
        store
            .import(batch(2, Uuid::from_u128(1_001)))
            .await
            .unwrap();
        let pending = pending_after(&store, before).await;
        assert_eq!(pending.logged.len(), 4);

        let statements = store.statements_executed();
        let kept = changes_for(&store, &reference, &pending, &mut providers, today)
            .await
            .unwrap();
        let reading_kept = store.statements_executed() - statements;
        let statements = store.statements_executed();
        let read = changes_for(
            &store,
            &reference,
            &pending,
            &mut Providers::default(),
            today,
        )
        .await
        .unwrap();
        let reading_back = store.statements_executed() - statements;

        assert_eq!(kept.upserts.len(), 4);
        assert!(kept.deletes.is_empty());
        assert_eq!(kept.upserts, read.upserts);
        let offer = kept
            .upserts
            .iter()
            .find(|document| document.title == "Rust pour développeurs")
            .unwrap();
        assert_eq!(
            offer.skills,
            [("rust".to_owned(), 4), ("python".to_owned(), 2)]
        );
        assert!(
            offer
                .session_starts
                .windows(2)
                .all(|pair| pair[0] < pair[1])
        );
        // Nothing was read: the records were kept, the other provider known.
        assert_eq!(reading_kept, 0, "read back {reading_back}");
        assert!(reading_back > 4);
        let context = |changes: &Changes, title: &str| {
            changes
                .upserts
                .iter()
                .find(|document| document.title == title)
                .map(|document| document.context.clone())
                .unwrap()
        };
        assert_eq!(context(&kept, "Python avancé")[0], "Organisme 1");
    }

    fn organisation(name: &str) -> Organisation {
        numbered_organisation(7, name)
    }

    fn numbered_organisation(number: u128, name: &str) -> Organisation {
        Organisation {
            id: OrganisationId::from(Uuid::from_u128(number)),
            slug: Slug::from_title(name, "organisme"),
            name: name.to_owned(),
            siret: None,
            naf_code: None,
            description: None,
            website: None,
            place: Some(InseeCode::parse("34172").unwrap()),
            is_training_provider: true,
            qualiopi_certified: false,
            created_at: Utc::now(),
        }
    }

    #[test]
    fn known_providers_hold_only_for_the_log_position_they_were_left_at() {
        let known = organisation("Ferris Formation");
        let mut providers = Providers::default();
        providers.insert(&known);
        let at = |seq: i64| Checkpoint {
            seq,
            database: "f2c5a3d0".to_owned(),
        };
        let providers = providers.applied_up_to(&at(40)).continuing_from(&at(40));
        assert_eq!(providers.known[&known.id].name, "Ferris Formation");
        // An index that jumped ahead (a rebuild) never applied the entries in between; one
        // about another database (restored from elsewhere) never applied any of them.
        let mut providers = providers.applied_up_to(&at(40)).continuing_from(&at(90));
        assert!(providers.known.is_empty());
        providers.insert(&known);
        let elsewhere = Checkpoint {
            seq: 40,
            database: "9b01e7c4".to_owned(),
        };
        let mut providers = providers.applied_up_to(&at(40)).continuing_from(&elsewhere);
        assert!(providers.known.is_empty());

        // A step about an organisation refreshes it, or forgets it when it is gone.
        providers.insert(&known);
        let renamed = organisation("Quokkas Formation");
        let about: BTreeSet<OrganisationId> = [known.id].into();
        providers.refresh(&about, &HashMap::from([(renamed.id, renamed)]));
        assert_eq!(providers.known[&known.id].name, "Quokkas Formation");
        providers.refresh(&about, &HashMap::new());
        assert!(providers.known.is_empty());
    }

    #[test]
    fn full_providers_are_emptied_between_steps_never_during_one() {
        let mut providers = Providers::default();
        let limit = u128::try_from(PROVIDERS_KEPT).unwrap();
        for number in 0..limit {
            providers.insert(&numbered_organisation(number, "Organisme"));
        }
        // Past the limit within a step: the providers it has looked up stay.
        providers.insert(&numbered_organisation(limit, "Organisme"));
        assert_eq!(providers.known.len(), PROVIDERS_KEPT + 1);
        providers.make_room();
        assert!(providers.known.is_empty());
        providers.insert(&organisation("Ferris Formation"));
        providers.make_room();
        assert_eq!(providers.known.len(), 1);
    }

    #[test]
    fn pending_records_split_into_pieces_each_once() {
        let mut pending = Pending::default();
        pending
            .offers
            .extend((0..12_u128).map(|n| TrainingOfferId::from(uuid::Uuid::from_u128(n))));
        pending
            .profiles
            .extend((0..3_u128).map(|n| SkillProfileId::from(uuid::Uuid::from_u128(n))));
        let pieces = pending.pieces(5);
        assert_eq!(pieces.len(), 3);
        assert!(pieces.iter().all(|piece| piece.offers.len() <= 5
            && piece.profiles.len() <= 5
            && piece.organisations.is_empty()));
        let offers: BTreeSet<TrainingOfferId> = pieces
            .iter()
            .flat_map(|piece| piece.offers.iter().copied())
            .collect();
        assert_eq!(offers, pending.offers);
        assert_eq!(
            pieces.iter().map(|piece| piece.offers.len()).sum::<usize>(),
            12
        );
        assert_eq!(
            pieces
                .iter()
                .map(|piece| piece.profiles.len())
                .sum::<usize>(),
            3
        );
        assert!(Pending::default().pieces(5).is_empty());
    }
}
