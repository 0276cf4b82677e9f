//! Matching a skill need against skill profiles and training offers: the pure scoring behind the
//! `matchNeed` query. The caller loads the candidates and says, through [`SkillCover`], which
//! skills count for which (the taxonomy lives in the database); nothing here does I/O.
//!
//! # How a profile is scored
//!
//! `score = coverage × proximity × availability`, rounded to 6 decimals so that scores equal on
//! paper tie exactly and fall through to the next sort key.
//!
//! - **Coverage** (0 to 1). Each requirement weighs its required level, so a level-4 need counts
//!   four times as much as a level-1 one. A requirement is fulfilled in proportion to the best
//!   level held among the skills that count for it, capped at 1:
//!   `fulfilment = min(1, held / required)`, 0 when not held. `coverage = Σ weight × fulfilment /
//!   Σ weight`. As the weight is the required level, `weight × fulfilment` is simply
//!   `min(held, required)`: coverage counts level points reached out of level points required,
//!   which keeps it an exact fraction.
//! - **Proximity**, only when the need has a place (`near`). A profile located within the radius
//!   (edge included) gets `1 − (1 − EDGE_PROXIMITY) × distance / radius`: 1 at the centre,
//!   [`EDGE_PROXIMITY`] = 0.75 at the edge. A profile outside the radius, or without a location,
//!   is kept only when the need accepts remote work and the profile offers it, with
//!   [`REMOTE_PROXIMITY`] = 0.7 (below the edge of the circle, so that at equal coverage someone
//!   who can come in ranks above someone who cannot); otherwise it is left out. Without `near`
//!   proximity is 1 and `remoteOk` changes nothing.
//! - **Availability**, only when the need has an `availableBefore` date. A profile available only
//!   from a later date gets [`LATE_AVAILABILITY`] = 0.6; one available by then, or with no date
//!   (available now), gets 1. Late profiles are down-ranked rather than hidden: they may still be
//!   the only ones who hold the skills.
//!
//! A profile with coverage 0 is left out. Profiles are sorted by score, then coverage (both
//! descending), then distance (ascending, unknown last), then profile id, so the order is the
//! same on every call. A profile's gaps are its requirements with fulfilment below 1, in the
//! need's order, with the best level held (0 when none).
//!
//! ## Worked example
//!
//! A need near Montpellier (43.61, 3.88) within 50 km, available before 1 September, asks for
//! Rust at level 4, SQL at level 2 and Docker at level 3: the weights add up to 4 + 2 + 3 = 9.
//! A profile in Nîmes (43.84, 4.36) holds Rust 3 and SQL 5, no Docker, and is available from
//! 15 September.
//!
//! - coverage = (min(3, 4) + min(5, 2) + 0) / 9 = (3 + 2 + 0) / 9 = 5/9 ≈ 0.5556
//! - Nîmes is 46.28 km from the centre, inside the radius: proximity = 1 − 0.25 × 46.28 / 50
//!   ≈ 0.7686
//! - available after the date: availability = 0.6
//! - score = 0.5556 × 0.7686 × 0.6 ≈ 0.2562; gaps: Rust (required 4, current 3) and Docker
//!   (required 3, current 0).
//!
//! The same profile living in Toulouse (196 km away) is left out, unless it works remotely and
//! the need accepts remote work: then its score is 0.5556 × 0.7 × 0.6 ≈ 0.2333.
//!
//! # How training offers are chosen
//!
//! An offer's score is its own coverage of the need, computed as above from the levels it
//! teaches; offers with coverage 0 are left out. [`cover_need`] lists first the offers that
//! together cover the most of the need (greedy weighted set cover): it repeatedly takes the offer
//! adding the most level points not yet reached by the offers already taken (ties: higher own
//! coverage, then offer id), until no offer adds anything; the remaining offers follow by their
//! own coverage (then id). Scores therefore do not always decrease down the list: a narrow offer
//! that fills a hole comes before a broad one that repeats what is already covered.
//!
//! For one gap, [`offers_for_gap`] lists the offers teaching the skill (or a narrower one) at the
//! required level or above: first those within reach (remote, or with an upcoming session inside
//! the need's circle, or any upcoming session when the need has no place), then the others; in
//! each group the earliest next session first (none last), then offer id.

use std::cmp::Ordering;

use chrono::NaiveDate;

use crate::{GeoPoint, SkillId, SkillLevel, SkillProfileId, TrainingOfferId, ValidationError};

/// Proximity of a profile located exactly on the edge of the need's circle.
pub const EDGE_PROXIMITY: f64 = 0.75;
/// Proximity of a profile kept because it works remotely although it is outside the circle.
pub const REMOTE_PROXIMITY: f64 = 0.7;
/// Availability of a profile only available after the need's `availableBefore` date.
pub const LATE_AVAILABILITY: f64 = 0.6;

/// One skill a need asks for, with the lowest acceptable level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Requirement {
    pub skill: SkillId,
    pub min_level: SkillLevel,
}

impl Requirement {
    /// What this requirement weighs in the coverage: its level, in level points.
    fn weight(&self) -> u32 {
        u32::from(self.min_level.get())
    }
}

/// A circle on the map around the place where a need is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Area {
    pub centre: GeoPoint,
    pub radius_km: f64,
}

