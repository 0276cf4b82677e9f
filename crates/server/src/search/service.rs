//! The services behind `search`, `suggest`, `places` and `matchNeed`.
//!
//! The index answers with keys; the records themselves always come from the database, one
//! batch per kind and page, through the same visibility rules as every other read. A key
//! whose record is gone, or no longer visible, is dropped from the page rather than failing
//! it: the index may lag the database by a moment.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{NaiveDate, Utc};
use passerelle_domain::catalogue::{Organisation, Place, Skill, SkillProfile, TrainingOffer};
use passerelle_domain::matching::{
    Area, Need, OfferCandidate, ProfileCandidate, Requirement, SkillCover, cover_need,
    offers_for_gap, rank_profiles,
};
use passerelle_domain::{
    GeoPoint, Modality, OfferStatus, OrganisationId, Reader, SkillId, SkillLevel, SkillProfileId,
    TrainingOfferId,
};
use passerelle_index::{
    Cursor, DocumentKey, DocumentKind, Filter, Highlighter, Near, Point, SearchIndex,
    SearchRequest, Sort, SuggestionTarget,
};
use passerelle_store::Store;
use uuid::Uuid;

use super::{Reference, day_number};

/// At most this many values in a list filter.
const MAX_FILTER_VALUES: usize = 250;
/// Characters of context shown around a match in a long text.
const SNIPPET_WIDTH: usize = 200;
/// Profiles considered by `matchNeed` (those with at least one needed skill).
const MATCH_CANDIDATES: usize = 1000;
/// Offers considered for one gap, and for covering the whole need.
const GAP_CANDIDATES: usize = 50;
const COVER_CANDIDATES: usize = 200;
/// Offers listed per gap, at most (`SkillGap.trainingOffers(first)` takes up to this many).
pub(crate) const MAX_GAP_OFFERS: usize = 20;

/// Why a search could not run: the input (say what to fix) or us.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SearchError {
    #[error("{0}")]
    BadInput(String),
    #[error("{0}")]
    Internal(String),
}

impl From<passerelle_store::StoreError> for SearchError {
    fn from(error: passerelle_store::StoreError) -> Self {
        Self::Internal(error.to_string())
    }
}

fn bad(message: impl Into<String>) -> SearchError {
    SearchError::BadInput(message.into())
}

/// A circle given by a client, unchecked.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NearInput {
    pub latitude: f64,
    pub longitude: f64,
    pub radius_km: f64,
}

impl NearInput {
    fn area(self, argument: &str) -> Result<Area, SearchError> {
        let centre = GeoPoint::new(self.latitude, self.longitude)
            .map_err(|error| bad(format!("{argument}: {error}")))?;
        Area::new(centre, self.radius_km).map_err(|error| bad(format!("{argument}: {error}")))
    }
}

/// The `search` arguments, as the client sent them.
#[derive(Debug, Clone, Default)]
pub(crate) struct SearchInput {
    pub query: String,
    pub kinds: Vec<DocumentKind>,
    pub skills: Vec<String>,
    pub near: Option<NearInput>,
    pub departments: Vec<String>,
    pub modalities: Vec<Modality>,
    pub max_price_cents: Option<i64>,
    pub cpf_eligible: Option<bool>,
    pub certified_only: bool,
    pub qualiopi_only: bool,
    pub starts_after: Option<NaiveDate>,
    pub starts_before: Option<NaiveDate>,
    pub available_before: Option<NaiveDate>,
    pub min_level: Option<i32>,
    pub sort: Option<Sort>,
    pub first: usize,
    pub after: Option<String>,
    /// Whether the caller reads the facets and the highlights: each costs CPU on every
    /// search, so a client that does not ask for them does not pay for them.
    pub facets: bool,
    pub highlights: bool,
}

#[derive(Debug, Clone)]
pub(crate) enum HitNode {
    TrainingOffer(TrainingOffer),
    SkillProfile(SkillProfile),
    Organisation(Organisation),
}

