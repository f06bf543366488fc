//! Project automation, run as `cargo xtask <task>` (the alias lives in `.cargo/config.toml`).
//!
//! - `cargo xtask test`: every check CI runs — formatting, clippy, all tests (the server's on
//!   SQLite, and on PostgreSQL when one answers on 127.0.0.1:5432), the WebAssembly build of the
//!   shared crates and the app, the rule that those crates pull no server code, schemathesis
//!   against the running server (each role and anonymous, both databases), the cargo-fuzz
//!   targets for a few seconds each (nightly toolchain, installed when missing), then the browser
//!   journeys in Chromium. Installs what is missing: the SMTP sink of the mail tests (Python's
//!   aiosmtpd), schemathesis, nightly and cargo-fuzz, the app's build tools, Chromium and
//!   Playwright.
//! - `cargo xtask run`: builds the browser app, then serves the product with demo data on
//!   SQLite at http://127.0.0.1:8000.
//! - `cargo xtask bench [--quick]`: every benchmark, their tables written into BENCHMARKS.md
//!   (see `bench.rs`).
//! - `cargo xtask screenshots`: every page at phone and desktop width, against the real server
//!   with demo data, into docs/screenshots/ (the README shows them).

mod api_gate;
mod bench;
mod browser;
mod fuzz;

use std::{
    env,
    net::{SocketAddr, TcpStream},
    process::{Command, ExitCode},
    sync::Mutex,
    time::{Duration, Instant},
};

