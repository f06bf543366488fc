//! Logging through `tracing`: `RUST_LOG` decides, with quiet defaults for chatty dependencies.

use tracing_subscriber::{EnvFilter, fmt};

/// Installs the global subscriber once; later calls (tests) are ignored.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        EnvFilter::new("info,sqlx::postgres::notice=warn,sqlx=warn,sea_orm=warn,actix_server=warn")
    });
    let _ = fmt().with_env_filter(filter).with_target(false).try_init();
}

/// The request spans of [`tracing_actix_web::TracingLogger`], with the secrets some paths carry
/// left out of `http.target`: a signer's link (`/signature/{token}`, `/api/v1/signing/{token}…`)
/// is their only credential, and the reset link's `token=` is a password's; whoever reads the
/// logs must not be able to use them. Everything else is the default span's.
pub struct RedactingRootSpan;

impl tracing_actix_web::RootSpanBuilder for RedactingRootSpan {
    fn on_request_start(request: &actix_web::dev::ServiceRequest) -> tracing::Span {
        use actix_web::HttpMessage;
        let target = redacted_target(
            request
                .uri()
                .path_and_query()
                .map_or("", actix_web::http::uri::PathAndQuery::as_str),
        );
        let route = request.match_pattern().unwrap_or_else(|| "default".into());
        let request_id = request
            .extensions()
            .get::<tracing_actix_web::RequestId>()
            .map(ToString::to_string)
            .unwrap_or_default();
        let connection = request.connection_info().clone();
        let user_agent = request
            .headers()
            .get(actix_web::http::header::USER_AGENT)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.route = %route,
            http.host = %connection.host(),
            http.client_ip = %connection.realip_remote_addr().unwrap_or(""),
            http.user_agent = %user_agent,
            http.target = %target,
            http.status_code = tracing::field::Empty,
            otel.name = %format!("{} {route}", request.method()),
            otel.kind = "server",
            otel.status_code = tracing::field::Empty,
            request_id = %request_id,
            exception.message = tracing::field::Empty,
            exception.details = tracing::field::Empty,
        )
    }

    fn on_request_end<B: actix_web::body::MessageBody>(
        span: tracing::Span,
        outcome: &Result<actix_web::dev::ServiceResponse<B>, actix_web::Error>,
    ) {
        tracing_actix_web::DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

/// `target` with the secret of a signer's link and the value of any `token=` replaced by `…`.
pub fn redacted_target(target: &str) -> String {
    let (path, query) = target
        .split_once('?')
        .map_or((target, None), |(p, q)| (p, Some(q)));
    let mut segments: Vec<&str> = path.split('/').collect();
    for i in 1..segments.len() {
        // The app's page `/signature/{token}`, and the API's `/api/v1/signing/{token}…`.
        let secret = match segments[i - 1] {
            "signing" => true,
            "signature" => i == 2,
            _ => false,
        };
        if secret && !segments[i].is_empty() {
            segments[i] = "…";
        }
    }
    let mut out = segments.join("/");
    if let Some(query) = query {
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((key, _)) if key.eq_ignore_ascii_case("token") => format!("{key}=…"),
                _ => pair.to_owned(),
            })
            .collect();
        out.push('?');
        out.push_str(&pairs.join("&"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::redacted_target;

    #[test]
    fn the_secrets_of_links_are_left_out_of_logged_paths() {
        assert_eq!(redacted_target("/signature/abc123"), "/signature/…");
        assert_eq!(
            redacted_target("/signature/abc123?event=cancel"),
            "/signature/…?event=cancel"
        );
        assert_eq!(
            redacted_target("/api/v1/signing/abc123/documents/cerfa"),
            "/api/v1/signing/…/documents/cerfa"
        );
        assert_eq!(
            redacted_target("/mot-de-passe/nouveau?token=secret&x=1"),
            "/mot-de-passe/nouveau?token=…&x=1"
        );
        assert_eq!(
            redacted_target(
                "/api/v1/dossiers/00000000-0000-4000-8000-00000000d001/signature/paper"
            ),
            "/api/v1/dossiers/00000000-0000-4000-8000-00000000d001/signature/paper"
        );
        assert_eq!(
            redacted_target("/api/v1/signature/docusign/events"),
            "/api/v1/signature/docusign/events"
        );
        assert_eq!(
            redacted_target("/api/v1/dossiers?page=2"),
            "/api/v1/dossiers?page=2"
        );
    }
}
