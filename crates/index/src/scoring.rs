//! A query tantivy lacks: "what this query matches, scored by it plus a constant".
//!
//! A word's exact matches score BM25 over its fields plus a constant for matching at all
//! (see `query.rs`). Built from tantivy's own queries that took the six term queries twice, once
//! scored and once under a constant score, and merging those twelve posting lists was the
//! largest part of a broad search; adding the constant to the scored union's score reads
//! each list once.

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term};

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
}
