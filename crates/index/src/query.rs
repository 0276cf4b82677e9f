//! From what a person typed to a tantivy query, without ever handing their text to tantivy's
//! query parser: the text is cut into words by the same analysers as the documents, and the
//! query is built from those words as terms. Operators, quotes, field names and regular
//! expressions in the input are therefore just characters; nothing in it can fail to parse.
//!
//! # How one word matches
//! Each word of the query becomes a group of alternatives, and every group must match (with a
//! fallback to "any group" when that finds nothing):
//! - the word's French and English stems in the stemmed title (×3), skill label (×2.5) and body
//!   (×1) fields, scored by BM25, plus a constant ([`EXACT_WORD_SCORE`]) for matching at all;
//! - the word itself with one typo from 5 letters, two from 9 (a typo on the first letter
//!   counting as two), in the folded title (0.6) and body (0.2) fields, at a constant score
//!   below that constant, so that exact matches rank above typo matches even for a word so
//!   common that BM25 gives it next to nothing; only for a word written as typed in fewer
//!   than [`TYPED_AS_MEANT`] documents, and at most the [`MAX_EXPANSIONS`] most frequent
//!   variants;
//! - for the last word while it is being typed (nothing after it, not even a space or a stop
//!   word), words starting with it, also at a constant score (the most frequent
//!   [`MAX_EXPANSIONS`]);
//! - when the word, or a run of up to four words, is a skill label or synonym of the taxonomy
//!   ("js", "k8s", "gestion de projet": stop words do not count, in labels as in queries),
//!   documents with that skill or any narrower one, at a constant score
//!   ([`NAMED_SKILL_SCORE`]: having a skill is yes or no), and documents whose text has the
//!   skill's labels ("k8s" finds "Kubernetes" in a title, as "kubernetes" would).
//!
//! # How documents rank
//! By the sum of their groups' scores. In the "any group" fallback each group a document
//! matches also adds [`MATCHED_GROUP_SCORE`], so documents with more of the words come first.
//! Filters select without scoring: what they keep ranks as it would without them.

use std::collections::{BTreeSet, HashMap};
use std::ops::Bound;

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, FuzzyTermQuery, Occur, Query,
    RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use crate::analysis::{Analysers, TextLanguage, allowed_typos};
use crate::document::{
    ANY_SKILL, DocumentKind, FLAG_CERTIFIED, FLAG_CPF, FLAG_QUALIOPI, Fields, Point,
    skill_level_term,
};
use crate::scoring::{AnyOf, PlusConstant};
use crate::taxonomy::Taxonomy;

/// Longer query text is cut here before analysis.
pub const MAX_QUERY_CHARS: usize = 256;
/// At most this many words count; the rest of a query is ignored.
pub const MAX_QUERY_WORDS: usize = 10;
/// What matching a word exactly (by stem, in any field) adds: more than a typo and a prefix
/// can bring together (0.6 + 0.2 + 0.8 + 0.3), so that an exact match outranks them however
/// common the word.
const EXACT_WORD_SCORE: f32 = 2.0;
/// What having a skill the query named (or a narrower one) adds to a document's score: about
/// what a word in a short title brings.
const NAMED_SKILL_SCORE: f32 = 3.0;
/// What each matched group adds in the "any word" fallback: more than the text score of a group
/// can reach, so that the number of words matched ranks first.
const MATCHED_GROUP_SCORE: f32 = 10_000.0;
/// The shortest last word that is also searched as a prefix (a one-letter prefix matches
/// half the dictionary and says nothing).
const SHORTEST_PREFIX: usize = 2;

/// The most words a typo or a prefix alternative expands to, the most frequent first (as
/// Lucene's `max_expansions`). Past them a word is too vague to narrow anything, and each
/// adds a posting list to read.
const MAX_EXPANSIONS: usize = 50;

/// A word written as typed in at least this many documents is taken as meant: its typo
/// variants are not searched (in the spirit of Typesense, which looks for typos only when too
/// few documents have the words as typed). They would rank below every exact match anyway,
/// and finding them walks the whole dictionary with a Levenshtein automaton, which was the
/// largest part of a search's time.
const TYPED_AS_MEANT: u64 = 20;

