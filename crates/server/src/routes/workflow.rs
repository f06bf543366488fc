//! The dossier's workflow: « Valider » of Données de base (which invites the company contact),
//! « Demande de validation », validation or return by the formation, the CFA's economic
//! validation and reopening. `domain::workflow::transition` decides every move; this module
//! records it (who, when, from, to, comment) with its e-mails in one transaction.

use actix_web::{HttpRequest, HttpResponse, post, web};
use api_types::{
    Problem,
    dossiers::{CommentRequest, DossierBody},
};
use chrono::{DateTime, Utc};
use db::{DatabaseTransaction, entities::user, queries::outbox::NewMail};
use domain::{Action, Email, Role, Status};

use crate::{
    auth::Caller,
    error::ApiError,
    mail::templates::{self, InvitationMail, Notice},
    routes::json::Json,
    routes::{dossiers::with_etag, if_match},
    services::{accounts::new_invited_user, dossiers::DossierContext},
    startup::AppState,
};

/// Takes `action` on the dossier (`services::workflow::take`) and answers with the dossier as
/// it is after it, with its ETag.
async fn act<F>(
    state: &AppState,
    caller: &Caller,
    request: &HttpRequest,
    id: &str,
    action: Action,
    comment: Option<String>,
    effects: F,
) -> Result<HttpResponse, ApiError>
where
    F: AsyncFnOnce(
        &DatabaseTransaction,
        &mut DossierContext,
        Status,
    ) -> Result<Vec<NewMail>, ApiError>,
{
    let written = crate::services::workflow::take(
        state,
        caller,
        if_match(request),
        id,
        action,
        comment,
        effects,
    )
    .await?;
    let body: DossierBody =
        written
            .context
            .body_from(caller.role, &written.settings, &written.evaluation);
    Ok(with_etag(
        HttpResponse::Ok().json(body),
        written.context.dossier.version,
    ))
}

/// The mails telling the dossier's parties of an event.
async fn tell_parties(
    state: &AppState,
    context: &DossierContext,
    notice: &Notice,
) -> Result<Vec<NewMail>, ApiError> {
    let people = parties(state, context).await?;
    Ok(notices(state, &people, notice))
}

/// The parties told of an event: the apprentice, and the company contact when there is one.
async fn parties(state: &AppState, context: &DossierContext) -> Result<Vec<user::Model>, ApiError> {
    let mut ids = vec![context.dossier.apprentice_id.clone()];
    ids.extend(context.dossier.employer_id.clone());
    Ok(db::queries::users::by_ids(&state.db, &ids).await?)
}

fn apprentice_name(context: &DossierContext) -> String {
    let content = &context.dossier.content;
    let get = |key| {
        domain::evaluation::lookup(content, key)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
    };
    format!("{} {}", get("apprenti.prenom"), get("apprenti.nom"))
        .trim()
        .to_owned()
}

fn notices(state: &AppState, people: &[user::Model], notice: &Notice) -> Vec<NewMail> {
    people
        .iter()
        .map(|person| {
            templates::dossier_notice(
                &person.email,
                &person.first_name,
                notice,
                &state.login_url(),
            )
        })
        .collect()
}

/// Invites (or links) the company contact named on Données de base.
async fn invite_company_contact(
    state: &AppState,
    txn: &DatabaseTransaction,
    context: &mut DossierContext,
    now: DateTime<Utc>,
) -> Result<Vec<NewMail>, ApiError> {
    let content = &context.dossier.content;
    let typed = domain::evaluation::lookup(content, "contactEntreprise.courriel")
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    let Ok(email) = Email::parse(typed) else {
        // Données de base is complete without a contact while the employer is not found yet
        // (user guide A.8): nobody to invite.
        return Ok(Vec::new());
    };
    let purpose = templates::contract_purpose(
        &apprentice_name(context),
        &context.formation.title,
        &context.variant.label,
    );
    match db::queries::users::by_email(txn, email.as_ref()).await? {
        Some(existing) if *existing.role == Role::Employeur => {
            if context.dossier.employer_id.as_deref() == Some(existing.id.as_str()) {
                return Ok(Vec::new());
            }
            context.dossier.employer_id = Some(existing.id.clone());
            Ok(vec![templates::new_dossier(
                &existing.email,
                &existing.first_name,
                &purpose,
                &state.login_url(),
            )])
        }
        Some(_) => Err(ApiError::field(
            "contactEntreprise.courriel",
            api_types::codes::EMAIL_IN_USE,
            "Cette adresse est celle d'un compte qui n'est pas un contact entreprise : indiquez l'adresse professionnelle du contact dans l'entreprise.",
        )),
        None => {
            let name = |key: &str, fallback: &str| {
                domain::evaluation::lookup(content, key)
                    .and_then(|v| v.as_str())
                    .and_then(|v| domain::PersonName::parse(v).ok())
                    .or_else(|| domain::PersonName::parse(fallback).ok())
            };
            let (Some(first), Some(last)) = (
                name("contactEntreprise.prenom", "Contact"),
                name("contactEntreprise.nom", "Entreprise"),
            ) else {
                return Err(ApiError::internal("fallback contact names are valid"));
            };
            let (account, password) = new_invited_user(
                &email,
                &first,
                &last,
                Role::Employeur,
                now,
                now + state.generated_password_lifetime(),
            );
            db::queries::users::insert(txn, vec![account.clone()]).await?;
            context.dossier.employer_id = Some(account.id.clone());
            Ok(vec![templates::invitation(InvitationMail {
                to: &account.email,
                first_name: &account.first_name,
                purpose,
                password: &password,
                valid_minutes: state.settings.auth.generated_password_minutes,
                login_url: &state.login_url(),
            })])
        }
    }
}

