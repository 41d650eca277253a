//! The web pages as the binary serves them: the right file for each route, content types,
//! caching (versioned assets immutable, pages revalidated), the security headers, `404` for
//! anything else, and the public order form's employer contribution that the order page shows.

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;

use crate::helpers::TestApp;

/// Status, headers and body of `GET path` (with `if_none_match`, when given).
async fn get(path: &str, if_none_match: Option<&str>) -> (StatusCode, HeaderMap, String) {
    let mut request = Request::get(path);
    if let Some(tag) = if_none_match {
        request = request.header(header::IF_NONE_MATCH, tag);
    }
    let response = bedrift_api::web::routes()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        headers,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

fn header(headers: &HeaderMap, name: header::HeaderName) -> &str {
    headers
        .get(&name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .unwrap()
}

#[tokio::test]
async fn each_page_route_serves_its_page_revalidated_and_under_the_policy() {
    for (path, marker) in [
        ("/bestill/abc123", "bestill.js"),
        ("/mine", "mine.js"),
        ("/portal", "portal"),
        ("/portal/billetter/42", "portal"),
        ("/invitasjon?token=x", "portal"),
        ("/nytt-passord?token=x", "portal"),
        ("/logg-inn", "portal"),
        ("/forste-operator?token=x", "portal"),
    ] {
        let (status, headers, body) = get(path, None).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(
            header(&headers, header::CONTENT_TYPE),
            "text/html; charset=utf-8",
            "{path}"
        );
        assert_eq!(
            header(&headers, header::CACHE_CONTROL),
            "no-cache",
            "{path}"
        );
        let csp = header(&headers, header::CONTENT_SECURITY_POLICY);
        assert!(
            csp.contains("default-src 'self'") && csp.contains("script-src 'self'"),
            "{csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert_eq!(header(&headers, header::REFERRER_POLICY), "no-referrer");
        assert!(body.contains(marker), "{path}: {body}");
        assert!(
            body.contains(&format!(
                "/web/common.css?v={}",
                bedrift_api::web::version()
            )),
            "{path} names its assets with the version"
        );
    }
}

#[tokio::test]
async fn assets_have_their_content_type_and_are_immutable_only_at_the_current_version() {
    let version = bedrift_api::web::version();
    for (file, content_type) in [
        ("common.js", "text/javascript; charset=utf-8"),
        ("common.css", "text/css; charset=utf-8"),
        ("bestill.js", "text/javascript; charset=utf-8"),
    ] {
        let (status, headers, _) = get(&format!("/web/{file}?v={version}"), None).await;
        assert_eq!(status, StatusCode::OK, "{file}");
        assert_eq!(header(&headers, header::CONTENT_TYPE), content_type);
        assert_eq!(
            header(&headers, header::CACHE_CONTROL),
            "public, max-age=31536000, immutable"
        );
        let (_, headers, _) = get(&format!("/web/{file}?v=old"), None).await;
        assert_eq!(
            header(&headers, header::CACHE_CONTROL),
            "no-cache",
            "{file}"
        );
        let (_, headers, _) = get(&format!("/web/{file}"), None).await;
        assert_eq!(
            header(&headers, header::CACHE_CONTROL),
            "no-cache",
            "{file}"
        );
    }
}

#[tokio::test]
async fn scripts_import_their_siblings_at_the_current_version() {
    let (_, _, body) = get("/web/bestill.js", None).await;
    let import = format!("from './common.js?v={}'", bedrift_api::web::version());
    assert!(body.contains(&import), "{body}");
}

#[tokio::test]
async fn a_held_copy_is_confirmed_with_304_and_a_changed_one_sent_again() {
    let (_, headers, body) = get("/web/common.js", None).await;
    let etag = header(&headers, header::ETAG).to_owned();
    let (status, headers, again) = get("/web/common.js", Some(&etag)).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert!(again.is_empty());
    assert_eq!(header(&headers, header::ETAG), etag);
    let (status, _, again) = get("/web/common.js", Some("\"something-else\"")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again, body);
}

#[tokio::test]
async fn unknown_files_and_paths_outside_web_are_404() {
    // Names the file route sees: answered by it, never cached.
    for path in [
        "/web/nope.js",
        "/web/tests%2Fflow.mjs",
        "/web/..%2FCargo.toml",
        "/web/tests",
    ] {
        let (status, headers, body) = get(path, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            header(&headers, header::CACHE_CONTROL),
            "no-store",
            "{path}"
        );
        assert_eq!(body, "Fant ikke siden.\n");
    }
    // Paths no route takes.
    for path in ["/web/tests/flow.mjs", "/web/", "/bestill", "/bestill/a/b"] {
        let (status, _, _) = get(path, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn the_root_sends_people_to_the_portal() {
    let (status, headers, _) = get("/", None).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(header(&headers, header::LOCATION), "/portal");
}

#[tokio::test]
async fn the_public_order_form_tells_what_the_company_pays() {
    let app = TestApp::spawn("2026-12-10").await;
    let operator = app.operator().await;
    let (company, admin, link) = app
        .company(&operator, "923609016", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    let form = "query($t: String!) { orderForm(token: $t) { employerContribution { kind percent amount } } }";
    let data = app.ok(None, form, json!({ "t": link })).await;
    assert_eq!(
        data["orderForm"]["employerContribution"],
        json!({ "kind": "NONE", "percent": null, "amount": null })
    );
    app.ok(
        Some(&admin),
        "mutation($c: ID!) { setEmployerContribution(companyId: $c, input: { kind: FIXED, amount: 30000 }) { name } }",
        json!({ "c": company }),
    )
    .await;
    let data = app.ok(None, form, json!({ "t": link })).await;
    assert_eq!(
        data["orderForm"]["employerContribution"],
        json!({ "kind": "FIXED", "percent": null, "amount": 30000 })
    );
}
