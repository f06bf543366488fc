//! Dossiers: read with their evaluation and what the caller may do, write by merge patch under
//! `If-Match`, and the field-level history. Every decision is `domain`'s: who may write which
//! field in which status, whether a value is valid, what the evaluation says.

use actix_web::{
    HttpRequest, HttpResponse, get,
    http::header::{self, HeaderValue},
    patch, web,
    web::Bytes,
};
use api_types::{
    EvaluationBody, Problem,
    dossiers::{
        AuthorBody, DossierBody, DossierFormationBody, DossierPatch, HistoryEntryBody,
        PermissionsBody,
    },
};
use domain::{EvaluationSettings, Role, access};

use crate::{
    auth::Caller,
    error::{ApiError, etag},
    read_cache::ReadKey,
    routes::if_match,
    routes::json::Json,
    services::{
        access::Subject,
        dossiers::{self as service, DossierContext, Written, load_visible, not_found},
    },
    startup::AppState,
};

/// The authors of history entries, by user id.
pub async fn authors(
    state: &AppState,
    mut ids: Vec<String>,
) -> Result<std::collections::HashMap<String, AuthorBody>, ApiError> {
    ids.sort();
    ids.dedup();
    Ok(db::queries::users::by_ids(&state.db, &ids)
        .await?
        .into_iter()
        .map(|user| {
            let author = AuthorBody {
                id: user.id.clone(),
                name: format!("{} {}", user.first_name, user.last_name),
                role: user.role.key(),
            };
            (user.id, author)
        })
        .collect())
}

impl DossierContext {
    /// The dossier as the API shows it to `role`.
    pub fn body(&self, role: Role, today: chrono::NaiveDate) -> DossierBody {
        let settings = self.evaluation_settings(today);
        let evaluation = domain::evaluate(&self.dossier.content, &settings);
        self.body_from(role, &settings, &evaluation)
    }

    /// The dossier as the API shows it to `role`, with an evaluation already made under
    /// `settings`.
    pub fn body_from(
        &self,
        role: Role,
        settings: &EvaluationSettings,
        evaluation: &domain::Evaluation,
    ) -> DossierBody {
        let state = self.access_state();
        let status = state.status;
        let content = access::content_seen_by(
            role,
            match &self.dossier.content {
                serde_json::Value::Object(map) => map.clone(),
                _ => serde_json::Map::new(),
            },
        );
        DossierBody {
            id: self.dossier.id.clone(),
            status: status.key().to_owned(),
            version: self.dossier.version,
            niveau_saisie: settings.niveau_saisie,
            contract_type: settings.contract_type,
            formation: DossierFormationBody {
                id: self.formation.id.clone(),
                title: self.formation.title.clone(),
                school: self.formation.school.clone(),
                variant_id: self.variant.id.clone(),
                access_code: self.variant.access_code.clone(),
                variant_label: self.variant.label.clone(),
                start_date: settings
                    .formation
                    .start
                    .unwrap_or(self.formation.start_date),
                end_date: settings.formation.end.unwrap_or(self.formation.end_date),
                mission: settings.mission,
                validation_mode: *self.formation.validation_mode,
            },
            content,
            evaluation: EvaluationBody::from(evaluation),
            permissions: PermissionsBody {
                actions: access::actions(role, status)
                    .into_iter()
                    .map(|a| a.key().to_owned())
                    .collect(),
                writable_tabs: access::writable_tabs(role, state)
                    .into_iter()
                    .map(|t| t.key().to_owned())
                    .collect(),
                edit_economics: access::may_edit_economics(role, status),
                company_contact_joined: state.company_contact_joined,
            },
            economics: access::sees_economics(role).then(|| self.economics_body(settings)),
            created_at: self.dossier.created_at,
            updated_at: self.dossier.updated_at,
        }
    }
}

