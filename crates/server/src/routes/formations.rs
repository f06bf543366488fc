//! Formations and their variants with access codes, managed by CFA staff.

use actix_web::{HttpRequest, HttpResponse, delete, get, http::header, patch, post, put, web};
use api_types::{
    Problem,
    formations::{
        AnnexBody, AnnexQuery, ContactBody, FormationBody, FormationContactsBody, FormationRequest,
        VariantBody, VariantPatch, VariantRequest,
    },
};
use db::entities::{formation, formation_annex, user, variant};
use domain::{
    AccessCode, CodeDiplome, Email, Phone, Rncp, Role,
    documents::DocumentKind,
    training_site::{SiteRefusal, TrainingSite},
};

use crate::{
    auth::Caller,
    error::ApiError,
    routes::json::Json,
    routes::{FieldChecks, users},
    services::{access::Subject, formations},
    startup::AppState,
    storage::contract_types,
};

fn not_found() -> ApiError {
    ApiError::NotFound {
        code: api_types::codes::FORMATION_NOT_FOUND,
        detail: "Formation introuvable.".into(),
    }
}

/// The formation's settings as the API writes them.
pub fn settings_of(row: &formation::Model, responsable_ids: Vec<String>) -> FormationRequest {
    FormationRequest {
        title: row.title.clone(),
        school: row.school.clone(),
        diploma_code: row.diploma_code.clone(),
        rncp: row.rncp.clone(),
        start_date: row.start_date,
        end_date: row.end_date,
        hours: u32::try_from(row.hours).unwrap_or_default(),
        contract_types: contract_types(row),
        validation_mode: *row.validation_mode,
        mission: *row.mission,
        responsable_ids,
        contacts: serde_json::from_value(row.contacts.clone()).unwrap_or_default(),
        signature_plan: row
            .signature_plan
            .is_some()
            .then(|| formations::signature_plan(row)),
        training_site: row.training_site.clone(),
    }
}

/// A variant as the API shows it.
pub fn variant_body(row: &variant::Model) -> VariantBody {
    VariantBody {
        id: row.id.clone(),
        formation_id: row.formation_id.clone(),
        access_code: row.access_code.clone(),
        label: row.label.clone(),
        start_date: row.start_date,
        end_date: row.end_date,
        open: row.open,
    }
}

/// Formations with their responsables and variants, in the order given.
async fn bodies(
    state: &AppState,
    rows: Vec<formation::Model>,
) -> Result<Vec<FormationBody>, ApiError> {
    let ids: Vec<String> = rows.iter().map(|f| f.id.clone()).collect();
    let links = db::queries::formations::responsables_of(&state.db, &ids).await?;
    let user_ids: Vec<String> = links.iter().map(|l| l.user_id.clone()).collect();
    let responsables: Vec<user::Model> = db::queries::users::by_ids(&state.db, &user_ids).await?;
    let variants = db::queries::formations::variants(&state.db, Some(&ids)).await?;
    let mut annexes = Vec::new();
    for id in &ids {
        annexes.extend(db::queries::formations::annexes(&state.db, id).await?);
    }
    rows.into_iter()
        .map(|row| {
            let mine: Vec<&user::Model> = links
                .iter()
                .filter(|l| l.formation_id == row.id)
                .filter_map(|l| responsables.iter().find(|u| u.id == l.user_id))
                .collect();
            Ok(FormationBody {
                id: row.id.clone(),
                settings: settings_of(&row, mine.iter().map(|u| u.id.clone()).collect()),
                responsables: mine
                    .into_iter()
                    .map(users::user_body)
                    .collect::<Result<_, _>>()?,
                variants: variants
                    .iter()
                    .filter(|v| v.formation_id == row.id)
                    .map(variant_body)
                    .collect(),
                annexes: annexes
                    .iter()
                    .filter(|a| a.formation_id == row.id)
                    .map(annex_body)
                    .collect(),
                created_at: row.created_at,
                updated_at: row.updated_at,
            })
        })
        .collect()
}

