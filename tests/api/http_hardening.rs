//! What every HTTP answer carries and refuses: `nosniff` everywhere and a CSP on HTML,
//! GraphiQL only when switched on (and then under its own policy), `/metrics` behind its token
//! when one is set, and malformed requests refused with a plain message (no parser internals),
//! only `application/json` read as a GraphQL request.

use crate::helpers::{http, TestApp};

#[tokio::test]
async fn every_answer_says_nosniff_and_html_carries_a_policy() {
    let app = TestApp::spawn("2026-12-10").await;
    for path in [
        "/healthz",
        "/graphql",
        "/metrics",
        "/portal",
        "/reports/invoice/2026-12.csv",
    ] {
        let response = app.get(path).await;
        assert_eq!(
            response
                .headers
                .get("x-content-type-options")
                .map(String::as_str),
            Some("nosniff"),
            "{path}"
        );
        let html = response
            .headers
            .get("content-type")
            .is_some_and(|t| t.starts_with("text/html"));
        if html {
            let policy = &response.headers["content-security-policy"];
            assert!(policy.contains("script-src 'self'"), "{path}: {policy}");
        }
    }
}

#[tokio::test]
async fn graphiql_is_off_unless_switched_on_and_then_pinned_by_its_policy() {
    let off = TestApp::spawn("2026-12-10").await;
    let response = off.get("/graphql").await;
    assert_eq!(response.status, 404);
    assert!(!response.text().contains("unpkg"));

    let on = TestApp::spawn_with("2026-12-10", |s| s.graphiql = true).await;
    let response = on.get("/graphql").await;
    assert_eq!(response.status, 200);
    let policy = &response.headers["content-security-policy"];
    assert!(
        policy.contains("script-src https://unpkg.com 'sha256-"),
        "{policy}"
    );
    assert!(policy.contains("connect-src 'self'"), "{policy}");
    assert!(!policy.contains("script-src 'unsafe-inline'"), "{policy}");
    // Exact versions, each checked by the browser against its hash.
    let page = response.text();
    assert!(
        page.contains("https://unpkg.com/graphiql@4.1.2/graphiql.min.js"),
        "{page}"
    );
    assert_eq!(page.matches("integrity=\"sha384-").count(), 4, "{page}");
}

#[tokio::test]
async fn metrics_need_the_token_when_one_is_set() {
    let app =
        TestApp::spawn_with("2026-12-10", |s| s.metrics_token = Some("hemmelig".into())).await;
    assert_eq!(app.get("/metrics").await.status, 401);
    let wrong = http(
        app.address,
        "GET",
        "/metrics",
        &[("Authorization", "Bearer feil")],
        "",
    )
    .await;
    assert_eq!(wrong.status, 401);
    let right = http(
        app.address,
        "GET",
        "/metrics",
        &[("Authorization", "Bearer hemmelig")],
        "",
    )
    .await;
    assert_eq!(right.status, 200);
}

#[tokio::test]
async fn malformed_requests_get_a_plain_message_and_only_json_is_read() {
    let app = TestApp::spawn("2026-12-10").await;
    let broken = http(app.address, "POST", "/graphql", &[], "{not json").await;
    assert_eq!(broken.status, 400, "{}", broken.text());
    let body = broken.json();
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(
        !message.contains("Error(") && !message.contains("line:"),
        "{message}"
    );

    // A text/plain body (what a cross-site form can send without a preflight) is not read.
    let request = format!(
        "POST /graphql HTTP/1.1\r\nHost: {}\r\nContent-Type: text/plain\r\nContent-Length: 24\r\nConnection: close\r\n\r\n{{\"query\":\"{{__typename}}\"}}",
        app.address
    );
    let mut stream = tokio::net::TcpStream::connect(app.address).await.unwrap();
    tokio::io::AsyncWriteExt::write_all(&mut stream, request.as_bytes())
        .await
        .unwrap();
    let mut answer = Vec::new();
    tokio::io::AsyncReadExt::read_to_end(&mut stream, &mut answer)
        .await
        .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 415"), "{answer}");
    assert!(!answer.contains("QueryRoot"));
}
