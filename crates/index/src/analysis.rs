//! Text analysis: how words are cut, folded and stemmed, the same way for documents, queries
//! and highlights.
//!
//! Every text goes through lower-casing and accent folding before anything else, so
//! "Sécurité", "securite" and "SECURITE" are one word. Stemmed fields then reduce words to
//! their stem in the document's language ("développeurs" and "développeur" share one; so do
//! "trainings" and "training"). Folding comes before stemming on purpose: a user who types
//! without accents must reach the same stem as the accented text, which would not happen if
//! the stemmer saw "sécurité" in one case and "securite" in the other.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::LazyLock;

use tantivy::Index;
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, TextAnalyzer, Token, TokenFilter, TokenStream,
    Tokenizer,
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
    TextAnalyzer::from(FoldedWords::default())
}

fn stemmed(language: TextLanguage) -> TextAnalyzer {
    TextAnalyzer::builder(FoldedWords::default())
        .filter(CachedStemmer(language))
        .build()
}

/// The words of a text, lower-cased and folded to ASCII, in one pass over it: the tokens,
/// offsets and positions of tantivy's `SimpleTokenizer` (words are runs of alphanumeric
/// characters), `RemoveLongFilter` (words of [`LONGEST_WORD`] bytes or more are dropped),
/// `LowerCaser` and `AsciiFoldingFilter` in a row, which a test checks. That chain walked every
/// text four times, decoding each character, and was a quarter of the indexing thread's samples
/// in a 1M-offer import (README, benchmark); here an ASCII character costs a byte comparison.
#[derive(Clone, Default)]
struct FoldedWords {
    token: Token,
}

struct FoldedWordStream<'a> {
    text: &'a str,
    /// Where the next word is looked for, in bytes.
    at: usize,
    token: &'a mut Token,
}

impl Tokenizer for FoldedWords {
    type TokenStream<'a> = FoldedWordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> FoldedWordStream<'a> {
        self.token.reset();
        FoldedWordStream {
            text,
            at: 0,
            token: &mut self.token,
        }
    }
}

impl FoldedWordStream<'_> {
    /// `Ok` with the length in bytes of the character at `at` if it belongs to a word, else
    /// `Err` with the length to skip; `at` is on a character boundary.
    fn word_character(&self, at: usize) -> Result<usize, usize> {
        let byte = self.text.as_bytes()[at];
        if byte.is_ascii() {
            return if byte.is_ascii_alphanumeric() {
                Ok(1)
            } else {
                Err(1)
            };
        }
        let character = self.text[at..].chars().next().unwrap_or_default();
        if character.is_alphanumeric() {
            Ok(character.len_utf8())
        } else {
            Err(character.len_utf8())
        }
    }
}

impl TokenStream for FoldedWordStream<'_> {
    fn advance(&mut self) -> bool {
        let end = self.text.len();
        loop {
            let mut from = self.at;
            while from < end {
                match self.word_character(from) {
                    Ok(_) => break,
                    Err(skip) => from += skip,
                }
            }
            if from >= end {
                self.at = end;
                return false;
            }
            let mut to = from;
            while to < end {
                match self.word_character(to) {
                    Ok(length) => to += length,
                    Err(_) => break,
                }
            }
            self.at = to;
            // Every word takes a position, a dropped one too (as with `RemoveLongFilter`).
            self.token.position = self.token.position.wrapping_add(1);
            if to - from >= LONGEST_WORD {
                continue;
            }
            self.token.offset_from = from;
            self.token.offset_to = to;
            let word = &self.text[from..to];
            let folded = &mut self.token.text;
            folded.clear();
            if word.is_ascii() {
                folded.push_str(word);
                folded.make_ascii_lowercase();
            } else {
                for character in word.chars() {
                    if character.is_ascii() {
                        folded.push(character.to_ascii_lowercase());
                    } else {
                        fold_character(character, folded);
                    }
                }
            }
            return true;
        }
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// Characters below this have their folded forms worked out once, when the first non-ASCII
/// character is met; the others each time (few texts have any).
const FOLDINGS_KEPT: u32 = 0x800;

/// Appends the lower-cased, ASCII-folded form of a non-ASCII character. Lower-casing and
/// folding a word is done a character at a time by tantivy's filters too, so a word's folded
/// form is its characters' folded forms in a row; each of them is what those filters make of
/// the character alone.
fn fold_character(character: char, folded: &mut String) {
    static KEPT: LazyLock<Vec<String>> = LazyLock::new(|| {
        (0..FOLDINGS_KEPT)
            .map(|code| char::from_u32(code).map(fold_alone).unwrap_or_default())
            .collect()
    });
    match KEPT.get(character as usize) {
        Some(kept) => folded.push_str(kept),
        None => folded.push_str(&fold_alone(character)),
    }
}

/// What tantivy's `LowerCaser` and `AsciiFoldingFilter` make of one character.
fn fold_alone(character: char) -> String {
    let mut analyser = TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build();
    let text = character.to_string();
    let mut stream = analyser.token_stream(&text);
    let folded = stream.advance().then(|| stream.token().text.clone());
    folded.unwrap_or_else(|| character.to_string())
}

pub(crate) fn register(index: &Index) {
    let tokenizers = index.tokenizers();
    tokenizers.register(FOLDED, folded());
    tokenizers.register(FRENCH, stemmed(TextLanguage::French));
    tokenizers.register(ENGLISH, stemmed(TextLanguage::English));
}

/// Words whose stems one thread remembers per language; past this, it forgets them all and
/// starts again. About 1 MB per language, and most of a text's words are among its language's
/// most frequent, so it rarely fills.
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
            language: self.0,
        }
    }
}