fn check_contact(
    checks: &mut FieldChecks,
    field: &str,
    contact: &Option<ContactBody>,
) -> Option<ContactBody> {
    let contact = contact.as_ref()?;
    checks.no_control(&format!("{field}.name"), &contact.name);
    if contact.name.trim().is_empty() {
        checks.push(
            &format!("{field}.name"),
            api_types::codes::REQUIRED,
            "Indiquez le nom du contact.",
        );
    }
    let email = checks.parse(&format!("{field}.email"), Email::parse(&contact.email));
    let phone = match contact.phone.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(phone) => checks
            .parse(&format!("{field}.phone"), Phone::parse(phone))
            .map(|p| p.as_ref().to_owned()),
    };
    Some(ContactBody {
        name: contact.name.trim().to_owned(),
        email: email.map(|e| e.as_ref().to_owned()).unwrap_or_default(),
        phone,
    })
}

/// Checks a formation's settings; answers the normalised settings or every error at once.
async fn checked(
    state: &AppState,
    request: &FormationRequest,
) -> Result<FormationRequest, ApiError> {
    let mut checks = FieldChecks::new();
    for (field, value) in [("title", &request.title), ("school", &request.school)] {
        checks.no_control(field, value);
        let chars = value.trim().chars().count();
        if chars == 0 || chars > 200 {
            checks.push(
                field,
                api_types::codes::REQUIRED,
                "Indiquez de 1 à 200 caractères.",
            );
        }
    }
    let diploma = checks.parse("diploma_code", CodeDiplome::parse(&request.diploma_code));
    let rncp = checks.parse("rncp", Rncp::parse(&request.rncp));
    if request.end_date <= request.start_date {
        checks.push(
            "end_date",
            "end_before_start",
            "La date de fin doit suivre la date de début.",
        );
    }
    if !(1..=10_000).contains(&request.hours) {
        checks.push(
            "hours",
            "out_of_range",
            "Le nombre d'heures de formation doit être compris entre 1 et 10 000.",
        );
    }
    if request.contract_types.is_empty() {
        checks.push(
            "contract_types",
            api_types::codes::REQUIRED,
            "Choisissez au moins un type de contrat.",
        );
    }
    let mut responsable_ids = request.responsable_ids.clone();
    responsable_ids.sort();
    responsable_ids.dedup();
    let found = db::queries::users::by_ids(&state.db, &responsable_ids).await?;
    for id in &responsable_ids {
        if !found
            .iter()
            .any(|u| &u.id == id && *u.role == Role::Formation)
        {
            checks.push(
                "responsable_ids",
                "unknown_responsable",
                format!("{id} n'est pas un compte de responsable de formation."),
            );
        }
    }
    let contacts = FormationContactsBody {
        apprentissage: check_contact(
            &mut checks,
            "contacts.apprentissage",
            &request.contacts.apprentissage,
        ),
        professionnalisation: check_contact(
            &mut checks,
            "contacts.professionnalisation",
            &request.contacts.professionnalisation,
        ),
        school: check_contact(&mut checks, "contacts.school", &request.contacts.school),
    };
    let signature_plan = request.signature_plan.clone().and_then(|plan| {
        plan.normalized()
            .map_err(|error| {
                let code = api_types::codes::INVALID_SIGNATURE_PLAN;
                checks.push("signature_plan", code, error.to_string());
            })
            .ok()
    });
    let training_site = request.training_site.as_ref().and_then(|block| {
        TrainingSite::parse(block)
            .map_err(|refusals| {
                for refusal in refusals {
                    match refusal {
                        SiteRefusal::Unknown(key) => checks.push(
                            &format!("training_site.{key}"),
                            api_types::codes::UNKNOWN_FIELD,
                            format!("« {key} » n'est pas un champ du lieu de formation."),
                        ),
                        SiteRefusal::Invalid(key, error) => {
                            let field =
                                ["training_site", &key].join(if key.is_empty() { "" } else { "." });
                            checks.parse::<()>(&field, Err(error));
                        }
                    }
                }
            })
            .ok()
    });
    checks.finish()?;
    let mut contract_types = request.contract_types.clone();
    contract_types.dedup();
    Ok(FormationRequest {
        title: request.title.trim().to_owned(),
        school: request.school.trim().to_owned(),
        diploma_code: diploma.map(|d| d.as_ref().to_owned()).unwrap_or_default(),
        rncp: rncp.map(|r| r.as_ref().to_owned()).unwrap_or_default(),
        contract_types,
        responsable_ids,
        contacts,
        signature_plan,
        training_site: training_site.map(|site| site.content().clone()),
        ..request.clone()
    })
}