/// Crates compiled for the browser (by the app's build): they must depend on no server crate.
const WASM_CRATES: &[&str] = &["opuntia-domain", "opuntia-api-types", "opuntia-frontend"];
/// Crates that must never reach the browser bundle.
const SERVER_ONLY: &[&str] = &["sea-orm", "sqlx", "actix-web", "tokio", "lettre", "argon2"];
const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// The PostgreSQL server of this kind of machine (trust auth), used by the server's tests.
const POSTGRES_ADDRESS: &str = "127.0.0.1:5432";
const POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let task = args.first().cloned().unwrap_or_default();
    let started = Instant::now();
    let result = match task.as_str() {
        "test" => match args.get(1).map(String::as_str) {
            None => test(),
            Some("--quick") => test_quick(),
            Some("--browser") => browser::run_journeys(&args[2..]),
            Some(other) => Err(format!(
                "unknown option {other:?} of `cargo xtask test` (--quick, --browser [spec…])"
            )),
        },
        "run" => run_product(),
        "bench" => bench::run(&args[1..]),
        "screenshots" => browser::screenshots(),
        _ => Err(format!(
            "unknown task {task:?}\n\nusage:\n  cargo xtask test         run every check (formatting, clippy, tests on SQLite and PostgreSQL, wasm build, browser journeys)\n  cargo xtask test --quick the inner loop: formatting, clippy on the crates changed, the domain's and the server's tests on SQLite (not the full gate)\n  cargo xtask test --browser [spec…]  the browser journeys alone (e.g. staff.spec.mjs)\n  cargo xtask run          serve the product with demo data at http://127.0.0.1:8000\n  cargo xtask bench        run every benchmark and write their tables into BENCHMARKS.md (--quick: smaller)\n  cargo xtask screenshots  photograph every page at phone and desktop width into docs/screenshots/"
        )),
    };
    if task == "test" {
        print_durations(started.elapsed());
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

pub(crate) fn cargo() -> Command {
    Command::new(env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

pub(crate) fn run(step: &str, command: &mut Command) -> Result<(), String> {
    eprintln!("\n==> {step}");
    let started = Instant::now();
    let status = command
        .status()
        .map_err(|e| format!("{step}: could not start: {e}"))?;
    let took = started.elapsed();
    eprintln!("<== {step}: {}", minutes(took));
    STEPS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .push((step.to_owned(), took));
    if status.success() {
        Ok(())
    } else {
        Err(format!("{step} failed ({status})"))
    }
}

/// Every step `run` ran, with its duration: the loop's figures (BENCHMARKS.md « The loop »)
/// are read from the summary printed at the end.
static STEPS: Mutex<Vec<(String, Duration)>> = Mutex::new(Vec::new());

fn minutes(duration: Duration) -> String {
    let seconds = duration.as_secs();
    format!("{}m{:02}s", seconds / 60, seconds % 60)
}

/// Prints how long each step took and the whole command, slowest steps first.
fn print_durations(total: Duration) {
    let mut steps = STEPS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone();
    steps.sort_by_key(|(_, took)| std::cmp::Reverse(*took));
    eprintln!("\nDurations (total {}):", minutes(total));
    for (step, took) in steps {
        eprintln!("  {:>7}  {step}", minutes(took));
    }
}

pub(crate) fn output(command: &mut Command) -> Result<String, String> {
    let out = command
        .output()
        .map_err(|e| format!("could not start: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn test() -> Result<(), String> {
    ensure_fonts()?;
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
    ensure_smtp_sink()?;
    ensure_pdf_tools()?;
    let mut tests = cargo();
    tests.args(["test", "--workspace"]);
    let postgres = postgres_for_tests();
    match &postgres {
        Some(url) => {
            eprintln!("\n(server tests on SQLite and on PostgreSQL at {url})");
            tests.env("OPUNTIA_TEST_POSTGRES_URL", url);
        }
        None => eprintln!(
            "\n(no PostgreSQL on {POSTGRES_ADDRESS}: server tests on SQLite only; set OPUNTIA_TEST_POSTGRES_URL to add one)"
        ),
    }
    run("cargo test", &mut tests)?;
    check_no_server_dependencies()?;
    api_gate::run_gate(postgres.as_deref())?;
    fuzz::run_targets()?;
    // The journeys build the app with trunk: that build is the proof that the shared crates
    // and the app compile for wasm32 (a separate `cargo check --target wasm32` compiled them a
    // second time, in another profile, for nothing more).
    browser::run_journeys(&[])?;
    eprintln!("\nAll checks passed.");
    Ok(())
}

/// Crates by the directory that holds them, for `--quick`'s clippy.
const CRATE_DIRS: &[(&str, &str)] = &[
    ("crates/domain/", "opuntia-domain"),
    ("crates/api-types/", "opuntia-api-types"),
    ("crates/db/", "opuntia-db"),
    ("crates/pdf/", "opuntia-pdf"),
    ("crates/server/", "opuntia-server"),
    ("migrations/", "migration"),
    ("frontend/", "opuntia-frontend"),
    ("xtask/", "xtask"),
];

/// The crates whose files differ from the last commit (changed, staged or new).
fn touched_crates() -> Result<Vec<&'static str>, String> {
    let changed =
        output(Command::new("git").args(["status", "--porcelain", "--untracked-files=all"]))?;
    let mut crates: Vec<&str> = Vec::new();
    for line in changed.lines() {
        // `XY path` or `XY old -> new`: the path that exists now.
        let path = line.get(3..).unwrap_or_default();
        let path = path.rsplit(" -> ").next().unwrap_or(path);
        for (dir, krate) in CRATE_DIRS {
            if path.starts_with(dir) && !crates.contains(krate) {
                crates.push(krate);
            }
        }
        if path == "Cargo.toml" || path == "Cargo.lock" {
            return Ok(CRATE_DIRS.iter().map(|(_, krate)| *krate).collect());
        }
    }
    Ok(crates)
}

/// `cargo xtask test --quick`: what a change needs checked while it is being made, in a few
/// minutes — formatting, clippy on the crates it touched, the domain's tests and the server's on
/// SQLite. Not the full gate: no PostgreSQL, schemathesis, fuzzing, wasm or browser.
fn test_quick() -> Result<(), String> {
    eprintln!(
        "cargo xtask test --quick: the inner loop, NOT the full gate (no PostgreSQL, schemathesis, fuzzing, wasm, browser). `cargo xtask test` is what CI runs."
    );
    ensure_fonts()?;
    run(
        "cargo fmt --check",
        cargo().args(["fmt", "--all", "--check"]),
    )?;
    let touched = touched_crates()?;
    if touched.is_empty() {
        eprintln!("\n(no crate differs from the last commit: clippy skipped)");
    } else {
        let mut clippy = cargo();
        clippy.arg("clippy");
        for krate in &touched {
            clippy.args(["-p", krate]);
        }
        clippy.args(["--all-targets", "--", "-D", "warnings"]);
        run(
            &format!("cargo clippy -D warnings ({})", touched.join(", ")),
            &mut clippy,
        )?;
    }
    ensure_smtp_sink()?;
    ensure_pdf_tools()?;
    // One invocation for both: one feature resolution, so the domain is compiled once.
    run(
        "cargo test (domain, server on SQLite only)",
        cargo()
            .args([
                "test",
                "-p",
                "opuntia-domain",
                "-p",
                "opuntia-server",
                "--",
                "--skip",
                "on_postgres",
            ])
            .env_remove("OPUNTIA_TEST_POSTGRES_URL"),
    )?;
    eprintln!("\nQuick checks passed — not the full gate: run `cargo xtask test` before you push.");
    Ok(())
}

fn run_product() -> Result<(), String> {
    ensure_fonts()?;
    browser::build_frontend()?;
    let mut server = cargo();
    server.args(["run", "--package", "opuntia-server", "--bin", "opuntia"]);
    // This checkout's app, whichever clone last built a binary in a shared target directory.
    if env::var_os("OPUNTIA__SERVER__FRONTEND_DIR").is_none() {
        server.env(
            "OPUNTIA__SERVER__FRONTEND_DIR",
            browser::root().join("frontend/dist"),
        );
    }
    run("cargo run --bin opuntia", &mut server)
}

/// The documents' font, Liberation Sans (Arial's metrics), is embedded in the binary from
/// Debian's package when `crates/pdf` is built: it must be there first.
pub(crate) fn ensure_fonts() -> Result<(), String> {
    let font =
        std::path::Path::new("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf");
    if font.exists() {
        return Ok(());
    }
    browser::apt_install(&["fonts-liberation"])
}

/// The document tests read the PDFs with Debian's poppler-utils (pdftotext, pdffonts, pdfinfo)
/// and check them with qpdf.
fn ensure_pdf_tools() -> Result<(), String> {
    let missing: Vec<&str> = [("pdftotext", "poppler-utils"), ("qpdf", "qpdf")]
        .into_iter()
        .filter(|(program, _)| Command::new(program).arg("--version").output().is_err())
        .map(|(_, package)| package)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    browser::apt_install(&missing)
}

/// The PostgreSQL server of the tests and benchmarks: `OPUNTIA_TEST_POSTGRES_URL` when set,
/// else this kind of machine's own when it answers.
pub(crate) fn postgres_for_tests() -> Option<String> {
    match env::var("OPUNTIA_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if postgres_answers() => Some(POSTGRES_URL.to_owned()),
        _ => None,
    }
}

fn postgres_answers() -> bool {
    POSTGRES_ADDRESS
        .parse::<SocketAddr>()
        .is_ok_and(|address| TcpStream::connect_timeout(&address, Duration::from_secs(2)).is_ok())
}

/// The mail tests deliver to a real SMTP server: Python's aiosmtpd, from PyPI or Debian.
pub(crate) fn ensure_smtp_sink() -> Result<(), String> {
    let importable = || {
        Command::new("python3")
            .args(["-c", "import aiosmtpd"])
            .output()
            .is_ok_and(|out| out.status.success())
    };
    if importable() {
        return Ok(());
    }
    eprintln!("\n==> installing the SMTP sink of the tests (aiosmtpd)");
    let _ = Command::new("python3")
        .args(["-m", "pip", "install", "--quiet", "aiosmtpd"])
        .status();
    if importable() {
        return Ok(());
    }
    let _ = Command::new("apt-get")
        .args(["install", "-y", "-q", "python3-aiosmtpd"])
        .status();
    if importable() {
        Ok(())
    } else {
        Err("python3 cannot import aiosmtpd: install it with `python3 -m pip install aiosmtpd` or `apt-get install python3-aiosmtpd`".into())
    }
}

pub(crate) fn ensure_wasm_target() -> Result<(), String> {
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
        // For the browser's target: natively, Yew runs on tokio, which is fine for host tests.
        let tree = output(cargo().args([
            "tree",
            "-p",
            krate,
            "-e",
            "normal",
            "--prefix",
            "none",
            "--target",
            WASM_TARGET,
        ]))
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
