//! Signature circuits with the built-in provider (user guide A.13, DESIGN.md « Signature »):
//! the CFA sends the stored CERFA and convention; each signer, in their turn, gets a single-use
//! link by e-mail, reads the exact PDFs, consents, types their name and confirms with a six-digit
//! code mailed to the same address; the last signature closes each document with a « dossier de
//! preuve » page and the platform's PAdES seal, and the dossier becomes `signed`. A refusal ends
//! the circuit and brings the dossier back to `economics_validated`; a reopening or a
//! cancellation voids it. Who signs what and when, codes and their limits: `domain::signature`.

use api_types::signatures::{
    CircuitBody, SignRequest, SignerBody, SigningBody, SigningDocumentBody, SigningSignerBody,
    SigningViewBody, StartSignatureRequest,
};
use chrono::{DateTime, Duration, Utc};
use db::{
    DatabaseTransaction,
    entities::{dossier_document, signature_circuit, signature_signer},
    queries::outbox::NewMail,
};
use domain::{
    Action, Actor, Status,
    documents::DocumentKind,
    signature::{
        self as rules, CircuitStatus, Confirmation, IssuedCode, SignaturePlan, SignerChannel,
        SignerRole, SignerStatus,
    },
};
use serde_json::{Value as Json, json};

use crate::{
    auth::{Caller, secrets},
    error::ApiError,
    mail::templates,
    providers::{self, Completion, Document, ProviderError, RemoteStatus, SignatureProvider},
    services::{
        access::Subject,
        documents::{self, DocumentFile, content_text},
        dossiers::{DossierContext, IfMatch, Moved, load, load_visible},
        formations, workflow,
    },
    startup::AppState,
    storage::new_id,
};

/// A circuit where every signer signs on paper (the CFA records each scan).
pub const PAPER: &str = "paper";
/// The kind under which a provider's certificate of completion is kept.
const CERTIFICATE: &str = "signature_certificate";

/// What a provider's failure answers: the cause logged, 502 for the CFA.
fn provider_error(error: ProviderError) -> ApiError {
    match error {
        ProviderError::Sealing(e) => ApiError::internal(e),
        other => ApiError::Upstream(other.to_string()),
    }
}

/// The kinds under which the sealed documents are kept beside the documents signed.
fn signed_kind(kind: DocumentKind) -> String {
    format!("{}_signed", kind.key())
}

fn link_not_found() -> ApiError {
    ApiError::NotFound {
        code: api_types::codes::SIGNING_LINK_NOT_FOUND,
        detail: "Ce lien de signature n'est pas valable : il a déjà servi, il a expiré, ou la signature a été interrompue. Le CFA peut vous en renvoyer un."
            .into(),
    }
}

fn documents_of(signer: &signature_signer::Model) -> Vec<DocumentKind> {
    signer
        .documents
        .split(',')
        .filter_map(DocumentKind::from_key)
        .collect()
}

fn document_label(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::Convention => "la convention de formation",
        _ => "le contrat (CERFA)",
    }
}

fn signer_body(signer: &signature_signer::Model) -> SignerBody {
    SignerBody {
        id: signer.id.clone(),
        role: signer.role.clone(),
        name: signer.name.clone(),
        email: signer.email.clone(),
        documents: documents_of(signer)
            .into_iter()
            .map(|k| k.key().to_owned())
            .collect(),
        order: signer.turn_order,
        status: signer.status.clone(),
        channel: signer.channel.clone(),
        signed_at: (signer.status == SignerStatus::Signed.key())
            .then_some(signer.acted_at)
            .flatten(),
        refusal_reason: signer.refusal_reason.clone(),
    }
}

fn circuit_body(
    circuit: &signature_circuit::Model,
    signers: &[signature_signer::Model],
) -> CircuitBody {
    CircuitBody {
        id: circuit.id.clone(),
        status: circuit.status.clone(),
        provider: circuit.provider.clone(),
        started_at: circuit.started_at,
        ended_at: circuit.ended_at,
        end_reason: circuit.end_reason.clone(),
        cerfa_sha256: circuit.cerfa_sha256.clone(),
        convention_sha256: circuit.convention_sha256.clone(),
        signers: signers.iter().map(signer_body).collect(),
    }
}

/// The circuit of a dossier `subject` sees: 404 when it was never sent for signature.
pub async fn circuit(
    state: &AppState,
    subject: &Subject,
    id: &str,
) -> Result<CircuitBody, ApiError> {
    let context = load_visible(state, subject, id).await?;
    let circuit = db::queries::signatures::latest_circuit(&state.db, &context.dossier.id)
        .await?
        .ok_or_else(|| ApiError::NotFound {
            code: api_types::codes::SIGNATURE_NOT_STARTED,
            detail: "Ce dossier n'a pas encore été envoyé en signature.".into(),
        })?;
    let signers = db::queries::signatures::signers(&state.db, &circuit.id).await?;
    Ok(circuit_body(&circuit, &signers))
}

/// Gives a pending signer a fresh single-use link and the mail that carries it.
fn open_turn(
    state: &AppState,
    signer: &mut signature_signer::Model,
    apprentice: &str,
    now: DateTime<Utc>,
    reminder: bool,
) -> NewMail {
    let token = secrets::random_token("");
    signer.token_hash = Some(secrets::sha256_hex(&token));
    signer.token_expires_at = Some(now + Duration::days(rules::LINK_DAYS));
    if !reminder {
        signer.turn_since = Some(now);
    }
    let documents: Vec<&str> = documents_of(signer)
        .into_iter()
        .map(document_label)
        .collect();
    templates::signature_request(
        &signer.email,
        &signer.name,
        apprentice,
        &documents.join(" et "),
        &format!("{}/signature/{token}", state.public_url()),
        rules::LINK_DAYS,
        reminder,
    )
}

/// Who signs this dossier, by the plan: their names and addresses from the accounts and the
/// content, the roles in `paper` on paper; 409 when an online signer has no address.
async fn signers_of(
    state: &AppState,
    context: &DossierContext,
    caller: &Caller,
    circuit_id: &str,
    plan: &SignaturePlan,
    paper: &[String],
) -> Result<Vec<signature_signer::Model>, ApiError> {
    let settings = context.evaluation_settings(state.clock.now().date_naive());
    let minor = domain::evaluation::minor_not_emancipated(&context.dossier.content, &settings);
    let mut ids = vec![
        context.dossier.apprentice_id.clone(),
        caller.user_id.clone(),
    ];
    ids.extend(context.dossier.employer_id.clone());
    let users = db::queries::users::by_ids(&state.db, &ids).await?;
    let person = |id: &str| {
        users
            .iter()
            .find(|u| u.id == id)
            .map(|u| (format!("{} {}", u.first_name, u.last_name), u.email.clone()))
    };
    let missing = |who: &str| ApiError::Conflict {
        code: api_types::codes::SIGNER_MISSING,
        detail: format!(
            "{who} n'a pas d'adresse électronique : le circuit de signature ne peut pas partir."
        ),
    };
    let planned = plan.for_dossier(minor);
    let on_paper = rules::paper_signers(paper, &planned).map_err(|error| {
        ApiError::field(
            "paper_signers",
            api_types::codes::INVALID_BODY,
            error.to_string(),
        )
    })?;
    let mut rows = Vec::new();
    for planned in planned {
        let channel = if on_paper.contains(&planned.role) {
            SignerChannel::Paper
        } else {
            SignerChannel::Online
        };
        let (name, email) = match planned.role {
            SignerRole::Employeur => context
                .dossier
                .employer_id
                .as_deref()
                .and_then(person)
                .ok_or_else(|| missing("Le contact entreprise"))?,
            SignerRole::Alternant => {
                person(&context.dossier.apprentice_id).ok_or_else(|| missing("L'alternant(e)"))?
            }
            SignerRole::RepresentantLegal => {
                let email = content_text(context, "apprenti.responsableLegal.courriel");
                // On paper, the CFA meets them: no address is needed.
                if email.is_empty() && channel == SignerChannel::Online {
                    return Err(missing("Le représentant légal"));
                }
                let name = format!(
                    "{} {}",
                    content_text(context, "apprenti.responsableLegal.prenom"),
                    content_text(context, "apprenti.responsableLegal.nom")
                );
                (name.trim().to_owned(), email)
            }
            SignerRole::Cfa => person(&caller.user_id).ok_or_else(|| missing("Le CFA"))?,
        };
        rows.push(signature_signer::Model {
            id: new_id(),
            circuit_id: circuit_id.to_owned(),
            role: planned.role.key().to_owned(),
            name,
            email,
            documents: planned
                .documents
                .iter()
                .map(|d| d.key())
                .collect::<Vec<_>>()
                .join(","),
            turn_order: i32::try_from(planned.order).unwrap_or(i32::MAX),
            status: SignerStatus::Waiting.key().to_owned(),
            channel: channel.key().to_owned(),
            token_hash: None,
            token_expires_at: None,
            turn_since: None,
            reminders_sent: 0,
            code_hash: None,
            code_sent_at: None,
            code_attempts: 0,
            codes_sent: json!([]),
            acted_at: None,
            refusal_reason: None,
            evidence: None,
        });
    }
    Ok(rows)
}

