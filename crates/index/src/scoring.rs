//! Three queries tantivy lacks, all found by profiling searches.
//!
//! - [`PlusConstant`]: "what this query matches, scored by it plus a constant". A word's
//!   exact matches score BM25 over its fields plus a constant for matching at all (see
//!   `query.rs`). Built from tantivy's own queries that took the six term queries twice, once
//!   scored and once under a constant score, and merging those twelve posting lists was the
//!   largest part of a broad search; adding the constant to the scored union's score reads
//!   each list once.
//! - [`AnyTerm`]: "documents holding any of these terms, at a constant score", for a word's
//!   typo variants and prefix completions. tantivy's `TermSetQuery` does the same, but builds
//!   an FST of its terms at every search to walk the dictionary with, and the FST builder's
//!   registry (tens of thousands of cells, allocated and cleared each time) was about a tenth
//!   of a search. For the few dozen terms of an expansion, looking each up is enough.
//! - [`AnyOf`]: "documents any of these queries match, scored by the sum of those that do",
//!   what a boolean query of `Should` clauses does, for a word's ways of matching. tantivy's
//!   union scores every document of a window of 4,096 ahead as it fills the window, and a
//!   jump past the window clears it (32 KiB) and fills the next. Inside a query of several
//!   words, each word's union is mostly jumped through: the rarest word leads and the others
//!   are asked for one document at a time, far apart. Filling and clearing windows for them
//!   was the largest part of searching for two or three words: in a profile of a server
//!   under load at 100,000 documents, a third of the samples were inside tantivy's union and
//!   a fifth in its own code. This union moves only the clauses behind the document asked
//!   for and scores a document only when asked to; read in order, or asked for documents
//!   close together, it fills windows as tantivy's does (see `AnyOfScorer`).

use tantivy::query::{
    BitSetDocSet, ConstScorer, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{BitSet, DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError, Term};

/// Matches what `inner` matches; scores `inner`'s score plus `bonus`.
#[derive(Debug)]
pub(crate) struct PlusConstant {
    inner: Box<dyn Query>,
    bonus: Score,
}

impl PlusConstant {
    pub(crate) fn new(inner: Box<dyn Query>, bonus: Score) -> Self {
        Self { inner, bonus }
    }
}

impl Clone for PlusConstant {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.box_clone(),
            bonus: self.bonus,
        }
    }
}

impl Query for PlusConstant {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let inner = self.inner.weight(enable_scoring)?;
        if !enable_scoring.is_scoring_enabled() {
            return Ok(inner);
        }
        Ok(Box::new(PlusConstantWeight {
            inner,
            bonus: self.bonus,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.inner.query_terms(visitor);
    }
}

struct PlusConstantWeight {
    inner: Box<dyn Weight>,
    bonus: Score,
}

impl Weight for PlusConstantWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(PlusConstantScorer {
            inner: self.inner.scorer(reader, boost)?,
            bonus: self.bonus * boost,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let inner = self.inner.explain(reader, doc)?;
        let mut explanation = Explanation::new("plus a constant", inner.value() + self.bonus);
        explanation.add_detail(inner);
        Ok(explanation)
    }
}

struct PlusConstantScorer {
    inner: Box<dyn Scorer>,
    bonus: Score,
}

impl DocSet for PlusConstantScorer {
    fn advance(&mut self) -> DocId {
        self.inner.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.inner.seek(target)
    }

    fn doc(&self) -> DocId {
        self.inner.doc()
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }

    fn cost(&self) -> u64 {
        self.inner.cost()
    }
}

impl Scorer for PlusConstantScorer {
    fn score(&mut self) -> Score {
        self.inner.score() + self.bonus
    }
}

/// Matches the documents holding any of its terms (of any fields), each scored the same.
#[derive(Debug, Clone)]
pub(crate) struct AnyTerm {
    terms: Vec<Term>,
    score: Score,
}

impl AnyTerm {
    pub(crate) fn new(terms: Vec<Term>, score: Score) -> Self {
        Self { terms, score }
    }
}

impl Query for AnyTerm {
    fn weight(&self, _enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for term in &self.terms {
            visitor(term, false);
        }
    }
}

impl Weight for AnyTerm {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut documents = BitSet::with_max_value(reader.max_doc());
        for term in &self.terms {
            let inverted = reader.inverted_index(term.field())?;
            let Some(info) = inverted.get_term_info(term)? else {
                continue;
            };
            let mut postings =
                inverted.read_block_postings_from_terminfo(&info, IndexRecordOption::Basic)?;
            while !postings.docs().is_empty() {
                for &doc in postings.docs() {
                    documents.insert(doc);
                }
                postings.advance();
            }
        }
        Ok(Box::new(ConstScorer::new(
            BitSetDocSet::from(documents),
            self.score * boost,
        )))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document {doc} holds none of the terms"
            )));
        }
        Ok(Explanation::new("holds one of the terms", scorer.score()))
    }
}