/// In how many documents `word` is written (in the folded title or body), as far as
/// [`TYPED_AS_MEANT`]: the count stops there.
fn written_in(searcher: &Searcher, fields: &Fields, word: &str) -> tantivy::Result<u64> {
    let mut documents = 0;
    for segment in searcher.segment_readers() {
        for field in [fields.folded_title, fields.folded_body] {
            if let Some(info) = segment
                .inverted_index(field)?
                .terms()
                .get(word.as_bytes())?
            {
                documents += u64::from(info.doc_freq);
                if documents >= TYPED_AS_MEANT {
                    return Ok(documents);
                }
            }
        }
    }
    Ok(documents)
}

/// The [`MAX_EXPANSIONS`] most frequent of `counts` (ties by word), as terms of `field`.
fn most_frequent(field: Field, counts: HashMap<Vec<u8>, u64>) -> Vec<Term> {
    let mut counted: Vec<(Vec<u8>, u64)> = counts.into_iter().collect();
    counted.sort_by(|left, right| right.1.cmp(&left.1).then_with(|| left.0.cmp(&right.0)));
    counted
        .into_iter()
        .take(MAX_EXPANSIONS)
        .filter_map(|(bytes, _)| String::from_utf8(bytes).ok())
        .map(|word| Term::from_field_text(field, &word))
        .collect()
}

/// The words of `fields` (in every segment) that `word` may stand for with `typos` typos, a
/// typo on the first letter counting as two ([`crate::analysis::is_typo_of`]), other than
/// `word` itself: its exact form is matched, and better scored, by its stems. Expanding once
/// per search spares reading the word's own posting list, often the longest, into a bit set
/// in every segment, as tantivy's fuzzy query does.
///
/// Walking a dictionary with a two-typo automaton from its root visits most of its first
/// levels: building a misspelt query, mostly those walks, was two thirds of its calling
/// thread's time in a profile. With the first letter fixed, the
/// walk stays among the words starting with it; the few words whose one typo is on the first
/// letter come from a one-typo walk, which leaves the root's branches after a letter.
fn typo_variants(
    searcher: &Searcher,
    fields: [Field; 2],
    word: &str,
    typos: u8,
) -> tantivy::Result<[Vec<Term>; 2]> {
    let automaton = |typos: u8| {
        FuzzyTermQuery::new(Term::from_field_text(fields[0], word), typos, true).automaton()
    };
    let same_start = automaton(typos)?;
    let first_letter_only = if typos >= 2 {
        Some(automaton(1)?)
    } else {
        None
    };
    let first = word.chars().next().map_or(0, char::len_utf8);
    let start = &word.as_bytes()[..first];
    // The first key after every word starting with `start` (the last byte of a character in
    // UTF-8 is never 0xFF).
    let mut after_start = start.to_vec();
    if let Some(last) = after_start.last_mut() {
        *last += 1;
    }
    let mut variants = [Vec::new(), Vec::new()];
    for (field, found) in fields.into_iter().zip(&mut variants) {
        let mut counts: HashMap<Vec<u8>, u64> = HashMap::new();
        let mut count = |key: &[u8], documents: u32| {
            if key != word.as_bytes() {
                *counts.entry(key.to_vec()).or_default() += u64::from(documents);
            }
        };
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted
                .terms()
                .search(&same_start)
                .ge(start)
                .lt(&after_start)
                .into_stream()?;
            while stream.advance() {
                count(stream.key(), stream.value().doc_freq);
            }
            if let Some(first_letter_only) = &first_letter_only {
                let mut stream = inverted.terms().search(first_letter_only).into_stream()?;
                while stream.advance() {
                    if !stream.key().starts_with(start) {
                        count(stream.key(), stream.value().doc_freq);
                    }
                }
            }
        }
        *found = most_frequent(field, counts);
    }
    Ok(variants)
}

