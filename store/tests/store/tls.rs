//! TLS to PostgreSQL, driven by the URL's `sslmode` and `sslrootcert` as with libpq: against a
//! private server with TLS on (a certificate authority and server certificate made for the test
//! with the `openssl` program), `require` encrypts, `verify-full` encrypts and checks the server
//! against the given root, and a root that did not sign the server's certificate is refused.

use std::path::{Path, PathBuf};
use std::process::Command;

use bedrift_store::embedded::{EmbeddedServer, ServerMode, TcpTls};
use bedrift_store::{connect, DatabaseSettings, StoreError};

/// A fresh folder for the test's certificates.
fn scratch_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bedrift-tls-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

/// Runs `openssl` with `args` in `dir`, failing the test with its output when it fails.
fn openssl(dir: &Path, args: &[&str]) {
    let output = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the tests of TLS need the `openssl` program");
    assert!(
        output.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Makes a self-signed certificate authority `name.crt` / `name.key` in `dir`.
fn certificate_authority(dir: &Path, name: &str) {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            &format!("/CN={name}"),
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
            "-keyout",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.crt"),
        ],
    );
}

/// Makes `server.crt` / `server.key` for 127.0.0.1 and localhost, signed by authority `ca`.
fn server_certificate(dir: &Path, ca: &str) -> (String, String) {
    openssl(
        dir,
        &[
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
        ],
    );
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-days",
            "2",
            "-copy_extensions",
            "copy",
            "-CA",
            &format!("{ca}.crt"),
            "-CAkey",
            &format!("{ca}.key"),
            "-CAcreateserial",
            "-out",
            "server.crt",
        ],
    );
    let read = |file: &str| std::fs::read_to_string(dir.join(file)).expect(file);
    (read("server.crt"), read("server.key"))
}

/// A port on 127.0.0.1 that nothing listens on right now.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("its address").port()
}

/// Connects the way `serve` does, from a `DATABASE_URL`.
async fn connect_url(url: String) -> Result<bedrift_store::Database, StoreError> {
    let settings = DatabaseSettings {
        url: Some(url),
        data_dir: PathBuf::from("/unused"),
        max_connections: 2,
    };
    connect(&settings).await
}

/// Whether the pool's connection to the server is encrypted, as the server sees it.
async fn encrypted(database: &bedrift_store::Database) -> bool {
    sqlx::query_scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        .fetch_one(database.pool())
        .await
        .expect("pg_stat_ssl")
}

#[tokio::test]
async fn database_urls_with_sslmode_require_and_verify_full_connect_over_tls() {
    let dir = scratch_dir();
    certificate_authority(&dir, "ca");
    certificate_authority(&dir, "other-ca");
    let (certificate_pem, private_key_pem) = server_certificate(&dir, "ca");
    let port = free_port();
    let server = EmbeddedServer::start_with_tls(
        ServerMode::Temporary,
        TcpTls {
            port,
            certificate_pem,
            private_key_pem,
        },
    )
    .await
    .expect("a private server with TLS");
    let base = format!("postgres://postgres@127.0.0.1:{port}/postgres");

    let required = connect_url(format!("{base}?sslmode=require"))
        .await
        .expect("sslmode=require connects");
    assert!(encrypted(&required).await, "require encrypts");
    required.close().await.expect("close");

    let root = dir.join("ca.crt");
    let verified = connect_url(format!(
        "{base}?sslmode=verify-full&sslrootcert={}",
        root.display()
    ))
    .await
    .expect("verify-full with the server's root connects");
    assert!(encrypted(&verified).await, "verify-full encrypts");
    verified.close().await.expect("close");

    let wrong_root = dir.join("other-ca.crt");
    let refused = connect_url(format!(
        "{base}?sslmode=verify-full&sslrootcert={}",
        wrong_root.display()
    ))
    .await;
    // sqlx reports rustls's refusal as an I/O error: "invalid peer certificate: UnknownIssuer".
    match refused {
        Err(StoreError::Database(reason)) => assert!(
            reason.to_string().contains("invalid peer certificate"),
            "refused for its certificate, not for another reason: {reason}"
        ),
        Err(other) => panic!("refused, but not by the connection: {other}"),
        Ok(_) => panic!("verify-full must refuse a server whose certificate the root did not sign"),
    }

    let plain = connect_url(format!("{base}?sslmode=disable"))
        .await
        .expect("sslmode=disable connects");
    assert!(!encrypted(&plain).await, "disable does not encrypt");
    plain.close().await.expect("close");

    server.stop().await.expect("stop");
    std::fs::remove_dir_all(&dir).expect("clean up");
}
