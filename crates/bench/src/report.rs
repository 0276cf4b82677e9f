//! The report: JSON for tools, Markdown for people, with the ratios the targets are about.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::http::HttpReport;
use crate::measure::{CpuSpeed, LatencySummary};
use crate::queries::QueryKind;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Quality {
    pub ndcg_at_10: f64,
    pub mrr_at_10: f64,
    pub ndcg_by_kind: BTreeMap<QueryKind, f64>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct SystemReport {
    pub name: String,
    pub latency: LatencySummary,
    pub latency_by_kind: BTreeMap<QueryKind, LatencySummary>,
    pub sequential_queries_per_second: f64,
    pub quality: Quality,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Import {
    /// Documents per `Store::import` call (one transaction each).
    pub batch_documents: usize,
    /// Writing every batch through `Store::import` (transactions, change log).
    pub database_seconds: f64,
    /// Until this node's index had followed the change log to the end.
    pub searchable_seconds: f64,
    pub documents_per_second: f64,
    pub raw_tantivy_seconds: f64,
    pub raw_tantivy_documents_per_second: f64,
    pub baseline_load_seconds: Vec<(String, f64)>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct SizeReport {
    pub documents: usize,
    /// Of `documents`, the training offers (the import target counts these).
    pub training_offers: usize,
    pub indexed_documents: u64,
    pub queries: usize,
    pub generation_seconds: f64,
    /// The machine's speed just before the corpus is generated and after the import (once
    /// the index's merges are done).
    pub cpu_speed: [CpuSpeed; 2],
    pub import: Import,
    pub statements_per_nested_request: u64,
    /// The same millisecond of CPU work, timed again and again: this machine's own jitter.
    pub fixed_work: LatencySummary,
    pub systems: Vec<SystemReport>,
    pub http: Option<HttpReport>,
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines().find_map(|line| {
                line.strip_prefix("model name")
                    .map(|rest| rest.trim_start_matches([' ', '\t', ':']).to_owned())
            })
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            text.lines().find_map(|line| {
                line.strip_prefix("MemTotal:")
                    .map(|rest| rest.trim().to_owned())
            })
        })
        .unwrap_or_default();
    format!("{cpu}, {cores} cores, {memory} memory")
}

/// The server's CPU milliseconds per request, from its cores busy at a request rate.
fn per_request(cpu: crate::http::CpuUse, requests_per_second: f64) -> String {
    format!(
        "{:.2}",
        cpu.server_cores / requests_per_second.max(f64::EPSILON) * 1000.0
    )
}

fn millis(micros: u64) -> String {
    #[allow(clippy::cast_precision_loss)]
    let value = micros as f64 / 1000.0;
    format!("{value:.2}")
}

/// p50 and p99 of each system for each kind of query: where the tails come from.
fn latency_by_kind(out: &mut String, systems: &[SystemReport]) {
    let Some(first) = systems.first() else {
        return;
    };
    let kinds: Vec<QueryKind> = first.latency_by_kind.keys().copied().collect();
    let _ = writeln!(out, "\np50 / p99 in milliseconds by kind of query:\n");
    let header: Vec<String> = kinds.iter().map(|kind| format!("{kind:?}")).collect();
    let _ = writeln!(out, "| system | {} |", header.join(" | "));
    let _ = writeln!(out, "| --- |{}", " ---: |".repeat(kinds.len()));
    for system in systems {
        let cells: Vec<String> = kinds
            .iter()
            .map(|kind| {
                system.latency_by_kind.get(kind).map_or_else(
                    || "-".to_owned(),
                    |latency| format!("{} / {}", millis(latency.p50_us), millis(latency.p99_us)),
                )
            })
            .collect();
        let _ = writeln!(out, "| {} | {} |", system.name, cells.join(" | "));
    }
}

fn markdown(seed: u64, sizes: &[SizeReport]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Passerelle benchmark\n");
    let _ = writeln!(
        out,
        "Machine: {}. Seed {seed}. Latencies in milliseconds, one query at a time after a warm-up (in-process and databases), or over HTTP.\n",
        machine()
    );
    for size in sizes {
        let _ = writeln!(
            out,
            "## {} documents ({} queries)\n",
            size.documents, size.queries
        );
        let _ = writeln!(
            out,
            "| system | p50 | p99 | p99.9 | queries/s (one client) | nDCG@10 | MRR@10 |"
        );
        let _ = writeln!(out, "| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        for system in &size.systems {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {:.0} | {:.3} | {:.3} |",
                system.name,
                millis(system.latency.p50_us),
                millis(system.latency.p99_us),
                millis(system.latency.p999_us),
                system.sequential_queries_per_second,
                system.quality.ndcg_at_10,
                system.quality.mrr_at_10
            );
        }
        let product = size
            .systems
            .iter()
            .find(|system| system.name == crate::PASSERELLE)
            .or_else(|| {
                size.systems
                    .iter()
                    .find(|system| system.name.starts_with("Passerelle"))
            });
        if let Some(product) = product {
            let _ = writeln!(out);
            for other in &size.systems {
                if std::ptr::eq(other, product) {
                    continue;
                }
                #[allow(clippy::cast_precision_loss)]
                let ratio = other.latency.p50_us as f64 / product.latency.p50_us.max(1) as f64;
                let _ = writeln!(out, "- {} p50 / Passerelle p50: {ratio:.2}", other.name);
            }
            let kinds: Vec<String> = product
                .quality
                .ndcg_by_kind
                .iter()
                .map(|(kind, value)| format!("{kind:?} {value:.3}"))
                .collect();
            let _ = writeln!(
                out,
                "- Passerelle nDCG@10 by kind of query: {}",
                kinds.join(", ")
            );
        }
        latency_by_kind(&mut out, &size.systems);
        let import = &size.import;
        let _ = writeln!(
            out,
            "\nImport through the product's write path ({} training offers among the documents, {} documents per call): {:.1} s into the database, searchable after {:.1} s ({:.0} documents/s); a raw tantivy `IndexWriter` on the same texts: {:.1} s ({:.0} documents/s).",
            size.training_offers,
            import.batch_documents,
            import.database_seconds,
            import.searchable_seconds,
            import.documents_per_second,
            import.raw_tantivy_seconds,
            import.raw_tantivy_documents_per_second
        );
        let [before, after] = size.cpu_speed;
        let _ = writeln!(
            out,
            "The machine's speed, in million steps of fixed CPU work per second, on one thread / on each of {} threads at once: {:.0} / {:.0} before generating the corpus, {:.0} / {:.0} after the import (compare runs' times only alongside these).",
            before.threads,
            before.one_thread,
            before.each_of_all,
            after.one_thread,
            after.each_of_all
        );
        for (name, seconds) in &import.baseline_load_seconds {
            let _ = writeln!(out, "Loading and indexing {name}: {seconds:.1} s.");
        }
        let _ = writeln!(
            out,
            "\nDatabase statements for 50 offers with provider, skills and sessions: {}.",
            size.statements_per_nested_request
        );
        let _ = writeln!(
            out,
            "\nThe machine's own jitter: the same {} ms of CPU work on one thread, timed {} times, took p50 {} ms, p99 {} ms, p99.9 {} ms. No tail measured here can be shorter.",
            millis(size.fixed_work.p50_us),
            size.fixed_work.count,
            millis(size.fixed_work.p50_us),
            millis(size.fixed_work.p99_us),
            millis(size.fixed_work.p999_us)
        );
        match &size.http {
            Some(http) => {
                let _ = writeln!(
                    out,
                    "\nOver HTTP (`passerelle serve` as its own process): start-up with the existing index {:.2} s; {} clients: {:.0} requests/s at most; at {:.0} requests/s ({}): p50 {} ms, p99 {} ms, p99.9 {} ms (from when each request was due; the load generator sent them p50 {} ms, p99 {} ms late); {} errors; peak memory {:.0} MB; publish to searchable: p50 {} ms, p99 {} ms.",
                    http.startup_seconds,
                    http.concurrency,
                    http.max_requests_per_second,
                    http.fixed_rate_requests_per_second,
                    if http.at_half_load {
                        "half of it"
                    } else {
                        "set by --http-rate"
                    },
                    millis(http.fixed_rate_latency.p50_us),
                    millis(http.fixed_rate_latency.p99_us),
                    millis(http.fixed_rate_latency.p999_us),
                    millis(http.send_lateness.p50_us),
                    millis(http.send_lateness.p99_us),
                    http.errors,
                    http.peak_memory_mb,
                    millis(http.publish_to_searchable.p50_us),
                    millis(http.publish_to_searchable.p99_us)
                );
                let _ = writeln!(
                    out,
                    "\nCores busy on average (of {}), the server's / the load generator's, and the server's CPU time per request: at the maximum {:.2} / {:.2}, {} ms; one client at a time {:.2} / {:.2}, {} ms; at the fixed rate {:.2} / {:.2}, {} ms.",
                    std::thread::available_parallelism().map_or(0, std::num::NonZero::get),
                    http.max_throughput_cpu.server_cores,
                    http.max_throughput_cpu.generator_cores,
                    per_request(http.max_throughput_cpu, http.max_requests_per_second),
                    http.one_client_cpu.server_cores,
                    http.one_client_cpu.generator_cores,
                    per_request(
                        http.one_client_cpu,
                        1e6 / (http.one_client_latency.mean_us.max(1) as f64)
                    ),
                    http.fixed_rate_cpu.server_cores,
                    http.fixed_rate_cpu.generator_cores,
                    per_request(http.fixed_rate_cpu, http.fixed_rate_requests_per_second),
                );
                let kinds: Vec<String> = http
                    .fixed_rate_latency_by_kind
                    .iter()
                    .map(|(kind, latency)| {
                        format!(
                            "{kind:?} {} / {}",
                            millis(latency.p50_us),
                            millis(latency.p99_us)
                        )
                    })
                    .collect();
                let _ = writeln!(
                    out,
                    "\nOver HTTP at that rate, p50 / p99 in milliseconds by kind of query: {}.",
                    kinds.join(", ")
                );
                let _ = writeln!(
                    out,
                    "\nOver HTTP, one client at a time (each request sent when the previous one was answered, no queue): p50 {} ms, p99 {} ms, p99.9 {} ms.",
                    millis(http.one_client_latency.p50_us),
                    millis(http.one_client_latency.p99_us),
                    millis(http.one_client_latency.p999_us)
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "\nOver HTTP: not measured (not asked for with `--systems`, or no server binary: run `cargo build --release` first; the run's log says which)."
                );
            }
        }
        targets(&mut out, size);
        let _ = writeln!(out);
    }
    out
}

