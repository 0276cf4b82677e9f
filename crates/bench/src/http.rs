//! The HTTP part: the real `passerelle serve` as a separate process on the data the in-process
//! part built. Start-up time with an existing index, maximum throughput, latency at a fixed
//! rate (measured from when each request was due, so a stalled server cannot hide its queue:
//! coordinated omission), peak memory, and the time from publishing an offer to finding it.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::measure::{Latencies, LatencySummary};
use crate::queries::{Query, QueryKind};
use crate::{Args, SEARCH, product_filter};

#[derive(Debug, Clone, serde::Serialize)]
pub struct HttpReport {
    pub startup_seconds: f64,
    pub concurrency: usize,
    pub max_requests_per_second: f64,
    pub fixed_rate_requests_per_second: f64,
    /// Whether the fixed rate was half of the maximum (the default, and what the issue's
    /// target is about) rather than set by `--http-rate`.
    pub at_half_load: bool,
    pub fixed_rate_latency: LatencySummary,
    /// The same latencies by kind of query: whether the tail is the costliest searches or
    /// waiting behind them.
    pub fixed_rate_latency_by_kind: BTreeMap<QueryKind, LatencySummary>,
    /// One request at a time, each sent when the previous one was answered: what a search
    /// costs over HTTP with no queue, the like of the in-process and raw figures.
    pub one_client_latency: LatencySummary,
    /// How long after it was due the load generator sent each request (part of its latency).
    pub send_lateness: LatencySummary,
    /// How busy the machine was in each phase (maximum, one client, fixed rate): whether
    /// "half load" left the cores half idle, and how much of them the load generator took.
    pub max_throughput_cpu: CpuUse,
    pub one_client_cpu: CpuUse,
    pub fixed_rate_cpu: CpuUse,
    pub errors: u64,
    pub peak_memory_mb: f64,
    pub publish_to_searchable: LatencySummary,
}

/// Cores busy on average over a phase (CPU time over wall time), from `/proc`: the server's
/// process and the benchmark's own (the load generator; nothing else of it runs then).
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct CpuUse {
    pub server_cores: f64,
    pub generator_cores: f64,
}

/// A process's user and system CPU time so far, in clock ticks (`/proc/PID/stat` fields 14
/// and 15, counted after the command name, which may hold spaces).
fn cpu_ticks(pid: &str) -> u64 {
    ticks_in(&std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default())
}

fn ticks_in(stat: &str) -> u64 {
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let field = |at: usize| {
        fields
            .get(at)
            .and_then(|value| value.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // After the name: state is the first field (3 in proc(5)), utime 14 and stime 15.
    field(11) + field(12)
}

/// Measures the cores `server` and this process use while `phase` runs.
async fn cpu_use<T>(server: u32, phase: impl Future<Output = T>) -> (T, CpuUse) {
    // Linux reports CPU time in ticks of 1/100 s (USER_HZ) on every platform it supports.
    const TICKS_PER_SECOND: f64 = 100.0;
    let server = server.to_string();
    let before = (cpu_ticks(&server), cpu_ticks("self"), Instant::now());
    let output = phase.await;
    let seconds = before.2.elapsed().as_secs_f64().max(f64::EPSILON);
    #[allow(clippy::cast_precision_loss)]
    let cores = |now: u64, then: u64| now.saturating_sub(then) as f64 / TICKS_PER_SECOND / seconds;
    let used = CpuUse {
        server_cores: cores(cpu_ticks(&server), before.0),
        generator_cores: cores(cpu_ticks("self"), before.1),
    };
    (output, used)
}

struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(binary: &Path, data_dir: &Path) -> Result<(Server, Instant), String> {
    let started = Instant::now();
    let mut child = Command::new(binary)
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .env("PASSERELLE_COST_PER_MINUTE", "0")
        .env("PASSERELLE_SIGN_INS_PER_MINUTE", "0")
        .env("RUST_LOG", "info,passerelle_server=warn")
        .env_remove("DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|error| format!("cannot start {}: {error}", binary.display()))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let (lines, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = lines.send(line);
        }
    });
    let address = loop {
        let line = received
            .recv_timeout(Duration::from_secs(600))
            .map_err(|_| "the server did not say where it listens")?;
        if let Some(rest) = line.split("listening on http://").nth(1) {
            break rest
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_owned();
        }
    };
    Ok((
        Server {
            child,
            url: format!("http://{address}"),
        },
        started,
    ))
}

