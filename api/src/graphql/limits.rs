//! Bounds on a GraphQL document, checked right after it is parsed and before the engine
//! validates or executes it, so that a small document cannot make the server do unbounded
//! work: the number of fragment spreads it writes, and the size it would have with every spread
//! expanded (fields, aliases, depth), computed once per fragment (memoised), never by
//! expanding. The depth limit does not count inside `__schema` and `__type`: the standard
//! introspection query that tools send nests `ofType` about ten levels deep, and what it can
//! cost is bounded by the expanded size instead. Anonymous callers may be refused
//! introspection altogether (`GRAPHQL_ANONYMOUS_INTROSPECTION=off`).

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{
    ExecutableDocument, FragmentDefinition, Selection, SelectionSet,
};
use async_graphql::{Name, Positioned, ServerResult, Variables};

use super::context::Caller;
use super::ApiError;

/// What reading a subscription's event log costs (`history` per selected field, `stateAt`
/// once): about as much as ten rows, a typical log's length.
pub const EVENT_LOG_COST: usize = 10;

/// What a field costs that looks one thing up by key before its selection (`orderForm`,
/// `tariff`): a few rows and a JSON decode.
pub const LOOKUP_COST: usize = 5;

/// The complexity of a list field: each of its `first` items (default 20, at most 100, as
/// `Page::new` allows) costs what its selection costs, so 100 tickets with their history are
/// priced as the 100 history reads they are.
pub fn list_cost(first: Option<i32>, child_complexity: usize) -> usize {
    let items = usize::try_from(
        first
            .unwrap_or(super::pagination::DEFAULT_PAGE_SIZE)
            .clamp(1, super::pagination::MAX_PAGE_SIZE),
    )
    .unwrap_or(1);
    items.saturating_mul(child_complexity.max(1))
}

/// The bounds a document must keep (from the settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentLimits {
    /// `GRAPHQL_MAX_DEPTH`: the deepest nesting of fields, not counting inside introspection.
    pub max_depth: usize,
    /// `GRAPHQL_MAX_FIELDS`: the most fields the document has with every spread expanded.
    pub max_fields: usize,
    /// `GRAPHQL_MAX_ALIASES`: the most aliased fields, every spread expanded.
    pub max_aliases: usize,
    /// `GRAPHQL_MAX_SPREADS`: the most fragment spreads written in the document.
    pub max_spreads: usize,
    /// `GRAPHQL_ANONYMOUS_INTROSPECTION`: whether callers without a session may read the
    /// schema through `__schema` and `__type`.
    pub anonymous_introspection: bool,
}

/// What one selection set amounts to once every spread in it is expanded.
#[derive(Debug, Clone, Copy, Default)]
struct Size {
    fields: usize,
    aliases: usize,
    depth: usize,
    introspection: bool,
}

impl Size {
    fn add(self, other: Size) -> Size {
        Size {
            fields: self.fields.saturating_add(other.fields),
            aliases: self.aliases.saturating_add(other.aliases),
            depth: self.depth.max(other.depth),
            introspection: self.introspection || other.introspection,
        }
    }
}

/// Measures selection sets, each fragment once.
struct Measure<'a> {
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    /// `None` while a fragment is being measured: meeting it again is a cycle.
    done: HashMap<&'a str, Option<Size>>,
    spreads: usize,
}