/// The words of `field` (in every segment) that start with `prefix`, other than `prefix`
/// itself (matched by its stems).
fn completions(searcher: &Searcher, field: Field, prefix: &str) -> tantivy::Result<Vec<Term>> {
    let mut counts: HashMap<Vec<u8>, u64> = HashMap::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut stream = inverted
            .terms()
            .range()
            .gt(prefix.as_bytes())
            .into_stream()?;
        while stream.advance() && stream.key().starts_with(prefix.as_bytes()) {
            *counts.entry(stream.key().to_vec()).or_default() += u64::from(stream.value().doc_freq);
        }
    }
    Ok(most_frequent(field, counts))
}

/// Documents with any of `terms`, at a constant `score`.
fn any_term_scored(terms: Vec<Term>, score: f32) -> Option<Box<dyn Query>> {
    (!terms.is_empty())
        .then(|| Box::new(crate::scoring::AnyTerm::new(terms, score)) as Box<dyn Query>)
}

/// A circle on the map.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Near {
    pub centre: Point,
    pub radius_km: f64,
}

/// The filters of a search. Filters about an attribute only some kinds have (price, CPF,
/// session dates, availability, levels) keep only documents that have it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    pub kinds: Vec<DocumentKind>,
    /// Every one of these skills (or a narrower one) must be present.
    pub all_skills: Vec<String>,
    /// At least one of these skills (or a narrower one) must be present.
    pub any_skills: Vec<String>,
    pub near: Option<Near>,
    pub departments: Vec<String>,
    pub modalities: Vec<String>,
    pub max_price_cents: Option<u64>,
    pub cpf_eligible: Option<bool>,
    pub certified_only: bool,
    pub qualiopi_only: bool,
    /// Days since 1970-01-01.
    pub starts_after: Option<i64>,
    pub starts_before: Option<i64>,
    pub available_before: Option<i64>,
    pub min_level: Option<u8>,
}

/// The orders a search can return.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sort {
    Relevance,
    Newest,
    PriceAscending,
    StartDate,
    Distance,
}

/// One query word and how it may match, kept for highlighting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct QueryWord {
    pub folded: String,
    pub stems: [String; 2],
    pub typos: u8,
    pub prefix: bool,
}

/// What a query matches, as words: what highlighting marks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryPlan {
    /// The words typed, then the words of the labels of skills they named.
    pub(crate) words: Vec<QueryWord>,
}

impl QueryPlan {
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

/// Cuts the query into words, drops stop words (unless nothing else is left) and bounds it.
/// Also says whether the last word is still being typed: it ends the text, and the person
/// has not typed a space or a stop word after it.
fn query_words(analysers: &mut Analysers, text: &str) -> (Vec<String>, bool) {
    let text: String = text.chars().take(MAX_QUERY_CHARS).collect();
    let mut words = analysers.meaningful_words(&text);
    words.truncate(MAX_QUERY_WORDS);
    let typing_last = words.last().is_some_and(|word| word.to == text.len());
    (
        words.into_iter().map(|word| word.folded).collect(),
        typing_last,
    )
}

fn term_query(field: Field, text: &str, boost: f32) -> Box<dyn Query> {
    let query = TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    );
    Box::new(BoostQuery::new(Box::new(query), boost))
}

fn any_of(mut queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    match queries.len() {
        0 => Box::new(EmptyQuery),
        1 => queries.remove(0),
        // Not tantivy's union (a boolean query of `Should` clauses): see `AnyOf`.
        _ => Box::new(AnyOf::new(queries)),
    }
}

fn terms_of(field: Field, values: impl IntoIterator<Item = String>) -> Box<dyn Query> {
    any_of(
        values
            .into_iter()
            .map(|value| {
                Box::new(TermQuery::new(
                    Term::from_field_text(field, &value),
                    IndexRecordOption::Basic,
                )) as Box<dyn Query>
            })
            .collect(),
    )
}

/// The text part of a search, ready to be run with "all words" or "any word".
#[derive(Debug)]
pub(crate) struct TextQuery {
    groups: Vec<Box<dyn Query>>,
    pub plan: QueryPlan,
}