impl Area {
    /// Wider than mainland France, so a larger radius is a mistake rather than a wish.
    pub const MAX_RADIUS_KM: f64 = 1000.0;

    pub fn new(centre: GeoPoint, radius_km: f64) -> Result<Self, ValidationError> {
        if !radius_km.is_finite() || radius_km <= 0.0 || radius_km > Self::MAX_RADIUS_KM {
            return Err(ValidationError::invalid(
                "a radius must be more than 0 and at most 1000 km",
            ));
        }
        Ok(Self { centre, radius_km })
    }

    /// The proximity factor of a point `distance_km` from the centre, or `None` outside the
    /// circle.
    fn proximity(&self, distance_km: f64) -> Option<f64> {
        // A NaN radius compares as nothing, so an area built without `new` excludes rather than
        // scores NaN.
        let inside = matches!(
            distance_km.partial_cmp(&self.radius_km),
            Some(Ordering::Less | Ordering::Equal)
        );
        if !inside {
            return None;
        }
        if self.radius_km <= 0.0 {
            return Some(1.0);
        }
        Some(1.0 - (1.0 - EDGE_PROXIMITY) * distance_km / self.radius_km)
    }

    fn contains(&self, distance_km: f64) -> bool {
        self.proximity(distance_km).is_some()
    }
}

/// What a company is looking for: skills at a level, possibly near a place and by a date.
#[derive(Debug, Clone, PartialEq)]
pub struct Need {
    pub requirements: Vec<Requirement>,
    pub near: Option<Area>,
    /// Whether someone working remotely from outside `near` will do.
    pub remote_ok: bool,
    pub available_before: Option<NaiveDate>,
}

impl Need {
    /// Enough for any real job description, and a bound on the work of one query.
    pub const MAX_REQUIREMENTS: usize = 30;

    pub fn new(
        requirements: Vec<Requirement>,
        near: Option<Area>,
        remote_ok: bool,
        available_before: Option<NaiveDate>,
    ) -> Result<Self, ValidationError> {
        if requirements.is_empty() {
            return Err(ValidationError::invalid(
                "a need asks for at least one skill",
            ));
        }
        if requirements.len() > Self::MAX_REQUIREMENTS {
            return Err(ValidationError::invalid(format!(
                "a need asks for at most {} skills",
                Self::MAX_REQUIREMENTS
            )));
        }
        for (position, requirement) in requirements.iter().enumerate() {
            if requirements[..position]
                .iter()
                .any(|earlier| earlier.skill == requirement.skill)
            {
                return Err(ValidationError::invalid(format!(
                    "skill {} is listed twice: give it once, with the level needed",
                    requirement.skill
                )));
            }
        }
        Ok(Self {
            requirements,
            near,
            remote_ok,
            available_before,
        })
    }

    /// Σ weight, the denominator of every coverage.
    fn total_weight(&self) -> u32 {
        self.requirements.iter().map(Requirement::weight).sum()
    }
}

/// Tells whether holding/teaching `held` counts for `required`: same skill or a narrower one.
/// Supplied by the caller (the taxonomy lives in the database).
///
/// The matching functions count the same skill even when `covers` says otherwise, so an
/// implementation only needs to know the taxonomy.
pub trait SkillCover {
    fn covers(&self, required: SkillId, held: SkillId) -> bool;
}

fn counts_for(cover: &impl SkillCover, required: SkillId, held: SkillId) -> bool {
    required == held || cover.covers(required, held)
}

/// For each requirement of the need, the best level among `skills` that count for it, 0 if
/// none does.
fn best_levels(need: &Need, skills: &[(SkillId, SkillLevel)], cover: &impl SkillCover) -> Vec<u8> {
    need.requirements
        .iter()
        .map(|requirement| {
            skills
                .iter()
                .filter(|(skill, _)| counts_for(cover, requirement.skill, *skill))
                .map(|(_, level)| level.get())
                .max()
                .unwrap_or(0)
        })
        .collect()
}

/// The level points reached towards each requirement: the best level, capped at the required
/// one (`weight × fulfilment`).
fn reached_points(need: &Need, best: &[u8]) -> Vec<u8> {
    need.requirements
        .iter()
        .zip(best)
        .map(|(requirement, &level)| level.min(requirement.min_level.get()))
        .collect()
}

fn sum_points(points: &[u8]) -> u32 {
    points.iter().map(|&point| u32::from(point)).sum()
}

/// A skill profile as the matcher needs to see it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileCandidate {
    pub profile: SkillProfileId,
    pub held: Vec<(SkillId, SkillLevel)>,
    pub location: Option<GeoPoint>,
    /// Whether the person accepts to work remotely.
    pub remote: bool,
    /// The first day the person is available; `None` means available now.
    pub available_from: Option<NaiveDate>,
}

/// A requirement a profile does not fully meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Gap {
    pub skill: SkillId,
    pub required: SkillLevel,
    /// The best level held among the skills that count, 0 when none is held.
    pub current: u8,
}