/// Moves each signer to the status their turn gives them; those whose turn just came get their
/// link: the mails to send.
fn advance(
    state: &AppState,
    signers: &mut [signature_signer::Model],
    apprentice: &str,
    now: DateTime<Utc>,
) -> Vec<NewMail> {
    let turns: Vec<(u32, Option<SignerStatus>)> = signers
        .iter()
        .map(|s| {
            let done = SignerStatus::from_key(&s.status)
                .filter(|st| matches!(st, SignerStatus::Signed | SignerStatus::Refused));
            (u32::try_from(s.turn_order).unwrap_or(0), done)
        })
        .collect();
    let mut mails = Vec::new();
    for (signer, status) in signers.iter_mut().zip(rules::statuses(&turns)) {
        let was_pending = signer.status == SignerStatus::Pending.key();
        signer.status = status.key().to_owned();
        if status == SignerStatus::Pending && !was_pending {
            if signer.channel == SignerChannel::Online.key() {
                mails.push(open_turn(state, signer, apprentice, now, false));
            } else {
                // On paper: the CFA collects the signature; Suivi shows whose turn it is.
                signer.turn_since = Some(now);
            }
        }
    }
    mails
}

/// « Envoyer pour signature »: the stored CERFA and convention go to their signers, the dossier
/// to `in_signature` (CFA staff; `domain::workflow`).
pub async fn start(
    state: &AppState,
    caller: &Caller,
    if_match: IfMatch,
    id: &str,
    request: StartSignatureRequest,
) -> Result<CircuitBody, ApiError> {
    let now = state.clock.now();
    let circuit_id = new_id();
    // Read before the write transaction: on SQLite, a transaction that reads first and writes
    // after another connection committed fails (SQLITE_BUSY_SNAPSHOT). `take` checks the
    // caller's access before anything read here is used.
    let stored = async |kind: DocumentKind| {
        db::queries::documents::live(&state.db, id, kind.key())
            .await?
            .map(|row| row.sha256)
            .ok_or_else(|| ApiError::Conflict {
                code: api_types::codes::DOCUMENT_UNAVAILABLE,
                detail: format!(
                    "{} validé(e) est introuvable : rouvrez puis validez de nouveau le dossier.",
                    if kind == DocumentKind::Cerfa {
                        "Le CERFA"
                    } else {
                        "La convention"
                    }
                ),
            })
    };
    let documents = (
        stored(DocumentKind::Cerfa).await,
        stored(DocumentKind::Convention).await,
    );
    let mut external = None;
    let mut held = Vec::new();
    workflow::take(
        state,
        caller,
        if_match,
        id,
        Action::SendForSignature,
        None,
        async |txn, context, _| {
            let (cerfa_sha256, convention_sha256) = (documents.0?, documents.1?);
            let plan = formations::signature_plan(&context.formation);
            let mut signers = signers_of(
                state,
                context,
                caller,
                &circuit_id,
                &plan,
                &request.paper_signers,
            )
            .await?;
            let on_paper = |s: &signature_signer::Model| s.channel == SignerChannel::Paper.key();
            // Paper signatures are recorded and sealed by the platform: a circuit with any
            // stays the platform's own.
            let provider = if signers.iter().all(on_paper) {
                PAPER
            } else if signers.iter().any(on_paper) {
                providers::BUILTIN
            } else {
                state.providers.default_provider().key()
            };
            let apprentice = apprentice_name(context);
            let mails = advance(state, &mut signers, &apprentice, now);
            external =
                (provider == providers::docusign::DOCUSIGN).then(|| (signers.clone(), apprentice));
            db::queries::signatures::insert_circuit(
                txn,
                signature_circuit::Model {
                    id: circuit_id.clone(),
                    dossier_id: context.dossier.id.clone(),
                    provider: provider.to_owned(),
                    status: CircuitStatus::InProgress.key().to_owned(),
                    cerfa_sha256,
                    convention_sha256,
                    reminder_days: json!(plan.reminder_days),
                    started_at: now,
                    started_by: Some(caller.user_id.clone()),
                    ended_at: None,
                    end_reason: None,
                    external_id: None,
                },
                signers,
            )
            .await?;
            // An external provider's signers are mailed once it holds the circuit.
            if external.is_some() {
                held = mails;
                return Ok(Vec::new());
            }
            Ok(mails)
        },
    )
    .await?;
    if let Some((signers, apprentice)) = external {
        start_remote(state, caller, &circuit_id, signers, &apprentice, held).await?;
    }
    let circuit = db::queries::signatures::circuit(&state.db, &circuit_id)
        .await?
        .ok_or_else(|| ApiError::internal("circuit written then missing"))?;
    let signers = db::queries::signatures::signers(&state.db, &circuit_id).await?;
    Ok(circuit_body(&circuit, &signers))
}

/// Starts a circuit just written on its external provider: the documents and signers sent,
/// the reference kept, the first signers' links mailed. When the provider refuses or fails,
/// the circuit is interrupted with the reason (the dossier back to `economics_validated`) and
/// the CFA gets 502.
async fn start_remote(
    state: &AppState,
    caller: &Caller,
    circuit_id: &str,
    signers: Vec<signature_signer::Model>,
    apprentice: &str,
    mails: Vec<NewMail>,
) -> Result<(), ApiError> {
    let provider = state.providers.default_provider();
    let circuit = db::queries::signatures::circuit(&state.db, circuit_id)
        .await?
        .ok_or_else(|| ApiError::internal("circuit written then missing"))?;
    let context = load(state, &circuit.dossier_id).await?;
    let mut documents = Vec::new();
    for kind in [DocumentKind::Cerfa, DocumentKind::Convention] {
        documents.push(Document {
            kind,
            name: documents::file_names(&context, kind).0,
            bytes: documents::stored_bytes(state, sha_of(&circuit, kind)).await?,
        });
    }
    let request = providers::StartRequest {
        subject: format!("Contrat de {apprentice} : documents à signer"),
        documents,
        signers: signers.iter().map(remote_signer).collect(),
    };
    match provider.start(&request).await {
        Ok(reference) => {
            let now = state.clock.now();
            let (_queued, txn) = state.begin_write().await?;
            db::queries::signatures::set_external_id(&txn, circuit_id, reference.as_deref())
                .await?;
            state.outbox.queue(&txn, mails, now).await?;
            txn.commit().await.map_err(db::DbError::from)?;
            state.outbox.wake();
            Ok(())
        }
        Err(error) => {
            let reason = format!(
                "Le prestataire de signature n'a pas accepté l'envoi ({}) : le dossier peut être renvoyé plus tard.",
                provider.key()
            );
            let now = state.clock.now();
            workflow::take_on(
                state,
                context,
                Actor::User(caller.role),
                Some(&caller.user_id),
                Action::CancelSignature,
                Some(reason.clone()),
                // Ended here, before `follow_move` would tell signers who never got a link.
                async |txn, _, _| {
                    db::queries::signatures::end_circuit(
                        txn,
                        circuit_id,
                        CircuitStatus::Cancelled.key(),
                        Some(&reason),
                        now,
                    )
                    .await?;
                    Ok(Vec::new())
                },
            )
            .await?;
            Err(provider_error(error))
        }
    }
}

