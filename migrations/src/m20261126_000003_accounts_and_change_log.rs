//! Accounts and the change log: refresh tokens, login throttling, and the append-only log of
//! every write to an organisation, an offer or a profile (the search index follows it).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Refresh tokens are stored as SHA-256 digests: a copy of the table signs nobody in.
        // Tokens of one sign-in share a family; reusing a spent token revokes the family.
        manager
            .create_table(
                Table::create()
                    .table("refresh_tokens")
                    .col(pk_uuid("id"))
                    .col(uuid("user_id"))
                    .col(uuid("family_id"))
                    .col(string_len_uniq("token_hash", 64))
                    .col(timestamp_with_time_zone("issued_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("used_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_refresh_tokens_user_id")
                            .from("refresh_tokens", "user_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for column in ["user_id", "family_id"] {
            manager
                .create_index(
                    Index::create()
                        .name(format!("ix_refresh_tokens_{column}"))
                        .table("refresh_tokens")
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }

        // Failed sign-ins per email (its SHA-256, so the table holds no address), whether or
        // not an account exists: throttling unknown emails too reveals nothing.
        manager
            .create_table(
                Table::create()
                    .table("login_failures")
                    .col(string_len("email_hash", 64).primary_key())
                    .col(integer("failures"))
                    .col(timestamp_with_time_zone("last_failure_at"))
                    .to_owned(),
            )
            .await?;

        // Append-only: rows are inserted in the transaction of the change they describe and
        // never updated. `seq` orders them; the index applies them in that order.
        manager
            .create_table(
                Table::create()
                    .table("change_log")
                    .col(big_pk_auto("seq"))
                    .col(string_len("entity_kind", 32))
                    .col(uuid("entity_id"))
                    .col(string_len("operation", 32))
                    .col(uuid_null("actor_id"))
                    .col(timestamp_with_time_zone("recorded_at"))
                    .col(text("details"))
                    .check((
                        "ck_change_log_entity_kind",
                        Expr::col("entity_kind").is_in([
                            "ORGANISATION",
                            "TRAINING_OFFER",
                            "SKILL_PROFILE",
                            "USER",
                        ]),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_change_log_entity_kind_entity_id")
                    .table("change_log")
                    .col("entity_kind")
                    .col("entity_id")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
