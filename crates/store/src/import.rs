//! Bulk import: published offers, their providers and public profiles written many at a time,
//! for loading a large catalogue (a regional portal's export, the benchmark's corpus).
//!
//! Each call is one transaction under the catalogue writers' lock with a change-log row per
//! record, exactly as single writes are, so every node's index follows an import like any
//! other change. Values arrive as domain types (validated by construction); skills are named
//! by slug and an unknown one refuses the whole batch.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use passerelle_domain::{InseeCode, Locale, Modality, Siret, SkillLevel, Slug};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};
use uuid::Uuid;

use crate::entities::{
    change_log, organisation, organisation_skill, profile_skill, skill, skill_profile,
    taught_skill, training_offer, training_session, user,
};
use crate::following::latest_change_seq_on;
use crate::{CatalogueRecords, Store, StoreError};

/// An organisation to import.
#[derive(Debug, Clone)]
pub struct ImportedOrganisation {
    pub id: Uuid,
    pub slug: Slug,
    pub name: String,
    pub siret: Option<Siret>,
    pub description: Option<String>,
    pub commune: Option<InseeCode>,
    pub training_provider: bool,
    pub qualiopi_certified: bool,
    /// Skill slugs.
    pub skills: Vec<String>,
}

/// A published training offer to import.
#[derive(Debug, Clone)]
pub struct ImportedOffer {
    pub id: Uuid,
    pub slug: Slug,
    pub provider: Uuid,
    pub title: String,
    pub summary: String,
    pub description: String,
    /// Skill slugs with the level taught.
    pub skills: Vec<(String, SkillLevel)>,
    pub modality: Modality,
    pub duration_hours: i32,
    pub price_cents: Option<i64>,
    pub cpf_eligible: bool,
    pub language: Locale,
    pub sessions: Vec<ImportedSession>,
    pub published_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct ImportedSession {
    pub id: Uuid,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub commune: Option<InseeCode>,
    pub seats: Option<i32>,
}

/// A public skill profile to import; its account is created without a password (it cannot
/// sign in until its owner resets it).
#[derive(Debug, Clone)]
pub struct ImportedProfile {
    pub id: Uuid,
    pub user_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub headline: String,
    pub summary: Option<String>,
    pub commune: Option<InseeCode>,
    pub remote: bool,
    pub available_from: Option<NaiveDate>,
    pub daily_rate_cents: Option<i64>,
    /// Skill slugs with the level held.
    pub skills: Vec<(String, SkillLevel)>,
    pub language: Locale,
}

/// One import call's records.
#[derive(Debug, Clone, Default)]
pub struct ImportBatch {
    pub organisations: Vec<ImportedOrganisation>,
    pub offers: Vec<ImportedOffer>,
    pub profiles: Vec<ImportedProfile>,
}

/// Rows inserted at once, in this order, inside one transaction.
#[derive(Debug, Default)]
pub(crate) struct CatalogueRows {
    pub organisations: Vec<organisation::Model>,
    pub organisation_skills: Vec<organisation_skill::Model>,
    pub offers: Vec<training_offer::Model>,
    pub taught_skills: Vec<taught_skill::Model>,
    pub sessions: Vec<training_session::Model>,
    pub users: Vec<user::Model>,
    pub profiles: Vec<skill_profile::Model>,
    pub profile_skills: Vec<profile_skill::Model>,
}

impl CatalogueRows {
    /// Organisations, offers and profiles: what the change log and the kept records count.
    pub(crate) fn records(&self) -> usize {
        self.organisations.len() + self.offers.len() + self.profiles.len()
    }
}

/// Rows per INSERT statement: well under SQLite's limit of bound parameters.
const ROWS_PER_STATEMENT: usize = 200;

async fn insert_all<Model, Active, Entity>(
    transaction: &sea_orm::DatabaseTransaction,
    models: Vec<Model>,
) -> Result<(), StoreError>
where
    Model: IntoActiveModel<Active>,
    Active: ActiveModelTrait<Entity = Entity> + Send,
    Entity: EntityTrait,
{
    // The models are moved into the statements, not cloned: in a profile of a 1M import,
    // the copies were about a seventh of the statement-building thread's samples.
    let mut models = models.into_iter().peekable();
    while models.peek().is_some() {
        let active: Vec<Active> = models
            .by_ref()
            .take(ROWS_PER_STATEMENT)
            .map(|model| model.into_active_model().reset_all())
            .collect();
        Entity::insert_many(active)
            .exec_without_returning(transaction)
            .await?;
    }
    Ok(())
}

fn language_code(language: Locale) -> String {
    language.code().to_ascii_lowercase()
}

impl Store {
    /// Skill ids by slug, for turning slugs into rows.
    pub(crate) async fn skill_ids(&self) -> Result<HashMap<String, Uuid>, StoreError> {
        Ok(skill::Entity::find()
            .all(self.connection())
            .await?
            .into_iter()
            .map(|skill| (skill.slug, skill.id))
            .collect())
    }

