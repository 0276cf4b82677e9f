//! The search part of the schema: `search`, `suggest`, `places` and `matchNeed`, thin
//! resolvers over the search service.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, Union};
use passerelle_index::{DocumentKind, Sort};

use super::errors::{bad_user_input, internal};
use super::pagination::{PageInfo, page_size};
use super::scalars::Date;
use super::types::{
    LocaleValue, ModalityValue, Node, OrganisationObject, PlaceObject, SkillObject,
    SkillProfileObject, TrainingOfferObject, in_locale, reader,
};
use crate::search::SearchService;
use crate::search::service::{
    self as service, HitNode, NearInput, SearchError, SearchInput, SuggestionNode,
};

fn search_service<'a>(context: &'a Context<'_>) -> &'a SearchService {
    context.data_unchecked::<SearchService>()
}

fn failed(context: &Context<'_>, error: SearchError) -> async_graphql::Error {
    match error {
        SearchError::BadInput(message) => bad_user_input(message),
        SearchError::Internal(message) => internal(context, message),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "SearchKind")]
pub(crate) enum SearchKindValue {
    TrainingOffer,
    SkillProfile,
    Organisation,
}

impl From<SearchKindValue> for DocumentKind {
    fn from(kind: SearchKindValue) -> Self {
        match kind {
            SearchKindValue::TrainingOffer => DocumentKind::TrainingOffer,
            SearchKindValue::SkillProfile => DocumentKind::SkillProfile,
            SearchKindValue::Organisation => DocumentKind::Organisation,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "SearchSort")]
pub(crate) enum SearchSortValue {
    /// Best match first (with an empty query: newest first).
    Relevance,
    /// Most recently published or updated first.
    Newest,
    /// Cheapest first (offers by price, profiles by daily rate); no price last.
    PriceAsc,
    /// Soonest first: an offer's next session, a profile's availability; neither last.
    StartDate,
    /// Nearest first; needs `filter.near`.
    Distance,
}

impl From<SearchSortValue> for Sort {
    fn from(sort: SearchSortValue) -> Self {
        match sort {
            SearchSortValue::Relevance => Sort::Relevance,
            SearchSortValue::Newest => Sort::Newest,
            SearchSortValue::PriceAsc => Sort::PriceAscending,
            SearchSortValue::StartDate => Sort::StartDate,
            SearchSortValue::Distance => Sort::Distance,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "SuggestionKind")]
pub(crate) enum SuggestionKindValue {
    Skill,
    TrainingOffer,
    Organisation,
}

/// A circle around a point.
#[derive(Debug, Clone, Copy, InputObject)]
pub(crate) struct GeoFilter {
    latitude: f64,
    longitude: f64,
    /// More than 0 and at most 1000.
    radius_km: f64,
}

impl From<GeoFilter> for NearInput {
    fn from(filter: GeoFilter) -> Self {
        Self {
            latitude: filter.latitude,
            longitude: filter.longitude,
            radius_km: filter.radius_km,
        }
    }
}

/// What a hit must be. Filters about something only some kinds have keep only those kinds:
/// price (offers' price, profiles' daily rate), CPF, certification and session dates (offers),
/// Qualiopi (offers of certified providers, certified organisations), availability (profiles),
/// levels (offers and profiles).
#[derive(Debug, Clone, Default, InputObject)]
pub(crate) struct SearchFilter {
    kinds: Option<Vec<SearchKindValue>>,
    /// Skill slugs; a hit must have all of them (a broader skill also matches its narrower ones).
    skills: Option<Vec<String>>,
    /// Hits with a place within the circle (an offer: an upcoming session's place, or its
    /// provider's when it has no located session; remote-only offers have no place).
    near: Option<GeoFilter>,
    departments: Option<Vec<String>>,
    modalities: Option<Vec<ModalityValue>>,
    max_price_cents: Option<i64>,
    cpf_eligible: Option<bool>,
    certified_only: Option<bool>,
    qualiopi_only: Option<bool>,
    /// Offers with a session starting on or after this date (and not before today).
    starts_after: Option<Date>,
    /// Offers with an upcoming session starting on or before this date.
    starts_before: Option<Date>,
    /// Profiles available by this date (no date means available now).
    available_before: Option<Date>,
    /// With `skills`: each at this level or above; alone: some skill at this level or above.
    min_level: Option<i32>,
}

#[derive(Union)]
#[graphql(name = "SearchHit")]
pub(crate) enum SearchHitValue {
    TrainingOffer(TrainingOfferObject),
    SkillProfile(SkillProfileObject),
    Organisation(OrganisationObject),
}

#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "Highlight")]
pub(crate) struct HighlightObject {
    field: String,
    /// HTML-escaped text with matches wrapped in <mark></mark>.
    snippet: String,
}

#[derive(SimpleObject)]
#[graphql(name = "SearchEdge")]
pub(crate) struct SearchEdgeObject {
    cursor: String,
    node: SearchHitValue,
    /// Relevance to the query (higher is better); comparable within one search only.
    score: f64,
    /// From `filter.near`'s centre to the hit's nearest place.
    distance_km: Option<f64>,
    highlights: Vec<HighlightObject>,
}

#[derive(Debug, Clone)]
pub(crate) struct FacetValueObject(service::FacetValue);

#[Object(name = "FacetValue")]
impl FacetValueObject {
    /// What to put back into SearchFilter to narrow to this value: an enum value (REMOTE, TRAINING_OFFER), a skill slug, a department code (34).
    async fn value(&self) -> &str {
        &self.0.value
    }

