//! Project automation, run as `cargo xtask <task>` (the alias lives in `.cargo/config.toml`).
//!
//! - `cargo xtask test`: every check CI runs — formatting, clippy, all tests, the WebAssembly
//!   build of the shared crates, and the rule that those crates pull no server code.

use std::{
    env,
    process::{Command, ExitCode},
};

/// Crates compiled for the browser: they must build for wasm32 and depend on no server crate.
const WASM_CRATES: &[&str] = &["opuntia-domain", "opuntia-api-types"];
/// Crates that must never reach the browser bundle.
const SERVER_ONLY: &[&str] = &["sea-orm", "sqlx", "actix-web", "tokio", "lettre", "argon2"];
const WASM_TARGET: &str = "wasm32-unknown-unknown";

fn main() -> ExitCode {
    let task = env::args().nth(1).unwrap_or_default();
    let result = match task.as_str() {
        "test" => test(),
        _ => Err(format!(
            "unknown task {task:?}\n\nusage: cargo xtask test    run every check (formatting, clippy, tests, wasm build)"
        )),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn cargo() -> Command {
    Command::new(env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

fn run(step: &str, command: &mut Command) -> Result<(), String> {
    eprintln!("\n==> {step}");
    let status = command
        .status()
        .map_err(|e| format!("{step}: could not start: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{step} failed ({status})"))
    }
}

fn output(command: &mut Command) -> Result<String, String> {
    let out = command
        .output()
        .map_err(|e| format!("could not start: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn test() -> Result<(), String> {
    run(
        "cargo fmt --check",
        cargo().args(["fmt", "--all", "--check"]),
    )?;
    run(
        "cargo clippy -D warnings",
        cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    run("cargo test", cargo().args(["test", "--workspace"]))?;
    ensure_wasm_target()?;
    let mut check = cargo();
    check.args(["check", "--target", WASM_TARGET]);
    for krate in WASM_CRATES {
        check.args(["-p", krate]);
    }
    run("cargo check --target wasm32-unknown-unknown", &mut check)?;
    check_no_server_dependencies()?;
    eprintln!("\nAll checks passed.");
    Ok(())
}

fn ensure_wasm_target() -> Result<(), String> {
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"]))
        .map_err(|e| format!("rustup target list: {e}"))?;
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        return Ok(());
    }
    run(
        "rustup target add wasm32-unknown-unknown",
        Command::new("rustup").args(["target", "add", WASM_TARGET]),
    )
}

fn check_no_server_dependencies() -> Result<(), String> {
    eprintln!("\n==> shared crates depend on no server crate");
    for krate in WASM_CRATES {
        let tree = output(cargo().args(["tree", "-p", krate, "-e", "normal", "--prefix", "none"]))
            .map_err(|e| format!("cargo tree -p {krate}: {e}"))?;
        for line in tree.lines() {
            let name = line.split_whitespace().next().unwrap_or_default();
            if SERVER_ONLY.contains(&name) {
                return Err(format!(
                    "{krate} depends on {name}, which must stay out of the browser"
                ));
            }
        }
    }
    Ok(())
}
