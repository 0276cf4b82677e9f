//! Counters and histograms behind `GET /metrics`, in the Prometheus text format.
//!
//! Written by hand rather than with a metrics crate: a dozen series do not justify another
//! dependency tree. Every label takes its values from a closed set, or from client-chosen
//! operation names capped at [`MAX_OPERATIONS`], so a client cannot grow the series without
//! bound.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

/// Distinct operation names kept as labels; later ones are counted as `other`.
const MAX_OPERATIONS: usize = 200;

/// Upper bounds of the latency buckets, in seconds.
const LATENCY_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// How a GraphQL request ended, as a closed set of label values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Outcome {
    /// Executed without a top-level error (user errors in payloads included).
    Ok,
    /// Refused before execution: malformed or invalid.
    Refused,
    /// Past one of the per-request limits.
    TooComplex,
    BadUserInput,
    Unauthenticated,
    Forbidden,
    NotFound,
    RateLimited,
    Timeout,
    Internal,
}

impl Outcome {
    fn label(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Refused => "refused",
            Self::TooComplex => "query_too_complex",
            Self::BadUserInput => "bad_user_input",
            Self::Unauthenticated => "unauthenticated",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::RateLimited => "rate_limited",
            Self::Timeout => "timeout",
            Self::Internal => "internal",
        }
    }

    /// The outcome an error code stands for (the first error of a response decides).
    pub(crate) fn of_code(code: Option<&str>) -> Self {
        match code {
            Some("BAD_USER_INPUT") => Self::BadUserInput,
            Some("UNAUTHENTICATED") => Self::Unauthenticated,
            Some("FORBIDDEN") => Self::Forbidden,
            Some("NOT_FOUND") => Self::NotFound,
            Some("RATE_LIMITED") => Self::RateLimited,
            Some("QUERY_TOO_COMPLEX") => Self::TooComplex,
            Some("TIMEOUT") => Self::Timeout,
            Some("INTERNAL") => Self::Internal,
            _ => Self::Refused,
        }
    }
}

/// What the GraphQL handler tells the metrics layer about a request, through the response's
/// extensions.
#[derive(Debug, Clone)]
pub(crate) struct GraphqlRequest {
    /// The operation's name when the client gave a usable one.
    pub operation: Option<String>,
    pub outcome: Outcome,
}

/// Which per-client limit refused a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Limit {
    /// The cost budget per client and minute.
    Cost,
    /// Sign-in and registration attempts per address and minute.
    SignIn,
}

impl Limit {
    fn label(self) -> &'static str {
        match self {
            Self::Cost => "cost",
            Self::SignIn => "sign_in",
        }
    }
}

#[derive(Debug, Clone, Default)]
struct Histogram {
    /// Per bucket of [`LATENCY_BUCKETS`], not cumulative; the `+Inf` bucket is `count`.
    buckets: [u64; LATENCY_BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        if let Some(bucket) = LATENCY_BUCKETS.iter().position(|bound| seconds <= *bound) {
            self.buckets[bucket] += 1;
        }
        self.count += 1;
        self.sum += seconds;
    }
}

#[derive(Debug, Default)]
struct Series {
    graphql_requests: BTreeMap<(String, Outcome), u64>,
    graphql_latency: BTreeMap<String, Histogram>,
    http_responses: BTreeMap<(&'static str, u16), u64>,
    rate_limited: BTreeMap<Limit, u64>,
}

/// The process's request metrics; gauges (database pool, index) are read at scrape time.
#[derive(Debug, Default)]
pub(crate) struct Metrics {
    series: Mutex<Series>,
}

/// A value the scrape reads from the live system, with its help text.
#[derive(Debug)]
pub(crate) struct Gauge {
    pub name: &'static str,
    pub help: &'static str,
    pub labels: &'static str,
    pub value: f64,
}

/// Keeps operation names usable as labels: GraphQL names, at most 64 characters.
fn operation_label(series: &Series, operation: Option<&str>) -> String {
    let Some(name) = operation else {
        return "anonymous".to_owned();
    };
    let usable = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_');
    if !usable {
        return "other".to_owned();
    }
    let known = series.graphql_latency.contains_key(name);
    if known || series.graphql_latency.len() < MAX_OPERATIONS {
        name.to_owned()
    } else {
        "other".to_owned()
    }
}

impl Metrics {
    fn series(&self) -> std::sync::MutexGuard<'_, Series> {
        self.series
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Records one HTTP response: `route` is the matched route (or `other`).
    pub(crate) fn record_response(
        &self,
        route: &'static str,
        status: u16,
        graphql: Option<&GraphqlRequest>,
        elapsed: Duration,
    ) {
        let mut series = self.series();
        *series.http_responses.entry((route, status)).or_default() += 1;
        if let Some(graphql) = graphql {
            let operation = operation_label(&series, graphql.operation.as_deref());
            *series
                .graphql_requests
                .entry((operation.clone(), graphql.outcome))
                .or_default() += 1;
            series
                .graphql_latency
                .entry(operation)
                .or_default()
                .observe(elapsed.as_secs_f64());
        }
    }

