//! The application services: every mutation's rules (validation, authorization, the order of
//! writes) live here, between the thin GraphQL resolvers and the store.
//!
//! A service returns either its result or a [`ServiceError`]: `UserErrors` are expected,
//! fixable problems with the input and end up in the payload's `userErrors`; the others become
//! top-level GraphQL errors (UNAUTHENTICATED, FORBIDDEN, INTERNAL).

mod accounts;
mod catalogue;
mod checks;

use std::sync::Arc;

use passerelle_domain::{MemberRole, OrganisationId, Reader, UserId};
use passerelle_store::{Store, StoreError, WriteError};

use crate::auth::{KeyRing, PasswordHasher, TokenError};

pub use accounts::{DemoAccount, SignedIn};
pub(crate) use checks::Checks;

/// The codes of `UserError.code` in the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserErrorCode {
    Invalid,
    Required,
    TooLong,
    NotFound,
    Taken,
    Conflict,
    Forbidden,
    InvalidCredentials,
}

/// An expected problem the user can fix, pointing at the input field at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserError {
    pub field: Option<Vec<String>>,
    pub message: String,
    pub code: UserErrorCode,
}

impl UserError {
    pub fn new(field: &[&str], code: UserErrorCode, message: impl Into<String>) -> Self {
        Self {
            field: (!field.is_empty())
                .then(|| field.iter().map(|part| (*part).to_owned()).collect()),
            message: message.into(),
            code,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("invalid input")]
    UserErrors(Vec<UserError>),
    #[error("{0}")]
    Unauthenticated(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Internal(String),
}

impl ServiceError {
    pub(crate) fn user(field: &[&str], code: UserErrorCode, message: impl Into<String>) -> Self {
        Self::UserErrors(vec![UserError::new(field, code, message)])
    }
}

impl From<StoreError> for ServiceError {
    fn from(error: StoreError) -> Self {
        Self::Internal(error.to_string())
    }
}

impl From<WriteError> for ServiceError {
    /// The store's refusals that no service turned into a more precise user error.
    fn from(error: WriteError) -> Self {
        match error {
            WriteError::Store(error) => Self::Internal(error.to_string()),
            WriteError::NotFound => Self::user(&[], UserErrorCode::NotFound, "it no longer exists"),
            WriteError::Taken(field) => Self::user(
                &[],
                UserErrorCode::Taken,
                format!("{field} is already taken"),
            ),
            WriteError::Conflict { current } => Self::user(
                &[],
                UserErrorCode::Conflict,
                format!("it changed meanwhile (now at version {current}): reload it and try again"),
            ),
            WriteError::LastOwner(name) => Self::user(
                &[],
                UserErrorCode::Forbidden,
                format!("{name} must keep at least one owner: make someone else OWNER first"),
            ),
        }
    }
}

pub type ServiceResult<T> = Result<T, ServiceError>;

/// Everything the services need, shared by all requests.
#[derive(Debug, Clone)]
pub struct Services {
    store: Store,
    keys: Arc<KeyRing>,
    hasher: PasswordHasher,
}

impl Services {
    pub fn new(store: Store, keys: KeyRing) -> Self {
        Self {
            store,
            keys: Arc::new(keys),
            hasher: PasswordHasher::default(),
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Who a request acts as. No token is anonymous; a bad token is an error, never a
    /// silent downgrade to anonymous, so a client learns its token needs renewing.
    pub async fn reader_for(&self, bearer: Option<&str>) -> ServiceResult<Reader> {
        let Some(token) = bearer else {
            return Ok(Reader::Anonymous);
        };
        let user = self
            .keys
            .verify(token, chrono::Utc::now())
            .map_err(|error| ServiceError::Unauthenticated(error.to_string()))?;
        let mut memberships = self.store.memberships_of_users(&[user]).await?;
        if !self.store.user_exists(user).await? {
            return Err(ServiceError::Unauthenticated(
                TokenError::Invalid("its account no longer exists".to_owned()).to_string(),
            ));
        }
        Ok(Reader::SignedIn {
            user,
            memberships: memberships
                .remove(&user)
                .unwrap_or_default()
                .into_iter()
                .map(|membership| (membership.organisation_id, membership.role))
                .collect(),
        })
    }
}

/// The signed-in user, or UNAUTHENTICATED.
pub(crate) fn signed_in(reader: &Reader) -> ServiceResult<UserId> {
    reader.user().ok_or_else(|| {
        ServiceError::Unauthenticated(
            "sign in first: send `Authorization: Bearer <accessToken>` from login".to_owned(),
        )
    })
}

/// The signed-in user if they are a member of `organisation` (with `OWNER` when `owner_only`),
/// or FORBIDDEN.
pub(crate) fn member_of(
    reader: &Reader,
    organisation: OrganisationId,
    owner_only: bool,
) -> ServiceResult<UserId> {
    let user = signed_in(reader)?;
    match reader.role_in(organisation) {
        Some(MemberRole::Owner) => Ok(user),
        Some(MemberRole::Editor) if !owner_only => Ok(user),
        Some(MemberRole::Editor) => Err(ServiceError::Forbidden(
            "only an OWNER of this organisation may do this".to_owned(),
        )),
        None => Err(ServiceError::Forbidden(
            "only members of this organisation may do this".to_owned(),
        )),
    }
}