fn peak_memory_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| {
            value
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<f64>()
                .ok()
        })
        .map_or(0.0, |kilobytes| kilobytes / 1024.0)
}

/// The body of a benchmark query's request: the same document and variables (text and
/// filters) as the in-process run, so that the HTTP cost is the only difference.
fn search_body(query: &Query) -> Value {
    json!({ "query": SEARCH, "variables": { "q": query.text, "filter": product_filter(query) } })
}

async fn search(client: &reqwest::Client, url: &str, body: &Value) -> bool {
    let response = client
        .post(format!("{url}/graphql"))
        .json(body)
        .send()
        .await;
    match response {
        Ok(response) => response
            .json::<Value>()
            .await
            .is_ok_and(|body| body.get("errors").is_none() && body["data"]["search"].is_object()),
        Err(_) => false,
    }
}

/// Requests answered per second by `concurrency` clients asking back to back.
async fn max_throughput(
    url: &str,
    bodies: &Arc<Vec<Value>>,
    concurrency: usize,
    seconds: u64,
) -> (f64, u64) {
    let client = reqwest::Client::new();
    let done = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let workers: Vec<_> = (0..concurrency)
        .map(|worker| {
            let (client, url, done, errors, bodies) = (
                client.clone(),
                url.to_owned(),
                Arc::clone(&done),
                Arc::clone(&errors),
                Arc::clone(bodies),
            );
            tokio::spawn(async move {
                let mut next = worker;
                while Instant::now() < deadline {
                    if search(&client, &url, &bodies[next % bodies.len()]).await {
                        done.fetch_add(1, Ordering::Relaxed);
                    } else {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                    next += concurrency;
                }
            })
        })
        .collect();
    for worker in workers {
        let _ = worker.await;
    }
    #[allow(clippy::cast_precision_loss)]
    let rate = done.load(Ordering::Relaxed) as f64 / seconds as f64;
    (rate, errors.load(Ordering::Relaxed))
}

/// Every query `rounds` times, one request at a time; returns the latencies and the number of
/// answers that were errors.
async fn one_client(url: &str, bodies: &[Value], rounds: usize) -> (Latencies, u64) {
    let client = reqwest::Client::new();
    let mut latencies = Latencies::default();
    let mut errors = 0;
    for _ in 0..rounds {
        for body in bodies {
            let started = Instant::now();
            let ok = search(&client, url, body).await;
            latencies.record(started.elapsed());
            errors += u64::from(!ok);
        }
    }
    (latencies, errors)
}

/// Latencies at `rate` requests a second, each counted from when it was due, and how late
/// the load generator itself sent each one.
///
/// The requests are paced by an OS thread of their own: tokio's timer fires on whole
/// milliseconds, so paced by it each request left up to a millisecond after it was due and
/// that delay, counted in its latency as coordinated omission wants, was the generator's,
/// not the server's. `thread::sleep` wakes within tens of microseconds.
async fn fixed_rate(
    url: &str,
    bodies: &Arc<Vec<Value>>,
    rate: f64,
    seconds: u64,
) -> Result<(Latencies, Latencies, u64), String> {
    let client = reqwest::Client::new();
    let total = (rate * seconds as f64) as usize;
    let interval = Duration::from_secs_f64(1.0 / rate.max(1.0));
    let runtime = tokio::runtime::Handle::current();
    let (url, bodies) = (url.to_owned(), Arc::clone(bodies));
    let pacer = std::thread::spawn(move || {
        let begin = Instant::now();
        let mut tasks = Vec::with_capacity(total);
        let mut late = Latencies::default();
        for number in 0..total {
            let due = begin + interval * u32::try_from(number).unwrap_or(u32::MAX);
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
            late.record(due.elapsed());
            let (client, url, bodies) = (client.clone(), url.clone(), Arc::clone(&bodies));
            tasks.push(runtime.spawn(async move {
                let ok = search(&client, &url, &bodies[number % bodies.len()]).await;
                (due.elapsed(), ok)
            }));
        }
        (tasks, late)
    });
    let (tasks, late) = tokio::task::spawn_blocking(move || pacer.join())
        .await
        .map_err(|error| error.to_string())?
        .map_err(|_| "the pacing thread panicked".to_owned())?;
    let mut latencies = Latencies::default();
    let mut errors = 0;
    // Every request's latency, in the order they were sent (grouped by query afterwards).
    for task in tasks {
        let (elapsed, ok) = task.await.map_err(|error| error.to_string())?;
        latencies.record(elapsed);
        errors += u64::from(!ok);
    }
    Ok((latencies, late, errors))
}

async fn graphql(
    client: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> Result<Value, String> {
    let mut request = client
        .post(format!("{url}/graphql"))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let body: Value = request
        .send()
        .await
        .map_err(|error| error.to_string())?
        .json()
        .await
        .map_err(|error| error.to_string())?;
    if body.get("errors").is_some() {
        return Err(body.to_string());
    }
    Ok(body["data"].clone())
}

/// From the answer to `publishTrainingOffer` to the offer being found by a search, `samples`
/// times, on the node that wrote it.
async fn publish_to_searchable(url: &str, samples: usize) -> Result<Latencies, String> {
    let client = reqwest::Client::new();
    let data = graphql(&client, url, None,
        "mutation($input: RegisterInput!) { register(input: $input) { accessToken userErrors { message } } }",
        json!({ "input": { "email": "bench-trainer@bench.passerelle.invalid", "password": "un mot de passe de banc", "displayName": "Banc" } })).await?;
    let token = data["register"]["accessToken"]
        .as_str()
        .ok_or_else(|| data.to_string())?
        .to_owned();
    let data = graphql(&client, url, Some(&token),
        "mutation($input: OrganisationInput!) { createOrganisation(input: $input) { organisation { id } userErrors { message } } }",
        json!({ "input": { "name": "Banc d'essai Formation", "isTrainingProvider": true, "place": "34172" } })).await?;
    let organisation = data["createOrganisation"]["organisation"]["id"]
        .as_str()
        .ok_or_else(|| data.to_string())?
        .to_owned();
    let today = chrono::Utc::now().date_naive();
    let date = |days: u64| {
        (today + chrono::Days::new(days))
            .format("%Y-%m-%d")
            .to_string()
    };
    let mut latencies = Latencies::default();
    for sample in 0..samples {
        // A made-up word only this offer holds.
        let marker = format!("bancessai{}", letters(sample));
        let input = json!({
            "title": format!("Formation {marker}"),
            "summary": "Une offre publiée par le banc d'essai.",
            "description": format!("Programme complet autour de {marker} : ateliers, travaux pratiques et évaluation sur un projet réel."),
            "skills": [{ "skill": "rust", "level": 3 }],
            "modality": "IN_PERSON", "durationHours": 14, "priceCents": 90000,
            "sessions": [{ "startDate": date(30), "endDate": date(31), "place": "34172", "seats": 10 }]
        });
        let data = graphql(&client, url, Some(&token),
            "mutation($org: ID!, $input: TrainingOfferInput!) { createTrainingOffer(organisationId: $org, input: $input) { trainingOffer { id } userErrors { message } } }",
            json!({ "org": organisation, "input": input })).await?;
        let offer = data["createTrainingOffer"]["trainingOffer"]["id"]
            .as_str()
            .ok_or_else(|| data.to_string())?
            .to_owned();
        graphql(&client, url, Some(&token),
            "mutation($id: ID!) { publishTrainingOffer(id: $id) { trainingOffer { status } userErrors { message } } }",
            json!({ "id": offer })).await?;
        let published = Instant::now();
        loop {
            let data = graphql(&client, url, None, SEARCH, json!({ "q": marker })).await?;
            let found = data["search"]["edges"].as_array().is_some_and(|edges| {
                edges
                    .iter()
                    .any(|edge| edge["node"]["id"] == offer.as_str())
            });
            if found {
                latencies.record(published.elapsed());
                break;
            }
            if published.elapsed() > Duration::from_secs(30) {
                return Err(format!("{marker} was not searchable after 30 s"));
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
    Ok(latencies)
}

/// A number written in letters (a, b, … z, ba, bb…): words the analysers keep whole.
fn letters(mut number: usize) -> String {
    let mut text = Vec::new();
    loop {
        text.push(b'a' + u8::try_from(number % 26).unwrap_or(0));
        number /= 26;
        if number == 0 {
            break;
        }
    }
    text.reverse();
    String::from_utf8(text).unwrap_or_default()
}

pub async fn measure(
    args: &Args,
    data_dir: &Path,
    queries: &[Query],
) -> Result<HttpReport, String> {
    let binary = match &args.server {
        Some(path) => path.clone(),
        None => std::env::current_exe()
            .map_err(|error| error.to_string())?
            .with_file_name("passerelle"),
    };
    if !binary.exists() {
        return Err(format!(
            "no server binary at {} (build it with `cargo build --release`)",
            binary.display()
        ));
    }
    let (server, started) = start(&binary, data_dir)?;
    let client = reqwest::Client::new();
    loop {
        let ready = client
            .get(format!("{}/readyz", server.url))
            .send()
            .await
            .is_ok_and(|response| response.status().is_success());
        if ready {
            break;
        }
        if started.elapsed() > Duration::from_secs(600) {
            return Err("the server did not become ready".into());
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let startup_seconds = started.elapsed().as_secs_f64();
    let concurrency = 16;
    // Built once, so that the clients' pacing loop does no JSON work of its own.
    let bodies: Arc<Vec<Value>> = Arc::new(queries.iter().map(search_body).collect());
    let pid = server.child.id();
    let ((max_rate, max_errors), max_throughput_cpu) = cpu_use(
        pid,
        max_throughput(&server.url, &bodies, concurrency, args.http_seconds),
    )
    .await;
    // After the maximum, so that the server is warm; before the fixed rate, which the
    // publish measurement follows.
    let ((one_client_latency, one_client_errors), one_client_cpu) =
        cpu_use(pid, one_client(&server.url, &bodies, args.rounds)).await;
    let rate = args.http_rate.unwrap_or(max_rate / 2.0).max(1.0);
    let (fixed, fixed_rate_cpu) = cpu_use(
        pid,
        fixed_rate(&server.url, &bodies, rate, args.http_seconds),
    )
    .await;
    let (latencies, lateness, rate_errors) = fixed?;
    // The fixed-rate requests cycle through the queries in order, as their latencies do.
    let kinds: Vec<QueryKind> = queries.iter().map(|query| query.kind).collect();
    let publish = publish_to_searchable(&server.url, 30).await?;
    let peak_memory_mb = peak_memory_mb(server.child.id());
    Ok(HttpReport {
        startup_seconds,
        concurrency,
        max_requests_per_second: max_rate,
        fixed_rate_requests_per_second: rate,
        at_half_load: args.http_rate.is_none(),
        fixed_rate_latency: latencies.summary(),
        fixed_rate_latency_by_kind: latencies.summaries_by(&kinds),
        one_client_latency: one_client_latency.summary(),
        send_lateness: lateness.summary(),
        max_throughput_cpu,
        one_client_cpu,
        fixed_rate_cpu,
        errors: max_errors + one_client_errors + rate_errors,
        peak_memory_mb,
        publish_to_searchable: publish.summary(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_time_is_read_after_a_name_with_spaces_and_parentheses() {
        let stat = "4242 (tokio (rt) worker) S 1 4242 4242 0 -1 4194560 150 0 0 0 731 69 0 0 20 0 4 0 100 0 0";
        assert_eq!(ticks_in(stat), 800);
        assert_eq!(ticks_in("garbage"), 0);
    }

    #[test]
    fn a_busy_phase_shows_as_a_busy_core() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime");
        let pid = std::process::id();
        let (_, used) = runtime.block_on(cpu_use(pid, async {
            let until = Instant::now() + Duration::from_millis(300);
            let mut spins = 0_u64;
            while Instant::now() < until {
                spins = std::hint::black_box(spins + 1);
            }
        }));
        // The same process is both "server" and "generator" here: one core busy for both.
        assert!(used.generator_cores > 0.5, "{used:?}");
        assert!(
            (used.server_cores - used.generator_cores).abs() < 0.2,
            "{used:?}"
        );
    }
}