impl TextQuery {
    /// Typos and prefixes are expanded to the words of `searcher`'s index they stand for.
    pub(crate) fn build(
        text: &str,
        fields: &Fields,
        taxonomy: &Taxonomy,
        analysers: &mut Analysers,
        searcher: &Searcher,
    ) -> tantivy::Result<Self> {
        let (words, typing_last) = query_words(analysers, text);
        let mut plan = QueryPlan::default();
        let mut groups = Vec::new();
        let mut position = 0;
        while position < words.len() {
            // The longest run of words from here that names skills.
            let named = (1..=Taxonomy::longest_label().min(words.len() - position))
                .rev()
                .find_map(|length| {
                    taxonomy
                        .named(&words[position..position + length])
                        .map(|slugs| (length, slugs))
                });
            let (length, skills) = match named {
                Some((length, slugs)) => (length, Some(slugs)),
                None => (1, None),
            };
            let last = position + length == words.len();
            let mut word_groups = Vec::new();
            for (offset, word) in words[position..position + length].iter().enumerate() {
                let is_last = last && offset + 1 == length;
                let (query, planned) = Self::word(
                    word,
                    is_last && typing_last && word.chars().count() >= SHORTEST_PREFIX,
                    fields,
                    analysers,
                    searcher,
                )?;
                plan.words.push(planned);
                word_groups.push(query);
            }
            let words_query: Box<dyn Query> = if word_groups.len() == 1 {
                word_groups.remove(0)
            } else {
                Box::new(BooleanQuery::new(
                    word_groups
                        .into_iter()
                        .map(|query| (Occur::Must, query))
                        .collect(),
                ))
            };
            let group = match skills {
                None => words_query,
                Some(slugs) => {
                    let typed = &words[position..position + length];
                    let mut alternatives = vec![words_query];
                    let mut with_narrower = BTreeSet::new();
                    for slug in slugs {
                        with_narrower.extend(taxonomy.with_narrower(slug).iter().cloned());
                        alternatives.extend(Self::labels(
                            taxonomy, slug, typed, fields, analysers, &mut plan,
                        ));
                    }
                    // Having the skill is yes or no: a constant, not BM25 over the skills
                    // column, which would favour documents with fewer skills.
                    alternatives.push(Box::new(ConstScoreQuery::new(
                        terms_of(fields.skills, with_narrower),
                        NAMED_SKILL_SCORE,
                    )));
                    any_of(alternatives)
                }
            };
            groups.push(group);
            position += length;
        }
        Ok(Self { groups, plan })
    }

    /// The labels of a named skill other than what was typed, as text to match: "k8s" also
    /// finds the documents that say "Kubernetes" without having the skill.
    fn labels(
        taxonomy: &Taxonomy,
        slug: &str,
        typed: &[String],
        fields: &Fields,
        analysers: &mut Analysers,
        plan: &mut QueryPlan,
    ) -> Vec<Box<dyn Query>> {
        let Some(skill) = taxonomy.skill(slug) else {
            return Vec::new();
        };
        let mut seen: Vec<Vec<String>> = vec![typed.to_vec()];
        let mut queries = Vec::new();
        for label in [&skill.label_fr, &skill.label_en] {
            let words: Vec<String> = analysers
                .meaningful_words(label)
                .into_iter()
                .map(|word| word.folded)
                .collect();
            if words.is_empty() || seen.contains(&words) {
                continue;
            }
            let mut all_words = Vec::new();
            for word in &words {
                let (french, english) = Self::stems(word, analysers);
                all_words.push((Occur::Must, any_of(Self::exact(&french, &english, fields))));
                if !plan.words.iter().any(|planned| planned.folded == *word) {
                    plan.words.push(QueryWord {
                        folded: word.clone(),
                        stems: [french, english],
                        typos: 0,
                        prefix: false,
                    });
                }
            }
            queries.push(Box::new(BooleanQuery::new(all_words)) as Box<dyn Query>);
            seen.push(words);
        }
        queries
    }

    fn stems(word: &str, analysers: &mut Analysers) -> (String, String) {
        (
            analysers.stem(word, TextLanguage::French),
            analysers.stem(word, TextLanguage::English),
        )
    }

    /// A word's stems in the stemmed fields, weighted by field and scored by BM25.
    fn exact(french: &str, english: &str, fields: &Fields) -> Vec<Box<dyn Query>> {
        vec![
            term_query(fields.title_fr, french, 3.0),
            term_query(fields.title_en, english, 3.0),
            term_query(fields.skills_fr, french, 2.5),
            term_query(fields.skills_en, english, 2.5),
            term_query(fields.body_fr, french, 1.0),
            term_query(fields.body_en, english, 1.0),
        ]
    }

