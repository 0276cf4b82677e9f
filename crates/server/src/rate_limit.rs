//! Per-client budgets: a token bucket per client that refills continuously.
//!
//! Each node keeps its own buckets in memory. Behind a load balancer spreading clients over N
//! nodes a client thus gets up to N budgets; the limits protect each node from being knocked
//! over, and a shared limiter would put the database on every request's path.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Who is charged: the signed-in user (whatever token they present), else the address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Client {
    User(passerelle_domain::UserId),
    Address(IpAddr),
}

impl std::fmt::Display for Client {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::User(id) => write!(formatter, "user {id}"),
            Self::Address(address) => write!(formatter, "address {address}"),
        }
    }
}

/// Beyond this many clients tracked, buckets that have refilled are forgotten (a full bucket
/// is the same as no bucket).
const PRUNE_ABOVE: usize = 50_000;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// A budget of `per_minute` units per client, spendable at once and refilled evenly.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    per_minute: u32,
    buckets: Mutex<HashMap<Client, Bucket>>,
}

/// A refusal: how long until the charge would fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Exhausted {
    pub retry_after: Duration,
}

impl RateLimiter {
    /// `per_minute` of 0 turns the limit off.
    pub(crate) fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn per_minute(&self) -> u32 {
        self.per_minute
    }

    /// Takes `cost` units from the client's bucket, or says how long until it could. A cost
    /// above the whole budget is charged as the whole budget, so it waits a full minute
    /// rather than forever.
    pub(crate) fn charge(&self, client: &Client, cost: u64, now: Instant) -> Result<(), Exhausted> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(self.per_minute);
        let per_second = capacity / 60.0;
        // Costs are far below 2^52: the conversion is exact.
        #[allow(clippy::cast_precision_loss)]
        let cost = (cost as f64).min(capacity);
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if buckets.len() > PRUNE_ABOVE {
            buckets.retain(|_, bucket| {
                let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
                bucket.tokens + elapsed * per_second < capacity
            });
        }
        let bucket = buckets.entry(client.clone()).or_insert(Bucket {
            tokens: capacity,
            updated: now,
        });
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_second).min(capacity);
        bucket.updated = now;
        if bucket.tokens >= cost {
            bucket.tokens -= cost;
            Ok(())
        } else {
            let wait = (cost - bucket.tokens) / per_second;
            Err(Exhausted {
                retry_after: Duration::from_secs_f64(wait.ceil().max(1.0)),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(last: u8) -> Client {
        Client::Address(IpAddr::from([192, 0, 2, last]))
    }

    #[test]
    fn a_client_spends_its_budget_then_waits_for_it_to_refill() {
        let limiter = RateLimiter::new(600);
        let start = Instant::now();
        assert_eq!(limiter.charge(&address(1), 500, start), Ok(()));
        assert_eq!(limiter.charge(&address(1), 100, start), Ok(()));
        // 10 units a second refill: 50 more units take 5 s.
        let refused = limiter.charge(&address(1), 50, start).unwrap_err();
        assert_eq!(refused.retry_after, Duration::from_secs(5));
        assert_eq!(
            limiter.charge(&address(1), 50, start + Duration::from_secs(5)),
            Ok(())
        );
        // Another client has its own budget.
        assert_eq!(limiter.charge(&address(2), 600, start), Ok(()));
    }

    #[test]
    fn a_charge_above_the_budget_waits_a_minute_at_most() {
        let limiter = RateLimiter::new(60);
        let start = Instant::now();
        assert_eq!(limiter.charge(&address(1), 1_000, start), Ok(()));
        let refused = limiter.charge(&address(1), 1_000, start).unwrap_err();
        assert_eq!(refused.retry_after, Duration::from_secs(60));
    }

    #[test]
    fn a_zero_budget_means_no_limit() {
        let limiter = RateLimiter::new(0);
        for _ in 0..1000 {
            assert_eq!(
                limiter.charge(&address(1), 1_000_000, Instant::now()),
                Ok(())
            );
        }
    }
}
