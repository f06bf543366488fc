//! The economic elements of a dossier (OPCO, NPEC, frais annexes, …): CFA staff enter them,
//! formation and CFA staff read them, and the economic validation needs them valid. The domain
//! reads and derives them (`domain::economics`); this module stores them with their history.

use actix_web::{HttpRequest, HttpResponse, put, web};
use api_types::{
    FieldErrorBody, Problem,
    account::TokenScope,
    dossiers::{DossierBody, EconomicSummaryBody, EconomicsBody, EconomicsInput},
};
use db::queries::history::NewChange;
use domain::{
    EvaluationSettings, Role, Status,
    economics::{EconomicFacts, Economics, KEYS, review, summarise},
    evaluation::Issue,
    workflow::can_edit_economics,
};
use serde_json::Value as Json;

use crate::{
    auth::Caller,
    error::ApiError,
    routes::dossiers::{DossierContext, expect_version, load_visible, lost_race, with_etag},
    startup::AppState,
};

impl DossierContext {
    /// The stored economic elements read against the dossier as it is now: `None` before the
    /// CFA entered any.
    pub fn economics(
        &self,
        settings: &EvaluationSettings,
    ) -> Option<Result<Economics, Vec<Issue>>> {
        let stored = self.dossier.economics.as_ref()?;
        Some(review(stored, &self.economic_facts(settings)))
    }

    fn economic_facts(&self, settings: &EvaluationSettings) -> EconomicFacts {
        EconomicFacts::of(&self.dossier.content, settings)
    }

    /// The economic elements as staff see them.
    pub fn economics_body(&self, settings: &EvaluationSettings) -> EconomicsBody {
        let facts = self.economic_facts(settings);
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

/// Whether `role` sees the economic elements: the staff who decide on the funding.
pub fn sees_economics(role: Role) -> bool {
    matches!(role, Role::Formation | Role::Cfa)
}

/// One history entry per member that changed.
fn changes(old: Option<&Json>, new: &Json) -> Vec<(String, Option<Json>, Option<Json>)> {
    let member = |doc: Option<&Json>, key: &str| {
        doc.and_then(|d| d.get(key))
            .filter(|v| !v.is_null())
            .cloned()
    };
    KEYS.iter()
        .filter_map(|key| {
            let (before, after) = (member(old, key), member(Some(new), key));
            (before != after).then(|| (format!("economics.{key}"), before, after))
        })
        .collect()
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
    security(("bearer" = []), ("api_token" = []))
)]
#[put("/dossiers/{id}/economics")]
pub async fn put_economics(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    id: web::Path<String>,
    body: web::Json<Json>,
) -> Result<HttpResponse, ApiError> {
    caller.require_scope(TokenScope::DossiersWrite)?;
    let mut context = load_visible(&state, &caller, &id).await?;
    if caller.role != Role::Cfa {
        return Err(ApiError::Forbidden);
    }
    let current = context.dossier.version;
    expect_version(&request, current)?;
    let status = context.status()?;
    if !can_edit_economics(caller.role, status) {
        return Err(if status.is_frozen() {
            ApiError::Frozen(status.label().to_owned())
        } else {
            ApiError::Conflict {
                code: "dossier_cancelled",
                detail: "Le dossier est annulé : plus rien ne peut y être saisi.".into(),
            }
        });
    }
    let now = state.clock.now();
    let settings = context.evaluation_settings(now.date_naive())?;
    let economics = review(&body, &context.economic_facts(&settings)).map_err(|issues| {
        ApiError::Validation(issues.iter().map(FieldErrorBody::from).collect())
    })?;
    let stored = economics.to_json();
    let history: Vec<NewChange> = changes(context.dossier.economics.as_ref(), &stored)
        .into_iter()
        .map(|(field, old, new)| NewChange {
            dossier_id: context.dossier.id.clone(),
            user_id: Some(caller.user_id.clone()),
            at: now,
            field,
            old,
            new,
        })
        .collect();
    if history.is_empty() {
        let body = context.body(caller.role, now.date_naive())?;
        return Ok(with_etag(HttpResponse::Ok().json(body), current));
    }
    let editable: Vec<&str> = Status::ALL
        .into_iter()
        .filter(|&s| can_edit_economics(Role::Cfa, s))
        .map(Status::key)
        .collect();
    let (_queued, txn) = state.begin_write().await?;
    let saved = db::queries::dossiers::save_economics(
        &txn,
        &context.dossier.id,
        current,
        &editable,
        stored.clone(),
        now,
    )
    .await?;
    if !saved {
        drop(txn);
        return Err(lost_race(&state, &context.dossier.id).await);
    }
    db::queries::history::record(&txn, history).await?;
    txn.commit().await.map_err(db::DbError::from)?;

    context.dossier.economics = Some(stored);
    context.dossier.version = current + 1;
    context.dossier.updated_at = now;
    let body = context.body(caller.role, now.date_naive())?;
    Ok(with_etag(HttpResponse::Ok().json(body), current + 1))
}
