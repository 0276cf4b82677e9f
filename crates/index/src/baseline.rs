//! Baselines for the benchmark (`crates/bench`), kept here because this is the only crate that
//! speaks tantivy: what a plain tantivy user would do with the same documents, to set the
//! product's own layers (analysis, taxonomy, filters, facets, highlights, database) against.

use std::path::Path;
use std::time::{Duration, Instant};

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, QueryParser, TermQuery};
use tantivy::schema::{FAST, IndexRecordOption, STORED, STRING, Schema, TEXT};
use tantivy::{DocAddress, Index, IndexWriter, Searcher, TantivyDocument, Term, doc};

use crate::query;
use crate::{IndexError, SearchIndex, SearchRequest, tantivy_error};

impl SearchIndex {
    /// The product's own query for `request` (its words, typos, prefixes, taxonomy and every
    /// filter, departments as a term clause) run with tantivy's `TopDocs` collector, sorted by
    /// relevance: what tantivy alone costs for the same question, without the product's
    /// collector (total, facets, cursors, sorts), database or API. Returns document ids.
    pub fn raw_same_query(&self, request: &SearchRequest) -> Result<Vec<u128>, IndexError> {
        let collector = TopDocs::with_limit(request.first.max(1)).order_by_score();
        let ran = self.run_query(
            request,
            |fields| {
                let mut clauses =
                    query::filter_clauses(&request.filter, fields, &self.taxonomy, request.today);
                if !request.filter.departments.is_empty() {
                    let any: Vec<(Occur, Box<dyn Query>)> = request
                        .filter
                        .departments
                        .iter()
                        .map(|department| {
                            let term = Term::from_field_text(fields.departments, department);
                            let query: Box<dyn Query> =
                                Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                            (Occur::Should, query)
                        })
                        .collect();
                    clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
                }
                clauses
            },
            &collector,
            Vec::is_empty,
        )?;
        ids_of(
            &ran.searcher,
            ran.fruit.into_iter().map(|(_, address)| address),
        )
        .map_err(tantivy_error(&ran.path))
    }

    /// The same words searched directly on this index's text fields with tantivy's own query
    /// parser (all words required), top `limit` by BM25: no taxonomy, typos, prefixes, filters,
    /// facets or highlights. Returns document ids, best first.
    pub fn raw_search(&self, text: &str, limit: usize) -> Result<Vec<u128>, IndexError> {
        let generation = self.generation();
        let fields = &generation.fields;
        let index = generation.reader.searcher().index().clone();
        let mut parser = QueryParser::for_index(
            &index,
            vec![
                fields.title_fr,
                fields.title_en,
                fields.body_fr,
                fields.body_en,
            ],
        );
        parser.set_conjunction_by_default();
        let (query, _) = parser.parse_query_lenient(text);
        let searcher = generation.reader.searcher();
        let top = searcher
            .search(&query, &TopDocs::with_limit(limit).order_by_score())
            .map_err(tantivy_error(&generation.path))?;
        ids_of(&searcher, top.into_iter().map(|(_, address)| address))
            .map_err(tantivy_error(&generation.path))
    }
}

/// The ids of documents found, from their fast fields.
fn ids_of(
    searcher: &Searcher,
    addresses: impl Iterator<Item = DocAddress>,
) -> tantivy::Result<Vec<u128>> {
    let mut ids = Vec::new();
    for address in addresses {
        let fast = searcher.segment_reader(address.segment_ord).fast_fields();
        let high = fast.u64("id_high")?;
        let low = fast.u64("id_low")?;
        ids.push(
            (u128::from(high.first(address.doc_id).unwrap_or(0)) << 64)
                | u128::from(low.first(address.doc_id).unwrap_or(0)),
        );
    }
    Ok(ids)
}

/// Writes `documents` (id, title, body) into a fresh plain tantivy index in `folder` with one
/// `IndexWriter` and the default tokenizer, and returns how long it took, commit included.
pub fn raw_import<'a>(
    folder: &Path,
    documents: impl Iterator<Item = (u128, &'a str, &'a str)>,
) -> Result<(u64, Duration), IndexError> {
    let mut builder = Schema::builder();
    let id = builder.add_text_field("id", STRING | STORED);
    let id_low = builder.add_u64_field("id_low", FAST);
    let title = builder.add_text_field("title", TEXT);
    let body = builder.add_text_field("body", TEXT);
    let schema = builder.build();
    std::fs::create_dir_all(folder).map_err(|source| IndexError::Folder {
        path: folder.to_owned(),
        source,
    })?;
    let started = Instant::now();
    let index = Index::create_in_dir(folder, schema).map_err(tantivy_error(folder))?;
    let mut writer: IndexWriter<TantivyDocument> = index
        .writer(256 * 1024 * 1024)
        .map_err(tantivy_error(folder))?;
    let mut count = 0;
    for (key, text_title, text_body) in documents {
        // The low bits are enough to tell the benchmark's documents apart.
        #[allow(clippy::cast_possible_truncation)]
        let low = key as u64;
        writer
            .add_document(
                doc!(id => key.to_string(), id_low => low, title => text_title, body => text_body),
            )
            .map_err(tantivy_error(folder))?;
        count += 1;
    }
    writer.commit().map_err(tantivy_error(folder))?;
    Ok((count, started.elapsed()))
}