/// Matches what any of its queries match; scores the sum of the scores of those that match.
#[derive(Debug)]
pub(crate) struct AnyOf {
    queries: Vec<Box<dyn Query>>,
}

impl AnyOf {
    pub(crate) fn new(queries: Vec<Box<dyn Query>>) -> Self {
        Self { queries }
    }
}

impl Clone for AnyOf {
    fn clone(&self) -> Self {
        Self {
            queries: self.queries.iter().map(|query| query.box_clone()).collect(),
        }
    }
}

impl Query for AnyOf {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(AnyOfWeight {
            weights: self
                .queries
                .iter()
                .map(|query| query.weight(enable_scoring))
                .collect::<tantivy::Result<_>>()?,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for query in &self.queries {
            query.query_terms(visitor);
        }
    }
}

struct AnyOfWeight {
    weights: Vec<Box<dyn Weight>>,
}

impl Weight for AnyOfWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut scorers = Vec::with_capacity(self.weights.len());
        for weight in &self.weights {
            let scorer = weight.scorer(reader, boost)?;
            if scorer.doc() != TERMINATED {
                scorers.push(scorer);
            }
        }
        Ok(match scorers.len() {
            0 => Box::new(EmptyScorer),
            1 => scorers.remove(0),
            _ => Box::new(AnyOfScorer::new(scorers, reader.max_doc())),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let matched: Vec<Explanation> = self
            .weights
            .iter()
            .filter_map(|weight| weight.explain(reader, doc).ok())
            .collect();
        if matched.is_empty() {
            return Err(TantivyError::InvalidArgument(format!(
                "document {doc} matches none of the queries"
            )));
        }
        let mut explanation = Explanation::new(
            "sum of the queries it matches",
            matched.iter().map(Explanation::value).sum(),
        );
        for detail in matched {
            explanation.add_detail(detail);
        }
        Ok(explanation)
    }
}

/// Documents ahead of the current one whose scores a union computes at once when it is
/// read in order, as tantivy's union does; 64 words of 64 bits.
const WINDOW: u32 = 4096;
const WINDOW_WORDS: usize = WINDOW as usize / 64;

/// The union of its scorers (none of them terminated), in one of two ways of moving:
/// - read in order (`advance`, as the leading clause of a query or the whole of it), it
///   scores the documents of a window ahead at once, each scorer reading its postings in
///   turn, and hands them out from the window;
/// - asked for a document (`seek`, as a clause checked against another's documents), it
///   moves only the scorers behind that document and scores it only when asked: no window
///   is filled for one document.
///
/// A seek within the window stays in it; a seek past it leaves it.
struct AnyOfScorer {
    scorers: Vec<Box<dyn Scorer>>,
    doc: DocId,
    /// Whether `doc` comes from the window (its score is `score`) or is the smallest
    /// document of the scorers (its score is the sum of those on it).
    windowed: bool,
    score: Score,
    window_start: DocId,
    /// Seeks this close apart on average are taken as the union being read nearly in order,
    /// and fill windows instead of seeking each scorer: see `AnyOfScorer::new`.
    close_seek: u32,
    /// The distance of recent seeks, on average (each new one weighs an eighth).
    seek_gap: u32,
    /// Documents of the window not handed out yet, from `word` on. The window is allocated
    /// at the first fill: a union only ever sought never needs it.
    bits: Vec<u64>,
    word: usize,
    scores: Vec<Score>,
}

impl AnyOfScorer {
    fn new(scorers: Vec<Box<dyn Scorer>>, max_doc: u32) -> Self {
        // Seeking costs each scorer a skip (about a posting's worth of reading and scoring);
        // filling a window ahead costs its postings, `cost / max_doc` a document. Seeks `gap`
        // documents apart make a window pay when the postings between two seeks cost less
        // than seeking every scorer: `gap * cost / max_doc < scorers`. (Twice that filled
        // windows for two-word searches whose rarer word was one document in a hundred, and
        // made them slower than seeking.)
        let postings = scorers
            .iter()
            .map(|scorer| scorer.cost())
            .sum::<u64>()
            .max(1);
        let close_seek =
            (scorers.len() as u64 * u64::from(max_doc) / postings).min(u64::from(WINDOW));
        let mut union = Self {
            close_seek: u32::try_from(close_seek).unwrap_or(WINDOW),
            seek_gap: WINDOW,
            scorers,
            doc: TERMINATED,
            windowed: false,
            score: 0.0,
            window_start: 0,
            bits: Vec::new(),
            word: WINDOW_WORDS,
            scores: Vec::new(),
        };
        union.settle();
        union
    }

