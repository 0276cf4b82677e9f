//! Highlights: a piece of a field's text around what the query matched, HTML-escaped, with
//! `<mark>` around each matched word. A word counts as matched the way the query matched it:
//! same folded word, same stem in either language, the typed prefix of the last word, within
//! the typos allowed for its length, or a word of a label of a skill the query named ("k8s"
//! marks "Kubernetes", which it also matches).

use std::collections::HashMap;

use crate::analysis::{Analysers, TextLanguage, Word, is_typo_of};
use crate::query::QueryPlan;

/// Marks query matches in texts.
#[derive(Debug)]
pub struct Highlighter {
    plan: QueryPlan,
    analysers: Analysers,
    /// Whether each word seen so far matched: texts repeat their words, and stemming each
    /// occurrence twice is most of the cost of highlighting a long description.
    decided: HashMap<String, bool>,
}

/// Words remembered per highlighter, at most (a page of long texts stays well under it).
const MEMO_LIMIT: usize = 100_000;

fn escape_into(output: &mut String, text: &str) {
    for character in text.chars() {
        match character {
            '&' => output.push_str("&amp;"),
            '<' => output.push_str("&lt;"),
            '>' => output.push_str("&gt;"),
            '"' => output.push_str("&quot;"),
            '\'' => output.push_str("&#39;"),
            other => output.push(other),
        }
    }
}

/// The nearest character boundary at or before `index`.
fn floor_boundary(text: &str, mut index: usize) -> usize {
    index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

impl Highlighter {
    pub(crate) fn new(plan: QueryPlan) -> Self {
        Self {
            plan,
            analysers: Analysers::new(),
            decided: HashMap::new(),
        }
    }

    fn matches(&mut self, word: &Word) -> bool {
        if let Some(decided) = self.decided.get(&word.folded) {
            return *decided;
        }
        let matched = self.decide(word);
        if self.decided.len() < MEMO_LIMIT {
            self.decided.insert(word.folded.clone(), matched);
        }
        matched
    }

    fn decide(&mut self, word: &Word) -> bool {
        let stems = [
            self.analysers.stem(&word.folded, TextLanguage::French),
            self.analysers.stem(&word.folded, TextLanguage::English),
        ];
        self.plan.words.iter().any(|query| {
            query.folded == word.folded
                || query.stems[0] == stems[0]
                || query.stems[1] == stems[1]
                || (query.prefix && word.folded.starts_with(&query.folded))
                || is_typo_of(&query.folded, &word.folded, query.typos)
        })
    }

    /// The text, or a window of about `width` bytes of it around the first match, escaped and
    /// marked; `None` when nothing in it matches.
    pub fn snippet(&mut self, text: &str, width: usize) -> Option<String> {
        if self.plan.is_empty() {
            return None;
        }
        let words = self.analysers.words(text);
        let mut matched: Vec<&Word> = Vec::new();
        for word in &words {
            if self.matches(word) {
                matched.push(word);
            }
        }
        let first = matched.first()?;
        let (start, end) = if text.len() <= width {
            (0, text.len())
        } else {
            // Start a little before the first match, on a word boundary.
            let lead = width / 4;
            let start = words
                .iter()
                .map(|word| word.from)
                .filter(|from| *from + lead >= first.from && *from <= first.from)
                .min()
                .unwrap_or(first.from);
            let end = floor_boundary(text, start + width);
            let end = words
                .iter()
                .map(|word| word.to)
                .filter(|to| *to <= end)
                .max()
                .unwrap_or(end)
                .max(first.to);
            (start, end)
        };
        let mut output = String::with_capacity(end - start + 32);
        if start > 0 {
            output.push('…');
        }
        let mut cursor = start;
        for word in matched
            .iter()
            .filter(|word| word.from >= start && word.to <= end)
        {
            escape_into(&mut output, &text[cursor..word.from]);
            output.push_str("<mark>");
            escape_into(&mut output, &text[word.from..word.to]);
            output.push_str("</mark>");
            cursor = word.to;
        }
        escape_into(&mut output, &text[cursor..end]);
        if end < text.len() {
            output.push('…');
        }
        Some(output)
    }
}
