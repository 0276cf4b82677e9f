//! Registration, sign-in, token refresh and sign-out, and erasing an account.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use passerelle_domain::catalogue::User;
use passerelle_domain::{DisplayName, Email, MemberRole, Password, Reader, SkillProfileId};
use passerelle_store::{NewRefreshToken, RefreshOutcome, WriteError};
use sha2::{Digest, Sha256};

use super::{Checks, ServiceError, ServiceResult, Services, UserErrorCode, signed_in};
use crate::graphql::inputs::{LoginInput, RegisterInput};

/// How long a refresh token (one sign-in on one device) lasts without being used.
pub const REFRESH_TOKEN_LIFETIME: Duration = Duration::days(30);
/// Failed sign-ins on one email allowed before each further attempt has to wait.
const FREE_FAILURES: u32 = 5;
/// The longest wait imposed between attempts.
const MAX_LOCKOUT_SECONDS: i64 = 15 * 60;

/// What a successful sign-in, registration or refresh hands the client.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub user: User,
    pub access_token: String,
    pub refresh_token: String,
    pub expires_at: DateTime<Utc>,
}

/// A demo account, printed at start so a newcomer can sign in.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub role: &'static str,
    pub email: String,
    pub password: String,
    pub organisation: String,
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The throttling key of an email: its digest, so the table keeps no address.
fn email_key(email: &str) -> String {
    sha256_hex(&format!("login:{}", email.trim().to_lowercase()))
}

/// How long the next attempt must wait after `failures` failures: nothing for the first few,
/// then doubling from one second up to a quarter of an hour.
fn lockout(failures: u32) -> Duration {
    if failures < FREE_FAILURES {
        return Duration::zero();
    }
    let exponent = (failures - FREE_FAILURES).min(20);
    Duration::seconds((1i64 << exponent).min(MAX_LOCKOUT_SECONDS))
}

fn new_refresh_token(now: DateTime<Utc>) -> ServiceResult<(String, NewRefreshToken)> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|error| ServiceError::Internal(error.to_string()))?;
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let stored = NewRefreshToken {
        token_hash: sha256_hex(&token),
        issued_at: now,
        expires_at: now + REFRESH_TOKEN_LIFETIME,
    };
    Ok((token, stored))
}

fn invalid_credentials() -> ServiceError {
    ServiceError::user(
        &["input"],
        UserErrorCode::InvalidCredentials,
        "wrong email or password",
    )
}

impl Services {
    async fn sign_in(&self, user: User) -> ServiceResult<SignedIn> {
        let now = Utc::now();
        let (refresh_token, stored) = new_refresh_token(now)?;
        self.store.start_refresh_family(user.id, &stored).await?;
        let (access_token, expires_at) = self
            .keys
            .issue(user.id, now)
            .map_err(|error| ServiceError::Internal(error.to_string()))?;
        Ok(SignedIn {
            user,
            access_token,
            refresh_token,
            expires_at,
        })
    }

    pub(crate) async fn register(&self, input: &RegisterInput) -> ServiceResult<SignedIn> {
        let mut checks = Checks::default();
        let email = checks.field(&["input", "email"], Email::parse(&input.email));
        let password = checks.field(&["input", "password"], Password::new(&input.password));
        let name = checks.field(
            &["input", "displayName"],
            DisplayName::parse(&input.display_name),
        );
        checks.finish()?;
        let (Some(email), Some(password), Some(name)) = (email, password, name) else {
            return Err(ServiceError::Internal("checked values missing".to_owned()));
        };
        let hash = self
            .hasher
            .hash(password)
            .await
            .map_err(|error| ServiceError::Internal(error.to_string()))?;
        let user = match self.store.create_user(&email, name.as_str(), &hash).await {
            Ok(user) => user,
            Err(WriteError::Taken(_)) => {
                return Err(ServiceError::user(
                    &["input", "email"],
                    UserErrorCode::Taken,
                    "an account already uses this email: sign in instead",
                ));
            }
            Err(error) => return Err(error.into()),
        };
        self.sign_in(user).await
    }

    pub(crate) async fn login(&self, input: &LoginInput) -> ServiceResult<SignedIn> {
        let mut checks = Checks::default();
        let password = checks.field(&["input", "password"], Password::offered(&input.password));
        checks.finish()?;
        let Some(password) = password else {
            return Err(invalid_credentials());
        };
        let key = email_key(&input.email);
        let now = Utc::now();
        if let Some(failures) = self.store.login_failures(&key).await? {
            let wait = failures.last_failure_at + lockout(failures.failures) - now;
            if wait > Duration::zero() {
                return Err(ServiceError::user(
                    &["input"],
                    UserErrorCode::InvalidCredentials,
                    format!(
                        "too many failed sign-ins for this email: try again in {} seconds",
                        wait.num_seconds().max(1)
                    ),
                ));
            }
        }
        let account = match Email::parse(&input.email) {
            Ok(email) => self.store.credentials(&email).await?,
            Err(_) => None,
        };
        let (user, stored_hash) = match account {
            Some((user, hash)) => (Some(user), hash),
            None => (None, None),
        };
        // Verifies even when there is no account, so both cases take the same time.
        let matches = self
            .hasher
            .verify(password, stored_hash)
            .await
            .map_err(|error| ServiceError::Internal(error.to_string()))?;
        match user {
            Some(user) if matches => {
                self.store.clear_login_failures(&key).await?;
                self.sign_in(user).await
            }
            _ => {
                self.store.record_login_failure(&key, now).await?;
                Err(invalid_credentials())
            }
        }
    }

