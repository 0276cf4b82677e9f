//! What a person writes when creating or changing an organisation, an offer or a profile, once
//! validated. The store writes these as they are; nothing here can hold an invalid value.

use chrono::NaiveDate;

use crate::catalogue::{TaughtSkill, TrainingOffer, TrainingSession};
use crate::{
    CertificationCode, DateRange, Description, DisplayName, Email, Headline, InseeCode, Modality,
    Money, NafCode, Siret, SkillId, SkillLevel, Summary, Title, Visibility, WebUrl,
};

/// Languages the search can analyse; offers and profiles are written in one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContentLanguage {
    French,
    English,
}

impl ContentLanguage {
    pub fn parse(raw: &str) -> Result<Self, crate::ValidationError> {
        match raw.trim().to_lowercase().as_str() {
            "fr" | "fr-fr" => Ok(Self::French),
            "en" | "en-gb" | "en-us" => Ok(Self::English),
            _ => Err(crate::ValidationError::Invalid(
                "must be \"fr\" or \"en\"".to_owned(),
            )),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::French => "fr",
            Self::English => "en",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct OrganisationContent {
    pub name: DisplayName,
    pub siret: Option<Siret>,
    pub naf_code: Option<NafCode>,
    pub description: Option<Description>,
    pub website: Option<WebUrl>,
    pub place: Option<InseeCode>,
    pub is_training_provider: bool,
    pub skills: Vec<SkillId>,
}

/// Hours of training an offer may last: a half-day to a long professional programme.
pub const MAX_DURATION_HOURS: u32 = 5_000;
/// How many sessions one offer may list.
pub const MAX_SESSIONS: usize = 100;
/// How many skills one offer teaches or one profile lists.
pub const MAX_SKILLS: usize = 30;
/// Seats of one session.
pub const MAX_SEATS: u32 = 10_000;

#[derive(Debug, Clone, PartialEq)]
pub struct SessionContent {
    pub dates: DateRange,
    /// None for a remote session.
    pub place: Option<InseeCode>,
    pub seats: Option<u32>,
}

/// Dates a session may have, seen from `today`: a year back (so a provider can record a run
/// that just happened) to three years ahead.
pub fn session_horizon(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let back = today
        .checked_sub_days(chrono::Days::new(366))
        .unwrap_or(today);
    let ahead = today
        .checked_add_days(chrono::Days::new(3 * 366))
        .unwrap_or(today);
    (back, ahead)
}

#[derive(Debug, Clone, PartialEq)]
pub struct OfferContent {
    pub title: Title,
    pub summary: Summary,
    pub description: Description,
    pub skills: Vec<(SkillId, SkillLevel)>,
    pub prerequisites: Option<Description>,
    pub modality: Modality,
    /// 1..=MAX_DURATION_HOURS.
    pub duration_hours: u32,
    pub price: Option<Money>,
    pub cpf_eligible: bool,
    pub certification: Option<(CertificationCode, Title)>,
    pub registration_url: Option<WebUrl>,
    pub language: ContentLanguage,
    pub sessions: Vec<SessionContent>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProfileSkillContent {
    pub skill: SkillId,
    pub level: SkillLevel,
    pub years: Option<u8>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProfileContent {
    pub display_name: DisplayName,
    pub headline: Headline,
    pub summary: Option<Description>,
    pub place: Option<InseeCode>,
    pub remote: bool,
    pub available_from: Option<NaiveDate>,
    pub daily_rate: Option<Money>,
    pub skills: Vec<ProfileSkillContent>,
    pub visibility: Visibility,
    pub contact_email: Option<Email>,
}

/// The shortest description a published offer may have: enough for a buyer to judge it.
pub const MIN_PUBLISHED_DESCRIPTION: usize = 80;

/// The parts of an offer that decide whether it can be published.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicationView<'a> {
    pub description: &'a str,
    pub priced: bool,
    pub modality: Modality,
    pub skills_taught: usize,
    /// Each session's start date and whether it has a place.
    pub sessions: Vec<(NaiveDate, bool)>,
}

impl<'a> PublicationView<'a> {
    pub fn of_content(content: &'a OfferContent) -> Self {
        Self {
            description: content.description.as_str(),
            priced: content.price.is_some(),
            modality: content.modality,
            skills_taught: content.skills.len(),
            sessions: content
                .sessions
                .iter()
                .map(|session| (session.dates.start(), session.place.is_some()))
                .collect(),
        }
    }

    pub fn of_offer(
        offer: &'a TrainingOffer,
        taught: &[TaughtSkill],
        sessions: &[TrainingSession],
    ) -> Self {
        Self {
            description: &offer.description,
            priced: offer.price.is_some(),
            modality: offer.modality,
            skills_taught: taught.len(),
            sessions: sessions
                .iter()
                .map(|session| (session.dates.start(), session.place.is_some()))
                .collect(),
        }
    }

    /// What the offer still lacks before it can be published, as (input field, message)
    /// pairs; empty when it is complete. A buyer needs a programme, a price, the skills
    /// taught, and, unless the training is remote, an upcoming session to attend.
    pub fn missing(&self, today: NaiveDate) -> Vec<(&'static str, String)> {
        let mut missing = Vec::new();
        if self.description.chars().count() < MIN_PUBLISHED_DESCRIPTION {
            missing.push((
                "description",
                format!(
                    "a published offer needs a description of at least {MIN_PUBLISHED_DESCRIPTION} characters (programme, objectives)"
                ),
            ));
        }
        if self.skills_taught == 0 {
            missing.push((
                "skills",
                "a published offer teaches at least one skill".to_owned(),
            ));
        }
        if !self.priced {
            missing.push((
                "priceCents",
                "a published offer states its price".to_owned(),
            ));
        }
        let upcoming: Vec<bool> = self
            .sessions
            .iter()
            .filter(|(start, _)| *start >= today)
            .map(|(_, placed)| *placed)
            .collect();
        if self.modality != Modality::Remote && upcoming.is_empty() {
            missing.push((
                "sessions",
                "an in-person or blended offer needs at least one upcoming session".to_owned(),
            ));
        }
        if self.modality == Modality::InPerson && upcoming.iter().any(|placed| !placed) {
            missing.push((
                "sessions",
                "every upcoming session of an in-person offer needs a place".to_owned(),
            ));
        }
        missing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(offset: i64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26)
            .unwrap()
            .checked_add_signed(chrono::TimeDelta::days(offset))
            .unwrap()
    }

    #[test]
    fn an_offer_is_publishable_only_when_complete() {
        let description = "x".repeat(MIN_PUBLISHED_DESCRIPTION);
        let complete = PublicationView {
            description: &description,
            priced: true,
            modality: Modality::InPerson,
            skills_taught: 2,
            sessions: vec![(day(10), true)],
        };
        assert!(complete.missing(day(0)).is_empty());
        let remote = PublicationView {
            modality: Modality::Remote,
            sessions: Vec::new(),
            ..complete.clone()
        };
        assert!(remote.missing(day(0)).is_empty());
        let bare = PublicationView {
            description: "court",
            priced: false,
            modality: Modality::InPerson,
            skills_taught: 0,
            sessions: vec![(day(-5), true), (day(3), false)],
        };
        let fields: Vec<&str> = bare
            .missing(day(0))
            .into_iter()
            .map(|(field, _)| field)
            .collect();
        assert_eq!(fields, ["description", "skills", "priceCents", "sessions"]);
        let past_only = PublicationView {
            sessions: vec![(day(-5), true)],
            ..complete
        };
        assert_eq!(past_only.missing(day(0)).len(), 1);
    }
}