    pub(crate) fn record_rate_limited(&self, limit: Limit) {
        *self.series().rate_limited.entry(limit).or_default() += 1;
    }

    /// The exposition: the request series, then `gauges`.
    pub(crate) fn render(&self, gauges: &[Gauge]) -> String {
        let series = self.series();
        let mut out = String::new();
        out.push_str("# HELP passerelle_graphql_requests_total GraphQL requests by operation name and outcome.\n");
        out.push_str("# TYPE passerelle_graphql_requests_total counter\n");
        for ((operation, outcome), count) in &series.graphql_requests {
            let _ = writeln!(
                out,
                "passerelle_graphql_requests_total{{operation=\"{operation}\",outcome=\"{}\"}} {count}",
                outcome.label()
            );
        }
        out.push_str("# HELP passerelle_graphql_request_duration_seconds Time to answer a GraphQL request, by operation name.\n");
        out.push_str("# TYPE passerelle_graphql_request_duration_seconds histogram\n");
        for (operation, histogram) in &series.graphql_latency {
            let mut cumulative = 0;
            for (bound, count) in LATENCY_BUCKETS.iter().zip(histogram.buckets) {
                cumulative += count;
                let _ = writeln!(
                    out,
                    "passerelle_graphql_request_duration_seconds_bucket{{operation=\"{operation}\",le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "passerelle_graphql_request_duration_seconds_bucket{{operation=\"{operation}\",le=\"+Inf\"}} {}\n\
                 passerelle_graphql_request_duration_seconds_sum{{operation=\"{operation}\"}} {}\n\
                 passerelle_graphql_request_duration_seconds_count{{operation=\"{operation}\"}} {}",
                histogram.count, histogram.sum, histogram.count
            );
        }
        out.push_str(
            "# HELP passerelle_http_responses_total HTTP responses by route and status.\n",
        );
        out.push_str("# TYPE passerelle_http_responses_total counter\n");
        for ((route, status), count) in &series.http_responses {
            let _ = writeln!(
                out,
                "passerelle_http_responses_total{{route=\"{route}\",status=\"{status}\"}} {count}"
            );
        }
        out.push_str("# HELP passerelle_rate_limited_total Requests refused with 429, by the limit they exceeded.\n");
        out.push_str("# TYPE passerelle_rate_limited_total counter\n");
        for limit in [Limit::Cost, Limit::SignIn] {
            let count = series.rate_limited.get(&limit).copied().unwrap_or(0);
            let _ = writeln!(
                out,
                "passerelle_rate_limited_total{{limit=\"{}\"}} {count}",
                limit.label()
            );
        }
        drop(series);
        let mut described = std::collections::HashSet::new();
        for gauge in gauges {
            if described.insert(gauge.name) {
                let _ = writeln!(
                    out,
                    "# HELP {} {}\n# TYPE {} gauge",
                    gauge.name, gauge.help, gauge.name
                );
            }
            if gauge.labels.is_empty() {
                let _ = writeln!(out, "{} {}", gauge.name, gauge.value);
            } else {
                let _ = writeln!(out, "{}{{{}}} {}", gauge.name, gauge.labels, gauge.value);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(operation: &str) -> GraphqlRequest {
        GraphqlRequest {
            operation: Some(operation.to_owned()),
            outcome: Outcome::Ok,
        }
    }

    #[test]
    fn latency_buckets_are_cumulative() {
        let metrics = Metrics::default();
        for millis in [1, 3, 3, 40, 2000] {
            metrics.record_response(
                "/graphql",
                200,
                Some(&request("Offers")),
                Duration::from_millis(millis),
            );
        }
        let text = metrics.render(&[]);
        assert!(text.contains("duration_seconds_bucket{operation=\"Offers\",le=\"0.001\"} 1\n"));
        assert!(text.contains("duration_seconds_bucket{operation=\"Offers\",le=\"0.005\"} 3\n"));
        assert!(text.contains("duration_seconds_bucket{operation=\"Offers\",le=\"0.05\"} 4\n"));
        assert!(text.contains("duration_seconds_bucket{operation=\"Offers\",le=\"+Inf\"} 5\n"));
        assert!(text.contains(
            "passerelle_graphql_requests_total{operation=\"Offers\",outcome=\"ok\"} 5\n"
        ));
    }

    #[test]
    fn operation_names_cannot_grow_the_series_without_bound() {
        let metrics = Metrics::default();
        for n in 0..(MAX_OPERATIONS + 50) {
            metrics.record_response(
                "/graphql",
                200,
                Some(&request(&format!("Op{n}"))),
                Duration::ZERO,
            );
        }
        metrics.record_response(
            "/graphql",
            200,
            Some(&request("bad\"name}")),
            Duration::ZERO,
        );
        let text = metrics.render(&[]);
        let operations = text
            .lines()
            .filter(|line| line.starts_with("passerelle_graphql_requests_total{"))
            .count();
        assert_eq!(operations, MAX_OPERATIONS + 1);
        assert!(text.contains("operation=\"other\",outcome=\"ok\"} 51\n"));
        assert!(!text.contains("bad\""));
    }
}
