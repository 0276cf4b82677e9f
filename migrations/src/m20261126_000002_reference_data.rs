//! Loads the communes and the skills taxonomy shipped in `data/`.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

use crate::reference;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Rows per INSERT: well under SQLite's limit of 32,766 bound parameters per statement.
const ROWS_PER_INSERT: usize = 500;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let connection = manager.get_connection();

        let communes = reference::communes().map_err(DbErr::Migration)?;
        for chunk in communes.chunks(ROWS_PER_INSERT) {
            let mut insert = Query::insert();
            insert.into_table("communes").columns([
                "insee_code",
                "name",
                "name_folded",
                "postcodes",
                "department_code",
                "department_name",
                "region_code",
                "region_name",
                "population",
                "latitude",
                "longitude",
            ]);
            for commune in chunk {
                insert.values_panic([
                    commune.insee_code.as_str().into(),
                    commune.name.as_str().into(),
                    commune.name_folded().into(),
                    commune.postcodes.as_str().into(),
                    commune.department_code.as_str().into(),
                    commune.department_name.as_str().into(),
                    commune.region_code.as_str().into(),
                    commune.region_name.as_str().into(),
                    commune.population.into(),
                    commune.latitude.into(),
                    commune.longitude.into(),
                ]);
            }
            connection.execute(&insert).await?;
        }

        let skills = reference::skills().map_err(DbErr::Migration)?;
        let mut ids = std::collections::HashMap::new();
        for skill in &skills {
            ids.insert(skill.slug.as_str(), uuid::Uuid::now_v7());
        }
        // Parents come first in the file, so one pass in file order satisfies the foreign key.
        for chunk in skills.chunks(ROWS_PER_INSERT / 4) {
            let mut insert = Query::insert();
            insert.into_table("skills").columns([
                "id",
                "slug",
                "label_fr",
                "label_en",
                "alt_labels_fr",
                "alt_labels_en",
                "description_fr",
                "description_en",
                "esco_uri",
                "broader_id",
                "search_text",
            ]);
            for skill in chunk {
                let broader = skill
                    .broader
                    .as_deref()
                    .and_then(|slug| ids.get(slug))
                    .copied();
                insert.values_panic([
                    ids[skill.slug.as_str()].into(),
                    skill.slug.as_str().into(),
                    skill.label_fr.as_str().into(),
                    skill.label_en.as_str().into(),
                    json_list(&skill.alt_labels_fr).into(),
                    json_list(&skill.alt_labels_en).into(),
                    skill.description_fr.clone().into(),
                    skill.description_en.clone().into(),
                    skill.esco_uri.clone().into(),
                    broader.into(),
                    skill.search_text().into(),
                ]);
            }
            connection.execute(&insert).await?;
        }
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        // One transaction: all reference data or none, and SQLite writes it in one sync.
        Some(true)
    }
}

fn json_list(labels: &[String]) -> String {
    serde_json::to_string(labels).unwrap_or_else(|_| "[]".to_owned())
}
