//! The browser app, served from the same origin as the API: the files Trunk built, and
//! `index.html` for every other page path, so that deep links — `/dossiers/…`, the reset link
//! `/mot-de-passe/nouveau?token=…` — open the app. API paths never fall back to it: an unknown
//! one keeps its problem+json 404. The build leaves a gzip copy beside each large asset
//! (`cargo xtask` does it): browsers that accept gzip get it, at no cost per request.

use std::path::Path;

use actix_web::{HttpRequest, HttpResponse, http::Method, http::header, web};

use crate::{error::ApiError, startup::AppState};

/// Paths that belong to the API or to operations, never to the app.
fn is_api(path: &str) -> bool {
    ["/api/", "/health", "/metrics"]
        .iter()
        .any(|prefix| path == prefix.trim_end_matches('/') || path.starts_with(prefix))
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

/// A file name Trunk writes: flat, no path separators, no dot-dot.
fn asset_name(path: &str) -> Option<&str> {
    let name = path.strip_prefix('/')?;
    let plain = !name.is_empty()
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    plain.then_some(name)
}

async fn read(dir: &Path, name: &str) -> Option<Vec<u8>> {
    tokio::fs::read(dir.join(name)).await.ok()
}

fn accepts_gzip(request: &HttpRequest) -> bool {
    request
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',').any(|part| {
                let mut pieces = part.split(';');
                let coding = pieces.next().unwrap_or_default().trim();
                let refused =
                    pieces.any(|p| matches!(p.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
                coding.eq_ignore_ascii_case("gzip") && !refused
            })
        })
}

/// Every request no route took.
pub async fn serve(
    request: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let path = request.path();
    if is_api(path) {
        // A path the API has, asked with a method it has not there: 405 with what it has.
        // (Only API paths are looked up: the app's assets never pay for it.)
        let allowed = state.operations.methods_at(path);
        if !allowed.is_empty() {
            return Err(ApiError::MethodNotAllowed(allowed.join(", ")));
        }
        return crate::error::not_found().await;
    }
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return crate::error::not_found().await;
    }
    let dir = state.settings.frontend_dir();
    if let Some(name) = asset_name(path).filter(|name| *name != "index.html") {
        let gzip = accepts_gzip(&request);
        let packed = match gzip {
            true => read(&dir, &format!("{name}.gz")).await,
            false => None,
        };
        let (bytes, encoded) = match packed {
            Some(bytes) => (Some(bytes), true),
            None => (read(&dir, name).await, false),
        };
        if let Some(bytes) = bytes {
            // Trunk puts a content hash in every asset's name: it may be kept for good.
            let mut response = HttpResponse::Ok();
            response
                .insert_header((header::CONTENT_TYPE, content_type(name)))
                .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
                .insert_header((header::VARY, "Accept-Encoding"));
            if encoded {
                response.insert_header((header::CONTENT_ENCODING, "gzip"));
            }
            return Ok(response.body(bytes));
        }
    }
    match read(&dir, "index.html").await {
        Some(index) => Ok(HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .insert_header((
                header::CONTENT_SECURITY_POLICY,
                crate::headers::app_policy(&String::from_utf8_lossy(&index)),
            ))
            .body(index)),
        None => {
            static TOLD: std::sync::Once = std::sync::Once::new();
            TOLD.call_once(|| {
                tracing::warn!(
                    dir = %dir.display(),
                    "the browser app is not built: `cargo xtask run` builds it, then serves it (the API answers meanwhile)"
                );
            });
            Ok(HttpResponse::ServiceUnavailable()
                .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
                .body(concat!(
                    "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Opuntia</title></head>",
                    "<body><h1>Opuntia</h1><p>L'application web n'est pas construite : lancez <code>cargo xtask run</code>, ",
                    "qui la construit puis la sert. L'API répond déjà sous <a href=\"/api/docs/\">/api/docs</a>.</p></body></html>"
                )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_flat_file_names_are_assets() {
        assert_eq!(asset_name("/app-1a2b.wasm"), Some("app-1a2b.wasm"));
        assert_eq!(asset_name("/../etc/passwd"), None);
        assert_eq!(asset_name("/dossiers/123"), None);
        assert_eq!(asset_name("/.env"), None);
        assert_eq!(asset_name("/"), None);
    }

    #[test]
    fn gzip_is_sent_only_to_browsers_that_accept_it() {
        use actix_web::test::TestRequest;
        let with = |value: &str| {
            accepts_gzip(
                &TestRequest::default()
                    .insert_header((header::ACCEPT_ENCODING, value))
                    .to_http_request(),
            )
        };
        assert!(with("gzip, deflate, br"));
        assert!(with("br;q=1.0, GZIP;q=0.5"));
        assert!(!with("br"));
        assert!(!with("gzip;q=0"));
        assert!(!accepts_gzip(&TestRequest::default().to_http_request()));
    }

    #[test]
    fn api_paths_never_fall_back_to_the_app() {
        assert!(is_api("/api/v1/nothing-here"));
        assert!(is_api("/health"));
        assert!(!is_api("/dossiers/123"));
        assert!(!is_api("/apiculture"));
    }
}
