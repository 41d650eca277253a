//! The web pages: the employee order page at `/bestill/{token}`, the company and operator
//! portal at `/portal` (and `/portal/*`, which the portal routes itself, and the paths of the
//! links the service sends: `/invitasjon`, `/nytt-passord`, `/logg-inn`, `/forste-operator`),
//! and their assets at `/web/{file}`. Every file of `web/` is embedded in the binary (see `build.rs`); nothing is
//! read from disk at run time.
//!
//! Caching: the pages themselves are `no-cache` (revalidated with their ETag each time), and
//! they name their assets with the build's version (`/web/common.js?v=<version>`, rewritten
//! when the pages are served), so an asset asked for with the current version is cached for a
//! year as immutable; without it (or with an old one) it is `no-cache` with an ETag. Module
//! imports between the scripts (`from './common.js'`) carry the version the same way.
//! Every answer carries a Content-Security-Policy that allows only the service itself.

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::extract::{Path, RawQuery};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG, IF_NONE_MATCH, LOCATION,
    REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sha2::{Digest, Sha256};

include!(concat!(env!("OUT_DIR"), "/web_assets.rs"));

/// Only the service itself: scripts, styles, images, fetches and websockets.
pub const CSP: &str =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// Pages must be revalidated; their assets carry the version in the URL.
const NO_CACHE: &str = "no-cache";
/// An asset asked for with the current version never changes.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// One file as served: its bytes (with asset URLs versioned), type and ETag.
struct Asset {
    body: Vec<u8>,
    content_type: &'static str,
    etag: String,
}

/// Every file, by name, and the version of the whole set.
struct Assets {
    version: String,
    files: HashMap<&'static str, Asset>,
}

static ASSETS: LazyLock<Assets> = LazyLock::new(|| Assets::from_files(FILES));

impl Assets {
    fn from_files(files: &[(&'static str, &'static [u8])]) -> Self {
        let mut whole = Sha256::new();
        for (name, bytes) in files {
            whole.update(name.as_bytes());
            whole.update([0]);
            whole.update(bytes);
        }
        let version = hex(&whole.finalize()[..6]);
        let names: Vec<&str> = files.iter().map(|(name, _)| *name).collect();
        let files = files
            .iter()
            .map(|(name, bytes)| {
                let content_type = content_type(name);
                let body = versioned(name, bytes, &names, &version);
                let etag = format!("\"{}\"", hex(&Sha256::digest(&body)[..12]));
                (
                    *name,
                    Asset {
                        body,
                        content_type,
                        etag,
                    },
                )
            })
            .collect();
        Self { version, files }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("webmanifest") => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

/// The file with its references to other assets versioned: `"/web/x.css"` in pages and
/// `'./x.js'` in scripts.
fn versioned(name: &str, bytes: &[u8], names: &[&str], version: &str) -> Vec<u8> {
    let is_page = name.ends_with(".html");
    let is_script = name.ends_with(".js");
    let (true, Ok(text)) = (is_page || is_script, std::str::from_utf8(bytes)) else {
        return bytes.to_vec();
    };
    let mut text = text.to_owned();
    for other in names {
        let quotes = ['"', '\''];
        for quote in quotes {
            let (from, to) = if is_page {
                (
                    format!("{quote}/web/{other}{quote}"),
                    format!("{quote}/web/{other}?v={version}{quote}"),
                )
            } else {
                (
                    format!("{quote}./{other}{quote}"),
                    format!("{quote}./{other}?v={version}{quote}"),
                )
            };
            text = text.replace(&from, &to);
        }
    }
    text.into_bytes()
}

/// The routes of the web pages and their assets.
pub fn routes() -> Router {
    Router::new()
        .route("/", get(root))
        .route("/bestill/{token}", get(order_page))
        .route("/portal", get(portal_page))
        .route("/portal/{*rest}", get(portal_page))
        // The links the service sends by e-mail and prints point here; the portal handles them.
        .route("/invitasjon", get(portal_page))
        .route("/nytt-passord", get(portal_page))
        .route("/logg-inn", get(portal_page))
        .route("/forste-operator", get(portal_page))
        .route("/web/{file}", get(asset))
        .route("/favicon.ico", get(favicon))
}

/// The version of the embedded files, as asset URLs carry it (`?v=`).
pub fn version() -> &'static str {
    &ASSETS.version
}

async fn root() -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    response
        .headers_mut()
        .insert(LOCATION, HeaderValue::from_static("/portal"));
    response
}

