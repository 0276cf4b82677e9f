use std::fmt;

use uuid::Uuid;

macro_rules! entity_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Uuid);

        impl $name {
            /// A new identifier: a UUIDv7, so identifiers sort by creation time.
            pub fn generate() -> Self {
                Self(Uuid::now_v7())
            }

            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(formatter)
            }
        }

        impl From<Uuid> for $name {
            fn from(uuid: Uuid) -> Self {
                Self(uuid)
            }
        }
    };
}

entity_id!(
    /// Identifies a user account.
    UserId
);
entity_id!(
    /// Identifies an organisation (company and/or training provider).
    OrganisationId
);
entity_id!(
    /// Identifies a skill of the taxonomy.
    SkillId
);
entity_id!(
    /// Identifies a skill profile.
    SkillProfileId
);
entity_id!(
    /// Identifies a training offer.
    TrainingOfferId
);
entity_id!(
    /// Identifies one session (dates and place) of a training offer.
    TrainingSessionId
);
