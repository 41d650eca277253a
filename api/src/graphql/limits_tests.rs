//! The document limits on hand-made documents: exponential fragment fan-out, spreads, aliases,
//! depth outside and inside introspection, fragment cycles, anonymous introspection.

use async_graphql::parser::parse_query;

use super::*;

const LIMITS: DocumentLimits = DocumentLimits {
    max_depth: 12,
    max_fields: 1_000,
    max_aliases: 30,
    max_spreads: 100,
    anonymous_introspection: true,
};

fn refusal(limits: &DocumentLimits, query: &str) -> Option<String> {
    let document = parse_query(query).expect("it parses");
    limits.check(&document, None).err().map(|e| e.to_string())
}

/// `query{...F0}` where each fragment spreads the next twice: under 1 KB, 2^levels fields.
fn fan_out(levels: usize) -> String {
    let mut query = "query{...F0}".to_owned();
    for level in 0..levels {
        query.push_str(&format!(
            " fragment F{level} on QueryRoot{{...F{n} ...F{n}}}",
            n = level + 1
        ));
    }
    query.push_str(&format!(" fragment F{levels} on QueryRoot{{__typename}}"));
    query
}

#[test]
fn a_fragment_fan_out_is_refused_by_its_expanded_size_without_expanding_it() {
    let query = fan_out(40);
    assert!(query.len() < 2_000);
    let refused = refusal(&LIMITS, &query).expect("refused");
    assert!(refused.contains("too many fields"), "{refused}");
    assert_eq!(refusal(&LIMITS, &fan_out(9)), None, "512 fields pass");
}

#[test]
fn spreads_are_capped_per_document() {
    let spreads = " ...F".repeat(101);
    let query = format!("query{{{spreads}}} fragment F on QueryRoot{{__typename}}");
    let refused = refusal(&LIMITS, &query).expect("refused");
    assert!(refused.contains("fragment spreads"), "{refused}");
}

#[test]
fn aliases_are_capped_with_fragments_expanded() {
    let aliases: String = (0..10).map(|i| format!(" a{i}: __typename")).collect();
    let three = format!("query{{...F ...F ...F}} fragment F on QueryRoot{{{aliases}}}");
    assert_eq!(refusal(&LIMITS, &three), None, "30 aliases pass");
    let four = format!("query{{...F ...F ...F ...F}} fragment F on QueryRoot{{{aliases}}}");
    let refused = refusal(&LIMITS, &four).expect("refused");
    assert!(refused.contains("aliased fields"), "{refused}");
}

#[test]
fn depth_is_limited_outside_introspection_only() {
    let nest = |open: &str, levels: usize| {
        format!("{{{}kind{}}}", open.repeat(levels), "}".repeat(levels))
    };
    let deep = nest("a{", 13);
    assert!(refusal(&LIMITS, &deep).unwrap().contains("nested too deep"));
    assert_eq!(refusal(&LIMITS, &nest("a{", 11)), None);
    let introspection = format!("{{__schema{{types{}}}}}", nest("ofType{", 20));
    assert_eq!(refusal(&LIMITS, &introspection), None);
}

#[test]
fn a_fragment_cycle_is_refused_without_looping() {
    let query = "query{...A} fragment A on QueryRoot{...B} fragment B on QueryRoot{...A}";
    assert!(refusal(&LIMITS, query).unwrap().contains("spreads itself"));
}

#[test]
fn anonymous_introspection_can_be_switched_off() {
    let off = DocumentLimits {
        anonymous_introspection: false,
        ..LIMITS
    };
    let refused = refusal(&off, "{ __schema { queryType { name } } }").expect("refused");
    assert!(refused.contains("log in"), "{refused}");
    assert!(refusal(&off, "{ __type(name: \"Company\") { name } }").is_some());
    assert_eq!(refusal(&off, "{ __typename }"), None);
    assert_eq!(
        refusal(&LIMITS, "{ __schema { queryType { name } } }"),
        None
    );
}