    /// Writes `rows` in one transaction under the catalogue writers' lock, with a CREATED
    /// change-log row per organisation, offer and profile. With `only_into_empty`, does
    /// nothing and returns false when the catalogue already holds organisations (checked
    /// inside the transaction, so two servers loading the demo at once load it once).
    pub(crate) async fn write_catalogue(
        &self,
        rows: CatalogueRows,
        details: &str,
        only_into_empty: bool,
    ) -> Result<bool, StoreError> {
        use sea_orm::PaginatorTrait;
        self.wait_for_kept_room(rows.records()).await;
        let write = self.write(None).await?;
        let transaction = &write.transaction;
        if only_into_empty && organisation::Entity::find().count(transaction).await? > 0 {
            return Ok(false);
        }
        // Kept for this node's index, with the log span this transaction holds: the log's
        // end now, under the writers' lock, and after the inserts (see the `written` module).
        // Records that cannot be kept are read back by the index as any other.
        let kept = if self.kept_records().enabled() {
            let after = latest_change_seq_on(transaction).await?;
            CatalogueRecords::of_rows(&rows)
                .ok()
                .map(|records| (after, records))
        } else {
            None
        };
        let logged = |kind: &str, id: Uuid| change_log::ActiveModel {
            entity_kind: Set(kind.to_owned()),
            entity_id: Set(id),
            operation: Set("CREATED".to_owned()),
            actor_id: Set(None),
            recorded_at: Set(write.now),
            details: Set(details.to_owned()),
            ..Default::default()
        };
        let log: Vec<change_log::ActiveModel> = rows
            .organisations
            .iter()
            .map(|row| logged("ORGANISATION", row.id))
            .chain(
                rows.offers
                    .iter()
                    .map(|row| logged("TRAINING_OFFER", row.id)),
            )
            .chain(
                rows.profiles
                    .iter()
                    .map(|row| logged("SKILL_PROFILE", row.id)),
            )
            .collect();
        insert_all(transaction, rows.organisations).await?;
        insert_all(transaction, rows.organisation_skills).await?;
        insert_all(transaction, rows.offers).await?;
        insert_all(transaction, rows.taught_skills).await?;
        insert_all(transaction, rows.sessions).await?;
        insert_all(transaction, rows.users).await?;
        insert_all(transaction, rows.profiles).await?;
        insert_all(transaction, rows.profile_skills).await?;
        for chunk in log.chunks(ROWS_PER_STATEMENT) {
            change_log::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(transaction)
                .await?;
        }
        let kept = match kept {
            Some((after, records)) => {
                Some((after, latest_change_seq_on(transaction).await?, records))
            }
            None => None,
        };
        write
            .commit_then(|| {
                if let Some((after, last, records)) = kept {
                    self.kept_records().keep(after, last, records);
                }
            })
            .await?;
        // Many rows at once: the planner's statistics may be out of date.
        self.bulk_written(log.len() as u64).await?;
        Ok(true)
    }

