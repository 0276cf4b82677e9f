//! Field-by-field validation that collects every problem of an input at once, each with the
//! path of its field, so a form can show them all.

use passerelle_domain::ValidationError;

use super::{ServiceError, ServiceResult, UserError, UserErrorCode};

#[derive(Debug, Default)]
pub(crate) struct Checks {
    errors: Vec<UserError>,
}

fn code_of(error: &ValidationError) -> UserErrorCode {
    match error {
        ValidationError::Required => UserErrorCode::Required,
        ValidationError::TooLong { .. } => UserErrorCode::TooLong,
        ValidationError::TooShort { .. } | ValidationError::Invalid(_) => UserErrorCode::Invalid,
    }
}

impl Checks {
    /// Records a problem on a field.
    pub(crate) fn fail(&mut self, path: &[&str], code: UserErrorCode, message: impl Into<String>) {
        self.errors.push(UserError::new(path, code, message));
    }

    /// Keeps a parsed value, or records why it was refused under the field's name.
    pub(crate) fn field<T>(
        &mut self,
        path: &[&str],
        parsed: Result<T, ValidationError>,
    ) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(error) => {
                let name = path.last().copied().unwrap_or("value");
                self.fail(path, code_of(&error), format!("{name} {error}"));
                None
            }
        }
    }

    /// An optional text field: absent or blank means none.
    pub(crate) fn optional<T>(
        &mut self,
        path: &[&str],
        raw: Option<&str>,
        parse: impl FnOnce(&str) -> Result<T, ValidationError>,
    ) -> Option<Option<T>> {
        match raw.map(str::trim).filter(|raw| !raw.is_empty()) {
            None => Some(None),
            Some(raw) => self.field(path, parse(raw)).map(Some),
        }
    }

    pub(crate) fn is_clean(&self) -> bool {
        self.errors.is_empty()
    }

    /// Fails with every recorded problem, if any.
    pub(crate) fn finish(self) -> ServiceResult<()> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ServiceError::UserErrors(self.errors))
        }
    }
}
