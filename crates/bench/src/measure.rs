//! What the benchmark computes: latency percentiles and ranking quality (nDCG@10, MRR@10).

use std::time::Duration;

/// Latencies of one system, in microseconds, sorted when summarised.
#[derive(Debug, Default, Clone)]
pub struct Latencies(Vec<u64>);

#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct LatencySummary {
    pub count: usize,
    pub p50_us: u64,
    pub p99_us: u64,
    pub p999_us: u64,
    pub mean_us: u64,
}

impl Latencies {
    pub fn record(&mut self, elapsed: Duration) {
        self.0
            .push(u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX));
    }

    /// The value at quantile `q` (nearest rank).
    fn quantile(sorted: &[u64], q: f64) -> u64 {
        if sorted.is_empty() {
            return 0;
        }
        #[allow(
            clippy::cast_precision_loss,
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss
        )]
        let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
        sorted[rank - 1]
    }

    /// Latencies recorded round after round over the same `keys` (one per query, in order),
    /// grouped by key: how each kind of query fares.
    pub fn grouped_by<K: Ord + Copy>(
        &self,
        keys: &[K],
    ) -> std::collections::BTreeMap<K, Latencies> {
        let mut groups = std::collections::BTreeMap::<K, Latencies>::new();
        if keys.is_empty() {
            return groups;
        }
        for (position, latency) in self.0.iter().enumerate() {
            groups
                .entry(keys[position % keys.len()])
                .or_default()
                .0
                .push(*latency);
        }
        groups
    }

    /// [`Self::summary`] of each group of [`Self::grouped_by`].
    pub fn summaries_by<K: Ord + Copy>(
        &self,
        keys: &[K],
    ) -> std::collections::BTreeMap<K, LatencySummary> {
        self.grouped_by(keys)
            .into_iter()
            .map(|(key, latencies)| (key, latencies.summary()))
            .collect()
    }

    pub fn summary(&self) -> LatencySummary {
        let mut sorted = self.0.clone();
        sorted.sort_unstable();
        let total: u128 = sorted.iter().map(|value| u128::from(*value)).sum();
        LatencySummary {
            count: sorted.len(),
            p50_us: Self::quantile(&sorted, 0.50),
            p99_us: Self::quantile(&sorted, 0.99),
            p999_us: Self::quantile(&sorted, 0.999),
            mean_us: u64::try_from(total / sorted.len().max(1) as u128).unwrap_or(u64::MAX),
        }
    }
}

/// nDCG@k of a ranking whose grades are `ranked`, against the best possible from `all` grades.
pub fn ndcg_at(k: usize, ranked: &[u8], all: &[u8]) -> f64 {
    let dcg = |grades: &mut dyn Iterator<Item = u8>| -> f64 {
        grades
            .take(k)
            .enumerate()
            .map(|(position, grade)| {
                #[allow(clippy::cast_precision_loss)]
                let discount = ((position + 2) as f64).log2();
                (f64::from(grade).exp2() - 1.0) / discount
            })
            .sum()
    };
    let mut ideal: Vec<u8> = all.to_vec();
    ideal.sort_unstable_by(|left, right| right.cmp(left));
    let best = dcg(&mut ideal.into_iter());
    if best == 0.0 {
        return 1.0;
    }
    dcg(&mut ranked.iter().copied()) / best
}

/// MRR@k: 1 / the rank of the first document of grade 2 or more within the first k.
pub fn reciprocal_rank_at(k: usize, ranked: &[u8]) -> f64 {
    ranked
        .iter()
        .take(k)
        .position(|grade| *grade >= 2)
        .map_or(0.0, |position| {
            #[allow(clippy::cast_precision_loss)]
            let rank = (position + 1) as f64;
            1.0 / rank
        })
}

/// CPU work in `count` steps that the compiler cannot fold away.
fn steps(count: u64) -> u64 {
    let mut value = 0u64;
    for step in 0..count {
        value =
            std::hint::black_box(value.wrapping_mul(6_364_136_223_846_793_005)).wrapping_add(step);
    }
    value
}

