//! Batched loads: every nested field asks the loader for one key, and the loader answers all
//! keys asked for in the same tick with one query. This is what keeps a page of 50 offers with
//! their providers, skills and sessions at a constant number of statements.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use passerelle_domain::catalogue::{
    Membership, Organisation, Place, ProfileSkill, Skill, SkillProfile, TaughtSkill, TrainingOffer,
    TrainingSession, User,
};
use passerelle_domain::{
    InseeCode, OfferStatus, OrganisationId, Reader, SkillId, SkillProfileId, TrainingOfferId,
    TrainingSessionId, UserId,
};
use passerelle_store::{Page, Store, StoreError};

#[derive(Debug)]
pub(crate) struct CatalogueLoader {
    store: Store,
    reader: Reader,
}

impl CatalogueLoader {
    pub(crate) fn new(store: Store, reader: Reader) -> Self {
        Self { store, reader }
    }
}

type LoadResult<K, V> = Result<HashMap<K, V>, Arc<StoreError>>;

/// The narrower skills of a skill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct NarrowerOf(pub SkillId);
/// The skills an organisation declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct SkillsOf(pub OrganisationId);
/// The skills a training offer teaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct TaughtBy(pub TrainingOfferId);
/// The sessions of a training offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct SessionsOf(pub TrainingOfferId);
/// The skills a profile holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct HeldBy(pub SkillProfileId);
/// The memberships of a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct MembershipsOf(pub UserId);
/// The profile of a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct ProfileOf(pub UserId);

/// The first page of a provider's offers with some statuses.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct FirstOffersOf {
    pub provider: OrganisationId,
    pub statuses: Vec<OfferStatus>,
    pub first: u64,
}
/// The first page of published offers teaching a skill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct FirstOffersTeaching {
    pub skill: SkillId,
    pub first: u64,
}
/// The first page of visible profiles holding a skill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct FirstProfilesHolding {
    pub skill: SkillId,
    pub first: u64,
}

fn keyed<K: Copy + Eq + std::hash::Hash, Inner: Copy + Eq + std::hash::Hash, V>(
    keys: &[K],
    inner: impl Fn(K) -> Inner,
    loaded: Result<HashMap<Inner, V>, StoreError>,
) -> LoadResult<K, V> {
    let mut loaded = loaded.map_err(Arc::new)?;
    Ok(keys
        .iter()
        .filter_map(|key| loaded.remove(&inner(*key)).map(|value| (*key, value)))
        .collect())
}

fn inner_ids<K: Copy, Inner>(keys: &[K], inner: impl Fn(K) -> Inner) -> Vec<Inner> {
    keys.iter().map(|key| inner(*key)).collect()
}

macro_rules! direct_loader {
    ($key:ty => $value:ty, |$loader:ident, $keys:ident| $load:expr) => {
        impl Loader<$key> for CatalogueLoader {
            type Value = $value;
            type Error = Arc<StoreError>;

            async fn load(&self, $keys: &[$key]) -> LoadResult<$key, $value> {
                let $loader = self;
                $load.await.map_err(Arc::new)
            }
        }
    };
}

macro_rules! wrapped_loader {
    ($key:ident($inner:ty) => $value:ty, |$loader:ident, $ids:ident| $load:expr) => {
        impl Loader<$key> for CatalogueLoader {
            type Value = $value;
            type Error = Arc<StoreError>;

            async fn load(&self, keys: &[$key]) -> LoadResult<$key, $value> {
                let $loader = self;
                let $ids: Vec<$inner> = inner_ids(keys, |$key(id)| id);
                keyed(keys, |$key(id)| id, $load.await)
            }
        }
    };
}

direct_loader!(SkillId => Skill, |loader, keys| loader.store.skills_by_ids(keys));
direct_loader!(InseeCode => Place, |loader, keys| loader.store.places(keys));
direct_loader!(OrganisationId => Organisation, |loader, keys| loader.store.organisations_by_ids(keys));
direct_loader!(TrainingOfferId => TrainingOffer, |loader, keys| loader.store.offers_by_ids(&loader.reader, keys));
direct_loader!(TrainingSessionId => TrainingSession, |loader, keys| loader.store.sessions_by_ids(&loader.reader, keys));
direct_loader!(SkillProfileId => SkillProfile, |loader, keys| loader.store.profiles_by_ids(&loader.reader, keys));
direct_loader!(UserId => User, |loader, keys| loader.store.users_by_ids(keys));

