//! Embeds the web pages: lists the files at the top of `web/` (HTML, CSS, JavaScript and
//! images; not `web/tests/`) into `$OUT_DIR/web_assets.rs` as `include_bytes!` entries, so a
//! new page or module is served without editing the list by hand.

use std::fmt::Write as _;
use std::path::PathBuf;

const EXTENSIONS: [&str; 7] = ["html", "js", "css", "svg", "png", "ico", "webmanifest"];

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let web = manifest.join("..").join("web");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    println!("cargo:rerun-if-changed=build.rs");
    // Each file is watched on its own (a watched folder would be scanned recursively,
    // `web/tests/node_modules` included). A new module is picked up when the page that
    // imports it changes, which adding a module always involves.

    let mut files: Vec<(String, PathBuf)> = std::fs::read_dir(&web)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| path.is_file())
                .filter(|path| {
                    path.extension()
                        .and_then(|e| e.to_str())
                        .is_some_and(|e| EXTENSIONS.contains(&e))
                })
                .filter_map(|path| {
                    let name = path.file_name()?.to_str()?.to_owned();
                    Some((name, path))
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();

    let mut code = String::from(
        "/// Every file of `web/`, by name.\npub(crate) static FILES: &[(&str, &[u8])] = &[\n",
    );
    for (name, path) in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        writeln!(
            code,
            "    ({name:?}, include_bytes!({:?})),",
            path.display().to_string()
        )
        .expect("writing to a String");
    }
    code.push_str("];\n");
    std::fs::write(out.join("web_assets.rs"), code).expect("OUT_DIR is writable");
}
