//! The read side of the public schema. Resolvers read their arguments, call the store (through
//! the batch loader where a list may repeat keys) and wrap the result.

use async_graphql::{Context, ID, InputObject, Object};
use passerelle_domain::{
    OfferStatus, OrganisationId, SkillId, SkillProfileId, TrainingOfferId, TrainingSessionId,
};
use passerelle_store::{OfferFilter, OfferOrder};

use super::errors::{OrInternal, bad_user_input};
use super::ids::{NodeKind, decode};
use super::pagination::{after_offer, after_slug, edges_of, page_size, request, slug_cursor};
use super::scalars::DateTime;
use super::types::{
    Node, OfferStatusValue, OrganisationConnection, OrganisationEdge, OrganisationObject,
    SkillConnection, SkillEdge, SkillObject, SkillProfileObject, TrainingOfferConnection,
    TrainingOfferObject, TrainingSessionObject, UserObject, loader, reader, store,
};

/// At most this many IDs in one `nodes` call.
const MAX_NODES: usize = 100;
/// At most this many values in a list filter.
const MAX_FILTER_VALUES: usize = 250;

#[derive(Debug, Default)]
pub struct Query;

/// Which training offers `trainingOffers` lists.
#[derive(Debug, InputObject)]
pub(crate) struct TrainingOfferFilter {
    /// PUBLISHED by default; ARCHIVED lets a mirror learn about withdrawn offers. DRAFT is never listed here.
    statuses: Option<Vec<OfferStatusValue>>,
    updated_since: Option<DateTime>,
    departments: Option<Vec<String>>,
    skills: Option<Vec<String>>,
}

fn bounded<'a>(name: &str, values: &'a Option<Vec<String>>) -> async_graphql::Result<&'a [String]> {
    let values = values.as_deref().unwrap_or_default();
    if values.len() > MAX_FILTER_VALUES {
        return Err(bad_user_input(format!(
            "filter.{name} takes at most {MAX_FILTER_VALUES} values"
        )));
    }
    Ok(values)
}

/// Turns the GraphQL filter into the store's, checking every value.
async fn offer_filter(
    context: &Context<'_>,
    filter: Option<TrainingOfferFilter>,
) -> async_graphql::Result<OfferFilter> {
    let Some(filter) = filter else {
        return Ok(OfferFilter::default());
    };
    let mut statuses: Vec<OfferStatus> = match &filter.statuses {
        None => vec![OfferStatus::Published],
        Some(statuses) => statuses.iter().copied().map(Into::into).collect(),
    };
    if statuses.contains(&OfferStatus::Draft) {
        return Err(bad_user_input(
            "filter.statuses: DRAFT offers are never listed; ask for PUBLISHED and/or ARCHIVED",
        ));
    }
    if statuses.is_empty() {
        statuses.push(OfferStatus::Published);
    }
    let departments = bounded("departments", &filter.departments)?;
    for department in departments {
        let well_formed = (2..=3).contains(&department.len())
            && department.chars().all(|c| c.is_ascii_alphanumeric());
        if !well_formed {
            return Err(bad_user_input(format!(
                "filter.departments: {department:?} is not a department code such as 34 or 2A"
            )));
        }
    }
    let slugs = bounded("skills", &filter.skills)?;
    let known = store(context)
        .skills_by_slugs(slugs)
        .await
        .or_internal(context)?;
    let mut roots = Vec::new();
    for slug in slugs {
        let skill = known.get(slug).ok_or_else(|| {
            bad_user_input(format!(
                "filter.skills: no skill has the slug {slug:?}; see the skills query"
            ))
        })?;
        roots.push(skill.id);
    }
    let skill_groups = store(context)
        .skills_and_descendants(&roots)
        .await
        .or_internal(context)?;
    Ok(OfferFilter {
        statuses,
        updated_since: filter.updated_since.map(|since| since.0),
        departments: departments.iter().map(|code| code.to_uppercase()).collect(),
        skill_groups,
        order: if filter.updated_since.is_some() {
            OfferOrder::Updated
        } else {
            OfferOrder::Created
        },
        ..OfferFilter::default()
    })
}

async fn load_node(context: &Context<'_>, id: &ID) -> async_graphql::Result<Option<Node>> {
    let (kind, uuid) = decode(id)?;
    let loader = loader(context);
    let node = match kind {
        NodeKind::Skill => loader
            .load_one(SkillId::from_uuid(uuid))
            .await
            .or_internal(context)?
            .map(|skill| Node::Skill(SkillObject(skill))),
        NodeKind::Organisation => loader
            .load_one(OrganisationId::from_uuid(uuid))
            .await
            .or_internal(context)?
            .map(|organisation| Node::Organisation(OrganisationObject(organisation))),
        NodeKind::TrainingOffer => loader
            .load_one(TrainingOfferId::from_uuid(uuid))
            .await
            .or_internal(context)?
            .map(|offer| Node::TrainingOffer(TrainingOfferObject(offer))),
        NodeKind::TrainingSession => loader
            .load_one(TrainingSessionId::from_uuid(uuid))
            .await
            .or_internal(context)?
            .map(|session| Node::TrainingSession(TrainingSessionObject(session))),
        NodeKind::SkillProfile => loader
            .load_one(SkillProfileId::from_uuid(uuid))
            .await
            .or_internal(context)?
            .map(|profile| Node::SkillProfile(SkillProfileObject(profile))),
        // Accounts are private: a user is readable only as `viewer`, once signed in.
        NodeKind::User => None,
    };
    Ok(node)
}

