use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "training_offers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub slug: String,
    pub provider_id: Uuid,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub prerequisites: Option<String>,
    pub modality: String,
    pub duration_hours: i32,
    pub price_cents: Option<i64>,
    pub registration_url: Option<String>,
    pub cpf_eligible: bool,
    pub certification_code: Option<String>,
    pub certification_title: Option<String>,
    pub language: String,
    pub status: String,
    pub version: i32,
    pub published_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