/// A signer as a provider knows them.
fn remote_signer(signer: &signature_signer::Model) -> providers::Signer {
    providers::Signer {
        id: signer.id.clone(),
        role: SignerRole::from_key(&signer.role).unwrap_or(SignerRole::Cfa),
        name: signer.name.clone(),
        email: signer.email.clone(),
        order: u32::try_from(signer.turn_order).unwrap_or(1),
        documents: documents_of(signer),
    }
}

fn apprentice_name(context: &DossierContext) -> String {
    format!(
        "{} {}",
        content_text(context, "apprenti.prenom"),
        content_text(context, "apprenti.nom")
    )
    .trim()
    .to_owned()
}

/// What a reopening, a cancellation or the CFA's interruption does to a circuit in progress,
/// inside the write's transaction: it is voided with the reason, and its links stop working.
/// An interruption tells every signer; a reopening or a cancellation tells those without an
/// account on the dossier (the legal representative, the CFA's signer), the parties getting
/// the reopening's own notice.
pub async fn follow_move(
    state: &AppState,
    txn: &DatabaseTransaction,
    context: &DossierContext,
    moved: &Moved,
) -> Result<(), ApiError> {
    if moved.from != Status::InSignature
        || !matches!(
            moved.action,
            Action::Reopen | Action::Cancel | Action::CancelSignature
        )
    {
        return Ok(());
    }
    let Some(circuit) = db::queries::signatures::latest_circuit(txn, &context.dossier.id).await?
    else {
        return Ok(());
    };
    let now = state.clock.now();
    let reason = moved
        .comment
        .clone()
        .unwrap_or_else(|| moved.action.label().to_owned());
    if !db::queries::signatures::end_circuit(
        txn,
        &circuit.id,
        CircuitStatus::Cancelled.key(),
        Some(&reason),
        now,
    )
    .await?
    {
        return Ok(());
    }
    if circuit.external_id.is_some() {
        cancel_when_committed(state, circuit.clone(), reason.clone());
    }
    let notice = templates::signature_ended(&apprentice_name(context), &reason);
    let mails: Vec<NewMail> = db::queries::signatures::signers(txn, &circuit.id)
        .await?
        .into_iter()
        // A reopening or a cancellation tells the parties itself; an interrupted circuit
        // tells every signer.
        .filter(|s| !s.email.is_empty())
        .filter(|s| {
            moved.action == Action::CancelSignature
                || matches!(
                    SignerRole::from_key(&s.role),
                    Some(SignerRole::RepresentantLegal | SignerRole::Cfa)
                )
        })
        .map(|s| templates::signature_notice(&s.email, &s.name, &notice))
        .collect();
    state.outbox.queue(txn, mails, now).await?;
    Ok(())
}

/// The CFA interrupts the circuit in progress, with a reason (a stalled circuit, or to sign on
/// paper): the dossier goes back to `economics_validated`, every signer is told.
pub async fn interrupt(
    state: &AppState,
    caller: &Caller,
    if_match: IfMatch,
    id: &str,
    reason: Option<String>,
) -> Result<CircuitBody, ApiError> {
    let written = workflow::take(
        state,
        caller,
        if_match,
        id,
        Action::CancelSignature,
        reason,
        async |_, _, _| Ok(Vec::new()),
    )
    .await?;
    let circuit = db::queries::signatures::latest_circuit(&state.db, &written.context.dossier.id)
        .await?
        .ok_or_else(|| ApiError::internal("interrupted circuit missing"))?;
    let signers = db::queries::signatures::signers(&state.db, &circuit.id).await?;
    Ok(circuit_body(&circuit, &signers))
}

/// Reminds the pending signers whose reminder is due (`domain::signature::reminder_due`, on the
/// circuit's schedule): a renewed link by e-mail, from the outbox. Safe with several instances:
/// a signer is reminded by whichever records it first. Returns how many were reminded.
pub async fn remind_due(state: &AppState) -> Result<usize, ApiError> {
    let now = state.clock.now();
    let mut reminded = 0;
    for (mut signer, circuit) in db::queries::signatures::pending_online(&state.db, 500).await? {
        let days: Vec<u32> =
            serde_json::from_value(circuit.reminder_days.clone()).unwrap_or_default();
        let sent = u32::try_from(signer.reminders_sent).unwrap_or(u32::MAX);
        let Some(turn_since) = signer.turn_since else {
            continue;
        };
        if !rules::reminder_due(turn_since, sent, &days, now) {
            continue;
        }
        let context = load(state, &circuit.dossier_id).await?;
        let before = signer.reminders_sent;
        let mail = open_turn(state, &mut signer, &apprentice_name(&context), now, true);
        let (_queued, txn) = state.begin_write().await?;
        if db::queries::signatures::record_reminder(&txn, &signer, before).await? {
            state.outbox.queue(&txn, vec![mail], now).await?;
            reminded += 1;
        }
        txn.commit().await.map_err(db::DbError::from)?;
    }
    if reminded > 0 {
        state.outbox.wake();
    }
    Ok(reminded)
}

/// « Relancer »: the CFA reminds the pending online signers now, each with a renewed link (the
/// scheduled reminders still follow). 409 when no circuit is in progress.
pub async fn remind_now(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> Result<CircuitBody, ApiError> {
    let (context, circuit) = staff_circuit(state, caller, IfMatch::Absent, id).await?;
    let now = state.clock.now();
    let apprentice = apprentice_name(&context);
    let mut mails = Vec::new();
    // Under the circuit's lock: a signer signing at this moment is not made pending again.
    let (_queued, txn) = state.begin_write().await?;
    for mut signer in locked_signers(&txn, &circuit).await? {
        if signer.status == SignerStatus::Pending.key()
            && signer.channel == SignerChannel::Online.key()
        {
            mails.push(open_turn(state, &mut signer, &apprentice, now, true));
            db::queries::signatures::save_signer(&txn, signer).await?;
        }
    }
    state.outbox.queue(&txn, mails, now).await?;
    txn.commit().await.map_err(db::DbError::from)?;
    state.outbox.wake();
    let signers = db::queries::signatures::signers(&state.db, &circuit.id).await?;
    Ok(circuit_body(&circuit, &signers))
}

/// The dossier `caller` runs a circuit of, and its circuit in progress: 403 but for CFA staff
/// (`domain::access::records_paper_signatures`), 412 under a stale `If-Match`, 409
/// `invalid_transition` when no circuit is in progress.
async fn staff_circuit(
    state: &AppState,
    caller: &Caller,
    if_match: IfMatch,
    id: &str,
) -> Result<(DossierContext, signature_circuit::Model), ApiError> {
    let subject = Subject::resolve(state, caller).await?;
    let context = load_visible(state, &subject, id).await?;
    if !domain::access::records_paper_signatures(caller.role) {
        return Err(ApiError::Forbidden);
    }
    if_match.check_if_sent(context.dossier.version)?;
    let circuit = db::queries::signatures::latest_circuit(&state.db, &context.dossier.id)
        .await?
        .filter(|c| c.status == CircuitStatus::InProgress.key())
        .ok_or_else(|| ApiError::Conflict {
            code: api_types::codes::INVALID_TRANSITION,
            detail: "Aucune signature n'est en cours sur ce dossier : envoyez-le d'abord en signature (en choisissant, si besoin, les signataires sur papier).".into(),
        })?;
    Ok((context, circuit))
}

/// Looks for due reminders every `every` for as long as the server runs.
pub async fn run_reminders(state: actix_web::web::Data<AppState>, every: std::time::Duration) {
    loop {
        if let Err(error) = remind_due(&state).await {
            tracing::error!(error = %error, "signature reminders failed");
        }
        tokio::time::sleep(every).await;
    }
}

/// The signer whose link this is, with their circuit and dossier, while the link is good: the
/// circuit in progress, their turn, the link neither used nor expired. Anything else is the
/// same 404, so that a link says nothing once it is spent.
async fn holder(
    state: &AppState,
    token: &str,
) -> Result<(signature_signer::Model, signature_circuit::Model), ApiError> {
    let now = state.clock.now();
    let signer = db::queries::signatures::signer_by_token(&state.db, &secrets::sha256_hex(token))
        .await?
        .filter(|s| s.status == SignerStatus::Pending.key())
        .filter(|s| s.token_expires_at.is_some_and(|t| t > now))
        .ok_or_else(link_not_found)?;
    let circuit = db::queries::signatures::circuit(&state.db, &signer.circuit_id)
        .await?
        .filter(|c| c.status == CircuitStatus::InProgress.key())
        .ok_or_else(link_not_found)?;
    Ok((signer, circuit))
}

fn email_hint(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".into(),
    }
}