/// One line of the targets table: what is aimed at, what was measured, and whether it is met.
fn target(out: &mut String, aim: &str, measured: Option<(String, bool)>) {
    let (value, verdict) = match measured {
        Some((value, true)) => (value, "met"),
        Some((value, false)) => (value, "**missed**"),
        None => ("not measured".to_owned(), "–"),
    };
    let _ = writeln!(out, "| {aim} | {value} | {verdict} |");
}

/// The targets, checked against this size's figures.
fn targets(out: &mut String, size: &SizeReport) {
    let find = |name: &str| size.systems.iter().find(|system| system.name == name);
    let product = find(crate::PASSERELLE);
    let raw = find(crate::RAW_SAME_QUERY);
    #[allow(clippy::cast_precision_loss)]
    let p50 = |system: &SystemReport| system.latency.p50_us.max(1) as f64 / 1000.0;
    let _ = writeln!(out, "\n| target | measured | |\n| --- | --- | --- |");
    if let (Some(http), Some(raw)) = (&size.http, raw) {
        // Read two ways: at the fixed rate (with the queueing half load brings), and one
        // request at a time (like for like with raw tantivy's one query at a time).
        for (aim, latency) in [
            (
                "HTTP p50 within 3x of raw tantivy on the same query (at the fixed rate)",
                &http.fixed_rate_latency,
            ),
            (
                "HTTP p50 within 3x of raw tantivy on the same query (one client at a time)",
                &http.one_client_latency,
            ),
        ] {
            #[allow(clippy::cast_precision_loss)]
            let http_p50 = latency.p50_us as f64 / 1000.0;
            let ratio = http_p50 / p50(raw);
            target(
                out,
                aim,
                Some((
                    format!("{http_p50:.2} ms / {:.2} ms = {ratio:.1}x", p50(raw)),
                    ratio <= 3.0,
                )),
            );
        }
    }
    // Only a run at half the maximum (the default rate) speaks to this target.
    if let Some(http) = size.http.as_ref().filter(|http| http.at_half_load) {
        #[allow(clippy::cast_precision_loss)]
        let p99 = http.fixed_rate_latency.p99_us as f64 / 1000.0;
        target(
            out,
            "HTTP p99 under 10 ms at half the maximum throughput",
            Some((
                format!(
                    "{p99:.2} ms at {:.0} requests/s",
                    http.fixed_rate_requests_per_second
                ),
                p99 < 10.0,
            )),
        );
    }
    for (name, factor) in [("PostgreSQL FTS", 20.0), ("SQLite FTS5", 10.0)] {
        if let (Some(product), Some(other)) = (product, find(name)) {
            let ratio = p50(other) / p50(product);
            target(
                out,
                &format!("{factor:.0}x faster than {name} at p50 (in-process)"),
                Some((format!("{ratio:.2}x"), ratio >= factor)),
            );
            target(
                out,
                &format!("higher nDCG@10 than {name}"),
                Some((
                    format!(
                        "{:.3} against {:.3}",
                        product.quality.ndcg_at_10, other.quality.ndcg_at_10
                    ),
                    product.quality.ndcg_at_10 > other.quality.ndcg_at_10,
                )),
            );
        }
    }
    // The target is about training offers: a corpus of 1M documents holds 800,000 of them
    // and does not speak to it (`--sizes 1250000` does).
    if size.training_offers >= 1_000_000 {
        let seconds = size.import.searchable_seconds;
        target(
            out,
            "1M training offers imported through the write path in under 2 minutes",
            Some((format!("{seconds:.0} s"), seconds < 120.0)),
        );
    }
    if let Some(http) = &size.http {
        #[allow(clippy::cast_precision_loss)]
        let p99 = http.publish_to_searchable.p99_us as f64 / 1000.0;
        target(
            out,
            "published offer searchable within 1 s (p99)",
            Some((format!("{p99:.0} ms"), p99 < 1000.0)),
        );
        if size.documents >= 1_000_000 {
            target(
                out,
                "server memory under 500 MB at 1M documents",
                Some((
                    format!("{:.0} MB", http.peak_memory_mb),
                    http.peak_memory_mb < 500.0,
                )),
            );
            target(
                out,
                "start-up with an existing 1M index under 2 s",
                Some((
                    format!("{:.2} s", http.startup_seconds),
                    http.startup_seconds < 2.0,
                )),
            );
        }
    }
}

