//! A TCP listener with TLS for the private server, so that clients can be tested against a
//! server that behaves like a managed PostgreSQL (`sslmode=require`, `verify-full`). The private
//! server of `serve` and of the test suite listens on a Unix socket only; this is for the tests
//! of the TLS client.

use std::path::Path;

use super::user::RunAs;
use crate::StoreError;

/// TLS on a loopback TCP port: the server's certificate chain and key, in PEM.
#[derive(Clone)]
pub struct TcpTls {
    /// The TCP port on 127.0.0.1 (also names the Unix socket, which stays).
    pub port: u16,
    /// The server's certificate, followed by any intermediates, in PEM.
    pub certificate_pem: String,
    /// The certificate's private key, in PEM (PKCS#8 or the traditional form).
    pub private_key_pem: String,
}

impl std::fmt::Debug for TcpTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key stays out of logs and panics.
        f.debug_struct("TcpTls")
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

/// The certificate's and key's file names in the data folder (the server reads them relative
/// to it).
const CERTIFICATE_FILE: &str = "bedrift-server.crt";
const KEY_FILE: &str = "bedrift-server.key";

/// Writes the certificate and key into the data folder, owned by the server's user with the
/// modes PostgreSQL insists on (the key readable by its owner only), and returns the server
/// arguments that turn TLS on and listen on 127.0.0.1 at the port.
pub fn prepare(tls: &TcpTls, data: &Path, run_as: &RunAs) -> Result<Vec<String>, StoreError> {
    write_private(&data.join(CERTIFICATE_FILE), &tls.certificate_pem, run_as)?;
    write_private(&data.join(KEY_FILE), &tls.private_key_pem, run_as)?;
    Ok(vec![
        "-p".into(),
        tls.port.to_string(),
        "-c".into(),
        "listen_addresses=127.0.0.1".into(),
        "-c".into(),
        "ssl=on".into(),
        "-c".into(),
        format!("ssl_cert_file={CERTIFICATE_FILE}"),
        "-c".into(),
        format!("ssl_key_file={KEY_FILE}"),
    ])
}

fn write_private(path: &Path, contents: &str, run_as: &RunAs) -> Result<(), StoreError> {
    use std::os::unix::fs::PermissionsExt;
    let fail = |e: std::io::Error| {
        StoreError::EmbeddedServer(format!("cannot write {}: {e}", path.display()))
    };
    std::fs::write(path, contents).map_err(fail)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(fail)?;
    run_as.hand_over(path)
}
