//! The web pages in a real browser: headless Chromium (Debian's package) driven by
//! playwright-core through `web/tests/flow.mjs`, every page checked with axe-core.
//!
//! The test installs what is missing (`scripts/browser-deps`: chromium with apt-get, the npm
//! packages with `npm ci`), starts the real server and projector on a fresh database, prepares a
//! company (administrator, order form with an extra field, employer contribution, one approved
//! ticket), delivers the outbox to a local SMS gateway and SMTP server, serves the messages to
//! the scenario over a small local HTTP channel (SMS codes, e-mailed links, and every SMS as the
//! gateway received it), and runs the scenario. Its output is shown live; screenshots go to the folder printed first.
//! A failing scenario fails the test with the scenario's output.

/// The API tests' set-up (`tests/api/helpers.rs`), shared: the real server on a fresh database.
#[allow(dead_code, unused_imports)]
mod api {
    pub mod helpers;
}

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use axum::extract::{Path as UrlPath, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};

use api::helpers::{TestApp, PASSWORD};

/// The longest the scenario may take before it is stopped.
const SCENARIO_TIMEOUT: Duration = Duration::from_secs(300);

/// Writes a line to the real stderr, past the test harness's capture, so progress is seen live.
fn progress(line: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}");
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `scripts/browser-deps`, which installs only what is missing.
fn install_browser_deps() {
    let started = Instant::now();
    progress("browser test: checking chromium and the npm packages (scripts/browser-deps)");
    let status = std::process::Command::new("bash")
        .arg(root().join("scripts/browser-deps"))
        .stdin(Stdio::null())
        .status()
        .expect("bash runs scripts/browser-deps");
    assert!(
        status.success(),
        "scripts/browser-deps failed ({status}); see its output above"
    );
    progress(&format!(
        "browser test: dependencies ready in {:.1} s",
        started.elapsed().as_secs_f64()
    ));
}

/// The newest outbox message to the recipient in the path, or 404 while there is none.
async fn message(
    State(app): State<std::sync::Arc<TestApp>>,
    UrlPath(recipient): UrlPath<String>,
) -> (StatusCode, String) {
    // `last_message` panics when there is none; a panic in its own task is a 404 here.
    let lookup = tokio::spawn(async move { app.last_message(&recipient).await });
    match lookup.await {
        Ok(body) => (StatusCode::OK, body),
        Err(_) => (StatusCode::NOT_FOUND, "no message yet".to_owned()),
    }
}

/// Every SMS the gateway delivered to the phone in the path (E.164), oldest first, as a JSON
/// list of texts: what the employee's phone received, links included.
async fn delivered_sms(
    State(app): State<std::sync::Arc<TestApp>>,
    UrlPath(recipient): UrlPath<String>,
) -> axum::Json<Vec<String>> {
    let gateway = &app
        .delivery
        .as_ref()
        .expect("the browser test's app delivers its outbox")
        .gateway;
    axum::Json(gateway.to(&recipient))
}

/// Moves the server's clock `minutes` ahead, so the scenario can let an SMS code expire.
async fn advance(
    State(app): State<std::sync::Arc<TestApp>>,
    UrlPath(minutes): UrlPath<i64>,
) -> StatusCode {
    use bedrift_domain::clock::Clock as _;
    let now = app.clock.now();
    app.clock.set(now + chrono::Duration::minutes(minutes));
    StatusCode::OK
}

/// Serves [`message`], [`delivered_sms`] and [`advance`] on a port of its own; returns its base URL.
async fn message_channel(app: std::sync::Arc<TestApp>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port for the message channel");
    let address = listener.local_addr().expect("an address");
    let router = Router::new()
        .route("/message/{recipient}", get(message))
        .route("/sms/{recipient}", get(delivered_sms))
        .route("/advance/{minutes}", get(advance))
        .with_state(app);
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router).await {
            eprintln!("message channel failed: {e}");
        }
    });
    format!("http://{address}")
}

