//! What one request may ask for, measured on the parsed document before validation runs.
//!
//! Validation and execution expand fragments; a small document whose fragments spread each
//! other ten times over ("billion laughs") would expand to billions of fields before any limit
//! inside the engine noticed. Here each fragment is measured once and its measure reused at
//! every spread, with saturating arithmetic, so the cost of measuring is linear in the size of
//! the document text whatever the expansion, and a cycle of fragments is refused outright.
//!
//! Measured: depth, fields after expansion, aliases, directives, the longest list argument,
//! and a cost in the manner of GitHub's and Shopify's: each field costs 1 plus its children's
//! cost times its page size (page size times child cost). The page size is the field's `first`
//! argument, or when it is left out the default `first` the schema declares for that field
//! ([`CostModel`]); other fields count their children once.

use std::collections::HashMap;

use async_graphql::Variables;
use async_graphql::parser::types::{
    BaseType, DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet,
    TypeKind, TypeSystemDefinition,
};
use async_graphql::{Name, Value};

pub(crate) const MAX_DEPTH: u64 = 16;
pub(crate) const MAX_FIELDS: u64 = 2_000;
pub(crate) const MAX_ALIASES: u64 = 50;
pub(crate) const MAX_DIRECTIVES: u64 = 20;
/// 100 items with 100 items each, with a few fields apiece, fits; a third level does not.
pub(crate) const MAX_COST: u64 = 50_000;
/// Items in one list argument or variable (ids, filter values, skills...): the schema's own
/// lists are smaller still, and checked with a message naming the argument.
pub(crate) const MAX_LIST_ITEMS: u64 = 250;
/// Bytes of query text: ample for any hand-written or generated query, small enough that
/// parsing it is instant.
pub(crate) const MAX_DOCUMENT_BYTES: usize = 32 * 1024;

/// What the schema says about a field, for costing: the type it returns (lists unwrapped) and
/// the page size it uses when `first` is left out.
#[derive(Debug, Clone)]
struct FieldShape {
    returns: Name,
    default_first: Option<u64>,
}

/// The schema's fields as the cost measure needs them, read once from its SDL.
#[derive(Debug, Clone, Default)]
pub(crate) struct CostModel {
    fields: HashMap<(Name, Name), FieldShape>,
}

impl CostModel {
    /// Reads object and interface fields from the schema's SDL.
    pub(crate) fn of_sdl(sdl: &str) -> Self {
        let mut fields = HashMap::new();
        let Ok(document) = async_graphql::parser::parse_schema(sdl) else {
            return Self { fields };
        };
        for definition in document.definitions {
            let TypeSystemDefinition::Type(definition) = definition else {
                continue;
            };
            let definition = definition.node;
            let declared = match definition.kind {
                TypeKind::Object(object) => object.fields,
                TypeKind::Interface(interface) => interface.fields,
                _ => continue,
            };
            for field in declared {
                let field = field.node;
                let mut base = &field.ty.node.base;
                while let BaseType::List(inner) = base {
                    base = &inner.base;
                }
                let BaseType::Named(returns) = base else {
                    continue;
                };
                let default_first = field
                    .arguments
                    .iter()
                    .find(|argument| argument.node.name.node.as_str() == "first")
                    .and_then(|argument| argument.node.default_value.as_ref())
                    .map(|value| page_size(value.node.clone()));
                fields.insert(
                    (definition.name.node.clone(), field.name.node.clone()),
                    FieldShape {
                        returns: returns.clone(),
                        default_first,
                    },
                );
            }
        }
        Self { fields }
    }
}