    /// Exchanges a refresh token for a new pair. The presented token is spent; presenting a
    /// spent one again revokes every token of that sign-in.
    pub(crate) async fn refresh(&self, refresh_token: &str) -> ServiceResult<SignedIn> {
        let refused = || {
            ServiceError::user(
                &["refreshToken"],
                UserErrorCode::InvalidCredentials,
                "this refresh token is invalid, expired or already used: sign in again",
            )
        };
        if refresh_token.len() > 200 {
            return Err(refused());
        }
        let now = Utc::now();
        let (next_token, stored) = new_refresh_token(now)?;
        match self
            .store
            .rotate_refresh_token(&sha256_hex(refresh_token), &stored)
            .await?
        {
            RefreshOutcome::Rotated { user } => {
                let user = self
                    .store
                    .users_by_ids(&[user])
                    .await?
                    .remove(&user)
                    .ok_or_else(refused)?;
                let (access_token, expires_at) = self
                    .keys
                    .issue(user.id, now)
                    .map_err(|error| ServiceError::Internal(error.to_string()))?;
                Ok(SignedIn {
                    user,
                    access_token,
                    refresh_token: next_token,
                    expires_at,
                })
            }
            RefreshOutcome::Reused => {
                tracing::warn!("a spent refresh token was presented again: its sign-in is revoked");
                Err(refused())
            }
            RefreshOutcome::Invalid => Err(refused()),
        }
    }

    /// Revokes the sign-in a refresh token belongs to; false if the token is unknown.
    pub(crate) async fn logout(&self, refresh_token: &str) -> ServiceResult<bool> {
        if refresh_token.len() > 200 {
            return Ok(false);
        }
        Ok(self
            .store
            .revoke_refresh_family(&sha256_hex(refresh_token))
            .await?)
    }

    /// The signed-in user, for `viewer`.
    pub(crate) async fn viewer(&self, reader: &Reader) -> ServiceResult<Option<User>> {
        let Some(user) = reader.user() else {
            return Ok(None);
        };
        Ok(self.store.users_by_ids(&[user]).await?.remove(&user))
    }

    /// Erases the signed-in user's account after checking their password.
    pub(crate) async fn delete_account(
        &self,
        reader: &Reader,
        password: &str,
    ) -> ServiceResult<(passerelle_domain::UserId, Option<SkillProfileId>)> {
        let user = signed_in(reader)?;
        let wrong = || {
            ServiceError::user(
                &["password"],
                UserErrorCode::InvalidCredentials,
                "wrong password",
            )
        };
        let password = Password::offered(password).map_err(|_| wrong())?;
        let stored = self.store.password_hash(user).await?;
        let matches = self
            .hasher
            .verify(password, stored)
            .await
            .map_err(|error| ServiceError::Internal(error.to_string()))?;
        if !matches {
            return Err(wrong());
        }
        let profile = self.store.delete_user(user).await?;
        Ok((user, profile))
    }

    /// Creates the demo's two accounts (a trainer, owner of a demo training provider, and a
    /// company user) unless they exist, and returns their credentials.
    pub async fn ensure_demo_accounts(&self) -> ServiceResult<Vec<DemoAccount>> {
        let (provider, company) = self.store.demo_organisations().await?;
        let mut accounts = Vec::new();
        for (role, email, password, display_name, organisation) in [
            (
                "trainer",
                "formateur@demo.passerelle.example",
                "formateur-demo-2026",
                "Camille Formatrice",
                provider,
            ),
            (
                "company",
                "entreprise@demo.passerelle.example",
                "entreprise-demo-2026",
                "Louis Recruteur",
                company,
            ),
        ] {
            let Some(organisation) = organisation else {
                continue;
            };
            let email_value =
                Email::parse(email).map_err(|error| ServiceError::Internal(error.to_string()))?;
            let password_value = Password::new(password)
                .map_err(|error| ServiceError::Internal(error.to_string()))?;
            if self.store.user_by_email(&email_value).await?.is_none() {
                let hash = self
                    .hasher
                    .hash(password_value)
                    .await
                    .map_err(|error| ServiceError::Internal(error.to_string()))?;
                let user = match self
                    .store
                    .create_user(&email_value, display_name, &hash)
                    .await
                {
                    Ok(user) => user,
                    // Another node created it at the same moment.
                    Err(WriteError::Taken(_)) => continue,
                    Err(error) => return Err(error.into()),
                };
                self.store
                    .set_member(user.id, organisation.id, user.id, MemberRole::Owner)
                    .await?;
            }
            accounts.push(DemoAccount {
                role,
                email: email.to_owned(),
                password: password.to_owned(),
                organisation: organisation.name,
            });
        }
        Ok(accounts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_waits_grow_after_a_few_failures_and_are_capped() {
        assert_eq!(lockout(0), Duration::zero());
        assert_eq!(lockout(FREE_FAILURES - 1), Duration::zero());
        assert_eq!(lockout(FREE_FAILURES), Duration::seconds(1));
        assert_eq!(lockout(FREE_FAILURES + 3), Duration::seconds(8));
        assert_eq!(lockout(1_000), Duration::seconds(MAX_LOCKOUT_SECONDS));
    }

    #[test]
    fn throttling_keys_ignore_case_and_hide_the_address() {
        assert_eq!(email_key("Ana@Example.fr "), email_key("ana@example.fr"));
        assert!(!email_key("ana@example.fr").contains("ana"));
    }
}
