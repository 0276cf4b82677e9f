//! Access tokens: HS256 JWTs signed with the current key of a key ring.
//!
//! Every token carries `kid`, the identifier of the key that signed it, and the claims `sub`
//! (the user's id), `iat`, `exp`, `iss` and `aud`, all required and checked. Only HS256 is
//! accepted, whatever the header says, so `alg: none` and algorithm swaps fail. Keys rotate by
//! adding a new first key to the ring: it signs new tokens, while the older keys keep verifying
//! the tokens they signed until those expire (15 minutes).

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use passerelle_domain::UserId;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const ISSUER: &str = "passerelle";
pub const AUDIENCE: &str = "passerelle-api";
/// How long an access token is valid.
pub const ACCESS_TOKEN_LIFETIME: Duration = Duration::minutes(15);
/// The shortest key accepted: 256 bits, the size of HS256's output.
pub const MIN_KEY_BYTES: usize = 32;
/// Clock difference tolerated between nodes, in seconds.
const LEEWAY_SECONDS: u64 = 30;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessClaims {
    pub sub: String,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
}

/// Why a token was refused; the message goes to the client (it reveals nothing secret).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the access token has expired: get a new one with refreshToken")]
    Expired,
    #[error("the access token is invalid: {0}")]
    Invalid(String),
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{0}")]
    Setting(String),
    #[error("cannot read or write the key file {path}: {reason}")]
    File { path: PathBuf, reason: String },
}

struct SigningKey {
    kid: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
}

/// The keys tokens are signed and checked with; the first one signs.
pub struct KeyRing {
    keys: Vec<SigningKey>,
    validation: Validation,
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kids: Vec<&str> = self.keys.iter().map(|key| key.kid.as_str()).collect();
        formatter
            .debug_struct("KeyRing")
            .field("kids", &kids)
            .finish()
    }
}

