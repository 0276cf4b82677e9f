//! Search on the server side: the reference data search needs in memory, the indexer that
//! keeps this node's index in step with the database, and the query services behind
//! `search`, `suggest`, `places` and `matchNeed`.

mod documents;
mod indexer;
mod reference;
pub(crate) mod service;

pub(crate) use indexer::{Indexer, rebuild_into};
pub(crate) use reference::Reference;
pub(crate) use service::SearchService;

use chrono::NaiveDate;

/// Days since 1970-01-01, the index's unit of dates.
pub(crate) fn day_number(date: NaiveDate) -> i64 {
    date.signed_duration_since(NaiveDate::default()).num_days()
}
