//! The object types of the public schema. Each wraps a domain record; nested fields go through
//! the batch loader.

use async_graphql::dataloader::DataLoader;
use async_graphql::{Context, Enum, ID, Interface, Object, SimpleObject};
use passerelle_domain::catalogue::{
    Membership, Organisation, Place, ProfileSkill, Skill, SkillProfile, TaughtSkill, TrainingOffer,
    TrainingSession, User,
};
use passerelle_domain::{self as domain, Reader};
use passerelle_store::{OfferFilter, OfferOrder, Page, Store};

use super::errors::OrInternal;
use super::ids::{NodeKind, global_id};
use super::loaders::{
    CatalogueLoader, FirstOffersOf, FirstOffersTeaching, FirstProfilesHolding, HeldBy,
    MembershipsOf, NarrowerOf, ProfileOf, SessionsOf, SkillsOf, TaughtBy,
};
use super::pagination::{
    PageInfo, after_offer, after_profile, edges_of, offer_cursor, page_size, profile_cursor,
    request,
};
use super::scalars::{Date, DateTime};

pub(crate) type Loader = DataLoader<CatalogueLoader>;

pub(crate) fn loader<'a>(context: &'a Context<'_>) -> &'a Loader {
    context.data_unchecked::<Loader>()
}

pub(crate) fn store<'a>(context: &'a Context<'_>) -> &'a Store {
    context.data_unchecked::<Store>()
}

static ANONYMOUS: Reader = Reader::Anonymous;

pub(crate) fn reader<'a>(context: &'a Context<'_>) -> &'a Reader {
    context.data_opt::<Reader>().unwrap_or(&ANONYMOUS)
}

macro_rules! graphql_enum {
    ($name:ident $graphql_name:literal <=> $domain:ident { $($variant:ident),+ $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
        #[graphql(name = $graphql_name)]
        pub(crate) enum $name { $($variant),+ }

        impl From<domain::$domain> for $name {
            fn from(value: domain::$domain) -> Self {
                match value { $(domain::$domain::$variant => $name::$variant),+ }
            }
        }

        impl From<$name> for domain::$domain {
            fn from(value: $name) -> Self {
                match value { $($name::$variant => domain::$domain::$variant),+ }
            }
        }
    };
}

graphql_enum!(
    LocaleValue "Locale" <=> Locale { Fr, En }
);
graphql_enum!(
    ModalityValue "Modality" <=> Modality { InPerson, Remote, Blended }
);
graphql_enum!(
    OfferStatusValue "OfferStatus" <=> OfferStatus { Draft, Published, Archived }
);
graphql_enum!(
    VisibilityValue "Visibility" <=> Visibility { Public, Members, Private }
);
graphql_enum!(
    MemberRoleValue "MemberRole" <=> MemberRole { Owner, Editor }
);

pub(crate) fn in_locale<'a>(
    locale: Option<LocaleValue>,
    french: &'a str,
    english: &'a str,
) -> &'a str {
    match locale.unwrap_or(LocaleValue::Fr) {
        LocaleValue::Fr => french,
        LocaleValue::En => english,
    }
}

/// A Relay node: anything with a global ID.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID"))]
pub(crate) enum Node {
    Skill(SkillObject),
    Organisation(OrganisationObject),
    TrainingOffer(TrainingOfferObject),
    TrainingSession(TrainingSessionObject),
    SkillProfile(SkillProfileObject),
    User(UserObject),
}

macro_rules! connection {
    ($connection:ident, $edge:ident, $node:ident, $graphql_connection:literal, $graphql_edge:literal) => {
        #[derive(SimpleObject)]
        #[graphql(name = $graphql_edge)]
        pub(crate) struct $edge {
            pub cursor: String,
            pub node: $node,
        }

        #[derive(SimpleObject)]
        #[graphql(name = $graphql_connection)]
        pub(crate) struct $connection {
            pub edges: Vec<$edge>,
            pub page_info: PageInfo,
            pub total_count: i32,
        }
    };
}