/// « Valider » of Données de base.
///
/// Checks the screen: 422 with each missing or invalid field of Données de base otherwise. On
/// success a draft dossier opens its other tabs (`in_progress`), and the company contact named
/// in « Courriel du contact entreprise » is invited: an account with a password valid one hour
/// and an e-mail, or — when the address is already a company contact's account — the dossier is
/// linked to it and they are told by mail. Calling it again later invites a new contact.
#[utoipa::path(
    tag = "workflow",
    params(
        ("id" = String, Path, description = "The dossier's id"),
        ("If-Match" = Option<String>, Header, description = "Optional: the ETag read (`\"v<version>\"`) or `*`; when sent, the action happens only on that version"),
    ),
    responses(
        (status = 200, description = "Validated; the dossier as it is now", body = DossierBody),
        (status = 403, description = "Only the apprentice and CFA staff validate Données de base", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`dossier_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`stale_version`: the `If-Match` sent no longer matches, or another write changed the dossier while the action was under way (nothing happened)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_transition` in this status", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Données de base incomplete or invalid, or the contact's address is another role's account", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/dossiers/{id}/base-validation")]
pub async fn validate_base(
    state: web::Data<AppState>,
    caller: Caller,
    http: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    act(
        &state,
        &caller,
        &http,
        &id,
        Action::ValidateBase,
        None,
        async |txn, context, _| invite_company_contact(&state, txn, context, now).await,
    )
    .await
}

/// « Demande de validation ».
///
/// Only for a complete dossier: 409 `dossier_incomplete` naming the tabs still incomplete
/// otherwise. In a formation with manual validation the dossier waits for its responsables, who
/// are e-mailed; with automatic validation it is validated — and frozen — at once, and the
/// parties are told.
#[utoipa::path(
    tag = "workflow",
    params(
        ("id" = String, Path, description = "The dossier's id"),
        ("If-Match" = Option<String>, Header, description = "Optional: the ETag read (`\"v<version>\"`) or `*`; when sent, the action happens only on that version"),
    ),
    responses(
        (status = 200, description = "Requested (or validated, in automatic mode)", body = DossierBody),
        (status = 403, description = "Only the apprentice and the company contact request validation", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`dossier_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`stale_version`: the `If-Match` sent no longer matches, or another write changed the dossier while the action was under way (nothing happened)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`dossier_incomplete`, or `invalid_transition`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/dossiers/{id}/validation-request")]
pub async fn request_validation(
    state: web::Data<AppState>,
    caller: Caller,
    http: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    act(
        &state,
        &caller,
        &http,
        &id,
        Action::RequestValidation,
        None,
        async |_, context, to| {
            let name = apprentice_name(context);
            if to == Status::Validated {
                let people = parties(&state, context).await?;
                return Ok(notices(
                    &state,
                    &people,
                    &templates::validated_automatically(&name, &context.formation.title),
                ));
            }
            let links = db::queries::formations::responsables_of(
                &state.db,
                std::slice::from_ref(&context.formation.id),
            )
            .await?;
            let ids: Vec<String> = links.into_iter().map(|l| l.user_id).collect();
            let responsables = db::queries::users::by_ids(&state.db, &ids).await?;
            Ok(notices(
                &state,
                &responsables,
                &templates::validation_requested(
                    &name,
                    &context.formation.title,
                    &context.variant.label,
                ),
            ))
        },
    )
    .await
}

/// Validate a dossier (responsable de formation, CFA staff).
///
/// Freezes its data: every write is refused from now on, unless CFA staff reopen it. The
/// apprentice and the company contact are e-mailed.
#[utoipa::path(
    tag = "workflow",
    params(
        ("id" = String, Path, description = "The dossier's id"),
        ("If-Match" = Option<String>, Header, description = "Optional: the ETag read (`\"v<version>\"`) or `*`; when sent, the action happens only on that version"),
    ),
    responses(
        (status = 200, description = "Validated and frozen", body = DossierBody),
        (status = 403, description = "Only responsables de formation and CFA staff validate", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`dossier_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`stale_version`: the `If-Match` sent no longer matches, or another write changed the dossier while the action was under way (nothing happened)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_transition`: no validation was requested", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/dossiers/{id}/validation")]
pub async fn validate(
    state: web::Data<AppState>,
    caller: Caller,
    http: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    act(
        &state,
        &caller,
        &http,
        &id,
        Action::Validate,
        None,
        async |_, context, _| {
            tell_parties(
                &state,
                context,
                &templates::validated(&apprentice_name(context), &context.formation.title),
            )
            .await
        },
    )
    .await
}

/// Return a dossier for correction (responsable de formation, CFA staff).
///
/// With a comment (required) that the apprentice and the company contact receive by mail and
/// see in « Suivi – Info »; the dossier is editable again.
#[utoipa::path(
    tag = "workflow",
    params(
        ("id" = String, Path, description = "The dossier's id"),
        ("If-Match" = Option<String>, Header, description = "Optional: the ETag read (`\"v<version>\"`) or `*`; when sent, the action happens only on that version"),
    ),
    request_body = CommentRequest,
    responses(
        (status = 200, description = "Returned", body = DossierBody),
        (status = 403, description = "Only responsables de formation and CFA staff return a dossier", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`dossier_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`stale_version`: the `If-Match` sent no longer matches, or another write changed the dossier while the action was under way (nothing happened)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_transition`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No comment", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/dossiers/{id}/return")]
pub async fn return_dossier(
    state: web::Data<AppState>,
    caller: Caller,
    http: HttpRequest,
    id: web::Path<String>,
    request: Json<CommentRequest>,
) -> Result<HttpResponse, ApiError> {
    let comment = request.into_inner().comment;
    let told = comment.clone().unwrap_or_default();
    act(
        &state,
        &caller,
        &http,
        &id,
        Action::Return,
        comment,
        async |_, context, _| {
            tell_parties(
                &state,
                context,
                &templates::returned(
                    &apprentice_name(context),
                    &context.formation.title,
                    told.trim(),
                ),
            )
            .await
        },
    )
    .await
}

/// Validate the economic elements (CFA staff).
///
/// The economic elements entered with `PUT …/economics` (NPEC, OPCO, frais annexes including
/// « Premier équipement ») must be valid for the dossier as it is now (409 `economics_missing`
/// otherwise). The convention de formation becomes available; the parties are e-mailed.
#[utoipa::path(
    tag = "workflow",
    params(
        ("id" = String, Path, description = "The dossier's id"),
        ("If-Match" = Option<String>, Header, description = "Optional: the ETag read (`\"v<version>\"`) or `*`; when sent, the action happens only on that version"),
    ),
    responses(
        (status = 200, description = "Economic elements validated", body = DossierBody),
        (status = 403, description = "CFA staff only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`dossier_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`stale_version`: the `If-Match` sent no longer matches, or another write changed the dossier while the action was under way (nothing happened)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_transition`: the dossier is not validated; `economics_missing`: the economic elements are not entered, or no longer valid", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/dossiers/{id}/economics-validation")]
pub async fn validate_economics(
    state: web::Data<AppState>,
    caller: Caller,
    http: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    act(
        &state,
        &caller,
        &http,
        &id,
        Action::ValidateEconomics,
        None,
        async |_, context, _| {
            tell_parties(
                &state,
                context,
                &templates::economics_validated(&apprentice_name(context)),
            )
            .await
        },
    )
    .await
}

/// Reopen a frozen dossier (CFA staff).
///
/// A validated (or economically validated, or in-signature) dossier goes back to `in_progress`
/// with a reason (required), kept in the history; any signature circuit is void. The parties
/// are e-mailed with the reason.
#[utoipa::path(
    tag = "workflow",
    params(
        ("id" = String, Path, description = "The dossier's id"),
        ("If-Match" = Option<String>, Header, description = "Optional: the ETag read (`\"v<version>\"`) or `*`; when sent, the action happens only on that version"),
    ),
    request_body = CommentRequest,
    responses(
        (status = 200, description = "Reopened", body = DossierBody),
        (status = 403, description = "CFA staff only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`dossier_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`stale_version`: the `If-Match` sent no longer matches, or another write changed the dossier while the action was under way (nothing happened)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_transition`: not frozen", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/dossiers/{id}/reopen")]
pub async fn reopen(
    state: web::Data<AppState>,
    caller: Caller,
    http: HttpRequest,
    id: web::Path<String>,
    request: Json<CommentRequest>,
) -> Result<HttpResponse, ApiError> {
    let reason = request.into_inner().comment;
    let told = reason.clone().unwrap_or_default();
    act(
        &state,
        &caller,
        &http,
        &id,
        Action::Reopen,
        reason,
        async |_, context, _| {
            tell_parties(
                &state,
                context,
                &templates::reopened(&apprentice_name(context), told.trim()),
            )
            .await
        },
    )
    .await
}
