use chrono::{DateTime, Utc};
use passerelle_domain::TrainingOfferId;

/// What a connection asks for: at most `first` items after a position.
#[derive(Debug, Clone, PartialEq)]
pub struct PageRequest<Position> {
    pub first: u64,
    pub after: Option<Position>,
}

/// One page of a list in a stable order, with the size of the whole list.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_next_page: bool,
    pub total_count: u64,
}

impl<T> Page<T> {
    pub fn empty() -> Self {
        Self {
            items: Vec::new(),
            has_next_page: false,
            total_count: 0,
        }
    }

    /// Builds a page from up to `first + 1` rows: the extra row only tells that more follow.
    pub(crate) fn from_rows(mut rows: Vec<T>, first: u64, total_count: u64) -> Self {
        let has_next_page = rows.len() as u64 > first;
        rows.truncate(usize::try_from(first).unwrap_or(usize::MAX));
        Self {
            items: rows,
            has_next_page,
            total_count,
        }
    }
}

/// A position in a list of training offers, in the order the list uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferCursor {
    /// Creation order (identifiers are UUIDv7).
    Id(TrainingOfferId),
    /// Modification order, for catalogue mirrors.
    Updated(DateTime<Utc>, TrainingOfferId),
}
