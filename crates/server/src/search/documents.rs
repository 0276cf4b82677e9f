//! From database records to index documents. The index holds only what everyone may see:
//! published offers, public profiles, and organisations. A record that is gone or no longer
//! visible to everyone becomes a delete.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use passerelle_domain::catalogue::{Organisation, Place};
use passerelle_domain::{
    InseeCode, Modality, OfferStatus, OrganisationId, Reader, SkillId, SkillLevel, SkillProfileId,
    TrainingOfferId,
};
use passerelle_index::{Changes, Document, DocumentKey, DocumentKind, Point, TextLanguage};
use passerelle_store::{Store, StoreError};

use super::{Reference, day_number};

/// Records whose documents must be rewritten.
#[derive(Debug, Default)]
pub(crate) struct Pending {
    pub offers: BTreeSet<TrainingOfferId>,
    pub profiles: BTreeSet<SkillProfileId>,
    pub organisations: BTreeSet<OrganisationId>,
}

/// Records read per statement, at most: each is a bound parameter, and SQLite refuses more
/// than 32,766 in one statement. A step of the log (20,000 entries, see the indexer) is read
/// in one piece, but a change to an organisation brings in all its published offers, however
/// many it has. (Pieces of 5,000 made a 1M import's index lag its writes by 17 s instead of
/// 1.4, in one run.)
const READ_CHUNK: usize = 20_000;

impl Pending {
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

/// Loads the pending records and turns them into index changes, [`READ_CHUNK`] records of
/// each kind at a time.
pub(crate) async fn changes_for(
    store: &Store,
    reference: &Reference,
    pending: &Pending,
    today: NaiveDate,
) -> Result<Changes, StoreError> {
    let mut changes = Changes::default();
    for piece in pending.pieces(READ_CHUNK) {
        let Changes { upserts, deletes } = changes_of(store, reference, &piece, today).await?;
        changes.upserts.extend(upserts);
        changes.deletes.extend(deletes);
    }
    Ok(changes)
}

async fn changes_of(
    store: &Store,
    reference: &Reference,
    pending: &Pending,
    today: NaiveDate,
) -> Result<Changes, StoreError> {
    let mut changes = Changes::default();
    let everyone = Reader::Anonymous;

    let organisation_ids: Vec<OrganisationId> = pending.organisations.iter().copied().collect();
    let organisations = store.organisations_by_ids(&organisation_ids).await?;
    let organisation_skills = store.organisation_skill_ids(&organisation_ids).await?;
    for id in &organisation_ids {
        match organisations.get(id) {
            Some(organisation) => {
                let skills = organisation_skills
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

    let offer_ids: Vec<TrainingOfferId> = pending.offers.iter().copied().collect();
    let offers = store.offers_by_ids(&everyone, &offer_ids).await?;
    let published: Vec<TrainingOfferId> = offer_ids
        .iter()
        .copied()
        .filter(|id| {
            offers
                .get(id)
                .is_some_and(|offer| offer.status == OfferStatus::Published)
        })
        .collect();
    let providers: Vec<OrganisationId> = published
        .iter()
        .filter_map(|id| offers.get(id).map(|offer| offer.provider_id))
        .collect();
    let providers = store.organisations_by_ids(&providers).await?;
    let taught = store.taught_skills(&published).await?;
    let sessions = store.sessions_of_offers(&published).await?;
    for id in &offer_ids {
        let document = offers
            .get(id)
            .filter(|offer| offer.status == OfferStatus::Published)
            .and_then(|offer| Some((offer, providers.get(&offer.provider_id)?)));
        let Some((offer, provider)) = document else {
            changes
                .deletes
                .push(key(DocumentKind::TrainingOffer, id.as_uuid()));
            continue;
        };
        let sessions = sessions.get(id).map(Vec::as_slice).unwrap_or_default();
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
        let mut body = vec![offer.summary.clone(), offer.description.clone()];
        body.extend(offer.prerequisites.iter().cloned());
        body.extend(
            offer
                .certification
                .iter()
                .map(|certification| format!("{} {}", certification.code, certification.title)),
        );
        changes.upserts.push(Document {
            key: key(DocumentKind::TrainingOffer, id.as_uuid()),
            language: TextLanguage::from_code(&offer.language),
            title: offer.title.clone(),
            body,
            context,
            skills: leveled_skills(
                reference,
                taught
                    .get(id)
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
            certified: offer.certification.is_some(),
            qualiopi: provider.qualiopi_certified,
            session_starts: sessions
                .iter()
                .map(|session| day_number(session.dates.start()))
                .collect(),
            available_from: None,
            sort_time: offer.published_at.unwrap_or(offer.updated_at).timestamp(),
        });
    }

    let profile_ids: Vec<SkillProfileId> = pending.profiles.iter().copied().collect();
    let profiles = store.profiles_by_ids(&everyone, &profile_ids).await?;
    let visible: Vec<SkillProfileId> = profiles.keys().copied().collect();
    let held = store.profile_skills(&visible).await?;
    for id in &profile_ids {
        let Some(profile) = profiles.get(id) else {
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
            body: profile.summary.iter().cloned().collect(),
            context: location.names,
            skills: leveled_skills(
                reference,
                held.get(id)
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
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::*;

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
