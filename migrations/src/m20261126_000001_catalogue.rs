//! The catalogue: communes, skills, users, organisations, memberships, skill profiles,
//! training offers and their sessions.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn foreign_key(
    from_table: &'static str,
    column: &'static str,
    to_table: &'static str,
    to_column: &'static str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{from_table}_{column}"))
        .from(from_table, column)
        .to(to_table, to_column)
        .on_delete(on_delete)
        .to_owned()
}

fn level_check(table: &'static str) -> (String, SimpleExpr) {
    (
        format!("ck_{table}_level"),
        Expr::col("level").between(1, 5),
    )
}

async fn create_index(
    manager: &SchemaManager<'_>,
    table: &'static str,
    columns: &[&'static str],
) -> Result<(), DbErr> {
    let mut index = Index::create();
    index
        .name(format!("ix_{table}_{}", columns.join("_")))
        .table(table);
    for column in columns {
        index.col(*column);
    }
    manager.create_index(index.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("communes")
                    .col(string_len("insee_code", 5).primary_key())
                    .col(string("name"))
                    .col(string("name_folded"))
                    .col(string("postcodes"))
                    .col(string_len("department_code", 3))
                    .col(string("department_name"))
                    .col(string_len("region_code", 3))
                    .col(string("region_name"))
                    .col(integer("population"))
                    .col(double("latitude"))
                    .col(double("longitude"))
                    .to_owned(),
            )
            .await?;
        create_index(manager, "communes", &["department_code"]).await?;
        create_index(manager, "communes", &["name_folded"]).await?;

        manager
            .create_table(
                Table::create()
                    .table("skills")
                    .col(pk_uuid("id"))
                    .col(string_len_uniq("slug", 80))
                    .col(string("label_fr"))
                    .col(string("label_en"))
                    .col(text("alt_labels_fr"))
                    .col(text("alt_labels_en"))
                    .col(text_null("description_fr"))
                    .col(text_null("description_en"))
                    .col(string_null("esco_uri"))
                    .col(uuid_null("broader_id"))
                    .col(text("search_text"))
                    .foreign_key(&mut foreign_key(
                        "skills",
                        "broader_id",
                        "skills",
                        "id",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(manager, "skills", &["broader_id"]).await?;

        manager
            .create_table(
                Table::create()
                    .table("users")
                    .col(pk_uuid("id"))
                    .col(string_len_uniq("email", 254))
                    .col(string("display_name"))
                    .col(string_null("password_hash"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("organisations")
                    .col(pk_uuid("id"))
                    .col(string_len_uniq("slug", 80))
                    .col(string("name"))
                    .col(string_len_null("siret", 14).unique_key())
                    .col(string_len_null("naf_code", 6))
                    .col(text_null("description"))
                    .col(string_null("website"))
                    .col(string_len_null("insee_code", 5))
                    .col(boolean("is_training_provider"))
                    .col(boolean("qualiopi_certified"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut foreign_key(
                        "organisations",
                        "insee_code",
                        "communes",
                        "insee_code",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("organisation_skills")
                    .col(uuid("organisation_id"))
                    .col(uuid("skill_id"))
                    .primary_key(Index::create().col("organisation_id").col("skill_id"))
                    .foreign_key(&mut foreign_key(
                        "organisation_skills",
                        "organisation_id",
                        "organisations",
                        "id",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "organisation_skills",
                        "skill_id",
                        "skills",
                        "id",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(manager, "organisation_skills", &["skill_id"]).await?;

        manager
            .create_table(
                Table::create()
                    .table("memberships")
                    .col(uuid("user_id"))
                    .col(uuid("organisation_id"))
                    .col(string_len("role", 16))
                    .col(timestamp_with_time_zone("created_at"))
                    .primary_key(Index::create().col("user_id").col("organisation_id"))
                    .check((
                        "ck_memberships_role",
                        Expr::col("role").is_in(["OWNER", "EDITOR"]),
                    ))
                    .foreign_key(&mut foreign_key(
                        "memberships",
                        "user_id",
                        "users",
                        "id",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "memberships",
                        "organisation_id",
                        "organisations",
                        "id",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(manager, "memberships", &["organisation_id"]).await?;

        manager
            .create_table(
                Table::create()
                    .table("skill_profiles")
                    .col(pk_uuid("id"))
                    .col(uuid_uniq("user_id"))
                    .col(string("display_name"))
                    .col(string("headline"))
                    .col(text_null("summary"))
                    .col(string_len_null("insee_code", 5))
                    .col(boolean("remote"))
                    .col(date_null("available_from"))
                    .col(big_integer_null("daily_rate_cents"))
                    .col(string_len("visibility", 16))
                    .col(string_len_null("contact_email", 254))
                    .col(string_len("language", 8))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .check((
                        "ck_skill_profiles_visibility",
                        Expr::col("visibility").is_in(["PUBLIC", "MEMBERS", "PRIVATE"]),
                    ))
                    .check((
                        "ck_skill_profiles_daily_rate",
                        Expr::col("daily_rate_cents").gte(0),
                    ))
                    .foreign_key(&mut foreign_key(
                        "skill_profiles",
                        "user_id",
                        "users",
                        "id",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "skill_profiles",
                        "insee_code",
                        "communes",
                        "insee_code",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(manager, "skill_profiles", &["updated_at", "id"]).await?;

        manager
            .create_table(
                Table::create()
                    .table("profile_skills")
                    .col(uuid("profile_id"))
                    .col(uuid("skill_id"))
                    .col(small_integer("level"))
                    .col(small_integer_null("years"))
                    .primary_key(Index::create().col("profile_id").col("skill_id"))
                    .check(level_check("profile_skills"))
                    .check(("ck_profile_skills_years", Expr::col("years").between(0, 60)))
                    .foreign_key(&mut foreign_key(
                        "profile_skills",
                        "profile_id",
                        "skill_profiles",
                        "id",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "profile_skills",
                        "skill_id",
                        "skills",
                        "id",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(manager, "profile_skills", &["skill_id"]).await?;

        manager
            .create_table(
                Table::create()
                    .table("training_offers")
                    .col(pk_uuid("id"))
                    .col(string_len_uniq("slug", 80))
                    .col(uuid("provider_id"))
                    .col(string("title"))
                    .col(text("summary"))
                    .col(text("description"))
                    .col(text_null("prerequisites"))
                    .col(string_len("modality", 16))
                    .col(integer("duration_hours"))
                    .col(big_integer_null("price_cents"))
                    .col(string_null("registration_url"))
                    .col(boolean("cpf_eligible"))
                    .col(string_len_null("certification_code", 16))
                    .col(string_null("certification_title"))
                    .col(string_len("language", 8))
                    .col(string_len("status", 16))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone_null("published_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .check((
                        "ck_training_offers_modality",
                        Expr::col("modality").is_in(["IN_PERSON", "REMOTE", "BLENDED"]),
                    ))
                    .check((
                        "ck_training_offers_status",
                        Expr::col("status").is_in(["DRAFT", "PUBLISHED", "ARCHIVED"]),
                    ))
                    .check((
                        "ck_training_offers_duration",
                        Expr::col("duration_hours").gt(0),
                    ))
                    .check(("ck_training_offers_price", Expr::col("price_cents").gte(0)))
                    .check(("ck_training_offers_version", Expr::col("version").gte(1)))
                    .check((
                        "ck_training_offers_certification",
                        Expr::col("certification_code")
                            .is_null()
                            .eq(Expr::col("certification_title").is_null()),
                    ))
                    .foreign_key(&mut foreign_key(
                        "training_offers",
                        "provider_id",
                        "organisations",
                        "id",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(manager, "training_offers", &["provider_id"]).await?;
        create_index(manager, "training_offers", &["status", "updated_at", "id"]).await?;

        manager
            .create_table(
                Table::create()
                    .table("taught_skills")
                    .col(uuid("offer_id"))
                    .col(uuid("skill_id"))
                    .col(small_integer("level"))
                    .primary_key(Index::create().col("offer_id").col("skill_id"))
                    .check(level_check("taught_skills"))
                    .foreign_key(&mut foreign_key(
                        "taught_skills",
                        "offer_id",
                        "training_offers",
                        "id",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "taught_skills",
                        "skill_id",
                        "skills",
                        "id",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(manager, "taught_skills", &["skill_id"]).await?;

        manager
            .create_table(
                Table::create()
                    .table("training_sessions")
                    .col(pk_uuid("id"))
                    .col(uuid("offer_id"))
                    .col(date("start_date"))
                    .col(date("end_date"))
                    .col(string_len_null("insee_code", 5))
                    .col(integer_null("seats"))
                    .col(integer("seats_taken"))
                    .check((
                        "ck_training_sessions_dates",
                        Expr::col("end_date").gte(Expr::col("start_date")),
                    ))
                    .check(("ck_training_sessions_seats", Expr::col("seats").gt(0)))
                    .check((
                        "ck_training_sessions_seats_taken",
                        Expr::col("seats_taken").gte(0),
                    ))
                    .foreign_key(&mut foreign_key(
                        "training_sessions",
                        "offer_id",
                        "training_offers",
                        "id",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "training_sessions",
                        "insee_code",
                        "communes",
                        "insee_code",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(manager, "training_sessions", &["offer_id", "start_date"]).await?;

        Ok(())
    }
}
