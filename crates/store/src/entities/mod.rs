//! sea-orm entities, one per table; private to the store, which hands out domain records.

pub mod change_log;
pub mod commune;
pub mod login_failure;
pub mod membership;
pub mod organisation;
pub mod organisation_skill;
pub mod profile_skill;
pub mod refresh_token;
pub mod skill;
pub mod skill_profile;
pub mod taught_skill;
pub mod training_offer;
pub mod training_session;
pub mod user;
