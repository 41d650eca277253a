//! The server process, under a small `sh` wrapper that stops it when we go away.
//!
//! The wrapper's stdin is a pipe whose only writing end our process holds. The wrapper starts
//! `postgres` in the background and blocks reading that pipe; the read returns at end of file,
//! which happens when we close the pipe *or when our process dies in any way*, SIGKILL
//! included, since the kernel closes a dead process's files. The wrapper then asks the server
//! for a fast shutdown (SIGINT), waits for it, and removes the folder it was told to remove.
//! If the server exits on its own (a failed start), the wrapper exits too, so a start-up
//! failure is seen at once, and leaves the folders so that its log can be read.

use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};

use super::cluster::Folders;
use super::user::RunAs;
use crate::StoreError;

const WRAPPER: &str = r#"
postgres="$1"; data="$2"; socket="$3"; log="$4"; remove_after="$5"
shift 5
exec 3<&0
"$postgres" -D "$data" -k "$socket" -c listen_addresses= -p 5432 "$@" \
    </dev/null >"$log" 2>&1 3<&- &
server=$!
{ read -r _ <&3; : >"$socket/stop-requested"; kill -INT "$server" 2>/dev/null; } &
watcher=$!
exec 3<&-
wait "$server"
status=$?
if [ -e "$socket/stop-requested" ]; then
    rm -rf "$remove_after"
else
    kill "$watcher" 2>/dev/null
fi
exit "$status"
"#;

/// Settings that trade durability for speed in throw-away test clusters.
const FAST_UNSAFE: [&str; 7] = [
    "-F",
    "-c",
    "synchronous_commit=off",
    "-c",
    "full_page_writes=off",
    "-c",
    "max_connections=200",
];

/// Starts the server under the wrapper, with `extra_arguments` for the server after ours. The returned pipe keeps it alive: drop it to stop it.
pub fn spawn(
    postgres: &Path,
    run_as: &RunAs,
    folders: &Folders,
    durable: bool,
    extra_arguments: &[String],
) -> Result<(Child, ChildStdin), StoreError> {
    use std::os::unix::process::CommandExt;
    let mut command: Command = run_as.command("sh");
    command
        .arg("-c")
        .arg(WRAPPER)
        .arg("bedrift-postgres")
        .arg(postgres)
        .arg(&folders.data)
        .arg(&folders.socket)
        .arg(&folders.log)
        .arg(&folders.remove_after);
    if !durable {
        command.args(FAST_UNSAFE);
    }
    // After ours, so they win (the server takes the last value of a setting).
    command.args(extra_arguments);
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        // Its own process group: Ctrl-C in a terminal reaches only us, and we stop the server
        // after our graceful shutdown, not before.
        .process_group(0);
    let mut child = command.spawn().map_err(|e| {
        StoreError::EmbeddedServer(format!("cannot start {}: {e}", postgres.display()))
    })?;
    let stdin = child
        .stdin
        .take()
        .ok_or_else(|| StoreError::EmbeddedServer("the server wrapper has no stdin".into()))?;
    Ok((child, stdin))
}
