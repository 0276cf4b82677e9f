use std::fmt;

use crate::ValidationError;

/// Text trimmed of surrounding white space whose length in characters lies in `MIN..=MAX`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BoundedText<const MIN: usize, const MAX: usize>(String);

impl<const MIN: usize, const MAX: usize> BoundedText<MIN, MAX> {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() && MIN > 0 {
            return Err(ValidationError::Required);
        }
        let length = trimmed.chars().count();
        if length > MAX {
            return Err(ValidationError::TooLong { max: MAX });
        }
        if length < MIN {
            return Err(ValidationError::TooShort { min: MIN });
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl<const MIN: usize, const MAX: usize> fmt::Display for BoundedText<MIN, MAX> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl<const MIN: usize, const MAX: usize> AsRef<str> for BoundedText<MIN, MAX> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Lower-cases and removes the accents of Latin letters, so that "Sécurité" and "securite"
/// compare equal. Used for label filters and prefix look-ups, not for full-text search
/// (the index crate has its own analysers).
pub fn fold_for_search(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for character in text.chars().flat_map(char::to_lowercase) {
        match character {
            'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => folded.push('a'),
            'ç' => folded.push('c'),
            'é' | 'è' | 'ê' | 'ë' => folded.push('e'),
            'î' | 'ï' | 'í' | 'ì' => folded.push('i'),
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' => folded.push('o'),
            'ù' | 'û' | 'ü' | 'ú' => folded.push('u'),
            'ÿ' | 'ý' => folded.push('y'),
            'ñ' => folded.push('n'),
            'œ' => folded.push_str("oe"),
            'æ' => folded.push_str("ae"),
            '’' | '\'' | '-' | '_' => folded.push(' '),
            other => folded.push(other),
        }
    }
    folded
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    type Short = BoundedText<2, 10>;

    #[test]
    fn blank_text_is_required_and_long_text_says_the_limit() {
        assert_eq!(Short::parse("   "), Err(ValidationError::Required));
        assert_eq!(Short::parse("a"), Err(ValidationError::TooShort { min: 2 }));
        assert_eq!(
            Short::parse("abcdefghijk"),
            Err(ValidationError::TooLong { max: 10 })
        );
        assert_eq!(
            Short::parse("  été  ").map(BoundedText::into_string),
            Ok("été".to_owned())
        );
    }

    #[test]
    fn folding_removes_accents_and_case() {
        assert_eq!(fold_for_search("Cybersécurité"), "cybersecurite");
        assert_eq!(fold_for_search("Éco-conception"), "eco conception");
        assert_eq!(fold_for_search("Nîmes"), "nimes");
    }

    proptest! {
        #[test]
        fn accepted_text_is_trimmed_and_within_bounds(raw in "\\PC{0,14}") {
            if let Ok(text) = Short::parse(&raw) {
                let length = text.as_str().chars().count();
                prop_assert!((2..=10).contains(&length));
                prop_assert_eq!(text.as_str(), text.as_str().trim());
            }
        }

        #[test]
        fn folding_is_idempotent(raw in "\\PC{0,30}") {
            let once = fold_for_search(&raw);
            prop_assert_eq!(fold_for_search(&once), once.clone());
        }
    }
}