/// Writes `report.json` and `report.md` into `folder`.
pub fn write(folder: &Path, seed: u64, sizes: &[SizeReport]) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(folder).map_err(|error| format!("{}: {error}", folder.display()))?;
    let json_path = folder.join("report.json");
    let json = serde_json::json!({ "seed": seed, "machine": machine(), "sizes": sizes });
    let text = serde_json::to_string_pretty(&json).map_err(|error| error.to_string())?;
    std::fs::write(&json_path, text)
        .map_err(|error| format!("{}: {error}", json_path.display()))?;
    let markdown_path = folder.join("report.md");
    std::fs::write(&markdown_path, markdown(seed, sizes))
        .map_err(|error| format!("{}: {error}", markdown_path.display()))?;
    Ok(vec![json_path, markdown_path])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn imported(documents: usize, searchable_seconds: f64) -> SizeReport {
        let latency = LatencySummary {
            count: 0,
            p50_us: 0,
            p99_us: 0,
            p999_us: 0,
            mean_us: 0,
        };
        SizeReport {
            documents,
            training_offers: crate::corpus::split(documents).0,
            indexed_documents: documents as u64,
            queries: 0,
            generation_seconds: 0.0,
            cpu_speed: [
                CpuSpeed {
                    one_thread: 900.0,
                    each_of_all: 450.0,
                    threads: 2,
                },
                CpuSpeed {
                    one_thread: 800.0,
                    each_of_all: 700.0,
                    threads: 2,
                },
            ],
            import: Import {
                batch_documents: 5_000,
                database_seconds: searchable_seconds,
                searchable_seconds,
                documents_per_second: 0.0,
                raw_tantivy_seconds: 0.0,
                raw_tantivy_documents_per_second: 0.0,
                baseline_load_seconds: Vec::new(),
            },
            statements_per_nested_request: 0,
            fixed_work: latency,
            systems: Vec::new(),
            http: None,
        }
    }

    fn table(size: &SizeReport) -> String {
        let mut out = String::new();
        targets(&mut out, size);
        out
    }

    #[test]
    fn the_import_target_is_judged_on_a_million_training_offers_only() {
        // 1M documents hold 800,000 offers: however fast, they say nothing of the target.
        assert!(!table(&imported(1_000_000, 60.0)).contains("training offers imported"));
        let met = table(&imported(1_250_000, 110.0));
        assert!(met.contains("| 1M training offers imported through the write path in under 2 minutes | 110 s | met |"), "{met}");
        let missed = table(&imported(1_250_000, 130.0));
        assert!(missed.contains("| 130 s | **missed** |"), "{missed}");
    }

    #[test]
    fn the_summary_says_how_fast_the_machine_ran() {
        let summary = markdown(1, &[imported(1_250_000, 110.0)]);
        assert!(
            summary.contains("on each of 2 threads at once: 900 / 450 before generating the corpus, 800 / 700 after the import"),
            "{summary}"
        );
        assert!(
            summary
                .contains("(1000000 training offers among the documents, 5000 documents per call)"),
            "{summary}"
        );
    }
}
