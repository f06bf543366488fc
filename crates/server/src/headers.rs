//! The security headers every answer carries, decided once here.
//!
//! - `Content-Security-Policy`: an API answer is data, never a document, so it gets
//!   `default-src 'none'`; the browser app gets a policy that lets its wasm run
//!   (`'wasm-unsafe-eval'`) and its one inline loader script (by its hash, computed from the
//!   `index.html` served — see [`app_policy`]) and nothing else; the API docs page gets one for
//!   Swagger UI (own scripts, inline styles, `data:` images). No page may be framed.
//! - `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY` (older browsers),
//!   `Referrer-Policy: no-referrer` (the password-reset link carries a token in its address).
//! - `Cache-Control: no-store` on every API answer that does not set its own: sessions, `/me`,
//!   dossiers and exports are personal data that no shared or browser cache may keep.

use actix_web::{
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::header::{self, HeaderName, HeaderValue},
    middleware::Next,
};
use base64::Engine;
use sha2::{Digest, Sha256};

/// The policy of answers that are not pages.
const DATA_POLICY: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// The policy of the API docs page (Swagger UI).
const DOCS_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// The policy of the browser app's `index.html`: its scripts come from this origin, its wasm is
/// compiled by the browser, and the inline loader Trunk writes is allowed by its hash alone.
/// Yew sets `style` attributes, hence `'unsafe-inline'` for styles only. The signer's page shows
/// the PDF it signs in a frame, from a `blob:` of the bytes it fetched.
pub fn app_policy(index_html: &str) -> String {
    let hashes: String = inline_scripts(index_html)
        .map(|script| {
            let digest = Sha256::digest(script.as_bytes());
            format!(
                " 'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
         frame-src blob:; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// The text of each `<script>` element of `html` that has no `src`, exactly as the browser
/// hashes it.
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    html.split("<script").skip(1).filter_map(|rest| {
        let (attributes, body) = rest.split_once('>')?;
        let (text, _) = body.split_once("</script>")?;
        (!attributes.contains("src=")).then_some(text)
    })
}

/// Adds the security headers to every answer, keeping any its handler set.
pub async fn add_security_headers(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let path = request.path();
    let docs = path.starts_with("/api/docs");
    let api = !docs && (path.starts_with("/api/") || path == "/metrics");
    let mut response = next.call(request).await?;
    let headers = response.headers_mut();
    let mut set_if_absent = |name: HeaderName, value: &'static str| {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    };
    set_if_absent(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set_if_absent(header::X_FRAME_OPTIONS, "DENY");
    set_if_absent(header::REFERRER_POLICY, "no-referrer");
    set_if_absent(
        header::CONTENT_SECURITY_POLICY,
        if docs { DOCS_POLICY } else { DATA_POLICY },
    );
    if api {
        set_if_absent(header::CACHE_CONTROL, "no-store");
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_app_policy_allows_the_inline_loader_by_its_hash_only() {
        let html = r#"<html><head><script type="module">import init from '/app.js';
await init();</script><script src="/other.js"></script></head></html>"#;

        let policy = app_policy(html);

        let expected = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(
            "import init from '/app.js';\nawait init();".as_bytes(),
        ));
        assert!(policy.contains(&format!("'sha256-{expected}'")), "{policy}");
        assert_eq!(policy.matches("'sha256-").count(), 1);
        assert!(policy.contains("'wasm-unsafe-eval'"));
        assert!(!policy.contains("'unsafe-eval'"));
        assert!(policy.contains("frame-ancestors 'none'"));
    }

    #[test]
    fn a_page_without_inline_scripts_allows_none() {
        assert!(!app_policy("<p>rien</p>").contains("sha256"));
    }
}