wrapped_loader!(NarrowerOf(SkillId) => Vec<Skill>, |loader, ids| loader.store.narrower_skills(&ids));
wrapped_loader!(SkillsOf(OrganisationId) => Vec<SkillId>, |loader, ids| loader.store.organisation_skill_ids(&ids));
wrapped_loader!(TaughtBy(TrainingOfferId) => Vec<TaughtSkill>, |loader, ids| loader.store.taught_skills(&ids));
wrapped_loader!(SessionsOf(TrainingOfferId) => Vec<TrainingSession>, |loader, ids| loader.store.sessions_of_offers(&ids));
wrapped_loader!(HeldBy(SkillProfileId) => Vec<ProfileSkill>, |loader, ids| loader.store.profile_skills(&ids));
wrapped_loader!(MembershipsOf(UserId) => Vec<Membership>, |loader, ids| loader.store.memberships_of_users(&ids));
wrapped_loader!(ProfileOf(UserId) => SkillProfile, |loader, ids| loader.store.profiles_of_users(&loader.reader, &ids));

/// Answers first-page keys: keys sharing the page parameters (their group) are loaded with one
/// batched query per group.
async fn pages_in_groups<Key, Group, Parent, Item, Loading>(
    keys: &[Key],
    group_of: impl Fn(&Key) -> Group,
    parent_of: impl Fn(&Key) -> Parent,
    load: impl Fn(Group, Vec<Parent>) -> Loading,
) -> LoadResult<Key, Page<Item>>
where
    Key: Clone + Eq + std::hash::Hash,
    Group: Eq + std::hash::Hash,
    Parent: Eq + std::hash::Hash,
    Loading: std::future::Future<Output = Result<HashMap<Parent, Page<Item>>, StoreError>>,
{
    let mut groups: HashMap<Group, Vec<Key>> = HashMap::new();
    for key in keys {
        groups.entry(group_of(key)).or_default().push(key.clone());
    }
    let mut pages = HashMap::new();
    for (group, keys) in groups {
        let parents = keys.iter().map(&parent_of).collect();
        let mut loaded = load(group, parents).await.map_err(Arc::new)?;
        for key in keys {
            if let Some(page) = loaded.remove(&parent_of(&key)) {
                pages.insert(key, page);
            }
        }
    }
    Ok(pages)
}

impl Loader<FirstOffersOf> for CatalogueLoader {
    type Value = Page<TrainingOffer>;
    type Error = Arc<StoreError>;

    async fn load(&self, keys: &[FirstOffersOf]) -> LoadResult<FirstOffersOf, Page<TrainingOffer>> {
        pages_in_groups(
            keys,
            |key| (key.statuses.clone(), key.first),
            |key| key.provider,
            |(statuses, first), providers| async move {
                self.store
                    .first_offers_of_providers(&self.reader, &providers, &statuses, first)
                    .await
            },
        )
        .await
    }
}

impl Loader<FirstOffersTeaching> for CatalogueLoader {
    type Value = Page<TrainingOffer>;
    type Error = Arc<StoreError>;

    async fn load(
        &self,
        keys: &[FirstOffersTeaching],
    ) -> LoadResult<FirstOffersTeaching, Page<TrainingOffer>> {
        pages_in_groups(
            keys,
            |key| key.first,
            |key| key.skill,
            |first, skills| async move { self.store.first_offers_teaching(&skills, first).await },
        )
        .await
    }
}

impl Loader<FirstProfilesHolding> for CatalogueLoader {
    type Value = Page<SkillProfile>;
    type Error = Arc<StoreError>;

    async fn load(
        &self,
        keys: &[FirstProfilesHolding],
    ) -> LoadResult<FirstProfilesHolding, Page<SkillProfile>> {
        pages_in_groups(
            keys,
            |key| key.first,
            |key| key.skill,
            |first, skills| async move {
                self.store
                    .first_profiles_with_skills(&self.reader, &skills, first)
                    .await
            },
        )
        .await
    }
}