pub(crate) fn with_etag(mut response: HttpResponse, version: i64) -> HttpResponse {
    if let Ok(value) = HeaderValue::from_str(&etag(version)) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

/// Read a dossier.
///
/// Its content, status and version (also as `ETag: "v<version>"`, to send back as `If-Match`),
/// the formation's settings, the full evaluation — per field ok / missing (green) / invalid, per
/// tab its check mark and what it lacks, whether the dossier is complete, the legal warnings and
/// the minimum remuneration — and what the caller may do. Unknown dossiers and dossiers of
/// others answer the same 404.
#[utoipa::path(
    tag = "dossiers",
    params(("id" = String, Path, description = "The dossier's id")),
    responses(
        (status = 200, description = "The dossier", body = DossierBody, headers(("ETag" = String, description = "\"v<version>\""))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`dossier_not_found`: unknown, or not the caller's", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("api_token" = ["dossiers_read"]))
)]
#[get("/dossiers/{id}")]
pub async fn get_dossier(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let today = state.clock.now().date_naive();
    // A small query first (or its memo, on SQLite): when the answer for this version is kept,
    // it is sent as it is.
    let stamp = match state.stamps.as_ref().and_then(|memo| memo.get(&id)) {
        Some(stamp) => stamp,
        None => {
            let read_in = state.stamps.as_ref().map(|memo| memo.generation());
            let stamp = db::queries::dossiers::stamp(&state.db, &id)
                .await?
                .ok_or_else(not_found)?;
            if let (Some(memo), Some(read_in)) = (&state.stamps, read_in) {
                memo.put(stamp.clone(), read_in);
            }
            stamp
        }
    };
    let subject = Subject::resolve(&state, &caller).await?;
    let parties = domain::access::Parties {
        apprentice_id: &stamp.apprentice_id,
        employer_id: stamp.employer_id.as_deref(),
        formation_id: &stamp.formation_id,
    };
    if !subject.sees_dossier(parties) {
        return Err(not_found());
    }
    let key = |version, formation_updated_at, variant_updated_at| ReadKey {
        id: stamp.id.clone(),
        version,
        role: caller.role,
        today,
        formation_updated_at,
        variant_updated_at,
    };
    if let Some(answer) = state.read_cache.get(&key(
        stamp.version,
        stamp.formation_updated_at,
        stamp.variant_updated_at,
    )) {
        return Ok(with_etag(
            HttpResponse::Ok()
                .content_type("application/json")
                .body(answer),
            stamp.version,
        ));
    }
    let context = load_visible(&state, &subject, &id).await?;
    let body = context.body(caller.role, today);
    let answer = Bytes::from(serde_json::to_vec(&body).map_err(ApiError::internal)?);
    state.read_cache.put(
        key(
            context.dossier.version,
            context.formation.updated_at,
            context.variant.updated_at,
        ),
        answer.clone(),
    );
    Ok(with_etag(
        HttpResponse::Ok()
            .content_type("application/json")
            .body(answer),
        context.dossier.version,
    ))
}

/// Change a dossier.
///
/// The body holds a JSON merge patch (RFC 7396) of the content — members set, `null` removes —
/// and optionally a new `niveau_saisie`; `application/merge-patch+json` or `application/json`.
/// `If-Match` with the `ETag` read is required (428 without it); if someone changed the dossier
/// since, the answer is 412 `stale_version` and nothing is written.
///
/// The whole patch is refused when any field in it is unknown (422 `unknown_field`), not
/// writable by the caller's role in the dossier's status (403 `field_forbidden`), or holds an
/// invalid value (422 with each field's reason): valid fields of a refused patch are not saved.
/// A validated dossier is frozen: 409 `dossier_frozen`. Every change is recorded in the history
/// (who, when, field, old → new) in the same transaction. Fields that are merely incomplete or
/// break a rule between fields are saved and reported by the evaluation, painted green.
#[utoipa::path(
    tag = "dossiers",
    params(
        ("id" = String, Path, description = "The dossier's id"),
        ("If-Match" = String, Header, description = "The ETag read, `\"v<version>\"` (compared strongly: a weak `W/` tag never matches), or `*`"),
    ),
    request_body(content = DossierPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "Saved; the new version", body = DossierBody, headers(("ETag" = String, description = "\"v<version>\""))),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`field_forbidden`: fields the role may not write now", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`dossier_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`dossier_frozen`", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`stale_version`: changed since it was read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown fields or invalid values", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "`precondition_required`: no If-Match", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("api_token" = ["dossiers_write"]))
)]
#[patch("/dossiers/{id}")]
pub async fn patch_dossier(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    id: web::Path<String>,
    body: Json<DossierPatch>,
) -> Result<HttpResponse, ApiError> {
    let subject = Subject::resolve(&state, &caller).await?;
    let DossierPatch {
        content,
        niveau_saisie,
    } = body.into_inner();
    let written = service::patch_content(
        &state,
        &subject,
        &id,
        &if_match(&request),
        content.map(serde_json::Value::Object).as_ref(),
        niveau_saisie,
    )
    .await?;
    let Written {
        context,
        settings,
        evaluation,
    } = written;
    let body = context.body_from(caller.role, &settings, &evaluation);
    let answer = Bytes::from(serde_json::to_vec(&body).map_err(ApiError::internal)?);
    // The next read of this version by the same role is this answer.
    state.read_cache.put(
        ReadKey {
            id: context.dossier.id.clone(),
            version: context.dossier.version,
            role: caller.role,
            today: settings.today,
            formation_updated_at: context.formation.updated_at,
            variant_updated_at: context.variant.updated_at,
        },
        answer.clone(),
    );
    Ok(with_etag(
        HttpResponse::Ok()
            .content_type("application/json")
            .body(answer),
        context.dossier.version,
    ))
}

/// A dossier's history.
///
/// Every field change, oldest first: when, who, which field, the value before and after.
#[utoipa::path(
    tag = "dossiers",
    params(("id" = String, Path, description = "The dossier's id")),
    responses(
        (status = 200, description = "The changes", body = Vec<HistoryEntryBody>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`dossier_not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("api_token" = ["dossiers_read"]))
)]
#[get("/dossiers/{id}/history")]
pub async fn dossier_history(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let subject = Subject::resolve(&state, &caller).await?;
    let context = load_visible(&state, &subject, &id).await?;
    let changes = db::queries::history::of_dossier(&state.db, &context.dossier.id).await?;
    let authors = authors(
        &state,
        changes.iter().filter_map(|c| c.user_id.clone()).collect(),
    )
    .await?;
    let entries: Vec<HistoryEntryBody> = changes
        .into_iter()
        .map(|change| HistoryEntryBody {
            at: change.at,
            author: change
                .user_id
                .as_ref()
                .and_then(|id| authors.get(id).cloned()),
            field: change.field,
            old: change.old_value,
            new: change.new_value,
        })
        .collect();
    Ok(HttpResponse::Ok().json(entries))
}
