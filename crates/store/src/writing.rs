//! Writes to the catalogue and the accounts.
//!
//! Every write that changes an organisation, an offer, a profile or an account runs in one
//! write transaction together with its row in the append-only `change_log`, so the log holds
//! exactly the committed changes, on SQLite and PostgreSQL alike. The search index follows the
//! log by `seq`.
//!
//! # Why log positions become visible in order
//! A reader of the log asks for rows with `seq` greater than the last it applied. That is only
//! safe if no transaction can commit a smaller `seq` after a larger one became visible. On
//! SQLite, `BEGIN IMMEDIATE` lets one writer in at a time, so it holds. On PostgreSQL, sequence
//! numbers are handed out at insert time, and two transactions could commit in the other order;
//! so every catalogue write first takes one transaction-scoped advisory lock
//! ([`CATALOGUE_WRITE_LOCK`]), held until commit. Catalogue writers thus run one at a time on
//! PostgreSQL too: a `seq` is allocated only after every earlier writer has committed or rolled
//! back. (A rolled-back writer leaves a gap in `seq`, which readers tolerate.) The same lock
//! makes slug allocation and the "at least one owner" rule race-free.

use chrono::{DateTime, Utc};
use passerelle_domain::catalogue::{Membership, Organisation, SkillProfile, TrainingOffer, User};
use passerelle_domain::content::{OfferContent, OrganisationContent, ProfileContent};
use passerelle_domain::{
    Email, MemberRole, OfferStatus, OrganisationId, SkillProfileId, Slug, TrainingOfferId, UserId,
};
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr,
    EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QuerySelect, SqlErr,
};
use uuid::Uuid;

use crate::entities::{
    change_log, login_failure, membership, organisation, organisation_skill, profile_skill,
    refresh_token, skill_profile, taught_skill, training_offer, training_session, user,
};
use crate::{Engine, Store, StoreError, records};

/// Advisory lock serialising catalogue writers on PostgreSQL ("PASSWRIT" in ASCII).
pub const CATALOGUE_WRITE_LOCK: i64 = 0x5041_5353_5752_4954;

/// The PostgreSQL notification channel on which committed catalogue writes are announced.
pub const CHANGES_CHANNEL: &str = "passerelle_changes";

/// Why a write did not happen. Everything but `Store` is the caller's to explain to the user.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// A unique value (named) is already used by another record.
    #[error("{0} is already taken")]
    Taken(&'static str),
    /// The record changed since the version the caller read.
    #[error("the record is at version {current}, not the expected one")]
    Conflict { current: u32 },
    #[error("no such record")]
    NotFound,
    /// The change would leave this organisation without an owner.
    #[error("{0} must keep at least one owner")]
    LastOwner(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<DbErr> for WriteError {
    fn from(error: DbErr) -> Self {
        Self::Store(StoreError::Database(error))
    }
}

/// Which kind of record a change-log row is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityKind {
    Organisation,
    TrainingOffer,
    SkillProfile,
    User,
}

impl EntityKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Organisation => "ORGANISATION",
            Self::TrainingOffer => "TRAINING_OFFER",
            Self::SkillProfile => "SKILL_PROFILE",
            Self::User => "USER",
        }
    }
}

/// One committed change, as the log holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeEntry {
    pub seq: i64,
    pub kind: String,
    pub entity_id: Uuid,
    pub operation: String,
    pub actor: Option<UserId>,
    pub recorded_at: DateTime<Utc>,
    pub details: serde_json::Value,
}

/// A refresh token to store: only its digest is kept.
#[derive(Debug, Clone)]
pub struct NewRefreshToken {
    pub token_hash: String,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// What presenting a refresh token led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshOutcome {
    /// The token was valid: it is now spent and the new one stored in its family.
    Rotated { user: UserId },
    /// The token had already been spent: its whole family is now revoked.
    Reused,
    /// Unknown, expired or revoked.
    Invalid,
}

/// A login's throttling state for one email digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginFailures {
    pub failures: u32,
    pub last_failure_at: DateTime<Utc>,
}

fn unique_violation(error: DbErr, field: &'static str) -> WriteError {
    match error.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => WriteError::Taken(field),
        _ => WriteError::from(error),
    }
}

fn level_i16(level: passerelle_domain::SkillLevel) -> i16 {
    i16::from(level.get())
}