#[derive(Clone)]
struct CachedStemmerFilter<T> {
    inner: T,
    language: TextLanguage,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
            language: self.language,
        }
    }
}

struct CachedStemmerStream<T> {
    tail: T,
    language: TextLanguage,
}

impl<T: TokenStream> TokenStream for CachedStemmerStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let word = &mut self.tail.token_mut().text;
        match self.language {
            TextLanguage::French => FRENCH_STEMS.with_borrow_mut(|stems| stems.stem_in_place(word)),
            TextLanguage::English => {
                ENGLISH_STEMS.with_borrow_mut(|stems| stems.stem_in_place(word));
            }
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

// The stems a thread remembers, one set per language whatever the field or the segment being
// written: a segment's six stemmed fields each had a set of their own, mostly of the same
// words, each started empty at every new segment, six times the memory for the CPU's caches
// to hold.
thread_local! {
    static FRENCH_STEMS: RefCell<Stems> = RefCell::new(Stems::new(TextLanguage::French));
    static ENGLISH_STEMS: RefCell<Stems> = RefCell::new(Stems::new(TextLanguage::English));
}

/// Words this long or shorter (in bytes, folded) are remembered with their stems in the table
/// itself, not each in an allocation of its own: comparing a word looked up with a remembered
/// one then reads memory next to the table's slot. Longer words are stemmed every time (few).
const SHORT_WORD: usize = 23;

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct ShortWord {
    length: u8,
    bytes: [u8; SHORT_WORD],
}

impl ShortWord {
    fn new(word: &str) -> Option<Self> {
        let length = u8::try_from(word.len())
            .ok()
            .filter(|length| usize::from(*length) <= SHORT_WORD)?;
        let mut bytes = [0; SHORT_WORD];
        bytes[..word.len()].copy_from_slice(word.as_bytes());
        Some(Self { length, bytes })
    }

    /// Always the text it was made from: the bytes of a `str`, cut at its end.
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..usize::from(self.length)]).unwrap_or_default()
    }
}

/// A stemmer and the stems it remembers.
struct Stems {
    stemmer: frostem::Stemmer,
    known: HashMap<ShortWord, ShortWord, foldhash::fast::RandomState>,
}

impl Stems {
    fn new(language: TextLanguage) -> Self {
        let algorithm = match language {
            TextLanguage::French => frostem::Algorithm::French,
            TextLanguage::English => frostem::Algorithm::English,
        };
        Self {
            stemmer: frostem::Stemmer::new(algorithm),
            known: HashMap::default(),
        }
    }

    fn stem_in_place(&mut self, word: &mut String) {
        let Some(short) = ShortWord::new(word) else {
            *word = self.stemmer.stem(word).into_owned();
            return;
        };
        if let Some(stem) = self.known.get(&short) {
            word.clear();
            word.push_str(stem.as_str());
            return;
        }
        let stem = self.stemmer.stem(word).into_owned();
        if let Some(short_stem) = ShortWord::new(&stem) {
            if self.known.len() >= REMEMBERED_STEMS {
                self.known.clear();
            }
            self.known.insert(short, short_stem);
        }
        *word = stem;
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
                    Développeurs, formations, trainings ! Anticonstitutionnellement, \
                    internationalisations, counterrevolutionaries, counterrevolutionaries.";
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
            let mut reference = tantivy_chain()
                .filter_dynamic(Stemmer::new(tantivys))
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

    /// tantivy's own filters, which [`FoldedWords`] does in one pass.
    fn tantivy_chain() -> tantivy::tokenizer::TextAnalyzerBuilder {
        use tantivy::tokenizer::{RemoveLongFilter, SimpleTokenizer};
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(LONGEST_WORD))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .dynamic()
    }

    fn all_tokens(analyser: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut stream = analyser.token_stream(text);
        let mut tokens = Vec::new();
        while stream.advance() {
            let token = stream.token();
            tokens.push((
                token.text.clone(),
                token.offset_from,
                token.offset_to,
                token.position,
            ));
        }
        tokens
    }

    #[test]
    fn folded_words_are_tantivys_filters_tokens() {
        let mut reference = tantivy_chain().build();
        let mut ours = folded();
        let long = "a".repeat(LONGEST_WORD);
        let just_short = "é".repeat(LONGEST_WORD / 2 - 1) + "e";
        let texts = [
            String::new(),
            "  ,;  ".to_owned(),
            "Développeur·se FULL-STACK (H/F) à Montpellier — 3 ans d'expérience.".to_owned(),
            "Cybersécurité : l'ÉCOLE, Œuvre, Ærø, straße, ǅemal, İstanbul, Σίσυφος".to_owned(),
            "ﬁnance Ⅻ ½ K٣ 東京 データ 🦀 rust2024 C++ .NET node.js".to_owned(),
            format!("{long} {long}x court {just_short} fin"),
            "ÀÉÎÕÜ àéîõü ÇçÑñ ÿŸ ıİ ǰ ŉ".to_owned(),
        ];
        for text in &texts {
            assert_eq!(
                all_tokens(&mut ours, text),
                all_tokens(&mut reference, text),
                "{text}"
            );
        }
        // Every character of the Latin, Greek and Cyrillic blocks and a few beyond, alone and
        // between ASCII letters.
        let characters: Vec<char> = (0x20..0x800)
            .chain(0x1E00..0x2200)
            .chain(0xFB00..0xFB10)
            .filter_map(char::from_u32)
            .collect();
        for character in characters {
            let text = format!("{character} A{character}b {character}{character}Z");
            assert_eq!(
                all_tokens(&mut ours, &text),
                all_tokens(&mut reference, &text),
                "{text}"
            );
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