    /// Imports a batch in one transaction (see the module documentation).
    pub async fn import(&self, batch: ImportBatch) -> Result<(), StoreError> {
        let skills = self.skill_ids().await?;
        let skill = |slug: &str| {
            skills
                .get(slug)
                .copied()
                .ok_or_else(|| StoreError::Corrupt(format!("import: unknown skill {slug:?}")))
        };
        let now = Utc::now();
        let mut rows = CatalogueRows::default();
        for organisation in batch.organisations {
            for slug in &organisation.skills {
                rows.organisation_skills.push(organisation_skill::Model {
                    organisation_id: organisation.id,
                    skill_id: skill(slug)?,
                });
            }
            rows.organisations.push(organisation::Model {
                id: organisation.id,
                slug: organisation.slug.as_str().to_owned(),
                name: organisation.name,
                siret: organisation.siret.map(|siret| siret.as_str().to_owned()),
                naf_code: None,
                description: organisation.description,
                website: None,
                insee_code: organisation.commune.map(|code| code.as_str().to_owned()),
                is_training_provider: organisation.training_provider,
                qualiopi_certified: organisation.qualiopi_certified,
                created_at: now,
                updated_at: now,
            });
        }
        for offer in batch.offers {
            for (slug, level) in &offer.skills {
                rows.taught_skills.push(taught_skill::Model {
                    offer_id: offer.id,
                    skill_id: skill(slug)?,
                    level: i16::from(level.get()),
                });
            }
            for session in offer.sessions {
                rows.sessions.push(training_session::Model {
                    id: session.id,
                    offer_id: offer.id,
                    start_date: session.start,
                    end_date: session.end,
                    insee_code: session.commune.map(|code| code.as_str().to_owned()),
                    seats: session.seats,
                    seats_taken: 0,
                });
            }
            rows.offers.push(training_offer::Model {
                id: offer.id,
                slug: offer.slug.as_str().to_owned(),
                provider_id: offer.provider,
                title: offer.title,
                summary: offer.summary,
                description: offer.description,
                prerequisites: None,
                modality: offer.modality.code().to_owned(),
                duration_hours: offer.duration_hours,
                price_cents: offer.price_cents,
                registration_url: None,
                cpf_eligible: offer.cpf_eligible,
                certification_code: None,
                certification_title: None,
                language: language_code(offer.language),
                status: "PUBLISHED".to_owned(),
                version: 1,
                published_at: Some(offer.published_at),
                created_at: offer.published_at,
                updated_at: offer.published_at,
            });
        }
        for profile in batch.profiles {
            for (slug, level) in &profile.skills {
                rows.profile_skills.push(profile_skill::Model {
                    profile_id: profile.id,
                    skill_id: skill(slug)?,
                    level: i16::from(level.get()),
                    years: None,
                });
            }
            rows.users.push(user::Model {
                id: profile.user_id,
                email: profile.email,
                display_name: profile.display_name.clone(),
                password_hash: None,
                created_at: now,
                updated_at: now,
            });
            rows.profiles.push(skill_profile::Model {
                id: profile.id,
                user_id: profile.user_id,
                display_name: profile.display_name,
                headline: profile.headline,
                summary: profile.summary,
                insee_code: profile.commune.map(|code| code.as_str().to_owned()),
                remote: profile.remote,
                available_from: profile.available_from,
                daily_rate_cents: profile.daily_rate_cents,
                visibility: "PUBLIC".to_owned(),
                contact_email: None,
                language: language_code(profile.language),
                created_at: now,
                updated_at: now,
            });
        }
        self.write_catalogue(rows, "{\"import\":true}", false)
            .await
            .map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

    use sea_orm::{ConnectionTrait, Statement, TransactionTrait};

    use super::*;

    fn organisation(id: Uuid) -> ImportedOrganisation {
        ImportedOrganisation {
            id,
            slug: Slug::from_title("Organisme importé", "organisme"),
            name: "Organisme importé".to_owned(),
            siret: None,
            description: None,
            commune: None,
            training_provider: true,
            qualiopi_certified: false,
            skills: Vec::new(),
        }
    }

    /// A migrated SQLite store in a folder of its own, which lives as long as the guard.
    async fn migrated_sqlite() -> (tempfile::TempDir, Store) {
        let folder = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", folder.path().join("import.db").display());
        let store = Store::connect(&url).await.unwrap();
        store.migrate().await.unwrap();
        (folder, store)
    }

    /// Records kept for the index up to the limit, as a bulk writer that ran ahead of its
    /// index leaves them.
    fn kept_in_full(store: &Store) {
        let limit = u128::try_from(crate::written::KEPT_RECORDS).unwrap();
        store.kept_records().keep(
            0,
            i64::try_from(limit).unwrap(),
            crate::written::tests::batch(1_000_000..1_000_000 + limit),
        );
    }

    /// A bulk write waits while the records kept for this node's index are at the limit, and
    /// goes on as soon as the index takes them: written then, its records would drop the
    /// oldest kept ones, which the index would have to read back.
    #[tokio::test]
    async fn a_bulk_write_waits_for_its_index_to_take_what_is_kept() {
        let (_folder, store) = migrated_sqlite().await;
        store.keep_written_for_index();
        kept_in_full(&store);

        let writer = store.clone();
        let import = tokio::spawn(async move {
            let batch = ImportBatch {
                organisations: vec![organisation(Uuid::from_u128(7))],
                ..ImportBatch::default()
            };
            writer.import(batch).await
        });
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        assert!(!import.is_finished(), "the import did not wait for room");
        assert_eq!(store.latest_change_seq().await.unwrap(), 0);

        // The index asks for a position past the kept span: the span is taken or dropped.
        let past = i64::try_from(crate::written::KEPT_RECORDS).unwrap() + 1;
        let asked = HashMap::from([(
            (crate::IndexableKind::Organisation, Uuid::from_u128(1)),
            past,
        )]);
        store.take_written(&asked);
        tokio::time::timeout(std::time::Duration::from_secs(10), import)
            .await
            .expect("the import went on once the index took the kept records")
            .unwrap()
            .unwrap();
        assert_eq!(store.latest_change_seq().await.unwrap(), 1);
    }

    async fn cache_size(connection: &impl ConnectionTrait) -> i64 {
        connection
            .query_one_raw(Statement::from_string(
                connection.get_database_backend(),
                "PRAGMA cache_size",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get_by_index::<i64>(0)
            .unwrap()
    }

    /// Every write transaction, a bulk import's too, runs on SQLite's one writing connection,
    /// whatever reads hold the pool's connections meanwhile: a temporary table (visible only
    /// on the connection that made it) made by the first write is there for the later ones.
    /// The writer has its larger page cache, and the reading connections the usual one.
    #[tokio::test]
    async fn writes_share_one_connection_with_its_own_page_cache() {
        let (_folder, store) = migrated_sqlite().await;
        let first = store.begin_write().await.unwrap();
        first
            .execute_unprepared("CREATE TEMP TABLE made_by_the_writer (n INTEGER)")
            .await
            .unwrap();
        first.commit().await.unwrap();

        // Reads hold most of the pool, the connection last used first among them.
        let mut held = Vec::new();
        for _ in 0..7 {
            held.push(store.connection().begin().await.unwrap());
        }
        let batch = ImportBatch {
            organisations: vec![organisation(Uuid::from_u128(7))],
            ..ImportBatch::default()
        };
        store.import(batch).await.unwrap();
        for _ in 0..3 {
            let write = store.begin_write().await.unwrap();
            write
                .execute_unprepared("INSERT INTO temp.made_by_the_writer VALUES (1)")
                .await
                .unwrap();
            assert_eq!(
                cache_size(&write).await,
                -i64::from(crate::WRITER_PAGE_CACHE_KIB)
            );
            write.commit().await.unwrap();
        }
        for read in &held {
            assert_eq!(cache_size(read).await, -i64::from(crate::PAGE_CACHE_KIB));
        }
    }
}