fn sha_of(circuit: &signature_circuit::Model, kind: DocumentKind) -> &str {
    if kind == DocumentKind::Convention {
        &circuit.convention_sha256
    } else {
        &circuit.cerfa_sha256
    }
}

/// Who a link's holder is, as their page shows them.
fn signing_signer(signer: &signature_signer::Model) -> SigningSignerBody {
    SigningSignerBody {
        name: signer.name.clone(),
        role: signer.role.clone(),
        role_label: SignerRole::from_key(&signer.role)
            .map_or("", SignerRole::label)
            .to_owned(),
        email_hint: email_hint(&signer.email),
    }
}

/// What a signer's link opens.
pub async fn signing(state: &AppState, token: &str) -> Result<SigningBody, ApiError> {
    let (signer, circuit) = holder(state, token).await?;
    let context = load(state, &circuit.dossier_id).await?;
    Ok(SigningBody {
        signer: signing_signer(&signer),
        apprentice: apprentice_name(&context),
        documents: documents_of(&signer)
            .into_iter()
            .map(|kind| SigningDocumentBody {
                kind: kind.key().to_owned(),
                label: document_label(kind).to_owned(),
                sha256: sha_of(&circuit, kind).to_owned(),
            })
            .collect(),
        status: signer.status,
        provider: where_signed(&circuit).to_owned(),
    })
}

/// Where a circuit's signers sign: on the platform's page (`builtin`), or at its provider.
fn where_signed(circuit: &signature_circuit::Model) -> &str {
    if circuit.provider == providers::docusign::DOCUSIGN {
        &circuit.provider
    } else {
        providers::BUILTIN
    }
}

/// 409 `sign_with_provider` when the circuit's signers sign at its provider, not with a code.
fn signs_here(circuit: &signature_circuit::Model) -> Result<(), ApiError> {
    if where_signed(circuit) == providers::BUILTIN {
        return Ok(());
    }
    Err(ApiError::Conflict {
        code: api_types::codes::SIGN_WITH_PROVIDER,
        detail: "Ces documents se signent sur la page du prestataire de signature : utilisez le bouton « Signer » de la page.".into(),
    })
}

/// The provider's signing page for the link's holder (DocuSign's embedded signing), coming
/// back to their page on the platform: 409 for a circuit signed on the platform itself.
pub async fn signing_view(state: &AppState, token: &str) -> Result<SigningViewBody, ApiError> {
    let (signer, circuit) = holder(state, token).await?;
    let not_here = || ApiError::Conflict {
        code: api_types::codes::SIGN_WITH_PROVIDER,
        detail: "Ces documents se signent sur cette page, avec un code reçu par courriel.".into(),
    };
    let reference = circuit.external_id.as_deref().ok_or_else(not_here)?;
    let provider = provider_of(state, &circuit)?;
    let return_url = format!("{}/signature/{token}", state.public_url());
    provider
        .signing_view(reference, &remote_signer(&signer), &return_url)
        .await
        .map_err(provider_error)?
        .map(|url| SigningViewBody { url })
        .ok_or_else(not_here)
}

/// The exact PDF a signer signs.
pub async fn signing_document(
    state: &AppState,
    token: &str,
    kind: DocumentKind,
) -> Result<DocumentFile, ApiError> {
    let (signer, circuit) = holder(state, token).await?;
    if !documents_of(&signer).contains(&kind) {
        return Err(link_not_found());
    }
    let context = load(state, &circuit.dossier_id).await?;
    let sha256 = sha_of(&circuit, kind).to_owned();
    let bytes = documents::stored_bytes(state, &sha256).await?;
    Ok(DocumentFile {
        bytes,
        sha256,
        file_names: documents::file_names(&context, kind),
    })
}

fn code_digest(signer_id: &str, code: &str) -> String {
    secrets::sha256_hex(&format!("{signer_id}:{code}"))
}

/// The signer `seen` as the circuit's lock finds them: the circuit locked until `txn` ends,
/// the signer read again after, still pending with the same link. Everything that decides on a
/// signer's counters or status decides on this, so that parallel requests decide one after
/// the other (docs/security.md).
async fn relocked(
    txn: &DatabaseTransaction,
    seen: &signature_signer::Model,
) -> Result<signature_signer::Model, ApiError> {
    db::queries::signatures::lock_circuit(txn, &seen.circuit_id)
        .await?
        .filter(|c| c.status == CircuitStatus::InProgress.key())
        .ok_or_else(link_not_found)?;
    db::queries::signatures::signers(txn, &seen.circuit_id)
        .await?
        .into_iter()
        .find(|s| s.id == seen.id)
        .filter(|s| s.status == SignerStatus::Pending.key() && s.token_hash == seen.token_hash)
        .ok_or_else(link_not_found)
}

/// Mails a new six-digit code to the signer (at most five an hour, however many requests
/// arrive at once: the count is read and raised under the circuit's lock).
pub async fn send_code(state: &AppState, token: &str) -> Result<(), ApiError> {
    let (seen, circuit) = holder(state, token).await?;
    signs_here(&circuit)?;
    let (_queued, txn) = state.begin_write().await?;
    let mut signer = relocked(&txn, &seen).await?;
    let now = state.clock.now();
    let mut sent: Vec<DateTime<Utc>> =
        serde_json::from_value(signer.codes_sent.clone()).unwrap_or_default();
    if !rules::may_send_code(&sent, now) {
        let oldest = sent.iter().min().copied().unwrap_or(now);
        let wait = (oldest + Duration::minutes(rules::CODE_WINDOW_MINUTES) - now)
            .num_seconds()
            .max(1);
        return Err(ApiError::TooManyAttempts(u64::try_from(wait).unwrap_or(60)));
    }
    let code = format!("{:06}", rand::random_range(0..1_000_000u32));
    sent.push(now);
    let keep = sent.len().saturating_sub(rules::CODES_PER_WINDOW as usize);
    signer.codes_sent = json!(sent[keep..]);
    signer.code_hash = Some(code_digest(&signer.id, &code));
    signer.code_sent_at = Some(now);
    signer.code_attempts = 0;
    let mail = templates::signature_code(&signer.email, &signer.name, &code, rules::CODE_MINUTES);
    db::queries::signatures::save_signer(&txn, signer).await?;
    state.outbox.queue(&txn, vec![mail], now).await?;
    txn.commit().await.map_err(db::DbError::from)?;
    state.outbox.wake();
    Ok(())
}

/// Where a signature came from, as the evidence keeps it.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    /// The client's address.
    pub ip: String,
    /// Its `User-Agent`.
    pub user_agent: String,
}

fn confirmation_error(error: rules::ConfirmationError) -> ApiError {
    let field = match error {
        rules::ConfirmationError::NoConsent => "consent",
        rules::ConfirmationError::Name => "name",
        rules::ConfirmationError::CodeFormat => "code",
    };
    ApiError::field(field, api_types::codes::INVALID_BODY, error.to_string())
}

