//! The read side of the catalogue: look-ups by key for batched loaders, and stable, cursor
//! paginated lists.
//!
//! Every function that returns offers or profiles takes the visibility rules into account
//! (no drafts, no hidden profiles), so that no path can leak them.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use passerelle_domain::catalogue::{
    Membership, Organisation, Place, ProfileSkill, Skill, SkillProfile, TaughtSkill, TrainingOffer,
    TrainingSession, User,
};
use passerelle_domain::{
    InseeCode, OfferStatus, OrganisationId, Reader, SkillId, SkillProfileId, Slug, TrainingOfferId,
    TrainingSessionId, UserId, Visibility, fold_for_search,
};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, LikeExpr, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, IdenStatic, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::entities::{
    commune, membership, organisation, organisation_skill, profile_skill, skill, skill_profile,
    taught_skill, training_offer, training_session, user,
};
use crate::{OfferCursor, Page, PageRequest, Store, StoreError, records};

/// Which training offers a list holds.
#[derive(Debug, Clone, PartialEq)]
pub struct OfferFilter {
    /// Statuses to list; DRAFT lists only the drafts the reader may see.
    pub statuses: Vec<OfferStatus>,
    pub updated_since: Option<DateTime<Utc>>,
    /// Department codes: the provider or one of the sessions is there.
    pub departments: Vec<String>,
    /// Each group is a skill and its narrower skills; an offer must teach one skill of every
    /// group.
    pub skill_groups: Vec<Vec<SkillId>>,
    pub provider: Option<OrganisationId>,
    /// Offers teaching exactly this skill.
    pub teaching: Option<SkillId>,
    pub order: OfferOrder,
}

impl Default for OfferFilter {
    fn default() -> Self {
        Self {
            statuses: vec![OfferStatus::Published],
            updated_since: None,
            departments: Vec::new(),
            skill_groups: Vec::new(),
            provider: None,
            teaching: None,
            order: OfferOrder::Created,
        }
    }
}

/// The order of an offer list, which its cursors follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferOrder {
    /// By identifier, that is by creation time.
    Created,
    /// By (updated_at, id), so that a mirror can resume from the last change it saw.
    Updated,
}

fn convert_all<Row, Record>(
    rows: Vec<Row>,
    convert: impl Fn(Row) -> Result<Record, StoreError>,
) -> Result<Vec<Record>, StoreError> {
    rows.into_iter().map(convert).collect()
}

/// Converts rows and indexes the records by a key.
fn keyed<Row, Record, Key: Eq + std::hash::Hash>(
    rows: Vec<Row>,
    convert: impl Fn(Row) -> Result<Record, StoreError>,
    key: impl Fn(&Record) -> Key,
) -> Result<HashMap<Key, Record>, StoreError> {
    Ok(convert_all(rows, convert)?
        .into_iter()
        .map(|record| (key(&record), record))
        .collect())
}

/// Converts rows and groups the records by a key, keeping the order of the rows.
fn grouped<Row, Record, Key: Eq + std::hash::Hash>(
    rows: Vec<Row>,
    convert: impl Fn(Row) -> Result<Record, StoreError>,
    key: impl Fn(&Record) -> Key,
) -> Result<HashMap<Key, Vec<Record>>, StoreError> {
    let mut groups: HashMap<Key, Vec<Record>> = HashMap::new();
    for record in convert_all(rows, convert)? {
        groups.entry(key(&record)).or_default().push(record);
    }
    Ok(groups)
}

fn uuids<T: Copy>(ids: &[T], as_uuid: impl Fn(T) -> Uuid) -> Vec<Uuid> {
    let mut uuids: Vec<Uuid> = ids.iter().map(|id| as_uuid(*id)).collect();
    uuids.sort_unstable();
    uuids.dedup();
    uuids
}

fn status_codes(statuses: &[OfferStatus]) -> Vec<&'static str> {
    statuses.iter().map(|status| status.code()).collect()
}

/// The offers `reader` may see: published and archived ones, plus drafts of the reader's own
/// organisations (the rule of [`Reader::can_read_offer`], as SQL).
pub(crate) fn readable_offers(reader: &Reader) -> Condition {
    let mut readable = Condition::any().add(
        training_offer::Column::Status
            .is_in([OfferStatus::Published.code(), OfferStatus::Archived.code()]),
    );
    let organisations = reader.organisations();
    if !organisations.is_empty() {
        readable = readable.add(
            training_offer::Column::ProviderId.is_in(uuids(&organisations, |id| id.as_uuid())),
        );
    }
    readable
}