/// The company the scenario uses; returns the scenario's `SETUP`.
async fn prepare(app: &TestApp) -> serde_json::Value {
    let operator = app.operator().await;
    let (company, admin, order_token) = app
        .company(&operator, "974760673", "kari@firma.no", "APPROVAL_REQUIRED")
        .await;
    app.ok(
        Some(&admin),
        "mutation($c: ID!) { configureOrderForm(companyId: $c, input: {
           employeeNumber: OPTIONAL, extraFields: [{ label: \"Avdeling\", required: true }] }) { id } }",
        json!({ "c": company }),
    )
    .await;
    let contribution = json!({ "kind": "PERCENT", "percent": 50, "amount": null });
    app.ok(
        Some(&admin),
        "mutation($c: ID!) { setEmployerContribution(companyId: $c, input: { kind: PERCENT, percent: 50 }) { id } }",
        json!({ "c": company }),
    )
    .await;
    app.ok(
        Some(&admin),
        "mutation($c: ID!) { setPayrollSettings(companyId: $c, payTypeCode: \"5010\") { id } }",
        json!({ "c": company }),
    )
    .await;
    let other = app
        .create(
            &admin,
            &company,
            "+4798765432",
            json!({ "firstName": "Per", "lastName": "Hansen", "zones": ["kristiansand"],
                    "category": "ADULT", "extraFields": [{ "label": "Avdeling", "value": "Lager" }] }),
            Some("2026-12-10"),
        )
        .await;
    let name = app
        .ok(
            Some(&admin),
            "query($c: ID!) { company(id: $c) { name } }",
            json!({ "c": company }),
        )
        .await["company"]["name"]
        .clone();
    json!({
        "companyId": company,
        "companyName": name,
        "orderToken": order_token,
        "adminEmail": "kari@firma.no",
        "adminPassword": PASSWORD,
        "operatorEmail": "ops@akt.no",
        "operatorPassword": PASSWORD,
        "today": "2026-12-10",
        "otherSubscriptionId": other["id"],
        "otherName": "Per Hansen",
        "employerContribution": contribution,
    })
}

/// Runs `node web/tests/flow.mjs`, forwarding its output live; returns its success and output
/// (all of it, also when it is stopped for taking too long).
async fn run_scenario(env: &[(&str, String)]) -> (bool, String) {
    let mut command = tokio::process::Command::new("node");
    command
        .arg(root().join("web/tests/flow.mjs"))
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command
        .spawn()
        .expect("node starts (apt-get install nodejs)");
    let (lines, mut received) = tokio::sync::mpsc::unbounded_channel::<String>();
    let stdout = BufReader::new(child.stdout.take().expect("piped")).lines();
    let stderr = BufReader::new(child.stderr.take().expect("piped")).lines();
    for mut stream in [
        Box::pin(futures::stream::unfold(stdout, |mut l| async move {
            l.next_line().await.ok().flatten().map(|line| (line, l))
        })) as std::pin::Pin<Box<dyn futures::Stream<Item = String> + Send>>,
        Box::pin(futures::stream::unfold(stderr, |mut l| async move {
            l.next_line().await.ok().flatten().map(|line| (line, l))
        })),
    ] {
        let lines = lines.clone();
        tokio::spawn(async move {
            while let Some(line) = futures::StreamExt::next(&mut stream).await {
                progress(&format!("  | {line}"));
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
    }
    drop(lines);
    let success = match tokio::time::timeout(SCENARIO_TIMEOUT, child.wait()).await {
        Ok(status) => status.expect("node ends").success(),
        Err(_) => {
            let _ = child.kill().await;
            progress(&format!(
                "browser test: the scenario took longer than {SCENARIO_TIMEOUT:?} and was stopped"
            ));
            false
        }
    };
    let mut output = String::new();
    // The pipes close when node ends; a browser left behind holding them must not hang the test.
    while let Ok(Some(line)) = tokio::time::timeout(Duration::from_secs(5), received.recv()).await {
        output.push_str(&line);
        output.push('\n');
    }
    if !success && output.is_empty() {
        output.push_str("(the scenario printed nothing)");
    }
    (success, output)
}

fn screenshot_folder() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"));
    target.join("browser-screenshots")
}

fn clear(folder: &Path) {
    if folder.exists() {
        std::fs::remove_dir_all(folder).expect("the old screenshots can be removed");
    }
    std::fs::create_dir_all(folder).expect("the screenshot folder can be made");
}

/// The portal's texts are in both languages with the same keys, and no portal module has a
/// visible text of its own outside the dictionaries (`web/tests/i18n-check.mjs`; node only).
#[test]
fn the_portal_texts_are_in_both_languages_and_only_in_the_dictionaries() {
    let output = std::process::Command::new("node")
        .arg(root().join("web/tests/i18n-check.mjs"))
        .stdin(Stdio::null())
        .output()
        .expect("node starts (apt-get install nodejs)");
    assert!(
        output.status.success(),
        "web/tests/i18n-check.mjs failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_employee_orders_on_a_phone_and_the_admin_approves_live_in_a_real_browser() {
    let started = Instant::now();
    install_browser_deps();
    let screenshots = screenshot_folder();
    clear(&screenshots);
    progress(&format!(
        "browser test: screenshots go to {}",
        screenshots.display()
    ));

    let app = std::sync::Arc::new(TestApp::spawn_delivering("2026-12-10").await);
    let setup = prepare(&app).await;
    let channel = message_channel(app.clone()).await;
    let base_url = format!("http://{}", app.address);
    progress(&format!(
        "browser test: server at {base_url}, running web/tests/flow.mjs"
    ));

    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    let (success, output) = run_scenario(&[
        ("BASE_URL", base_url),
        ("CHANNEL_URL", channel),
        ("SCREENSHOTS", screenshots.display().to_string()),
        ("SETUP", setup.to_string()),
        ("CHROMIUM", chromium),
    ])
    .await;
    progress(&format!(
        "browser test: finished in {:.1} s; screenshots in {}",
        started.elapsed().as_secs_f64(),
        screenshots.display()
    ));
    assert!(
        success,
        "the browser scenario failed (screenshots in {}):\n{output}",
        screenshots.display()
    );
}
