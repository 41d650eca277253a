//! Session consistency (R19) for queries. A mutation answers from the write side and its
//! session remembers the log position it wrote (`Caller::execute`, kept in `sessions`, so every
//! replica sees it). A later query of the same session first waits, at most
//! `read_your_writes_timeout`, until every read model has passed that position; then it runs.
//! When the bound runs out it runs anyway, and the response says so in its extensions:
//!
//! ```json
//! { "data": { ... }, "extensions": { "consistency": { "mayBeStale": true,
//!   "waitedForPosition": "1234@5678" } } }
//! ```
//!
//! Mutations do not wait: they decide on the write side, where nothing lags. Queries of other
//! sessions, and sessions without a write, do not wait either: they see changes within the
//! projection lag.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery,
};
use async_graphql::parser::types::{ExecutableDocument, OperationType};
use async_graphql::{value, Response, ServerResult, Variables};

use super::Caller;
use crate::commands::Projected;
use crate::AppState;

/// The response extension's key.
pub const EXTENSION: &str = "consistency";

/// The schema extension that makes a session's queries wait for its last write.
#[derive(Debug, Default)]
pub struct SessionConsistency;

impl ExtensionFactory for SessionConsistency {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(PerRequest::default())
    }
}

/// One request's state: whether its document only reads.
#[derive(Debug, Default)]
struct PerRequest {
    reads_only: AtomicBool,
}

#[async_graphql::async_trait::async_trait]
impl Extension for PerRequest {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        let reads_only = document
            .operations
            .iter()
            .all(|(_, operation)| operation.node.ty == OperationType::Query);
        self.reads_only.store(reads_only, Ordering::Relaxed);
        Ok(document)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let position = ctx
            .data_opt::<Caller>()
            .and_then(|caller| caller.last_written)
            .filter(|_| self.reads_only.load(Ordering::Relaxed));
        let (Some(position), Some(state)) = (position, ctx.data_opt::<AppState>()) else {
            return next.run(ctx, operation_name).await;
        };
        let projected = match state.wait_for(position).await {
            Ok(projected) => projected,
            // The wait itself failed (the checkpoints could not be read; logged): the query
            // still answers, as possibly stale.
            Err(_) => Projected::MaybeStale,
        };
        let mut response = next.run(ctx, operation_name).await;
        if projected == Projected::MaybeStale {
            let waited_for = position.to_string();
            let notice = value!({ "mayBeStale": true, "waitedForPosition": waited_for });
            response.extensions.insert(EXTENSION.to_owned(), notice);
        }
        response
    }
}
