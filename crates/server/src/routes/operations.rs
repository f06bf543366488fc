//! Health and metrics, outside `/api/v1`.

use actix_web::{HttpRequest, HttpResponse, get, web};
use api_types::{Problem, dev::HealthBody};

use crate::{auth::secrets, error::ApiError, startup::AppState};

/// Is the server up?
///
/// 200 when the database answers, 503 otherwise; for load balancers and monitoring.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "Up", body = HealthBody),
        (status = 503, description = "The database does not answer", body = HealthBody),
    ),
    security(())
)]
#[get("/health")]
pub async fn health(state: web::Data<AppState>) -> HttpResponse {
    if db::ping(&state.db).await {
        HttpResponse::Ok().json(HealthBody {
            status: "ok".into(),
            database: "ok".into(),
        })
    } else {
        HttpResponse::ServiceUnavailable().json(HealthBody {
            status: "unavailable".into(),
            database: "unavailable".into(),
        })
    }
}

/// Prometheus metrics.
///
/// Requests per method, route and status; the request-duration histogram; mails delivered,
/// failed attempts, and the outbox's mails per status. When `server.metrics_token` is set, the
/// scraper sends it as `Authorization: Bearer …`; without one, metrics are open in development
/// and not served (404) in production.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "Prometheus text exposition format", body = String, content_type = "text/plain; version=0.0.4"),
        (status = 401, description = "`unauthenticated`: the metrics token is missing or wrong", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: production without a metrics token", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("metrics_token" = []))
)]
#[get("/metrics")]
pub async fn metrics(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let expected = state.settings.server.metrics_token.expose();
    if expected.is_empty() {
        if !state.settings.is_development() {
            return Err(crate::error::route_not_found());
        }
    } else {
        let given = crate::auth::bearer(&request).unwrap_or_default();
        // Compared as digests, so that the time taken says nothing of a shared prefix.
        if secrets::sha256_hex(&given) != secrets::sha256_hex(expected) {
            return Err(ApiError::Unauthenticated);
        }
    }
    let outbox = db::queries::outbox::counts(&state.db).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(state.metrics.render(&outbox)))
}
