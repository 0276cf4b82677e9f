//! What one request may ask for, measured on the parsed document before validation runs.
//!
//! Validation and execution expand fragments; a small document whose fragments spread each
//! other ten times over ("billion laughs") would expand to billions of fields before any limit
//! inside the engine noticed. Here each fragment is measured once and its measure reused at
//! every spread, with saturating arithmetic, so the cost of measuring is linear in the size of
//! the document text whatever the expansion, and a cycle of fragments is refused outright.
//!
//! Measured: depth, fields after expansion, aliases, directives, and a cost in the manner of
//! GitHub's and Shopify's: each field costs 1 plus its children's cost times its `first`
//! argument (page size times child cost). A field without `first` counts its children once.

use std::collections::HashMap;

use async_graphql::Variables;
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, Selection, SelectionSet,
};
use async_graphql::{Name, Value};

pub(crate) const MAX_DEPTH: u64 = 16;
pub(crate) const MAX_FIELDS: u64 = 2_000;
pub(crate) const MAX_ALIASES: u64 = 50;
pub(crate) const MAX_DIRECTIVES: u64 = 20;
/// 100 items with 100 items each, with a few fields apiece, fits; a third level does not.
pub(crate) const MAX_COST: u64 = 50_000;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Measure {
    pub depth: u64,
    pub fields: u64,
    pub aliases: u64,
    pub directives: u64,
    pub cost: u64,
}

impl Measure {
    /// Siblings: sums, except depth.
    fn beside(self, other: Measure) -> Measure {
        Measure {
            depth: self.depth.max(other.depth),
            fields: self.fields.saturating_add(other.fields),
            aliases: self.aliases.saturating_add(other.aliases),
            directives: self.directives.saturating_add(other.directives),
            cost: self.cost.saturating_add(other.cost),
        }
    }

    /// The first limit this measure breaks, as a message saying which and by how much.
    pub(crate) fn excess(self) -> Option<String> {
        [
            ("depth", self.depth, MAX_DEPTH),
            ("fields after expanding fragments", self.fields, MAX_FIELDS),
            ("aliases", self.aliases, MAX_ALIASES),
            ("directives", self.directives, MAX_DIRECTIVES),
            ("cost (page size × cost of each item)", self.cost, MAX_COST),
        ]
        .into_iter()
        .find(|(_, value, limit)| value > limit)
        .map(|(what, value, limit)| {
            format!("the query is too complex: {what} is {value}, the limit is {limit}; ask for less or use smaller pages")
        })
    }
}

/// A page size as given, literally or through a variable; anything else counts as 1.
fn page_size(value: Value) -> u64 {
    match value {
        Value::Number(number) => number.as_u64().unwrap_or(1).max(1),
        _ => 1,
    }
}

struct Measurer<'a> {
    document: &'a ExecutableDocument,
    variables: &'a Variables,
    measured: HashMap<Name, Measure>,
    visiting: Vec<Name>,
}

impl Measurer<'_> {
    fn selection_set(&mut self, set: &SelectionSet) -> Result<Measure, String> {
        let mut total = Measure::default();
        for item in &set.items {
            let measure = match &item.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let children = self.selection_set(&field.selection_set.node)?;
                    let first = field
                        .arguments
                        .iter()
                        .find(|(name, _)| name.node.as_str() == "first")
                        .map_or(1, |(_, value)| {
                            let variables = self.variables;
                            let resolved = value.node.clone().into_const_with(|name| {
                                Ok::<_, std::convert::Infallible>(
                                    variables.get(&name).cloned().unwrap_or(Value::Null),
                                )
                            });
                            resolved.map_or(1, page_size)
                        });
                    Measure {
                        depth: children.depth + 1,
                        fields: children.fields.saturating_add(1),
                        aliases: children
                            .aliases
                            .saturating_add(u64::from(field.alias.is_some())),
                        directives: children
                            .directives
                            .saturating_add(field.directives.len() as u64),
                        cost: children.cost.saturating_mul(first).saturating_add(1),
                    }
                }
                Selection::FragmentSpread(spread) => {
                    let mut measure = self.fragment(&spread.node.fragment_name.node)?;
                    measure.directives = measure
                        .directives
                        .saturating_add(spread.node.directives.len() as u64);
                    measure
                }
                Selection::InlineFragment(inline) => {
                    let mut measure = self.selection_set(&inline.node.selection_set.node)?;
                    measure.directives = measure
                        .directives
                        .saturating_add(inline.node.directives.len() as u64);
                    measure
                }
            };
            total = total.beside(measure);
        }
        Ok(total)
    }

    fn fragment(&mut self, name: &Name) -> Result<Measure, String> {
        if let Some(measure) = self.measured.get(name) {
            return Ok(*measure);
        }
        if self.visiting.contains(name) {
            return Err(format!("fragment {name} spreads itself"));
        }
        let Some(fragment) = self.document.fragments.get(name) else {
            // Validation reports unknown fragments with a better message.
            return Ok(Measure::default());
        };
        self.visiting.push(name.clone());
        let mut measure = self.selection_set(&fragment.node.selection_set.node)?;
        measure.directives = measure
            .directives
            .saturating_add(fragment.node.directives.len() as u64);
        self.visiting.pop();
        self.measured.insert(name.clone(), measure);
        Ok(measure)
    }
}

