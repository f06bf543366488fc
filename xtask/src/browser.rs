//! The browser side of `cargo xtask`: the tools that build the app (trunk, wasm-bindgen,
//! wasm-opt) and those that test it (Debian's Chromium, Playwright), installed once when
//! missing — nothing is downloaded from outside the package registries —, then the build
//! itself and the browser journeys.

use std::{
    env,
    path::{Path, PathBuf},
    process::Command,
};

use crate::{cargo, output, run};

const TRUNK_VERSION: &str = "0.21.14";
/// Must equal the `wasm-bindgen` pinned in frontend/Cargo.toml (and Trunk.toml).
const WASM_BINDGEN_VERSION: &str = "0.2.130";
/// Debian's binaryen is too old for today's wasm-bindgen output; npm has a recent one.
const BINARYEN_VERSION: &str = "132";
/// Minifies wasm-bindgen's JavaScript glue, which Trunk leaves as written (from npm).
const ESBUILD_VERSION: &str = "0.25.12";
pub(crate) const CHROMIUM: &str = "/usr/bin/chromium";

/// The repository's root: the workspace cargo finds from the working directory. (Not this
/// binary's compile-time manifest path: clones sharing one target directory share this binary.)
pub fn root() -> PathBuf {
    output(cargo().args(["locate-project", "--workspace", "--message-format", "plain"]))
        .ok()
        .and_then(|manifest| Path::new(manifest.trim()).parent().map(Path::to_path_buf))
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default()
        })
}

/// Where cargo writes: `CARGO_TARGET_DIR`, or the workspace's `target/`.
pub fn target_dir() -> PathBuf {
    env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

/// Tools installed outside cargo's bin directory (wasm-opt from npm).
fn tools_dir() -> PathBuf {
    env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(env::temp_dir)
        .join(".cache/opuntia/tools")
}

/// PATH with the npm-installed tools first.
fn path_with_tools() -> String {
    let bin = tools_dir().join("node_modules/.bin");
    match env::var("PATH") {
        Ok(path) => format!("{}:{path}", bin.display()),
        Err(_) => bin.display().to_string(),
    }
}

fn version_of(program: &str) -> Option<String> {
    output(
        Command::new(program)
            .arg("--version")
            .env("PATH", path_with_tools()),
    )
    .ok()
}

/// `cargo install` for a build tool: its own release profile (fat LTO, one codegen unit) is
/// for shipping it, not for running it a few seconds per build here, so the install builds it
/// without LTO, in 16 units, at `opt-level = 1`, without debug information (README « What a
/// new machine spends »). Its artifacts go to a directory of their own: the shared target
/// directory's lock stays free for the product's builds.
pub(crate) fn install_tool() -> Command {
    let mut install = cargo();
    install
        .arg("install")
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "1")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
        .env("CARGO_TARGET_DIR", target_dir().join("tool-builds"));
    install
}

/// trunk, wasm-bindgen and wasm-opt, at the versions Trunk.toml names.
pub fn ensure_build_tools() -> Result<(), String> {
    crate::ensure_wasm_target()?;
    if !version_of("trunk").is_some_and(|v| v.contains(TRUNK_VERSION)) {
        // Without its default features: no check for a newer trunk at each build, and no TLS
        // (it downloads nothing: wasm-bindgen and wasm-opt are installed here).
        run(
            "installing trunk (once; about 5 minutes)",
            install_tool().args([
                "--locked",
                "--no-default-features",
                "trunk",
                "--version",
                TRUNK_VERSION,
            ]),
        )?;
    }
    if !version_of("wasm-bindgen").is_some_and(|v| v.contains(WASM_BINDGEN_VERSION)) {
        // `--locked` fails: its lockfile wants a crate version the registry no longer has.
        run(
            "installing wasm-bindgen-cli (once; about 2 minutes)",
            install_tool().args(["wasm-bindgen-cli", "--version", WASM_BINDGEN_VERSION]),
        )?;
    }
    for (tool, package, version, wanted) in [
        (
            "wasm-opt",
            "binaryen",
            BINARYEN_VERSION,
            format!("version {BINARYEN_VERSION}"),
        ),
        (
            "esbuild",
            "esbuild",
            ESBUILD_VERSION,
            ESBUILD_VERSION.to_owned(),
        ),
    ] {
        if !version_of(tool).is_some_and(|v| v.contains(&wanted)) {
            let dir = tools_dir();
            std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            run(
                &format!("installing {tool} ({package}, from npm)"),
                Command::new("npm")
                    .args(["install", "--no-audit", "--no-fund", "--silent"])
                    .arg(format!("{package}@{version}"))
                    .current_dir(&dir),
            )?;
        }
    }
    Ok(())
}

