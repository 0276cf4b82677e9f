use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "skill_profiles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub display_name: String,
    pub headline: String,
    pub summary: Option<String>,
    pub insee_code: Option<String>,
    pub remote: bool,
    pub available_from: Option<Date>,
    pub daily_rate_cents: Option<i64>,
    pub visibility: String,
    pub contact_email: Option<String>,
    pub language: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
