//! `bedrift operator create`: makes an operator account from the command line, for the
//! installation's staff (the first operator can also sign up through the link `serve` prints).
//! The password comes from `BEDRIFT_OPERATOR_PASSWORD`, or else the first line of stdin, so it
//! never shows up in the process list or the shell history.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{anyhow, Context};
use bedrift_api::auth::{self, AuthError};
use bedrift_api::ApiSettings;
use bedrift_domain::clock::SystemClock;
use bedrift_domain::values::EmailAddress;
use bedrift_store::{connect, DatabaseSettings};

/// The environment variable the password is read from first.
pub const PASSWORD_VAR: &str = "BEDRIFT_OPERATOR_PASSWORD";

/// Migrates, creates the operator account, prints its id.
pub async fn create(settings: &DatabaseSettings, email: &str, name: &str) -> anyhow::Result<()> {
    let email = EmailAddress::parse(email).map_err(|e| anyhow!("--email: {e}"))?;
    let password = password()?;
    auth::check_password_rules(&password).map_err(explain)?;
    let api = ApiSettings::from_env().map_err(|e| anyhow!(e))?;
    let database = connect(settings).await?;
    let outcome = async {
        super::migrate::quietly(database.pool()).await?;
        auth::create_operator(
            database.pool(),
            &SystemClock,
            api.hash_cost,
            &email,
            name,
            &password,
        )
        .await
        .map_err(explain)
    }
    .await;
    database.close().await?;
    let id = outcome?;
    println!("{id}");
    Ok(())
}

/// The password: from the environment, or the first line of stdin (prompted on a terminal).
fn password() -> anyhow::Result<String> {
    if let Ok(password) = std::env::var(PASSWORD_VAR) {
        if !password.is_empty() {
            return Ok(password);
        }
    }
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("Password for the new operator: ");
        std::io::stderr().flush().ok();
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .context("reading the password from stdin")?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        return Err(anyhow!(
            "no password: set {PASSWORD_VAR} or give it on the first line of stdin"
        ));
    }
    Ok(password)
}

/// An authentication refusal as a message for the person at the terminal.
fn explain(error: AuthError) -> anyhow::Error {
    match error {
        AuthError::BadInput { field, message } => anyhow!("{field}: {message}"),
        other => anyhow!(other),
    }
}
