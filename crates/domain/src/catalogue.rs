//! The marketplace's records as the rest of the code sees them, built only from valid values.

use chrono::{DateTime, NaiveDate, Utc};

use crate::{
    DateRange, Email, InseeCode, MemberRole, Modality, Money, NafCode, OfferStatus, OrganisationId,
    Siret, SkillId, SkillLevel, SkillProfileId, Slug, TrainingOfferId, TrainingSessionId, UserId,
    Visibility,
};

/// A French commune, the unit of place of the marketplace.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub insee_code: InseeCode,
    pub name: String,
    pub postcodes: Vec<String>,
    pub department_code: String,
    pub department_name: String,
    pub region_name: String,
    pub latitude: f64,
    pub longitude: f64,
}

/// A skill of the taxonomy, labelled in French and English.
#[derive(Debug, Clone, PartialEq)]
pub struct Skill {
    pub id: SkillId,
    pub slug: Slug,
    pub label_fr: String,
    pub label_en: String,
    pub alt_labels_fr: Vec<String>,
    pub alt_labels_en: Vec<String>,
    pub description_fr: Option<String>,
    pub description_en: Option<String>,
    pub esco_uri: Option<String>,
    pub broader_id: Option<SkillId>,
}

/// A company, a training provider, or both.
#[derive(Debug, Clone, PartialEq)]
pub struct Organisation {
    pub id: OrganisationId,
    pub slug: Slug,
    pub name: String,
    pub siret: Option<Siret>,
    pub naf_code: Option<NafCode>,
    pub description: Option<String>,
    pub website: Option<String>,
    pub place: Option<InseeCode>,
    pub is_training_provider: bool,
    pub qualiopi_certified: bool,
    pub created_at: DateTime<Utc>,
}

/// An RNCP or RS certification a training leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certification {
    pub code: String,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TrainingOffer {
    pub id: TrainingOfferId,
    pub slug: Slug,
    pub provider_id: OrganisationId,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub prerequisites: Option<String>,
    pub modality: Modality,
    pub duration_hours: u32,
    pub price: Option<Money>,
    pub registration_url: Option<String>,
    pub cpf_eligible: bool,
    pub certification: Option<Certification>,
    pub language: String,
    pub status: OfferStatus,
    pub version: u32,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// A skill a training offer teaches, up to a target level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaughtSkill {
    pub offer_id: TrainingOfferId,
    pub skill_id: SkillId,
    pub level: SkillLevel,
}

/// One run of a training offer: its dates, place and seats.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingSession {
    pub id: TrainingSessionId,
    pub offer_id: TrainingOfferId,
    pub dates: DateRange,
    pub place: Option<InseeCode>,
    pub seats: Option<u32>,
    pub seats_taken: u32,
}

impl TrainingSession {
    /// Seats still free, when the session has a capacity.
    pub fn seats_left(&self) -> Option<u32> {
        self.seats
            .map(|seats| seats.saturating_sub(self.seats_taken))
    }

    /// Whether the session has not started yet on `today`.
    pub fn is_upcoming(&self, today: NaiveDate) -> bool {
        self.dates.start() >= today
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SkillProfile {
    pub id: SkillProfileId,
    pub user_id: UserId,
    pub display_name: String,
    pub headline: String,
    pub summary: Option<String>,
    pub place: Option<InseeCode>,
    pub remote: bool,
    pub available_from: Option<NaiveDate>,
    pub daily_rate: Option<Money>,
    pub visibility: Visibility,
    pub contact_email: Option<Email>,
    /// The language its text is written in (`fr` or `en`).
    pub language: String,
    pub updated_at: DateTime<Utc>,
}

/// A skill a profile holds, at a level, for some years.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProfileSkill {
    pub profile_id: SkillProfileId,
    pub skill_id: SkillId,
    pub level: SkillLevel,
    pub years: Option<u8>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub display_name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Membership {
    pub user_id: UserId,
    pub organisation_id: OrganisationId,
    pub role: MemberRole,
}