/// Measures the operation that would run (the named one, or the largest when several could).
pub(crate) fn measure(
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: &Variables,
) -> Result<Measure, String> {
    let mut measurer = Measurer {
        document,
        variables,
        measured: HashMap::new(),
        visiting: Vec::new(),
    };
    let mut largest = Measure::default();
    for (name, operation) in document.operations.iter() {
        let selected = match (&document.operations, operation_name, name) {
            (DocumentOperations::Single(_), _, _) | (_, None, _) => true,
            (_, Some(wanted), Some(name)) => name.as_str() == wanted,
            (_, Some(_), None) => false,
        };
        if selected {
            let mut measure = measurer.selection_set(&operation.node.selection_set.node)?;
            measure.directives = measure
                .directives
                .saturating_add(operation.node.directives.len() as u64);
            largest = Measure {
                depth: largest.depth.max(measure.depth),
                fields: largest.fields.max(measure.fields),
                aliases: largest.aliases.max(measure.aliases),
                directives: largest.directives.max(measure.directives),
                cost: largest.cost.max(measure.cost),
            };
        }
    }
    Ok(largest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measured(query: &str) -> Result<Measure, String> {
        let document = async_graphql::parser::parse_query(query).map_err(|e| e.to_string())?;
        measure(&document, None, &Variables::default())
    }

    #[test]
    fn fragments_expanding_exponentially_are_measured_without_expanding_them() {
        let mut query = String::from("{ ...F40 }\nfragment F0 on Query { __typename }\n");
        for level in 1..=40 {
            let previous = level - 1;
            query.push_str(&format!(
                "fragment F{level} on Query {{ ...F{previous} ...F{previous} }}\n"
            ));
        }
        let started = std::time::Instant::now();
        let measure = measured(&query).unwrap();
        assert!(started.elapsed() < std::time::Duration::from_millis(100));
        assert_eq!(measure.fields, 1 << 40);
        assert!(
            measure
                .excess()
                .is_some_and(|message| message.contains("fields"))
        );
    }

    #[test]
    fn page_sizes_multiply_the_cost_of_what_they_list() {
        let measure = measured(
            "{ trainingOffers(first: 100) { edges { node { provider { trainingOffers(first: 100) { edges { node { title sessions { startDate } } } } } } } } }",
        )
        .unwrap();
        assert_eq!(measure.cost, 1 + 100 * (3 + (1 + 100 * 5)));
        assert!(
            measure
                .excess()
                .is_some_and(|message| message.contains("cost"))
        );
        let small = measured("{ trainingOffers(first: 5) { edges { node { title } } } }").unwrap();
        assert_eq!(small.excess(), None);
    }

    #[test]
    fn a_fragment_cycle_is_refused() {
        let error = measured("{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }")
            .unwrap_err();
        assert!(error.contains("spreads itself"), "{error}");
    }

    #[test]
    fn depth_aliases_and_directives_are_counted() {
        let aliases: String = (0..60).map(|n| format!("a{n}: __typename ")).collect();
        let measure = measured(&format!("{{ {aliases} }}")).unwrap();
        assert_eq!(measure.aliases, 60);
        assert!(
            measure
                .excess()
                .is_some_and(|message| message.contains("aliases"))
        );
        let deep = "{ a { b { c { d { e { f { g { h { i { j { k { l { m { n { o { p { q } } } } } } } } } } } } } } } } }";
        assert_eq!(measured(deep).unwrap().depth, 17);
    }
}
