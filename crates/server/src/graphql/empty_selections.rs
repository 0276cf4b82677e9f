//! Non-null objects none of whose fields was selected are `{}`, not `null`.
//!
//! The engine (async-graphql 7.2) answers `null` for an object when it resolved no field of
//! it: a search hit whose type no fragment of the query names (`... on TrainingOffer { title }`
//! on an organisation), or an object whose every field a `@skip` or `@include` left out. At a
//! non-null position that breaks the schema's promise, and typed clients refuse the response;
//! the GraphQL spec's execution gives an empty object.
//!
//! The one other way to `null` there: the engine leaves a failed field out of its object (the
//! error goes to `errors`, with its path) rather than nulling the object as the spec does, and
//! answers `null` for an object all of whose selected fields failed. That object is `{}` too,
//! as one with some fields failed lacks those fields; the errors still say what failed.

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextResolve, ResolveInfo,
};
use async_graphql::indexmap::IndexMap;
use async_graphql::{ServerResult, Value};

/// Registered on the schema; see the module's documentation.
pub(crate) struct EmptySelections;

impl ExtensionFactory for EmptySelections {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(EmptySelections)
    }
}

#[async_trait::async_trait]
impl Extension for EmptySelections {
    async fn resolve(
        &self,
        context: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        let return_type = info.return_type;
        let value = next.run(context, info).await?;
        Ok(value.map(|value| filled(return_type, value)))
    }
}

/// `value` of the GraphQL type `type_name` (`Foo`, `Foo!`, `[Foo!]!`…), with `{}` for every
/// `null` at a non-null position, in lists too.
fn filled(type_name: &str, value: Value) -> Value {
    let (nullable, non_null) = match type_name.strip_suffix('!') {
        Some(nullable) => (nullable, true),
        None => (type_name, false),
    };
    match value {
        Value::Null if non_null => Value::Object(IndexMap::new()),
        Value::List(items) => match nullable
            .strip_prefix('[')
            .and_then(|inner| inner.strip_suffix(']'))
        {
            Some(item_type) => Value::List(
                items
                    .into_iter()
                    .map(|item| filled(item_type, item))
                    .collect(),
            ),
            None => Value::List(items),
        },
        value => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn empty() -> Value {
        Value::Object(IndexMap::new())
    }

    #[test]
    fn only_nulls_at_non_null_positions_are_filled() {
        assert_eq!(filled("SearchHit!", Value::Null), empty());
        assert_eq!(filled("Organisation", Value::Null), Value::Null);
        assert_eq!(
            filled(
                "[SearchEdge!]!",
                Value::List(vec![Value::Null, Value::from(1)])
            ),
            Value::List(vec![empty(), Value::from(1)])
        );
        assert_eq!(
            filled("[Node]!", Value::List(vec![Value::Null])),
            Value::List(vec![Value::Null])
        );
        assert_eq!(
            filled(
                "[[Skill!]]",
                Value::List(vec![Value::List(vec![Value::Null]), Value::Null])
            ),
            Value::List(vec![Value::List(vec![empty()]), Value::Null])
        );
        assert_eq!(filled("String!", Value::from("Rust")), Value::from("Rust"));
    }
}
