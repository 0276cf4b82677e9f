//! Passerelle's domain: the values the marketplace deals in and the rules they obey.
//!
//! Every value here is parsed once, at the edge (GraphQL input, CSV, demo generator), by a
//! constructor that refuses what is invalid; the rest of the code holds the type and never
//! checks again. This crate does no I/O.

mod access;
mod accounts;
pub mod catalogue;
pub mod content;
mod enums;
mod error;
mod identifiers;
mod ids;
pub mod matching;
pub mod places;
mod text;
mod values;

pub use access::Reader;
pub use accounts::{CertificationCode, Password, WebUrl};
pub use enums::{Locale, MemberRole, Modality, OfferStatus, Visibility};
pub use error::ValidationError;
pub use identifiers::{Email, InseeCode, NafCode, Siren, Siret, Slug};
pub use ids::{
    OrganisationId, SkillId, SkillProfileId, TrainingOfferId, TrainingSessionId, UserId,
};
pub use text::{BoundedText, fold_for_search};
pub use values::{DateRange, GeoPoint, Money, SkillLevel};

/// A training offer's title: long enough to say something, short enough for a result list.
pub type Title = BoundedText<3, 160>;
/// One or two sentences shown in lists.
pub type Summary = BoundedText<1, 400>;
/// Long free text: offer programmes, organisation presentations.
pub type Description = BoundedText<1, 20_000>;
/// A person's or an organisation's name as displayed.
pub type DisplayName = BoundedText<1, 120>;
/// A profile's one-line headline.
pub type Headline = BoundedText<1, 200>;
