//! Invitations: formation managers and CFA staff (or their scripts) invite apprentices, one or
//! ten thousand at a time; each gets an account with a generated password valid one hour and a
//! draft dossier. Renewing an invitation sends a fresh password; correcting its address sends it
//! to the right one (user guide B.3).

use actix_web::{HttpRequest, HttpResponse, get, http::header, patch, post, web};
use api_types::{
    FieldErrorBody, Problem,
    invitations::{
        BulkInvitationResponse, BulkRowResult, BulkRowStatus, BulkSummary, InvitationBody,
        InvitationEmailPatch, InvitationFilter, InvitationRequest,
    },
};
use db::{
    entities::{dossier, invitation, user},
    queries::outbox::NewMail,
};
use domain::Email;

use crate::{
    auth::{Caller, secrets},
    error::ApiError,
    idempotency::{Claim, Idempotency},
    routes::json::Json,
    routes::{MAX_OFFSET, bounded},
    services::{
        access::Subject,
        accounts::email_taken,
        dossiers::{self as service, Change, DossierContext},
        invitations::{Decision, Planner, invitation_mail, invite_in_slices, persist},
        openings::Opening,
    },
    startup::AppState,
};

mod csv;

/// The most rows one bulk call takes.
pub const MAX_BULK_ROWS: usize = 10_000;

/// An invitation as the API shows it.
fn invitation_body(
    invitation: &invitation::Model,
    account: &user::Model,
    dossier: &dossier::Model,
    access_code: &str,
) -> InvitationBody {
    InvitationBody {
        id: invitation.id.clone(),
        user_id: account.id.clone(),
        dossier_id: dossier.id.clone(),
        email: account.email.clone(),
        first_name: account.first_name.clone(),
        last_name: account.last_name.clone(),
        access_code: access_code.to_owned(),
        formation_id: dossier.formation_id.clone(),
        created_at: invitation.created_at,
        last_sent_at: invitation.last_sent_at,
        password_expires_at: account.generated_password_expires_at,
        accepted: account.last_login_at.is_some(),
    }
}

fn may_invite(caller: &Caller) -> Result<(), ApiError> {
    caller.require(domain::access::invites(caller.role))
}

/// Invite an apprentice.
///
/// Creates the apprentice's account and a draft dossier in the formation (or variant) of the
/// access code, and mails a generated password valid one hour (user guide A.2). When the address
/// already belongs to an apprentice without a dossier in this formation, the dossier is added to
/// their account and they are told by mail. A responsable de formation may invite only to their
/// formations.
#[utoipa::path(
    tag = "invitations",
    request_body = InvitationRequest,
    responses(
        (status = 201, description = "Invited; the e-mail is queued", body = InvitationBody),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a responsable of this formation, nor CFA staff", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`already_invited`: the apprentice has a dossier in this formation; `email_in_use`: the address is another role's account", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, unknown or closed code", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("api_token" = ["invitations"]))
)]
#[post("/invitations")]
pub async fn invite(
    state: web::Data<AppState>,
    caller: Caller,
    request: Json<InvitationRequest>,
) -> Result<HttpResponse, ApiError> {
    may_invite(&caller)?;
    let rows = [request.into_inner()];
    let mut planner = Planner::new(&state, &caller, &rows).await?;
    match planner.plan(1, &rows[0]) {
        Decision::Refused(errors) => {
            if let Some(error) = errors.iter().find(|e| e.code == "forbidden_formation") {
                tracing::debug!(reason = %error.message, "invitation refused");
                return Err(ApiError::Forbidden);
            }
            if let Some(error) = errors.iter().find(|e| e.code == "email_in_use") {
                return Err(ApiError::Conflict {
                    code: api_types::codes::EMAIL_IN_USE,
                    detail: error.message.clone(),
                });
            }
            Err(ApiError::Validation(errors))
        }
        Decision::AlreadyInvited { .. } => Err(ApiError::Conflict {
            code: api_types::codes::ALREADY_INVITED,
            detail: "Cet alternant a déjà un dossier dans cette formation. Pour lui renvoyer un mot de passe, renouvelez son invitation.".into(),
        }),
        Decision::Created { .. } => {
            let creation = std::mem::take(&mut planner.creation);
            let created = creation
                .invitations
                .first()
                .cloned()
                .ok_or_else(|| ApiError::internal("planned invitation missing"))?;
            let dossier = creation
                .dossiers
                .first()
                .cloned()
                .ok_or_else(|| ApiError::internal("planned dossier missing"))?;
            let account = planner
                .account(&created.user_id)
                .cloned()
                .ok_or_else(|| ApiError::internal("planned account missing"))?;
            let code = planner
                .stored_code(&rows[0].access_code)
                .unwrap_or_default();
            let (_queued, txn) = state.begin_write().await?;
            persist(&state, &txn, creation).await?;
            txn.commit().await.map_err(db::DbError::from)?;
            state.outbox.wake();
            Ok(HttpResponse::Created().json(invitation_body(&created, &account, &dossier, &code)))
        }
    }
}

