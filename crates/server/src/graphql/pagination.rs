//! Relay cursor connections: `first` checked to 1..100, cursors opaque and tied to the order of
//! the list they come from.

use async_graphql::SimpleObject;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use passerelle_domain::{SkillProfileId, Slug, TrainingOfferId};
use passerelle_store::{OfferCursor, Page, PageRequest};
use uuid::Uuid;

use super::errors::bad_user_input;

pub(crate) const MAX_PAGE_SIZE: i32 = 100;

#[derive(Debug, Clone, SimpleObject)]
pub(crate) struct PageInfo {
    pub has_next_page: bool,
    pub has_previous_page: bool,
    pub start_cursor: Option<String>,
    pub end_cursor: Option<String>,
}

/// Checks `first` (1..100; a null `first` means the default of 20).
pub(crate) fn page_size(first: Option<i32>) -> async_graphql::Result<u64> {
    let first = first.unwrap_or(20);
    if !(1..=MAX_PAGE_SIZE).contains(&first) {
        return Err(bad_user_input(format!(
            "first must be between 1 and {MAX_PAGE_SIZE}, got {first}"
        )));
    }
    Ok(u64::try_from(first).unwrap_or(20))
}

fn encode(text: &str) -> String {
    URL_SAFE_NO_PAD.encode(text)
}

fn decode(cursor: &str) -> async_graphql::Result<String> {
    URL_SAFE_NO_PAD
        .decode(cursor.as_bytes())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(invalid_cursor)
}

fn invalid_cursor() -> async_graphql::Error {
    bad_user_input(
        "after is not a cursor of this list: pass an endCursor or edge cursor returned by the same field",
    )
}

/// Cursor of a list ordered by slug.
pub(crate) fn slug_cursor(slug: &Slug) -> String {
    encode(&format!("slug:{slug}"))
}

pub(crate) fn after_slug(after: Option<&str>) -> async_graphql::Result<Option<Slug>> {
    after
        .map(|cursor| {
            let text = decode(cursor)?;
            let slug = text.strip_prefix("slug:").ok_or_else(invalid_cursor)?;
            Slug::parse(slug).map_err(|_| invalid_cursor())
        })
        .transpose()
}

/// Cursor of a list of offers, in the order the list uses.
pub(crate) fn offer_cursor(position: OfferCursor) -> String {
    match position {
        OfferCursor::Id(id) => encode(&format!("offer:{id}")),
        OfferCursor::Updated(at, id) => encode(&format!("offer-updated:{}|{id}", at.to_rfc3339())),
    }
}

pub(crate) fn after_offer(
    after: Option<&str>,
    by_update: bool,
) -> async_graphql::Result<Option<OfferCursor>> {
    let Some(cursor) = after else { return Ok(None) };
    let text = decode(cursor)?;
    let position = if by_update {
        let rest = text
            .strip_prefix("offer-updated:")
            .ok_or_else(invalid_cursor)?;
        let (at, id) = rest.split_once('|').ok_or_else(invalid_cursor)?;
        let at = DateTime::parse_from_rfc3339(at)
            .map_err(|_| invalid_cursor())?
            .with_timezone(&Utc);
        OfferCursor::Updated(
            at,
            TrainingOfferId::from_uuid(Uuid::parse_str(id).map_err(|_| invalid_cursor())?),
        )
    } else {
        let id = text.strip_prefix("offer:").ok_or_else(invalid_cursor)?;
        OfferCursor::Id(TrainingOfferId::from_uuid(
            Uuid::parse_str(id).map_err(|_| invalid_cursor())?,
        ))
    };
    Ok(Some(position))
}

pub(crate) fn profile_cursor(id: SkillProfileId) -> String {
    encode(&format!("profile:{id}"))
}

pub(crate) fn after_profile(after: Option<&str>) -> async_graphql::Result<Option<SkillProfileId>> {
    after
        .map(|cursor| {
            let text = decode(cursor)?;
            let id = text.strip_prefix("profile:").ok_or_else(invalid_cursor)?;
            Uuid::parse_str(id)
                .map(SkillProfileId::from_uuid)
                .map_err(|_| invalid_cursor())
        })
        .transpose()
}

pub(crate) fn request<P>(first: u64, after: Option<P>) -> PageRequest<P> {
    PageRequest { first, after }
}

/// Edges with their cursors, and the page information.
pub(crate) fn edges_of<T, Edge>(
    page: Page<T>,
    had_cursor: bool,
    cursor: impl Fn(&T) -> String,
    edge: impl Fn(String, T) -> Edge,
) -> (Vec<Edge>, PageInfo, i32) {
    let cursors: Vec<String> = page.items.iter().map(&cursor).collect();
    let page_info = PageInfo {
        has_next_page: page.has_next_page,
        has_previous_page: had_cursor,
        start_cursor: cursors.first().cloned(),
        end_cursor: cursors.last().cloned(),
    };
    let edges = cursors
        .into_iter()
        .zip(page.items)
        .map(|(cursor, item)| edge(cursor, item))
        .collect();
    (
        edges,
        page_info,
        i32::try_from(page.total_count).unwrap_or(i32::MAX),
    )
}
