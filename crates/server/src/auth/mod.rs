//! Authentication: password hashing and access tokens. Nothing here touches the database; the
//! account service combines them with the store.

pub mod passwords;
pub mod tokens;

pub use passwords::PasswordHasher;
pub use tokens::{KeyRing, TokenError};