/// Invite many apprentices at once.
///
/// The body is either a JSON array of invitations (`application/json`) or a CSV file
/// (`text/csv`) whose header row names the columns `email`, `first_name`, `last_name`,
/// `access_code` (French names work too: `courriel`, `prénom`, `nom`, `code`; `,` `;` or tab
/// separated). Up to 10 000 rows per call.
///
/// Every row is reported, in order: `created` (account or dossier made, e-mail queued),
/// `already_invited` (the apprentice already has a dossier in that formation: nothing done), or
/// `error` with the fields at fault — including an address repeated within the same call.
/// Valid rows are created even when others are refused. E-mails are delivered after the answer.
///
/// Send an `Idempotency-Key` header (a UUID) to retry safely: a retried call with the same key
/// and body replays the first answer (`Idempotent-Replayed: true`) and creates nothing; the same
/// key with another body answers 422 `idempotency_key_reused`. Without a key, a repeated call
/// still creates nobody twice: its rows come back `already_invited`.
#[utoipa::path(
    tag = "invitations",
    request_body(
        description = "A JSON array of invitations, or a CSV file with a header row",
        content(
            (Vec<InvitationRequest> = "application/json"),
            (String = "text/csv", example = "email;prenom;nom;code\nlea.martin@example.fr;Léa;Martin;F724\n"),
        )
    ),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried call replay the first answer instead of acting twice")),
    responses(
        (status = 200, description = "One result per row", body = BulkInvitationResponse),
        (status = 400, description = "Malformed JSON or CSV, missing CSV columns, or a bad Idempotency-Key", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a responsable de formation nor CFA staff, or a token without the `invitations` scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`idempotency_in_progress`: the same key is being processed", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "`too_many_rows` (over 10 000) or `payload_too_large`", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Neither JSON nor CSV", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`idempotency_key_reused` with another body, or `no_rows`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("api_token" = ["invitations"]))
)]
#[post("/invitations/bulk")]
pub async fn invite_bulk(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    may_invite(&caller)?;
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let limit = state.settings.server.bulk_limit;
    let body = crate::routes::read_body(
        payload,
        limit,
        &format!(
            "L'envoi dépasse {} Mo : découpez-le en plusieurs appels de {MAX_BULK_ROWS} lignes au plus.",
            limit / (1024 * 1024)
        ),
    )
    .await?;
    let idempotency = Idempotency::from_request(&request, &caller.user_id, &content_type, &body)?;
    if let Some(idempotency) = &idempotency
        && let Some(first) = idempotency.replay(&state).await?
    {
        return Ok(first);
    }

    let rows: Vec<InvitationRequest> = if content_type.starts_with("application/json") {
        let refused = |code: &'static str, e: serde_json::Error| ApiError::BadRequest {
            code,
            detail: format!("Le corps doit être un tableau JSON d'invitations : {e}."),
        };
        let value: serde_json::Value = serde_json::from_slice(&body)
            .map_err(|e| refused(api_types::codes::MALFORMED_JSON, e))?;
        crate::routes::json::from_value(&value)
            .map_err(|e| refused(api_types::codes::INVALID_BODY, e))?
    } else if content_type.starts_with("text/csv") || content_type.starts_with("application/csv") {
        csv::parse_csv(&body)?
    } else {
        return Err(ApiError::UnsupportedMediaType(
            "Envoyez un tableau JSON (Content-Type: application/json) ou un fichier CSV (Content-Type: text/csv).".into(),
        ));
    };
    if rows.len() > MAX_BULK_ROWS {
        return Err(ApiError::PayloadTooLarge {
            code: api_types::codes::TOO_MANY_ROWS,
            detail: format!(
                "Un envoi compte au plus {MAX_BULK_ROWS} lignes : découpez le fichier."
            ),
        });
    }
    if rows.is_empty() {
        return Err(ApiError::field(
            "rows",
            "no_rows",
            "L'envoi ne contient aucune ligne d'invitation.",
        ));
    }

    let started = std::time::Instant::now();
    let mut planner = Planner::new(&state, &caller, &rows).await?;
    let (_queued, txn) = state.begin_write().await?;
    if let Some(idempotency) = &idempotency
        && let Claim::Lost = idempotency.claim(&txn, planner.now).await?
    {
        // Another call with this key got there first: answer as it did.
        drop(txn);
        return idempotency
            .replay(&state)
            .await?
            .ok_or_else(|| ApiError::internal("idempotency key vanished"));
    }
    let decisions = invite_in_slices(&state, &txn, &mut planner, &rows).await?;
    let mut summary = BulkSummary::default();
    let results: Vec<BulkRowResult> = rows
        .iter()
        .zip(decisions)
        .enumerate()
        .map(|(i, (row, decision))| {
            let (status, errors, dossier_id) = match decision {
                Decision::Created { dossier_id } => {
                    summary.created += 1;
                    (BulkRowStatus::Created, Vec::new(), Some(dossier_id))
                }
                Decision::AlreadyInvited { dossier_id } => {
                    summary.already_invited += 1;
                    (BulkRowStatus::AlreadyInvited, Vec::new(), Some(dossier_id))
                }
                Decision::Refused(errors) => {
                    summary.errors += 1;
                    (BulkRowStatus::Error, errors, None)
                }
            };
            BulkRowResult {
                row: i + 1,
                email: row.email.clone(),
                status,
                errors,
                dossier_id,
            }
        })
        .collect();
    let response = BulkInvitationResponse { results, summary };
    let response_json = serde_json::to_string(&response).map_err(ApiError::internal)?;
    if let Some(idempotency) = &idempotency {
        idempotency
            .complete(&txn, 200, response_json.clone())
            .await?;
    }
    txn.commit().await.map_err(db::DbError::from)?;
    state.outbox.wake();
    tracing::info!(
        rows = rows.len(),
        created = summary.created,
        already_invited = summary.already_invited,
        errors = summary.errors,
        total_ms = started.elapsed().as_millis() as u64,
        "bulk invitation"
    );
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .body(response_json))
}

