//! The store against a real database: a SQLite file, or a scratch PostgreSQL database when
//! `TEST_DATABASE_URL` names a server. Migrations, reference data, demo and batched reads.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

use chrono::NaiveDate;
use passerelle_domain::{OfferStatus, Reader};
use passerelle_store::demo::DEMO_SEED;
use passerelle_store::{OfferFilter, PageRequest, Store};

/// A migrated store on a database of its own; dropped (PostgreSQL) or deleted (SQLite) after.
struct TestDatabase {
    store: Store,
    url: String,
    _folder: tempfile::TempDir,
    postgres: Option<(String, String)>,
}

impl TestDatabase {
    async fn new() -> Self {
        let database = Self::empty().await;
        database.store.migrate().await.expect("migrates");
        database
    }

    /// A database with no table yet.
    async fn empty() -> Self {
        let folder = tempfile::tempdir().unwrap();
        let postgres = match std::env::var("TEST_DATABASE_URL") {
            Ok(admin) if !admin.is_empty() => {
                let url = passerelle_store::scratch::create_postgres_database(&admin)
                    .await
                    .unwrap();
                Some((admin, url))
            }
            _ => None,
        };
        let url = postgres.as_ref().map_or_else(
            || format!("sqlite://{}", folder.path().join("passerelle.db").display()),
            |(_, url)| url.clone(),
        );
        let store = Store::connect(&url).await.expect("connects");
        Self {
            store,
            url,
            _folder: folder,
            postgres,
        }
    }

    async fn drop(self) {
        self.store.close().await.unwrap();
        if let Some((admin, url)) = self.postgres {
            passerelle_store::scratch::drop_postgres_database(&admin, &url)
                .await
                .unwrap();
        }
    }
}

#[tokio::test]
async fn migrations_load_reference_data_and_the_demo_loads_once() {
    let database = TestDatabase::new().await;
    let store = database.store.clone();
    store.check_ready().await.expect("ready after migrating");

    let rust = store
        .skill_by_slug("rust")
        .await
        .unwrap()
        .expect("rust is in the taxonomy");
    assert_eq!(rust.label_fr, "Rust");

    let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let summary = store
        .load_demo(DEMO_SEED, today)
        .await
        .unwrap()
        .expect("loads into an empty catalogue");
    assert!(summary.training_offers >= 150);
    assert_eq!(
        store.load_demo(DEMO_SEED, today).await.unwrap(),
        None,
        "a second load changes nothing"
    );

    let listed = store
        .list_offers(
            &Reader::Anonymous,
            &OfferFilter::default(),
            PageRequest {
                first: 100,
                after: None,
            },
        )
        .await
        .unwrap();
    assert!(
        listed.total_count >= 130,
        "{} published offers",
        listed.total_count
    );
    assert!(
        listed
            .items
            .iter()
            .all(|offer| offer.status == OfferStatus::Published)
    );

    let providers: Vec<_> = listed
        .items
        .iter()
        .map(|offer| offer.provider_id)
        .take(10)
        .collect();
    let pages = store
        .first_offers_of_providers(&Reader::Anonymous, &providers, &[OfferStatus::Published], 2)
        .await
        .unwrap();
    for provider in &providers {
        let page = &pages[provider];
        assert!(!page.items.is_empty() && page.items.len() <= 2);
        assert!(
            page.items
                .iter()
                .all(|offer| offer.provider_id == *provider)
        );
        assert_eq!(page.has_next_page, page.total_count > 2);
    }
    database.drop().await;
}

#[tokio::test]
async fn concurrent_writers_wait_for_each_other_instead_of_failing() {
    let database = TestDatabase::new().await;
    let store = database.store.clone();
    let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    // Two demo loads race, as two servers started at once with --demo would: IMMEDIATE
    // transactions (SQLite) or a transaction-scoped advisory lock (PostgreSQL) serialise them,
    // and exactly one loads.
    let (first, second) = tokio::join!(
        store.load_demo(DEMO_SEED, today),
        store.load_demo(DEMO_SEED + 1, today)
    );
    let loaded = [first, second];
    assert!(
        loaded.iter().all(Result::is_ok),
        "no writer failed: {loaded:?}"
    );
    assert_eq!(
        loaded
            .iter()
            .filter(|result| matches!(result, Ok(Some(_))))
            .count(),
        1,
        "exactly one loaded"
    );
    database.drop().await;
}

/// Production databases are often reached over TLS: `sslmode=require` must work (the local
/// PostgreSQL of CI serves TLS with its own certificate).
#[tokio::test]
async fn postgres_connections_can_require_tls() {
    let Ok(admin) = std::env::var("TEST_DATABASE_URL") else {
        return;
    };
    if admin.is_empty() {
        return;
    }
    let url = passerelle_store::scratch::create_postgres_database(&admin)
        .await
        .unwrap();
    let separator = if url.contains('?') { '&' } else { '?' };
    let store = Store::connect(&format!("{url}{separator}sslmode=require"))
        .await
        .expect("connects over TLS");
    store.migrate().await.expect("migrates over TLS");
    store.check_ready().await.expect("ready over TLS");
    store.close().await.unwrap();
    passerelle_store::scratch::drop_postgres_database(&admin, &url)
        .await
        .unwrap();
}

/// Nodes starting at the same time against one database all come up: one migrates, the
/// others wait for it and find nothing left to do.
#[tokio::test]
async fn nodes_starting_together_migrate_once_without_failing() {
    let database = TestDatabase::empty().await;
    let other_node = Store::connect(&database.url).await.unwrap();
    let third_node = Store::connect(&database.url).await.unwrap();
    let (first, second, third) = tokio::join!(
        database.store.migrate(),
        other_node.migrate(),
        third_node.migrate()
    );
    assert!(
        first.is_ok() && second.is_ok() && third.is_ok(),
        "{first:?} {second:?} {third:?}"
    );
    other_node.check_ready().await.expect("migrated");
    assert!(
        other_node.skill_by_slug("rust").await.unwrap().is_some(),
        "reference data loaded once"
    );
    other_node.close().await.unwrap();
    third_node.close().await.unwrap();
    database.drop().await;
}
