//! The API gate: schemathesis (from PyPI, installed once at a pinned version) against the real
//! server on SQLite and on PostgreSQL, as each demo role and anonymously. The driver,
//! `xtask/schemathesis/run.py`, starts the server, signs in and writes its figures to
//! `<target>/schemathesis/summary.json`.

use std::process::Command;

use crate::{browser, cargo, output, run};

const SCHEMATHESIS_VERSION: &str = "4.32.5";

fn ensure_schemathesis() -> Result<(), String> {
    let installed = output(Command::new("schemathesis").arg("--version"))
        .is_ok_and(|version| version.contains(SCHEMATHESIS_VERSION));
    if installed {
        return Ok(());
    }
    run(
        "installing schemathesis (PyPI, once)",
        Command::new("python3").args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--root-user-action=ignore",
            &format!("schemathesis=={SCHEMATHESIS_VERSION}"),
        ]),
    )
}

/// Runs the gate; `postgres` is the admin URL of a PostgreSQL server to run it on too.
pub fn run_gate(postgres: Option<&str>) -> Result<(), String> {
    ensure_schemathesis()?;
    run(
        "cargo build --bin opuntia",
        cargo().args(["build", "--package", "opuntia-server", "--bin", "opuntia"]),
    )?;
    let root = browser::root();
    let mut gate = Command::new("python3");
    gate.arg(root.join("xtask/schemathesis/run.py"))
        .arg(browser::target_dir().join("debug/opuntia"))
        .arg(root.join("openapi/openapi.json"))
        .arg(browser::target_dir().join("schemathesis"));
    if let Some(url) = postgres {
        gate.arg(url);
    }
    run(
        "schemathesis against the server (every role and anonymous)",
        &mut gate,
    )
}
