//! Metrics in Prometheus's text format at `GET /metrics`, through the `metrics` facade: the
//! recorder (installed once per process), the route, and what the HTTP side measures itself.
//!
//! Names follow `bedrift_<area>_<what>`; label values are bounded so that no client can grow
//! the number of series:
//!
//! - `bedrift_http_requests_total{method, route, status}` and
//!   `bedrift_http_request_duration_seconds{method, route}`: every routed request, labelled by
//!   the route's pattern (`/graphql`, `/reports/payroll/{company}/{file}`), never the raw path.
//! - `bedrift_graphql_requests_total{operation, outcome}` and
//!   `bedrift_graphql_request_duration_seconds{operation}`: each `POST /graphql`, labelled by
//!   its operation (see [`OperationLabels`]) and `ok` or the first error's `extensions.code`.
//! - `bedrift_commands_total{aggregate, command, outcome}` and
//!   `bedrift_command_duration_seconds{aggregate, command}`: see `crate::commands`.
//! - `bedrift_rate_limit_refusals_total{limit}`: see `crate::auth`.
//! - `bedrift_projector_*`: see `bedrift_projections::batch`.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery,
};
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, Selection};
use async_graphql::{Response as GraphQLResponse, ServerResult, Value, Variables};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use crate::AppState;

/// Upper bounds of the duration histograms' buckets, in seconds: 1 ms to 10 s.
pub const DURATION_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// How often recorded histogram samples are folded into their buckets between scrapes, so
/// that an unscraped process does not keep every sample.
const UPKEEP_INTERVAL: Duration = Duration::from_secs(5);

/// The most distinct client-chosen operation names counted under their own label; later
/// names are counted as `_other`.
pub const MAX_OPERATION_NAMES: usize = 100;

/// The longest operation name used as a label; longer ones are counted as `_other`.
const MAX_OPERATION_NAME_LEN: usize = 64;

static RECORDER: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the Prometheus recorder as the process's global metrics recorder the first time it
/// is called, and returns a handle that renders what it holds. A process can have one global
/// recorder only, so later calls (every test's app, say) share the first one.
pub fn install_recorder() -> PrometheusHandle {
    RECORDER
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets(DURATION_BUCKETS)
                .expect("the bucket list is not empty")
                .build_recorder();
            let handle = recorder.handle();
            if let Err(error) = metrics::set_global_recorder(recorder) {
                tracing::warn!(%error, "another metrics recorder is installed; /metrics stays empty");
            }
            let upkeep = handle.clone();
            let spawned = std::thread::Builder::new()
                .name("metrics-upkeep".to_owned())
                .spawn(move || loop {
                    std::thread::sleep(UPKEEP_INTERVAL);
                    upkeep.run_upkeep();
                });
            if let Err(error) = spawned {
                tracing::warn!(%error, "no metrics upkeep thread; histograms fold at scrapes only");
            }
            handle
        })
        .clone()
}

/// `GET /metrics`: everything recorded so far, in Prometheus's text exposition format;
/// `404` in a process without a recorder.
pub async fn metrics(State(state): State<AppState>) -> Response {
    match &state.metrics {
        Some(handle) => (
            [(
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            )],
            handle.render() + &state.queue_watchers.render(),
        )
            .into_response(),
        None => (
            StatusCode::NOT_FOUND,
            "metrics are not collected in this process",
        )
            .into_response(),
    }
}

/// Middleware counting and timing every routed request by method, route pattern and status.
pub async fn track_http(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let method = method_label(request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("bedrift_http_requests_total", "method" => method, "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("bedrift_http_request_duration_seconds", "method" => method, "route" => route)
        .record(started.elapsed());
    response
}

/// The standard methods by name, anything else as `other`.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        _ => "other",
    }
}

