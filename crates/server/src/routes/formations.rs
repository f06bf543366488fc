//! Formations and their variants with access codes, managed by CFA staff.

use actix_web::{HttpResponse, get, patch, post, put, web};
use api_types::{
    Problem,
    formations::{
        ContactBody, FormationBody, FormationContactsBody, FormationRequest, VariantBody,
        VariantPatch, VariantRequest,
    },
};
use db::entities::{formation, user, variant};
use domain::{AccessCode, CodeDiplome, Email, Phone, Rncp, Role};

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
        calendrier_available: row.calendrier_available,
        programme_available: row.programme_available,
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