/// An invitation the caller may manage, with its account, its dossier and where it leads.
struct Managed {
    invitation: invitation::Model,
    account: user::Model,
    dossier: dossier::Model,
    opening: Opening,
}

async fn visible_invitation(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> Result<Managed, ApiError> {
    let subject = Subject::resolve(state, caller).await?;
    let not_found = || ApiError::NotFound {
        code: api_types::codes::INVITATION_NOT_FOUND,
        detail: "Invitation introuvable.".into(),
    };
    let invitation = db::queries::invitations::by_id(&state.db, id)
        .await?
        .ok_or_else(not_found)?;
    let (dossier, formation, variant) =
        db::queries::dossiers::with_formation(&state.db, &state.seal, &invitation.dossier_id)
            .await?
            .ok_or_else(not_found)?;
    if !subject.sees_formation(&dossier.formation_id) {
        return Err(not_found());
    }
    let account = db::queries::users::by_id(&state.db, &invitation.user_id)
        .await?
        .ok_or_else(not_found)?;
    Ok(Managed {
        invitation,
        account,
        dossier,
        opening: Opening { variant, formation },
    })
}

/// List invitations.
///
/// Newest first: CFA staff see all, a responsable de formation those of their formations. Each
/// says whether the apprentice has signed in since, and until when the generated password works.
#[utoipa::path(
    tag = "invitations",
    params(InvitationFilter),
    responses(
        (status = 200, description = "The invitations", body = Vec<InvitationBody>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a responsable de formation nor CFA staff", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("api_token" = ["invitations"]))
)]
#[get("/invitations")]
pub async fn list_invitations(
    state: web::Data<AppState>,
    caller: Caller,
    filter: web::Query<InvitationFilter>,
) -> Result<HttpResponse, ApiError> {
    may_invite(&caller)?;
    let subject = Subject::resolve(&state, &caller).await?;
    let mut scope = subject.formation_filter()?.map(<[String]>::to_vec);
    if let Some(formation_id) = &filter.formation_id {
        scope = Some(match scope {
            Some(ids) => ids.into_iter().filter(|id| id == formation_id).collect(),
            None => vec![formation_id.clone()],
        });
    }
    let limit = bounded("limit", filter.limit, 100, (1, 1000))?;
    let offset = bounded("offset", filter.offset, 0, (0, MAX_OFFSET))?;
    let rows = db::queries::invitations::list(
        &state.db,
        &state.seal,
        scope.as_deref(),
        filter.dossier_id.as_deref(),
        limit,
        offset,
    )
    .await?;
    let user_ids: Vec<String> = rows.iter().map(|(i, _)| i.user_id.clone()).collect();
    let accounts = db::queries::users::by_ids(&state.db, &user_ids).await?;
    let variants = db::queries::formations::variants(&state.db, None).await?;
    let bodies: Vec<InvitationBody> = rows
        .iter()
        .filter_map(|(invitation, dossier)| {
            let account = accounts.iter().find(|u| u.id == invitation.user_id)?;
            let code = variants
                .iter()
                .find(|v| v.id == dossier.variant_id)
                .map(|v| v.access_code.as_str())
                .unwrap_or_default();
            Some(invitation_body(invitation, account, dossier, code))
        })
        .collect();
    Ok(HttpResponse::Ok().json(bodies))
}

/// A new generated password for the invited account, valid from `now`, mailed to its address,
/// within `txn`; the account's new expiry.
async fn send_again(
    state: &AppState,
    txn: &db::DatabaseTransaction,
    managed: &Managed,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(NewMail, chrono::DateTime<chrono::Utc>), ApiError> {
    let password = secrets::generate_password();
    let expires_at = now + state.generated_password_lifetime();
    let mail = invitation_mail(state, &managed.account, &managed.opening, &password);
    match db::queries::users::set_generated_password(
        txn,
        &managed.account.id,
        &managed.account.email,
        &secrets::sha256_hex(&password),
        expires_at,
        now,
    )
    .await
    {
        Err(db::DbError::Unique(_)) => return Err(email_taken()),
        // Signed in since the invitation was read.
        Ok(false) => return Err(invitation_accepted()),
        other => other?,
    };
    db::queries::invitations::mark_sent(txn, &managed.invitation.id, now).await?;
    Ok((mail, expires_at))
}

/// The invitation as the API shows it once sent again at `now`, valid until `expires_at`.
fn sent_again(
    mut managed: Managed,
    now: chrono::DateTime<chrono::Utc>,
    expires_at: chrono::DateTime<chrono::Utc>,
) -> HttpResponse {
    managed.account.generated_password_expires_at = Some(expires_at);
    let invitation = invitation::Model {
        last_sent_at: now,
        ..managed.invitation
    };
    HttpResponse::Ok().json(invitation_body(
        &invitation,
        &managed.account,
        &managed.dossier,
        &managed.opening.variant.access_code,
    ))
}

async fn resend(state: &AppState, managed: Managed) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let (_queued, txn) = state.begin_write().await?;
    let (mail, expires_at) = send_again(state, &txn, &managed, now).await?;
    state.outbox.queue(&txn, vec![mail], now).await?;
    txn.commit().await.map_err(db::DbError::from)?;
    state.outbox.wake();
    Ok(sent_again(managed, now, expires_at))
}

/// Renew an invitation.
///
/// Mails the apprentice a new generated password, valid one hour from now (user guide B.3: a
/// lost or expired invitation). A password the apprentice already chose keeps working.
#[utoipa::path(
    tag = "invitations",
    params(("id" = String, Path, description = "The invitation's id")),
    responses(
        (status = 200, description = "Renewed; the e-mail is queued", body = InvitationBody),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a responsable de formation nor CFA staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`invitation_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invitation_accepted`: the apprentice has signed in since", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("api_token" = ["invitations"]))
)]
#[post("/invitations/{id}/renew")]
pub async fn renew_invitation(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    may_invite(&caller)?;
    let managed = visible_invitation(&state, &caller, &id).await?;
    // The apprentice signed in and has a password of their own: a second, generated one would
    // work beside it. They use « Mot de passe oublié » if they lost theirs.
    if managed.account.last_login_at.is_some() {
        return Err(invitation_accepted());
    }
    resend(&state, managed).await
}