connection!(
    SkillConnection,
    SkillEdge,
    SkillObject,
    "SkillConnection",
    "SkillEdge"
);
connection!(
    OrganisationConnection,
    OrganisationEdge,
    OrganisationObject,
    "OrganisationConnection",
    "OrganisationEdge"
);
connection!(
    TrainingOfferConnection,
    TrainingOfferEdge,
    TrainingOfferObject,
    "TrainingOfferConnection",
    "TrainingOfferEdge"
);
connection!(
    SkillProfileConnection,
    SkillProfileEdge,
    SkillProfileObject,
    "SkillProfileConnection",
    "SkillProfileEdge"
);

impl TrainingOfferConnection {
    pub(crate) fn from_page(
        page: Page<TrainingOffer>,
        had_cursor: bool,
        order: OfferOrder,
    ) -> Self {
        let (edges, page_info, total_count) = edges_of(
            page,
            had_cursor,
            |offer| {
                offer_cursor(match order {
                    OfferOrder::Created => passerelle_store::OfferCursor::Id(offer.id),
                    OfferOrder::Updated => {
                        passerelle_store::OfferCursor::Updated(offer.updated_at, offer.id)
                    }
                })
            },
            |cursor, offer| TrainingOfferEdge {
                cursor,
                node: TrainingOfferObject(offer),
            },
        );
        Self {
            edges,
            page_info,
            total_count,
        }
    }
}

impl SkillProfileConnection {
    fn from_page(page: Page<SkillProfile>, had_cursor: bool) -> Self {
        let (edges, page_info, total_count) = edges_of(
            page,
            had_cursor,
            |profile| profile_cursor(profile.id),
            |cursor, profile| SkillProfileEdge {
                cursor,
                node: SkillProfileObject(profile),
            },
        );
        Self {
            edges,
            page_info,
            total_count,
        }
    }
}

/// A French commune.
pub(crate) struct PlaceObject(pub Place);