impl<'a> Measure<'a> {
    fn set(&mut self, set: &'a SelectionSet) -> Result<Size, ApiError> {
        let mut total = Size::default();
        for selection in &set.items {
            let size = match &selection.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let name = field.name.node.as_str();
                    let inner = self.set(&field.selection_set.node)?;
                    let introspection = name == "__schema" || name == "__type";
                    Size {
                        fields: inner.fields.saturating_add(1),
                        aliases: inner.aliases + usize::from(field.alias.is_some()),
                        depth: if introspection { 0 } else { inner.depth + 1 },
                        introspection: introspection || inner.introspection,
                    }
                }
                Selection::InlineFragment(fragment) => {
                    self.set(&fragment.node.selection_set.node)?
                }
                Selection::FragmentSpread(spread) => {
                    self.spreads += 1;
                    self.fragment(spread.node.fragment_name.node.as_str())?
                }
            };
            total = total.add(size);
        }
        Ok(total)
    }

    fn fragment(&mut self, name: &'a str) -> Result<Size, ApiError> {
        match self.done.get(name) {
            Some(Some(size)) => return Ok(*size),
            Some(None) => {
                return Err(ApiError::bad_input(
                    "query",
                    format!("fragment {name} spreads itself"),
                ))
            }
            None => {}
        }
        // An unknown fragment is refused by validation; it adds nothing here.
        let Some((key, definition)) = self.fragments.get_key_value(name) else {
            return Ok(Size::default());
        };
        self.done.insert(key.as_str(), None);
        let size = self.set(&definition.node.selection_set.node)?;
        self.done.insert(key.as_str(), Some(size));
        Ok(size)
    }
}

impl DocumentLimits {
    /// Checks `document` against the limits; `caller` decides whether introspection is allowed.
    pub fn check(
        &self,
        document: &ExecutableDocument,
        caller: Option<&Caller>,
    ) -> Result<(), ApiError> {
        let mut measure = Measure {
            fragments: &document.fragments,
            done: HashMap::new(),
            spreads: 0,
        };
        let mut size = Size::default();
        for (_, operation) in document.operations.iter() {
            size = size.add(measure.set(&operation.node.selection_set.node)?);
        }
        // Fragments no operation uses are refused by validation, which still walks them.
        for name in document.fragments.keys() {
            if !measure.done.contains_key(name.as_str()) {
                size = size.add(measure.fragment(name.as_str())?);
            }
        }
        let too_big = |what: &str, limit: usize| {
            ApiError::bad_input(
                "query",
                format!("the query has too many {what} (at most {limit})"),
            )
        };
        let spreads: usize = document
            .fragments
            .values()
            .map(|f| spreads_in(&f.node.selection_set.node))
            .chain(
                document
                    .operations
                    .iter()
                    .map(|(_, o)| spreads_in(&o.node.selection_set.node)),
            )
            .sum();
        if spreads > self.max_spreads {
            return Err(too_big("fragment spreads", self.max_spreads));
        }
        if size.aliases > self.max_aliases {
            return Err(too_big("aliased fields", self.max_aliases));
        }
        if size.fields > self.max_fields {
            return Err(too_big(
                "fields once its fragments are expanded",
                self.max_fields,
            ));
        }
        if size.depth > self.max_depth {
            return Err(ApiError::bad_input(
                "query",
                format!(
                    "the query is nested too deep (at most {} levels)",
                    self.max_depth
                ),
            ));
        }
        let anonymous = caller.is_none_or(|c| c.principal.is_none());
        if size.introspection && anonymous && !self.anonymous_introspection {
            return Err(ApiError::Unauthenticated(
                "log in to read the schema".to_owned(),
            ));
        }
        Ok(())
    }
}

/// The fragment spreads written in `set` (not expanded).
fn spreads_in(set: &SelectionSet) -> usize {
    set.items
        .iter()
        .map(|selection| match &selection.node {
            Selection::Field(field) => spreads_in(&field.node.selection_set.node),
            Selection::InlineFragment(inline) => spreads_in(&inline.node.selection_set.node),
            Selection::FragmentSpread(_) => 1,
        })
        .sum()
}

impl ExtensionFactory for DocumentLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(*self)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for DocumentLimits {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        self.check(&document, ctx.data_opt::<Caller>())
            .and_then(|()| super::text_input::refuse_nul(&document, variables))
            .map_err(|error| {
                async_graphql::Error::from(error).into_server_error(Default::default())
            })?;
        Ok(document)
    }
}

#[cfg(test)]
#[path = "limits_tests.rs"]
mod tests;
