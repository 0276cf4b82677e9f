//! Text analysis: how words are cut, folded and stemmed, the same way for documents, queries
//! and highlights.
//!
//! Every text goes through lower-casing and accent folding before anything else, so
//! "Sécurité", "securite" and "SECURITE" are one word. Stemmed fields then reduce words to
//! their stem in the document's language ("développeurs" and "développeur" share one; so do
//! "trainings" and "training"). Folding comes before stemming on purpose: a user who types
//! without accents must reach the same stem as the accented text, which would not happen if
//! the stemmer saw "sécurité" in one case and "securite" in the other.

use std::collections::HashMap;

use tantivy::Index;
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token,
    TokenFilter, TokenStream, Tokenizer,
};

/// Folded words, not stemmed: the form typo tolerance and prefixes work on.
pub(crate) const FOLDED: &str = "passerelle_folded";
pub(crate) const FRENCH: &str = "passerelle_fr";
pub(crate) const ENGLISH: &str = "passerelle_en";

/// Longer tokens are noise (identifiers, URLs) and are not indexed.
const LONGEST_WORD: usize = 40;

/// The language of a document's text, which picks its stemmer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextLanguage {
    French,
    English,
}

impl TextLanguage {
    /// `fr` or `en`; anything else is treated as French, the marketplace's default.
    pub fn from_code(code: &str) -> Self {
        if code.eq_ignore_ascii_case("en") {
            Self::English
        } else {
            Self::French
        }
    }
}

fn folded() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(LONGEST_WORD))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

fn stemmed(language: TextLanguage) -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(LONGEST_WORD))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(CachedStemmer(language))
        .build()
}

pub(crate) fn register(index: &Index) {
    let tokenizers = index.tokenizers();
    tokenizers.register(FOLDED, folded());
    tokenizers.register(FRENCH, stemmed(TextLanguage::French));
    tokenizers.register(ENGLISH, stemmed(TextLanguage::English));
}

/// Words whose stems one analyser remembers; past this, it forgets them all and starts again.
/// At most about 2 MB per analyser (a segment being written has one per stemmed field, six),
/// and most of a text's words are among its language's most frequent, so it rarely fills.
const REMEMBERED_STEMS: usize = 20_000;

/// The Snowball stemmer of tantivy's `Stemmer` filter, with the stems of the words already
/// seen remembered. Stemming was over a quarter of the indexing thread's time in a 1M-offer
/// import (profiled in the benchmark) although most words recur: each document repeats the
/// common words of its language, and its title and skills are stemmed in two fields.
#[derive(Debug, Clone, Copy)]
struct CachedStemmer(TextLanguage);

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter {
            inner: tokenizer,
            stems: Stems::new(self.0),
        }
    }
}

#[derive(Clone)]
struct CachedStemmerFilter<T> {
    inner: T,
    stems: Stems,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
            stems: &mut self.stems,
        }
    }
}

struct CachedStemmerStream<'a, T> {
    tail: T,
    stems: &'a mut Stems,
}

impl<T: TokenStream> TokenStream for CachedStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        self.stems.stem_in_place(&mut self.tail.token_mut().text);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// One analyser's stemmer and the stems it remembers.
struct Stems {
    stemmer: frostem::Stemmer,
    language: TextLanguage,
    known: HashMap<String, String>,
}

impl Stems {
    fn new(language: TextLanguage) -> Self {
        let algorithm = match language {
            TextLanguage::French => frostem::Algorithm::French,
            TextLanguage::English => frostem::Algorithm::English,
        };
        Self {
            stemmer: frostem::Stemmer::new(algorithm),
            language,
            known: HashMap::new(),
        }
    }

    fn stem_in_place(&mut self, word: &mut String) {
        if let Some(stem) = self.known.get(word.as_str()) {
            word.clone_from(stem);
            return;
        }
        let stem = self.stemmer.stem(word).into_owned();
        if self.known.len() >= REMEMBERED_STEMS {
            self.known.clear();
        }
        self.known
            .insert(std::mem::replace(word, stem.clone()), stem);
    }
}

/// A copy starts with nothing remembered: tantivy clones the registered analyser for every
/// segment it writes and every field, and copying a full cache each time would cost more than
/// it saves.
impl Clone for Stems {
    fn clone(&self) -> Self {
        Self::new(self.language)
    }
}

