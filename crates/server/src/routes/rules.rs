//! The rules on content sent by an integration, storing nothing.

use actix_web::{HttpResponse, post, web};
use api_types::{EvaluateRequest, EvaluationBody, Problem};
use domain::{EvaluationSettings, FormationDates, codes::CerfaVersion};
use serde_json::Value;

use crate::{auth::Caller, error::ApiError, routes::json::Json, startup::AppState};

/// Evaluate dossier content.
///
/// The same evaluation as a stored dossier's — per field ok / missing / invalid, per tab its
/// check mark and what it lacks, dossier completeness, legal warnings, minimum remuneration —
/// on content sent in the request, under the given niveau de saisie, contract type, mission mode
/// and formation dates. Nothing is stored: integrations check their data before pushing it.
#[utoipa::path(
    tag = "rules",
    request_body = EvaluateRequest,
    responses(
        (status = 200, description = "The evaluation", body = EvaluationBody),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("api_token" = []))
)]
#[post("/rules/evaluate")]
pub async fn evaluate(
    state: web::Data<AppState>,
    _caller: Caller,
    request: Json<EvaluateRequest>,
) -> Result<HttpResponse, ApiError> {
    let request = request.into_inner();
    let settings = EvaluationSettings {
        niveau_saisie: request.niveau_saisie,
        contract_type: request.contract_type,
        mission: request.mission,
        formation: FormationDates {
            start: request.formation.start_date,
            end: request.formation.end_date,
        },
        cerfa_version: CerfaVersion::default(),
        today: state.clock.now().date_naive(),
        data: state.regulatory,
    };
    let evaluation = domain::evaluate(&Value::Object(request.content), &settings);
    Ok(HttpResponse::Ok().json(EvaluationBody::from(&evaluation)))
}