fn to_i32(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

/// An open catalogue write: the transaction, its lock, and who is writing.
pub(crate) struct Write {
    pub(crate) transaction: DatabaseTransaction,
    actor: Option<UserId>,
    pub(crate) now: DateTime<Utc>,
    engine: Engine,
    changes: std::sync::Arc<tokio::sync::Notify>,
}

impl Write {
    async fn record(
        &self,
        kind: EntityKind,
        entity: Uuid,
        operation: &str,
        details: serde_json::Value,
    ) -> Result<(), DbErr> {
        change_log::Entity::insert(change_log::ActiveModel {
            entity_kind: Set(kind.code().to_owned()),
            entity_id: Set(entity),
            operation: Set(operation.to_owned()),
            actor_id: Set(self.actor.map(|actor| actor.as_uuid())),
            recorded_at: Set(self.now),
            details: Set(details.to_string()),
            ..Default::default()
        })
        .exec_without_returning(&self.transaction)
        .await?;
        Ok(())
    }

    /// Commits, and wakes whoever follows the log: this process's indexer directly, the other
    /// nodes through a PostgreSQL notification (delivered only if the transaction commits).
    pub(crate) async fn commit(self) -> Result<(), DbErr> {
        self.commit_then(|| {}).await
    }

    /// Commits, runs `committed` (only if the commit succeeded), then wakes the followers as
    /// [`Write::commit`] does.
    pub(crate) async fn commit_then(self, committed: impl FnOnce()) -> Result<(), DbErr> {
        if self.engine == Engine::Postgres {
            self.transaction
                .execute_unprepared(&format!("SELECT pg_notify('{CHANGES_CHANNEL}', '')"))
                .await?;
        }
        self.transaction.commit().await?;
        committed();
        self.changes.notify_one();
        Ok(())
    }

    /// The first free slug among `base`, `base-2`, `base-3`…, for a table's `slug` column.
    async fn free_slug<E: EntityTrait>(&self, column: E::Column, base: &Slug) -> Result<Slug, DbErr>
    where
        E::Model: Sync,
    {
        let pattern = format!(
            "{}-%",
            base.as_str()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let taken: Vec<String> = E::find()
            .select_only()
            .column(column)
            .filter(
                sea_orm::Condition::any()
                    .add(column.eq(base.as_str()))
                    .add(Expr::col(column).like(LikeExpr::new(pattern).escape('\\'))),
            )
            .into_tuple::<String>()
            .all(&self.transaction)
            .await?;
        if !taken.iter().any(|slug| slug == base.as_str()) {
            return Ok(base.clone());
        }
        let mut suffix = 2;
        loop {
            let candidate = base.with_suffix(suffix);
            if !taken.iter().any(|slug| slug == candidate.as_str()) {
                return Ok(candidate);
            }
            suffix += 1;
        }
    }
}

impl Store {
    /// Opens a catalogue write (see the module documentation for the lock).
    pub(crate) async fn write(&self, actor: Option<UserId>) -> Result<Write, StoreError> {
        let transaction = self.begin_write().await?;
        if self.engine() == Engine::Postgres {
            transaction
                .execute_unprepared(&format!(
                    "SELECT pg_advisory_xact_lock({CATALOGUE_WRITE_LOCK})"
                ))
                .await?;
        }
        Ok(Write {
            transaction,
            actor,
            now: Utc::now(),
            engine: self.engine(),
            changes: self.change_notifier(),
        })
    }

    // ---- accounts ----

    /// Creates a user account; `Taken("email")` when the address is in use.
    pub async fn create_user(
        &self,
        email: &Email,
        display_name: &str,
        password_hash: &str,
    ) -> Result<User, WriteError> {
        let id = UserId::generate();
        let write = self.write(Some(id)).await?;
        let row = user::Model {
            id: id.as_uuid(),
            email: email.as_str().to_owned(),
            display_name: display_name.to_owned(),
            password_hash: Some(password_hash.to_owned()),
            created_at: write.now,
            updated_at: write.now,
        };
        user::Entity::insert(row.clone().into_active_model().reset_all())
            .exec_without_returning(&write.transaction)
            .await
            .map_err(|error| unique_violation(error, "email"))?;
        write
            .record(
                EntityKind::User,
                id.as_uuid(),
                "CREATED",
                serde_json::json!({}),
            )
            .await?;
        write.commit().await?;
        Ok(records::user(row)?)
    }

    /// A user and their password hash, by email.
    pub async fn credentials(
        &self,
        email: &Email,
    ) -> Result<Option<(User, Option<String>)>, StoreError> {
        let row = user::Entity::find()
            .filter(user::Column::Email.eq(email.as_str()))
            .one(self.connection())
            .await?;
        row.map(|row| {
            let hash = row.password_hash.clone();
            records::user(row).map(|user| (user, hash))
        })
        .transpose()
    }

    /// The password hash of a user.
    pub async fn password_hash(&self, user_id: UserId) -> Result<Option<String>, StoreError> {
        let row = user::Entity::find_by_id(user_id.as_uuid())
            .one(self.connection())
            .await?;
        Ok(row.and_then(|row| row.password_hash))
    }

    /// Sets a user's password hash (used for the demo accounts and rehashing).
    pub async fn set_password_hash(
        &self,
        user_id: UserId,
        password_hash: &str,
    ) -> Result<(), StoreError> {
        user::Entity::update_many()
            .col_expr(user::Column::PasswordHash, Expr::value(password_hash))
            .col_expr(user::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(user::Column::Id.eq(user_id.as_uuid()))
            .exec(self.connection())
            .await?;
        Ok(())
    }

    pub async fn user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError> {
        Ok(self.credentials(email).await?.map(|(user, _)| user))
    }

    pub async fn login_failures(
        &self,
        email_hash: &str,
    ) -> Result<Option<LoginFailures>, StoreError> {
        let row = login_failure::Entity::find_by_id(email_hash.to_owned())
            .one(self.connection())
            .await?;
        Ok(row.map(|row| LoginFailures {
            failures: u32::try_from(row.failures).unwrap_or(0),
            last_failure_at: row.last_failure_at,
        }))
    }

    /// Counts one more failed sign-in for an email digest, in one upsert so that concurrent
    /// failures on a new email cannot collide.
    pub async fn record_login_failure(
        &self,
        email_hash: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        login_failure::Entity::insert(login_failure::ActiveModel {
            email_hash: Set(email_hash.to_owned()),
            failures: Set(1),
            last_failure_at: Set(at),
        })
        .on_conflict(
            OnConflict::column(login_failure::Column::EmailHash)
                .value(
                    login_failure::Column::Failures,
                    Expr::col((login_failure::Entity, login_failure::Column::Failures)).add(1),
                )
                .value(login_failure::Column::LastFailureAt, Expr::value(at))
                .to_owned(),
        )
        .exec_without_returning(self.connection())
        .await?;
        Ok(())
    }

    pub async fn clear_login_failures(&self, email_hash: &str) -> Result<(), StoreError> {
        login_failure::Entity::delete_many()
            .filter(login_failure::Column::EmailHash.eq(email_hash))
            .exec(self.connection())
            .await?;
        Ok(())
    }

    /// Stores the first refresh token of a new sign-in (a new family).
    pub async fn start_refresh_family(
        &self,
        user_id: UserId,
        token: &NewRefreshToken,
    ) -> Result<(), StoreError> {
        // Housekeeping at sign-in: the user's tokens that expired are of no use any more.
        refresh_token::Entity::delete_many()
            .filter(refresh_token::Column::UserId.eq(user_id.as_uuid()))
            .filter(refresh_token::Column::ExpiresAt.lt(token.issued_at))
            .exec(self.connection())
            .await?;
        Self::insert_refresh_token(self.connection(), user_id.as_uuid(), Uuid::now_v7(), token)
            .await?;
        Ok(())
    }

    async fn insert_refresh_token(
        connection: &impl ConnectionTrait,
        user_id: Uuid,
        family_id: Uuid,
        token: &NewRefreshToken,
    ) -> Result<(), DbErr> {
        refresh_token::Entity::insert(refresh_token::ActiveModel {
            id: Set(Uuid::now_v7()),
            user_id: Set(user_id),
            family_id: Set(family_id),
            token_hash: Set(token.token_hash.clone()),
            issued_at: Set(token.issued_at),
            expires_at: Set(token.expires_at),
            used_at: Set(None),
            revoked_at: Set(None),
        })
        .exec_without_returning(connection)
        .await?;
        Ok(())
    }

    /// Spends a refresh token and stores its successor in the same family, atomically: the
    /// token is marked used by a conditional UPDATE, so of two concurrent uses exactly one
    /// rotates; the other finds it spent and revokes the family.
    pub async fn rotate_refresh_token(
        &self,
        presented_hash: &str,
        next: &NewRefreshToken,
    ) -> Result<RefreshOutcome, StoreError> {
        let now = next.issued_at;
        let transaction = self.begin_write().await?;
        let spent = refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::UsedAt, Expr::value(now))
            .filter(refresh_token::Column::TokenHash.eq(presented_hash))
            .filter(refresh_token::Column::UsedAt.is_null())
            .filter(refresh_token::Column::RevokedAt.is_null())
            .filter(refresh_token::Column::ExpiresAt.gt(now))
            .exec(&transaction)
            .await?;
        let Some(row) = refresh_token::Entity::find()
            .filter(refresh_token::Column::TokenHash.eq(presented_hash))
            .one(&transaction)
            .await?
        else {
            return Ok(RefreshOutcome::Invalid);
        };
        let outcome = if spent.rows_affected == 1 {
            Self::insert_refresh_token(&transaction, row.user_id, row.family_id, next).await?;
            RefreshOutcome::Rotated {
                user: row.user_id.into(),
            }
        } else if row.used_at.is_some() {
            // A spent token came back: it was stolen, or the client is confused. Either way
            // nobody can tell which holder is legitimate, so the whole sign-in ends.
            Self::revoke_family(&transaction, row.family_id, now).await?;
            RefreshOutcome::Reused
        } else {
            RefreshOutcome::Invalid
        };
        transaction.commit().await?;
        Ok(outcome)
    }

    async fn revoke_family(
        connection: &impl ConnectionTrait,
        family: Uuid,
        now: DateTime<Utc>,
    ) -> Result<(), DbErr> {
        refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
            .filter(refresh_token::Column::FamilyId.eq(family))
            .filter(refresh_token::Column::RevokedAt.is_null())
            .exec(connection)
            .await?;
        Ok(())
    }

    /// Revokes the family of a refresh token (sign-out); false when the token is unknown.
    pub async fn revoke_refresh_family(&self, presented_hash: &str) -> Result<bool, StoreError> {
        let Some(row) = refresh_token::Entity::find()
            .filter(refresh_token::Column::TokenHash.eq(presented_hash))
            .one(self.connection())
            .await?
        else {
            return Ok(false);
        };
        Self::revoke_family(self.connection(), row.family_id, Utc::now()).await?;
        Ok(true)
    }

    /// Whether a user still exists (an access token may outlive its account by minutes).
    pub async fn user_exists(&self, user_id: UserId) -> Result<bool, StoreError> {
        Ok(user::Entity::find_by_id(user_id.as_uuid())
            .count(self.connection())
            .await?
            > 0)
    }

    /// Erases an account: its profile, memberships and refresh tokens go with it (foreign
    /// keys cascade), and the log records the deletions so the index drops the profile.
    /// Refused with `LastOwner` while the user is the only owner of an organisation.
    pub async fn delete_user(&self, user_id: UserId) -> Result<Option<SkillProfileId>, WriteError> {
        let write = self.write(Some(user_id)).await?;
        let owned: Vec<Uuid> = membership::Entity::find()
            .filter(membership::Column::UserId.eq(user_id.as_uuid()))
            .filter(membership::Column::Role.eq(MemberRole::Owner.code()))
            .all(&write.transaction)
            .await?
            .into_iter()
            .map(|row| row.organisation_id)
            .collect();
        for organisation_id in owned {
            if Self::owner_count(&write, organisation_id).await? <= 1 {
                return Err(WriteError::LastOwner(
                    Self::organisation_name(&write, organisation_id).await?,
                ));
            }
        }
        let profile = skill_profile::Entity::find()
            .filter(skill_profile::Column::UserId.eq(user_id.as_uuid()))
            .one(&write.transaction)
            .await?;
        if let Some(profile) = &profile {
            skill_profile::Entity::delete_by_id(profile.id)
                .exec(&write.transaction)
                .await?;
            write
                .record(
                    EntityKind::SkillProfile,
                    profile.id,
                    "DELETED",
                    serde_json::json!({}),
                )
                .await?;
        }
        let deleted = user::Entity::delete_by_id(user_id.as_uuid())
            .exec(&write.transaction)
            .await?;
        if deleted.rows_affected == 0 {
            return Err(WriteError::NotFound);
        }
        write
            .record(
                EntityKind::User,
                user_id.as_uuid(),
                "DELETED",
                serde_json::json!({}),
            )
            .await?;
        write.commit().await?;
        Ok(profile.map(|profile| profile.id.into()))
    }

    // ---- organisations ----

    async fn replace_organisation_skills(
        write: &Write,
        organisation_id: Uuid,
        content: &OrganisationContent,
    ) -> Result<(), DbErr> {
        organisation_skill::Entity::delete_many()
            .filter(organisation_skill::Column::OrganisationId.eq(organisation_id))
            .exec(&write.transaction)
            .await?;
        organisation_skill::Entity::insert_many(content.skills.iter().map(|skill| {
            organisation_skill::ActiveModel {
                organisation_id: Set(organisation_id),
                skill_id: Set(skill.as_uuid()),
            }
        }))
        .exec_without_returning(&write.transaction)
        .await?;
        Ok(())
    }

    /// Creates an organisation with `creator` as its OWNER.
    pub async fn create_organisation(
        &self,
        creator: UserId,
        content: &OrganisationContent,
    ) -> Result<Organisation, WriteError> {
        let write = self.write(Some(creator)).await?;
        let id = OrganisationId::generate();
        let slug = write
            .free_slug::<organisation::Entity>(
                organisation::Column::Slug,
                &Slug::from_title(content.name.as_str(), "organisation"),
            )
            .await?;
        let row = organisation::Model {
            id: id.as_uuid(),
            slug: slug.as_str().to_owned(),
            name: content.name.as_str().to_owned(),
            siret: content
                .siret
                .as_ref()
                .map(|siret| siret.as_str().to_owned()),
            naf_code: content.naf_code.as_ref().map(|naf| naf.as_str().to_owned()),
            description: content.description.as_ref().map(|d| d.as_str().to_owned()),
            website: content.website.as_ref().map(|url| url.as_str().to_owned()),
            insee_code: content
                .place
                .as_ref()
                .map(|place| place.as_str().to_owned()),
            is_training_provider: content.is_training_provider,
            // Qualiopi is a certification granted by accredited bodies: an organisation cannot
            // declare it about itself; operators set it after checking the certificate.
            qualiopi_certified: false,
            created_at: write.now,
            updated_at: write.now,
        };
        organisation::Entity::insert(row.clone().into_active_model().reset_all())
            .exec_without_returning(&write.transaction)
            .await
            .map_err(|error| unique_violation(error, "siret"))?;
        Self::replace_organisation_skills(&write, id.as_uuid(), content).await?;
        membership::Entity::insert(membership::ActiveModel {
            user_id: Set(creator.as_uuid()),
            organisation_id: Set(id.as_uuid()),
            role: Set(MemberRole::Owner.code().to_owned()),
            created_at: Set(write.now),
        })
        .exec_without_returning(&write.transaction)
        .await?;
        write
            .record(
                EntityKind::Organisation,
                id.as_uuid(),
                "CREATED",
                serde_json::json!({}),
            )
            .await?;
        write.commit().await?;
        Ok(records::organisation(row)?)
    }

    /// Replaces an organisation's content; its slug stays, so links keep working.
    pub async fn update_organisation(
        &self,
        actor: UserId,
        id: OrganisationId,
        content: &OrganisationContent,
    ) -> Result<Organisation, WriteError> {
        let write = self.write(Some(actor)).await?;
        let changes = organisation::ActiveModel {
            name: Set(content.name.as_str().to_owned()),
            siret: Set(content
                .siret
                .as_ref()
                .map(|siret| siret.as_str().to_owned())),
            naf_code: Set(content.naf_code.as_ref().map(|naf| naf.as_str().to_owned())),
            description: Set(content.description.as_ref().map(|d| d.as_str().to_owned())),
            website: Set(content.website.as_ref().map(|url| url.as_str().to_owned())),
            insee_code: Set(content
                .place
                .as_ref()
                .map(|place| place.as_str().to_owned())),
            is_training_provider: Set(content.is_training_provider),
            updated_at: Set(write.now),
            ..Default::default()
        };
        let updated = organisation::Entity::update_many()
            .set(changes)
            .filter(organisation::Column::Id.eq(id.as_uuid()))
            .exec(&write.transaction)
            .await
            .map_err(|error| unique_violation(error, "siret"))?;
        if updated.rows_affected == 0 {
            return Err(WriteError::NotFound);
        }
        Self::replace_organisation_skills(&write, id.as_uuid(), content).await?;
        write
            .record(
                EntityKind::Organisation,
                id.as_uuid(),
                "UPDATED",
                serde_json::json!({}),
            )
            .await?;
        let row = organisation::Entity::find_by_id(id.as_uuid())
            .one(&write.transaction)
            .await?
            .ok_or(WriteError::NotFound)?;
        write.commit().await?;
        Ok(records::organisation(row)?)
    }

    async fn owner_count(write: &Write, organisation: Uuid) -> Result<u64, DbErr> {
        membership::Entity::find()
            .filter(membership::Column::OrganisationId.eq(organisation))
            .filter(membership::Column::Role.eq(MemberRole::Owner.code()))
            .count(&write.transaction)
            .await
    }

    async fn organisation_name(write: &Write, organisation: Uuid) -> Result<String, DbErr> {
        Ok(organisation::Entity::find_by_id(organisation)
            .one(&write.transaction)
            .await?
            .map_or_else(|| organisation.to_string(), |row| row.name))
    }

    /// Adds a member, or changes the role of an existing one. Demoting the last owner is
    /// refused with `LastOwner`.
    pub async fn set_member(
        &self,
        actor: UserId,
        organisation: OrganisationId,
        member: UserId,
        role: MemberRole,
    ) -> Result<Membership, WriteError> {
        let write = self.write(Some(actor)).await?;
        let org = organisation.as_uuid();
        let existing = membership::Entity::find_by_id((member.as_uuid(), org))
            .one(&write.transaction)
            .await?;
        match existing {
            Some(existing) => {
                if existing.role == MemberRole::Owner.code()
                    && role != MemberRole::Owner
                    && Self::owner_count(&write, org).await? <= 1
                {
                    return Err(WriteError::LastOwner(
                        Self::organisation_name(&write, org).await?,
                    ));
                }
                membership::Entity::update_many()
                    .col_expr(membership::Column::Role, Expr::value(role.code()))
                    .filter(membership::Column::UserId.eq(member.as_uuid()))
                    .filter(membership::Column::OrganisationId.eq(org))
                    .exec(&write.transaction)
                    .await?;
            }
            None => {
                membership::Entity::insert(membership::ActiveModel {
                    user_id: Set(member.as_uuid()),
                    organisation_id: Set(org),
                    role: Set(role.code().to_owned()),
                    created_at: Set(write.now),
                })
                .exec_without_returning(&write.transaction)
                .await?;
            }
        }
        write
            .record(
                EntityKind::Organisation,
                org,
                "MEMBER_SET",
                serde_json::json!({ "member": member.as_uuid(), "role": role.code() }),
            )
            .await?;
        write.commit().await?;
        Ok(Membership {
            user_id: member,
            organisation_id: organisation,
            role,
        })
    }

    /// Removes a member; removing the last owner is refused with `LastOwner`, and a user who
    /// is not a member gives `NotFound`.
    pub async fn remove_member(
        &self,
        actor: UserId,
        organisation: OrganisationId,
        member: UserId,
    ) -> Result<(), WriteError> {
        let write = self.write(Some(actor)).await?;
        let org = organisation.as_uuid();
        let existing = membership::Entity::find_by_id((member.as_uuid(), org))
            .one(&write.transaction)
            .await?
            .ok_or(WriteError::NotFound)?;
        if existing.role == MemberRole::Owner.code() && Self::owner_count(&write, org).await? <= 1 {
            return Err(WriteError::LastOwner(
                Self::organisation_name(&write, org).await?,
            ));
        }
        membership::Entity::delete_by_id((member.as_uuid(), org))
            .exec(&write.transaction)
            .await?;
        write
            .record(
                EntityKind::Organisation,
                org,
                "MEMBER_REMOVED",
                serde_json::json!({ "member": member.as_uuid() }),
            )
            .await?;
        write.commit().await?;
        Ok(())
    }

    // ---- training offers ----

    async fn replace_offer_parts(
        write: &Write,
        offer: Uuid,
        content: &OfferContent,
    ) -> Result<(), DbErr> {
        taught_skill::Entity::delete_many()
            .filter(taught_skill::Column::OfferId.eq(offer))
            .exec(&write.transaction)
            .await?;
        taught_skill::Entity::insert_many(content.skills.iter().map(|(skill, level)| {
            taught_skill::ActiveModel {
                offer_id: Set(offer),
                skill_id: Set(skill.as_uuid()),
                level: Set(level_i16(*level)),
            }
        }))
        .exec_without_returning(&write.transaction)
        .await?;
        training_session::Entity::delete_many()
            .filter(training_session::Column::OfferId.eq(offer))
            .exec(&write.transaction)
            .await?;
        training_session::Entity::insert_many(content.sessions.iter().map(|session| {
            training_session::ActiveModel {
                id: Set(Uuid::now_v7()),
                offer_id: Set(offer),
                start_date: Set(session.dates.start()),
                end_date: Set(session.dates.end()),
                insee_code: Set(session
                    .place
                    .as_ref()
                    .map(|place| place.as_str().to_owned())),
                seats: Set(session.seats.map(to_i32)),
                seats_taken: Set(0),
            }
        }))
        .exec_without_returning(&write.transaction)
        .await?;
        Ok(())
    }

    fn offer_columns(content: &OfferContent, now: DateTime<Utc>) -> training_offer::ActiveModel {
        training_offer::ActiveModel {
            title: Set(content.title.as_str().to_owned()),
            summary: Set(content.summary.as_str().to_owned()),
            description: Set(content.description.as_str().to_owned()),
            prerequisites: Set(content
                .prerequisites
                .as_ref()
                .map(|p| p.as_str().to_owned())),
            modality: Set(content.modality.code().to_owned()),
            duration_hours: Set(to_i32(content.duration_hours)),
            price_cents: Set(content.price.map(passerelle_domain::Money::cents)),
            registration_url: Set(content
                .registration_url
                .as_ref()
                .map(|u| u.as_str().to_owned())),
            cpf_eligible: Set(content.cpf_eligible),
            certification_code: Set(content
                .certification
                .as_ref()
                .map(|(code, _)| code.as_str().to_owned())),
            certification_title: Set(content
                .certification
                .as_ref()
                .map(|(_, title)| title.as_str().to_owned())),
            language: Set(content.language.code().to_owned()),
            updated_at: Set(now),
            ..Default::default()
        }
    }

    async fn offer_in(write: &Write, id: Uuid) -> Result<TrainingOffer, WriteError> {
        let row = training_offer::Entity::find_by_id(id)
            .one(&write.transaction)
            .await?
            .ok_or(WriteError::NotFound)?;
        Ok(records::training_offer(row)?)
    }

    /// Creates a DRAFT offer of a provider, with its skills and sessions.
    pub async fn create_offer(
        &self,
        actor: UserId,
        provider: OrganisationId,
        content: &OfferContent,
    ) -> Result<TrainingOffer, WriteError> {
        let write = self.write(Some(actor)).await?;
        let id = TrainingOfferId::generate();
        let slug = write
            .free_slug::<training_offer::Entity>(
                training_offer::Column::Slug,
                &Slug::from_title(content.title.as_str(), "formation"),
            )
            .await?;
        let mut row = Self::offer_columns(content, write.now);
        row.id = Set(id.as_uuid());
        row.slug = Set(slug.as_str().to_owned());
        row.provider_id = Set(provider.as_uuid());
        row.status = Set(OfferStatus::Draft.code().to_owned());
        row.version = Set(1);
        row.published_at = Set(None);
        row.created_at = Set(write.now);
        training_offer::Entity::insert(row)
            .exec_without_returning(&write.transaction)
            .await?;
        Self::replace_offer_parts(&write, id.as_uuid(), content).await?;
        write
            .record(
                EntityKind::TrainingOffer,
                id.as_uuid(),
                "CREATED",
                serde_json::json!({ "version": 1 }),
            )
            .await?;
        let offer = Self::offer_in(&write, id.as_uuid()).await?;
        write.commit().await?;
        Ok(offer)
    }

    /// Replaces an offer's content if it is still at `expected_version`. The version is
    /// compared in the UPDATE itself, so of two writers holding the same version exactly one
    /// succeeds and the other gets `Conflict` with nothing changed.
    pub async fn update_offer(
        &self,
        actor: UserId,
        id: TrainingOfferId,
        expected_version: u32,
        content: &OfferContent,
    ) -> Result<TrainingOffer, WriteError> {
        let write = self.write(Some(actor)).await?;
        let next_version = to_i32(expected_version.saturating_add(1));
        let mut changes = Self::offer_columns(content, write.now);
        changes.version = Set(next_version);
        let updated = training_offer::Entity::update_many()
            .set(changes)
            .filter(training_offer::Column::Id.eq(id.as_uuid()))
            .filter(training_offer::Column::Version.eq(to_i32(expected_version)))
            .exec(&write.transaction)
            .await?;
        if updated.rows_affected == 0 {
            let current = Self::offer_in(&write, id.as_uuid()).await?;
            return Err(WriteError::Conflict {
                current: current.version,
            });
        }
        Self::replace_offer_parts(&write, id.as_uuid(), content).await?;
        write
            .record(
                EntityKind::TrainingOffer,
                id.as_uuid(),
                "UPDATED",
                serde_json::json!({ "version": next_version }),
            )
            .await?;
        let offer = Self::offer_in(&write, id.as_uuid()).await?;
        write.commit().await?;
        Ok(offer)
    }

    /// Moves an offer to `status` if it is still at `expected_version` (the version the caller
    /// checked for completeness); publishing stamps `published_at` the first time.
    pub async fn set_offer_status(
        &self,
        actor: UserId,
        id: TrainingOfferId,
        expected_version: u32,
        status: OfferStatus,
    ) -> Result<TrainingOffer, WriteError> {
        let write = self.write(Some(actor)).await?;
        let mut update = training_offer::Entity::update_many()
            .col_expr(training_offer::Column::Status, Expr::value(status.code()))
            .col_expr(
                training_offer::Column::Version,
                Expr::col(training_offer::Column::Version).add(1),
            )
            .col_expr(training_offer::Column::UpdatedAt, Expr::value(write.now));
        if status == OfferStatus::Published {
            update = update.col_expr(
                training_offer::Column::PublishedAt,
                Expr::col(training_offer::Column::PublishedAt).if_null(write.now),
            );
        }
        let updated = update
            .filter(training_offer::Column::Id.eq(id.as_uuid()))
            .filter(training_offer::Column::Version.eq(to_i32(expected_version)))
            .exec(&write.transaction)
            .await?;
        if updated.rows_affected == 0 {
            let current = Self::offer_in(&write, id.as_uuid()).await?;
            return Err(WriteError::Conflict {
                current: current.version,
            });
        }
        write
            .record(
                EntityKind::TrainingOffer,
                id.as_uuid(),
                status.code(),
                serde_json::json!({ "version": expected_version.saturating_add(1) }),
            )
            .await?;
        let offer = Self::offer_in(&write, id.as_uuid()).await?;
        write.commit().await?;
        Ok(offer)
    }

    /// An offer whatever its status, for the writers' own checks.
    pub async fn offer_for_writing(
        &self,
        id: TrainingOfferId,
    ) -> Result<Option<TrainingOffer>, StoreError> {
        let row = training_offer::Entity::find_by_id(id.as_uuid())
            .one(self.connection())
            .await?;
        row.map(records::training_offer).transpose()
    }

    // ---- skill profiles ----

    /// Creates or replaces the profile of `owner`.
    pub async fn upsert_profile(
        &self,
        owner: UserId,
        content: &ProfileContent,
        language: &str,
    ) -> Result<SkillProfile, WriteError> {
        let write = self.write(Some(owner)).await?;
        let existing = skill_profile::Entity::find()
            .filter(skill_profile::Column::UserId.eq(owner.as_uuid()))
            .one(&write.transaction)
            .await?;
        let columns = skill_profile::ActiveModel {
            display_name: Set(content.display_name.as_str().to_owned()),
            headline: Set(content.headline.as_str().to_owned()),
            summary: Set(content.summary.as_ref().map(|s| s.as_str().to_owned())),
            insee_code: Set(content.place.as_ref().map(|p| p.as_str().to_owned())),
            remote: Set(content.remote),
            available_from: Set(content.available_from),
            daily_rate_cents: Set(content.daily_rate.map(passerelle_domain::Money::cents)),
            visibility: Set(content.visibility.code().to_owned()),
            contact_email: Set(content
                .contact_email
                .as_ref()
                .map(|e| e.as_str().to_owned())),
            language: Set(language.to_owned()),
            updated_at: Set(write.now),
            ..Default::default()
        };
        let (id, operation) = match existing {
            Some(existing) => {
                skill_profile::Entity::update_many()
                    .set(columns)
                    .filter(skill_profile::Column::Id.eq(existing.id))
                    .exec(&write.transaction)
                    .await?;
                (existing.id, "UPDATED")
            }
            None => {
                let id = SkillProfileId::generate().as_uuid();
                let mut row = columns;
                row.id = Set(id);
                row.user_id = Set(owner.as_uuid());
                row.created_at = Set(write.now);
                skill_profile::Entity::insert(row)
                    .exec_without_returning(&write.transaction)
                    .await?;
                (id, "CREATED")
            }
        };
        profile_skill::Entity::delete_many()
            .filter(profile_skill::Column::ProfileId.eq(id))
            .exec(&write.transaction)
            .await?;
        profile_skill::Entity::insert_many(content.skills.iter().map(|held| {
            profile_skill::ActiveModel {
                profile_id: Set(id),
                skill_id: Set(held.skill.as_uuid()),
                level: Set(level_i16(held.level)),
                years: Set(held.years.map(i16::from)),
            }
        }))
        .exec_without_returning(&write.transaction)
        .await?;
        write
            .record(
                EntityKind::SkillProfile,
                id,
                operation,
                serde_json::json!({}),
            )
            .await?;
        let row = skill_profile::Entity::find_by_id(id)
            .one(&write.transaction)
            .await?
            .ok_or(WriteError::NotFound)?;
        write.commit().await?;
        Ok(records::skill_profile(row)?)
    }

    /// Erases the profile of `owner`; `None` when there was none.
    pub async fn delete_profile(
        &self,
        owner: UserId,
    ) -> Result<Option<SkillProfileId>, WriteError> {
        let write = self.write(Some(owner)).await?;
        let Some(existing) = skill_profile::Entity::find()
            .filter(skill_profile::Column::UserId.eq(owner.as_uuid()))
            .one(&write.transaction)
            .await?
        else {
            return Ok(None);
        };
        skill_profile::Entity::delete_by_id(existing.id)
            .exec(&write.transaction)
            .await?;
        write
            .record(
                EntityKind::SkillProfile,
                existing.id,
                "DELETED",
                serde_json::json!({}),
            )
            .await?;
        write.commit().await?;
        Ok(Some(existing.id.into()))
    }

    // ---- the change log ----

    /// Log entries after `after_seq`, in order, at most `limit`.
    pub async fn changes_after(
        &self,
        after_seq: i64,
        limit: u64,
    ) -> Result<Vec<ChangeEntry>, StoreError> {
        use sea_orm::QueryOrder;
        let rows = change_log::Entity::find()
            .filter(change_log::Column::Seq.gt(after_seq))
            .order_by_asc(change_log::Column::Seq)
            .limit(limit)
            .all(self.connection())
            .await?;
        rows.into_iter()
            .map(|row| {
                Ok(ChangeEntry {
                    seq: row.seq,
                    kind: row.entity_kind,
                    entity_id: row.entity_id,
                    operation: row.operation,
                    actor: row.actor_id.map(Into::into),
                    recorded_at: row.recorded_at,
                    details: serde_json::from_str(&row.details)
                        .map_err(|error| StoreError::corrupt("change_log", "details", error))?,
                })
            })
            .collect()
    }
}

impl Store {
    /// The members of an organisation with their roles, owners first, then by name.
    pub async fn members_of_organisation(
        &self,
        organisation: OrganisationId,
    ) -> Result<Vec<(User, MemberRole)>, StoreError> {
        let memberships = membership::Entity::find()
            .filter(membership::Column::OrganisationId.eq(organisation.as_uuid()))
            .all(self.connection())
            .await?;
        let users: std::collections::HashMap<Uuid, user::Model> = user::Entity::find()
            .filter(
                user::Column::Id.is_in(
                    memberships
                        .iter()
                        .map(|row| row.user_id)
                        .collect::<Vec<_>>(),
                ),
            )
            .all(self.connection())
            .await?
            .into_iter()
            .map(|row| (row.id, row))
            .collect();
        let mut members = Vec::new();
        for row in memberships {
            let role = MemberRole::parse(&row.role)
                .map_err(|error| StoreError::corrupt("memberships", "role", error))?;
            if let Some(user) = users.get(&row.user_id) {
                members.push((records::user(user.clone())?, role));
            }
        }
        members.sort_by(|(a, a_role), (b, b_role)| {
            (*a_role != MemberRole::Owner, &a.display_name)
                .cmp(&(*b_role != MemberRole::Owner, &b.display_name))
        });
        Ok(members)
    }
}
