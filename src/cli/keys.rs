//! `bedrift keys rotate`: a new ticket signing key takes over; the old public key stays in
//! `/.well-known/jwks.json` until every ticket it signed has expired (31 days), so tickets
//! already on phones keep verifying. Prints the new key id, never a private key.

use bedrift_api::tickets::keys;
use bedrift_domain::clock::SystemClock;
use bedrift_store::{connect, DatabaseSettings};

/// Migrates, rotates the signing key and prints the new key id.
pub async fn rotate(settings: &DatabaseSettings) -> anyhow::Result<()> {
    let database = connect(settings).await?;
    let outcome = async {
        super::migrate::quietly(database.pool()).await?;
        Ok::<_, anyhow::Error>(keys::rotate(database.pool(), &SystemClock).await?)
    }
    .await;
    database.close().await?;
    let kid = outcome?;
    println!("new ticket signing key: {kid}");
    Ok(())
}