/// One comparison of a typed code with the signer's, counted before it is made and under the
/// circuit's lock: of any number of parallel guesses, five are compared and the others find
/// the code spent. The signer as written, and the comparison's outcome. Its own write, ended
/// before the signature's.
async fn compare_code(
    state: &AppState,
    seen: &signature_signer::Model,
    code: &str,
    now: DateTime<Utc>,
) -> Result<(signature_signer::Model, Result<(), rules::CodeError>), ApiError> {
    let (_queued, txn) = state.begin_write().await?;
    let mut signer = relocked(&txn, seen).await?;
    let issued = signer
        .code_hash
        .as_ref()
        .zip(signer.code_sent_at)
        .map(|(_, sent_at)| IssuedCode {
            sent_at,
            attempts: u32::try_from(signer.code_attempts).unwrap_or(u32::MAX),
        });
    let typed = code_digest(&signer.id, code);
    let matches = signer
        .code_hash
        .as_deref()
        .is_some_and(|stored| constant_time_eq(stored.as_bytes(), typed.as_bytes()));
    let checked = rules::check_code(issued, matches, now);
    if issued.is_some() {
        signer.code_attempts += 1;
        if matches!(
            checked,
            Err(rules::CodeError::TooManyAttempts | rules::CodeError::Expired)
        ) {
            signer.code_hash = None;
        }
        db::queries::signatures::save_signer(&txn, signer.clone()).await?;
    }
    txn.commit().await.map_err(db::DbError::from)?;
    Ok((signer, checked))
}

/// The signer signs every document of theirs: consent, name and code checked, evidence kept;
/// the next turn's signers get their links; the last signature seals the documents and makes
/// the dossier `signed`.
pub async fn sign(
    state: &AppState,
    token: &str,
    request: SignRequest,
    origin: Origin,
) -> Result<SigningBody, ApiError> {
    let confirmation = Confirmation::parse(&request.code, &request.name, request.consent)
        .map_err(confirmation_error)?;
    let (seen, circuit) = holder(state, token).await?;
    signs_here(&circuit)?;
    let now = state.clock.now();
    let mut signer = match compare_code(state, &seen, confirmation.code.as_str(), now).await? {
        (signer, Ok(())) => signer,
        (_, Err(error)) => {
            return Err(ApiError::Unprocessable {
                code: api_types::codes::INVALID_CODE,
                detail: error.to_string(),
            });
        }
    };
    let documents: Vec<Json> = documents_of(&signer)
        .into_iter()
        .map(|kind| json!({"kind": kind.key(), "sha256": sha_of(&circuit, kind)}))
        .collect();
    signer.evidence = Some(json!({
        "typed_name": confirmation.typed_name,
        "consent": true,
        "email": signer.email,
        "ip": origin.ip,
        "user_agent": origin.user_agent,
        "signed_at": now,
        "code_sent_at": signer.code_sent_at,
        "code_attempt": signer.code_attempts,
        "documents": documents,
    }));
    signer.status = SignerStatus::Signed.key().to_owned();
    signer.acted_at = Some(now);
    signer.token_hash = None;
    signer.code_hash = None;
    let signed = signer.clone();
    let context = load(state, &circuit.dossier_id).await?;
    let apprentice = apprentice_name(&context);
    proceed(state, context, &circuit, vec![signed.clone()], now).await?;
    Ok(SigningBody {
        signer: signing_signer(&signed),
        apprentice,
        documents: Vec::new(),
        status: signed.status,
        provider: providers::BUILTIN.to_owned(),
    })
}

/// How many times a step is decided again when another request changed the circuit between
/// its read and its write.
const PROCEED_TRIES: usize = 3;

fn concurrent_signature() -> ApiError {
    ApiError::Conflict {
        code: api_types::codes::CONCURRENT_SIGNATURE,
        detail: "D'autres signatures de ce circuit s'enregistraient au même moment : réessayez dans un instant.".into(),
    }
}

/// What one step of a circuit writes, decided on the signers as read.
struct Step {
    signers: Vec<signature_signer::Model>,
    changed: Vec<signature_signer::Model>,
    mails: Vec<NewMail>,
    completes: bool,
}

/// The step `acted` makes on `before`: refused (409 `signer_done`) when one of them has
/// signed or refused meanwhile — two parallel signatures of one signer make one.
fn step(
    state: &AppState,
    before: &[signature_signer::Model],
    acted: &[signature_signer::Model],
    apprentice: &str,
    now: DateTime<Utc>,
) -> Result<Step, ApiError> {
    let mut signers = before.to_vec();
    for done in acted {
        let Some(signer) = signers.iter_mut().find(|s| s.id == done.id) else {
            return Err(link_not_found());
        };
        if !SignerStatus::from_key(&signer.status).is_some_and(rules::may_record_paper) {
            return Err(ApiError::Conflict {
                code: api_types::codes::SIGNER_DONE,
                detail: format!("La signature de {} est déjà enregistrée.", signer.name),
            });
        }
        *signer = done.clone();
    }
    let mails = advance(state, &mut signers, apprentice, now);
    // Only the rows this step changed are written.
    let changed: Vec<signature_signer::Model> = signers
        .iter()
        .filter(|s| !before.contains(s))
        .cloned()
        .collect();
    let statuses: Vec<SignerStatus> = signers
        .iter()
        .filter_map(|s| SignerStatus::from_key(&s.status))
        .collect();
    Ok(Step {
        completes: rules::circuit_status(&statuses) == CircuitStatus::Completed,
        signers,
        changed,
        mails,
    })
}

/// Writes what signers just did (`acted`: signed online, or on paper as the CFA recorded):
/// the next turn's signers get their links; the last signature completes the circuit. Each
/// write locks the circuit and checks that its signers are still as the step read them, else
/// decides again: two signers of one turn signing at once cannot both leave the turn open.
async fn proceed(
    state: &AppState,
    context: DossierContext,
    circuit: &signature_circuit::Model,
    acted: Vec<signature_signer::Model>,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let apprentice = apprentice_name(&context);
    let mut context = Some(context);
    for _ in 0..PROCEED_TRIES {
        // Read without the lock: the last signature seals the documents first, outside any
        // write (it takes seconds); the write then checks that nothing moved meanwhile.
        let before = db::queries::signatures::signers(&state.db, &circuit.id).await?;
        let step = step(state, &before, &acted, &apprentice, now)?;
        let written = if step.completes {
            // A try after a conflict reads the dossier again.
            let context = match context.take() {
                Some(context) => context,
                None => load(state, &circuit.dossier_id).await?,
            };
            complete(state, context, circuit, &before, step, now).await
        } else {
            save_and_mail(state, circuit, &before, step, now).await
        };
        match written {
            Err(ApiError::Conflict { code, .. })
                if code == api_types::codes::CONCURRENT_SIGNATURE => {}
            other => return other,
        }
    }
    Err(concurrent_signature())
}

/// The circuit's signers, the circuit locked in `txn` first: 409 when it is no longer in
/// progress.
async fn locked_signers(
    txn: &DatabaseTransaction,
    circuit: &signature_circuit::Model,
) -> Result<Vec<signature_signer::Model>, ApiError> {
    db::queries::signatures::lock_circuit(txn, &circuit.id)
        .await?
        .filter(|c| c.status == CircuitStatus::InProgress.key())
        .ok_or_else(|| ApiError::Conflict {
            code: api_types::codes::SIGNATURE_NOT_STARTED,
            detail: "La signature de ce dossier a été interrompue entre-temps.".into(),
        })?;
    Ok(db::queries::signatures::signers(txn, &circuit.id).await?)
}

/// Locks the circuit in `txn` and checks that its signers are still `before`: 409
/// `concurrent_signature` when another request wrote them since they were read.
async fn still_as_read(
    txn: &DatabaseTransaction,
    circuit: &signature_circuit::Model,
    before: &[signature_signer::Model],
) -> Result<(), ApiError> {
    if locked_signers(txn, circuit).await? != before {
        return Err(concurrent_signature());
    }
    Ok(())
}

/// Writes a step's signers' rows and queues its mails, in one transaction, if the circuit's
/// signers are still `before`.
async fn save_and_mail(
    state: &AppState,
    circuit: &signature_circuit::Model,
    before: &[signature_signer::Model],
    step: Step,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let (_queued, txn) = state.begin_write().await?;
    still_as_read(&txn, circuit, before).await?;
    for signer in step.changed {
        db::queries::signatures::save_signer(&txn, signer).await?;
    }
    state.outbox.queue(&txn, step.mails, now).await?;
    txn.commit().await.map_err(db::DbError::from)?;
    state.outbox.wake();
    Ok(())
}

