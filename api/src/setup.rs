//! What `serve` does on start: install the example tariff on a fresh installation, and on a
//! system without operators print a one-time link for the first one.

use bedrift_domain::metadata::{Actor, Metadata};
use bedrift_domain::tariff::{agder, Tariff, TariffCommand, TARIFF_ID};

use crate::auth;
use crate::graphql::ApiError;
use crate::AppState;

/// Installs Agder's example tariff (prices labelled as examples) unless a tariff exists.
pub async fn install_example_tariff(state: &AppState) -> Result<(), ApiError> {
    let command = TariffCommand::Install {
        version: agder::example_version(),
    };
    let metadata = Metadata::new(Actor::System, state.clock.now());
    match state
        .execute::<Tariff>(TARIFF_ID.to_owned(), command, metadata)
        .await
    {
        Ok(_) => {
            tracing::warn!(
                "installed the EXAMPLE tariff for Agder: the operator must publish the real prices"
            );
            Ok(())
        }
        Err(ApiError::Conflict(_)) => Ok(()),
        Err(other) => Err(other),
    }
}

/// On a system without operators: a one-time link (valid 24 hours) with which the first
/// operator signs up through the `createFirstOperator` mutation. Printed to the console,
/// never returned by the API.
pub async fn print_first_operator_link(state: &AppState) -> Result<Option<String>, ApiError> {
    let mut connection = state.pool.acquire().await?;
    let Some(token) = auth::issue_first_operator_token(&mut connection, &*state.clock).await?
    else {
        return Ok(None);
    };
    let link = format!(
        "{}/forste-operator?token={token}",
        state.settings.public_url
    );
    println!("No operator account exists yet. Create the first one within 24 hours at:\n  {link}\n(the token goes to the createFirstOperator mutation)");
    Ok(Some(token))
}
