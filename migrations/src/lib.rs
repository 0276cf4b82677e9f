//! Passerelle's database schema, one migration set for SQLite and PostgreSQL.
//!
//! The schema is written with sea-query's builders so that each backend gets its own types
//! (UUID, TIMESTAMPTZ and BOOLEAN on PostgreSQL; their SQLite equivalents), while the constraints
//! a database should enforce (foreign keys, uniques, checks on levels, prices and dates) are the
//! same on both. Reference data (French communes and the skills taxonomy) ships in `data/` and
//! is loaded by a migration, so every database starts with it.

pub use sea_orm_migration::MigratorTrait;
use sea_orm_migration::prelude::*;

mod m20261126_000001_catalogue;
mod m20261126_000002_reference_data;
mod m20261126_000003_accounts_and_change_log;
mod m20261126_000004_database_identity;

pub mod reference;

#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_catalogue::Migration),
            Box::new(m20261126_000002_reference_data::Migration),
            Box::new(m20261126_000003_accounts_and_change_log::Migration),
            Box::new(m20261126_000004_database_identity::Migration),
        ]
    }
}
