//! The ticket page `GET /billett/{token}`: the page the approval SMS links to. Rendered on the
//! server (no script), phone first, every value HTML-escaped. It shows the one ticket of its
//! link and nothing else; an unknown or replaced link gets a plain `404` page saying what to do.
//! Answers are `no-store` (personal data) and carry no referrer (the token is in the URL).

use axum::extract::{Path, RawQuery, State};
use axum::http::header::{ACCEPT_LANGUAGE, CACHE_CONTROL, CONTENT_TYPE, COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bedrift_projections::ticket_links;
use chrono::NaiveDate;

use super::card::{self, CardStatus, TicketCard, ZonesShown};
use super::texts::{Language, Texts};
use super::{keys, qr, signed, TicketError};
use crate::AppState;

/// `GET /billett/{token}`.
pub async fn ticket_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let accept = headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    let cookies = headers.get(COOKIE).and_then(|v| v.to_str().ok());
    let language = Language::choose(query.as_deref(), cookies, accept);
    let mut response = match find(&state, &token).await {
        Ok(Some((card, signed))) => {
            let app_link = state
                .settings
                .notifications
                .app_link(card.subscription_id, &token);
            let body = render_ticket(language, &card, signed.as_ref(), app_link.as_deref());
            html(StatusCode::OK, body)
        }
        Ok(None) => {
            let texts = language.texts();
            let body = page(language, texts.gone_title, &paragraph(texts.gone_body));
            html(StatusCode::NOT_FOUND, body)
        }
        Err(error) => {
            tracing::error!(error = %error, "the ticket page failed");
            let texts = language.texts();
            let body = page(language, texts.failed_title, &paragraph(texts.failed_body));
            html(StatusCode::INTERNAL_SERVER_ERROR, body)
        }
    };
    // A language chosen on the page is remembered for the next visit.
    if let Some(chosen) = Language::asked(query.as_deref()) {
        if let Ok(value) = HeaderValue::from_str(&chosen.cookie()) {
            response.headers_mut().insert(SET_COOKIE, value);
        }
    }
    response
}

/// A signed ticket as the page shows it: the compact JWS and its QR code.
struct Signed {
    jws: String,
    qr_svg: String,
}

/// The ticket of the live link `token` as of today, with its signed form while it is valid
/// now or later.
async fn find(
    state: &AppState,
    token: &str,
) -> Result<Option<(TicketCard, Option<Signed>)>, TicketError> {
    // A token is 64 hex characters; anything else cannot be one, and is not looked up.
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let Some(subscription) = ticket_links::subscription_of(&state.pool, token).await? else {
        return Ok(None);
    };
    let Some(card) = card::load(&state.pool, subscription, state.clock.today()).await? else {
        return Ok(None);
    };
    let now = state.clock.now();
    let signed = match signed::claims(&card, &state.settings.public_url, now) {
        Some(claims) => {
            let key = keys::signing_key(&state.pool, &*state.clock).await?;
            let jws = signed::sign(&key, &claims);
            let qr_svg = qr::svg(&jws)?;
            Some(Signed { jws, qr_svg })
        }
        None => None,
    };
    Ok(Some((card, signed)))
}

/// `GET /.well-known/jwks.json`: the public keys that verify signed tickets, by key id.
pub async fn jwks(State(state): State<AppState>) -> Response {
    match keys::signing_key(&state.pool, &*state.clock).await {
        Ok(_) => {}
        Err(error) => return jwks_failed(&error),
    }
    match keys::jwks(&state.pool, &*state.clock).await {
        Ok(document) => {
            let mut response = axum::Json(document).into_response();
            let headers = response.headers_mut();
            crate::web::secure(headers);
            // Short enough that a rotation reaches inspectors' devices within minutes.
            headers.insert(
                CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            );
            response
        }
        Err(error) => jwks_failed(&error),
    }
}

fn jwks_failed(error: &TicketError) -> Response {
    tracing::error!(error = %error, "the key set failed");
    (StatusCode::INTERNAL_SERVER_ERROR, "internal error\n").into_response()
}

fn html(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    crate::web::secure(headers);
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    response
}