/// A profile kept for a need, with why it ranks where it does.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileMatch {
    pub profile: SkillProfileId,
    pub score: f64,
    /// Weighted share of the need the profile covers, from 0 to 1.
    pub coverage: f64,
    /// Distance to the centre of the need's area, when both places are known.
    pub distance_km: Option<f64>,
    pub gaps: Vec<Gap>,
}

/// The best `first` profiles for the need, best first; see the module documentation for the
/// scoring.
pub fn rank_profiles(
    need: &Need,
    candidates: Vec<ProfileCandidate>,
    cover: &impl SkillCover,
    first: usize,
) -> Vec<ProfileMatch> {
    let total_weight = need.total_weight();
    if total_weight == 0 || first == 0 {
        return Vec::new();
    }
    let mut matches: Vec<ProfileMatch> = candidates
        .into_iter()
        .filter_map(|candidate| match_profile(need, total_weight, candidate, cover))
        .collect();
    matches.sort_by(profile_order);
    matches.truncate(first);
    matches
}

fn match_profile(
    need: &Need,
    total_weight: u32,
    candidate: ProfileCandidate,
    cover: &impl SkillCover,
) -> Option<ProfileMatch> {
    let best = best_levels(need, &candidate.held, cover);
    let points = sum_points(&reached_points(need, &best));
    if points == 0 {
        return None;
    }
    let distance_km = need
        .near
        .zip(candidate.location)
        .map(|(area, location)| area.centre.distance_km(&location));
    let proximity = proximity(need, candidate.remote, distance_km)?;
    let availability = match (need.available_before, candidate.available_from) {
        (Some(before), Some(from)) if from > before => LATE_AVAILABILITY,
        _ => 1.0,
    };
    let coverage = f64::from(points) / f64::from(total_weight);
    let gaps = need
        .requirements
        .iter()
        .zip(&best)
        .filter(|(requirement, level)| **level < requirement.min_level.get())
        .map(|(requirement, &level)| Gap {
            skill: requirement.skill,
            required: requirement.min_level,
            current: level,
        })
        .collect();
    Some(ProfileMatch {
        profile: candidate.profile,
        score: round_score(coverage * proximity * availability),
        coverage,
        distance_km,
        gaps,
    })
}

/// The proximity factor, or `None` when the profile is out of reach.
fn proximity(need: &Need, remote: bool, distance_km: Option<f64>) -> Option<f64> {
    let Some(area) = need.near else {
        return Some(1.0);
    };
    if let Some(factor) = distance_km.and_then(|distance| area.proximity(distance)) {
        return Some(factor);
    }
    (need.remote_ok && remote).then_some(REMOTE_PROXIMITY)
}

fn round_score(score: f64) -> f64 {
    (score * 1e6).round() / 1e6
}

fn profile_order(a: &ProfileMatch, b: &ProfileMatch) -> Ordering {
    b.score
        .total_cmp(&a.score)
        .then(b.coverage.total_cmp(&a.coverage))
        .then_with(|| match (a.distance_km, b.distance_km) {
            (Some(a), Some(b)) => a.total_cmp(&b),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        })
        .then(a.profile.cmp(&b.profile))
}

/// A training offer as the matcher needs to see it.
#[derive(Debug, Clone, PartialEq)]
pub struct OfferCandidate {
    pub offer: TrainingOfferId,
    pub taught: Vec<(SkillId, SkillLevel)>,
    /// Whether the offer's modality is remote.
    pub remote: bool,
    /// Start of the next upcoming session.
    pub next_session: Option<NaiveDate>,
    /// Distance from the need's centre to the nearest upcoming session place, `None` if unknown.
    pub next_session_distance_km: Option<f64>,
}

/// A training offer proposed for a need.
#[derive(Debug, Clone, PartialEq)]
pub struct OfferMatch {
    pub offer: TrainingOfferId,
    /// The offer's own weighted coverage of the need, from 0 to 1.
    pub score: f64,
    /// The required skills it teaches at the required level or above, in the need's order.
    pub covered: Vec<SkillId>,
}

/// An offer with the level points it reaches towards each requirement.
struct OfferCoverage {
    offer: TrainingOfferId,
    reached: Vec<u8>,
    points: u32,
}

/// Offers that together cover the most of the need (greedy weighted set cover first, then the
/// rest by their own coverage); at most `first`.
pub fn cover_need(
    need: &Need,
    offers: Vec<OfferCandidate>,
    cover: &impl SkillCover,
    first: usize,
) -> Vec<OfferMatch> {
    let total_weight = need.total_weight();
    if total_weight == 0 || first == 0 {
        return Vec::new();
    }
    let mut remaining: Vec<OfferCoverage> = offers
        .into_iter()
        .map(|candidate| {
            let reached = reached_points(need, &best_levels(need, &candidate.taught, cover));
            let points = sum_points(&reached);
            OfferCoverage {
                offer: candidate.offer,
                reached,
                points,
            }
        })
        .filter(|offer| offer.points > 0)
        .collect();
    // In this order the first offer with the largest gain is also the tie winner, and what is
    // left after the greedy phase is already in its final order.
    remaining.sort_by(|a, b| b.points.cmp(&a.points).then(a.offer.cmp(&b.offer)));

    let mut reached_so_far = vec![0u8; need.requirements.len()];
    let mut chosen = Vec::new();
    while chosen.len() < first {
        let mut best: Option<(usize, u32)> = None;
        for (position, offer) in remaining.iter().enumerate() {
            let gain: u32 = offer
                .reached
                .iter()
                .zip(&reached_so_far)
                .map(|(&offered, &already)| u32::from(offered.saturating_sub(already)))
                .sum();
            if gain > best.map_or(0, |(_, best_gain)| best_gain) {
                best = Some((position, gain));
            }
        }
        let Some((position, _)) = best else {
            break;
        };
        let taken = remaining.remove(position);
        for (already, &offered) in reached_so_far.iter_mut().zip(&taken.reached) {
            *already = (*already).max(offered);
        }
        chosen.push(taken);
    }
    chosen
        .into_iter()
        .chain(remaining)
        .take(first)
        .map(|offer| OfferMatch {
            offer: offer.offer,
            score: f64::from(offer.points) / f64::from(total_weight),
            covered: need
                .requirements
                .iter()
                .zip(&offer.reached)
                .filter(|(requirement, reached)| **reached >= requirement.min_level.get())
                .map(|(requirement, _)| requirement.skill)
                .collect(),
        })
        .collect()
}