/// List formations.
///
/// CFA staff see every formation; a responsable de formation sees theirs. Each comes with its
/// responsables and its variants' access codes.
#[utoipa::path(
    tag = "formations",
    responses(
        (status = 200, description = "The formations, by title", body = Vec<FormationBody>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Apprentices and employers do not list formations", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("api_token" = ["formations_read"]))
)]
#[get("/formations")]
pub async fn list_formations(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let subject = Subject::resolve(&state, &caller).await?;
    let rows = db::queries::formations::list(&state.db, subject.formation_filter()?).await?;
    Ok(HttpResponse::Ok().json(bodies(&state, rows).await?))
}

/// Create a formation (CFA staff).
///
/// Its settings decide how its dossiers behave: the contract types it takes, whether « Demande
/// de validation » waits for a responsable (`manual`) or validates at once (`automatic`),
/// whether « La mission » is hidden, optional or required, and which documents exist. Add its
/// access codes with `POST /api/v1/formations/{id}/variants`.
#[utoipa::path(
    tag = "formations",
    request_body = FormationRequest,
    responses(
        (status = 201, description = "Created", body = FormationBody),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CFA staff", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid settings", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("api_token" = ["formations_write"]))
)]
#[post("/formations")]
pub async fn create_formation(
    state: web::Data<AppState>,
    caller: Caller,
    request: Json<FormationRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(domain::access::manages_formations(caller.role))?;
    let settings = checked(&state, &request).await?;
    let row = formations::create(&state, &settings).await?;
    let body = bodies(&state, vec![row])
        .await?
        .pop()
        .ok_or_else(not_found)?;
    Ok(HttpResponse::Created().json(body))
}

async fn visible_formation(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> Result<formation::Model, ApiError> {
    let subject = Subject::resolve(state, caller).await?;
    subject.formation_filter()?;
    if !subject.sees_formation(id) {
        return Err(not_found());
    }
    db::queries::formations::by_id(&state.db, id)
        .await?
        .ok_or_else(not_found)
}

/// Read a formation.
///
/// A responsable de formation may read only their own; others answer 404.
#[utoipa::path(
    tag = "formations",
    params(("id" = String, Path, description = "The formation's id")),
    responses(
        (status = 200, description = "The formation", body = FormationBody),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`formation_not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("api_token" = ["formations_read"]))
)]
#[get("/formations/{id}")]
pub async fn get_formation(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let row = visible_formation(&state, &caller, &id).await?;
    let body = bodies(&state, vec![row])
        .await?
        .pop()
        .ok_or_else(not_found)?;
    Ok(HttpResponse::Ok().json(body))
}

/// Replace a formation's settings (CFA staff).
///
/// The whole settings are sent, as for creation. Variants are changed separately.
#[utoipa::path(
    tag = "formations",
    params(("id" = String, Path, description = "The formation's id")),
    request_body = FormationRequest,
    responses(
        (status = 200, description = "Updated", body = FormationBody),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CFA staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`formation_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid settings", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("api_token" = ["formations_write"]))
)]
#[put("/formations/{id}")]
pub async fn update_formation(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    request: Json<FormationRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(domain::access::manages_formations(caller.role))?;
    let row = db::queries::formations::by_id(&state.db, &id)
        .await?
        .ok_or_else(not_found)?;
    let settings = checked(&state, &request).await?;
    let row = formations::update(&state, row, &settings).await?;
    let body = bodies(&state, vec![row])
        .await?
        .pop()
        .ok_or_else(not_found)?;
    Ok(HttpResponse::Ok().json(body))
}

fn check_variant_dates(
    checks: &mut FieldChecks,
    start: Option<chrono::NaiveDate>,
    end: Option<chrono::NaiveDate>,
) {
    if let (Some(start), Some(end)) = (start, end)
        && end <= start
    {
        checks.push(
            "end_date",
            "end_before_start",
            "La date de fin doit suivre la date de début.",
        );
    }
}