/// The CFA records signatures made on paper, with the scan of what was signed: `signer_id`'s,
/// or, without one, every signer's who has not acted yet (a stalled circuit finished on paper).
/// The scan must be a readable PDF whose pages can be carried into the signed documents: they
/// follow the « dossier de preuve » page there. A link still out stops working.
pub async fn record_paper(
    state: &AppState,
    caller: &Caller,
    if_match: IfMatch,
    id: &str,
    signer_id: Option<&str>,
    scan: Vec<u8>,
) -> Result<CircuitBody, ApiError> {
    let (context, circuit) = staff_circuit(state, caller, if_match, id).await?;
    if circuit.external_id.is_some() {
        // The provider's envelope would wait for them for ever.
        return Err(ApiError::Conflict {
            code: api_types::codes::SIGN_WITH_PROVIDER,
            detail: "Ce circuit passe par le prestataire de signature : interrompez-le, puis renvoyez le dossier en choisissant ce signataire sur papier.".into(),
        });
    }
    let open = |s: &signature_signer::Model| {
        SignerStatus::from_key(&s.status).is_some_and(rules::may_record_paper)
    };
    let signers = db::queries::signatures::signers(&state.db, &circuit.id).await?;
    let mut acting: Vec<signature_signer::Model> =
        match signer_id {
            Some(signer_id) => {
                let signer = signers.iter().find(|s| s.id == signer_id).ok_or_else(|| {
                    ApiError::NotFound {
                        code: api_types::codes::SIGNER_NOT_FOUND,
                        detail: "Ce signataire ne figure pas dans le circuit en cours.".into(),
                    }
                })?;
                if !open(signer) {
                    return Err(ApiError::Conflict {
                        code: api_types::codes::SIGNER_DONE,
                        detail: format!("{} a déjà signé ou refusé.", signer.name),
                    });
                }
                vec![signer.clone()]
            }
            None => signers.iter().filter(|s| open(s)).cloned().collect(),
        };
    let pages = readable_scan(state, &circuit, &scan).await?;
    let now = state.clock.now();
    let sha256 = documents::sha256_hex(&scan);
    let size = scan.len();
    let recorder = db::queries::users::by_ids(&state.db, std::slice::from_ref(&caller.user_id))
        .await?
        .into_iter()
        .next()
        .map_or_else(
            || "le CFA".to_owned(),
            |u| format!("{} {}", u.first_name, u.last_name),
        );
    // The scan first, content-addressed: kept even if what follows fails, and named by the
    // evidence from then on.
    {
        // Its own write, ended (and SQLite's write queue left) before the signatures' one.
        let (_queued, txn) = state.begin_write().await?;
        db::queries::documents::store_blob(
            &txn,
            &state.seal,
            &sha256,
            "application/pdf",
            scan,
            now,
        )
        .await?;
        txn.commit().await.map_err(db::DbError::from)?;
    }
    for signer in &mut acting {
        signer.status = SignerStatus::Signed.key().to_owned();
        signer.channel = SignerChannel::Paper.key().to_owned();
        signer.acted_at = Some(now);
        signer.token_hash = None;
        signer.code_hash = None;
        signer.evidence = Some(json!({
            "channel": SignerChannel::Paper.key(),
            "scan_sha256": sha256,
            "scan_pages": pages,
            "scan_bytes": size,
            "recorded_by": recorder,
            "recorded_by_id": caller.user_id,
            "recorded_at": now,
        }));
    }
    proceed(state, context, &circuit, acting, now).await?;
    let circuit = db::queries::signatures::circuit(&state.db, &circuit.id)
        .await?
        .ok_or_else(|| ApiError::internal("circuit missing after a paper signature"))?;
    let signers = db::queries::signatures::signers(&state.db, &circuit.id).await?;
    Ok(circuit_body(&circuit, &signers))
}

/// The pages of a scan: read whole by the PDF gate (422 `invalid_pdf` on `file`, blaming the
/// scan), then tried after the CERFA sent (409 `document_unreadable` when that document, not
/// the scan, cannot be extended).
async fn readable_scan(
    state: &AppState,
    circuit: &signature_circuit::Model,
    scan: &[u8],
) -> Result<usize, ApiError> {
    let pages = state.pdf_gate.admit(scan, "file").await?.pages;
    let original = admitted(state, circuit, DocumentKind::Cerfa).await?;
    let scan = scan.to_vec();
    // Both passed the gate: read here again within bounds (pdf::gate).
    tokio::task::spawn_blocking(move || pdf::append_pages(&original, &scan))
        .await
        .map_err(ApiError::internal)?
        .map_err(|error| {
            tracing::error!(%error, circuit = %circuit.id, "a scan passed by the gate could not follow the CERFA");
            document_unreadable(DocumentKind::Cerfa)
        })?;
    Ok(pages)
}

/// The stored bytes of `kind` as sent to signature, read again by the PDF gate: a CERFA
/// deposited before the gate existed may be one that no reader can complete.
async fn admitted(
    state: &AppState,
    circuit: &signature_circuit::Model,
    kind: DocumentKind,
) -> Result<Vec<u8>, ApiError> {
    let bytes = documents::stored_bytes(state, sha_of(circuit, kind)).await?;
    gated(state, &bytes, kind).await?;
    Ok(bytes)
}

/// [`PdfGate::check`](crate::pdf_gate::PdfGate::check) on a document the circuit holds: 409
/// `document_unreadable` naming `kind` when refused.
async fn gated(state: &AppState, bytes: &[u8], kind: DocumentKind) -> Result<(), ApiError> {
    match state.pdf_gate.check(bytes).await {
        Ok(_) => Ok(()),
        Err(crate::pdf_gate::GateError::Refused(refusal)) => {
            tracing::warn!(%refusal, kind = kind.key(), "a document of a circuit is refused by the PDF gate");
            Err(document_unreadable(kind))
        }
        Err(crate::pdf_gate::GateError::Unavailable(why)) => {
            Err(ApiError::internal(format!("pdf gate: {why}")))
        }
    }
}

