//! Conversions from rows to domain records. A row that breaks a domain rule is reported as
//! corrupt rather than passed on.

use passerelle_domain::catalogue::{
    Certification, Membership, Organisation, Place, ProfileSkill, Skill, SkillProfile, TaughtSkill,
    TrainingOffer, TrainingSession, User,
};
use passerelle_domain::{
    DateRange, Email, InseeCode, MemberRole, Modality, Money, NafCode, OfferStatus, Siret,
    SkillLevel, Slug, Visibility,
};

use crate::StoreError;
use crate::entities::{
    commune, membership, organisation, profile_skill, skill, skill_profile, taught_skill,
    training_offer, training_session, user,
};

fn parsed<T, E: std::fmt::Display>(
    table: &str,
    column: &str,
    result: Result<T, E>,
) -> Result<T, StoreError> {
    result.map_err(|error| StoreError::corrupt(table, column, error))
}

fn optional<T, E: std::fmt::Display>(
    table: &str,
    column: &str,
    value: Option<&str>,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Result<Option<T>, StoreError> {
    value
        .map(|raw| parsed(table, column, parse(raw)))
        .transpose()
}

fn money(table: &str, column: &str, cents: Option<i64>) -> Result<Option<Money>, StoreError> {
    cents
        .map(|cents| parsed(table, column, Money::from_cents(cents)))
        .transpose()
}

fn level(table: &str, raw: i16) -> Result<SkillLevel, StoreError> {
    parsed(table, "level", SkillLevel::new(i64::from(raw)))
}

fn labels(table: &str, column: &str, raw: &str) -> Result<Vec<String>, StoreError> {
    parsed(table, column, serde_json::from_str(raw))
}

pub(crate) fn place(row: commune::Model) -> Result<Place, StoreError> {
    Ok(Place {
        insee_code: parsed("communes", "insee_code", InseeCode::parse(&row.insee_code))?,
        name: row.name,
        postcodes: row
            .postcodes
            .split_whitespace()
            .map(str::to_owned)
            .collect(),
        department_code: row.department_code,
        department_name: row.department_name,
        region_name: row.region_name,
        latitude: row.latitude,
        longitude: row.longitude,
    })
}

pub(crate) fn skill(row: skill::Model) -> Result<Skill, StoreError> {
    Ok(Skill {
        id: row.id.into(),
        slug: parsed("skills", "slug", Slug::parse(&row.slug))?,
        alt_labels_fr: labels("skills", "alt_labels_fr", &row.alt_labels_fr)?,
        alt_labels_en: labels("skills", "alt_labels_en", &row.alt_labels_en)?,
        label_fr: row.label_fr,
        label_en: row.label_en,
        description_fr: row.description_fr,
        description_en: row.description_en,
        esco_uri: row.esco_uri,
        broader_id: row.broader_id.map(Into::into),
    })
}

pub(crate) fn organisation(row: organisation::Model) -> Result<Organisation, StoreError> {
    const TABLE: &str = "organisations";
    Ok(Organisation {
        id: row.id.into(),
        slug: parsed(TABLE, "slug", Slug::parse(&row.slug))?,
        siret: optional(TABLE, "siret", row.siret.as_deref(), Siret::parse)?,
        naf_code: optional(TABLE, "naf_code", row.naf_code.as_deref(), NafCode::parse)?,
        place: optional(
            TABLE,
            "insee_code",
            row.insee_code.as_deref(),
            InseeCode::parse,
        )?,
        name: row.name,
        description: row.description,
        website: row.website,
        is_training_provider: row.is_training_provider,
        qualiopi_certified: row.qualiopi_certified,
        created_at: row.created_at,
    })
}

pub(crate) fn training_offer(row: training_offer::Model) -> Result<TrainingOffer, StoreError> {
    const TABLE: &str = "training_offers";
    let certification = match (row.certification_code, row.certification_title) {
        (Some(code), Some(title)) => Some(Certification { code, title }),
        _ => None,
    };
    Ok(TrainingOffer {
        id: row.id.into(),
        slug: parsed(TABLE, "slug", Slug::parse(&row.slug))?,
        provider_id: row.provider_id.into(),
        modality: parsed(TABLE, "modality", Modality::parse(&row.modality))?,
        status: parsed(TABLE, "status", OfferStatus::parse(&row.status))?,
        duration_hours: parsed(TABLE, "duration_hours", u32::try_from(row.duration_hours))?,
        price: money(TABLE, "price_cents", row.price_cents)?,
        version: parsed(TABLE, "version", u32::try_from(row.version))?,
        title: row.title,
        summary: row.summary,
        description: row.description,
        prerequisites: row.prerequisites,
        registration_url: row.registration_url,
        cpf_eligible: row.cpf_eligible,
        certification,
        language: row.language,
        published_at: row.published_at,
        updated_at: row.updated_at,
    })
}

pub(crate) fn taught_skill(row: taught_skill::Model) -> Result<TaughtSkill, StoreError> {
    Ok(TaughtSkill {
        offer_id: row.offer_id.into(),
        skill_id: row.skill_id.into(),
        level: level("taught_skills", row.level)?,
    })
}

pub(crate) fn training_session(
    row: training_session::Model,
) -> Result<TrainingSession, StoreError> {
    const TABLE: &str = "training_sessions";
    Ok(TrainingSession {
        id: row.id.into(),
        offer_id: row.offer_id.into(),
        dates: parsed(
            TABLE,
            "end_date",
            DateRange::new(row.start_date, row.end_date),
        )?,
        place: optional(
            TABLE,
            "insee_code",
            row.insee_code.as_deref(),
            InseeCode::parse,
        )?,
        seats: row
            .seats
            .map(|seats| parsed(TABLE, "seats", u32::try_from(seats)))
            .transpose()?,
        seats_taken: parsed(TABLE, "seats_taken", u32::try_from(row.seats_taken))?,
    })
}

pub(crate) fn skill_profile(row: skill_profile::Model) -> Result<SkillProfile, StoreError> {
    const TABLE: &str = "skill_profiles";
    Ok(SkillProfile {
        id: row.id.into(),
        user_id: row.user_id.into(),
        place: optional(
            TABLE,
            "insee_code",
            row.insee_code.as_deref(),
            InseeCode::parse,
        )?,
        daily_rate: money(TABLE, "daily_rate_cents", row.daily_rate_cents)?,
        visibility: parsed(TABLE, "visibility", Visibility::parse(&row.visibility))?,
        contact_email: optional(
            TABLE,
            "contact_email",
            row.contact_email.as_deref(),
            Email::parse,
        )?,
        display_name: row.display_name,
        headline: row.headline,
        summary: row.summary,
        remote: row.remote,
        available_from: row.available_from,
        language: row.language,
        updated_at: row.updated_at,
    })
}

pub(crate) fn profile_skill(row: profile_skill::Model) -> Result<ProfileSkill, StoreError> {
    Ok(ProfileSkill {
        profile_id: row.profile_id.into(),
        skill_id: row.skill_id.into(),
        level: level("profile_skills", row.level)?,
        years: row
            .years
            .map(|years| parsed("profile_skills", "years", u8::try_from(years)))
            .transpose()?,
    })
}

pub(crate) fn user(row: user::Model) -> Result<User, StoreError> {
    Ok(User {
        id: row.id.into(),
        email: parsed("users", "email", Email::parse(&row.email))?,
        display_name: row.display_name,
    })
}

pub(crate) fn membership(row: membership::Model) -> Result<Membership, StoreError> {
    Ok(Membership {
        user_id: row.user_id.into(),
        organisation_id: row.organisation_id.into(),
        role: parsed("memberships", "role", MemberRole::parse(&row.role))?,
    })
}
