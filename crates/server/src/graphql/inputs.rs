//! The input types of the mutations, exactly as the contract spells them. The services read
//! them and turn them into validated domain content.

use async_graphql::InputObject;

use super::scalars::Date;
use super::types::{ModalityValue, VisibilityValue};

#[derive(Debug, InputObject)]
pub(crate) struct RegisterInput {
    pub email: String,
    pub password: String,
    pub display_name: String,
}

#[derive(Debug, InputObject)]
pub(crate) struct LoginInput {
    pub email: String,
    pub password: String,
}

#[derive(Debug, InputObject)]
pub(crate) struct OrganisationInput {
    pub name: String,
    /// 14 digits; spaces are ignored.
    pub siret: Option<String>,
    /// The activity code of the INSEE's NAF, such as 62.01Z.
    pub naf_code: Option<String>,
    pub description: Option<String>,
    pub website: Option<String>,
    /// INSEE commune code.
    pub place: Option<String>,
    #[graphql(default_with = "Some(false)")]
    pub is_training_provider: Option<bool>,
    /// Skill slugs.
    pub skills: Option<Vec<String>>,
}

#[derive(Debug, InputObject)]
pub(crate) struct TaughtSkillInput {
    pub skill: String,
    /// The level the training brings learners to, 1 to 5.
    pub level: i32,
}

#[derive(Debug, InputObject)]
pub(crate) struct TrainingSessionInput {
    pub start_date: Date,
    pub end_date: Date,
    /// INSEE commune code; omit for a remote session.
    pub place: Option<String>,
    pub seats: Option<i32>,
}

#[derive(Debug, InputObject)]
pub(crate) struct CertificationInput {
    /// RNCP or RS code, such as RNCP12345 or RS1234.
    pub code: String,
    pub title: String,
}

#[derive(Debug, InputObject)]
pub(crate) struct TrainingOfferInput {
    pub title: String,
    pub summary: String,
    pub description: String,
    pub skills: Vec<TaughtSkillInput>,
    pub prerequisites: Option<String>,
    pub modality: ModalityValue,
    pub duration_hours: i32,
    pub price_cents: Option<i32>,
    #[graphql(default_with = "Some(false)")]
    pub cpf_eligible: Option<bool>,
    pub certification: Option<CertificationInput>,
    pub registration_url: Option<String>,
    /// "fr" or "en".
    #[graphql(default_with = "Some(\"fr\".to_owned())")]
    pub language: Option<String>,
    #[graphql(default_with = "Some(Vec::new())")]
    pub sessions: Option<Vec<TrainingSessionInput>>,
}

#[derive(Debug, InputObject)]
pub(crate) struct ProfileSkillInput {
    pub skill: String,
    pub level: i32,
    pub years: Option<i32>,
}

#[derive(Debug, InputObject)]
pub(crate) struct SkillProfileInput {
    pub display_name: String,
    pub headline: String,
    pub summary: Option<String>,
    /// INSEE commune code.
    pub place: Option<String>,
    #[graphql(default_with = "Some(false)")]
    pub remote: Option<bool>,
    pub available_from: Option<Date>,
    pub daily_rate_cents: Option<i32>,
    pub skills: Vec<ProfileSkillInput>,
    #[graphql(default_with = "Some(VisibilityValue::Public)")]
    pub visibility: Option<VisibilityValue>,
    pub contact_email: Option<String>,
}