    /// Drops the scorers that are done and stands on the smallest document of the others.
    fn settle(&mut self) -> DocId {
        let mut smallest = TERMINATED;
        let mut any_done = false;
        for scorer in &self.scorers {
            let doc = scorer.doc();
            any_done |= doc == TERMINATED;
            smallest = smallest.min(doc);
        }
        if any_done {
            self.scorers.retain(|scorer| scorer.doc() != TERMINATED);
        }
        self.windowed = false;
        self.doc = smallest;
        smallest
    }

    /// Scores every document of the window starting at the smallest document of the
    /// scorers; false when they are all done.
    fn fill(&mut self) -> bool {
        let Some(start) = self.scorers.iter().map(|scorer| scorer.doc()).min() else {
            return false;
        };
        if start == TERMINATED {
            return false;
        }
        if self.bits.is_empty() {
            self.bits = vec![0; WINDOW_WORDS];
            self.scores = vec![0.0; WINDOW as usize];
        }
        let end = start.saturating_add(WINDOW);
        for scorer in &mut self.scorers {
            let mut doc = scorer.doc();
            while doc < end {
                let delta = (doc - start) as usize;
                self.bits[delta / 64] |= 1 << (delta % 64);
                self.scores[delta] += scorer.score();
                doc = scorer.advance();
            }
        }
        self.scorers.retain(|scorer| scorer.doc() != TERMINATED);
        self.window_start = start;
        self.word = 0;
        true
    }

    /// Hands out the window's next document, if any is left.
    fn next_in_window(&mut self) -> bool {
        while self.word < WINDOW_WORDS {
            let bits = self.bits[self.word];
            if bits != 0 {
                let bit = bits.trailing_zeros() as usize;
                self.bits[self.word] = bits & (bits - 1);
                let delta = self.word * 64 + bit;
                self.score = std::mem::take(&mut self.scores[delta]);
                // `delta` is below `WINDOW`.
                #[allow(clippy::cast_possible_truncation)]
                let delta = delta as DocId;
                self.doc = self.window_start + delta;
                self.windowed = true;
                return true;
            }
            self.word += 1;
        }
        false
    }

