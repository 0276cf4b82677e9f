//! Two queries tantivy lacks, both found by profiling broad searches.
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

use tantivy::query::{
    BitSetDocSet, ConstScorer, EnableScoring, Explanation, Query, Scorer, Weight,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{BitSet, DocId, DocSet, Score, SegmentReader, TantivyError, Term};

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

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{Index, IndexWriter, TantivyDocument, doc};

    use super::*;

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
        let ranked = |query: &dyn Query| {
            let mut found = searcher
                .search(query, &TopDocs::with_limit(1_000).order_by_score())
                .unwrap();
            found.sort_by_key(|(_, address)| *address);
            found
        };
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
}
