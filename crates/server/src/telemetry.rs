//! Logging through `tracing`: `RUST_LOG` decides, with quiet defaults for chatty dependencies.

use tracing_subscriber::{EnvFilter, fmt};

/// Installs the global subscriber once; later calls (tests) are ignored.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        EnvFilter::new("info,sqlx::postgres::notice=warn,sqlx=warn,sea_orm=warn,actix_server=warn")
    });
    let _ = fmt().with_env_filter(filter).with_target(false).try_init();
}
