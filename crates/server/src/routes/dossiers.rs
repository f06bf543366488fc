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
    EvaluationBody, FieldErrorBody, Problem,
    account::TokenScope,
    dossiers::{
        AuthorBody, DossierBody, DossierFormationBody, DossierPatch, HistoryEntryBody,
        PermissionsBody,
    },
};
use db::{
    entities::{dossier, formation, variant},
    queries::{dossiers::Listing, history::NewChange},
};
use domain::{
    EvaluationSettings, FieldError, FormationDates, NiveauSaisie, Role, Status,
    codes::CerfaVersion,
    patch::{Refusal, review},
    workflow::{available_actions, can_change_niveau_saisie, can_edit_economics, writable_tabs},
};

use crate::{
    auth::Caller,
    error::{ApiError, etag},
    read_cache::ReadKey,
    routes::{economics::sees_economics, parse_stored, stored_key},
    startup::AppState,
};

/// A dossier with the formation and variant it belongs to.
pub struct DossierContext {
    /// The dossier.
    pub dossier: dossier::Model,
    /// Its formation.
    pub formation: formation::Model,
    /// Its variant.
    pub variant: variant::Model,
}

/// What lists show and search of a dossier, from its content.
pub fn listing_of(content: &serde_json::Value, complete: bool) -> Listing {
    let text = |key: &str| {
        domain::evaluation::lookup(content, key)
            .and_then(|v| v.as_str())
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let date = |key: &str| text(key).and_then(|d| domain::values::parse_date(&d).ok());
    let name = match (text("apprenti.nom"), text("apprenti.prenom")) {
        (Some(last), Some(first)) => Some(format!("{} {first}", last.to_uppercase())),
        (Some(last), None) => Some(last.to_uppercase()),
        (None, first) => first,
    };
    let email = text("apprenti.courriel").map(|e| e.to_lowercase());
    let siret = text("employeur.siret")
        .and_then(|s| domain::Siret::parse(&s).ok())
        .map(|s| s.as_ref().to_owned());
    let employer = text("employeur.denomination");
    let search_text = [&name, &email, &siret, &employer]
        .into_iter()
        .flatten()
        .map(|part| part.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ");
    Listing {
        apprentice_name: name,
        apprentice_email: email,
        siret,
        employer_name: employer,
        contract_start: date("contrat.dateDebutContrat"),
        contract_end: date("contrat.dateFinContrat"),
        complete,
        search_text,
    }
}

/// Computes the listing of dossiers stored before it existed; answers how many.
pub async fn backfill_listings(
    db: &db::DatabaseConnection,
    today: chrono::NaiveDate,
) -> Result<usize, db::DbError> {
    let rows = db::queries::dossiers::without_listing(db).await?;
    refresh_listings(db, rows, today, false).await
}

/// Recomputes the listing of `rows` (after their formation's settings changed, completeness
/// may have too); with `only_changed`, writes only those whose completeness moved. Answers how
/// many were written.
pub async fn refresh_listings(
    db: &impl db::ConnectionTrait,
    rows: Vec<dossier::Model>,
    today: chrono::NaiveDate,
    only_changed: bool,
) -> Result<usize, db::DbError> {
    if rows.is_empty() {
        return Ok(0);
    }
    let formations = db::queries::formations::list(db, None).await?;
    let variants = db::queries::formations::variants(db, None).await?;
    let mut done = 0;
    for dossier in rows {
        let (Some(formation), Some(variant)) = (
            formations.iter().find(|f| f.id == dossier.formation_id),
            variants.iter().find(|v| v.id == dossier.variant_id),
        ) else {
            continue;
        };
        let context = DossierContext {
            dossier,
            formation: formation.clone(),
            variant: variant.clone(),
        };
        let Ok(settings) = context.evaluation_settings(today) else {
            continue;
        };
        let complete = domain::evaluate(&context.dossier.content, &settings).complete;
        if only_changed && context.dossier.complete == Some(complete) {
            continue;
        }
        let listing = listing_of(&context.dossier.content, complete);
        db::queries::dossiers::store_listing(db, &context.dossier.id, &listing).await?;
        done += 1;
    }
    Ok(done)
}

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
                role: user.role,
            };
            (user.id, author)
        })
        .collect())
}