/// The whole ticket.
fn render_ticket(
    language: Language,
    card: &TicketCard,
    signed: Option<&Signed>,
    app_link: Option<&str>,
) -> String {
    let t = language.texts();
    let mut rows = String::new();
    let mut row = |label: &str, value: &str| {
        rows.push_str(&format!(
            "<div class=\"rad\"><dt>{}</dt><dd>{}</dd></div>",
            escape(label),
            escape(value)
        ));
    };
    row(t.holder, &card.holder);
    row(t.category, t.category_name(card.category));
    let mut zones = match &card.zones {
        ZonesShown::WholeRegion => t.whole_region.to_owned(),
        ZonesShown::Named(names) => names.join(", "),
    };
    if let Some(from) = card.zones_from {
        zones.push_str(&format!(" ({} {})", t.zones_from, day(from)));
    }
    row(t.zones, &zones);
    if let Some(from) = card.valid_from {
        row(t.valid_from, &day(from));
    }
    let through = card.valid_through.map_or(t.until_cancelled.to_owned(), day);
    row(t.valid_through, &through);
    row(t.company, &card.company);
    let status = status_text(t, card);
    let mut main = format!(
        "<p class=\"status status-{}\">{}: <strong>{}</strong></p><dl>{rows}</dl>",
        status_class(card.status),
        escape(t.status),
        escape(&status),
    );
    if let Some(signed) = signed {
        // The SVG is the service's own drawing (paths only); the JWS is base64url and dots.
        main.push_str(&format!(
            "<figure class=\"qr\" data-jws=\"{jws}\">{svg}<figcaption class=\"hint\">{scan}\
             </figcaption></figure>",
            jws = escape(&signed.jws),
            svg = signed.qr_svg,
            scan = escape(t.scan),
        ));
    }
    if let Some(link) = app_link {
        main.push_str(&format!(
            "<p><a class=\"knapp\" href=\"{}\">{}</a></p>",
            escape(link),
            escape(t.open_in_app)
        ));
    }
    page(language, t.title, &main)
}

fn status_text(t: &Texts, card: &TicketCard) -> String {
    match card.status {
        CardStatus::Upcoming => t.upcoming.to_owned(),
        CardStatus::Active => t.active.to_owned(),
        CardStatus::Ending => match card.valid_through {
            Some(end) => format!("{} {}", t.ending, day(end)),
            None => t.active.to_owned(),
        },
        CardStatus::Ended => t.ended.to_owned(),
        CardStatus::CancelledBeforeStart => t.cancelled_before_start.to_owned(),
        CardStatus::NotValid => t.not_valid.to_owned(),
    }
}

fn status_class(status: CardStatus) -> &'static str {
    match status {
        CardStatus::Upcoming => "kommende",
        CardStatus::Active | CardStatus::Ending => "aktiv",
        CardStatus::Ended | CardStatus::CancelledBeforeStart | CardStatus::NotValid => "utlopt",
    }
}

/// A date as Norwegians write it, `01.01.2027` (in both languages: it is what ID cards and
/// inspectors use).
fn day(date: NaiveDate) -> String {
    date.format("%d.%m.%Y").to_string()
}

fn paragraph(text: &str) -> String {
    format!("<p>{}</p>", escape(text))
}

/// The page around `main` (already escaped HTML).
fn page(language: Language, title: &str, main: &str) -> String {
    let t = language.texts();
    format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex\">\
         <title>{title}</title>\
         <link rel=\"stylesheet\" href=\"/web/billett.css?v={version}\"></head>\
         <body><main class=\"billett\"><header><h1>{title}</h1>\
         <a class=\"sprak\" href=\"{other_query}\" hreflang=\"{other_lang}\">{other}</a></header>\
         {main}</main></body></html>",
        lang = language.tag(),
        title = escape(title),
        version = crate::web::version(),
        other_query = escape(t.other_language_query),
        other_lang = if language == Language::Bokmal {
            "en"
        } else {
            "nb"
        },
        other = escape(t.other_language),
    )
}

/// `text` safe inside HTML text and quoted attributes.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_names_is_shown_as_text() {
        assert_eq!(
            escape("<script>\"x\"&'y'</script>"),
            "&lt;script&gt;&quot;x&quot;&amp;&#39;y&#39;&lt;/script&gt;"
        );
    }
}