/// The analysers outside an index: for queries and highlights.
#[derive(Clone)]
pub(crate) struct Analysers {
    folded: TextAnalyzer,
    french: TextAnalyzer,
    english: TextAnalyzer,
}

impl std::fmt::Debug for Analysers {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("Analysers")
    }
}

/// A word of a text with where it sits, in bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    pub folded: String,
    pub from: usize,
    pub to: usize,
}

impl Analysers {
    pub(crate) fn new() -> Self {
        Self {
            folded: folded(),
            french: stemmed(TextLanguage::French),
            english: stemmed(TextLanguage::English),
        }
    }

    /// The folded words of `text`, with their byte offsets in it.
    pub(crate) fn words(&mut self, text: &str) -> Vec<Word> {
        let mut stream = self.folded.token_stream(text);
        let mut words = Vec::new();
        while stream.advance() {
            let token = stream.token();
            words.push(Word {
                folded: token.text.clone(),
                from: token.offset_from,
                to: token.offset_to,
            });
        }
        words
    }

    /// The folded words of `text` that narrow a search: stop words are dropped, unless
    /// nothing else is left ("de la" stays). Queries and skill labels go through here both,
    /// so that "gestion de projet" typed meets the label "Gestion de projet".
    pub(crate) fn meaningful_words(&mut self, text: &str) -> Vec<Word> {
        let words = self.words(text);
        if words.iter().all(|word| is_stop_word(&word.folded)) {
            return words;
        }
        words
            .into_iter()
            .filter(|word| !is_stop_word(&word.folded))
            .collect()
    }

    /// The stem of one folded word in a language.
    pub(crate) fn stem(&mut self, word: &str, language: TextLanguage) -> String {
        let analyser = match language {
            TextLanguage::French => &mut self.french,
            TextLanguage::English => &mut self.english,
        };
        let mut stream = analyser.token_stream(word);
        if stream.advance() {
            stream.token().text.clone()
        } else {
            word.to_owned()
        }
    }
}

/// Words too common to narrow a search, in French and English. A query drops them unless it
/// has nothing else ("le", "of").
pub(crate) fn is_stop_word(word: &str) -> bool {
    const STOP_WORDS: &[&str] = &[
        "a", "au", "aux", "avec", "ce", "ces", "d", "dans", "de", "des", "du", "en", "et", "l",
        "la", "le", "les", "ou", "par", "pour", "sur", "un", "une", "an", "and", "at", "by", "for",
        "from", "in", "of", "on", "or", "the", "to", "with",
    ];
    STOP_WORDS.contains(&word)
}