/// Add a variant with its access code (CFA staff).
///
/// A variant is a year or track of the formation that apprentices register for with its own
/// code: `F724` for the formation, `F724-2` for its 2nd year. Every code of a formation shares
/// the same root (`F724`), which no other formation uses. Dashes of any kind are accepted and
/// normalised. The variant's own dates, when given, replace the formation's for its dossiers.
#[utoipa::path(
    tag = "formations",
    params(("id" = String, Path, description = "The formation's id")),
    request_body = VariantRequest,
    responses(
        (status = 201, description = "Created", body = VariantBody),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CFA staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`formation_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`access_code_taken`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid code, label or dates", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("api_token" = ["formations_write"]))
)]
#[post("/formations/{id}/variants")]
pub async fn create_variant(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    request: Json<VariantRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(domain::access::manages_formations(caller.role))?;
    let formation = db::queries::formations::by_id(&state.db, &id)
        .await?
        .ok_or_else(not_found)?;
    let mut checks = FieldChecks::new();
    let code = checks.parse("access_code", AccessCode::parse(&request.access_code));
    let label = request.label.trim();
    checks.no_control("label", label);
    if label.is_empty() || label.chars().count() > 100 {
        checks.push(
            "label",
            api_types::codes::REQUIRED,
            "Indiquez un libellé de 1 à 100 caractères.",
        );
    }
    check_variant_dates(&mut checks, request.start_date, request.end_date);
    let Some(code) = code else {
        return Err(ApiError::Validation(checks.into_errors()));
    };
    checks.finish()?;
    let row = formations::add_variant(
        &state,
        &formation,
        &code,
        label,
        (request.start_date, request.end_date),
        request.open,
    )
    .await?;
    Ok(HttpResponse::Created().json(variant_body(&row)))
}

/// Change a variant: open or close its code, relabel it, change its dates (CFA staff).
///
/// A closed code refuses registrations and invitations with a clear message; dossiers already
/// made with it are untouched.
#[utoipa::path(
    tag = "formations",
    params(
        ("id" = String, Path, description = "The formation's id"),
        ("variant_id" = String, Path, description = "The variant's id"),
    ),
    request_body = VariantPatch,
    responses(
        (status = 200, description = "Updated", body = VariantBody),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CFA staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`variant_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid label or dates", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("api_token" = ["formations_write"]))
)]
#[patch("/formations/{id}/variants/{variant_id}")]
pub async fn update_variant(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    patch: Json<VariantPatch>,
) -> Result<HttpResponse, ApiError> {
    caller.require(domain::access::manages_formations(caller.role))?;
    let (formation_id, variant_id) = path.into_inner();
    let mut row = db::queries::formations::variant_by_id(&state.db, &variant_id)
        .await?
        .filter(|v| v.formation_id == formation_id)
        .ok_or_else(|| ApiError::NotFound {
            code: api_types::codes::VARIANT_NOT_FOUND,
            detail: "Variante introuvable dans cette formation.".into(),
        })?;
    let mut checks = FieldChecks::new();
    if let Some(label) = &patch.label {
        let label = label.trim();
        checks.no_control("label", label);
        if label.is_empty() || label.chars().count() > 100 {
            checks.push(
                "label",
                api_types::codes::REQUIRED,
                "Indiquez un libellé de 1 à 100 caractères.",
            );
        }
        row.label = label.to_owned();
    }
    if let Some(start) = patch.start_date {
        row.start_date = Some(start);
    }
    if let Some(end) = patch.end_date {
        row.end_date = Some(end);
    }
    if let Some(open) = patch.open {
        row.open = open;
    }
    check_variant_dates(&mut checks, row.start_date, row.end_date);
    checks.finish()?;
    let row = formations::save_variant(&state, row).await?;
    Ok(HttpResponse::Ok().json(variant_body(&row)))
}

/// An annex as the API shows it, with a calendrier's totals.
pub fn annex_body(row: &formation_annex::Model) -> AnnexBody {
    use domain::annexes::{Calendrier, Programme};
    let (totals, lines) = match (row.kind.as_str(), &row.content) {
        ("calendrier", Some(content)) => match Calendrier::parse(content) {
            Ok(c) => (serde_json::to_value(c.totals()).ok(), Some(c.to_lines())),
            Err(_) => (None, None),
        },
        (_, Some(content)) => (None, Programme::parse(content).ok().map(|p| p.to_lines())),
        _ => (None, None),
    };
    AnnexBody {
        kind: row.kind.clone(),
        variant_id: (!row.variant_id.is_empty()).then(|| row.variant_id.clone()),
        source: if row.pdf_sha256.is_some() {
            "pdf"
        } else {
            "data"
        }
        .to_owned(),
        content: row.content.clone(),
        lines,
        pdf_sha256: row.pdf_sha256.clone(),
        totals,
        updated_at: row.updated_at,
    }
}

