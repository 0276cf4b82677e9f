//! What a follower of the change log needs besides the log itself: the database's identity,
//! the log's current end, wake-ups from other nodes, and the records to (re)index.

use passerelle_domain::catalogue::{Place, Skill};
use passerelle_domain::{OfferStatus, OrganisationId, TrainingOfferId, Visibility};
use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::entities::{change_log, commune, organisation, skill, skill_profile, training_offer};
use crate::{CHANGES_CHANNEL, Engine, Store, StoreError, records};

/// The kinds of records the search index holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IndexableKind {
    TrainingOffer,
    SkillProfile,
    Organisation,
}

/// Notifications of catalogue writes committed by any node (PostgreSQL only).
#[derive(Debug)]
pub struct ChangeListener {
    listener: PgListener,
}

impl ChangeListener {
    /// Waits for the next notification. An error means the connection was lost; the caller
    /// falls back to polling and may listen again.
    pub async fn next(&mut self) -> Result<(), StoreError> {
        self.listener
            .recv()
            .await
            .map(|_| ())
            .map_err(|error| StoreError::Listener(error.to_string()))
    }
}

/// The position of the last entry in the change log as `connection` sees it (0 when empty).
pub(crate) async fn latest_change_seq_on(
    connection: &impl sea_orm::ConnectionTrait,
) -> Result<i64, StoreError> {
    let latest: Option<Option<i64>> = change_log::Entity::find()
        .select_only()
        .column_as(change_log::Column::Seq.max(), "latest")
        .into_tuple()
        .one(connection)
        .await?;
    Ok(latest.flatten().unwrap_or(0))
}

impl Store {
    /// The random identity chosen when this database was created.
    pub async fn database_identity(&self) -> Result<String, StoreError> {
        use sea_orm::{ConnectionTrait, Statement};
        let row = self
            .connection()
            .query_one_raw(Statement::from_string(
                self.connection().get_database_backend(),
                "SELECT id FROM database_identity",
            ))
            .await?
            .ok_or_else(|| StoreError::corrupt("database_identity", "id", "no row"))?;
        Ok(row.try_get::<String>("", "id")?)
    }

    /// The position of the last entry in the change log (0 when empty).
    pub async fn latest_change_seq(&self) -> Result<i64, StoreError> {
        latest_change_seq_on(self.connection()).await
    }

    /// Listens for other nodes' writes; `None` on SQLite, where one process writes.
    pub async fn listen_for_changes(&self) -> Result<Option<ChangeListener>, StoreError> {
        if self.engine() != Engine::Postgres {
            return Ok(None);
        }
        let unavailable = |error: sea_orm::sqlx::Error| StoreError::Unavailable {
            url: crate::redact(&self.url),
            reason: error.to_string(),
        };
        let mut listener = PgListener::connect(&self.url).await.map_err(unavailable)?;
        listener
            .listen(CHANGES_CHANNEL)
            .await
            .map_err(unavailable)?;
        Ok(Some(ChangeListener { listener }))
    }

    /// The ids of indexable records after `after`, in id order: published offers, public
    /// profiles, all organisations. A rebuild walks them in batches.
    pub async fn indexable_ids(
        &self,
        kind: IndexableKind,
        after: Option<Uuid>,
        limit: u64,
    ) -> Result<Vec<Uuid>, StoreError> {
        let after = after.unwrap_or(Uuid::nil());
        let ids = match kind {
            IndexableKind::TrainingOffer => {
                training_offer::Entity::find()
                    .select_only()
                    .column(training_offer::Column::Id)
                    .filter(training_offer::Column::Status.eq(OfferStatus::Published.code()))
                    .filter(training_offer::Column::Id.gt(after))
                    .order_by_asc(training_offer::Column::Id)
                    .limit(limit)
                    .into_tuple()
                    .all(self.connection())
                    .await?
            }
            IndexableKind::SkillProfile => {
                skill_profile::Entity::find()
                    .select_only()
                    .column(skill_profile::Column::Id)
                    .filter(skill_profile::Column::Visibility.eq(Visibility::Public.code()))
                    .filter(skill_profile::Column::Id.gt(after))
                    .order_by_asc(skill_profile::Column::Id)
                    .limit(limit)
                    .into_tuple()
                    .all(self.connection())
                    .await?
            }
            IndexableKind::Organisation => {
                organisation::Entity::find()
                    .select_only()
                    .column(organisation::Column::Id)
                    .filter(organisation::Column::Id.gt(after))
                    .order_by_asc(organisation::Column::Id)
                    .limit(limit)
                    .into_tuple()
                    .all(self.connection())
                    .await?
            }
        };
        Ok(ids)
    }

    /// The published offers of these providers (an organisation's change reaches its offers'
    /// documents: provider name, Qualiopi status).
    pub async fn published_offers_of_providers(
        &self,
        providers: &[OrganisationId],
    ) -> Result<Vec<TrainingOfferId>, StoreError> {
        let ids: Vec<Uuid> = training_offer::Entity::find()
            .select_only()
            .column(training_offer::Column::Id)
            .filter(training_offer::Column::Status.eq(OfferStatus::Published.code()))
            .filter(
                training_offer::Column::ProviderId
                    .is_in(providers.iter().map(|id| id.as_uuid()).collect::<Vec<_>>()),
            )
            .into_tuple()
            .all(self.connection())
            .await?;
        Ok(ids.into_iter().map(Into::into).collect())
    }

    /// The whole skills taxonomy.
    pub async fn all_skills(&self) -> Result<Vec<Skill>, StoreError> {
        skill::Entity::find()
            .order_by_asc(skill::Column::Slug)
            .all(self.connection())
            .await?
            .into_iter()
            .map(records::skill)
            .collect()
    }

    /// Every commune with its population (what place autocompletion ranks by).
    pub async fn all_places(&self) -> Result<Vec<(Place, u32)>, StoreError> {
        commune::Entity::find()
            .order_by_asc(commune::Column::InseeCode)
            .all(self.connection())
            .await?
            .into_iter()
            .map(|row| {
                let population = u32::try_from(row.population).unwrap_or(0);
                records::place(row).map(|place| (place, population))
            })
            .collect()
    }
}
