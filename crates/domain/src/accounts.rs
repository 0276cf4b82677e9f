//! Account values: passwords and the codes of certifications and web addresses people type.

use std::fmt;

use crate::ValidationError;

/// A password as typed at registration or sign-in. Its length is checked in characters
/// before any hashing, so an oversized one costs nothing; `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub const MIN_LENGTH: usize = 10;
    pub const MAX_LENGTH: usize = 128;

    /// A new password: 10 to 128 characters.
    pub fn new(raw: &str) -> Result<Self, ValidationError> {
        let length = raw.chars().count();
        if raw.is_empty() {
            return Err(ValidationError::Required);
        }
        if length > Self::MAX_LENGTH {
            return Err(ValidationError::TooLong {
                max: Self::MAX_LENGTH,
            });
        }
        if length < Self::MIN_LENGTH {
            return Err(ValidationError::TooShort {
                min: Self::MIN_LENGTH,
            });
        }
        Ok(Self(raw.to_owned()))
    }

    /// A password offered at sign-in: only the upper bound applies (a short one simply
    /// fails to match), so old accounts keep working if the minimum ever rises.
    pub fn offered(raw: &str) -> Result<Self, ValidationError> {
        if raw.chars().count() > Self::MAX_LENGTH {
            return Err(ValidationError::TooLong {
                max: Self::MAX_LENGTH,
            });
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("Password(***)")
    }
}

/// The code of a certification in France's national registers: RNCP (professional
/// certifications, e.g. RNCP12345) or RS (specific register, e.g. RS1234).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CertificationCode(String);

impl CertificationCode {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let code = raw.trim().to_uppercase().replace(' ', "");
        if code.is_empty() {
            return Err(ValidationError::Required);
        }
        let digits = code
            .strip_prefix("RNCP")
            .or_else(|| code.strip_prefix("RS"))
            .ok_or_else(|| {
                ValidationError::invalid("must be an RNCP or RS code such as RNCP12345 or RS1234")
            })?;
        if !(3..=6).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ValidationError::invalid(
                "must be RNCP or RS followed by 3 to 6 digits, such as RNCP12345 or RS1234",
            ));
        }
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An absolute http(s) address with a host, such as a website or a registration page.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WebUrl(String);

impl WebUrl {
    pub const MAX_LENGTH: usize = 500;

    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let url = raw.trim();
        if url.is_empty() {
            return Err(ValidationError::Required);
        }
        if url.chars().count() > Self::MAX_LENGTH {
            return Err(ValidationError::TooLong {
                max: Self::MAX_LENGTH,
            });
        }
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
            .ok_or_else(|| {
                ValidationError::invalid(
                    "must start with https:// or http://, such as https://example.fr",
                )
            })?;
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host = host.rsplit_once('@').map_or(host, |(_, host)| host);
        let host_name = host.split(':').next().unwrap_or_default();
        let valid_host = host_name.contains('.')
            && !host_name.starts_with('.')
            && !host_name.ends_with('.')
            && host_name
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
        if !valid_host || url.chars().any(char::is_whitespace) {
            return Err(ValidationError::invalid(
                "must be a web address with a host name, such as https://example.fr/page",
            ));
        }
        Ok(Self(url.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_ten_to_one_hundred_twenty_eight_characters() {
        assert_eq!(
            Password::new("short"),
            Err(ValidationError::TooShort { min: 10 })
        );
        assert!(Password::new("dix signes").is_ok());
        assert!(Password::new(&"é".repeat(128)).is_ok());
        assert_eq!(
            Password::new(&"a".repeat(129)),
            Err(ValidationError::TooLong { max: 128 })
        );
        assert!(Password::offered("short").is_ok());
        assert!(Password::offered(&"a".repeat(10_000)).is_err());
        assert_eq!(
            format!("{:?}", Password::new("secret secret").unwrap()),
            "Password(***)"
        );
    }

    #[test]
    fn certification_codes_follow_the_national_registers() {
        assert_eq!(
            CertificationCode::parse(" rncp 12345").unwrap().as_str(),
            "RNCP12345"
        );
        assert_eq!(
            CertificationCode::parse("RS1234").unwrap().as_str(),
            "RS1234"
        );
        for bad in ["", "RNCP", "RNCP12", "RS12a4", "ISO9001", "RNCP1234567"] {
            assert!(
                CertificationCode::parse(bad).is_err(),
                "{bad:?} was accepted"
            );
        }
    }

    #[test]
    fn web_addresses_need_a_scheme_and_a_host() {
        assert!(WebUrl::parse("https://www.example.fr/formations?id=3").is_ok());
        assert!(WebUrl::parse("http://localhost.test:8080").is_ok());
        for bad in [
            "example.fr",
            "ftp://example.fr",
            "https://",
            "https://exa mple.fr",
            "javascript:alert(1)",
            "https://nohost",
        ] {
            assert!(WebUrl::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