/// The annex kind a path names: `calendrier` or `programme`, else 404.
fn annex_kind(key: &str) -> Result<DocumentKind, ApiError> {
    match DocumentKind::from_key(key) {
        Some(kind @ (DocumentKind::Calendrier | DocumentKind::Programme)) => Ok(kind),
        _ => Err(ApiError::NotFound {
            code: api_types::codes::NOT_FOUND,
            detail: "Annexe inconnue : calendrier ou programme.".into(),
        }),
    }
}

/// The formation and, when the query names one, its variant (404 `variant_not_found` when it is
/// not one of the formation's).
async fn annex_owner(
    state: &AppState,
    caller: &Caller,
    id: &str,
    query: &AnnexQuery,
) -> Result<(formation::Model, Option<String>), ApiError> {
    let row = visible_formation(state, caller, id).await?;
    let variant_id = match query.variant_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(variant_id) => Some(
            db::queries::formations::variant_by_id(&state.db, variant_id)
                .await?
                .filter(|v| v.formation_id == row.id)
                .ok_or_else(|| ApiError::NotFound {
                    code: api_types::codes::VARIANT_NOT_FOUND,
                    detail: "Variante introuvable dans cette formation.".into(),
                })?
                .id,
        ),
    };
    Ok((row, variant_id))
}

fn annex_not_found() -> ApiError {
    ApiError::NotFound {
        code: api_types::codes::NOT_FOUND,
        detail: "Cette annexe n'est pas encore renseignée.".into(),
    }
}

/// Read a formation's calendrier or programme.
///
/// The formation's own, or with `variant_id` the variant's override (404 when it has none: its
/// dossiers then use the formation's). A responsable de formation reads their formations' only.
#[utoipa::path(
    tag = "formations",
    params(
        ("id" = String, Path, description = "The formation's id"),
        ("kind" = String, Path, description = "`calendrier` or `programme`", example = "calendrier"),
        AnnexQuery,
    ),
    responses(
        (status = 200, description = "The annex", body = AnnexBody),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`formation_not_found`, `variant_not_found`, or no such annex (`not_found`)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("api_token" = ["formations_read"]))
)]
#[get("/formations/{id}/annexes/{kind}")]
pub async fn get_annex(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    query: web::Query<AnnexQuery>,
) -> Result<HttpResponse, ApiError> {
    let (id, kind) = path.into_inner();
    let kind = annex_kind(&kind)?;
    let (row, variant_id) = annex_owner(&state, &caller, &id, &query).await?;
    let variant_key = variant_id.unwrap_or_default();
    let annex = db::queries::formations::annexes(&state.db, &row.id)
        .await?
        .into_iter()
        .find(|a| a.kind == kind.key() && a.variant_id == variant_key)
        .ok_or_else(annex_not_found)?;
    Ok(HttpResponse::Ok().json(annex_body(&annex)))
}

