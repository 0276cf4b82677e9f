//! The identity of the database: one random UUID chosen when the database is created.
//!
//! Each node's search index records which database it follows. A node pointed at another
//! database (a new one, or a copy) sees a different identity and rebuilds its index instead of
//! trusting positions in a change log that is not the one it indexed.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("database_identity")
                    .col(string_len("id", 36).primary_key())
                    .to_owned(),
            )
            .await?;
        let insert = Query::insert()
            .into_table("database_identity")
            .columns(["id"])
            .values_panic([uuid::Uuid::now_v7().to_string().into()])
            .to_owned();
        manager.exec_stmt(insert).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("database_identity").to_owned())
            .await
    }
}
