use crate::ValidationError;

/// Declares a closed set of values with the stable code under which each is stored and
/// exchanged (the same spelling as the GraphQL enum value).
macro_rules! coded_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code of this value, as stored in the database.
            pub const fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }

            pub fn parse(code: &str) -> Result<Self, ValidationError> {
                match code {
                    $($code => Ok($name::$variant),)+
                    other => Err(ValidationError::invalid(format!(
                        "unknown {} {other:?}, expected one of {}",
                        stringify!($name),
                        [$($code),+].join(", ")
                    ))),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str(self.code())
            }
        }
    };
}

coded_enum!(
    /// How a training is delivered.
    Modality { InPerson => "IN_PERSON", Remote => "REMOTE", Blended => "BLENDED" }
);
coded_enum!(
    /// Where a training offer is in its life: only PUBLISHED offers are listed and searched;
    /// ARCHIVED ones stay readable so that links keep working.
    OfferStatus { Draft => "DRAFT", Published => "PUBLISHED", Archived => "ARCHIVED" }
);
coded_enum!(
    /// Who may read a skill profile: everyone, signed-in users, or its owner only.
    Visibility { Public => "PUBLIC", Members => "MEMBERS", Private => "PRIVATE" }
);
coded_enum!(
    /// A member's rights in an organisation.
    MemberRole { Owner => "OWNER", Editor => "EDITOR" }
);
coded_enum!(
    /// The language of human text.
    Locale { Fr => "FR", En => "EN" }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_parses_back_to_its_value() {
        for modality in Modality::ALL {
            assert_eq!(Modality::parse(modality.code()), Ok(*modality));
        }
        for status in OfferStatus::ALL {
            assert_eq!(OfferStatus::parse(status.code()), Ok(*status));
        }
        for visibility in Visibility::ALL {
            assert_eq!(Visibility::parse(visibility.code()), Ok(*visibility));
        }
    }

    #[test]
    fn an_unknown_code_names_the_accepted_ones() {
        let error = Modality::parse("ONLINE").unwrap_err().to_string();
        assert!(error.contains("IN_PERSON, REMOTE, BLENDED"), "{error}");
    }
}