/// Enter or attach a formation's calendrier or programme (CFA staff).
///
/// As data (`application/json`): a calendrier `{periods: [{kind: cfa | entreprise | examen |
/// conges, start, end, hours?, label?}]}` — dates in order, no two CFA or company periods
/// overlapping, 400 periods at most —, or a programme `{objectives?, means?, assessment?,
/// blocks: [{code?, title, modules: [{title, objectives?, hours?, assessment?}]}]}`; refused
/// whole with each member's path (`periods[2].end`). As lines (`text/plain`, what a spreadsheet
/// pastes; `;` or tab between cells): a calendrier's « CFA ; 01/09/2026 ; 11/09/2026 ; 70 ;
/// précision » (types CFA, Entreprise, Examen, Congés), a programme's « Objectifs : … »,
/// « Moyens : … », « Évaluation : … », then « # code ; titre » per block and « module ; heures ;
/// évaluation ; objectifs » per module; refusals name their line (`lines[2]`). Or as a PDF
/// (`application/pdf`, 10 MB at most) that the documents hand out as it is. With `variant_id`, the annex overrides the
/// formation's for that variant's dossiers. Replaces what was there.
#[utoipa::path(
    tag = "formations",
    params(
        ("id" = String, Path, description = "The formation's id"),
        ("kind" = String, Path, description = "`calendrier` or `programme`", example = "calendrier"),
        AnnexQuery,
    ),
    request_body(
        description = "The annex as data, or a PDF",
        content(
            (serde_json::Value = "application/json", example = json!({"periods": [{"kind": "cfa", "start": "2026-09-01", "end": "2026-09-11", "hours": 70}, {"kind": "entreprise", "start": "2026-09-14", "end": "2026-12-18"}]})),
            (String = "text/plain", example = "CFA ; 01/09/2026 ; 11/09/2026 ; 70\nEntreprise ; 14/09/2026 ; 18/12/2026"),
            (Vec<u8> = "application/pdf"),
        )
    ),
    responses(
        (status = 200, description = "Saved", body = AnnexBody),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CFA staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`formation_not_found`, `variant_not_found`, or an unknown kind", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "`payload_too_large`: over 10 MB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Neither JSON, lines nor PDF", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid members, each with its path, or `invalid_pdf` (a PDF refused by the PDF gate)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("api_token" = ["formations_write"]))
)]
#[put("/formations/{id}/annexes/{kind}")]
pub async fn put_annex(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    path: web::Path<(String, String)>,
    query: web::Query<AnnexQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    caller.require(domain::access::manages_formations(caller.role))?;
    let (id, kind) = path.into_inner();
    let kind = annex_kind(&kind)?;
    let (row, variant_id) = annex_owner(&state, &caller, &id, &query).await?;
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let input = if content_type.starts_with("application/pdf") {
        let bytes = crate::routes::read_body(
            payload,
            crate::services::documents::MAX_DEPOSIT_BYTES,
            "Le fichier dépasse 10 Mo.",
        )
        .await?;
        formations::AnnexInput::Pdf(bytes)
    } else if content_type.starts_with("application/json") {
        let bytes = crate::routes::read_body(
            payload,
            state.settings.server.json_limit,
            "Le corps JSON est trop volumineux.",
        )
        .await?;
        let value: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| ApiError::BadRequest {
                code: api_types::codes::MALFORMED_JSON,
                detail: format!("Le corps n'est pas un JSON valide : {e}."),
            })?;
        formations::AnnexInput::Data(value)
    } else if content_type.starts_with("text/plain") {
        let bytes = crate::routes::read_body(
            payload,
            state.settings.server.json_limit,
            "Le texte est trop volumineux.",
        )
        .await?;
        let text = String::from_utf8(bytes).map_err(|_| ApiError::BadRequest {
            code: api_types::codes::UNREADABLE_BODY,
            detail: "Le texte doit être en UTF-8.".into(),
        })?;
        formations::AnnexInput::Lines(text)
    } else {
        return Err(ApiError::UnsupportedMediaType(
            "Envoyez l'annexe en JSON (application/json), en lignes (text/plain) ou en PDF (application/pdf).".into(),
        ));
    };
    let annex = formations::put_annex(&state, &row, variant_id.as_deref(), kind, input).await?;
    Ok(HttpResponse::Ok().json(annex_body(&annex)))
}

/// Remove a formation's calendrier or programme (CFA staff).
///
/// With `variant_id`, removes the variant's override: its dossiers use the formation's again.
/// 204, also when there was none (removing twice is removing once).
#[utoipa::path(
    tag = "formations",
    params(
        ("id" = String, Path, description = "The formation's id"),
        ("kind" = String, Path, description = "`calendrier` or `programme`", example = "calendrier"),
        AnnexQuery,
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CFA staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`formation_not_found`, `variant_not_found`, or an unknown kind", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("api_token" = ["formations_write"]))
)]
#[delete("/formations/{id}/annexes/{kind}")]
pub async fn delete_annex(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    query: web::Query<AnnexQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(domain::access::manages_formations(caller.role))?;
    let (id, kind) = path.into_inner();
    let kind = annex_kind(&kind)?;
    let (row, variant_id) = annex_owner(&state, &caller, &id, &query).await?;
    formations::delete_annex(&state, &row, variant_id.as_deref(), kind).await?;
    Ok(HttpResponse::NoContent().finish())
}