fn key_id(secret: &[u8]) -> String {
    let digest = Sha256::digest(secret);
    digest
        .iter()
        .take(8)
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

impl KeyRing {
    /// A ring from secrets, newest first. Each must be at least 32 bytes.
    pub fn from_secrets(secrets: &[Vec<u8>]) -> Result<Self, KeyError> {
        if secrets.is_empty() {
            return Err(KeyError::Setting("no JWT signing key".to_owned()));
        }
        let mut keys = Vec::new();
        for secret in secrets {
            if secret.len() < MIN_KEY_BYTES {
                return Err(KeyError::Setting(format!(
                    "a JWT signing key must be at least {MIN_KEY_BYTES} bytes, got {}",
                    secret.len()
                )));
            }
            keys.push(SigningKey {
                kid: key_id(secret),
                encoding: EncodingKey::from_secret(secret),
                decoding: DecodingKey::from_secret(secret),
            });
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        Ok(Self { keys, validation })
    }

    /// Reads a key file (one base64url key per line, newest first; `#` starts a comment).
    pub fn from_file(path: &Path) -> Result<Self, KeyError> {
        let text = fs::read_to_string(path).map_err(|error| KeyError::File {
            path: path.to_owned(),
            reason: error.to_string(),
        })?;
        let mut secrets = Vec::new();
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let secret = URL_SAFE_NO_PAD.decode(line).map_err(|error| {
                KeyError::Setting(format!(
                    "{}: a key line is not base64url: {error}",
                    path.display()
                ))
            })?;
            secrets.push(secret);
        }
        Self::from_secrets(&secrets)
    }

    /// The embedded default: the key file in the data directory, created with a random key
    /// (readable by its owner only) at first start.
    pub fn load_or_generate(path: &Path) -> Result<Self, KeyError> {
        if !path.exists() {
            let mut secret = [0u8; 32];
            getrandom::fill(&mut secret).map_err(|error| KeyError::Setting(error.to_string()))?;
            let file_error = |error: std::io::Error| KeyError::File {
                path: path.to_owned(),
                reason: error.to_string(),
            };
            let mut options = fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            match options.open(path) {
                Ok(mut file) => {
                    writeln!(
                        file,
                        "# Passerelle JWT signing keys, newest first (base64url). Keep secret.\n{}",
                        URL_SAFE_NO_PAD.encode(secret)
                    )
                    .map_err(file_error)?;
                    file.sync_all().map_err(file_error)?;
                }
                // Another node sharing the data directory created it first: use theirs.
                Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(error) => return Err(file_error(error)),
            }
        }
        Self::from_file(path)
    }

    /// The identifier of the key that signs new tokens.
    pub fn current_kid(&self) -> &str {
        &self.keys[0].kid
    }

    /// Signs an access token for `user`; returns it and its expiry.
    pub fn issue(
        &self,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<(String, DateTime<Utc>), TokenError> {
        let key = &self.keys[0];
        let expires_at = now + ACCESS_TOKEN_LIFETIME;
        let claims = AccessClaims {
            sub: user.as_uuid().to_string(),
            iat: now.timestamp(),
            exp: expires_at.timestamp(),
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
        };
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(key.kid.clone());
        let token = jsonwebtoken::encode(&header, &claims, &key.encoding)
            .map_err(|error| TokenError::Invalid(error.to_string()))?;
        Ok((token, expires_at))
    }

    /// Checks a bearer token and returns whose it is.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<UserId, TokenError> {
        use jsonwebtoken::errors::ErrorKind;
        if token.len() > 4096 {
            return Err(TokenError::Invalid("it is too long".to_owned()));
        }
        let header = jsonwebtoken::decode_header(token)
            .map_err(|_| TokenError::Invalid("it is not a JWT".to_owned()))?;
        if header.alg != Algorithm::HS256 {
            return Err(TokenError::Invalid(
                "it is not signed with HS256".to_owned(),
            ));
        }
        let kid = header
            .kid
            .ok_or_else(|| TokenError::Invalid("it names no key (kid)".to_owned()))?;
        let key =
            self.keys.iter().find(|key| key.kid == kid).ok_or_else(|| {
                TokenError::Invalid("it was signed with an unknown key".to_owned())
            })?;
        let data = jsonwebtoken::decode::<AccessClaims>(token, &key.decoding, &self.validation)
            .map_err(|error| match error.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                ErrorKind::InvalidIssuer => TokenError::Invalid("wrong issuer".to_owned()),
                ErrorKind::InvalidAudience => TokenError::Invalid("wrong audience".to_owned()),
                ErrorKind::InvalidSignature => TokenError::Invalid("bad signature".to_owned()),
                ErrorKind::MissingRequiredClaim(claim) => {
                    TokenError::Invalid(format!("the {claim} claim is missing"))
                }
                ErrorKind::InvalidAlgorithm => {
                    TokenError::Invalid("it is not signed with HS256".to_owned())
                }
                _ => TokenError::Invalid("it cannot be decoded".to_owned()),
            })?;
        let claims = data.claims;
        let leeway = i64::try_from(LEEWAY_SECONDS).unwrap_or(30);
        if claims.iat > now.timestamp() + leeway {
            return Err(TokenError::Invalid(
                "it was issued in the future".to_owned(),
            ));
        }
        let user = uuid::Uuid::parse_str(&claims.sub)
            .map_err(|_| TokenError::Invalid("its subject is not a user".to_owned()))?;
        Ok(user.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(secret: &str) -> KeyRing {
        KeyRing::from_secrets(&[secret.as_bytes().to_vec()]).unwrap()
    }

    #[test]
    fn a_token_verifies_until_it_expires() {
        let keys = ring("0123456789abcdef0123456789abcdef");
        let user = UserId::generate();
        let now = Utc::now();
        let (token, expires_at) = keys.issue(user, now).unwrap();
        assert_eq!(expires_at - now, ACCESS_TOKEN_LIFETIME);
        assert_eq!(keys.verify(&token, now), Ok(user));
        let (old, _) = keys.issue(user, now - Duration::hours(1)).unwrap();
        assert_eq!(keys.verify(&old, now), Err(TokenError::Expired));
    }

    #[test]
    fn rotated_keys_keep_verifying_and_unknown_ones_do_not() {
        let old = b"old-key-old-key-old-key-old-key-old".to_vec();
        let new = b"new-key-new-key-new-key-new-key-new".to_vec();
        let before = KeyRing::from_secrets(std::slice::from_ref(&old)).unwrap();
        let after = KeyRing::from_secrets(&[new.clone(), old]).unwrap();
        let user = UserId::generate();
        let (token, _) = before.issue(user, Utc::now()).unwrap();
        assert_eq!(after.verify(&token, Utc::now()), Ok(user));
        let only_new = KeyRing::from_secrets(&[new]).unwrap();
        assert!(only_new.verify(&token, Utc::now()).is_err());
    }

    #[test]
    fn short_keys_are_refused() {
        assert!(KeyRing::from_secrets(&[b"short".to_vec()]).is_err());
    }

    #[test]
    fn the_generated_key_file_is_private_and_stable() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("jwt-keys");
        let first = KeyRing::load_or_generate(&path).unwrap();
        let second = KeyRing::load_or_generate(&path).unwrap();
        assert_eq!(first.current_kid(), second.current_kid());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