fn not_found() -> ApiError {
    ApiError::NotFound {
        code: "dossier_not_found",
        detail: "Dossier introuvable.".into(),
    }
}

/// Who a dossier belongs to.
#[derive(Clone, Copy)]
struct Party<'a> {
    apprentice_id: &'a str,
    employer_id: Option<&'a str>,
    formation_id: &'a str,
}

/// Whether the caller is a party of the dossier, staff of its formation, or CFA staff.
async fn may_see(state: &AppState, caller: &Caller, party: Party<'_>) -> Result<bool, ApiError> {
    Ok(match caller.role {
        Role::Alternant => party.apprentice_id == caller.user_id,
        Role::Employeur => party.employer_id == Some(caller.user_id.as_str()),
        Role::Formation => db::queries::formations::ids_of_responsable(&state.db, &caller.user_id)
            .await?
            .iter()
            .any(|id| id == party.formation_id),
        Role::Cfa => true,
    })
}

/// The dossier if the caller is one of its parties (or staff of its formation, or CFA staff).
/// Unknown and foreign dossiers get the same 404, so that ids reveal nothing.
pub async fn load_visible(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> Result<DossierContext, ApiError> {
    let (dossier, formation, variant) = db::queries::dossiers::with_formation(&state.db, id)
        .await?
        .ok_or_else(not_found)?;
    let party = Party {
        apprentice_id: &dossier.apprentice_id,
        employer_id: dossier.employer_id.as_deref(),
        formation_id: &dossier.formation_id,
    };
    if !may_see(state, caller, party).await? {
        return Err(not_found());
    }
    Ok(DossierContext {
        dossier,
        formation,
        variant,
    })
}

impl DossierContext {
    /// The dossier's status.
    pub fn status(&self) -> Result<Status, ApiError> {
        Status::from_key(&self.dossier.status)
            .ok_or_else(|| ApiError::internal(format!("stored status {:?}", self.dossier.status)))
    }

    /// What the evaluation depends on besides the content. The variant's own dates come first:
    /// a 2nd-year variant's contracts start a year after the formation's first day.
    pub fn evaluation_settings(
        &self,
        today: chrono::NaiveDate,
    ) -> Result<EvaluationSettings, ApiError> {
        Ok(EvaluationSettings {
            niveau_saisie: parse_stored(&self.dossier.niveau_saisie)?,
            contract_type: parse_stored(&self.dossier.contract_type)?,
            mission: parse_stored(&self.formation.mission)?,
            formation: FormationDates {
                start: Some(self.variant.start_date.unwrap_or(self.formation.start_date)),
                end: Some(self.variant.end_date.unwrap_or(self.formation.end_date)),
            },
            cerfa_version: CerfaVersion::default(),
            today,
        })
    }

    /// The dossier as the API shows it to `role`.
    pub fn body(&self, role: Role, today: chrono::NaiveDate) -> Result<DossierBody, ApiError> {
        let settings = self.evaluation_settings(today)?;
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
    ) -> Result<DossierBody, ApiError> {
        let status = self.status()?;
        let content = match &self.dossier.content {
            serde_json::Value::Object(map) => map.clone(),
            _ => serde_json::Map::new(),
        };
        Ok(DossierBody {
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
                validation_mode: parse_stored(&self.formation.validation_mode)?,
                calendrier_available: self.formation.calendrier_available,
                programme_available: self.formation.programme_available,
            },
            content,
            evaluation: EvaluationBody::from(evaluation),
            permissions: PermissionsBody {
                actions: available_actions(status, role)
                    .into_iter()
                    .map(|a| a.key().to_owned())
                    .collect(),
                writable_tabs: writable_tabs(role, status)
                    .into_iter()
                    .map(|t| t.key().to_owned())
                    .collect(),
                edit_economics: can_edit_economics(role, status),
            },
            economics: sees_economics(role).then(|| self.economics_body(settings)),
            created_at: self.dossier.created_at,
            updated_at: self.dossier.updated_at,
        })
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
    security(("bearer" = []), ("api_token" = []))
)]
#[get("/dossiers/{id}")]
pub async fn get_dossier(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require_scope(TokenScope::DossiersRead)?;
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
    let party = Party {
        apprentice_id: &stamp.apprentice_id,
        employer_id: stamp.employer_id.as_deref(),
        formation_id: &stamp.formation_id,
    };
    if !may_see(&state, &caller, party).await? {
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
    let context = load_visible(&state, &caller, &id).await?;
    let body = context.body(caller.role, today)?;
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

/// Refuses a write whose `If-Match` does not name the dossier's `current` version: 428 without
/// it, 412 with the current version when stale.
pub(crate) fn expect_version(request: &HttpRequest, current: i64) -> Result<(), ApiError> {
    if if_match(request)?.contains(&current) {
        Ok(())
    } else {
        Err(ApiError::StaleVersion(current))
    }
}

/// The 412 of a write whose version-guarded UPDATE found the dossier changed meanwhile, naming
/// the version that won.
pub(crate) async fn lost_race(state: &AppState, id: &str) -> ApiError {
    match db::queries::dossiers::by_id(&state.db, id).await {
        Ok(Some(latest)) => ApiError::StaleVersion(latest.version),
        Ok(None) => not_found(),
        Err(error) => error.into(),
    }
}

/// The versions an `If-Match` header names.
fn if_match(request: &HttpRequest) -> Result<Vec<i64>, ApiError> {
    let value = request
        .headers()
        .get(header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .ok_or(ApiError::PreconditionRequired)?;
    let versions: Vec<i64> = value
        .split(',')
        .filter_map(|tag| {
            tag.trim()
                .trim_start_matches("W/")
                .trim_matches('"')
                .trim_start_matches('v')
                .parse()
                .ok()
        })
        .collect();
    if versions.is_empty() {
        return Err(ApiError::PreconditionRequired);
    }
    Ok(versions)
}

fn field_errors(refusal: Refusal) -> ApiError {
    match refusal {
        Refusal::NotAnObject => ApiError::BadRequest {
            code: "invalid_body",
            detail: "« content » doit être un objet JSON (un merge patch, RFC 7396).".into(),
        },
        Refusal::UnknownFields(paths) => ApiError::Validation(
            paths
                .into_iter()
                .map(|path| FieldErrorBody {
                    message: format!("« {path} » n'est pas un champ du dossier."),
                    field: path,
                    code: "unknown_field".into(),
                })
                .collect(),
        ),
        Refusal::Forbidden(keys) => ApiError::FieldsForbidden(
            keys.into_iter()
                .map(|key| FieldErrorBody {
                    field: key.to_owned(),
                    code: "field_forbidden".into(),
                    message: "Votre rôle ne permet pas de modifier ce champ à ce stade du dossier."
                        .into(),
                })
                .collect(),
        ),
        Refusal::Invalid(errors) => ApiError::Validation(
            errors
                .iter()
                .map(|(key, error): &(&str, FieldError)| FieldErrorBody::from_error(key, error))
                .collect(),
        ),
    }
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
        ("If-Match" = String, Header, description = "The ETag read, `\"v<version>\"`"),
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
    security(("bearer" = []), ("api_token" = []))
)]
#[patch("/dossiers/{id}")]
pub async fn patch_dossier(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    id: web::Path<String>,
    body: web::Json<DossierPatch>,
) -> Result<HttpResponse, ApiError> {
    caller.require_scope(TokenScope::DossiersWrite)?;
    let mut context = load_visible(&state, &caller, &id).await?;
    let current = context.dossier.version;
    expect_version(&request, current)?;
    let status = context.status()?;
    if status.is_frozen() {
        return Err(ApiError::Frozen(status.label().to_owned()));
    }
    let now = state.clock.now();
    let settings = context.evaluation_settings(now.date_naive())?;
    let patch = body
        .content
        .clone()
        .unwrap_or_else(|| serde_json::Value::Object(Default::default()));
    let (content, changes) = review(
        &context.dossier.content,
        &patch,
        caller.role,
        status,
        settings.cerfa_version,
    )
    .map_err(field_errors)?;
    let mut history: Vec<NewChange> = changes
        .into_iter()
        .map(|change| NewChange {
            dossier_id: context.dossier.id.clone(),
            user_id: Some(caller.user_id.clone()),
            at: now,
            field: change.key.to_owned(),
            old: change.old,
            new: change.new,
        })
        .collect();
    let niveau = body.niveau_saisie.unwrap_or(settings.niveau_saisie);
    if niveau != settings.niveau_saisie {
        if !can_change_niveau_saisie(caller.role, status) {
            return Err(ApiError::FieldsForbidden(vec![FieldErrorBody {
                field: "niveau_saisie".into(),
                code: "field_forbidden".into(),
                message:
                    "Votre rôle ne permet pas de changer le niveau de saisie à ce stade du dossier."
                        .into(),
            }]));
        }
        history.push(NewChange {
            dossier_id: context.dossier.id.clone(),
            user_id: Some(caller.user_id.clone()),
            at: now,
            field: "niveau_saisie".into(),
            old: Some(stored_key(&settings.niveau_saisie).into()),
            new: Some(stored_key(&niveau).into()),
        });
    }
    if history.is_empty() {
        let body = context.body(caller.role, now.date_naive())?;
        return Ok(with_etag(HttpResponse::Ok().json(body), current));
    }

    let settings = EvaluationSettings {
        niveau_saisie: niveau,
        ..settings
    };
    let evaluation = domain::evaluate(&content, &settings);
    let listing = listing_of(&content, evaluation.complete);
    let (_queued, txn) = state.begin_write().await?;
    // The company changes only with the SIRET or the employer's name.
    let unchanged_company = listing.siret == context.dossier.siret
        && listing.employer_name == context.dossier.employer_name;
    let company_id = match &listing.siret {
        Some(_) if unchanged_company => context.dossier.company_id.clone(),
        Some(siret) => Some(
            db::queries::companies::upsert(&txn, siret, listing.employer_name.as_deref(), now)
                .await?,
        ),
        None => None,
    };
    let saved = db::queries::dossiers::save_patch(
        &txn,
        &context.dossier.id,
        current,
        content.clone(),
        &stored_key::<NiveauSaisie>(&niveau),
        &listing,
        company_id.clone(),
        now,
    )
    .await?;
    if !saved {
        drop(txn);
        return Err(lost_race(&state, &context.dossier.id).await);
    }
    db::queries::history::record(&txn, history).await?;
    txn.commit().await.map_err(db::DbError::from)?;

    context.dossier.content = content;
    listing.apply(&mut context.dossier);
    context.dossier.company_id = company_id;
    context.dossier.niveau_saisie = stored_key(&niveau);
    context.dossier.version = current + 1;
    context.dossier.updated_at = now;
    let body = context.body_from(caller.role, &settings, &evaluation)?;
    let answer = Bytes::from(serde_json::to_vec(&body).map_err(ApiError::internal)?);
    // The next read of this version by the same role is this answer.
    state.read_cache.put(
        ReadKey {
            id: context.dossier.id.clone(),
            version: current + 1,
            role: caller.role,
            today: now.date_naive(),
            formation_updated_at: context.formation.updated_at,
            variant_updated_at: context.variant.updated_at,
        },
        answer.clone(),
    );
    Ok(with_etag(
        HttpResponse::Ok()
            .content_type("application/json")
            .body(answer),
        current + 1,
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
    security(("bearer" = []), ("api_token" = []))
)]
#[get("/dossiers/{id}/history")]
pub async fn dossier_history(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require_scope(TokenScope::DossiersRead)?;
    let context = load_visible(&state, &caller, &id).await?;
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