#[Object(name = "CatalogueQuery")]
impl Query {
    /// Any object by its global ID.
    async fn node(&self, context: &Context<'_>, id: ID) -> async_graphql::Result<Option<Node>> {
        load_node(context, &id).await
    }

    /// Objects by global ID, in the order asked; null where nothing visible has that ID.
    async fn nodes(
        &self,
        context: &Context<'_>,
        ids: Vec<ID>,
    ) -> async_graphql::Result<Vec<Option<Node>>> {
        if ids.len() > MAX_NODES {
            return Err(bad_user_input(format!(
                "nodes takes at most {MAX_NODES} ids, got {}",
                ids.len()
            )));
        }
        let lookups = ids.iter().map(|id| load_node(context, id));
        // Concurrently, so that the batch loader sees all their keys at once.
        async_graphql::futures_util::future::join_all(lookups)
            .await
            .into_iter()
            .collect()
    }

    /// The signed-in user; null when the request carries no valid token.
    async fn viewer(&self, context: &Context<'_>) -> async_graphql::Result<Option<UserObject>> {
        let services = context.data_unchecked::<crate::services::Services>();
        match services.viewer(reader(context)).await {
            Ok(user) => Ok(user.map(UserObject)),
            Err(error) => Err(super::errors::internal(context, error)),
        }
    }

    async fn skill(
        &self,
        context: &Context<'_>,
        slug: String,
    ) -> async_graphql::Result<Option<SkillObject>> {
        Ok(store(context)
            .skill_by_slug(&slug)
            .await
            .or_internal(context)?
            .map(SkillObject))
    }

    /// Skills by slug; `query` keeps those whose label or synonym contains it (French or
    /// English, accents and case ignored).
    async fn skills(
        &self,
        context: &Context<'_>,
        query: Option<String>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<SkillConnection> {
        let first = page_size(first)?;
        if query
            .as_ref()
            .is_some_and(|query| query.chars().count() > 100)
        {
            return Err(bad_user_input("query is limited to 100 characters"));
        }
        let after_position = after_slug(after.as_deref())?;
        let page = store(context)
            .list_skills(query.as_deref(), request(first, after_position))
            .await
            .or_internal(context)?;
        let (edges, page_info, total_count) = edges_of(
            page,
            after.is_some(),
            |skill| slug_cursor(&skill.slug),
            |cursor, skill| SkillEdge {
                cursor,
                node: SkillObject(skill),
            },
        );
        Ok(SkillConnection {
            edges,
            page_info,
            total_count,
        })
    }

    async fn organisation(
        &self,
        context: &Context<'_>,
        slug: String,
    ) -> async_graphql::Result<Option<OrganisationObject>> {
        Ok(store(context)
            .organisation_by_slug(&slug)
            .await
            .or_internal(context)?
            .map(OrganisationObject))
    }

    /// Organisations by slug.
    async fn organisations(
        &self,
        context: &Context<'_>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<OrganisationConnection> {
        let first = page_size(first)?;
        let after_position = after_slug(after.as_deref())?;
        let page = store(context)
            .list_organisations(request(first, after_position))
            .await
            .or_internal(context)?;
        let (edges, page_info, total_count) = edges_of(
            page,
            after.is_some(),
            |organisation| slug_cursor(&organisation.slug),
            |cursor, organisation| OrganisationEdge {
                cursor,
                node: OrganisationObject(organisation),
            },
        );
        Ok(OrganisationConnection {
            edges,
            page_info,
            total_count,
        })
    }

    /// An offer by slug: published or archived (so old links keep working), never a draft.
    async fn training_offer(
        &self,
        context: &Context<'_>,
        slug: String,
    ) -> async_graphql::Result<Option<TrainingOfferObject>> {
        Ok(store(context)
            .offer_by_slug(reader(context), &slug)
            .await
            .or_internal(context)?
            .map(TrainingOfferObject))
    }

    /// Ordered by (updatedAt, id) when filter.updatedSince is given, so a catalogue can be mirrored incrementally.
    async fn training_offers(
        &self,
        context: &Context<'_>,
        filter: Option<TrainingOfferFilter>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<TrainingOfferConnection> {
        let first = page_size(first)?;
        let filter = offer_filter(context, filter).await?;
        let after_position = after_offer(after.as_deref(), filter.order == OfferOrder::Updated)?;
        let page = store(context)
            .list_offers(reader(context), &filter, request(first, after_position))
            .await
            .or_internal(context)?;
        Ok(TrainingOfferConnection::from_page(
            page,
            after.is_some(),
            filter.order,
        ))
    }
}