/// Builds the app into frontend/dist, optimised for size, with a gzip copy of each asset that
/// the server sends to browsers accepting it.
pub fn build_frontend() -> Result<(), String> {
    ensure_build_tools()?;
    // Trunk's own `cargo metadata` is not offline: fetch first, then build offline.
    run("cargo fetch", cargo().arg("fetch").current_dir(root()))?;
    let mut trunk = Command::new("trunk");
    trunk
        .args(["build", "--release", "--offline"])
        .env("PATH", path_with_tools())
        .env("TRUNK_SKIP_VERSION_CHECK", "true")
        .current_dir(root());
    small_std(&mut trunk)?;
    run("trunk build --release (frontend/dist)", &mut trunk)?;
    let dist = root().join("frontend/dist");
    minify_glue(&dist)?;
    let assets: Vec<PathBuf> = std::fs::read_dir(&dist)
        .map_err(|e| format!("{}: {e}", dist.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "wasm" || ext == "js" || ext == "css")
        })
        .collect();
    run(
        "gzip -9 the assets",
        Command::new("gzip")
            .args(["-9", "-k", "-f", "-n"])
            .args(&assets),
    )?;
    check_app_size(&assets)
}

/// Minifies wasm-bindgen's JavaScript glue with esbuild (Trunk copies it as written), then
/// writes its new digest into the page's `integrity` attribute, which Trunk computed before.
fn minify_glue(dist: &Path) -> Result<(), String> {
    use base64::Engine;
    use sha2::Digest;

    let index_path = dist.join("index.html");
    let mut index = std::fs::read_to_string(&index_path)
        .map_err(|e| format!("{}: {e}", index_path.display()))?;
    let scripts: Vec<PathBuf> = std::fs::read_dir(dist)
        .map_err(|e| format!("{}: {e}", dist.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "js"))
        .collect();
    for script in scripts {
        run(
            "esbuild --minify (the wasm-bindgen glue)",
            Command::new("esbuild")
                .arg(&script)
                .args([
                    "--minify",
                    "--format=esm",
                    "--allow-overwrite",
                    "--log-level=warning",
                ])
                .arg(format!("--outfile={}", script.display()))
                .env("PATH", path_with_tools()),
        )?;
        let bytes = std::fs::read(&script).map_err(|e| format!("{}: {e}", script.display()))?;
        let digest = format!(
            "sha384-{}",
            base64::engine::general_purpose::STANDARD.encode(sha2::Sha384::digest(&bytes))
        );
        let name = script
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        index = with_integrity(&index, &name, &digest)
            .ok_or_else(|| format!("index.html names no integrity for {name}"))?;
    }
    std::fs::write(&index_path, index).map_err(|e| format!("{}: {e}", index_path.display()))
}

/// `html` with the `integrity` of the tag that links `name` set to `digest`. Trunk's page may be
/// minified, its attribute values then unquoted (`href=/app.js integrity=sha384-…`).
fn with_integrity(html: &str, name: &str, digest: &str) -> Option<String> {
    let link = [format!("href=\"/{name}\""), format!("href=/{name}")]
        .iter()
        .find_map(|href| html.find(href.as_str()))?;
    let tag_start = html[..link].rfind('<')?;
    let tag_end = link + html[link..].find('>')?;
    let attribute = tag_start + html[tag_start..tag_end].find("integrity=")? + "integrity=".len();
    let (value_start, value_end) = if html[attribute..].starts_with('"') {
        (
            attribute + 1,
            attribute + 1 + html[attribute + 1..].find('"')?,
        )
    } else {
        let length = html[attribute..tag_end]
            .find(|c: char| c.is_ascii_whitespace())
            .unwrap_or(tag_end - attribute);
        (attribute, attribute + length)
    };
    Some(format!(
        "{}{digest}{}",
        &html[..value_start],
        &html[value_end..]
    ))
}

