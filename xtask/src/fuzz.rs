//! The cargo-fuzz targets of `fuzz/` (the parsers that take user bytes), each run for a short,
//! bounded time with a fixed seed. They need the nightly toolchain: installed with rustup when
//! missing; when it cannot be, the step says so and is skipped (the proptest properties of
//! `cargo test` still run the same parsers).

use std::process::Command;

use crate::{browser, output, run};

const CARGO_FUZZ_VERSION: &str = "0.13.2";
const TARGETS: &[&str] = &[
    "identifiers",
    "merge_patch",
    "bulk_csv",
    "query_string",
    "strict_json",
    "pdf_gate",
];
/// Seconds per target in `cargo xtask test`; run longer by hand (README).
const SECONDS_PER_TARGET: u32 = 15;

/// `cargo` of the nightly toolchain. `cargo xtask` runs under the stable cargo, whose path is in
/// `CARGO`: cargo-fuzz must not find it there.
fn nightly() -> Command {
    let mut command = Command::new("rustup");
    command
        .args(["run", "nightly", "cargo"])
        .env_remove("CARGO")
        .env_remove("RUSTC")
        .env_remove("RUSTDOC");
    command
}

fn has_nightly() -> bool {
    output(Command::new("rustup").args(["run", "nightly", "rustc", "--version"])).is_ok()
}

/// Installs the nightly toolchain when missing (minimal profile); whether it is there.
pub fn ensure_nightly(why: &str) -> bool {
    if has_nightly() {
        return true;
    }
    let installed = run(
        &format!("installing the nightly toolchain ({why})"),
        Command::new("rustup").args(["toolchain", "install", "nightly", "--profile", "minimal"]),
    );
    installed.is_ok() && has_nightly()
}

/// Builds and runs every fuzz target briefly; a crash fails the step and leaves its input
/// under `fuzz/artifacts/<target>/`.
pub fn run_targets() -> Result<(), String> {
    if !ensure_nightly("cargo fuzz needs it") {
        eprintln!("\n(no nightly toolchain here: the cargo-fuzz targets are skipped)");
        return Ok(());
    }
    let installed = output(nightly().args(["fuzz", "--version"]))
        .is_ok_and(|version| version.contains(CARGO_FUZZ_VERSION));
    if !installed {
        run(
            "installing cargo-fuzz (once; about a minute)",
            browser::install_tool().args([
                "--locked",
                "cargo-fuzz",
                "--version",
                CARGO_FUZZ_VERSION,
            ]),
        )?;
    }
    let fuzz = browser::root().join("fuzz");
    // A directory of its own: instrumented nightly builds share nothing with the product's.
    let target_dir = browser::target_dir().join("fuzz");
    run(
        "cargo fuzz build",
        nightly()
            .args(["fuzz", "build", "-O"])
            .env("CARGO_TARGET_DIR", &target_dir)
            .current_dir(&fuzz),
    )?;
    for target in TARGETS {
        run(
            &format!("cargo fuzz run {target} ({SECONDS_PER_TARGET} s)"),
            nightly()
                .args(["fuzz", "run", "-O", target, "--"])
                .arg(format!("-max_total_time={SECONDS_PER_TARGET}"))
                .args(["-seed=1", "-rss_limit_mb=2048", "-print_final_stats=1"])
                .env("CARGO_TARGET_DIR", &target_dir)
                .current_dir(&fuzz),
        )?;
    }
    Ok(())
}
