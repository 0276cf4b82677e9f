use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "skills")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub slug: String,
    pub label_fr: String,
    pub label_en: String,
    pub alt_labels_fr: String,
    pub alt_labels_en: String,
    pub description_fr: Option<String>,
    pub description_en: Option<String>,
    pub esco_uri: Option<String>,
    pub broader_id: Option<Uuid>,
    pub search_text: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
