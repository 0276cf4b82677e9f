//! The index kept in step with the database: a node that missed a committed write catches up
//! at restart; a lost index is rebuilt; concurrent writers on PostgreSQL skip nothing; two
//! nodes on one database converge; `reindex` swaps generations while the node serves.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use serde_json::json;
use support::{TestServer, complete_offer, provider, publish_new_offer, scratch_postgres};

/// A database for several nodes: a scratch PostgreSQL database, or one SQLite file.
struct SharedDatabase {
    folder: tempfile::TempDir,
    postgres: Option<(String, String)>,
}

impl SharedDatabase {
    async fn new() -> Self {
        Self {
            folder: tempfile::tempdir().unwrap(),
            postgres: scratch_postgres().await,
        }
    }

    fn url(&self) -> String {
        match &self.postgres {
            Some((_, url)) => url.clone(),
            None => format!(
                "sqlite://{}",
                self.folder.path().join("shared.db").display()
            ),
        }
    }

    /// A data directory of its own for one node.
    fn node_dir(&self, name: &str) -> std::path::PathBuf {
        let path = self.folder.path().join(name);
        std::fs::create_dir_all(&path).unwrap();
        path
    }

    async fn drop(self) {
        if let Some((admin, url)) = &self.postgres {
            passerelle_store::scratch::drop_postgres_database(admin, url)
                .await
                .unwrap();
        }
    }
}

#[tokio::test]
async fn a_write_the_index_missed_appears_after_restart_and_a_lost_index_is_rebuilt() {
    let shared = SharedDatabase::new().await;
    let node_a = shared.node_dir("a");
    let first = TestServer::start_node(&node_a, Some(shared.url()), true).await;
    let demo_hits = first
        .search_total("", json!({ "kinds": ["TRAINING_OFFER"] }))
        .await;
    assert!(demo_hits > 0);
    first.stop().await;

    // While node A is down, a write commits in the database (through node B): A's index,
    // committed before it, does not have it, exactly as after a crash between the two commits.
    let writer = TestServer::start_node(&shared.node_dir("b"), Some(shared.url()), false).await;
    let owner = writer.register("ecrit@example.fr", "Écrivaine").await;
    let organisation = provider(&writer, &owner, "Organisme Pendant La Panne").await;
    let mut offer = complete_offer("Formation pendant la panne");
    offer["summary"] =
        json!("Une formation ornithorynque publiée pendant que le nœud A était arrêté.");
    let missed = publish_new_offer(&writer, &owner.access_token, &organisation, offer).await;
    writer.stop().await;

    let restarted = TestServer::start_node(&node_a, Some(shared.url()), false).await;
    // Caught up during start-up, before serving.
    assert!(
        restarted
            .search_ids("ornithorynque", json!(null))
            .await
            .contains(&missed)
    );
    restarted.stop().await;

    // The index folder's current generation loses its files: rebuilt from the database.
    let current = std::fs::read_to_string(node_a.join("index/CURRENT")).unwrap();
    std::fs::remove_file(node_a.join("index").join(current.trim()).join("meta.json")).unwrap();
    let rebuilt = TestServer::start_node(&node_a, Some(shared.url()), false).await;
    assert!(
        rebuilt
            .search_ids("ornithorynque", json!(null))
            .await
            .contains(&missed)
    );
    assert_eq!(
        rebuilt
            .search_total("", json!({ "kinds": ["TRAINING_OFFER"] }))
            .await,
        demo_hits + 1
    );
    rebuilt.stop().await;
    shared.drop().await;
}

#[tokio::test]
async fn two_nodes_on_one_database_converge() {
    let shared = SharedDatabase::new().await;
    let node_a = TestServer::start_node(&shared.node_dir("a"), Some(shared.url()), true).await;
    let node_b = TestServer::start_node(&shared.node_dir("b"), Some(shared.url()), false).await;
    let owner = node_a.register("a@example.fr", "Nœud A").await;
    let organisation = provider(&node_a, &owner, "Organisme du nœud A").await;
    let mut offer = complete_offer("Formation convergente");
    offer["summary"] = json!("Une formation axolotl publiée sur le nœud A.");
    let id = publish_new_offer(&node_a, &owner.access_token, &organisation, offer).await;
    let on_a = node_a
        .wait_for_search("axolotl", &id, true, Duration::from_secs(5))
        .await
        .expect("searchable on the node that wrote it");
    // PostgreSQL wakes the other node by notification; SQLite by polling (every 2 s).
    let on_b = node_b
        .wait_for_search("axolotl", &id, true, Duration::from_secs(10))
        .await
        .expect("searchable on the other node");
    eprintln!("searchable on the writing node after {on_a:?}, on the other after {on_b:?}");
    assert_eq!(
        node_a.search_total("", json!(null)).await,
        node_b.search_total("", json!(null)).await
    );
    node_a.stop().await;
    node_b.stop().await;
    shared.drop().await;
}

