//! The GraphQL examples of the API guide (`docs/api.md`) hold against the schema the service
//! serves: every `graphql` code block parses and passes the schema's validation (fields,
//! arguments, types, variables). A renamed field fails here rather than on a reader's first try.

use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextValidation};
use async_graphql::{Request, Schema, ServerError, ValidationResult};
use bedrift_api::graphql::{MutationRoot, QueryRoot, SubscriptionRoot};

/// The message of the error that stops a request once it has been validated, so that nothing
/// is executed (and no state or session is needed).
const VALIDATED: &str = "validated; not executed";

/// Stops each request after validation.
struct StopAfterValidation;

impl ExtensionFactory for StopAfterValidation {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(StopAfterValidation)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for StopAfterValidation {
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx).await?;
        Err(vec![ServerError::new(VALIDATED, None)])
    }
}

/// The `graphql` code blocks of a Markdown text.
fn graphql_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match (&mut current, line.trim_start()) {
            (None, "```graphql") => current = Some(String::new()),
            (Some(block), "```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

/// The operation names of a block (each is validated on its own).
fn operation_names(block: &str) -> Vec<String> {
    let document = async_graphql::parser::parse_query(block).expect("the example parses");
    match document.operations {
        async_graphql::parser::types::DocumentOperations::Single(_) => vec![String::new()],
        async_graphql::parser::types::DocumentOperations::Multiple(operations) => {
            operations.keys().map(ToString::to_string).collect()
        }
    }
}

#[tokio::test]
async fn the_api_guides_examples_are_valid_against_the_schema() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/api.md");
    let guide = std::fs::read_to_string(&path).expect("docs/api.md");
    let blocks = graphql_blocks(&guide);
    assert!(
        blocks.len() >= 5,
        "the guide has its examples: {}",
        blocks.len()
    );
    let schema = Schema::build(QueryRoot, MutationRoot::default(), SubscriptionRoot)
        .extension(StopAfterValidation)
        .finish();
    let mut invalid = Vec::new();
    for block in &blocks {
        for name in operation_names(block) {
            let mut request = Request::new(block.clone());
            if !name.is_empty() {
                request = request.operation_name(name.clone());
            }
            let response = schema.execute(request).await;
            let messages: Vec<&str> = response.errors.iter().map(|e| e.message.as_str()).collect();
            if messages != [VALIDATED] {
                invalid.push(format!("{name}: {messages:?}"));
            }
        }
    }
    assert!(
        invalid.is_empty(),
        "invalid examples in docs/api.md: {invalid:#?}"
    );
}
