//! The economic elements of a dossier (OPCO, NPEC, frais annexes, …): CFA staff enter them,
//! formation and CFA staff read them, and the economic validation needs them valid. The domain
//! reads and derives them (`domain::economics`); this module stores them with their history.

use actix_web::{HttpRequest, HttpResponse, put, web};
use api_types::{
    FieldErrorBody, Problem,
    dossiers::{DossierBody, EconomicSummaryBody, EconomicsBody, EconomicsInput},
};
use domain::{
    EvaluationSettings,
    economics::{EconomicFacts, summarise},
};
use serde_json::Value as Json;

use crate::{
    auth::Caller,
    error::ApiError,
    routes::{dossiers::with_etag, if_match},
    services::{
        access::Subject,
        dossiers::{self as service, DossierContext},
    },
    startup::AppState,
};

impl DossierContext {
    /// The economic elements as staff see them.
    pub fn economics_body(&self, settings: &EvaluationSettings) -> EconomicsBody {
        let facts = EconomicFacts::of(&self.dossier.content, settings);
        let reviewed = self.economics(settings);
        let (summary, issues) = match &reviewed {
            Some(Ok(economics)) => (
                Some(EconomicSummaryBody::from(&summarise(economics, &facts))),
                Vec::new(),
            ),
            Some(Err(issues)) => (None, issues.iter().map(FieldErrorBody::from).collect()),
            None => (None, Vec::new()),
        };
        EconomicsBody {
            values: self.dossier.economics.clone(),
            ready: summary.is_some(),
            issues,
            summary,
        }
    }
}

/// Enter the economic elements (CFA staff).
///
/// Every member at once (absent ones take their neutral value), under `If-Match` like any write
/// of the dossier. They are read against the dossier: a private employer needs its OPCO, a
/// public one has none; « Premier équipement » is at most 500 €; the handicap majoration needs
/// a declared RQTH. Refused whole with each member's reason (422), or stored as the next
/// version with one history entry per changed member. Possible until the economic elements are
/// validated (409 `dossier_frozen` after); a reopened dossier's may be corrected.
#[utoipa::path(
    tag = "workflow",
    params(
        ("id" = String, Path, description = "The dossier's id"),
        ("If-Match" = String, Header, description = "The ETag read, `\"v<version>\"`"),
    ),
    request_body = EconomicsInput,
    responses(
        (status = 200, description = "Stored; the dossier with its `economics`", body = DossierBody, headers(("ETag" = String, description = "\"v<version>\""))),
        (status = 403, description = "CFA staff only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`dossier_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`dossier_frozen`: already validated; `dossier_cancelled`", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`stale_version`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Each member at fault", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "`precondition_required`: no If-Match", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("api_token" = ["dossiers_write"]))
)]
#[put("/dossiers/{id}/economics")]
pub async fn put_economics(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    id: web::Path<String>,
    body: crate::routes::json::Json<Json>,
) -> Result<HttpResponse, ApiError> {
    let subject = Subject::resolve(&state, &caller).await?;
    let written = service::put_economics(&state, &subject, &id, &if_match(&request), &body).await?;
    let body = written
        .context
        .body_from(caller.role, &written.settings, &written.evaluation);
    Ok(with_etag(
        HttpResponse::Ok().json(body),
        written.context.dossier.version,
    ))
}