/// How fast the machine runs at the time of measuring: a fixed amount of CPU work timed on
/// one thread, then on every core at once. The same binary's 1.25M import took 108 to 136 s
/// one day and 216 to 253 s another on the same virtual machine (its host shares the CPU),
/// so a run's times only compare with another's alongside these.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct CpuSpeed {
    /// Million steps per second on one thread.
    pub one_thread: f64,
    /// Million steps per second of the slowest of `threads` threads running at once.
    pub each_of_all: f64,
    pub threads: usize,
}

const SPEED_STEPS: u64 = 300_000_000;

pub fn cpu_speed() -> CpuSpeed {
    fn timed() -> Duration {
        let started = std::time::Instant::now();
        std::hint::black_box(steps(SPEED_STEPS));
        started.elapsed()
    }
    #[allow(clippy::cast_precision_loss)]
    let rate = |elapsed: Duration| SPEED_STEPS as f64 / 1e6 / elapsed.as_secs_f64().max(1e-9);
    let one_thread = rate(timed());
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let slowest = std::thread::scope(|scope| {
        let running: Vec<_> = (0..threads).map(|_| scope.spawn(timed)).collect();
        running
            .into_iter()
            .filter_map(|thread| thread.join().ok())
            .max()
            .unwrap_or_default()
    });
    CpuSpeed {
        one_thread,
        each_of_all: rate(slowest),
        threads,
    }
}

/// The machine's own jitter: the same CPU work, about `work` long, timed `times` times on
/// one thread. On a virtual machine whose host takes the CPU away now and then, its tail is
/// the floor of every other tail measured here.
pub fn fixed_work(work: Duration, times: usize) -> Latencies {
    // Calibrated on the fastest of a few runs, so that a stall does not shorten the work.
    let probe = 1_000_000;
    let fastest = (0..20)
        .map(|_| {
            let started = std::time::Instant::now();
            std::hint::black_box(steps(probe));
            started.elapsed()
        })
        .min()
        .unwrap_or(Duration::from_millis(1))
        .max(Duration::from_micros(1));
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let count = (probe as f64 * work.as_secs_f64() / fastest.as_secs_f64()) as u64;
    let mut latencies = Latencies::default();
    for _ in 0..times {
        let started = std::time::Instant::now();
        std::hint::black_box(steps(count));
        latencies.record(started.elapsed());
    }
    latencies
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_perfect_ranking_scores_one_and_a_reversed_one_less() {
        let all = [3, 2, 0, 0, 1];
        assert!((ndcg_at(10, &[3, 2, 1], &all) - 1.0).abs() < 1e-9);
        assert!(ndcg_at(10, &[1, 2, 3], &all) < 0.9);
        assert_eq!(ndcg_at(10, &[], &all), 0.0);
    }

    #[test]
    fn reciprocal_rank_counts_the_first_good_answer() {
        assert_eq!(reciprocal_rank_at(10, &[0, 1, 2, 3]), 1.0 / 3.0);
        assert_eq!(reciprocal_rank_at(2, &[0, 1, 2]), 0.0);
    }

    #[test]
    fn latencies_of_several_rounds_are_grouped_by_their_query() {
        let mut latencies = Latencies::default();
        for round in 0..3u64 {
            for query in 0..3u64 {
                latencies.record(Duration::from_micros(100 * query + round));
            }
        }
        let groups = latencies.grouped_by(&['a', 'b', 'a']);
        assert_eq!(groups[&'a'].0, vec![0, 200, 1, 201, 2, 202]);
        assert_eq!(groups[&'b'].0, vec![100, 101, 102]);
    }

    #[test]
    fn percentiles_take_the_nearest_rank() {
        let mut latencies = Latencies::default();
        for micros in 1..=1000 {
            latencies.record(Duration::from_micros(micros));
        }
        let summary = latencies.summary();
        assert_eq!(
            (summary.p50_us, summary.p99_us, summary.p999_us),
            (500, 990, 999)
        );
    }

    #[test]
    fn fixed_work_times_the_calibrated_work_as_often_as_asked() {
        let summary = fixed_work(Duration::from_millis(2), 50).summary();
        assert_eq!(summary.count, 50);
        // Calibrated on the fastest probe, the work cannot take much less than asked.
        assert!(summary.p50_us >= 1_000, "{summary:?}");
    }
}