#[Object(name = "Place")]
impl PlaceObject {
    /// INSEE commune code, e.g. 34172 for Montpellier.
    async fn insee_code(&self) -> &str {
        self.0.insee_code.as_str()
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn postcodes(&self) -> &[String] {
        &self.0.postcodes
    }
    async fn department_code(&self) -> &str {
        &self.0.department_code
    }
    /// Department name, e.g. Hérault.
    async fn department(&self) -> &str {
        &self.0.department_name
    }
    /// Region name, e.g. Occitanie.
    async fn region(&self) -> &str {
        &self.0.region_name
    }
    async fn latitude(&self) -> f64 {
        self.0.latitude
    }
    async fn longitude(&self) -> f64 {
        self.0.longitude
    }
}

async fn place(
    context: &Context<'_>,
    code: Option<&domain::InseeCode>,
) -> async_graphql::Result<Option<PlaceObject>> {
    let Some(code) = code else { return Ok(None) };
    Ok(loader(context)
        .load_one(code.clone())
        .await
        .or_internal(context)?
        .map(PlaceObject))
}

/// An amount in integer cents of a currency.
#[derive(SimpleObject)]
#[graphql(name = "Money")]
pub(crate) struct MoneyObject {
    amount_cents: i32,
    currency: String,
}

impl From<domain::Money> for MoneyObject {
    fn from(money: domain::Money) -> Self {
        Self {
            amount_cents: i32::try_from(money.cents()).unwrap_or(i32::MAX),
            currency: domain::Money::CURRENCY.to_owned(),
        }
    }
}

/// A skill of the taxonomy.
pub(crate) struct SkillObject(pub Skill);

#[Object(name = "Skill")]
impl SkillObject {
    async fn id(&self) -> ID {
        global_id(NodeKind::Skill, self.0.id.as_uuid())
    }
    /// Stable identifier used in inputs, e.g. "rust".
    async fn slug(&self) -> &str {
        self.0.slug.as_str()
    }
    async fn label(
        &self,
        #[graphql(default_with = "Some(LocaleValue::Fr)")] locale: Option<LocaleValue>,
    ) -> &str {
        in_locale(locale, &self.0.label_fr, &self.0.label_en)
    }
    /// Synonyms and abbreviations, e.g. "JS" for JavaScript.
    async fn alt_labels(
        &self,
        #[graphql(default_with = "Some(LocaleValue::Fr)")] locale: Option<LocaleValue>,
    ) -> &[String] {
        match locale.unwrap_or(LocaleValue::Fr) {
            LocaleValue::Fr => &self.0.alt_labels_fr,
            LocaleValue::En => &self.0.alt_labels_en,
        }
    }
    async fn description(
        &self,
        #[graphql(default_with = "Some(LocaleValue::Fr)")] locale: Option<LocaleValue>,
    ) -> Option<&str> {
        match locale.unwrap_or(LocaleValue::Fr) {
            LocaleValue::Fr => self.0.description_fr.as_deref(),
            LocaleValue::En => self.0.description_en.as_deref(),
        }
    }
    async fn esco_uri(&self) -> Option<&str> {
        self.0.esco_uri.as_deref()
    }
    async fn broader(&self, context: &Context<'_>) -> async_graphql::Result<Option<SkillObject>> {
        let Some(broader) = self.0.broader_id else {
            return Ok(None);
        };
        Ok(loader(context)
            .load_one(broader)
            .await
            .or_internal(context)?
            .map(SkillObject))
    }
    async fn narrower(&self, context: &Context<'_>) -> async_graphql::Result<Vec<SkillObject>> {
        let narrower = loader(context)
            .load_one(NarrowerOf(self.0.id))
            .await
            .or_internal(context)?;
        Ok(narrower
            .unwrap_or_default()
            .into_iter()
            .map(SkillObject)
            .collect())
    }
    /// Published offers teaching this very skill, in publication order.
    async fn training_offers(
        &self,
        context: &Context<'_>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<TrainingOfferConnection> {
        let first = page_size(first)?;
        let filter = OfferFilter {
            teaching: Some(self.0.id),
            ..OfferFilter::default()
        };
        let first_page = FirstOffersTeaching {
            skill: self.0.id,
            first,
        };
        nested_offers(context, first_page, filter, first, after).await
    }
    /// Visible profiles holding this very skill.
    async fn skill_profiles(
        &self,
        context: &Context<'_>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<SkillProfileConnection> {
        let first = page_size(first)?;
        let page = match after_profile(after.as_deref())? {
            None => loader(context)
                .load_one(FirstProfilesHolding {
                    skill: self.0.id,
                    first,
                })
                .await
                .or_internal(context)?,
            Some(position) => Some(
                store(context)
                    .list_profiles_with_skill(
                        reader(context),
                        self.0.id,
                        request(first, Some(position)),
                    )
                    .await
                    .or_internal(context)?,
            ),
        };
        Ok(SkillProfileConnection::from_page(
            page.unwrap_or_else(Page::empty),
            after.is_some(),
        ))
    }
}

/// Offers of a nested connection: the first page through the batch loader (one query for all
/// the parents in the response), later pages with a keyset query on this parent alone.
async fn nested_offers<FirstPage>(
    context: &Context<'_>,
    first_page: FirstPage,
    filter: OfferFilter,
    first: u64,
    after: Option<String>,
) -> async_graphql::Result<TrainingOfferConnection>
where
    FirstPage: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    CatalogueLoader: async_graphql::dataloader::Loader<
            FirstPage,
            Value = Page<TrainingOffer>,
            Error = std::sync::Arc<passerelle_store::StoreError>,
        >,
{
    let page = match after_offer(after.as_deref(), false)? {
        None => loader(context)
            .load_one(first_page)
            .await
            .or_internal(context)?,
        Some(position) => Some(
            store(context)
                .list_offers(reader(context), &filter, request(first, Some(position)))
                .await
                .or_internal(context)?,
        ),
    };
    Ok(TrainingOfferConnection::from_page(
        page.unwrap_or_else(Page::empty),
        after.is_some(),
        OfferOrder::Created,
    ))
}

async fn skills_by_id(
    context: &Context<'_>,
    ids: Vec<domain::SkillId>,
) -> async_graphql::Result<Vec<Skill>> {
    let mut loaded = loader(context)
        .load_many(ids.iter().copied())
        .await
        .or_internal(context)?;
    Ok(ids.iter().filter_map(|id| loaded.remove(id)).collect())
}

/// A company, a training provider, or both.
pub(crate) struct OrganisationObject(pub Organisation);

#[Object(name = "Organisation")]
impl OrganisationObject {
    async fn id(&self) -> ID {
        global_id(NodeKind::Organisation, self.0.id.as_uuid())
    }
    async fn slug(&self) -> &str {
        self.0.slug.as_str()
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn siret(&self) -> Option<&str> {
        self.0.siret.as_ref().map(domain::Siret::as_str)
    }
    async fn naf_code(&self) -> Option<&str> {
        self.0.naf_code.as_ref().map(domain::NafCode::as_str)
    }
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    async fn website(&self) -> Option<&str> {
        self.0.website.as_deref()
    }
    async fn place(&self, context: &Context<'_>) -> async_graphql::Result<Option<PlaceObject>> {
        place(context, self.0.place.as_ref()).await
    }
    async fn is_training_provider(&self) -> bool {
        self.0.is_training_provider
    }
    async fn qualiopi_certified(&self) -> bool {
        self.0.qualiopi_certified
    }
    async fn skills(&self, context: &Context<'_>) -> async_graphql::Result<Vec<SkillObject>> {
        let ids = loader(context)
            .load_one(SkillsOf(self.0.id))
            .await
            .or_internal(context)?
            .unwrap_or_default();
        Ok(skills_by_id(context, ids)
            .await?
            .into_iter()
            .map(SkillObject)
            .collect())
    }
    /// The organisation's offers; PUBLISHED only unless `status` says otherwise. Drafts are
    /// listed to the organisation's members only.
    async fn training_offers(
        &self,
        context: &Context<'_>,
        status: Option<Vec<OfferStatusValue>>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<TrainingOfferConnection> {
        let first = page_size(first)?;
        let mut statuses: Vec<domain::OfferStatus> = status
            .unwrap_or_else(|| vec![OfferStatusValue::Published])
            .into_iter()
            .map(Into::into)
            .filter(|status| reader(context).can_read_offer(*status, self.0.id))
            .collect();
        statuses.sort_by_key(|status| status.code());
        statuses.dedup();
        let filter = OfferFilter {
            provider: Some(self.0.id),
            statuses: statuses.clone(),
            ..OfferFilter::default()
        };
        let first_page = FirstOffersOf {
            provider: self.0.id,
            statuses,
            first,
        };
        nested_offers(context, first_page, filter, first, after).await
    }
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// The people who manage the organisation; visible to its members only (null otherwise).
    async fn members(
        &self,
        context: &Context<'_>,
    ) -> async_graphql::Result<Option<Vec<OrganisationMemberObject>>> {
        if reader(context).role_in(self.0.id).is_none() {
            return Ok(None);
        }
        let members = store(context)
            .members_of_organisation(self.0.id)
            .await
            .or_internal(context)?;
        Ok(Some(
            members
                .into_iter()
                .map(|(user, role)| OrganisationMemberObject { user, role })
                .collect(),
        ))
    }
}

/// A member of an organisation, as its other members see them.
pub(crate) struct OrganisationMemberObject {
    user: User,
    role: domain::MemberRole,
}

#[Object(name = "OrganisationMember")]
impl OrganisationMemberObject {
    /// The user's ID, as removeMember takes it.
    async fn user_id(&self) -> ID {
        global_id(NodeKind::User, self.user.id.as_uuid())
    }
    async fn display_name(&self) -> &str {
        &self.user.display_name
    }
    async fn email(&self) -> &str {
        self.user.email.as_str()
    }
    async fn role(&self) -> MemberRoleValue {
        self.role.into()
    }
}

/// An RNCP or RS certification.
#[derive(SimpleObject)]
#[graphql(name = "Certification")]
pub(crate) struct CertificationObject {
    code: String,
    title: String,
}

/// A skill taught by an offer, up to a level.
pub(crate) struct TaughtSkillObject(TaughtSkill);

#[Object(name = "TaughtSkill")]
impl TaughtSkillObject {
    async fn skill(&self, context: &Context<'_>) -> async_graphql::Result<SkillObject> {
        skill_of(context, self.0.skill_id).await
    }
    /// Target level, 1 (notions) to 5 (expert).
    async fn level(&self) -> i32 {
        i32::from(self.0.level.get())
    }
}

async fn skill_of(
    context: &Context<'_>,
    id: domain::SkillId,
) -> async_graphql::Result<SkillObject> {
    let skill = loader(context).load_one(id).await.or_internal(context)?;
    skill
        .map(SkillObject)
        .ok_or_else(|| super::errors::internal(context, format!("skill {id} is missing")))
}

/// One run of a training offer.
pub(crate) struct TrainingSessionObject(pub TrainingSession);

#[Object(name = "TrainingSession")]
impl TrainingSessionObject {
    async fn id(&self) -> ID {
        global_id(NodeKind::TrainingSession, self.0.id.as_uuid())
    }
    async fn start_date(&self) -> Date {
        Date(self.0.dates.start())
    }
    async fn end_date(&self) -> Date {
        Date(self.0.dates.end())
    }
    /// Where it takes place; null for a remote session.
    async fn place(&self, context: &Context<'_>) -> async_graphql::Result<Option<PlaceObject>> {
        place(context, self.0.place.as_ref()).await
    }
    async fn seats(&self) -> Option<i32> {
        self.0
            .seats
            .map(|seats| i32::try_from(seats).unwrap_or(i32::MAX))
    }
    async fn seats_left(&self) -> Option<i32> {
        self.0
            .seats_left()
            .map(|seats| i32::try_from(seats).unwrap_or(i32::MAX))
    }
}

/// A training offer of a provider.
pub(crate) struct TrainingOfferObject(pub TrainingOffer);

impl TrainingOfferObject {
    async fn sessions_of(
        &self,
        context: &Context<'_>,
    ) -> async_graphql::Result<Vec<TrainingSession>> {
        Ok(loader(context)
            .load_one(SessionsOf(self.0.id))
            .await
            .or_internal(context)?
            .unwrap_or_default())
    }
}

#[Object(name = "TrainingOffer")]
impl TrainingOfferObject {
    async fn id(&self) -> ID {
        global_id(NodeKind::TrainingOffer, self.0.id.as_uuid())
    }
    async fn slug(&self) -> &str {
        self.0.slug.as_str()
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn summary(&self) -> &str {
        &self.0.summary
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    async fn provider(&self, context: &Context<'_>) -> async_graphql::Result<OrganisationObject> {
        let provider = loader(context)
            .load_one(self.0.provider_id)
            .await
            .or_internal(context)?;
        provider.map(OrganisationObject).ok_or_else(|| {
            super::errors::internal(
                context,
                format!(
                    "provider {} of offer {} is missing",
                    self.0.provider_id, self.0.id
                ),
            )
        })
    }
    async fn skills(&self, context: &Context<'_>) -> async_graphql::Result<Vec<TaughtSkillObject>> {
        let taught = loader(context)
            .load_one(TaughtBy(self.0.id))
            .await
            .or_internal(context)?
            .unwrap_or_default();
        Ok(taught.into_iter().map(TaughtSkillObject).collect())
    }
    async fn prerequisites(&self) -> Option<&str> {
        self.0.prerequisites.as_deref()
    }
    async fn modality(&self) -> ModalityValue {
        self.0.modality.into()
    }
    async fn duration_hours(&self) -> i32 {
        i32::try_from(self.0.duration_hours).unwrap_or(i32::MAX)
    }
    /// Price per trainee, taxes included; null when on quotation.
    async fn price(&self) -> Option<MoneyObject> {
        self.0.price.map(MoneyObject::from)
    }
    async fn registration_url(&self) -> Option<&str> {
        self.0.registration_url.as_deref()
    }
    /// Whether it can be paid with a CPF (Compte personnel de formation).
    async fn cpf_eligible(&self) -> bool {
        self.0.cpf_eligible
    }
    async fn certification(&self) -> Option<CertificationObject> {
        self.0
            .certification
            .as_ref()
            .map(|certification| CertificationObject {
                code: certification.code.clone(),
                title: certification.title.clone(),
            })
    }
    /// Language of the training, ISO 639-1 (fr, en).
    async fn language(&self) -> &str {
        &self.0.language
    }
    async fn status(&self) -> OfferStatusValue {
        self.0.status.into()
    }
    /// Sessions by start date.
    async fn sessions(
        &self,
        context: &Context<'_>,
    ) -> async_graphql::Result<Vec<TrainingSessionObject>> {
        Ok(self
            .sessions_of(context)
            .await?
            .into_iter()
            .map(TrainingSessionObject)
            .collect())
    }
    /// The first session that has not started yet.
    async fn next_session(
        &self,
        context: &Context<'_>,
    ) -> async_graphql::Result<Option<TrainingSessionObject>> {
        let today = chrono::Utc::now().date_naive();
        let sessions = self.sessions_of(context).await?;
        Ok(sessions
            .into_iter()
            .find(|session| session.is_upcoming(today))
            .map(TrainingSessionObject))
    }
    /// Increases with every change; pass it back as `expectedVersion` when updating.
    async fn version(&self) -> i32 {
        i32::try_from(self.0.version).unwrap_or(i32::MAX)
    }
    async fn published_at(&self) -> Option<DateTime> {
        self.0.published_at.map(DateTime)
    }
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
}

/// A skill a profile holds.
pub(crate) struct ProfileSkillObject(ProfileSkill);

#[Object(name = "ProfileSkill")]
impl ProfileSkillObject {
    async fn skill(&self, context: &Context<'_>) -> async_graphql::Result<SkillObject> {
        skill_of(context, self.0.skill_id).await
    }
    /// 1 (notions) to 5 (expert).
    async fn level(&self) -> i32 {
        i32::from(self.0.level.get())
    }
    /// Years of practice.
    async fn years(&self) -> Option<i32> {
        self.0.years.map(i32::from)
    }
}

/// The skills of a person or a provider's expert.
pub(crate) struct SkillProfileObject(pub SkillProfile);

#[Object(name = "SkillProfile")]
impl SkillProfileObject {
    async fn id(&self) -> ID {
        global_id(NodeKind::SkillProfile, self.0.id.as_uuid())
    }
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }
    async fn headline(&self) -> &str {
        &self.0.headline
    }
    async fn summary(&self) -> Option<&str> {
        self.0.summary.as_deref()
    }
    async fn place(&self, context: &Context<'_>) -> async_graphql::Result<Option<PlaceObject>> {
        place(context, self.0.place.as_ref()).await
    }
    /// Whether the person works remotely.
    async fn remote(&self) -> bool {
        self.0.remote
    }
    async fn available_from(&self) -> Option<Date> {
        self.0.available_from.map(Date)
    }
    async fn daily_rate(&self) -> Option<MoneyObject> {
        self.0.daily_rate.map(MoneyObject::from)
    }
    /// Strongest first.
    async fn skills(
        &self,
        context: &Context<'_>,
    ) -> async_graphql::Result<Vec<ProfileSkillObject>> {
        let held = loader(context)
            .load_one(HeldBy(self.0.id))
            .await
            .or_internal(context)?
            .unwrap_or_default();
        Ok(held.into_iter().map(ProfileSkillObject).collect())
    }
    async fn visibility(&self) -> VisibilityValue {
        self.0.visibility.into()
    }
    /// Shown to signed-in users only.
    async fn contact_email(&self, context: &Context<'_>) -> Option<&str> {
        reader(context)
            .can_see_contact_details()
            .then(|| self.0.contact_email.as_ref().map(domain::Email::as_str))
            .flatten()
    }
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
}

/// A user account.
pub(crate) struct UserObject(pub User);

#[Object(name = "User")]
impl UserObject {
    async fn id(&self) -> ID {
        global_id(NodeKind::User, self.0.id.as_uuid())
    }
    async fn email(&self) -> &str {
        self.0.email.as_str()
    }
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }
    async fn memberships(
        &self,
        context: &Context<'_>,
    ) -> async_graphql::Result<Vec<MembershipObject>> {
        let memberships = loader(context)
            .load_one(MembershipsOf(self.0.id))
            .await
            .or_internal(context)?;
        Ok(memberships
            .unwrap_or_default()
            .into_iter()
            .map(MembershipObject)
            .collect())
    }
    async fn skill_profile(
        &self,
        context: &Context<'_>,
    ) -> async_graphql::Result<Option<SkillProfileObject>> {
        Ok(loader(context)
            .load_one(ProfileOf(self.0.id))
            .await
            .or_internal(context)?
            .map(SkillProfileObject))
    }
}

/// A user's role in an organisation.
pub(crate) struct MembershipObject(Membership);

#[Object(name = "Membership")]
impl MembershipObject {
    async fn organisation(
        &self,
        context: &Context<'_>,
    ) -> async_graphql::Result<OrganisationObject> {
        let organisation = loader(context)
            .load_one(self.0.organisation_id)
            .await
            .or_internal(context)?;
        organisation.map(OrganisationObject).ok_or_else(|| {
            super::errors::internal(
                context,
                format!("organisation {} is missing", self.0.organisation_id),
            )
        })
    }
    async fn role(&self) -> MemberRoleValue {
        self.0.role.into()
    }
}