/// Counts and times one GraphQL request under `operation`; the outcome is `ok` or the first
/// error's code.
pub fn record_graphql(operation: &str, response: &GraphQLResponse, elapsed: Duration) {
    let outcome = match response.errors.first() {
        None => "ok".to_owned(),
        Some(error) => match error.extensions.as_ref().and_then(|e| e.get("code")) {
            Some(Value::String(code)) => code.clone(),
            _ => "UNKNOWN".to_owned(),
        },
    };
    let operation = operation.to_owned();
    metrics::counter!("bedrift_graphql_requests_total", "operation" => operation.clone(), "outcome" => outcome)
        .increment(1);
    metrics::histogram!("bedrift_graphql_request_duration_seconds", "operation" => operation)
        .record(elapsed);
}

/// Where [`OperationLabels`] leaves the label of one request; the handler puts it in the
/// request's data and reads it after execution.
#[derive(Debug, Default)]
pub struct OperationSlot {
    first_field: OnceLock<String>,
    label: OnceLock<String>,
}

impl OperationSlot {
    /// The request's operation label: its operation name (the first
    /// [`MAX_OPERATION_NAMES`] names seen, else `_other`), or for an unnamed operation its
    /// first root field; `_invalid` when the request never reached execution (it did not
    /// parse or validate), so that made-up names never become labels.
    pub fn label(&self) -> &str {
        self.label.get().map_or("_invalid", String::as_str)
    }
}

/// The schema extension that labels each request's operation into its [`OperationSlot`].
#[derive(Debug, Default, Clone, Copy)]
pub struct OperationLabels;

impl ExtensionFactory for OperationLabels {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(OperationLabels)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for OperationLabels {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        if let (Some(slot), DocumentOperations::Single(operation)) =
            (ctx.data_opt::<Arc<OperationSlot>>(), &document.operations)
        {
            let first =
                operation.node.selection_set.node.items.iter().find_map(
                    |selection| match &selection.node {
                        Selection::Field(field) => Some(field.node.name.node.to_string()),
                        _ => None,
                    },
                );
            if let Some(first) = first {
                let _ = slot.first_field.set(first);
            }
        }
        Ok(document)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> GraphQLResponse {
        // Reached only by requests that parsed and validated: a first field is one of the
        // schema's, and an operation name is one the document defines.
        if let Some(slot) = ctx.data_opt::<Arc<OperationSlot>>() {
            let label = match operation_name {
                Some(name) => bounded_name(name),
                None => slot
                    .first_field
                    .get()
                    .cloned()
                    .unwrap_or_else(|| "_anonymous".to_owned()),
            };
            let _ = slot.label.set(label);
        }
        next.run(ctx, operation_name).await
    }
}

/// `name` if it is short and among the first [`MAX_OPERATION_NAMES`] seen, else `_other`.
fn bounded_name(name: &str) -> String {
    static SEEN: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    if name.len() > MAX_OPERATION_NAME_LEN {
        return "_other".to_owned();
    }
    let mut seen = SEEN
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if seen.contains(name) || seen.len() < MAX_OPERATION_NAMES {
        seen.insert(name.to_owned());
        name.to_owned()
    } else {
        "_other".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_operation_names_are_not_labels() {
        assert_eq!(bounded_name(&"A".repeat(65)), "_other");
        assert_eq!(bounded_name("Short"), "Short");
    }

    #[test]
    fn operation_names_beyond_the_cap_share_one_label() {
        let labels: Vec<String> = (0..MAX_OPERATION_NAMES + 20)
            .map(|n| bounded_name(&format!("Operation{n}")))
            .collect();
        let own = labels.iter().filter(|l| *l != "_other").count();
        assert!(
            own <= MAX_OPERATION_NAMES,
            "{own} names got labels of their own"
        );
        assert!(labels.iter().any(|l| l == "_other"));
        assert_eq!(bounded_name("Operation0"), labels[0]);
    }

    #[test]
    fn unknown_methods_share_one_label() {
        let custom = Method::from_bytes(b"PROPFIND").unwrap();
        assert_eq!(method_label(&custom), "other");
        assert_eq!(method_label(&Method::POST), "POST");
    }
}