    /// Hands out the next document through windows, filling the next one when this one is
    /// spent; the scorers are all past the current document.
    fn advance_windowed(&mut self) -> DocId {
        loop {
            if self.next_in_window() {
                return self.doc;
            }
            if !self.fill() {
                self.windowed = false;
                self.doc = TERMINATED;
                return TERMINATED;
            }
        }
    }

    /// Forgets the window's documents below `end` (an offset in the window), clearing their
    /// scores so that the next fill starts from zero.
    fn drop_window_below(&mut self, end: usize) {
        let last_word = end.div_ceil(64).min(WINDOW_WORDS);
        while self.word < last_word {
            let mut bits = self.bits[self.word];
            let base = self.word * 64;
            let keep = if base + 64 > end {
                // The part of the last word at or above `end` stays.
                !0u64 << (end - base)
            } else {
                0
            };
            let mut dropped = bits & !keep;
            while dropped != 0 {
                let bit = dropped.trailing_zeros() as usize;
                self.scores[base + bit] = 0.0;
                dropped &= dropped - 1;
            }
            bits &= keep;
            self.bits[self.word] = bits;
            if bits != 0 {
                return;
            }
            self.word += 1;
        }
    }
}

impl DocSet for AnyOfScorer {
    fn advance(&mut self) -> DocId {
        if !self.windowed {
            if self.doc == TERMINATED {
                return TERMINATED;
            }
            let current = self.doc;
            for scorer in &mut self.scorers {
                if scorer.doc() == current {
                    scorer.advance();
                }
            }
        }
        self.advance_windowed()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        if self.windowed {
            let offset = target - self.window_start;
            if offset < WINDOW {
                self.drop_window_below(offset as usize);
                if self.next_in_window() {
                    return self.doc;
                }
            } else {
                self.drop_window_below(WINDOW as usize);
            }
            // The window holds nothing at or past the target: the scorers, all past the
            // window, take over.
        }
        let gap = (target - self.doc).min(WINDOW);
        self.seek_gap = (self.seek_gap * 7 + gap) / 8;
        for scorer in &mut self.scorers {
            if scorer.doc() < target {
                scorer.seek(target);
            }
        }
        if self.seek_gap < self.close_seek {
            // Sought nearly in order: read on from here through windows.
            return self.advance_windowed();
        }
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.scorers
            .iter()
            .map(|scorer| scorer.size_hint())
            .fold(0, u32::saturating_add)
    }

    fn cost(&self) -> u64 {
        self.scorers.iter().map(|scorer| scorer.cost()).sum()
    }
}

impl Scorer for AnyOfScorer {
    fn score(&mut self) -> Score {
        if self.windowed {
            return self.score;
        }
        let current = self.doc;
        self.scorers
            .iter_mut()
            .filter(|scorer| scorer.doc() == current)
            .map(|scorer| scorer.score())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, TermQuery};
    use tantivy::schema::{Field, IndexRecordOption, Schema, TEXT};
    use tantivy::{Index, IndexWriter, TantivyDocument, doc};

    use super::*;

    /// Every document `query` matches (these indexes hold at most 20,000), with its score,
    /// in document order.
    fn every_match(
        searcher: &tantivy::Searcher,
        query: &dyn Query,
    ) -> Vec<(Score, tantivy::DocAddress)> {
        let mut found = searcher
            .search(query, &TopDocs::with_limit(20_000).order_by_score())
            .unwrap();
        found.sort_by_key(|(_, address)| *address);
        found
    }