/// The profiles `reader` may see (the rule of [`Reader::can_see_profile`], as SQL).
pub(crate) fn visible_profiles(reader: &Reader) -> Condition {
    let mut visible =
        Condition::any().add(skill_profile::Column::Visibility.eq(Visibility::Public.code()));
    if let Some(user) = reader.user() {
        visible = visible
            .add(skill_profile::Column::Visibility.eq(Visibility::Members.code()))
            .add(skill_profile::Column::UserId.eq(user.as_uuid()));
    }
    visible
}

/// Escapes LIKE wildcards in user text.
fn like_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

impl Store {
    pub async fn skills_by_ids(
        &self,
        ids: &[SkillId],
    ) -> Result<HashMap<SkillId, Skill>, StoreError> {
        // No statement for no ids, here and in the other `*_by_ids`: a search page or an
        // indexer step often has none of some kind.
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let rows = skill::Entity::find()
            .filter(skill::Column::Id.is_in(uuids(ids, |id| id.as_uuid())))
            .all(self.connection())
            .await?;
        keyed(rows, records::skill, |skill| skill.id)
    }

    pub async fn skill_by_slug(&self, slug: &str) -> Result<Option<Skill>, StoreError> {
        let row = skill::Entity::find()
            .filter(skill::Column::Slug.eq(slug))
            .one(self.connection())
            .await?;
        row.map(records::skill).transpose()
    }

    /// Skills by slug; slugs that name no skill are absent from the result.
    pub async fn skills_by_slugs(
        &self,
        slugs: &[String],
    ) -> Result<HashMap<String, Skill>, StoreError> {
        let rows = skill::Entity::find()
            .filter(skill::Column::Slug.is_in(slugs.iter().cloned()))
            .all(self.connection())
            .await?;
        keyed(rows, records::skill, |skill| skill.slug.as_str().to_owned())
    }

    /// The narrower skills of each parent, ordered by slug.
    pub async fn narrower_skills(
        &self,
        parents: &[SkillId],
    ) -> Result<HashMap<SkillId, Vec<Skill>>, StoreError> {
        let rows = skill::Entity::find()
            .filter(skill::Column::BroaderId.is_in(uuids(parents, |id| id.as_uuid())))
            .order_by_asc(skill::Column::Slug)
            .all(self.connection())
            .await?;
        let mut narrower: HashMap<SkillId, Vec<Skill>> = HashMap::new();
        for skill in convert_all(rows, records::skill)? {
            if let Some(parent) = skill.broader_id {
                narrower.entry(parent).or_default().push(skill);
            }
        }
        Ok(narrower)
    }

    /// Each skill with every skill below it in the taxonomy, itself included.
    pub async fn skills_and_descendants(
        &self,
        roots: &[SkillId],
    ) -> Result<Vec<Vec<SkillId>>, StoreError> {
        let edges: Vec<(Uuid, Option<Uuid>)> = skill::Entity::find()
            .select_only()
            .column(skill::Column::Id)
            .column(skill::Column::BroaderId)
            .into_tuple()
            .all(self.connection())
            .await?;
        let mut children: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        for (child, parent) in edges {
            if let Some(parent) = parent {
                children.entry(parent).or_default().push(child);
            }
        }
        Ok(roots
            .iter()
            .map(|root| {
                let mut group = vec![root.as_uuid()];
                let mut next = 0;
                while next < group.len() {
                    if let Some(below) = children.get(&group[next]) {
                        group.extend(
                            below
                                .iter()
                                .filter(|id| !group.contains(id))
                                .copied()
                                .collect::<Vec<_>>(),
                        );
                    }
                    next += 1;
                }
                group.into_iter().map(SkillId::from_uuid).collect()
            })
            .collect())
    }