/// Why a document is refused, with the error code the client sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub message: String,
    pub code: &'static str,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Measure {
    pub depth: u64,
    pub fields: u64,
    pub aliases: u64,
    pub directives: u64,
    pub cost: u64,
    /// Items in the longest list given as an argument or variable.
    pub list_items: u64,
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
            list_items: self.list_items.max(other.list_items),
        }
    }

    /// The first limit this measure breaks, saying which and by how much.
    pub(crate) fn excess(self) -> Option<Refusal> {
        if self.list_items > MAX_LIST_ITEMS {
            return Some(Refusal {
                message: format!(
                    "a list argument holds {} items, the limit is {MAX_LIST_ITEMS}; send fewer at a time",
                    self.list_items
                ),
                code: "BAD_USER_INPUT",
            });
        }
        [
            ("depth", self.depth, MAX_DEPTH),
            ("fields after expanding fragments", self.fields, MAX_FIELDS),
            ("aliases", self.aliases, MAX_ALIASES),
            ("directives", self.directives, MAX_DIRECTIVES),
            ("cost (page size × cost of each item)", self.cost, MAX_COST),
        ]
        .into_iter()
        .find(|(_, value, limit)| value > limit)
        .map(|(what, value, limit)| Refusal {
            message: format!("the query is too complex: {what} is {value}, the limit is {limit}; ask for less or use smaller pages"),
            code: "QUERY_TOO_COMPLEX",
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

/// Items in the longest list anywhere inside `value`.
fn longest_list(value: &Value) -> u64 {
    match value {
        Value::List(items) => items
            .iter()
            .map(longest_list)
            .fold(items.len() as u64, u64::max),
        Value::Object(fields) => fields.values().map(longest_list).max().unwrap_or(0),
        _ => 0,
    }
}

struct Measurer<'a> {
    document: &'a ExecutableDocument,
    model: &'a CostModel,
    variables: &'a Variables,
    measured: HashMap<Name, Measure>,
    visiting: Vec<Name>,
}

impl Measurer<'_> {
    fn selection_set(&mut self, set: &SelectionSet, parent: &Name) -> Result<Measure, String> {
        let mut total = Measure::default();
        for item in &set.items {
            let measure = match &item.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let shape = self
                        .model
                        .fields
                        .get(&(parent.clone(), field.name.node.clone()))
                        .cloned();
                    let returns = shape
                        .as_ref()
                        .map_or_else(|| field.name.node.clone(), |shape| shape.returns.clone());
                    let children = self.selection_set(&field.selection_set.node, &returns)?;
                    let mut first = shape.and_then(|shape| shape.default_first).unwrap_or(1);
                    let mut list_items = 0;
                    let variables = self.variables;
                    for (name, value) in &field.arguments {
                        // Variables filled in; a missing one reads as null.
                        let value = value
                            .node
                            .clone()
                            .into_const_with(|name| {
                                Ok::<_, std::convert::Infallible>(
                                    variables.get(&name).cloned().unwrap_or(Value::Null),
                                )
                            })
                            .unwrap_or(Value::Null);
                        list_items = list_items.max(longest_list(&value));
                        if name.node.as_str() == "first" {
                            first = page_size(value);
                        }
                    }
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
                        list_items: children.list_items.max(list_items),
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
                    let condition = inline
                        .node
                        .type_condition
                        .as_ref()
                        .map_or(parent, |condition| &condition.node.on.node);
                    let mut measure =
                        self.selection_set(&inline.node.selection_set.node, condition)?;
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
        let condition = fragment.node.type_condition.node.on.node.clone();
        let mut measure = self.selection_set(&fragment.node.selection_set.node, &condition)?;
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
    model: &CostModel,
    operation_name: Option<&str>,
    variables: &Variables,
) -> Result<Measure, String> {
    let mut measurer = Measurer {
        document,
        model,
        variables,
        measured: HashMap::new(),
        visiting: Vec::new(),
    };
    let mut largest = Measure {
        list_items: variables.values().map(longest_list).max().unwrap_or(0),
        ..Measure::default()
    };
    for (name, operation) in document.operations.iter() {
        let selected = match (&document.operations, operation_name, name) {
            (DocumentOperations::Single(_), _, _) | (_, None, _) => true,
            (_, Some(wanted), Some(name)) => name.as_str() == wanted,
            (_, Some(_), None) => false,
        };
        if selected {
            let root = Name::new(match operation.node.ty {
                OperationType::Query => "Query",
                OperationType::Mutation => "Mutation",
                OperationType::Subscription => "Subscription",
            });
            let mut measure = measurer.selection_set(&operation.node.selection_set.node, &root)?;
            measure.directives = measure
                .directives
                .saturating_add(operation.node.directives.len() as u64);
            largest = Measure {
                depth: largest.depth.max(measure.depth),
                fields: largest.fields.max(measure.fields),
                aliases: largest.aliases.max(measure.aliases),
                directives: largest.directives.max(measure.directives),
                cost: largest.cost.max(measure.cost),
                list_items: largest.list_items.max(measure.list_items),
            };
        }
    }
    Ok(largest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measured_with(query: &str, variables: Variables) -> Result<Measure, String> {
        let document = async_graphql::parser::parse_query(query).map_err(|e| e.to_string())?;
        let model = CostModel::of_sdl(&crate::graphql::export_schema());
        measure(&document, &model, None, &variables)
    }

    fn measured(query: &str) -> Result<Measure, String> {
        measured_with(query, Variables::default())
    }

    fn refused_for(measure: Measure, what: &str) -> bool {
        measure
            .excess()
            .is_some_and(|refusal| refusal.message.contains(what))
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
        assert!(refused_for(measure, "fields"));
    }

    #[test]
    fn page_sizes_multiply_the_cost_of_what_they_list() {
        let measure = measured(
            "{ trainingOffers(first: 100) { edges { node { provider { trainingOffers(first: 100) { edges { node { title sessions { startDate } } } } } } } } }",
        )
        .unwrap();
        assert_eq!(measure.cost, 1 + 100 * (3 + (1 + 100 * 5)));
        assert!(refused_for(measure, "cost"));
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
        assert!(refused_for(measure, "aliases"));
        let deep = "{ a { b { c { d { e { f { g { h { i { j { k { l { m { n { o { p { q } } } } } } } } } } } } } } } } }";
        assert_eq!(measured(deep).unwrap().depth, 17);
    }

    #[test]
    fn a_page_size_left_out_counts_as_the_schemas_default() {
        let measure = measured(
            "{ trainingOffers { edges { node { provider { trainingOffers { edges { node { title } } } } } } } }",
        )
        .unwrap();
        // Both lists default to 20 items: 1 + 20 × (edges, node, provider, 1 + 20 × 3).
        assert_eq!(measure.cost, 1 + 20 * (3 + (1 + 20 * 3)));
        // Through a fragment on the type, and with an explicit page size, the same rule.
        let fragment = measured(
            "{ organisations(first: 5) { edges { node { ...Offers } } } } fragment Offers on Organisation { trainingOffers { totalCount } }",
        )
        .unwrap();
        assert_eq!(fragment.cost, 1 + 5 * (2 + (1 + 20)));
    }

    #[test]
    fn long_lists_are_refused_in_arguments_and_in_variables() {
        let ids: Vec<String> = (0..300).map(|n| format!("\"id{n}\"")).collect();
        let literal = measured(&format!("{{ nodes(ids: [{}]) {{ id }} }}", ids.join(","))).unwrap();
        assert_eq!(literal.list_items, 300);
        let refusal = literal.excess().unwrap();
        assert_eq!(refusal.code, "BAD_USER_INPUT");
        let variables = Variables::from_json(serde_json::json!({
            "filter": { "skills": vec!["rust"; 251] }
        }));
        let nested = measured_with(
            "query Q($filter: SearchFilter) { search(filter: $filter) { totalCount } }",
            variables,
        )
        .unwrap();
        assert_eq!(nested.list_items, 251);
        let fits = measured(&format!(
            "{{ nodes(ids: [{}]) {{ id }} }}",
            ids[..250].join(",")
        ))
        .unwrap();
        assert_eq!(fits.excess(), None);
    }
}