    #[test]
    fn adds_the_constant_to_every_match_and_matches_the_same() {
        let mut builder = Schema::builder();
        let text = builder.add_text_field("text", TEXT);
        let index = Index::create_in_ram(builder.build());
        let mut writer: IndexWriter<TantivyDocument> = index.writer(15_000_000).unwrap();
        writer.add_document(doc!(text => "rust rust")).unwrap();
        writer.add_document(doc!(text => "rust go")).unwrap();
        writer.add_document(doc!(text => "go")).unwrap();
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let rust = || -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(text, "rust"),
                IndexRecordOption::WithFreqs,
            ))
        };
        let top = |query: &dyn Query| {
            searcher
                .search(query, &TopDocs::with_limit(10).order_by_score())
                .unwrap()
        };
        let plain = top(rust().as_ref());
        let plus = top(&PlusConstant::new(rust(), 5.0));
        assert_eq!(plain.len(), 2);
        assert_eq!(plus.len(), 2);
        for ((plain_score, plain_doc), (plus_score, plus_doc)) in plain.iter().zip(&plus) {
            assert_eq!(plain_doc, plus_doc);
            assert!((plus_score - plain_score - 5.0).abs() < 1e-4);
        }
        // Inside a boolean query, with a boost: the constant is boosted as the score is.
        let boosted = BooleanQuery::new(vec![(
            tantivy::query::Occur::Must,
            Box::new(tantivy::query::BoostQuery::new(
                Box::new(PlusConstant::new(rust(), 5.0)),
                2.0,
            )) as Box<dyn Query>,
        )]);
        let doubled = top(&boosted);
        assert!((doubled[0].0 - 2.0 * plus[0].0).abs() < 1e-4);
    }

    #[test]
    fn any_term_matches_what_a_term_set_matches_at_one_score() {
        let mut builder = Schema::builder();
        let title = builder.add_text_field("title", TEXT);
        let body = builder.add_text_field("body", TEXT);
        let index = Index::create_in_ram(builder.build());
        let mut writer: IndexWriter<TantivyDocument> = index.writer(15_000_000).unwrap();
        // Two segments, and posting lists longer than one block of 128 documents.
        for segment in 0..2 {
            for number in 0..300 {
                let word = ["rust", "rouille", "go", "zig"][number % 4];
                if segment == 0 {
                    writer
                        .add_document(doc!(title => word, body => "texte"))
                        .unwrap();
                } else {
                    writer
                        .add_document(doc!(title => "titre", body => word))
                        .unwrap();
                }
            }
            writer.commit().unwrap();
        }
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 2);
        let terms = vec![
            Term::from_field_text(title, "rust"),
            Term::from_field_text(body, "rouille"),
            Term::from_field_text(body, "rust"),
            Term::from_field_text(title, "absent"),
        ];
        let ranked = |query: &dyn Query| every_match(&searcher, query);
        let expected = ranked(&tantivy::query::TermSetQuery::new(terms.clone()));
        let found = ranked(&tantivy::query::BoostQuery::new(
            Box::new(AnyTerm::new(terms, 3.0)),
            2.0,
        ));
        // 75 "rust" titles in the first segment; 75 "rust" and 75 "rouille" bodies in the
        // second.
        assert_eq!(found.len(), 225);
        assert_eq!(
            found
                .iter()
                .map(|(_, address)| *address)
                .collect::<Vec<_>>(),
            expected
                .iter()
                .map(|(_, address)| *address)
                .collect::<Vec<_>>()
        );
        assert!(found.iter().all(|(score, _)| (score - 6.0).abs() < 1e-6));
    }

    /// An index of one segment, larger than a few windows, where "common" is in most
    /// documents, "rare" in few, and the words of the union in between, in two fields.
    fn union_index() -> (Index, Field, Field) {
        let mut builder = Schema::builder();
        let title = builder.add_text_field("title", TEXT);
        let body = builder.add_text_field("body", TEXT);
        let index = Index::create_in_ram(builder.build());
        let mut writer: IndexWriter<TantivyDocument> = index.writer(50_000_000).unwrap();
        for number in 0u64..20_000 {
            let mut words = vec!["common"];
            if number % 3 == 0 {
                words.push("alpha");
            }
            if number % 7 == 0 {
                words.push("beta");
            }
            if number % 5 == 0 && number % 2 == 0 {
                words.push("alpha");
            }
            if number % 997 == 0 || number % 1013 == 0 {
                words.push("rare");
            }
            let text = words.join(" ");
            if number % 4 == 0 {
                writer
                    .add_document(doc!(title => text.as_str(), body => "gamma"))
                    .unwrap();
            } else {
                writer
                    .add_document(doc!(body => text.as_str(), title => "delta"))
                    .unwrap();
            }
        }
        writer.commit().unwrap();
        (index, title, body)
    }

    fn alternatives(title: Field, body: Field) -> Vec<Box<dyn Query>> {
        let term = |field: Field, word: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, word),
                IndexRecordOption::WithFreqs,
            ))
        };
        vec![
            term(title, "alpha"),
            term(body, "alpha"),
            Box::new(tantivy::query::BoostQuery::new(term(title, "beta"), 2.0)),
            term(body, "beta"),
            term(body, "gamma"),
        ]
    }

    fn should(queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
        Box::new(BooleanQuery::new(
            queries
                .into_iter()
                .map(|query| (tantivy::query::Occur::Should, query))
                .collect(),
        ))
    }

    #[test]
    fn any_of_matches_and_scores_as_tantivys_union_read_in_order_and_sought() {
        let (index, title, body) = union_index();
        let searcher = index.reader().unwrap().searcher();
        let everything = |query: &dyn Query| every_match(&searcher, query);
        let rare = || -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(body, "rare"),
                IndexRecordOption::WithFreqs,
            ))
        };
        let both = |union: Box<dyn Query>| {
            BooleanQuery::new(vec![
                (tantivy::query::Occur::Must, union),
                (tantivy::query::Occur::Must, rare()),
            ])
        };
        // Read in order: the union is the whole query.
        let expected = everything(should(alternatives(title, body)).as_ref());
        let found = everything(&AnyOf::new(alternatives(title, body)));
        // Sought: "rare" leads, the union is asked for its documents far apart.
        let expected_sought = everything(&both(should(alternatives(title, body))));
        let found_sought = everything(&both(Box::new(AnyOf::new(alternatives(title, body)))));
        assert!(expected.len() > 10_000, "{}", expected.len());
        assert!((10..100).contains(&expected_sought.len()));
        for (expected, found) in [(expected, found), (expected_sought, found_sought)] {
            assert_eq!(expected.len(), found.len());
            for ((expected_score, expected_doc), (score, doc)) in expected.iter().zip(&found) {
                assert_eq!(expected_doc, doc);
                assert!(
                    (expected_score - score).abs() < 1e-4,
                    "{expected_score} {score}"
                );
            }
        }
    }

    #[test]
    fn any_of_follows_any_mix_of_moves_in_and_out_of_its_window() {
        let (index, title, body) = union_index();
        let searcher = index.reader().unwrap().searcher();
        let reader = searcher.segment_reader(0);
        let scorer = |query: &dyn Query| {
            query
                .weight(EnableScoring::enabled_from_searcher(&searcher))
                .unwrap()
                .scorer(reader, 1.0)
                .unwrap()
        };
        // A fixed pseudo-random walk: steps of one, jumps within a window, jumps past one.
        let mut state: u64 = 0x5eed;
        let mut random = move |below: u32| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            u32::try_from((state >> 33) % u64::from(below)).unwrap()
        };
        let mut moves = 0;
        for _walk in 0..40 {
            let mut expected = scorer(should(alternatives(title, body)).as_ref());
            let mut found = scorer(&AnyOf::new(alternatives(title, body)));
            loop {
                assert_eq!(expected.doc(), found.doc(), "after {moves} moves");
                if expected.doc() == TERMINATED {
                    break;
                }
                if random(2) == 0 {
                    assert!((expected.score() - found.score()).abs() < 1e-4);
                }
                match random(8) {
                    0..=4 => {
                        expected.advance();
                        found.advance();
                    }
                    step => {
                        let reach = if step < 7 { 300 } else { 9_000 };
                        let target = expected.doc() + 1 + random(reach);
                        expected.seek(target);
                        found.seek(target);
                    }
                }
                moves += 1;
            }
        }
        assert!(moves > 500, "{moves}");
    }
}