#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub cursor: String,
    pub node: HitNode,
    pub score: f64,
    pub distance_km: Option<f64>,
    /// (field, HTML-escaped snippet with `<mark>`s)
    pub highlights: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FacetValue {
    pub value: String,
    pub label_fr: String,
    pub label_en: String,
    pub count: u64,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Facets {
    pub kinds: Vec<FacetValue>,
    pub skills: Vec<FacetValue>,
    pub modalities: Vec<FacetValue>,
    pub departments: Vec<FacetValue>,
}

#[derive(Debug, Clone)]
pub(crate) struct SearchPage {
    pub hits: Vec<Hit>,
    pub total: u64,
    pub has_next: bool,
    pub has_previous: bool,
    pub facets: Facets,
}

#[derive(Debug, Clone)]
pub(crate) enum SuggestionNode {
    Skill(Skill),
    TrainingOffer(TrainingOffer),
    Organisation(Organisation),
}

#[derive(Debug, Clone)]
pub(crate) struct SuggestionResult {
    pub text: String,
    pub node: SuggestionNode,
}

/// The `matchNeed` arguments, unchecked.
#[derive(Debug, Clone)]
pub(crate) struct NeedInput {
    pub skills: Vec<(String, i32)>,
    pub near: Option<NearInput>,
    pub remote_ok: bool,
    pub available_before: Option<NaiveDate>,
    pub first: usize,
}

#[derive(Debug, Clone)]
pub(crate) struct GapResult {
    pub skill: Skill,
    pub required: u8,
    pub current: u8,
    /// Best first, at most [`MAX_GAP_OFFERS`].
    pub offers: Vec<TrainingOffer>,
}

#[derive(Debug, Clone)]
pub(crate) struct ProfileResult {
    pub profile: SkillProfile,
    pub score: f64,
    pub coverage: f64,
    pub distance_km: Option<f64>,
    pub gaps: Vec<GapResult>,
}

#[derive(Debug, Clone)]
pub(crate) struct OfferResult {
    pub offer: TrainingOffer,
    pub score: f64,
    pub covered: Vec<Skill>,
}

#[derive(Debug, Clone)]
pub(crate) struct NeedResult {
    pub profiles: Vec<ProfileResult>,
    pub offers: Vec<OfferResult>,
}

fn sort_code(sort: Sort) -> &'static str {
    match sort {
        Sort::Relevance => "RELEVANCE",
        Sort::Newest => "NEWEST",
        Sort::PriceAscending => "PRICE_ASC",
        Sort::StartDate => "START_DATE",
        Sort::Distance => "DISTANCE",
    }
}

/// Search cursors carry their sort, so a cursor from another order is refused, not misread.
fn encode_cursor(sort: Sort, cursor: Cursor) -> String {
    URL_SAFE_NO_PAD.encode(format!(
        "search:{}:{:016x}:{:032x}",
        sort_code(sort),
        cursor.key.to_bits(),
        cursor.id
    ))
}

fn decode_cursor(sort: Sort, text: &str) -> Result<Cursor, SearchError> {
    let invalid = || {
        bad(
            "after is not a cursor of this search: pass an endCursor or edge cursor returned by search with the same sort",
        )
    };
    let decoded = URL_SAFE_NO_PAD
        .decode(text.as_bytes())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(invalid)?;
    let mut parts = decoded.split(':');
    let (Some("search"), Some(code), Some(key), Some(id), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(invalid());
    };
    if code != sort_code(sort) {
        return Err(invalid());
    }
    let key = u64::from_str_radix(key, 16).map_err(|_| invalid())?;
    let id = u128::from_str_radix(id, 16).map_err(|_| invalid())?;
    Ok(Cursor {
        key: f64::from_bits(key),
        id,
    })
}

/// The snippets of a hit's texts that the query matched, by field name.
fn highlights(highlighter: &mut Highlighter, node: &HitNode) -> Vec<(String, String)> {
    let texts: Vec<(&str, Option<&str>)> = match node {
        HitNode::TrainingOffer(offer) => vec![
            ("title", Some(offer.title.as_str())),
            ("summary", Some(offer.summary.as_str())),
            ("description", Some(offer.description.as_str())),
        ],
        HitNode::SkillProfile(profile) => vec![
            ("displayName", Some(profile.display_name.as_str())),
            ("headline", Some(profile.headline.as_str())),
            ("summary", profile.summary.as_deref()),
        ],
        HitNode::Organisation(organisation) => vec![
            ("name", Some(organisation.name.as_str())),
            ("description", organisation.description.as_deref()),
        ],
    };
    texts
        .into_iter()
        .filter_map(|(field, text)| {
            let snippet = highlighter.snippet(text?, SNIPPET_WIDTH)?;
            Some((field.to_owned(), snippet))
        })
        .collect()
}