    /// Skills ordered by slug, optionally those whose label or synonym (French or English)
    /// contains `label`, accents and case ignored.
    pub async fn list_skills(
        &self,
        label: Option<&str>,
        page: PageRequest<Slug>,
    ) -> Result<Page<Skill>, StoreError> {
        let mut condition = Condition::all();
        if let Some(label) = label
            .map(fold_for_search)
            .filter(|label| !label.trim().is_empty())
        {
            condition = condition.add(
                Expr::col(skill::Column::SearchText)
                    .like(LikeExpr::new(like_pattern(label.trim())).escape('\\')),
            );
        }
        let total_count = skill::Entity::find()
            .filter(condition.clone())
            .count(self.connection())
            .await?;
        if let Some(after) = &page.after {
            condition = condition.add(skill::Column::Slug.gt(after.as_str()));
        }
        let rows = skill::Entity::find()
            .filter(condition)
            .order_by_asc(skill::Column::Slug)
            .limit(page.first + 1)
            .all(self.connection())
            .await?;
        Ok(Page::from_rows(
            convert_all(rows, records::skill)?,
            page.first,
            total_count,
        ))
    }

    pub async fn places(
        &self,
        codes: &[InseeCode],
    ) -> Result<HashMap<InseeCode, Place>, StoreError> {
        let mut codes: Vec<&str> = codes.iter().map(InseeCode::as_str).collect();
        codes.sort_unstable();
        codes.dedup();
        let rows = commune::Entity::find()
            .filter(commune::Column::InseeCode.is_in(codes))
            .all(self.connection())
            .await?;
        keyed(rows, records::place, |place| place.insee_code.clone())
    }

