use sea_orm::DbErr;

/// Storage failures. None of them is the user's fault: the server logs them in full and
/// answers INTERNAL; the messages name what an operator should look at.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    InvalidUrl(String),
    #[error("cannot connect to the database at {url}: {reason}")]
    Unavailable { url: String, reason: String },
    #[error("{0} database migration(s) not applied yet: run `passerelle migrate`")]
    MigrationsPending(usize),
    #[error("database error: {0}")]
    Database(#[from] DbErr),
    #[error("listening for other nodes' changes: {0}")]
    Listener(String),
    #[error("a stored record is invalid: {0}")]
    Corrupt(String),
}

impl StoreError {
    pub(crate) fn corrupt(table: &str, column: &str, detail: impl std::fmt::Display) -> Self {
        Self::Corrupt(format!("{table}.{column}: {detail}"))
    }
}