/// Builds the app's standard library from source, for size, with panics that abort at once
/// (no message, no unwinding or formatting machinery): cargo's `build-std`, a nightly feature,
/// so the app alone is built with the nightly toolchain and its `rust-src`, installed when
/// missing. Measured on the same code: 436 KB gzipped with the prebuilt std, 390 KB with this.
fn small_std(trunk: &mut Command) -> Result<(), String> {
    if !crate::fuzz::ensure_nightly("the app's std is built for size") {
        return Err(
            "the nightly toolchain could not be installed: the app is built with it (build-std)"
                .into(),
        );
    }
    let has_source = output(Command::new("rustup").args([
        "component",
        "list",
        "--installed",
        "--toolchain",
        "nightly",
    ]))?
    .lines()
    .any(|line| line.trim().starts_with("rust-src"));
    if !has_source {
        run(
            "rustup component add rust-src --toolchain nightly",
            Command::new("rustup").args(["component", "add", "rust-src", "--toolchain", "nightly"]),
        )?;
    }
    let with_small_std = |command: &mut Command| {
        command
            .env_remove("CARGO")
            .env_remove("RUSTC")
            .env_remove("RUSTDOC")
            .env("RUSTUP_TOOLCHAIN", "nightly")
            .env("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort")
            .env("CARGO_UNSTABLE_BUILD_STD_FEATURES", "optimize_for_size")
            .env(
                "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
                "-Zunstable-options -Cpanic=immediate-abort",
            );
    };
    // std's own dependencies (dlmalloc, wasip1…) are not the workspace's: the build below is
    // offline, so they are fetched first, as build-std resolves them.
    let mut fetch = Command::new("cargo");
    fetch
        .args(["fetch", "--target", "wasm32-unknown-unknown"])
        .current_dir(root().join("frontend"));
    with_small_std(&mut fetch);
    run("cargo fetch (the app's std)", &mut fetch)?;
    with_small_std(trunk);
    Ok(())
}

/// What a browser downloads of the app, gzipped, at most (the gate of every commit; the 300 KB
/// target is the benchmark's to report, not a gate: weight goes to what users see).
const APP_BUDGET_BYTES: u64 = 450 * 1024;

/// Fails when the gzipped wasm, JavaScript and CSS together pass [`APP_BUDGET_BYTES`].
fn check_app_size(assets: &[PathBuf]) -> Result<(), String> {
    let mut total = 0;
    for asset in assets {
        let gzipped = asset.with_file_name(format!(
            "{}.gz",
            asset.file_name().unwrap_or_default().to_string_lossy()
        ));
        total += std::fs::metadata(&gzipped)
            .map_err(|e| format!("{}: {e}", gzipped.display()))?
            .len();
    }
    eprintln!(
        "==> the app weighs {:.1} KB gzipped (budget {} KB)",
        total as f64 / 1024.0,
        APP_BUDGET_BYTES / 1024
    );
    if total > APP_BUDGET_BYTES {
        return Err(format!(
            "the app weighs {total} bytes gzipped, over its budget of {APP_BUDGET_BYTES}: make room before adding"
        ));
    }
    Ok(())
}

pub(crate) fn apt_install(packages: &[&str]) -> Result<(), String> {
    run(
        "apt-get update",
        Command::new("apt-get").args(["update", "-q"]),
    )?;
    run(
        &format!("apt-get install {}", packages.join(" ")),
        Command::new("apt-get")
            .args(["install", "-y", "-q"])
            .args(packages),
    )
}