/// How many typos a query word may carry: none for short words (too many words are one
/// edit away from a short one), one from five letters, two from nine.
pub(crate) fn allowed_typos(word: &str) -> u8 {
    match word.chars().count() {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// Whether `word` is what `typed` may stand for with at most `typos` typos, a typo on the
/// first letter counting as two (as Meilisearch counts them): people seldom get a word's first
/// letter wrong, and a word starting with another letter is more often another word. It is
/// also what keeps finding typo variants cheap: with the first letter fixed, only the words
/// starting with it are walked (see `typo_variants` in `query.rs`). Used by highlighting to
/// find the words a typo matched, so that it marks what the search found.
pub(crate) fn is_typo_of(typed: &str, word: &str, typos: u8) -> bool {
    if typos == 0 {
        return false;
    }
    if typed.chars().next() == word.chars().next() {
        within_edits(typed, word, typos)
    } else {
        // The first letter's edit, counted as two, leaves `typos - 2` for the others.
        typos >= 2 && within_edits(typed, word, 1 + (typos - 2))
    }
}

/// Damerau-Levenshtein distance (adjacent transpositions count as one edit), cut off at
/// `limit + 1`.
pub(crate) fn within_edits(left: &str, right: &str, limit: u8) -> bool {
    let left: Vec<char> = left.chars().collect();
    let right: Vec<char> = right.chars().collect();
    let limit = usize::from(limit);
    if left.len().abs_diff(right.len()) > limit {
        return false;
    }
    let width = right.len() + 1;
    let mut rows = vec![vec![0usize; width]; left.len() + 1];
    for (index, row) in rows.iter_mut().enumerate() {
        row[0] = index;
    }
    for (index, cell) in rows[0].iter_mut().enumerate() {
        *cell = index;
    }
    for i in 1..=left.len() {
        for j in 1..=right.len() {
            let substitution = usize::from(left[i - 1] != right[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + substitution);
            if i > 1 && j > 1 && left[i - 1] == right[j - 2] && left[i - 2] == right[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[left.len()][right.len()] <= limit
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_makes_accents_and_case_irrelevant() {
        let mut analysers = Analysers::new();
        let words: Vec<String> = analysers
            .words("Cybersécurité : l'ÉCOLE")
            .into_iter()
            .map(|word| word.folded)
            .collect();
        assert_eq!(words, ["cybersecurite", "l", "ecole"]);
    }

    #[test]
    fn stems_join_singular_and_plural_in_both_languages() {
        let mut analysers = Analysers::new();
        assert_eq!(
            analysers.stem("developpeurs", TextLanguage::French),
            analysers.stem("developpeur", TextLanguage::French)
        );
        assert_eq!(
            analysers.stem("trainings", TextLanguage::English),
            analysers.stem("training", TextLanguage::English)
        );
    }

    /// The remembered stems are the stemmer's: the same tokens as tantivy's own `Stemmer`
    /// filter, for words seen for the first time, seen again, and seen again after the
    /// analyser has forgotten what it remembered.
    #[test]
    fn remembered_stems_are_the_stemmers_own() {
        use tantivy::tokenizer::{Language, Stemmer};
        let text = "Les développeurs développent des formations ; developers develop trainings. \
                    Développeurs, formations, trainings !";
        for (language, tantivys) in [
            (TextLanguage::French, Language::French),
            (TextLanguage::English, Language::English),
        ] {
            let tokens = |analyser: &mut TextAnalyzer, text: &str| {
                let mut stream = analyser.token_stream(text);
                let mut tokens = Vec::new();
                while stream.advance() {
                    tokens.push(stream.token().text.clone());
                }
                tokens
            };
            let mut reference = TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(RemoveLongFilter::limit(LONGEST_WORD))
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter)
                .filter(Stemmer::new(tantivys))
                .build();
            let expected = tokens(&mut reference, text);
            let mut cached = stemmed(language);
            assert_eq!(tokens(&mut cached, text), expected, "first time");
            assert_eq!(tokens(&mut cached, text), expected, "remembered");
            // Enough distinct words to make it forget, then the text again.
            let many: String = (0..REMEMBERED_STEMS + 10)
                .map(|number| format!("mot{number}s "))
                .collect();
            let forgotten = tokens(&mut cached, &many);
            assert_eq!(forgotten, tokens(&mut reference, &many));
            assert_eq!(tokens(&mut cached, text), expected, "after forgetting");
        }
    }

    #[test]
    fn typo_allowance_grows_with_word_length() {
        assert_eq!(allowed_typos("rust"), 0);
        assert_eq!(allowed_typos("python"), 1);
        assert_eq!(allowed_typos("kubernetes"), 2);
    }

    #[test]
    fn edit_distance_counts_a_transposition_once() {
        assert!(within_edits("pyhton", "python", 1));
        assert!(within_edits("montpelier", "montpellier", 1));
        assert!(!within_edits("java", "rust", 2));
        assert!(within_edits("kubernets", "kubernetes", 1));
    }

    #[test]
    fn a_typo_on_the_first_letter_counts_as_two() {
        // One typo allowed: anywhere but on the first letter.
        assert!(is_typo_of("dokcer", "docker", 1));
        assert!(!is_typo_of("focker", "docker", 1));
        // Two allowed: a first-letter typo alone, or two typos further on.
        assert!(is_typo_of("lubernetes", "kubernetes", 2));
        assert!(is_typo_of("ubernetes", "kubernetes", 2));
        assert!(is_typo_of("ukbernetes", "kubernetes", 2));
        assert!(is_typo_of("kubarnetis", "kubernetes", 2));
        assert!(!is_typo_of("lubarnetes", "kubernetes", 2));
        assert!(!is_typo_of("formation", "information", 2));
        assert!(!is_typo_of("rust", "rest", 0));
    }
}