/// The answer for an invitation whose apprentice has signed in since.
fn invitation_accepted() -> ApiError {
    ApiError::Conflict {
        code: api_types::codes::INVITATION_ACCEPTED,
        detail: "L'alternant s'est déjà connecté : il choisit lui-même son mot de passe (« Mot de passe oublié » s'il l'a perdu).".into(),
    }
}

/// Correct an invitation's address.
///
/// For an invitation sent to a wrong address (user guide B.3): the account's address becomes
/// the right one, the dossier's « Courriel » too, and a new generated password is mailed there.
/// Once the apprentice has signed in, the address is theirs to change: 409 `invitation_accepted`.
#[utoipa::path(
    tag = "invitations",
    params(("id" = String, Path, description = "The invitation's id")),
    request_body = InvitationEmailPatch,
    responses(
        (status = 200, description = "Corrected and sent again", body = InvitationBody),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a responsable de formation nor CFA staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`invitation_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invitation_accepted`, or `email_taken` by another account", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid address", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("api_token" = ["invitations"]))
)]
#[patch("/invitations/{id}")]
pub async fn correct_invitation_email(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    patch: Json<InvitationEmailPatch>,
) -> Result<HttpResponse, ApiError> {
    may_invite(&caller)?;
    let mut managed = visible_invitation(&state, &caller, &id).await?;
    let email = Email::parse(&patch.email)
        .map_err(|e| ApiError::Validation(vec![FieldErrorBody::from_error("email", &e)]))?;
    if managed.account.last_login_at.is_some() {
        return Err(ApiError::Conflict {
            code: api_types::codes::INVITATION_ACCEPTED,
            detail: "L'alternant s'est déjà connecté : c'est à lui de modifier son adresse.".into(),
        });
    }
    if managed.account.email == email.as_ref() {
        return resend(&state, managed).await;
    }
    if db::queries::users::by_email(&state.db, email.as_ref())
        .await?
        .is_some()
    {
        return Err(email_taken());
    }
    // The address is also the dossier's « Courriel », changed like any field (history,
    // completeness, listing); a frozen dossier keeps it.
    let context = DossierContext {
        dossier: managed.dossier.clone(),
        formation: managed.opening.formation.clone(),
        variant: managed.opening.variant.clone(),
        data: state.regulatory,
    };
    let status = context.status();
    if status.is_frozen() {
        return Err(ApiError::Frozen(status.label().to_owned()));
    }
    managed.account.email = email.as_ref().to_owned();
    let old = domain::evaluation::lookup(&context.dossier.content, "apprenti.courriel").cloned();
    let mut content = context.dossier.content.clone();
    domain::patch::apply_merge_patch(
        &mut content,
        &serde_json::json!({"apprenti": {"courriel": email.as_ref()}}),
    );
    let change = Change {
        content: Some(content),
        history: vec![("apprenti.courriel".into(), old, Some(email.as_ref().into()))],
        ..Change::default()
    };
    let now = state.clock.now();
    let mut expires_at = now;
    let written = service::write(
        &state,
        context,
        Some(&caller.user_id),
        change,
        async |txn, _| {
            let (mail, expiry) = send_again(&state, txn, &managed, now).await?;
            expires_at = expiry;
            Ok(vec![mail])
        },
    )
    .await?;
    managed.dossier = written.context.dossier;
    Ok(sent_again(managed, now, expires_at))
}