    /// What a person reads: Distanciel, Formation, Rust, Hérault.
    async fn label(
        &self,
        #[graphql(default_with = "Some(LocaleValue::Fr)")] locale: Option<LocaleValue>,
    ) -> &str {
        in_locale(locale, &self.0.label_fr, &self.0.label_en)
    }

    /// Hits with this value among all hits of the query and the other filters.
    async fn count(&self) -> i32 {
        i32::try_from(self.0.count).unwrap_or(i32::MAX)
    }
}

fn facet_values(values: Vec<service::FacetValue>) -> Vec<FacetValueObject> {
    values.into_iter().map(FacetValueObject).collect()
}

#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "SearchFacets")]
pub(crate) struct SearchFacetsObject {
    kinds: Vec<FacetValueObject>,
    skills: Vec<FacetValueObject>,
    modalities: Vec<FacetValueObject>,
    departments: Vec<FacetValueObject>,
}

#[derive(SimpleObject)]
#[graphql(name = "SearchConnection")]
pub(crate) struct SearchConnectionObject {
    edges: Vec<SearchEdgeObject>,
    page_info: PageInfo,
    total_count: i32,
    facets: SearchFacetsObject,
}

#[derive(SimpleObject)]
#[graphql(name = "Suggestion")]
pub(crate) struct SuggestionObject {
    text: String,
    kind: SuggestionKindValue,
    node: Option<Node>,
}

#[derive(Debug, Clone, InputObject)]
pub(crate) struct SkillRequirementInput {
    /// A skill slug.
    skill: String,
    #[graphql(default = 1)]
    min_level: Option<i32>,
}

#[derive(Debug, Clone, InputObject)]
pub(crate) struct SkillNeedInput {
    skills: Vec<SkillRequirementInput>,
    near: Option<GeoFilter>,
    #[graphql(default_with = "Some(true)")]
    remote_ok: Option<bool>,
    available_before: Option<Date>,
}

#[derive(Debug, Clone)]
pub(crate) struct SkillGapObject(service::GapResult);

#[Object(name = "SkillGap")]
impl SkillGapObject {
    async fn skill(&self) -> SkillObject {
        SkillObject(self.0.skill.clone())
    }

    async fn required_level(&self) -> i32 {
        i32::from(self.0.required)
    }

    /// 0 when the profile does not hold the skill at all.
    async fn current_level(&self) -> i32 {
        i32::from(self.0.current)
    }

    /// Published offers teaching the skill to at least the required level, those with an
    /// upcoming session near the need (or remote) first, then the soonest.
    async fn training_offers(
        &self,
        #[graphql(default = 3)] first: Option<i32>,
    ) -> async_graphql::Result<Vec<TrainingOfferObject>> {
        let first = usize::try_from(page_size(first)?).unwrap_or(3);
        Ok(self
            .0
            .offers
            .iter()
            .take(first)
            .cloned()
            .map(TrainingOfferObject)
            .collect())
    }
}

#[derive(Debug, Clone)]
pub(crate) struct ProfileMatchObject(service::ProfileResult);

#[Object(name = "ProfileMatch")]
impl ProfileMatchObject {
    async fn profile(&self) -> SkillProfileObject {
        SkillProfileObject(self.0.profile.clone())
    }

