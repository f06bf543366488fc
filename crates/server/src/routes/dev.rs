//! The development mailbox: what the outbox holds, so that a newcomer without SMTP reads the
//! invitation and its password.

use actix_web::{HttpResponse, get, web};
use api_types::{
    Problem,
    dev::{MailBody, MailboxFilter},
};

use crate::{error::ApiError, startup::AppState};

/// Read the development mailbox.
///
/// Every mail of the outbox, newest first, whether or not it was delivered. Development mode
/// only: in production this answers 404.
#[utoipa::path(
    tag = "development",
    params(MailboxFilter),
    responses(
        (status = 200, description = "The mails, newest first", body = Vec<MailBody>),
        (status = 404, description = "Production mode", body = Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[get("/dev/mailbox")]
pub async fn mailbox(
    state: web::Data<AppState>,
    filter: web::Query<MailboxFilter>,
) -> Result<HttpResponse, ApiError> {
    if !state.settings.is_development() {
        return Err(crate::error::route_not_found());
    }
    let to = filter.to.as_deref().map(|to| to.trim().to_lowercase());
    let rows = db::queries::outbox::recent(
        &state.db,
        to.as_deref(),
        crate::routes::bounded("limit", filter.limit, 50, (1, 500))?,
    )
    .await?;
    let mails: Vec<MailBody> = rows
        .into_iter()
        .map(|row| MailBody {
            id: row.id.to_string(),
            to: serde_json::from_value(row.recipients).unwrap_or_default(),
            subject: row.subject,
            text: row.text_body,
            html: row.html_body,
            created_at: row.created_at,
            status: row.status,
            attempts: u32::try_from(row.attempts).unwrap_or_default(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(mails))
}