/// A kind's enum value and its labels in French and English.
fn kind_label(kind: DocumentKind) -> (&'static str, &'static str, &'static str) {
    match kind {
        DocumentKind::TrainingOffer => ("TRAINING_OFFER", "Formation", "Training"),
        DocumentKind::SkillProfile => ("SKILL_PROFILE", "Profil", "Profile"),
        DocumentKind::Organisation => ("ORGANISATION", "Organisation", "Organisation"),
    }
}

/// A modality's labels in French and English.
fn modality_label(code: &str) -> (&'static str, &'static str) {
    match code {
        "IN_PERSON" => ("Présentiel", "In person"),
        "REMOTE" => ("Distanciel", "Remote"),
        "BLENDED" => ("Hybride", "Blended"),
        _ => ("Autre", "Other"),
    }
}

fn bounded<T>(name: &str, values: &[T]) -> Result<(), SearchError> {
    if values.len() > MAX_FILTER_VALUES {
        return Err(bad(format!(
            "filter.{name} takes at most {MAX_FILTER_VALUES} values"
        )));
    }
    Ok(())
}

/// Which held or taught skill counts for which required one: the same or a narrower skill.
struct TaxonomyCover<'a> {
    reference: &'a Reference,
}

impl SkillCover for TaxonomyCover<'_> {
    fn covers(&self, required: SkillId, held: SkillId) -> bool {
        match (self.reference.slug(required), self.reference.slug(held)) {
            (Some(required), Some(held)) => self
                .reference
                .taxonomy
                .with_narrower(required)
                .iter()
                .any(|slug| slug == held),
            _ => required == held,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct SearchService {
    store: Store,
    index: Arc<SearchIndex>,
    reference: Arc<Reference>,
}

impl SearchService {
    pub(crate) fn new(store: Store, index: Arc<SearchIndex>, reference: Arc<Reference>) -> Self {
        Self {
            store,
            index,
            reference,
        }
    }

    fn known_skill(&self, argument: &str, slug: &str) -> Result<SkillId, SearchError> {
        self.reference.skill_ids.get(slug).copied().ok_or_else(|| {
            bad(format!(
                "{argument}: there is no skill {slug:?}; skills are given by slug, such as \"rust\" or \"cybersecurite\""
            ))
        })
    }

    /// Checks the client's filter and turns it into the index's.
    fn filter(&self, input: &SearchInput) -> Result<Filter, SearchError> {
        bounded("kinds", &input.kinds)?;
        bounded("skills", &input.skills)?;
        bounded("departments", &input.departments)?;
        bounded("modalities", &input.modalities)?;
        for slug in &input.skills {
            self.known_skill("filter.skills", slug)?;
        }
        for department in &input.departments {
            if !self.reference.departments.contains_key(department) {
                return Err(bad(format!(
                    "filter.departments: {department:?} is not a department code such as \"34\" or \"2A\""
                )));
            }
        }
        let near = input
            .near
            .map(|near| near.area("filter.near"))
            .transpose()?
            .map(|area| Near {
                centre: Point {
                    latitude: area.centre.latitude(),
                    longitude: area.centre.longitude(),
                },
                radius_km: area.radius_km,
            });
        let max_price_cents = input
            .max_price_cents
            .map(|cents| {
                u64::try_from(cents).map_err(|_| {
                    bad(format!(
                        "filter.maxPriceCents must be 0 or more, got {cents}"
                    ))
                })
            })
            .transpose()?;
        let min_level = input
            .min_level
            .map(|level| {
                SkillLevel::new(i64::from(level))
                    .map(SkillLevel::get)
                    .map_err(|error| bad(format!("filter.minLevel: {error}")))
            })
            .transpose()?;
        if let (Some(after), Some(before)) = (input.starts_after, input.starts_before)
            && after > before
        {
            return Err(bad(
                "filter.startsAfter must not be later than filter.startsBefore",
            ));
        }
        Ok(Filter {
            kinds: input.kinds.clone(),
            all_skills: input.skills.clone(),
            any_skills: Vec::new(),
            near,
            departments: input.departments.clone(),
            modalities: input
                .modalities
                .iter()
                .map(|modality| modality.code().to_owned())
                .collect(),
            max_price_cents,
            cpf_eligible: input.cpf_eligible,
            certified_only: input.certified_only,
            qualiopi_only: input.qualiopi_only,
            starts_after: input.starts_after.map(day_number),
            starts_before: input.starts_before.map(day_number),
            available_before: input.available_before.map(day_number),
            min_level,
        })
    }

    /// Runs an index search on a blocking thread (searching is CPU work).
    async fn run(
        &self,
        request: SearchRequest,
    ) -> Result<passerelle_index::SearchResults, SearchError> {
        let index = Arc::clone(&self.index);
        tokio::task::spawn_blocking(move || index.search(&request))
            .await
            .map_err(|error| SearchError::Internal(error.to_string()))?
            .map_err(|error| SearchError::Internal(error.to_string()))
    }

    pub(crate) async fn search(
        &self,
        reader: &Reader,
        input: SearchInput,
    ) -> Result<SearchPage, SearchError> {
        let filter = self.filter(&input)?;
        let sort = input.sort.unwrap_or(Sort::Relevance);
        if sort == Sort::Distance && filter.near.is_none() {
            return Err(bad(
                "sort DISTANCE needs filter.near: say from where the distance is measured",
            ));
        }
        let after = input
            .after
            .as_deref()
            .map(|cursor| decode_cursor(sort, cursor))
            .transpose()?;
        let results = self
            .run(SearchRequest {
                text: input.query,
                filter,
                sort,
                first: input.first,
                after,
                today: day_number(Utc::now().date_naive()),
                facets: input.facets,
            })
            .await?;
        let keys: Vec<DocumentKey> = results.hits.iter().map(|hit| hit.key).collect();
        let mut records = self.records(reader, &keys).await?;
        let found: Vec<(passerelle_index::SearchHit, HitNode)> = results
            .hits
            .into_iter()
            .filter_map(|hit| {
                let node = records.remove(&hit.key)?;
                Some((hit, node))
            })
            .collect();
        let mut highlighter = results.highlighter;
        let wants_highlights = input.highlights;
        let to_hits = move || {
            found
                .into_iter()
                .map(|(hit, node)| Hit {
                    cursor: encode_cursor(sort, hit.cursor),
                    highlights: if wants_highlights {
                        highlights(&mut highlighter, &node)
                    } else {
                        Vec::new()
                    },
                    node,
                    score: f64::from(hit.score),
                    distance_km: hit.distance_km,
                })
                .collect::<Vec<Hit>>()
        };
        let hits = if wants_highlights {
            // Highlighting analyses whole descriptions: CPU work, off the async threads.
            tokio::task::spawn_blocking(to_hits)
                .await
                .map_err(|error| SearchError::Internal(error.to_string()))?
        } else {
            to_hits()
        };
        Ok(SearchPage {
            hits,
            total: results.total,
            has_next: results.has_next,
            has_previous: after.is_some(),
            facets: self.facets(results.facets),
        })
    }

    fn facets(&self, counts: passerelle_index::FacetCounts) -> Facets {
        let value =
            |value: String, (label_fr, label_en): (String, String), count: u64| FacetValue {
                value,
                label_fr,
                label_en,
                count,
            };
        Facets {
            kinds: counts
                .kinds
                .into_iter()
                .map(|(kind, count)| {
                    let (code, french, english) = kind_label(kind);
                    value(
                        code.to_owned(),
                        (french.to_owned(), english.to_owned()),
                        count,
                    )
                })
                .collect(),
            skills: counts
                .skills
                .into_iter()
                .map(|(slug, count)| {
                    let label = self
                        .reference
                        .skill_ids
                        .get(&slug)
                        .and_then(|id| self.reference.skills.get(id))
                        .map_or_else(
                            || (slug.clone(), slug.clone()),
                            |skill| (skill.label_fr.clone(), skill.label_en.clone()),
                        );
                    value(slug, label, count)
                })
                .collect(),
            modalities: counts
                .modalities
                .into_iter()
                .map(|(code, count)| {
                    let (french, english) = modality_label(&code);
                    value(code, (french.to_owned(), english.to_owned()), count)
                })
                .collect(),
            departments: counts
                .departments
                .into_iter()
                .map(|(code, count)| {
                    let label = self
                        .reference
                        .departments
                        .get(&code)
                        .cloned()
                        .unwrap_or_else(|| code.clone());
                    value(code, (label.clone(), label), count)
                })
                .collect(),
        }
    }

    /// The records behind index keys, one query per kind (run at once, on separate
    /// connections), visible to `reader`; published offers only.
    async fn records(
        &self,
        reader: &Reader,
        keys: &[DocumentKey],
    ) -> Result<HashMap<DocumentKey, HitNode>, SearchError> {
        fn ids_of<Id: From<Uuid>>(keys: &[DocumentKey], kind: DocumentKind) -> Vec<Id> {
            keys.iter()
                .filter(|key| key.kind == kind)
                .map(|key| Uuid::from_u128(key.id).into())
                .collect()
        }
        let key = |kind: DocumentKind, id: Uuid| DocumentKey {
            kind,
            id: id.as_u128(),
        };
        let offers: Vec<TrainingOfferId> = ids_of(keys, DocumentKind::TrainingOffer);
        let profiles: Vec<SkillProfileId> = ids_of(keys, DocumentKind::SkillProfile);
        let organisations: Vec<OrganisationId> = ids_of(keys, DocumentKind::Organisation);
        let (offers, profiles, organisations) = tokio::try_join!(
            self.store.offers_by_ids(reader, &offers),
            self.store.profiles_by_ids(reader, &profiles),
            self.store.organisations_by_ids(&organisations),
        )?;
        let mut records = HashMap::with_capacity(keys.len());
        for (id, offer) in offers {
            if offer.status == OfferStatus::Published {
                records.insert(
                    key(DocumentKind::TrainingOffer, id.as_uuid()),
                    HitNode::TrainingOffer(offer),
                );
            }
        }
        for (id, profile) in profiles {
            records.insert(
                key(DocumentKind::SkillProfile, id.as_uuid()),
                HitNode::SkillProfile(profile),
            );
        }
        for (id, organisation) in organisations {
            records.insert(
                key(DocumentKind::Organisation, id.as_uuid()),
                HitNode::Organisation(organisation),
            );
        }
        Ok(records)
    }

    pub(crate) async fn suggest(
        &self,
        reader: &Reader,
        prefix: &str,
        first: usize,
    ) -> Result<Vec<SuggestionResult>, SearchError> {
        let index = Arc::clone(&self.index);
        let prefix = prefix.to_owned();
        let suggestions = tokio::task::spawn_blocking(move || index.suggest(&prefix, first))
            .await
            .map_err(|error| SearchError::Internal(error.to_string()))?
            .map_err(|error| SearchError::Internal(error.to_string()))?;
        let keys: Vec<DocumentKey> = suggestions
            .iter()
            .filter_map(|suggestion| match &suggestion.target {
                SuggestionTarget::Document(key) => Some(*key),
                SuggestionTarget::Skill(_) => None,
            })
            .collect();
        let mut records = self.records(reader, &keys).await?;
        Ok(suggestions
            .into_iter()
            .filter_map(|suggestion| {
                let node = match &suggestion.target {
                    SuggestionTarget::Skill(slug) => SuggestionNode::Skill(
                        self.reference
                            .skill_ids
                            .get(slug)
                            .and_then(|id| self.reference.skills.get(id))?
                            .clone(),
                    ),
                    SuggestionTarget::Document(key) => match records.remove(key)? {
                        HitNode::TrainingOffer(offer) => SuggestionNode::TrainingOffer(offer),
                        HitNode::Organisation(organisation) => {
                            SuggestionNode::Organisation(organisation)
                        }
                        HitNode::SkillProfile(_) => return None,
                    },
                };
                Some(SuggestionResult {
                    text: suggestion.text,
                    node,
                })
            })
            .collect())
    }

    /// Commune autocomplete by name or postcode.
    pub(crate) fn places(&self, prefix: &str, first: usize) -> Vec<Place> {
        self.reference
            .directory
            .complete(prefix, first)
            .into_iter()
            .filter_map(|commune| self.reference.places.get(&commune.insee_code).cloned())
            .collect()
    }

    /// Keys of the documents of one kind matching a filter, best first.
    async fn keys(&self, filter: Filter, first: usize) -> Result<Vec<Uuid>, SearchError> {
        let results = self
            .run(SearchRequest {
                text: String::new(),
                filter,
                sort: Sort::Relevance,
                first,
                after: None,
                today: day_number(Utc::now().date_naive()),
                facets: false,
            })
            .await?;
        Ok(results
            .hits
            .into_iter()
            .map(|hit| Uuid::from_u128(hit.key.id))
            .collect())
    }

    fn need(&self, input: &NeedInput) -> Result<(Need, Vec<String>), SearchError> {
        bounded("skills", &input.skills)?;
        let mut requirements = Vec::new();
        let mut slugs = Vec::new();
        for (position, (slug, level)) in input.skills.iter().enumerate() {
            let argument = format!("need.skills[{position}]");
            let skill = self.known_skill(&argument, slug)?;
            let min_level = SkillLevel::new(i64::from(*level))
                .map_err(|error| bad(format!("{argument}.minLevel: {error}")))?;
            requirements.push(Requirement { skill, min_level });
            slugs.push(slug.clone());
        }
        let near = input.near.map(|near| near.area("need.near")).transpose()?;
        let need = Need::new(requirements, near, input.remote_ok, input.available_before)
            .map_err(|error| bad(format!("need: {error}")))?;
        Ok((need, slugs))
    }

    /// Offer candidates with what the matching needs to know of them.
    async fn offer_candidates(
        &self,
        reader: &Reader,
        need: &Need,
        ids: Vec<TrainingOfferId>,
        today: NaiveDate,
    ) -> Result<(Vec<OfferCandidate>, HashMap<TrainingOfferId, TrainingOffer>), SearchError> {
        let offers: HashMap<TrainingOfferId, TrainingOffer> = self
            .store
            .offers_by_ids(reader, &ids)
            .await?
            .into_iter()
            .filter(|(_, offer)| offer.status == OfferStatus::Published)
            .collect();
        let published: Vec<TrainingOfferId> = offers.keys().copied().collect();
        let taught = self.store.taught_skills(&published).await?;
        let sessions = self.store.sessions_of_offers(&published).await?;
        let mut candidates = Vec::new();
        for id in &ids {
            let Some(offer) = offers.get(id) else {
                continue;
            };
            let upcoming: Vec<_> = sessions
                .get(id)
                .into_iter()
                .flatten()
                .filter(|session| session.is_upcoming(today))
                .collect();
            let next_session_distance_km = need.near.and_then(|area| {
                upcoming
                    .iter()
                    .filter_map(|session| self.reference.places.get(session.place.as_ref()?))
                    .filter_map(|place| GeoPoint::new(place.latitude, place.longitude).ok())
                    .map(|point| area.centre.distance_km(&point))
                    .min_by(f64::total_cmp)
            });
            candidates.push(OfferCandidate {
                offer: *id,
                taught: taught
                    .get(id)
                    .into_iter()
                    .flatten()
                    .map(|skill| (skill.skill_id, skill.level))
                    .collect(),
                remote: offer.modality == Modality::Remote,
                next_session: upcoming.iter().map(|session| session.dates.start()).min(),
                next_session_distance_km,
            });
        }
        Ok((candidates, offers))
    }

    pub(crate) async fn match_need(
        &self,
        reader: &Reader,
        input: NeedInput,
    ) -> Result<NeedResult, SearchError> {
        let (need, slugs) = self.need(&input)?;
        let cover = TaxonomyCover {
            reference: &self.reference,
        };
        let today = Utc::now().date_naive();

        // Profiles holding at least one needed skill (or a narrower one), then scored.
        let profile_ids: Vec<SkillProfileId> = self
            .keys(
                Filter {
                    kinds: vec![DocumentKind::SkillProfile],
                    any_skills: slugs.clone(),
                    ..Filter::default()
                },
                MATCH_CANDIDATES,
            )
            .await?
            .into_iter()
            .map(Into::into)
            .collect();
        let mut profiles = self.store.profiles_by_ids(reader, &profile_ids).await?;
        let visible: Vec<SkillProfileId> = profiles.keys().copied().collect();
        let held = self.store.profile_skills(&visible).await?;
        let candidates = visible
            .iter()
            .filter_map(|id| {
                let profile = profiles.get(id)?;
                Some(ProfileCandidate {
                    profile: *id,
                    held: held
                        .get(id)
                        .into_iter()
                        .flatten()
                        .map(|skill| (skill.skill_id, skill.level))
                        .collect(),
                    location: profile
                        .place
                        .as_ref()
                        .and_then(|code| self.reference.places.get(code))
                        .and_then(|place| GeoPoint::new(place.latitude, place.longitude).ok()),
                    remote: profile.remote,
                    available_from: profile.available_from,
                })
            })
            .collect();
        let ranked = rank_profiles(&need, candidates, &cover, input.first);

        // Offers for each distinct gap: teaching the skill to at least the level required.
        let gaps: BTreeSet<(SkillId, u8)> = ranked
            .iter()
            .flat_map(|profile| profile.gaps.iter())
            .map(|gap| (gap.skill, gap.required.get()))
            .collect();
        let mut gap_offer_ids: Vec<TrainingOfferId> = Vec::new();
        for (skill, level) in &gaps {
            let Some(slug) = self.reference.slug(*skill) else {
                continue;
            };
            let ids = self
                .keys(
                    Filter {
                        kinds: vec![DocumentKind::TrainingOffer],
                        all_skills: vec![slug.to_owned()],
                        min_level: Some(*level),
                        ..Filter::default()
                    },
                    GAP_CANDIDATES,
                )
                .await?;
            gap_offer_ids.extend(ids.into_iter().map(TrainingOfferId::from));
        }
        let mut seen = HashSet::new();
        gap_offer_ids.retain(|id| seen.insert(*id));
        let (gap_candidates, gap_offers) = self
            .offer_candidates(reader, &need, gap_offer_ids, today)
            .await?;

        let mut results = Vec::new();
        for matched in ranked {
            let Some(profile) = profiles.remove(&matched.profile) else {
                continue;
            };
            let gaps = matched
                .gaps
                .iter()
                .filter_map(|gap| {
                    let offers =
                        offers_for_gap(&need, gap, &gap_candidates, &cover, MAX_GAP_OFFERS)
                            .into_iter()
                            .filter_map(|id| gap_offers.get(&id).cloned())
                            .collect();
                    Some(GapResult {
                        skill: self.reference.skills.get(&gap.skill)?.clone(),
                        required: gap.required.get(),
                        current: gap.current,
                        offers,
                    })
                })
                .collect();
            results.push(ProfileResult {
                profile,
                score: matched.score,
                coverage: matched.coverage,
                distance_km: matched.distance_km,
                gaps,
            });
        }

        // The offers that together cover the most of the need.
        let cover_ids: Vec<TrainingOfferId> = self
            .keys(
                Filter {
                    kinds: vec![DocumentKind::TrainingOffer],
                    any_skills: slugs,
                    ..Filter::default()
                },
                COVER_CANDIDATES,
            )
            .await?
            .into_iter()
            .map(Into::into)
            .collect();
        let (cover_candidates, mut cover_offers) = self
            .offer_candidates(reader, &need, cover_ids, today)
            .await?;
        let offers = cover_need(&need, cover_candidates, &cover, input.first)
            .into_iter()
            .filter_map(|matched| {
                Some(OfferResult {
                    offer: cover_offers.remove(&matched.offer)?,
                    score: matched.score,
                    covered: matched
                        .covered
                        .iter()
                        .filter_map(|skill| self.reference.skills.get(skill).cloned())
                        .collect(),
                })
            })
            .collect();
        Ok(NeedResult {
            profiles: results,
            offers,
        })
    }
}