    /// coverage × proximity × availability (see the README).
    async fn score(&self) -> f64 {
        self.0.score
    }

    /// Share of the need's level points the profile reaches, in [0, 1].
    async fn coverage(&self) -> f64 {
        self.0.coverage
    }

    async fn distance_km(&self) -> Option<f64> {
        self.0.distance_km
    }

    async fn gaps(&self) -> Vec<SkillGapObject> {
        self.0.gaps.iter().cloned().map(SkillGapObject).collect()
    }
}

#[derive(Debug, Clone)]
pub(crate) struct TrainingOfferMatchObject(service::OfferResult);

#[Object(name = "TrainingOfferMatch")]
impl TrainingOfferMatchObject {
    async fn training_offer(&self) -> TrainingOfferObject {
        TrainingOfferObject(self.0.offer.clone())
    }

    /// The offer's own coverage of the need, in [0, 1].
    async fn score(&self) -> f64 {
        self.0.score
    }

    /// The needed skills it teaches to at least the required level.
    async fn covered_skills(&self) -> Vec<SkillObject> {
        self.0.covered.iter().cloned().map(SkillObject).collect()
    }
}

#[derive(SimpleObject)]
#[graphql(name = "NeedMatch")]
pub(crate) struct NeedMatchObject {
    /// Ranked by score, best first.
    profiles: Vec<ProfileMatchObject>,
    /// Those that together cover the most of the need first, then the others by coverage.
    training_offers: Vec<TrainingOfferMatchObject>,
}

fn list<T: Clone>(values: &Option<Vec<T>>) -> Vec<T> {
    values.clone().unwrap_or_default()
}

#[derive(Debug, Default)]
pub struct SearchQuery;

#[Object]
impl SearchQuery {
    /// Full-text search over published offers, public profiles and organisations, with
    /// filters, facets and highlights. An empty query lists everything the filters keep.
    async fn search(
        &self,
        context: &Context<'_>,
        #[graphql(default_with = "Some(String::new())")] query: Option<String>,
        filter: Option<SearchFilter>,
        #[graphql(default_with = "Some(SearchSortValue::Relevance)")] sort: Option<SearchSortValue>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<SearchConnectionObject> {
        let first = usize::try_from(page_size(first)?).unwrap_or(20);
        let filter = filter.unwrap_or_default();
        let selection = context.look_ahead();
        let input = SearchInput {
            query: query.unwrap_or_default(),
            kinds: list(&filter.kinds).into_iter().map(Into::into).collect(),
            skills: list(&filter.skills),
            near: filter.near.map(Into::into),
            departments: list(&filter.departments),
            modalities: list(&filter.modalities)
                .into_iter()
                .map(Into::into)
                .collect(),
            max_price_cents: filter.max_price_cents,
            cpf_eligible: filter.cpf_eligible,
            certified_only: filter.certified_only.unwrap_or(false),
            qualiopi_only: filter.qualiopi_only.unwrap_or(false),
            starts_after: filter.starts_after.map(|date| date.0),
            starts_before: filter.starts_before.map(|date| date.0),
            available_before: filter.available_before.map(|date| date.0),
            min_level: filter.min_level,
            sort: sort.map(Into::into),
            first,
            after,
            facets: selection.field("facets").exists(),
            highlights: selection.field("edges").field("highlights").exists(),
        };
        let page = search_service(context)
            .search(reader(context), input)
            .await
            .map_err(|error| failed(context, error))?;
        let edges: Vec<SearchEdgeObject> = page
            .hits
            .into_iter()
            .map(|hit| SearchEdgeObject {
                cursor: hit.cursor,
                node: match hit.node {
                    HitNode::TrainingOffer(offer) => {
                        SearchHitValue::TrainingOffer(TrainingOfferObject(offer))
                    }
                    HitNode::SkillProfile(profile) => {
                        SearchHitValue::SkillProfile(SkillProfileObject(profile))
                    }
                    HitNode::Organisation(organisation) => {
                        SearchHitValue::Organisation(OrganisationObject(organisation))
                    }
                },
                score: hit.score,
                distance_km: hit.distance_km,
                highlights: hit
                    .highlights
                    .into_iter()
                    .map(|(field, snippet)| HighlightObject { field, snippet })
                    .collect(),
            })
            .collect();
        Ok(SearchConnectionObject {
            page_info: PageInfo {
                has_next_page: page.has_next,
                has_previous_page: page.has_previous,
                start_cursor: edges.first().map(|edge| edge.cursor.clone()),
                end_cursor: edges.last().map(|edge| edge.cursor.clone()),
            },
            edges,
            total_count: i32::try_from(page.total).unwrap_or(i32::MAX),
            facets: SearchFacetsObject {
                kinds: facet_values(page.facets.kinds),
                skills: facet_values(page.facets.skills),
                modalities: facet_values(page.facets.modalities),
                departments: facet_values(page.facets.departments),
            },
        })
    }

