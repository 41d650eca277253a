//! What a document may cost, checked before the engine walks it: fragment fan-out, aliases and
//! depth are refused as `BAD_USER_INPUT` on `query`, while the standard introspection query
//! that GraphiQL, graphql-codegen and Apollo tooling send is answered at the default limits
//! (and can be kept from anonymous callers by a setting).

use serde_json::json;

use crate::helpers::{code, TestApp};

/// graphql-js `getIntrospectionQuery()` with its default options, as the tools send it.
const INTROSPECTION: &str = r#"
query IntrospectionQuery {
  __schema {
    queryType { name }
    mutationType { name }
    subscriptionType { name }
    types {
      ...FullType
    }
    directives {
      name
      description
      locations
      args {
        ...InputValue
      }
    }
  }
}

fragment FullType on __Type {
  kind
  name
  description
  fields(includeDeprecated: true) {
    name
    description
    args {
      ...InputValue
    }
    type {
      ...TypeRef
    }
    isDeprecated
    deprecationReason
  }
  inputFields {
    ...InputValue
  }
  interfaces {
    ...TypeRef
  }
  enumValues(includeDeprecated: true) {
    name
    description
    isDeprecated
    deprecationReason
  }
  possibleTypes {
    ...TypeRef
  }
}

fragment InputValue on __InputValue {
  name
  description
  type { ...TypeRef }
  defaultValue
}

fragment TypeRef on __Type {
  kind
  name
  ofType {
    kind
    name
    ofType {
      kind
      name
      ofType {
        kind
        name
        ofType {
          kind
          name
          ofType {
            kind
            name
            ofType {
              kind
              name
              ofType {
                kind
                name
              }
            }
          }
        }
      }
    }
  }
}
"#;

#[tokio::test]
async fn the_standard_introspection_query_is_answered_at_the_default_limits() {
    let app = TestApp::spawn("2026-12-10").await;
    let live = app.gql(None, INTROSPECTION, json!({})).await;
    assert!(live["errors"].is_null(), "{:#}", live["errors"]);
    // The schema `schema.graphql` is generated from (the `schema` test keeps them equal).
    let generated = bedrift_api::graphql::bare_schema()
        .execute(INTROSPECTION)
        .await;
    assert!(generated.errors.is_empty());
    assert_eq!(live["data"], generated.data.into_json().unwrap());
    let types = live["data"]["__schema"]["types"].as_array().unwrap();
    assert!(types.iter().any(|t| t["name"] == "Company"));
}

#[tokio::test]
async fn anonymous_introspection_can_be_switched_off() {
    let app = TestApp::spawn_with("2026-12-10", |s| s.anonymous_introspection = false).await;
    let refused = app.gql(None, INTROSPECTION, json!({})).await;
    assert_eq!(code(&refused), "UNAUTHENTICATED", "{refused:#}");
    assert!(refused["data"].is_null());
    let operator = app.operator().await;
    let answered = app.gql(Some(&operator), INTROSPECTION, json!({})).await;
    assert!(answered["errors"].is_null(), "{:#}", answered["errors"]);
    let typename = app.ok(None, "{ __typename }", json!({})).await;
    assert_eq!(typename["__typename"], "QueryRoot");
}

#[tokio::test]
async fn an_exponential_fragment_fan_out_is_refused_before_it_runs() {
    let app = TestApp::spawn("2026-12-10").await;
    let mut query = "query{...F0}".to_owned();
    for level in 0..22 {
        let next = level + 1;
        query.push_str(&format!(
            " fragment F{level} on QueryRoot{{...F{next} ...F{next}}}"
        ));
    }
    query.push_str(" fragment F22 on QueryRoot{__typename}");
    assert!(query.len() < 1_500);
    let refused = app.gql(None, &query, json!({})).await;
    assert_eq!(code(&refused), "BAD_USER_INPUT", "{refused:#}");
    assert_eq!(refused["errors"][0]["extensions"]["field"], "query");
    assert!(refused["data"].is_null());
}

#[tokio::test]
async fn many_aliases_of_a_public_field_are_refused() {
    let app = TestApp::spawn("2026-12-10").await;
    let aliases: String = (0..990)
        .map(|i| format!(" f{i}: orderForm(token: \"x\") {{ companyName }}"))
        .collect();
    let refused = app.gql(None, &format!("{{{aliases}}}"), json!({})).await;
    assert_eq!(code(&refused), "BAD_USER_INPUT", "{refused:#}");
    let message = refused["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("aliased"), "{message}");
}

#[tokio::test]
async fn a_list_costs_its_page_size_times_each_item() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (company, admin, _) = app
        .company(&operator, "923609016", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let history = |first: i32| {
        format!(
            "query($c: ID!) {{ company(id: $c) {{ tickets(first: {first}) {{ nodes {{ id history {{ type occurredAt }} }} }} }} }}"
        )
    };
    let refused = app
        .gql(Some(&admin), &history(100), json!({ "c": company }))
        .await;
    assert_eq!(code(&refused), "BAD_USER_INPUT", "{refused:#}");
    assert!(refused["data"].is_null());
    app.ok(Some(&admin), &history(5), json!({ "c": company }))
        .await;
    // The portal's list: a page of 25 with a dozen fields.
    let portal = "query($c: ID!) { company(id: $c) { id name tickets(first: 25) {
        nodes { id firstName lastName phone employeeNumber status zones wholeRegion category startDate validFrom endDate }
        pageInfo { hasNextPage endCursor } } } }";
    app.ok(Some(&admin), portal, json!({ "c": company })).await;
}
