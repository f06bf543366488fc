//! Health and metrics, outside `/api/v1`.

use actix_web::{HttpResponse, get, web};
use api_types::dev::HealthBody;

use crate::{error::ApiError, startup::AppState};

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
/// failed attempts, and the outbox's mails per status.
#[utoipa::path(
    tag = "operations",
    responses((status = 200, description = "Prometheus text exposition format", body = String, content_type = "text/plain; version=0.0.4")),
    security(())
)]
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let outbox = db::queries::outbox::counts(&state.db).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(state.metrics.render(&outbox)))
}
