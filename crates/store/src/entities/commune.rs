use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "communes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub insee_code: String,
    pub name: String,
    pub name_folded: String,
    pub postcodes: String,
    pub department_code: String,
    pub department_name: String,
    pub region_code: String,
    pub region_name: String,
    pub population: i32,
    pub latitude: f64,
    pub longitude: f64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
