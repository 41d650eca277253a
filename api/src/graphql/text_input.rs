//! NUL characters (U+0000) in any text argument are refused before a query runs: PostgreSQL
//! cannot store them in `text` and a search or lookup with one would fail inside as `INTERNAL`.
//! The refusal is `BAD_USER_INPUT` naming the argument (also when the text came in a
//! variable), for every field at once, present and future.

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Value, Variables};

use super::ApiError;

/// `BAD_USER_INPUT` on the first argument whose text (directly or through its variable)
/// contains U+0000.
pub fn refuse_nul(document: &ExecutableDocument, variables: &Variables) -> Result<(), ApiError> {
    let sets = document
        .operations
        .iter()
        .map(|(_, o)| &o.node.selection_set.node)
        .chain(
            document
                .fragments
                .values()
                .map(|f| &f.node.selection_set.node),
        );
    for set in sets {
        if let Some(argument) = in_set(set, variables) {
            return Err(ApiError::bad_input(
                argument,
                "the text contains a NUL character (U+0000)",
            ));
        }
    }
    Ok(())
}

fn in_set(set: &SelectionSet, variables: &Variables) -> Option<String> {
    set.items
        .iter()
        .find_map(|selection| match &selection.node {
            Selection::Field(field) => field
                .node
                .arguments
                .iter()
                .find(|(_, value)| {
                    // The value with its variables filled in; an unknown variable is for validation.
                    let filled = value
                        .node
                        .clone()
                        .into_const_with(|name| variables.get(&name).cloned().ok_or(()));
                    filled.is_ok_and(|v| has_nul(&v))
                })
                .map(|(name, _)| name.node.to_string())
                .or_else(|| in_set(&field.node.selection_set.node, variables)),
            Selection::InlineFragment(inline) => in_set(&inline.node.selection_set.node, variables),
            Selection::FragmentSpread(_) => None,
        })
}

fn has_nul(value: &Value) -> bool {
    match value {
        Value::String(text) => text.contains('\0'),
        Value::List(items) => items.iter().any(has_nul),
        Value::Object(fields) => fields
            .iter()
            .any(|(key, v)| key.contains('\0') || has_nul(v)),
        _ => false,
    }
}
