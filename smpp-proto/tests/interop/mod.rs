//! Interop harness for tests against real third-party SMPP peers (node-smpp, python-smpplib).
//!
//! [`peers`] runs `interop/setup.sh` once per test binary; it installs the peers under
//! `target/interop/` (or `$SMPP_INTEROP_DIR`) and is a no-op when they are already there.
//! When the peers cannot be installed (no registry, no node/python), a test calls
//!
//! ```ignore
//! let Some(peers) = interop::peers("my_test") else { return };
//! ```
//!
//! and is skipped with `SKIPPED: <reason>` written straight to the process's stderr (not
//! captured by the test harness, so it is visible in a plain `cargo test` run). It is never
//! a silent pass: with `SMPP_INTEROP=require` (CI) the skip becomes a failure, and with
//! `SMPP_INTEROP=off` the setup is not even attempted (offline development).
#![allow(dead_code, unreachable_pub)]
// Test harness, not the core: it spawns peers and a stdin writer thread.
#![allow(clippy::disallowed_methods)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

/// Installed peers.
#[derive(Debug, Clone)]
pub struct Peers {
    /// Repository root (holds `interop/`).
    pub root: PathBuf,
    /// The `node` executable.
    pub node: PathBuf,
    /// `NODE_PATH` that resolves `require('smpp')`.
    pub node_path: PathBuf,
    /// The venv's python, with `smpplib` importable.
    pub python: PathBuf,
}

impl Peers {
    /// Path of a file in `interop/`.
    pub fn script(&self, name: &str) -> PathBuf {
        self.root.join("interop").join(name)
    }

    /// `node interop/<script>` with `NODE_PATH` set.
    pub fn node_cmd(&self, script: &str) -> Command {
        let mut c = Command::new(&self.node);
        c.env("NODE_PATH", &self.node_path).arg(self.script(script));
        c
    }

    /// `<venv>/bin/python interop/<script>`.
    pub fn python_cmd(&self, script: &str) -> Command {
        let mut c = Command::new(&self.python);
        c.env("PYTHONIOENCODING", "utf-8")
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .arg(self.script(script));
        c
    }
}

/// Runs `cmd` with `stdin` as input; panics (with the peer's stderr) unless it exits 0.
/// Returns stdout.
pub fn run_with_input(mut cmd: Command, stdin: &[u8]) -> Vec<u8> {
    let desc = format!("{cmd:?}");
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {desc}: {e}"));
    let mut input = child.stdin.take().expect("stdin");
    let data = stdin.to_vec();
    // Write from a thread so a peer that writes a lot before reading cannot deadlock us.
    let writer = std::thread::spawn(move || input.write_all(&data));
    let out: Output = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("{desc}: {e}"));
    writer.join().expect("stdin writer").expect("write stdin");
    assert!(
        out.status.success(),
        "{desc} failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("crate is inside the workspace")
        .to_path_buf()
}

fn mode() -> String {
    std::env::var("SMPP_INTEROP").unwrap_or_default()
}

/// Runs the setup once; `Err(reason)` when the peers are unavailable.
fn setup() -> Result<Peers, String> {
    if mode() == "off" {
        return Err("SMPP_INTEROP=off".into());
    }
    let root = repo_root();
    let dest = std::env::var_os("SMPP_INTEROP_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/interop"));
    let out = Command::new("bash")
        .arg(root.join("interop/setup.sh"))
        .env("SMPP_INTEROP_DIR", &dest)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run bash interop/setup.sh: {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        let reason = stderr
            .lines()
            .rev()
            .find_map(|l| l.strip_prefix("interop setup: FAILED: "))
            .map(str::to_owned)
            .unwrap_or_else(|| {
                format!(
                    "interop/setup.sh exited with {}: {}",
                    out.status,
                    stderr.lines().last().unwrap_or("")
                )
            });
        return Err(reason);
    }
    let node = find_in_path("node").ok_or("node not found in PATH")?;
    let peers = Peers {
        root,
        node,
        node_path: dest.join("node/node_modules"),
        python: dest.join("venv/bin/python"),
    };
    if !peers.python.exists() {
        return Err(format!("{} missing after setup", peers.python.display()));
    }
    Ok(peers)
}

fn find_in_path(exe: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(exe))
        .find(|p| p.is_file())
}

/// The installed peers, or `None` after reporting `SKIPPED: <reason>` for `test` on stderr.
/// Panics instead of skipping when `SMPP_INTEROP=require`.
pub fn peers(test: &str) -> Option<&'static Peers> {
    static PEERS: OnceLock<Result<Peers, String>> = OnceLock::new();
    match PEERS.get_or_init(setup) {
        Ok(p) => Some(p),
        Err(reason) => {
            assert!(
                mode() != "require",
                "{test}: interop peers unavailable and SMPP_INTEROP=require: {reason}"
            );
            // Straight to fd 2: libtest captures only the print macros, and a skip must be
            // visible in a normal run.
            let _ = writeln!(std::io::stderr(), "SKIPPED: {test}: {reason}");
            None
        }
    }
}
