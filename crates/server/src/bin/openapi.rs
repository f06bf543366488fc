//! Writes the OpenAPI document to `openapi/openapi.json` (`--check`: fails if it differs).

use std::{path::PathBuf, process::ExitCode};

fn main() -> ExitCode {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../openapi/openapi.json");
    let document = match server::openapi::document_json() {
        Ok(document) => document,
        Err(error) => {
            eprintln!("openapi: {error}");
            return ExitCode::FAILURE;
        }
    };
    if std::env::args().any(|arg| arg == "--check") {
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed == document {
            return ExitCode::SUCCESS;
        }
        eprintln!(
            "openapi: {} is out of date; run `cargo run -p opuntia-server --bin openapi`",
            path.display()
        );
        return ExitCode::FAILURE;
    }
    if let Some(dir) = path.parent()
        && let Err(error) = std::fs::create_dir_all(dir)
    {
        eprintln!("openapi: {}: {error}", dir.display());
        return ExitCode::FAILURE;
    }
    match std::fs::write(&path, document) {
        Ok(()) => {
            println!("wrote {}", path.display());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("openapi: {}: {error}", path.display());
            ExitCode::FAILURE
        }
    }
}
