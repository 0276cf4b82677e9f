//! Identifiers with a syntax of their own: e-mail addresses, slugs, French company numbers,
//! activity codes and commune codes.

use std::fmt;

use crate::{ValidationError, fold_for_search};

macro_rules! string_value {
    ($name:ident) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

/// An e-mail address, trimmed and lower-cased so that one mailbox has one spelling.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);
string_value!(Email);

impl Email {
    pub const MAX_LENGTH: usize = 254;

    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let normalised = raw.trim().to_lowercase();
        if normalised.is_empty() {
            return Err(ValidationError::Required);
        }
        if normalised.chars().count() > Self::MAX_LENGTH {
            return Err(ValidationError::TooLong {
                max: Self::MAX_LENGTH,
            });
        }
        let Some((local, domain)) = normalised.split_once('@') else {
            return Err(ValidationError::invalid(
                "must be an e-mail address such as name@example.fr",
            ));
        };
        let local_is_valid = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
        let domain_is_valid = domain.contains('.')
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        if !local_is_valid || !domain_is_valid {
            return Err(ValidationError::invalid(
                "must be an e-mail address such as name@example.fr",
            ));
        }
        Ok(Self(normalised))
    }
}

/// A URL-safe name: lowercase ASCII letters and digits separated by single hyphens.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slug(String);
string_value!(Slug);

impl Slug {
    pub const MAX_LENGTH: usize = 80;

    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        if raw.is_empty() {
            return Err(ValidationError::Required);
        }
        if raw.len() > Self::MAX_LENGTH {
            return Err(ValidationError::TooLong {
                max: Self::MAX_LENGTH,
            });
        }
        let well_formed = raw.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
        if !well_formed {
            return Err(ValidationError::invalid(
                "must be lowercase letters and digits separated by single hyphens, such as rust-avance",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// Derives a slug from a human title: accents folded, anything else than letters and digits
    /// turned into hyphens, cut at a word boundary to fit. A title with no letter or digit gives
    /// `fallback`.
    pub fn from_title(title: &str, fallback: &str) -> Self {
        let folded = fold_for_search(title);
        let mut slug = String::with_capacity(folded.len());
        for word in folded
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            let extra = if slug.is_empty() {
                word.len()
            } else {
                word.len() + 1
            };
            if slug.len() + extra > Self::MAX_LENGTH - 10 {
                break;
            }
            if !slug.is_empty() {
                slug.push('-');
            }
            slug.push_str(word);
        }
        if slug.is_empty() {
            return Self::parse(fallback).unwrap_or_else(|_| Self("item".to_owned()));
        }
        Self(slug)
    }

    /// This slug with a numeric suffix, used to make a derived slug unique.
    pub fn with_suffix(&self, suffix: u32) -> Self {
        Self(format!("{}-{suffix}", self.0))
    }
}

/// Whether the digits pass the Luhn checksum (every second digit from the right doubled).
fn luhn_is_valid(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(position, &digit)| {
            let digit = u32::from(digit);
            if position % 2 == 1 {
                let doubled = digit * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                digit
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

fn digits_of(raw: &str, expected: usize, what: &str) -> Result<Vec<u8>, ValidationError> {
    let compact: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.is_empty() {
        return Err(ValidationError::Required);
    }
    if compact.len() != expected || !compact.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ValidationError::invalid(format!(
            "a {what} has exactly {expected} digits"
        )));
    }
    Ok(compact.bytes().map(|b| b - b'0').collect())
}

/// The SIREN, the 9-digit number of a French legal unit (checked with Luhn).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Siren(String);
string_value!(Siren);

impl Siren {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let digits = digits_of(raw, 9, "SIREN")?;
        if !luhn_is_valid(&digits) {
            return Err(ValidationError::invalid(
                "this SIREN fails its check digit: look for a typo",
            ));
        }
        Ok(Self(digits.iter().map(|d| char::from(b'0' + d)).collect()))
    }
}

/// The SIRET, the 14-digit number of one establishment: its SIREN and a 5-digit rank.
///
/// Checked with Luhn over all 14 digits, except La Poste's establishments (SIREN 356000000),
/// too many to fit the scheme, whose digit sum must be a multiple of 5 instead.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Siret(String);
string_value!(Siret);

impl Siret {
    const LA_POSTE_SIREN: &'static str = "356000000";

    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let digits = digits_of(raw, 14, "SIRET")?;
        let text: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
        let valid = if text.starts_with(Self::LA_POSTE_SIREN) {
            digits
                .iter()
                .map(|&d| u32::from(d))
                .sum::<u32>()
                .is_multiple_of(5)
        } else {
            luhn_is_valid(&digits)
        };
        if !valid {
            return Err(ValidationError::invalid(
                "this SIRET fails its check digit: look for a typo",
            ));
        }
        Ok(Self(text))
    }

    /// Completes 13 digits with the Luhn check digit; used to make demo organisations.
    pub fn with_check_digit(first_thirteen: &str) -> Result<Self, ValidationError> {
        let digits = digits_of(first_thirteen, 13, "SIRET prefix")?;
        let check = (0..10u8)
            .find(|candidate| {
                let mut all = digits.clone();
                all.push(*candidate);
                luhn_is_valid(&all)
            })
            .unwrap_or(0);
        Self::parse(&format!("{first_thirteen}{check}"))
    }

    pub fn siren(&self) -> &str {
        &self.0[..9]
    }
}

/// A NAF rev. 2 activity code, such as 62.01Z; "6201Z" and "62.01z" are accepted and
/// normalised.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NafCode(String);
string_value!(NafCode);

impl NafCode {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let compact: String = raw
            .trim()
            .chars()
            .filter(|c| *c != '.')
            .collect::<String>()
            .to_uppercase();
        if compact.is_empty() {
            return Err(ValidationError::Required);
        }
        let bytes = compact.as_bytes();
        let well_formed = bytes.len() == 5
            && bytes[..4].iter().all(u8::is_ascii_digit)
            && bytes[4].is_ascii_uppercase();
        if !well_formed {
            return Err(ValidationError::invalid("a NAF code has the form 62.01Z"));
        }
        Ok(Self(format!("{}.{}", &compact[..2], &compact[2..])))
    }
}