/// For one gap: the offers teaching that skill (or a narrower one) to at least `required`,
/// preferring an upcoming session within need.near's radius or a remote offer, then the
/// earliest next session, then the offer id; returns at most `first`.
///
/// Without `near`, any offer with an upcoming session is within reach. An offer that is not
/// remote and has no upcoming session cannot be attended for now, so it comes last.
pub fn offers_for_gap(
    need: &Need,
    gap: &Gap,
    offers: &[OfferCandidate],
    cover: &impl SkillCover,
    first: usize,
) -> Vec<TrainingOfferId> {
    let mut suitable: Vec<&OfferCandidate> = offers
        .iter()
        .filter(|offer| {
            offer.taught.iter().any(|(skill, level)| {
                *level >= gap.required && counts_for(cover, gap.skill, *skill)
            })
        })
        .collect();
    suitable.sort_by(|a, b| {
        is_within_reach(need, b)
            .cmp(&is_within_reach(need, a))
            .then_with(|| match (a.next_session, b.next_session) {
                (Some(a), Some(b)) => a.cmp(&b),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            })
            .then(a.offer.cmp(&b.offer))
    });
    suitable
        .into_iter()
        .take(first)
        .map(|offer| offer.offer)
        .collect()
}

fn is_within_reach(need: &Need, offer: &OfferCandidate) -> bool {
    if offer.remote {
        return true;
    }
    if offer.next_session.is_none() {
        return false;
    }
    need.near.is_none_or(|area| {
        offer
            .next_session_distance_km
            .is_some_and(|distance| area.contains(distance))
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use uuid::Uuid;

    use super::*;

    fn skill(n: u128) -> SkillId {
        SkillId::from_uuid(Uuid::from_u128(n))
    }

    fn profile(n: u128) -> SkillProfileId {
        SkillProfileId::from_uuid(Uuid::from_u128(n))
    }

    fn offer_id(n: u128) -> TrainingOfferId {
        TrainingOfferId::from_uuid(Uuid::from_u128(n))
    }

    fn level(n: i64) -> SkillLevel {
        SkillLevel::new(n).unwrap()
    }

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    fn montpellier() -> GeoPoint {
        GeoPoint::new(43.61, 3.88).unwrap()
    }

    fn nimes() -> GeoPoint {
        GeoPoint::new(43.84, 4.36).unwrap()
    }

    fn toulouse() -> GeoPoint {
        GeoPoint::new(43.60, 1.44).unwrap()
    }

    const RUST: u128 = 1;
    const SQL: u128 = 2;
    const DOCKER: u128 = 3;
    const POSTGRESQL: u128 = 4;
    const KUBERNETES: u128 = 5;

    /// A small taxonomy: PostgreSQL is narrower than SQL.
    struct Taxonomy(HashSet<(SkillId, SkillId)>);

    impl Taxonomy {
        fn flat() -> Self {
            Self(HashSet::new())
        }

        fn with_postgresql_under_sql() -> Self {
            Self(HashSet::from([(skill(SQL), skill(POSTGRESQL))]))
        }
    }

    impl SkillCover for Taxonomy {
        fn covers(&self, required: SkillId, held: SkillId) -> bool {
            self.0.contains(&(required, held))
        }
    }

    fn requirement(skill_number: u128, min_level: i64) -> Requirement {
        Requirement {
            skill: skill(skill_number),
            min_level: level(min_level),
        }
    }

    fn need(requirements: &[(u128, i64)]) -> Need {
        Need::new(
            requirements
                .iter()
                .map(|&(skill_number, min_level)| requirement(skill_number, min_level))
                .collect(),
            None,
            true,
            None,
        )
        .unwrap()
    }

    fn near_montpellier(mut need: Need, radius_km: f64, remote_ok: bool) -> Need {
        need.near = Some(Area::new(montpellier(), radius_km).unwrap());
        need.remote_ok = remote_ok;
        need
    }

    fn candidate(n: u128, held: &[(u128, i64)]) -> ProfileCandidate {
        ProfileCandidate {
            profile: profile(n),
            held: held
                .iter()
                .map(|&(skill_number, held_level)| (skill(skill_number), level(held_level)))
                .collect(),
            location: None,
            remote: false,
            available_from: None,
        }
    }

    fn located(mut candidate: ProfileCandidate, place: GeoPoint) -> ProfileCandidate {
        candidate.location = Some(place);
        candidate
    }

    fn offer(n: u128, taught: &[(u128, i64)]) -> OfferCandidate {
        OfferCandidate {
            offer: offer_id(n),
            taught: taught
                .iter()
                .map(|&(skill_number, taught_level)| (skill(skill_number), level(taught_level)))
                .collect(),
            remote: false,
            next_session: None,
            next_session_distance_km: None,
        }
    }

    fn ranked_ids(matches: &[ProfileMatch]) -> Vec<SkillProfileId> {
        matches.iter().map(|found| found.profile).collect()
    }

    fn offer_ids(matches: &[OfferMatch]) -> Vec<TrainingOfferId> {
        matches.iter().map(|found| found.offer).collect()
    }

    fn assert_close(actual: f64, expected: f64) {
        assert!(
            (actual - expected).abs() < 1e-4,
            "expected {expected}, got {actual}"
        );
    }

    /// Distances are quoted to the nearest 10 metres.
    fn assert_about_km(actual: f64, expected: f64) {
        assert!(
            (actual - expected).abs() < 0.01,
            "expected about {expected} km, got {actual}"
        );
    }

    #[test]
    fn a_need_has_one_to_thirty_distinct_skills() {
        assert!(Need::new(vec![], None, true, None).is_err());
        let thirty_one = (0..31).map(|n| requirement(100 + n, 1)).collect();
        assert!(Need::new(thirty_one, None, true, None).is_err());
        let thirty = (0..30).map(|n| requirement(100 + n, 1)).collect();
        assert!(Need::new(thirty, None, true, None).is_ok());

        let twice = vec![
            requirement(RUST, 2),
            requirement(SQL, 1),
            requirement(RUST, 4),
        ];
        let message = Need::new(twice, None, true, None).unwrap_err().to_string();
        assert!(
            message.contains(&skill(RUST).to_string()),
            "the message names the repeated skill: {message}"
        );
    }

    #[test]
    fn an_area_radius_is_positive_finite_and_at_most_1000_km() {
        for radius in [0.0, -5.0, 1000.5, f64::NAN, f64::INFINITY] {
            assert!(Area::new(montpellier(), radius).is_err(), "{radius}");
        }
        assert!(Area::new(montpellier(), 0.1).is_ok());
        assert!(Area::new(montpellier(), 1000.0).is_ok());
    }

    #[test]
    fn coverage_weighs_each_requirement_by_its_level_and_counts_a_shortfall_partially() {
        // Weights 4 + 2 + 3 = 9; reached min(3,4) + min(5,2) + 0 = 5 level points.
        let need = need(&[(RUST, 4), (SQL, 2), (DOCKER, 3)]);
        let found = rank_profiles(
            &need,
            vec![candidate(1, &[(RUST, 3), (SQL, 5)])],
            &Taxonomy::flat(),
            10,
        );
        assert_eq!(found.len(), 1);
        assert_close(found[0].coverage, 5.0 / 9.0);
        assert_close(found[0].score, 5.0 / 9.0);
        assert_eq!(
            found[0].gaps,
            vec![
                Gap {
                    skill: skill(RUST),
                    required: level(4),
                    current: 3
                },
                Gap {
                    skill: skill(DOCKER),
                    required: level(3),
                    current: 0
                },
            ],
            "one gap per requirement not fully met, in the need's order"
        );
    }

    #[test]
    fn covering_the_heavy_requirement_ranks_above_covering_the_light_one() {
        let need = need(&[(RUST, 4), (SQL, 1)]);
        let found = rank_profiles(
            &need,
            vec![candidate(1, &[(SQL, 5)]), candidate(2, &[(RUST, 4)])],
            &Taxonomy::flat(),
            10,
        );
        assert_eq!(ranked_ids(&found), vec![profile(2), profile(1)]);
        assert_close(found[0].coverage, 0.8);
        assert_close(found[1].coverage, 0.2);
    }

    #[test]
    fn a_narrower_skill_covers_the_broader_need_through_the_taxonomy() {
        let need = need(&[(SQL, 3)]);
        let profiles = vec![candidate(1, &[(POSTGRESQL, 4)])];

        let found = rank_profiles(
            &need,
            profiles.clone(),
            &Taxonomy::with_postgresql_under_sql(),
            10,
        );
        assert_eq!(ranked_ids(&found), vec![profile(1)]);
        assert_close(found[0].coverage, 1.0);
        assert!(found[0].gaps.is_empty());

        assert!(
            rank_profiles(&need, profiles, &Taxonomy::flat(), 10).is_empty(),
            "without the taxonomy link the profile covers nothing and is left out"
        );
    }

    #[test]
    fn the_broader_skill_does_not_cover_a_narrower_need() {
        let need = need(&[(POSTGRESQL, 2)]);
        let found = rank_profiles(
            &need,
            vec![candidate(1, &[(SQL, 5)])],
            &Taxonomy::with_postgresql_under_sql(),
            10,
        );
        assert!(found.is_empty());
    }

    #[test]
    fn a_gap_reports_the_best_level_among_the_skills_that_count() {
        let need = need(&[(SQL, 4)]);
        let found = rank_profiles(
            &need,
            vec![candidate(1, &[(SQL, 1), (POSTGRESQL, 3)])],
            &Taxonomy::with_postgresql_under_sql(),
            10,
        );
        assert_eq!(found[0].gaps[0].current, 3);
        assert_close(found[0].coverage, 0.75);
    }

    #[test]
    fn a_profile_covering_nothing_is_left_out() {
        let need = need(&[(RUST, 2)]);
        let found = rank_profiles(
            &need,
            vec![candidate(1, &[(DOCKER, 5)]), candidate(2, &[(RUST, 1)])],
            &Taxonomy::flat(),
            10,
        );
        assert_eq!(ranked_ids(&found), vec![profile(2)]);
    }

    #[test]
    fn a_profile_outside_the_radius_is_left_out_unless_both_sides_accept_remote_work() {
        let rust = [(RUST, 3)];
        let base = need(&[(RUST, 3)]);
        let in_toulouse = located(candidate(1, &rust), toulouse());
        let mut remote_in_toulouse = located(candidate(2, &rust), toulouse());
        remote_in_toulouse.remote = true;
        let mut remote_nowhere = candidate(3, &rust);
        remote_nowhere.remote = true;
        let candidates = vec![in_toulouse, remote_in_toulouse, remote_nowhere];

        let strict = near_montpellier(base.clone(), 100.0, false);
        assert!(
            rank_profiles(&strict, candidates.clone(), &Taxonomy::flat(), 10).is_empty(),
            "no remote work accepted: nobody outside the circle is kept"
        );

        let open = near_montpellier(base, 100.0, true);
        let found = rank_profiles(&open, candidates, &Taxonomy::flat(), 10);
        assert_eq!(
            ranked_ids(&found),
            vec![profile(2), profile(3)],
            "remote profiles are kept, the known distance breaking the tie"
        );
        assert_close(found[0].score, REMOTE_PROXIMITY);
        assert_about_km(found[0].distance_km.unwrap(), 196.46);
        assert_eq!(found[1].distance_km, None);
    }

    #[test]
    fn proximity_falls_linearly_from_the_centre_to_the_edge() {
        let rust = [(RUST, 2)];
        let need = near_montpellier(need(&[(RUST, 2)]), 50.0, false);
        let found = rank_profiles(
            &need,
            vec![
                located(candidate(1, &rust), nimes()),
                located(candidate(2, &rust), montpellier()),
            ],
            &Taxonomy::flat(),
            10,
        );
        assert_eq!(ranked_ids(&found), vec![profile(2), profile(1)]);
        assert_close(found[0].score, 1.0);
        assert_close(found[0].distance_km.unwrap(), 0.0);
        let to_nimes = found[1].distance_km.unwrap();
        assert_about_km(to_nimes, 46.28);
        assert_close(
            found[1].score,
            1.0 - (1.0 - EDGE_PROXIMITY) * to_nimes / 50.0,
        );
    }

    #[test]
    fn someone_who_can_come_in_ranks_above_a_remote_worker_at_equal_coverage() {
        let rust = [(RUST, 2)];
        let need = near_montpellier(need(&[(RUST, 2)]), 46.3, true);
        let mut remote_in_toulouse = located(candidate(1, &rust), toulouse());
        remote_in_toulouse.remote = true;
        let at_the_edge_in_nimes = located(candidate(2, &rust), nimes());
        let found = rank_profiles(
            &need,
            vec![remote_in_toulouse, at_the_edge_in_nimes],
            &Taxonomy::flat(),
            10,
        );
        assert_eq!(ranked_ids(&found), vec![profile(2), profile(1)]);
    }

    #[test]
    fn a_profile_available_only_after_the_date_is_down_ranked_not_hidden() {
        let rust = [(RUST, 2)];
        let mut need = need(&[(RUST, 2)]);
        need.available_before = Some(date(2026, 9, 1));
        let mut late = candidate(1, &rust);
        late.available_from = Some(date(2026, 9, 15));
        let mut on_the_day = candidate(2, &rust);
        on_the_day.available_from = Some(date(2026, 9, 1));
        let available_now = candidate(3, &rust);

        let found = rank_profiles(
            &need,
            vec![late.clone(), on_the_day, available_now],
            &Taxonomy::flat(),
            10,
        );
        assert_eq!(ranked_ids(&found), vec![profile(2), profile(3), profile(1)]);
        assert_close(found[2].score, LATE_AVAILABILITY);

        need.available_before = None;
        let found = rank_profiles(&need, vec![late], &Taxonomy::flat(), 10);
        assert_close(found[0].score, 1.0);
    }

    #[test]
    fn the_worked_example_of_the_documentation_holds() {
        let mut need = near_montpellier(need(&[(RUST, 4), (SQL, 2), (DOCKER, 3)]), 50.0, true);
        need.available_before = Some(date(2026, 9, 1));
        let mut in_nimes = located(candidate(1, &[(RUST, 3), (SQL, 5)]), nimes());
        in_nimes.available_from = Some(date(2026, 9, 15));
        let mut in_toulouse = in_nimes.clone();
        in_toulouse.profile = profile(2);
        in_toulouse.location = Some(toulouse());
        in_toulouse.remote = true;

        let found = rank_profiles(&need, vec![in_toulouse, in_nimes], &Taxonomy::flat(), 10);
        assert_eq!(ranked_ids(&found), vec![profile(1), profile(2)]);
        assert_close(found[0].coverage, 0.5556);
        assert_close(found[0].score, 0.2562);
        assert_eq!(found[0].gaps.len(), 2);
        assert_close(found[1].score, 0.2333);
    }

    #[test]
    fn ties_are_broken_by_coverage_then_distance_then_id() {
        let need = near_montpellier(need(&[(RUST, 5)]), 200.0, true);
        // Coverage 1 × late 0.6 = 0.6 ties with coverage 0.6 × 1: the higher coverage wins.
        let mut full_but_late = located(candidate(1, &[(RUST, 5)]), montpellier());
        full_but_late.available_from = Some(date(2026, 10, 1));
        let mut need_with_date = need.clone();
        need_with_date.available_before = Some(date(2026, 9, 1));
        let partial_now = located(candidate(2, &[(RUST, 3)]), montpellier());
        let found = rank_profiles(
            &need_with_date,
            vec![partial_now, full_but_late],
            &Taxonomy::flat(),
            10,
        );
        assert_eq!(ranked_ids(&found), vec![profile(1), profile(2)]);
        assert_eq!(found[0].score, found[1].score);

        // Same score and coverage (remote, outside a 50 km circle): the known distance comes
        // first, then the lower id, whatever the input order.
        let need = near_montpellier(need, 50.0, true);
        let remote = |n, place: Option<GeoPoint>| {
            let mut remote = candidate(n, &[(RUST, 5)]);
            remote.location = place;
            remote.remote = true;
            remote
        };
        let far = GeoPoint::new(48.85, 2.35).unwrap();
        let inputs = vec![
            remote(9, None),
            remote(8, Some(far)),
            remote(7, None),
            remote(6, Some(toulouse())),
        ];
        let expected = vec![profile(6), profile(8), profile(7), profile(9)];
        let mut reversed = inputs.clone();
        reversed.reverse();
        assert_eq!(
            ranked_ids(&rank_profiles(&need, inputs, &Taxonomy::flat(), 10)),
            expected
        );
        assert_eq!(
            ranked_ids(&rank_profiles(&need, reversed, &Taxonomy::flat(), 10)),
            expected
        );
    }

    #[test]
    fn only_the_first_profiles_are_returned() {
        let need = need(&[(RUST, 5)]);
        let candidates = (1..=5).map(|n| candidate(n, &[(RUST, 1)])).collect();
        let found = rank_profiles(&need, candidates, &Taxonomy::flat(), 2);
        assert_eq!(ranked_ids(&found), vec![profile(1), profile(2)]);
        assert!(
            rank_profiles(
                &need,
                vec![candidate(1, &[(RUST, 1)])],
                &Taxonomy::flat(),
                0
            )
            .is_empty()
        );
    }

    #[test]
    fn the_greedy_cover_takes_complementary_offers_before_a_redundant_better_one() {
        // Need: Rust 4, SQL 3, Docker 3, Kubernetes 2 (12 points).
        // Broad (10 points): Rust, SQL, Docker.  Same-ish (9 points): Rust, SQL, Docker 2.
        // Kubernetes only (2 points) fills the hole left by Broad, so it comes second.
        let need = need(&[(RUST, 4), (SQL, 3), (DOCKER, 3), (KUBERNETES, 2)]);
        let offers = vec![
            offer(1, &[(RUST, 4), (SQL, 3), (DOCKER, 2)]),
            offer(2, &[(RUST, 4), (SQL, 3), (DOCKER, 3)]),
            offer(3, &[(KUBERNETES, 3)]),
            offer(4, &[(DOCKER, 5)]),
            offer(5, &[(POSTGRESQL, 5)]),
        ];
        let found = cover_need(&need, offers, &Taxonomy::flat(), 10);
        assert_eq!(
            offer_ids(&found),
            vec![offer_id(2), offer_id(3), offer_id(1), offer_id(4)],
            "the offer teaching nothing required is left out"
        );
        assert_close(found[0].score, 10.0 / 12.0);
        assert_close(found[1].score, 2.0 / 12.0);
        assert_close(found[2].score, 9.0 / 12.0);
        assert_eq!(found[1].covered, vec![skill(KUBERNETES)]);
        assert_eq!(
            found[2].covered,
            vec![skill(RUST), skill(SQL)],
            "Docker is taught below the required level, so it is not covered"
        );
    }

    #[test]
    fn the_greedy_cover_breaks_ties_by_own_coverage_then_id() {
        let need = need(&[(RUST, 4), (SQL, 2)]);
        let offers = vec![
            offer(7, &[(RUST, 2)]),
            offer(6, &[(RUST, 2), (SQL, 2)]),
            offer(5, &[(RUST, 4)]),
            offer(4, &[(SQL, 2)]),
            offer(3, &[(SQL, 2)]),
        ];
        // Offers 5 and 6 both add 4 points and cover as much: 5 has the lower id. Then 6, 3 and
        // 4 all add SQL's 2 points: 6 covers more on its own. Nothing adds anything after that,
        // and the rest follow by own coverage, then id.
        let found = cover_need(&need, offers, &Taxonomy::flat(), 10);
        assert_eq!(
            offer_ids(&found),
            vec![
                offer_id(5),
                offer_id(6),
                offer_id(3),
                offer_id(4),
                offer_id(7)
            ]
        );
    }

    #[test]
    fn the_greedy_cover_counts_a_higher_level_of_a_partly_covered_skill_as_a_gain() {
        let need = need(&[(RUST, 4), (SQL, 2)]);
        let offers = vec![
            offer(3, &[(RUST, 3)]),
            offer(2, &[(RUST, 4)]),
            offer(1, &[(RUST, 2), (SQL, 2)]),
        ];
        // Offer 1 comes first (4 points, lower id than offer 2); offer 2 then raises Rust from
        // 2 to 4 (2 points), more than offer 3 does (1 point).
        let found = cover_need(&need, offers, &Taxonomy::flat(), 10);
        assert_eq!(
            offer_ids(&found),
            vec![offer_id(1), offer_id(2), offer_id(3)]
        );
        assert_eq!(found[0].covered, vec![skill(SQL)]);
        assert_eq!(found[1].covered, vec![skill(RUST)]);
    }

    #[test]
    fn the_greedy_cover_uses_the_taxonomy_and_stops_at_first() {
        let need = need(&[(SQL, 3), (RUST, 1)]);
        let offers = vec![offer(1, &[(POSTGRESQL, 3)]), offer(2, &[(RUST, 1)])];
        let found = cover_need(
            &need,
            offers.clone(),
            &Taxonomy::with_postgresql_under_sql(),
            1,
        );
        assert_eq!(offer_ids(&found), vec![offer_id(1)]);
        assert_eq!(found[0].covered, vec![skill(SQL)]);
        assert!(cover_need(&need, offers, &Taxonomy::flat(), 0).is_empty());
    }

    #[test]
    fn offers_for_a_gap_prefer_reachable_sessions_then_the_earliest_then_the_id() {
        let need = near_montpellier(need(&[(SQL, 3)]), 50.0, true);
        let gap = Gap {
            skill: skill(SQL),
            required: level(3),
            current: 1,
        };
        let in_person = |n, next: Option<NaiveDate>, distance: Option<f64>| {
            let mut candidate = offer(n, &[(SQL, 3)]);
            candidate.next_session = next;
            candidate.next_session_distance_km = distance;
            candidate
        };
        let mut remote_later = offer(1, &[(POSTGRESQL, 4)]);
        remote_later.remote = true;
        remote_later.next_session = Some(date(2026, 12, 1));
        let mut remote_self_paced = offer(2, &[(SQL, 5)]);
        remote_self_paced.remote = true;
        let offers = vec![
            in_person(10, Some(date(2026, 6, 1)), Some(190.0)),
            remote_self_paced,
            in_person(11, Some(date(2026, 10, 1)), Some(10.0)),
            in_person(12, Some(date(2026, 10, 1)), Some(49.0)),
            in_person(13, None, None),
            remote_later,
            in_person(14, Some(date(2026, 5, 1)), None),
            {
                let mut too_low = in_person(15, Some(date(2026, 5, 1)), Some(1.0));
                too_low.taught = vec![(skill(SQL), level(2))];
                too_low
            },
        ];
        let found = offers_for_gap(
            &need,
            &gap,
            &offers,
            &Taxonomy::with_postgresql_under_sql(),
            10,
        );
        assert_eq!(
            found,
            vec![
                // Within reach: sessions in the circle or remote, earliest first, id on a tie,
                // and a self-paced remote offer after those with a date.
                offer_id(11),
                offer_id(12),
                offer_id(1),
                offer_id(2),
                // Out of reach: earliest session first, no session last.
                offer_id(14),
                offer_id(10),
                offer_id(13),
            ],
            "offer 15 teaches below the required level and is left out"
        );
        let found = offers_for_gap(
            &need,
            &gap,
            &offers,
            &Taxonomy::with_postgresql_under_sql(),
            3,
        );
        assert_eq!(found, vec![offer_id(11), offer_id(12), offer_id(1)]);
    }

    #[test]
    fn without_a_place_any_upcoming_session_is_within_reach() {
        let need = need(&[(RUST, 2)]);
        let gap = Gap {
            skill: skill(RUST),
            required: level(2),
            current: 0,
        };
        let mut far_but_sooner = offer(1, &[(RUST, 2)]);
        far_but_sooner.next_session = Some(date(2026, 5, 1));
        far_but_sooner.next_session_distance_km = Some(600.0);
        let mut later = offer(2, &[(RUST, 2)]);
        later.next_session = Some(date(2026, 6, 1));
        let no_session = offer(3, &[(RUST, 3)]);
        let found = offers_for_gap(
            &need,
            &gap,
            &[no_session, later, far_but_sooner],
            &Taxonomy::flat(),
            10,
        );
        assert_eq!(found, vec![offer_id(1), offer_id(2), offer_id(3)]);
    }
}