/// Browsers ask for `/favicon.ico` whatever the page names; they get the SVG icon.
async fn favicon(headers: HeaderMap) -> Response {
    serve("favicon.svg", &headers, NO_CACHE)
}

async fn order_page(headers: HeaderMap) -> Response {
    serve("bestill.html", &headers, NO_CACHE)
}

async fn portal_page(headers: HeaderMap) -> Response {
    serve("portal.html", &headers, NO_CACHE)
}

async fn asset(
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let current = query
        .as_deref()
        .unwrap_or_default()
        .split('&')
        .any(|pair| pair.strip_prefix("v=") == Some(ASSETS.version.as_str()));
    let cache = if current && !file.ends_with(".html") {
        IMMUTABLE
    } else {
        NO_CACHE
    };
    serve(&file, &headers, cache)
}

/// `name` with its headers, `304 Not Modified` when the client holds it already, or a plain
/// Norwegian `404` when there is no such file.
fn serve(name: &str, request: &HeaderMap, cache: &'static str) -> Response {
    let Some(asset) = ASSETS.files.get(name) else {
        let mut response = (StatusCode::NOT_FOUND, "Fant ikke siden.\n").into_response();
        secure(response.headers_mut());
        response
            .headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return response;
    };
    let fresh = request
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| {
            let tag = tag.trim();
            tag == "*" || tag.trim_start_matches("W/") == asset.etag
        });
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        asset.body.clone().into_response()
    };
    let headers = response.headers_mut();
    secure(headers);
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(asset.content_type));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(etag) = HeaderValue::from_str(&asset.etag) {
        headers.insert(ETAG, etag);
    }
    response
}

/// The security headers of every answer: the policy, no type sniffing, and no referrer (an
/// order link's token must not leak to other sites).
fn secure(headers: &mut HeaderMap) {
    headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_name_their_assets_with_the_version_and_scripts_their_imports() {
        let files: &[(&str, &[u8])] = &[
            (
                "a.html",
                b"<link href=\"/web/b.css\"><script src='/web/c.js'></script> /web/none.js",
            ),
            ("b.css", b"body{}"),
            ("c.js", b"import { x } from './d.js'; import \"./b.css\";"),
            ("d.js", b"export const x = 1;"),
        ];
        let assets = Assets::from_files(files);
        let v = &assets.version;
        let page = String::from_utf8(assets.files["a.html"].body.clone()).unwrap();
        assert_eq!(
            page,
            format!("<link href=\"/web/b.css?v={v}\"><script src='/web/c.js?v={v}'></script> /web/none.js")
        );
        let script = String::from_utf8(assets.files["c.js"].body.clone()).unwrap();
        assert_eq!(
            script,
            format!("import {{ x }} from './d.js?v={v}'; import \"./b.css?v={v}\";")
        );
        assert_eq!(assets.files["b.css"].body, b"body{}");
    }

    #[test]
    fn any_changed_file_changes_the_version_but_not_the_etag_of_the_others() {
        let before = Assets::from_files(&[("a.js", b"1"), ("b.js", b"2")]);
        let after = Assets::from_files(&[("a.js", b"1"), ("b.js", b"3")]);
        assert_ne!(before.version, after.version);
        assert_ne!(before.files["b.js"].etag, after.files["b.js"].etag);
        assert_eq!(before.files["a.js"].etag, after.files["a.js"].etag);
    }
}
