//! Argon2id password hashing, off the async runtime.
//!
//! Parameters follow OWASP's recommendation for Argon2id: 19 MiB of memory, 2 iterations,
//! 1 lane. Hashing is deliberately slow (tens of milliseconds of one core), so it runs on the
//! blocking pool, and a semaphore bounds how many run at once: a burst of sign-ins queues
//! instead of exhausting memory or starving the runtime.

use std::sync::Arc;

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use passerelle_domain::Password;
use tokio::sync::Semaphore;

/// Memory cost in KiB (19 MiB).
const MEMORY_KIB: u32 = 19 * 1024;
const ITERATIONS: u32 = 2;
const LANES: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("password hashing failed: {0}")]
    Hashing(String),
    #[error("password hashing task stopped: {0}")]
    Task(String),
}

#[derive(Debug, Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
}

impl Default for PasswordHasher {
    fn default() -> Self {
        let parallel = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        Self {
            permits: Arc::new(Semaphore::new(parallel)),
        }
    }
}

fn argon2() -> Result<Argon2<'static>, HashError> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, LANES, None)
        .map_err(|error| HashError::Hashing(error.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

fn random_salt() -> Result<SaltString, HashError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|error| HashError::Hashing(error.to_string()))?;
    SaltString::encode_b64(&bytes).map_err(|error| HashError::Hashing(error.to_string()))
}

impl PasswordHasher {
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, HashError> + Send + 'static,
    ) -> Result<T, HashError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|error| HashError::Task(error.to_string()))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|error| HashError::Task(error.to_string()))?
    }

    /// A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) for a new password.
    pub async fn hash(&self, password: Password) -> Result<String, HashError> {
        self.run(move || {
            let salt = random_salt()?;
            argon2()?
                .hash_password(password.expose(), &salt)
                .map(|hash| hash.to_string())
                .map_err(|error| HashError::Hashing(error.to_string()))
        })
        .await
    }

    /// Whether `password` matches `stored`. With no stored hash (an unknown email, or an
    /// account without a password) it still spends the time of one verification against a
    /// throwaway hash, so the answer time does not tell whether the account exists.
    pub async fn verify(
        &self,
        password: Password,
        stored: Option<String>,
    ) -> Result<bool, HashError> {
        self.run(move || {
            let argon2 = argon2()?;
            match stored {
                Some(stored) => {
                    let parsed = PasswordHash::new(&stored)
                        .map_err(|error| HashError::Hashing(error.to_string()))?;
                    Ok(argon2.verify_password(password.expose(), &parsed).is_ok())
                }
                None => {
                    let salt = random_salt()?;
                    let _ = argon2.hash_password(password.expose(), &salt);
                    Ok(false)
                }
            }
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_with_the_required_cost_and_verify() {
        let hasher = PasswordHasher::default();
        let password = Password::new("correct horse battery").unwrap();
        let hash = hasher.hash(password.clone()).await.unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(hasher.verify(password, Some(hash.clone())).await.unwrap());
        let wrong = Password::offered("correct horse battery!").unwrap();
        assert!(!hasher.verify(wrong.clone(), Some(hash)).await.unwrap());
        assert!(!hasher.verify(wrong, None).await.unwrap());
    }
}