/// A document of the circuit that the platform cannot complete and seal: what to do.
fn document_unreadable(kind: DocumentKind) -> ApiError {
    let label = document_label(kind);
    ApiError::Conflict {
        code: api_types::codes::DOCUMENT_UNREADABLE,
        detail: format!(
            "La plateforme ne peut pas compléter ni sceller {label} envoyé en signature : ce PDF est illisible ou de structure anormale. Le CFA doit interrompre la signature, remplacer le document (déposer un nouveau PDF, ou le générer) et renvoyer le dossier en signature. Les signatures déjà données restent dans l'historique."
        ),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn french_time(at: DateTime<Utc>) -> String {
    at.format("%d/%m/%Y à %H:%M UTC").to_string()
}

/// The signers of document `kind`, with what they left as evidence.
fn signatures_of(
    signers: &[signature_signer::Model],
    kind: DocumentKind,
) -> impl Iterator<Item = (&signature_signer::Model, &Json)> {
    signers
        .iter()
        .filter(move |s| documents_of(s).contains(&kind))
        .filter_map(|s| s.evidence.as_ref().map(|e| (s, e)))
}

/// The scans of the paper signatures of `kind`, each once, in the signers' order.
fn scans_of(signers: &[signature_signer::Model], kind: DocumentKind) -> Vec<String> {
    let mut scans: Vec<String> = Vec::new();
    for (_, evidence) in signatures_of(signers, kind) {
        if let Some(sha256) = evidence["scan_sha256"].as_str()
            && !scans.iter().any(|s| s == sha256)
        {
            scans.push(sha256.to_owned());
        }
    }
    scans
}

/// What the evidence page prints of one signature, label and value per line.
fn evidence_lines(
    circuit: &signature_circuit::Model,
    signer: &signature_signer::Model,
    evidence: &Json,
    kind: DocumentKind,
) -> Vec<[String; 2]> {
    let text = |key: &str| evidence[key].as_str().unwrap_or_default().to_owned();
    let at = |key: &str| {
        evidence[key]
            .as_str()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| french_time(t.with_timezone(&Utc)))
            .unwrap_or_default()
    };
    let line = |label: &str, value: String| [label.to_owned(), value];
    if evidence["channel"] == SignerChannel::Paper.key() {
        return vec![
            line("Mode", "sur papier, signature manuscrite".into()),
            line(
                "Copie numérisée",
                format!(
                    "déposée le {} par {} (CFA), {} page(s), {} octets",
                    at("recorded_at"),
                    text("recorded_by"),
                    evidence["scan_pages"].as_u64().unwrap_or(0),
                    evidence["scan_bytes"].as_u64().unwrap_or(0)
                ),
            ),
            line("Empreinte de la copie", text("scan_sha256")),
            line("Document remis à signer", sha_of(circuit, kind).to_owned()),
        ];
    }
    vec![
        line("Adresse électronique", signer.email.clone()),
        line("Nom saisi", text("typed_name")),
        line(
            "Consentement",
            "case « Je consens à signer électroniquement » cochée".into(),
        ),
        line(
            "Code à usage unique",
            format!(
                "envoyé le {} à {}, vérifié au {}e essai",
                at("code_sent_at"),
                signer.email,
                evidence["code_attempt"].as_i64().unwrap_or(1)
            ),
        ),
        line("Signé le", at("signed_at")),
        line("Adresse IP", text("ip")),
        line("Navigateur", text("user_agent")),
        line(
            "Empreinte vue par le signataire",
            sha_of(circuit, kind).to_owned(),
        ),
    ]
}

/// The « dossier de preuve » of one document: what was signed, by whom, how.
fn evidence_data(
    state: &AppState,
    context: &DossierContext,
    circuit: &signature_circuit::Model,
    signers: &[signature_signer::Model],
    kind: DocumentKind,
    size: usize,
    now: DateTime<Utc>,
) -> Json {
    let signatures: Vec<Json> = signatures_of(signers, kind)
        .map(|(s, e)| {
            json!({
                "role": SignerRole::from_key(&s.role).map_or("", SignerRole::label),
                "name": s.name,
                "lines": evidence_lines(circuit, s, e, kind),
            })
        })
        .collect();
    let channels: Vec<bool> = signatures_of(signers, kind)
        .map(|(_, e)| e["channel"] == SignerChannel::Paper.key())
        .collect();
    let method = match (channels.contains(&false), channels.contains(&true)) {
        (true, true) => {
            "Signature électronique simple avec code à usage unique (article 1367 du code civil) et signature manuscrite sur papier"
        }
        (false, true) => "Signature manuscrite sur papier, copie numérisée déposée par le CFA",
        _ => "Signature électronique simple avec code à usage unique (article 1367 du code civil)",
    };
    let document = match kind {
        DocumentKind::Convention => "Convention de formation".to_owned(),
        _ => "Contrat (CERFA)".to_owned(),
    };
    json!({
        "document": document,
        "method": method,
        "dossier": context.dossier.id,
        "apprentice": apprentice_name(context),
        "bytes": size.to_string(),
        "sha256": sha_of(circuit, kind),
        "started_at": french_time(circuit.started_at),
        "started_by": signers
            .iter()
            .find(|s| s.role == SignerRole::Cfa.key())
            .map_or_else(|| "le CFA".to_owned(), |s| format!("{} (CFA)", s.name)),
        "completed_at": french_time(now),
        "sealed_by": format!("Opuntia — {}", state.settings.cfa().denomination),
        "scans": scans_of(signers, kind).len(),
        "signatures": signatures,
    })
}

/// What the provider needs to make the signed copies: each document sent, its evidence, the
/// scans of its paper signatures.
async fn completion(
    state: &AppState,
    context: &DossierContext,
    circuit: &signature_circuit::Model,
    signers: &[signature_signer::Model],
    now: DateTime<Utc>,
) -> Result<Completion, ApiError> {
    let mut documents = Vec::new();
    // Everything the seal will read passes the gate again here: documents and scans kept
    // before the gate existed are refused with what to do, never parsed unbounded.
    for kind in [DocumentKind::Cerfa, DocumentKind::Convention] {
        let bytes = admitted(state, circuit, kind).await?;
        let mut scans = Vec::new();
        for scan in scans_of(signers, kind) {
            let scan = documents::stored_bytes(state, &scan).await?;
            gated(state, &scan, kind).await?;
            scans.push(scan);
        }
        let evidence = evidence_data(state, context, circuit, signers, kind, bytes.len(), now);
        let name = documents::file_names(context, kind).0;
        documents.push((Document { kind, name, bytes }, evidence, scans));
    }
    Ok(Completion {
        documents,
        metadata: pdf::Metadata {
            title: format!("Dossier de preuve — {}", apprentice_name(context)),
            author: state.settings.cfa().denomination,
            made_at: now,
        },
        at: now,
    })
}

/// The provider of a circuit: 502 when it is DocuSign and DocuSign is no longer configured.
fn provider_of<'a>(
    state: &'a AppState,
    circuit: &signature_circuit::Model,
) -> Result<&'a dyn SignatureProvider, ApiError> {
    state.providers.of(&circuit.provider).ok_or_else(|| {
        ApiError::Upstream(format!(
            "le prestataire de signature « {} » n'est plus configuré",
            circuit.provider
        ))
    })
}

/// The last signature: both documents sealed and kept, the circuit completed, the dossier
/// `signed`, every signer told — written if the circuit's signers are still `before`.
async fn complete(
    state: &AppState,
    context: DossierContext,
    circuit: &signature_circuit::Model,
    before: &[signature_signer::Model],
    step: Step,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let Step {
        signers, changed, ..
    } = step;
    let provider = provider_of(state, circuit)?;
    let made = provider
        .signed_documents(
            circuit.external_id.as_deref(),
            completion(state, &context, circuit, &signers, now).await?,
        )
        .await
        .map_err(provider_error)?;
    // A remote provider's documents come from outside: through the gate before they are kept.
    if provider.key() != providers::BUILTIN {
        for bytes in made
            .documents
            .iter()
            .map(|(_, bytes)| bytes)
            .chain(made.certificate.iter())
        {
            if let Err(error) = state.pdf_gate.check(bytes).await {
                return Err(ApiError::Upstream(format!(
                    "le prestataire de signature a renvoyé un PDF que la plateforme refuse ({error:?})"
                )));
            }
        }
    }
    let mut sealed: Vec<(String, String, Vec<u8>)> = made
        .documents
        .into_iter()
        .map(|(kind, bytes)| (signed_kind(kind), documents::sha256_hex(&bytes), bytes))
        .collect();
    if let Some(certificate) = made.certificate {
        sealed.push((
            CERTIFICATE.to_owned(),
            documents::sha256_hex(&certificate),
            certificate,
        ));
    }
    let origin = provider.key();
    let apprentice = apprentice_name(&context);
    let told: Vec<(String, String)> = signers
        .iter()
        .filter(|s| !s.email.is_empty())
        .map(|s| (s.email.clone(), s.name.clone()))
        .collect();
    workflow::take_on(
        state,
        context,
        Actor::System,
        None,
        Action::CompleteSignature,
        None,
        async |txn, context, _| {
            still_as_read(txn, circuit, before).await?;
            for s in changed {
                db::queries::signatures::save_signer(txn, s).await?;
            }
            for (kind, sha256, bytes) in sealed {
                db::queries::documents::store_blob(
                    txn,
                    &state.seal,
                    &sha256,
                    "application/pdf",
                    bytes,
                    now,
                )
                .await?;
                db::queries::documents::record(
                    txn,
                    dossier_document::Model {
                        id: new_id(),
                        dossier_id: context.dossier.id.clone(),
                        kind,
                        origin: origin.to_owned(),
                        dossier_version: context.dossier.version,
                        sha256,
                        made_at: now,
                        made_by: None,
                        voided_at: None,
                        void_reason: None,
                    },
                )
                .await?;
            }
            db::queries::signatures::end_circuit(
                txn,
                &circuit.id,
                CircuitStatus::Completed.key(),
                None,
                now,
            )
            .await?;
            let notice = templates::signature_completed(&apprentice);
            Ok(told
                .iter()
                .map(|(email, name)| {
                    templates::dossier_notice(email, name, &notice, &state.login_url())
                })
                .collect())
        },
    )
    .await?;
    Ok(())
}