    fn word(
        word: &str,
        prefix: bool,
        fields: &Fields,
        analysers: &mut Analysers,
        searcher: &Searcher,
    ) -> tantivy::Result<(Box<dyn Query>, QueryWord)> {
        let (french, english) = Self::stems(word, analysers);
        // BM25 alone would not do: a word in most documents scores next to nothing.
        let mut alternatives: Vec<Box<dyn Query>> = vec![Box::new(PlusConstant::new(
            any_of(Self::exact(&french, &english, fields)),
            EXACT_WORD_SCORE,
        ))];
        let typos = match allowed_typos(word) {
            0 => 0,
            _ if written_in(searcher, fields, word)? >= TYPED_AS_MEANT => 0,
            typos => typos,
        };
        if typos > 0 {
            let [in_titles, in_bodies] = typo_variants(
                searcher,
                [fields.folded_title, fields.folded_body],
                word,
                typos,
            )?;
            alternatives.extend(any_term_scored(in_titles, 0.6));
            alternatives.extend(any_term_scored(in_bodies, 0.2));
        }
        if prefix {
            for (field, score) in [(fields.folded_title, 0.8), (fields.folded_body, 0.3)] {
                alternatives.extend(any_term_scored(completions(searcher, field, word)?, score));
            }
        }
        let planned = QueryWord {
            folded: word.to_owned(),
            stems: [french, english],
            typos,
            prefix,
        };
        Ok((any_of(alternatives), planned))
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    pub(crate) fn group_count(&self) -> usize {
        self.groups.len()
    }

    /// Every group must match (`all`), or at least one. With "at least one", each group a
    /// document matches adds [`MATCHED_GROUP_SCORE`], so that documents with more of the words
    /// rank above those with fewer, and text relevance only orders those with as many.
    pub(crate) fn query(&self, all: bool) -> Option<Box<dyn Query>> {
        if self.groups.is_empty() {
            return None;
        }
        let clauses = self
            .groups
            .iter()
            .map(|group| {
                if all {
                    (Occur::Must, group.box_clone())
                } else {
                    let counted = PlusConstant::new(group.box_clone(), MATCHED_GROUP_SCORE);
                    (Occur::Should, Box::new(counted) as Box<dyn Query>)
                }
            })
            .collect();
        Some(Box::new(BooleanQuery::new(clauses)))
    }
}

/// The filters that tantivy evaluates (the others, kinds, modalities, departments and the
/// radius, are checked by the collector, which needs them apart to count facets).
pub(crate) fn filter_clauses(
    filter: &Filter,
    fields: &Fields,
    taxonomy: &Taxonomy,
    today: i64,
) -> Vec<(Occur, Box<dyn Query>)> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let kind_is = |kind: DocumentKind| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_u64(fields.kind, kind.code()),
            IndexRecordOption::Basic,
        ))
    };
    let skill_terms = |slug: &str| -> Box<dyn Query> {
        let skills = taxonomy.with_narrower(slug).iter().cloned();
        match filter.min_level {
            Some(level) => terms_of(
                fields.skill_levels,
                skills.map(|skill| skill_level_term(&skill, level)),
            ),
            None => terms_of(fields.skills, skills),
        }
    };
    for slug in &filter.all_skills {
        clauses.push((Occur::Must, skill_terms(slug)));
    }
    if !filter.any_skills.is_empty() {
        let any: Vec<Box<dyn Query>> = filter
            .any_skills
            .iter()
            .map(|slug| skill_terms(slug))
            .collect();
        clauses.push((Occur::Must, any_of(any)));
    }
    if let (Some(level), true, true) = (
        filter.min_level,
        filter.all_skills.is_empty(),
        filter.any_skills.is_empty(),
    ) {
        clauses.push((
            Occur::Must,
            terms_of(fields.skill_levels, [skill_level_term(ANY_SKILL, level)]),
        ));
    }
    if let Some(max) = filter.max_price_cents {
        clauses.push((
            Occur::Must,
            Box::new(RangeQuery::new(
                Bound::Included(Term::from_field_u64(fields.price, 0)),
                Bound::Included(Term::from_field_u64(fields.price, max)),
            )),
        ));
    }
    let flag = |name: &str| terms_of(fields.flags, [name.to_owned()]);
    match filter.cpf_eligible {
        Some(true) => clauses.push((Occur::Must, flag(FLAG_CPF))),
        Some(false) => {
            clauses.push((Occur::Must, kind_is(DocumentKind::TrainingOffer)));
            clauses.push((Occur::MustNot, flag(FLAG_CPF)));
        }
        None => {}
    }
    if filter.certified_only {
        clauses.push((Occur::Must, flag(FLAG_CERTIFIED)));
    }
    if filter.qualiopi_only {
        clauses.push((Occur::Must, flag(FLAG_QUALIOPI)));
    }
    if filter.starts_after.is_some() || filter.starts_before.is_some() {
        // Sessions that already started are not "starting" any more.
        let from = filter.starts_after.unwrap_or(today).max(today);
        let upper = filter.starts_before.map_or(Bound::Unbounded, |before| {
            Bound::Included(Term::from_field_i64(fields.starts, before))
        });
        clauses.push((
            Occur::Must,
            Box::new(RangeQuery::new(
                Bound::Included(Term::from_field_i64(fields.starts, from)),
                upper,
            )),
        ));
    }
    if let Some(before) = filter.available_before {
        clauses.push((Occur::Must, kind_is(DocumentKind::SkillProfile)));
        clauses.push((
            Occur::MustNot,
            Box::new(RangeQuery::new(
                Bound::Excluded(Term::from_field_i64(fields.available_from, before)),
                Bound::Unbounded,
            )),
        ));
    }
    clauses
}