/// The INSEE code of a French commune ("code officiel géographique"): five characters, the
/// department first (2A and 2B for Corsica), such as 34172 for Montpellier.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InseeCode(String);
string_value!(InseeCode);

impl InseeCode {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let code = raw.trim().to_uppercase();
        if code.is_empty() {
            return Err(ValidationError::Required);
        }
        let bytes = code.as_bytes();
        let department_ok = bytes.len() == 5
            && (bytes[..2].iter().all(u8::is_ascii_digit)
                || &code[..2] == "2A"
                || &code[..2] == "2B");
        if !department_ok || !bytes[2..].iter().all(u8::is_ascii_digit) {
            return Err(ValidationError::invalid(
                "an INSEE commune code has five characters, such as 34172",
            ));
        }
        Ok(Self(code))
    }

    /// The department code of this commune: 2 characters, or 3 for overseas departments (97x).
    pub fn department_code(&self) -> &str {
        if self.0.starts_with("97") {
            &self.0[..3]
        } else {
            &self.0[..2]
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn known_sirets_are_accepted_and_typos_refused() {
        // INSEE's own SIRET, and a La Poste establishment whose digit sum is a multiple of 5.
        assert!(Siret::parse("130 025 265 00013").is_ok());
        assert!(Siret::parse("35600000000047").is_ok());
        assert!(Siret::parse("35600000000048").is_err());
        assert!(Siret::parse("13002526500014").is_err());
        assert_eq!(
            Siret::parse("1300252650001").unwrap_err(),
            ValidationError::invalid("a SIRET has exactly 14 digits")
        );
        assert_eq!(Siret::parse(" "), Err(ValidationError::Required));
        assert_eq!(Siret::parse("13002526500013").unwrap().siren(), "130025265");
    }

    #[test]
    fn sirens_are_checked() {
        assert!(Siren::parse("130025265").is_ok());
        assert!(Siren::parse("130025266").is_err());
        assert!(Siren::parse("13002526").is_err());
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Marie.Dupont@Example.FR ").unwrap().as_str(),
            "marie.dupont@example.fr"
        );
        for bad in [
            "marie",
            "marie@",
            "@example.fr",
            "marie@example",
            "ma rie@example.fr",
            "a..b@example.fr",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn naf_codes_are_normalised() {
        assert_eq!(NafCode::parse("6201z").unwrap().as_str(), "62.01Z");
        assert_eq!(NafCode::parse("85.59A").unwrap().as_str(), "85.59A");
        assert!(NafCode::parse("62.01").is_err());
        assert!(NafCode::parse("A2.01Z").is_err());
    }

    #[test]
    fn insee_codes_know_their_department() {
        assert_eq!(InseeCode::parse("34172").unwrap().department_code(), "34");
        assert_eq!(InseeCode::parse("2a004").unwrap().department_code(), "2A");
        assert_eq!(InseeCode::parse("97411").unwrap().department_code(), "974");
        assert!(InseeCode::parse("3417").is_err());
        assert!(InseeCode::parse("2C004").is_err());
    }

    #[test]
    fn slugs_come_from_titles() {
        assert_eq!(
            Slug::from_title("Rust pour développeurs : l'essentiel !", "offre").as_str(),
            "rust-pour-developpeurs-l-essentiel"
        );
        assert_eq!(Slug::from_title("???", "offre").as_str(), "offre");
        assert!(Slug::parse("Rust").is_err());
        assert!(Slug::parse("rust--avance").is_err());
        assert!(Slug::parse("-rust").is_err());
    }

    fn with_luhn_digit(prefix: &[u8]) -> Vec<u8> {
        (0..10u8)
            .map(|candidate| {
                let mut all = prefix.to_vec();
                all.push(candidate);
                all
            })
            .find(|all| luhn_is_valid(all))
            .expect("one of ten digits completes a Luhn number")
    }

    fn as_text(digits: &[u8]) -> String {
        digits.iter().map(|d| char::from(b'0' + d)).collect()
    }

    proptest! {
        #[test]
        fn a_completed_siret_parses(prefix in proptest::collection::vec(0u8..10, 13)) {
            prop_assume!(!as_text(&prefix).starts_with("356000000"));
            let digits = with_luhn_digit(&prefix);
            prop_assert!(Siret::parse(&as_text(&digits)).is_ok());
            prop_assert!(Siret::with_check_digit(&as_text(&prefix)).is_ok());
        }

        #[test]
        fn changing_one_digit_of_a_siret_is_detected(
            prefix in proptest::collection::vec(0u8..10, 13),
            position in 0usize..14,
            delta in 1u8..10,
        ) {
            prop_assume!(!as_text(&prefix).starts_with("356000000"));
            let mut digits = with_luhn_digit(&prefix);
            digits[position] = (digits[position] + delta) % 10;
            prop_assume!(!as_text(&digits).starts_with("356000000"));
            prop_assert!(Siret::parse(&as_text(&digits)).is_err());
        }

        #[test]
        fn email_normalisation_is_stable(local in "[a-zA-Z0-9._%+-]{1,20}", domain in "[a-zA-Z0-9]{1,10}\\.[a-z]{2,4}") {
            if let Ok(email) = Email::parse(&format!("{local}@{domain}")) {
                prop_assert_eq!(Email::parse(email.as_str()), Ok(email.clone()));
                prop_assert_eq!(email.as_str(), email.as_str().to_lowercase());
            }
        }

        #[test]
        fn a_slug_from_any_title_is_a_valid_slug(title in "\\PC{0,200}") {
            let slug = Slug::from_title(&title, "offre");
            prop_assert_eq!(Slug::parse(slug.as_str()), Ok(slug.clone()));
        }

        #[test]
        fn naf_codes_parse_their_own_output(digits in "[0-9]{4}", letter in "[A-Z]") {
            let naf = NafCode::parse(&format!("{digits}{letter}")).unwrap();
            prop_assert_eq!(NafCode::parse(naf.as_str()), Ok(naf.clone()));
        }
    }
}