/// The signer refuses, with their reason: the circuit ends, the dossier goes back to
/// `economics_validated`, the parties and the CFA are told.
pub async fn refuse(state: &AppState, token: &str, reason: &str) -> Result<(), ApiError> {
    let reason = rules::refusal_reason(reason)
        .map_err(|e| ApiError::field("reason", api_types::codes::REQUIRED, e.to_string()))?;
    let (signer, circuit) = holder(state, token).await?;
    refuse_as(state, signer, &circuit, reason).await?;
    // Refused here, the circuit ends at its provider too.
    if circuit.external_id.is_some()
        && let Err(error) = provider_of(state, &circuit)?
            .cancel(circuit.external_id.as_deref(), "Refus d'un signataire")
            .await
    {
        tracing::error!(error = %error, circuit = %circuit.id, "the provider's circuit stays open");
    }
    Ok(())
}

/// `signer` refuses, with their reason: the circuit ends refused, the dossier goes back to
/// `economics_validated`, every signer is told.
async fn refuse_as(
    state: &AppState,
    mut signer: signature_signer::Model,
    circuit: &signature_circuit::Model,
    reason: String,
) -> Result<(), ApiError> {
    let now = state.clock.now();
    signer.status = SignerStatus::Refused.key().to_owned();
    signer.acted_at = Some(now);
    signer.refusal_reason = Some(reason.clone());
    signer.token_hash = None;
    signer.code_hash = None;
    let context = load(state, &circuit.dossier_id).await?;
    let apprentice = apprentice_name(&context);
    let signers = db::queries::signatures::signers(&state.db, &circuit.id).await?;
    let why = format!(
        "{} ({}) a refusé de signer : {reason}",
        signer.name,
        SignerRole::from_key(&signer.role).map_or("", SignerRole::label)
    );
    workflow::take_on(
        state,
        context,
        Actor::System,
        None,
        Action::RefuseSignature,
        Some(why.clone()),
        async |txn, _, _| {
            db::queries::signatures::save_signer(txn, signer).await?;
            db::queries::signatures::end_circuit(
                txn,
                &circuit.id,
                CircuitStatus::Refused.key(),
                Some(&why),
                now,
            )
            .await?;
            let notice = templates::signature_ended(&apprentice, &why);
            Ok(signers
                .iter()
                .filter(|s| !s.email.is_empty())
                .map(|s| templates::signature_notice(&s.email, &s.name, &notice))
                .collect())
        },
    )
    .await?;
    Ok(())
}

/// A provider's callback (a DocuSign Connect webhook): authenticated, then the circuit it
/// names is brought up to date. 404 when the provider is not configured; 401 when the
/// callback is not authentic. Safe to repeat: providers retry and duplicate their events.
pub async fn callback(
    state: &AppState,
    provider: &str,
    headers: &actix_web::http::header::HeaderMap,
    body: &[u8],
) -> Result<(), ApiError> {
    let provider = state
        .providers
        .of(provider)
        .filter(|p| p.key() != providers::BUILTIN)
        .ok_or_else(|| ApiError::NotFound {
            code: api_types::codes::NOT_FOUND,
            detail: "Aucun prestataire de signature de ce nom n'est configuré.".into(),
        })?;
    match provider.callback(headers, body) {
        Ok(Some(reference)) => reconcile(state, provider, &reference).await,
        Ok(None) => Ok(()),
        Err(ProviderError::Unauthentic) => Err(ApiError::Unauthentic),
        Err(error) => Err(ApiError::BadRequest {
            code: api_types::codes::INVALID_BODY,
            detail: error.to_string(),
        }),
    }
}

/// Brings a circuit up to date with what its provider says: new signatures recorded (with the
/// provider's time), the next signers' links mailed, a refusal or a voiding ending it, and the
/// last signature fetching the signed documents. What is already recorded stays as it is.
pub async fn reconcile(
    state: &AppState,
    provider: &dyn SignatureProvider,
    reference: &str,
) -> Result<(), ApiError> {
    let Some(circuit) =
        db::queries::signatures::circuit_by_external(&state.db, provider.key(), reference).await?
    else {
        // An envelope the platform did not send, or no longer follows.
        return Ok(());
    };
    if circuit.status != CircuitStatus::InProgress.key() {
        return Ok(());
    }
    let remote = provider.status(reference).await.map_err(provider_error)?;
    let signers = db::queries::signatures::signers(&state.db, &circuit.id).await?;
    let now = state.clock.now();
    let open = |s: &signature_signer::Model| {
        !matches!(
            SignerStatus::from_key(&s.status),
            Some(SignerStatus::Signed | SignerStatus::Refused)
        )
    };
    if let Some(reason) = remote.voided {
        let context = load(state, &circuit.dossier_id).await?;
        let reason = format!("Signature annulée chez le prestataire : {reason}");
        return workflow::take_on(
            state,
            context,
            Actor::System,
            None,
            Action::CancelSignature,
            Some(reason),
            async |_, _, _| Ok(Vec::new()),
        )
        .await
        .map(|_| ());
    }
    let mut acted = Vec::new();
    for mut signer in signers.into_iter().filter(open) {
        match remote.signers.iter().find(|(id, _)| *id == signer.id) {
            Some((_, RemoteStatus::Signed(at))) => {
                signer.status = SignerStatus::Signed.key().to_owned();
                signer.acted_at = Some(*at);
                signer.token_hash = None;
                signer.code_hash = None;
                signer.evidence = Some(json!({
                    "channel": SignerChannel::Online.key(),
                    "provider": provider.key(),
                    "reference": reference,
                    "email": signer.email,
                    "signed_at": at,
                    "recorded_at": now,
                }));
                acted.push(signer);
            }
            Some((_, RemoteStatus::Refused(reason))) => {
                return refuse_as(state, signer, &circuit, reason.clone()).await;
            }
            _ => {}
        }
    }
    if acted.is_empty() {
        return Ok(());
    }
    let context = load(state, &circuit.dossier_id).await?;
    match proceed(state, context, &circuit, acted, now).await {
        // Another delivery of the same event completed it first.
        Err(ApiError::Conflict { code, .. }) if code == api_types::codes::INVALID_TRANSITION => {
            Ok(())
        }
        other => other,
    }
}

/// Cancels a voided circuit at its provider once the voiding is committed — never from inside
/// the write's transaction: the provider is slow, and the write may still roll back (then the
/// circuit stays in progress and nothing is cancelled).
fn cancel_when_committed(state: &AppState, circuit: signature_circuit::Model, reason: String) {
    let (db, providers) = (state.db.clone(), state.providers.clone());
    tokio::spawn(async move {
        for _ in 0..40 {
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
            match db::queries::signatures::circuit(&db, &circuit.id).await {
                Ok(Some(now)) if now.status == CircuitStatus::InProgress.key() => continue,
                Ok(Some(_)) => {
                    let Some(provider) = providers.of(&circuit.provider) else {
                        return;
                    };
                    if let Err(error) = provider
                        .cancel(circuit.external_id.as_deref(), &reason)
                        .await
                    {
                        tracing::error!(error = %error, circuit = %circuit.id, "the provider's circuit stays open");
                    }
                    return;
                }
                _ => return,
            }
        }
    });
}

/// The sealed, signed copy of a dossier's CERFA or convention, once the dossier is signed.
pub async fn signed_document(
    state: &AppState,
    subject: &Subject,
    id: &str,
    kind: DocumentKind,
) -> Result<DocumentFile, ApiError> {
    let context = load_visible(state, subject, id).await?;
    let unavailable = || ApiError::Conflict {
        code: api_types::codes::DOCUMENT_UNAVAILABLE,
        detail: "Le document signé est disponible une fois que toutes les parties ont signé."
            .into(),
    };
    if !rules::signable(kind) {
        return Err(unavailable());
    }
    let row = db::queries::documents::live(&state.db, &context.dossier.id, &signed_kind(kind))
        .await?
        .ok_or_else(unavailable)?;
    let bytes = documents::stored_bytes(state, &row.sha256).await?;
    let (utf8, ascii) = documents::file_names(&context, kind);
    Ok(DocumentFile {
        bytes,
        sha256: row.sha256,
        file_names: (
            utf8.replace(".pdf", "-signe.pdf"),
            ascii.replace(".pdf", "-signe.pdf"),
        ),
    })
}