#[tokio::test]
async fn concurrent_writers_skip_no_log_entry() {
    // On PostgreSQL, sequence numbers of concurrent transactions could become visible out of
    // order; the catalogue write lock prevents it. Writers race here while the indexer follows
    // the log as fast as it can; every offer must end up searchable.
    let server = TestServer::start(false).await;
    let mut owners = Vec::new();
    for writer in 0..4 {
        let owner = server
            .register(
                &format!("w{writer}@example.fr"),
                &format!("Writer {writer}"),
            )
            .await;
        let organisation =
            provider(&server, &owner, &format!("Organisme concurrent {writer}")).await;
        owners.push((owner, organisation));
    }
    let server = std::sync::Arc::new(server);
    let mut tasks = Vec::new();
    for (writer, (owner, organisation)) in owners.into_iter().enumerate() {
        let server = std::sync::Arc::clone(&server);
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for offer in 0..6 {
                let mut input = complete_offer(&format!("Course parallèle {writer}-{offer}"));
                input["summary"] = json!("Une formation pangolin écrite en concurrence.");
                ids.push(
                    publish_new_offer(&server, &owner.access_token, &organisation, input).await,
                );
            }
            ids
        }));
    }
    let mut expected = Vec::new();
    for task in tasks {
        expected.extend(task.await.unwrap());
    }
    let started = std::time::Instant::now();
    loop {
        let found = server.search_ids("pangolin", json!(null)).await;
        if expected.iter().all(|id| found.contains(id)) {
            assert_eq!(found.len(), expected.len());
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "missing from the index: {:?}",
            expected
                .iter()
                .filter(|id| !found.contains(id))
                .collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The indexer reads an entity's current row, not the row as the entry saw it: applying an
    // offer's CREATED entry after its publish had committed already makes it searchable, while
    // the checkpoint still stops short of the PUBLISHED entry. So every offer can be found one
    // step before the lag reaches zero; it must reach zero all the same.
    let started = std::time::Instant::now();
    loop {
        let ready = server.readiness().await;
        if ready["index"]["lag"] == 0 {
            assert_eq!(ready["index"]["appliedSeq"], ready["index"]["latestSeq"]);
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "index never caught up: {ready}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    std::sync::Arc::into_inner(server).unwrap().stop().await;
}

#[tokio::test]
async fn reindex_swaps_in_a_new_generation_while_the_node_serves() {
    let shared = SharedDatabase::new().await;
    let dir = shared.node_dir("a");
    let server = std::sync::Arc::new(TestServer::start_node(&dir, Some(shared.url()), true).await);
    let before = server.search_ids("", json!(null)).await;
    let generation = std::fs::read_to_string(dir.join("index/CURRENT")).unwrap();

    // Searches keep answering, with the same hits, during the rebuild.
    let searching = {
        let server = std::sync::Arc::clone(&server);
        let expected = before.clone();
        tokio::spawn(async move {
            let mut searches = 0;
            let started = std::time::Instant::now();
            while started.elapsed() < Duration::from_secs(3) {
                assert_eq!(server.search_ids("", json!(null)).await, expected);
                searches += 1;
            }
            searches
        })
    };
    let documents = passerelle_server::reindex(&dir, Some(&shared.url()))
        .await
        .expect("reindex");
    assert!(documents as usize >= before.len());
    assert!(searching.await.unwrap() > 0);
    let swapped = std::fs::read_to_string(dir.join("index/CURRENT")).unwrap();
    assert_ne!(swapped, generation);

    // The node switches to the new generation and goes on indexing into it.
    let started = std::time::Instant::now();
    while server.readiness().await["index"]["generation"]
        .as_str()
        .is_none_or(|name| name != swapped.trim())
    {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the node kept the old generation"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        !dir.join("index").join(generation.trim()).exists(),
        "old generation removed"
    );
    let owner = server.register("apres@example.fr", "Après").await;
    let organisation = provider(&server, &owner, "Organisme après reindex").await;
    let mut offer = complete_offer("Formation après reindex");
    offer["summary"] = json!("Une formation okapi publiée après le reindex.");
    let id = publish_new_offer(&server, &owner.access_token, &organisation, offer).await;
    server
        .wait_for_search("okapi", &id, true, Duration::from_secs(5))
        .await
        .expect("indexed into the new generation");
    std::sync::Arc::into_inner(server).unwrap().stop().await;
    shared.drop().await;
}