    /// As-you-type suggestions: skills (labels and synonyms), offer titles, organisation names.
    async fn suggest(
        &self,
        context: &Context<'_>,
        prefix: String,
        #[graphql(default = 8)] first: Option<i32>,
    ) -> async_graphql::Result<Vec<SuggestionObject>> {
        let first = usize::try_from(page_size(first)?).unwrap_or(8);
        let suggestions = search_service(context)
            .suggest(reader(context), &prefix, first)
            .await
            .map_err(|error| failed(context, error))?;
        Ok(suggestions
            .into_iter()
            .map(|suggestion| {
                let (kind, node) = match suggestion.node {
                    SuggestionNode::Skill(skill) => {
                        (SuggestionKindValue::Skill, Node::Skill(SkillObject(skill)))
                    }
                    SuggestionNode::TrainingOffer(offer) => (
                        SuggestionKindValue::TrainingOffer,
                        Node::TrainingOffer(TrainingOfferObject(offer)),
                    ),
                    SuggestionNode::Organisation(organisation) => (
                        SuggestionKindValue::Organisation,
                        Node::Organisation(OrganisationObject(organisation)),
                    ),
                };
                SuggestionObject {
                    text: suggestion.text,
                    kind,
                    node: Some(node),
                }
            })
            .collect())
    }

    /// Communes whose name (accents and case ignored) or postcode starts with `prefix`,
    /// the most populous first.
    async fn places(
        &self,
        context: &Context<'_>,
        prefix: String,
        #[graphql(default = 8)] first: Option<i32>,
    ) -> async_graphql::Result<Vec<PlaceObject>> {
        let first = usize::try_from(page_size(first)?).unwrap_or(8);
        Ok(search_service(context)
            .places(&prefix, first)
            .into_iter()
            .map(PlaceObject)
            .collect())
    }

    /// For a need, the profiles that fit (with what each lacks and the trainings that close
    /// each gap) and the trainings that together cover most of it. Scoring: see the README.
    async fn match_need(
        &self,
        context: &Context<'_>,
        need: SkillNeedInput,
        #[graphql(default = 10)] first: Option<i32>,
    ) -> async_graphql::Result<NeedMatchObject> {
        let first = usize::try_from(page_size(first)?).unwrap_or(10);
        if need.skills.is_empty() {
            return Err(bad_user_input("need.skills: list at least one skill"));
        }
        let input = service::NeedInput {
            skills: need
                .skills
                .into_iter()
                .map(|requirement| (requirement.skill, requirement.min_level.unwrap_or(1)))
                .collect(),
            near: need.near.map(Into::into),
            remote_ok: need.remote_ok.unwrap_or(true),
            available_before: need.available_before.map(|date| date.0),
            first,
        };
        let matched = search_service(context)
            .match_need(reader(context), input)
            .await
            .map_err(|error| failed(context, error))?;
        Ok(NeedMatchObject {
            profiles: matched
                .profiles
                .into_iter()
                .map(ProfileMatchObject)
                .collect(),
            training_offers: matched
                .offers
                .into_iter()
                .map(TrainingOfferMatchObject)
                .collect(),
        })
    }
}
