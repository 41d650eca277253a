//! Fuzzing the order mutation over HTTP with arbitrary variables: `input` objects whose fields
//! are valid, arbitrary text (any Unicode, control characters, long strings), numbers, nulls,
//! arrays or objects, with fields missing or unknown ones added, and `input` as any JSON value.
//! Never a panic or `INTERNAL`; a refusal has a code, and `BAD_USER_INPUT` names a field; an
//! accepted order had valid names and writes exactly its events, a refused one writes nothing.
//!
//! The inputs come from a seed printed on failure; `FUZZ_SEED=<n>` replays a run.

use bedrift_domain::values::PersonName;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{json, Map, Value};

use crate::helpers::{TestApp, ORDER};

/// Requests per run: about ten seconds here (debug build, 2 cores).
const CASES: usize = 300;

/// Any JSON value, nested up to three levels.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        text().prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z]{1,12}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Arbitrary text: any characters, control characters, near-valid names, and long strings
/// that keep the request under the 64 KiB body limit.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<String>(),
        2 => "[\\p{Cc}\\p{Zs}\\p{M}\\p{L}\\p{N}\\p{P}\\p{S}]{0,40}",
        1 => (any::<char>(), 0..6_000usize).prop_map(|(c, n)| c.to_string().repeat(n)),
    ]
}

/// Mostly valid, else anything.
fn or_anything(valid: impl Strategy<Value = Value>) -> impl Strategy<Value = Value> {
    prop_oneof![
        8 => valid,
        1 => text().prop_map(Value::from),
        1 => any_json(),
    ]
}

fn name() -> impl Strategy<Value = Value> {
    or_anything("\\p{L}{1,20}( \\p{L}{1,20})?".prop_map(Value::from))
}

fn zones() -> impl Strategy<Value = Value> {
    let known = || {
        prop::sample::select(vec!["kristiansand", "vennesla", "arendal", "farsund"])
            .prop_map(str::to_owned)
    };
    let zone = prop_oneof![4 => known(), 1 => text()];
    or_anything(prop_oneof![
        2 => known().prop_map(|z| json!([z])),
        1 => Just(json!(["vennesla", "kristiansand"])),
        1 => prop::collection::vec(zone, 0..4).prop_map(|z| json!(z)),
    ])
}

fn category() -> impl Strategy<Value = Value> {
    let codes = vec!["ADULT", "YOUNG_ADULT", "YOUTH", "CHILD", "SENIOR", "adult"];
    or_anything(prop::sample::select(codes).prop_map(Value::from))
}

/// The `input` variable: an object of the order's fields, each present or not, plus perhaps an
/// unknown field; or now and then any JSON value at all.
fn input() -> impl Strategy<Value = Value> {
    let fields = (
        prop::option::weighted(0.95, name()),
        prop::option::weighted(0.95, name()),
        prop::option::weighted(0.95, zones()),
        prop::option::weighted(0.95, category()),
        prop::option::weighted(0.2, or_anything("[A-Z0-9-]{1,25}".prop_map(Value::from))),
        prop::option::weighted(0.1, any_json()),
        prop::option::weighted(0.2, or_anything(any::<bool>().prop_map(Value::from))),
        prop::option::weighted(0.05, ("[a-zA-Z]{1,10}", any_json())),
    )
        .prop_map(
            |(first, last, zones, category, number, extra, whole, unknown)| {
                let mut input = Map::new();
                for (key, value) in [
                    ("firstName", first),
                    ("lastName", last),
                    ("zones", zones),
                    ("category", category),
                    ("employeeNumber", number),
                    ("extraFields", extra),
                    ("wholeRegion", whole),
                ] {
                    if let Some(value) = value {
                        input.insert(key.to_owned(), value);
                    }
                }
                if let Some((key, value)) = unknown {
                    input.insert(key, value);
                }
                Value::Object(input)
            },
        );
    prop_oneof![9 => fields, 1 => any_json()]
}

/// The seed of this run: `FUZZ_SEED`, or else the clock.
fn seed() -> u64 {
    std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64)
        })
}

#[tokio::test]
async fn arbitrary_order_variables_are_answered_without_internal_errors() {
    // Hundreds of orders come from one address: the per-address limit would answer them.
    let app = TestApp::spawn_with("2026-12-10", |settings| {
        settings.rate_limits.orders_per_address = None;
    })
    .await;
    let operator = app.operator().await;
    let (_, _, link) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let anne = app.employee(&link, "91234567").await;
    let events_before = app.event_count().await;

    let seed = seed();
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
    );
    let strategy = input();
    let (mut accepted, mut refused) = (0, 0);
    for case in 0..CASES {
        let input = strategy.new_tree(&mut runner).expect("a value").current();
        let context = format!("FUZZ_SEED={seed}, case {case}, input {input}");
        let response = app.gql(Some(&anne), ORDER, json!({ "input": input })).await;
        let Some(errors) = response.get("errors") else {
            let id = response["data"]["orderSubscription"]["id"]
                .as_str()
                .unwrap_or_else(|| panic!("no id: {response} ({context})"));
            for field in ["firstName", "lastName"] {
                let name = input[field].as_str().unwrap_or_default();
                assert!(
                    PersonName::parse(name).is_ok(),
                    "accepted {field}: {context}"
                );
            }
            app.ok(
                Some(&anne),
                "mutation($id: ID!) { withdrawOrder(id: $id) { id } }",
                json!({ "id": id }),
            )
            .await;
            accepted += 1;
            continue;
        };
        refused += 1;
        let errors = errors.as_array().expect("a list of errors");
        assert!(!errors.is_empty(), "{context}");
        for error in errors {
            let code = error["extensions"]["code"]
                .as_str()
                .unwrap_or_else(|| panic!("no code in {error} ({context})"));
            assert!(
                ["BAD_USER_INPUT", "ALREADY_SUBSCRIBED"].contains(&code),
                "{code}: {error} ({context})"
            );
            if code == "BAD_USER_INPUT" {
                let field = error["extensions"]["field"].as_str().unwrap_or_default();
                assert!(!field.is_empty(), "no field in {error} ({context})");
            }
        }
    }
    println!("FUZZ_SEED={seed}: {accepted} accepted, {refused} refused");
    assert!(
        accepted >= 15 && refused >= 100,
        "both paths exercised: {accepted} accepted, {refused} refused (FUZZ_SEED={seed})"
    );
    // Each accepted order wrote its order and its withdrawal; nothing else was written.
    assert_eq!(
        app.event_count().await,
        events_before + 2 * accepted,
        "FUZZ_SEED={seed}"
    );
}