/// The whole query: text (all or any of its words) and the filters. Filters only select: they
/// score zero, so that the ranking of what they keep is the text's alone.
pub(crate) fn combine(
    text: Option<Box<dyn Query>>,
    filters: Vec<(Occur, Box<dyn Query>)>,
) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = filters
        .into_iter()
        .map(|(occur, query)| match occur {
            Occur::MustNot => (occur, query),
            _ => (
                occur,
                Box::new(ConstScoreQuery::new(query, 0.0)) as Box<dyn Query>,
            ),
        })
        .collect();
    let has_positive = text.is_some() || clauses.iter().any(|(occur, _)| *occur == Occur::Must);
    if let Some(text) = text {
        clauses.push((Occur::Must, text));
    }
    if !has_positive {
        clauses.push((Occur::Must, Box::new(AllQuery)));
    }
    Box::new(BooleanQuery::new(clauses))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_dropped_unless_alone() {
        let mut analysers = Analysers::new();
        assert_eq!(
            query_words(&mut analysers, "formation de Rust à Montpellier").0,
            ["formation", "rust", "montpellier"]
        );
        assert_eq!(query_words(&mut analysers, "de la").0, ["de", "la"]);
    }

    #[test]
    fn query_syntax_is_just_text() {
        let mut analysers = Analysers::new();
        let (words, _) = query_words(&mut analysers, "title:(rust OR \"go\") AND -java* /re.*/");
        assert_eq!(words, ["title", "rust", "go", "java", "re"]);
    }

    #[test]
    fn only_a_last_word_still_being_typed_is_a_prefix() {
        let mut analysers = Analysers::new();
        assert!(query_words(&mut analysers, "rust kubern").1);
        assert!(!query_words(&mut analysers, "rust kubern ").1);
        assert!(
            !query_words(&mut analysers, "kubern de").1,
            "a stop word came after it"
        );
        assert!(!query_words(&mut analysers, "kubern!").1);
        assert!(
            query_words(&mut analysers, "de la").1,
            "stop words alone are kept"
        );
    }

    #[test]
    fn long_queries_are_bounded() {
        let mut analysers = Analysers::new();
        let text = "mot ".repeat(1000);
        assert_eq!(query_words(&mut analysers, &text).0.len(), MAX_QUERY_WORDS);
    }
}