/// Debian's Chromium and the e2e suite's npm packages (Playwright, axe-core).
pub(crate) fn ensure_test_tools() -> Result<(), String> {
    if !Path::new(CHROMIUM).exists() {
        apt_install(&["chromium", "chromium-driver"])?;
    }
    let e2e = root().join("e2e");
    if !e2e.join("node_modules/@playwright/test").exists() {
        // Never `npx playwright install`: it downloads a browser; Debian's is used instead.
        run(
            "npm ci (e2e: Playwright, axe-core)",
            Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(&e2e),
        )?;
    }
    Ok(())
}

/// The app and the server built, and what drives a browser against them installed.
fn build_app_and_server() -> Result<(), String> {
    build_frontend()?;
    ensure_test_tools()?;
    run(
        "cargo build --bin opuntia",
        cargo().args(["build", "--package", "opuntia-server", "--bin", "opuntia"]),
    )
}

/// The browser journeys: the app and the server built, then Playwright drives Chromium against
/// the real server on a free port with a fresh SQLite database and a real SMTP sink. `specs`
/// (file names or paths under `e2e/tests/`, as Playwright takes them) runs those alone; none,
/// every one.
pub fn run_journeys(specs: &[String]) -> Result<(), String> {
    build_app_and_server()?;
    run(
        "browser journeys (e2e/, Playwright + Chromium)",
        Command::new("npx")
            .args(["playwright", "test"])
            .args(specs)
            .env("OPUNTIA_BIN", target_dir().join("debug/opuntia"))
            .env("OPUNTIA_E2E_RESULTS", target_dir().join("e2e-results"))
            .env("CHROMIUM", CHROMIUM)
            .current_dir(root().join("e2e")),
    )
}

/// `cargo xtask screenshots`: every page at phone and desktop width, photographed against the
/// real server with demo data into docs/screenshots/ (shown by the README).
pub fn screenshots() -> Result<(), String> {
    build_app_and_server()?;
    let out = root().join("docs/screenshots");
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    run(
        "screenshots (docs/screenshots/)",
        Command::new("npx")
            .args([
                "playwright",
                "test",
                "--config",
                "playwright.screenshots.config.mjs",
            ])
            .env("OPUNTIA_BIN", target_dir().join("debug/opuntia"))
            .env("OPUNTIA_E2E_RESULTS", target_dir().join("e2e-results"))
            .env("OPUNTIA_SCREENSHOTS_DIR", &out)
            .env("CHROMIUM", CHROMIUM)
            .current_dir(root().join("e2e")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_new_digest_replaces_an_unquoted_integrity_of_a_minified_page() {
        let html = "<script type=module>import init from '/app.js';</script><link crossorigin href=/app.js integrity=sha384-OLD rel=modulepreload><link as=fetch href=/app_bg.wasm integrity=sha384-WASM rel=preload>";

        let changed = with_integrity(html, "app.js", "sha384-NEW").unwrap();

        assert!(changed.contains("href=/app.js integrity=sha384-NEW rel=modulepreload"));
        assert!(changed.contains("integrity=sha384-WASM"));
        assert!(changed.contains("import init from '/app.js';"));
    }

    #[test]
    fn the_new_digest_replaces_the_integrity_of_the_tag_linking_the_script_only() {
        let html = r#"<link rel="preload" href="/app_bg.wasm" integrity="sha384-WASM"><link rel="modulepreload" href="/app.js" crossorigin="anonymous" integrity="sha384-OLD"><script type="module">import init from '/app.js';</script>"#;

        let changed = with_integrity(html, "app.js", "sha384-NEW").unwrap();

        assert!(
            changed.contains(r#"href="/app.js" crossorigin="anonymous" integrity="sha384-NEW""#)
        );
        assert!(changed.contains(r#"integrity="sha384-WASM""#));
        assert!(changed.contains("import init from '/app.js';"));
        assert_eq!(with_integrity(html, "other.js", "sha384-NEW"), None);
    }
}
