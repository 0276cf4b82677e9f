/// Why a value was refused. Messages are lowercase and say what to fix; the caller adds the
/// field name (for example `siret: must have 14 digits`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidationError {
    #[error("is required")]
    Required,
    #[error("must be at most {max} characters")]
    TooLong { max: usize },
    #[error("must be at least {min} characters")]
    TooShort { min: usize },
    #[error("{0}")]
    Invalid(String),
}

impl ValidationError {
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::Invalid(message.into())
    }
}