    pub async fn organisations_by_ids(
        &self,
        ids: &[OrganisationId],
    ) -> Result<HashMap<OrganisationId, Organisation>, StoreError> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let rows = organisation::Entity::find()
            .filter(organisation::Column::Id.is_in(uuids(ids, |id| id.as_uuid())))
            .all(self.connection())
            .await?;
        keyed(rows, records::organisation, |organisation| organisation.id)
    }

    pub async fn organisation_by_slug(
        &self,
        slug: &str,
    ) -> Result<Option<Organisation>, StoreError> {
        let row = organisation::Entity::find()
            .filter(organisation::Column::Slug.eq(slug))
            .one(self.connection())
            .await?;
        row.map(records::organisation).transpose()
    }

    /// Organisations ordered by slug.
    pub async fn list_organisations(
        &self,
        page: PageRequest<Slug>,
    ) -> Result<Page<Organisation>, StoreError> {
        let total_count = organisation::Entity::find()
            .count(self.connection())
            .await?;
        let mut query = organisation::Entity::find();
        if let Some(after) = &page.after {
            query = query.filter(organisation::Column::Slug.gt(after.as_str()));
        }
        let rows = query
            .order_by_asc(organisation::Column::Slug)
            .limit(page.first + 1)
            .all(self.connection())
            .await?;
        Ok(Page::from_rows(
            convert_all(rows, records::organisation)?,
            page.first,
            total_count,
        ))
    }

    /// The skills each organisation declares.
    pub async fn organisation_skill_ids(
        &self,
        organisations: &[OrganisationId],
    ) -> Result<HashMap<OrganisationId, Vec<SkillId>>, StoreError> {
        let rows = organisation_skill::Entity::find()
            .filter(
                organisation_skill::Column::OrganisationId
                    .is_in(uuids(organisations, |id| id.as_uuid())),
            )
            .all(self.connection())
            .await?;
        let mut skills: HashMap<OrganisationId, Vec<SkillId>> = HashMap::new();
        for row in rows {
            skills
                .entry(row.organisation_id.into())
                .or_default()
                .push(row.skill_id.into());
        }
        Ok(skills)
    }

    /// Offers by identifier, without those the reader may not see.
    pub async fn offers_by_ids(
        &self,
        reader: &Reader,
        ids: &[TrainingOfferId],
    ) -> Result<HashMap<TrainingOfferId, TrainingOffer>, StoreError> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let rows = training_offer::Entity::find()
            .filter(training_offer::Column::Id.is_in(uuids(ids, |id| id.as_uuid())))
            .filter(readable_offers(reader))
            .all(self.connection())
            .await?;
        keyed(rows, records::training_offer, |offer| offer.id)
    }

    pub async fn offer_by_slug(
        &self,
        reader: &Reader,
        slug: &str,
    ) -> Result<Option<TrainingOffer>, StoreError> {
        let row = training_offer::Entity::find()
            .filter(training_offer::Column::Slug.eq(slug))
            .filter(readable_offers(reader))
            .one(self.connection())
            .await?;
        row.map(records::training_offer).transpose()
    }

    fn offer_condition(reader: &Reader, filter: &OfferFilter) -> Condition {
        let mut condition = Condition::all()
            .add(training_offer::Column::Status.is_in(status_codes(&filter.statuses)))
            .add(readable_offers(reader));
        if let Some(since) = filter.updated_since {
            condition = condition.add(training_offer::Column::UpdatedAt.gte(since));
        }
        if !filter.departments.is_empty() {
            let communes = Query::select()
                .column(commune::Column::InseeCode)
                .from(commune::Entity)
                .and_where(
                    commune::Column::DepartmentCode.is_in(filter.departments.iter().cloned()),
                )
                .to_owned();
            let providers = Query::select()
                .column(organisation::Column::Id)
                .from(organisation::Entity)
                .and_where(organisation::Column::InseeCode.in_subquery(communes.clone()))
                .to_owned();
            let sessions = Query::select()
                .column(training_session::Column::OfferId)
                .from(training_session::Entity)
                .and_where(training_session::Column::InseeCode.in_subquery(communes))
                .to_owned();
            condition = condition.add(
                Condition::any()
                    .add(training_offer::Column::ProviderId.in_subquery(providers))
                    .add(training_offer::Column::Id.in_subquery(sessions)),
            );
        }
        for group in &filter.skill_groups {
            let teaching = Query::select()
                .column(taught_skill::Column::OfferId)
                .from(taught_skill::Entity)
                .and_where(taught_skill::Column::SkillId.is_in(uuids(group, |id| id.as_uuid())))
                .to_owned();
            condition = condition.add(training_offer::Column::Id.in_subquery(teaching));
        }
        if let Some(provider) = filter.provider {
            condition = condition.add(training_offer::Column::ProviderId.eq(provider.as_uuid()));
        }
        if let Some(skill) = filter.teaching {
            let teaching = Query::select()
                .column(taught_skill::Column::OfferId)
                .from(taught_skill::Entity)
                .and_where(taught_skill::Column::SkillId.eq(skill.as_uuid()))
                .to_owned();
            condition = condition.add(training_offer::Column::Id.in_subquery(teaching));
        }
        condition
    }

    /// A page of offers in the filter's order.
    pub async fn list_offers(
        &self,
        reader: &Reader,
        filter: &OfferFilter,
        page: PageRequest<OfferCursor>,
    ) -> Result<Page<TrainingOffer>, StoreError> {
        let condition = Self::offer_condition(reader, filter);
        let total_count = training_offer::Entity::find()
            .filter(condition.clone())
            .count(self.connection())
            .await?;
        let mut query = training_offer::Entity::find().filter(condition);
        query = match page.after {
            None => query,
            Some(OfferCursor::Id(after)) => {
                query.filter(training_offer::Column::Id.gt(after.as_uuid()))
            }
            Some(OfferCursor::Updated(at, after)) => query.filter(
                Condition::any()
                    .add(training_offer::Column::UpdatedAt.gt(at))
                    .add(
                        Condition::all()
                            .add(training_offer::Column::UpdatedAt.eq(at))
                            .add(training_offer::Column::Id.gt(after.as_uuid())),
                    ),
            ),
        };
        query = match filter.order {
            OfferOrder::Created => query.order_by_asc(training_offer::Column::Id),
            OfferOrder::Updated => query
                .order_by_asc(training_offer::Column::UpdatedAt)
                .order_by_asc(training_offer::Column::Id),
        };
        let rows = query.limit(page.first + 1).all(self.connection()).await?;
        Ok(Page::from_rows(
            convert_all(rows, records::training_offer)?,
            page.first,
            total_count,
        ))
    }

    /// The first `first + 1` members of each parent, ordered by member, with the number of
    /// members of each parent. `member` and `parent` are two columns of `E`, whose rows are
    /// restricted by `condition`. Two statements whatever the number of parents (a
    /// `ROW_NUMBER() OVER (PARTITION BY parent)` ranking and a grouped count): this is what keeps
    /// nested connections free of N+1 queries.
    async fn first_of_each<E: EntityTrait>(
        &self,
        member: E::Column,
        parent: E::Column,
        condition: Condition,
        first: u64,
    ) -> Result<(Vec<(Uuid, Uuid)>, HashMap<Uuid, u64>), StoreError> {
        let position = format!(
            "ROW_NUMBER() OVER (PARTITION BY {} ORDER BY {})",
            parent.as_str(),
            member.as_str()
        );
        let ranked = Query::select()
            .expr_as(Expr::col(member), Alias::new("id"))
            .expr_as(Expr::col(parent), Alias::new("parent"))
            .expr_as(Expr::cust(position), Alias::new("position"))
            .from(E::default())
            .cond_where(condition.clone())
            .to_owned();
        let query = Query::select()
            .column(Alias::new("id"))
            .column(Alias::new("parent"))
            .from_subquery(ranked, Alias::new("ranked"))
            .and_where(Expr::col(Alias::new("position")).lte(first + 1))
            .order_by(Alias::new("parent"), sea_orm::Order::Asc)
            .order_by(Alias::new("position"), sea_orm::Order::Asc)
            .to_owned();
        let counts = Query::select()
            .expr_as(Expr::col(parent), Alias::new("parent"))
            .expr_as(Expr::cust("COUNT(*)"), Alias::new("total"))
            .from(E::default())
            .cond_where(condition)
            .group_by_col(parent)
            .to_owned();
        let mut members = Vec::new();
        for row in self.connection().query_all(&query).await? {
            members.push((
                row.try_get::<Uuid>("", "parent")?,
                row.try_get::<Uuid>("", "id")?,
            ));
        }
        let mut totals = HashMap::new();
        for row in self.connection().query_all(&counts).await? {
            let total: i64 = row.try_get("", "total")?;
            totals.insert(
                row.try_get::<Uuid>("", "parent")?,
                u64::try_from(total).unwrap_or(0),
            );
        }
        Ok((members, totals))
    }

    fn pages_from<Parent, Item: Clone>(
        parents: &[Parent],
        as_uuid: impl Fn(Parent) -> Uuid,
        members: &[(Uuid, Uuid)],
        totals: &HashMap<Uuid, u64>,
        items: &HashMap<Uuid, Item>,
        first: u64,
    ) -> HashMap<Parent, Page<Item>>
    where
        Parent: Copy + Eq + std::hash::Hash,
    {
        parents
            .iter()
            .map(|parent| {
                let key = as_uuid(*parent);
                let rows: Vec<Item> = members
                    .iter()
                    .filter(|(member_parent, _)| *member_parent == key)
                    .filter_map(|(_, id)| items.get(id).cloned())
                    .collect();
                (
                    *parent,
                    Page::from_rows(rows, first, totals.get(&key).copied().unwrap_or(0)),
                )
            })
            .collect()
    }

    async fn offers_keyed_by_uuid(
        &self,
        ids: Vec<Uuid>,
    ) -> Result<HashMap<Uuid, TrainingOffer>, StoreError> {
        let rows = training_offer::Entity::find()
            .filter(training_offer::Column::Id.is_in(ids))
            .all(self.connection())
            .await?;
        keyed(rows, records::training_offer, |offer| offer.id.as_uuid())
    }

    /// The first page of offers of each provider, in creation order.
    pub async fn first_offers_of_providers(
        &self,
        reader: &Reader,
        providers: &[OrganisationId],
        statuses: &[OfferStatus],
        first: u64,
    ) -> Result<HashMap<OrganisationId, Page<TrainingOffer>>, StoreError> {
        let condition = Condition::all()
            .add(training_offer::Column::ProviderId.is_in(uuids(providers, |id| id.as_uuid())))
            .add(training_offer::Column::Status.is_in(status_codes(statuses)))
            .add(readable_offers(reader));
        let (members, totals) = self
            .first_of_each::<training_offer::Entity>(
                training_offer::Column::Id,
                training_offer::Column::ProviderId,
                condition,
                first,
            )
            .await?;
        let offers = self
            .offers_keyed_by_uuid(members.iter().map(|(_, id)| *id).collect())
            .await?;
        Ok(Self::pages_from(
            providers,
            |id| id.as_uuid(),
            &members,
            &totals,
            &offers,
            first,
        ))
    }

    /// The first page of published offers teaching each skill, in creation order.
    pub async fn first_offers_teaching(
        &self,
        skills: &[SkillId],
        first: u64,
    ) -> Result<HashMap<SkillId, Page<TrainingOffer>>, StoreError> {
        let published = Query::select()
            .column(training_offer::Column::Id)
            .from(training_offer::Entity)
            .and_where(training_offer::Column::Status.eq(OfferStatus::Published.code()))
            .to_owned();
        let condition = Condition::all()
            .add(taught_skill::Column::SkillId.is_in(uuids(skills, |id| id.as_uuid())))
            .add(taught_skill::Column::OfferId.in_subquery(published));
        let (members, totals) = self
            .first_of_each::<taught_skill::Entity>(
                taught_skill::Column::OfferId,
                taught_skill::Column::SkillId,
                condition,
                first,
            )
            .await?;
        let offers = self
            .offers_keyed_by_uuid(members.iter().map(|(_, id)| *id).collect())
            .await?;
        Ok(Self::pages_from(
            skills,
            |id| id.as_uuid(),
            &members,
            &totals,
            &offers,
            first,
        ))
    }

    /// The skills each offer teaches, by slug order of insertion.
    pub async fn taught_skills(
        &self,
        offers: &[TrainingOfferId],
    ) -> Result<HashMap<TrainingOfferId, Vec<TaughtSkill>>, StoreError> {
        let rows = taught_skill::Entity::find()
            .filter(taught_skill::Column::OfferId.is_in(uuids(offers, |id| id.as_uuid())))
            .order_by_desc(taught_skill::Column::Level)
            .order_by_asc(taught_skill::Column::SkillId)
            .all(self.connection())
            .await?;
        grouped(rows, records::taught_skill, |skill| skill.offer_id)
    }

    /// The sessions of each offer, by start date.
    pub async fn sessions_of_offers(
        &self,
        offers: &[TrainingOfferId],
    ) -> Result<HashMap<TrainingOfferId, Vec<TrainingSession>>, StoreError> {
        let rows = training_session::Entity::find()
            .filter(training_session::Column::OfferId.is_in(uuids(offers, |id| id.as_uuid())))
            .order_by_asc(training_session::Column::StartDate)
            .order_by_asc(training_session::Column::Id)
            .all(self.connection())
            .await?;
        grouped(rows, records::training_session, |session| session.offer_id)
    }

    /// Sessions by identifier, only those of offers the reader may see.
    pub async fn sessions_by_ids(
        &self,
        reader: &Reader,
        ids: &[TrainingSessionId],
    ) -> Result<HashMap<TrainingSessionId, TrainingSession>, StoreError> {
        let readable_offers = Query::select()
            .column(training_offer::Column::Id)
            .from(training_offer::Entity)
            .cond_where(readable_offers(reader))
            .to_owned();
        let rows = training_session::Entity::find()
            .filter(training_session::Column::Id.is_in(uuids(ids, |id| id.as_uuid())))
            .filter(training_session::Column::OfferId.in_subquery(readable_offers))
            .all(self.connection())
            .await?;
        keyed(rows, records::training_session, |session| session.id)
    }

    /// Profiles by identifier, without those the reader may not see.
    pub async fn profiles_by_ids(
        &self,
        reader: &Reader,
        ids: &[SkillProfileId],
    ) -> Result<HashMap<SkillProfileId, SkillProfile>, StoreError> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let rows = skill_profile::Entity::find()
            .filter(skill_profile::Column::Id.is_in(uuids(ids, |id| id.as_uuid())))
            .filter(visible_profiles(reader))
            .all(self.connection())
            .await?;
        keyed(rows, records::skill_profile, |profile| profile.id)
    }

    /// The profile of each user, when the reader may see it.
    pub async fn profiles_of_users(
        &self,
        reader: &Reader,
        users: &[UserId],
    ) -> Result<HashMap<UserId, SkillProfile>, StoreError> {
        let rows = skill_profile::Entity::find()
            .filter(skill_profile::Column::UserId.is_in(uuids(users, |id| id.as_uuid())))
            .filter(visible_profiles(reader))
            .all(self.connection())
            .await?;
        keyed(rows, records::skill_profile, |profile| profile.user_id)
    }

    /// The skills of each profile, strongest first.
    pub async fn profile_skills(
        &self,
        profiles: &[SkillProfileId],
    ) -> Result<HashMap<SkillProfileId, Vec<ProfileSkill>>, StoreError> {
        let rows = profile_skill::Entity::find()
            .filter(profile_skill::Column::ProfileId.is_in(uuids(profiles, |id| id.as_uuid())))
            .order_by_desc(profile_skill::Column::Level)
            .order_by_asc(profile_skill::Column::SkillId)
            .all(self.connection())
            .await?;
        grouped(rows, records::profile_skill, |skill| skill.profile_id)
    }

    fn profiles_holding(reader: &Reader, skill: Uuid) -> Condition {
        let holders = Query::select()
            .column(profile_skill::Column::ProfileId)
            .from(profile_skill::Entity)
            .and_where(profile_skill::Column::SkillId.eq(skill))
            .to_owned();
        Condition::all()
            .add(skill_profile::Column::Id.in_subquery(holders))
            .add(visible_profiles(reader))
    }

    /// A page of the profiles holding a skill, in creation order.
    pub async fn list_profiles_with_skill(
        &self,
        reader: &Reader,
        skill: SkillId,
        page: PageRequest<SkillProfileId>,
    ) -> Result<Page<SkillProfile>, StoreError> {
        let condition = Self::profiles_holding(reader, skill.as_uuid());
        let total_count = skill_profile::Entity::find()
            .filter(condition.clone())
            .count(self.connection())
            .await?;
        let mut query = skill_profile::Entity::find().filter(condition);
        if let Some(after) = page.after {
            query = query.filter(skill_profile::Column::Id.gt(after.as_uuid()));
        }
        let rows = query
            .order_by_asc(skill_profile::Column::Id)
            .limit(page.first + 1)
            .all(self.connection())
            .await?;
        Ok(Page::from_rows(
            convert_all(rows, records::skill_profile)?,
            page.first,
            total_count,
        ))
    }

    /// The first page of visible profiles holding each skill, in creation order.
    pub async fn first_profiles_with_skills(
        &self,
        reader: &Reader,
        skills: &[SkillId],
        first: u64,
    ) -> Result<HashMap<SkillId, Page<SkillProfile>>, StoreError> {
        let visible = Query::select()
            .column(skill_profile::Column::Id)
            .from(skill_profile::Entity)
            .cond_where(visible_profiles(reader))
            .to_owned();
        let condition = Condition::all()
            .add(profile_skill::Column::SkillId.is_in(uuids(skills, |id| id.as_uuid())))
            .add(profile_skill::Column::ProfileId.in_subquery(visible));
        let (members, totals) = self
            .first_of_each::<profile_skill::Entity>(
                profile_skill::Column::ProfileId,
                profile_skill::Column::SkillId,
                condition,
                first,
            )
            .await?;
        let rows = skill_profile::Entity::find()
            .filter(
                skill_profile::Column::Id
                    .is_in(members.iter().map(|(_, id)| *id).collect::<Vec<_>>()),
            )
            .all(self.connection())
            .await?;
        let profiles = keyed(rows, records::skill_profile, |profile| profile.id.as_uuid())?;
        Ok(Self::pages_from(
            skills,
            |id| id.as_uuid(),
            &members,
            &totals,
            &profiles,
            first,
        ))
    }

    pub async fn users_by_ids(&self, ids: &[UserId]) -> Result<HashMap<UserId, User>, StoreError> {
        let rows = user::Entity::find()
            .filter(user::Column::Id.is_in(uuids(ids, |id| id.as_uuid())))
            .all(self.connection())
            .await?;
        keyed(rows, records::user, |user| user.id)
    }

    pub async fn memberships_of_users(
        &self,
        users: &[UserId],
    ) -> Result<HashMap<UserId, Vec<Membership>>, StoreError> {
        let rows = membership::Entity::find()
            .filter(membership::Column::UserId.is_in(uuids(users, |id| id.as_uuid())))
            .order_by_asc(membership::Column::CreatedAt)
            .all(self.connection())
            .await?;
        grouped(rows, records::membership, |membership| membership.user_id)
    }
}
