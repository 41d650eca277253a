//! `schema.graphql` is generated from the code; this test fails when the checked-in file is
//! stale. Regenerate with `UPDATE_SCHEMA=1 cargo test --test api schema`.

#[test]
fn the_checked_in_schema_matches_the_code() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.graphql");
    let generated = bedrift_api::graphql::sdl();
    if std::env::var("UPDATE_SCHEMA").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &generated).expect("schema.graphql written");
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "schema.graphql is out of date: run `UPDATE_SCHEMA=1 cargo test --test api schema` and commit it"
    );
}

#[tokio::test]
async fn every_type_field_and_argument_is_documented() {
    let query = "{ __schema { types { name description fields { name description args { name description } } inputFields { name description } enumValues { name description } } } }";
    let response = bedrift_api::graphql::bare_schema().execute(query).await;
    let data = response.data.into_json().expect("JSON");
    let mut undocumented = Vec::new();
    let documented =
        |v: &serde_json::Value| v["description"].as_str().is_some_and(|d| !d.is_empty());
    for ty in data["__schema"]["types"].as_array().expect("types") {
        let name = ty["name"].as_str().unwrap_or_default();
        if name.starts_with("__")
            || ["Boolean", "String", "Int", "Float", "ID", "PageInfo"].contains(&name)
        {
            continue;
        }
        let generated =
            name.ends_with("Connection") || name.ends_with("Edge") || name.ends_with("Root");
        if !generated && !documented(ty) {
            undocumented.push(name.to_owned());
        }
        for member in ["fields", "inputFields", "enumValues"] {
            for field in ty[member].as_array().into_iter().flatten() {
                let field_name = field["name"].as_str().unwrap_or_default();
                let plumbing = generated
                    && ["edges", "nodes", "pageInfo", "cursor", "node"].contains(&field_name);
                if !plumbing && !documented(field) {
                    undocumented.push(format!("{name}.{field_name}"));
                }
                for arg in field["args"].as_array().into_iter().flatten() {
                    if !documented(arg) {
                        undocumented.push(format!("{name}.{field_name}({})", arg["name"]));
                    }
                }
            }
        }
    }
    assert!(undocumented.is_empty(), "undocumented: {undocumented:#?}");
}
