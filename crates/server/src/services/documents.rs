//! The documents of a dossier: which exist (`domain::documents`), their data as they print
//! (`domain::print`), their rendering (`pdf`), and their keeping. What is validated is what is
//! signed: the CERFA's bytes are stored when the formation validates, the convention's when the
//! CFA validates the economic elements, both under their SHA-256 with the dossier's version, and
//! a reopening voids them. A download hands out the stored bytes, never a new rendering.

use db::{DatabaseTransaction, entities::dossier_document};
use domain::{
    ContractType, NiveauSaisie, Status,
    documents::{DocumentFacts, DocumentKind, availability},
    print,
};
use serde_json::Value as Json;
use sha2::{Digest, Sha256};

use crate::{
    error::ApiError,
    services::{
        access::Subject,
        dossiers::{DossierContext, Moved, load_visible},
    },
    startup::AppState,
    storage::new_id,
};

/// The largest CERFA a party may deposit.
pub const MAX_DEPOSIT_BYTES: usize = 10 * 1024 * 1024;

/// A document ready to send.
#[derive(Debug, Clone)]
pub struct DocumentFile {
    /// The PDF.
    pub bytes: Vec<u8>,
    /// Its SHA-256, in hexadecimal: the ETag.
    pub sha256: String,
    /// Its file name in UTF-8, and in ASCII for old clients.
    pub file_names: (String, String),
}

/// How the stored rows name where a document came from.
const GENERATED: &str = "generated";
const DEPOSITED: &str = "deposited";

/// The SHA-256 of `bytes`, in lowercase hexadecimal.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn pdf_kind(kind: DocumentKind) -> pdf::Kind {
    match kind {
        DocumentKind::Cerfa => pdf::Kind::Cerfa,
        DocumentKind::Convention => pdf::Kind::Convention,
        DocumentKind::Calendrier => pdf::Kind::Calendrier,
        DocumentKind::Programme => pdf::Kind::Programme,
    }
}

pub fn content_text(context: &DossierContext, key: &str) -> String {
    domain::evaluation::lookup(&context.dossier.content, key)
        .and_then(Json::as_str)
        .map(str::trim)
        .unwrap_or_default()
        .to_owned()
}

/// The file names of a dossier's document.
pub fn file_names(context: &DossierContext, kind: DocumentKind) -> (String, String) {
    let prefix = match (kind, *context.dossier.contract_type) {
        (DocumentKind::Cerfa, ContractType::Apprentissage) => "CERFA-FA13",
        (DocumentKind::Cerfa, ContractType::Professionnalisation) => "CERFA-EJ20",
        (DocumentKind::Convention, _) => "Convention-de-formation",
        (DocumentKind::Calendrier, _) => "Calendrier",
        (DocumentKind::Programme, _) => "Programme",
    };
    print::file_names(
        prefix,
        &content_text(context, "apprenti.nom"),
        &content_text(context, "apprenti.prenom"),
    )
}

/// What the PDF says of itself: its French title, the CFA as author, when it is made.
pub fn metadata(
    state: &AppState,
    context: &DossierContext,
    kind: DocumentKind,
    made_at: chrono::DateTime<chrono::Utc>,
) -> pdf::Metadata {
    let document = match (kind, *context.dossier.contract_type) {
        (DocumentKind::Cerfa, ContractType::Apprentissage) => "Contrat d'apprentissage",
        (DocumentKind::Cerfa, ContractType::Professionnalisation) => {
            "Contrat de professionnalisation"
        }
        (DocumentKind::Convention, _) => "Convention de formation",
        (DocumentKind::Calendrier, _) => "Calendrier de la formation",
        (DocumentKind::Programme, _) => "Programme de la formation",
    };
    let person = format!(
        "{} {}",
        content_text(context, "apprenti.prenom"),
        content_text(context, "apprenti.nom").to_uppercase()
    );
    let title = match person.trim() {
        "" => document.to_owned(),
        person => format!("{document} — {person}"),
    };
    let from_dossier = content_text(context, "organismeFormation.denomination");
    let author = if from_dossier.is_empty() {
        state.settings.cfa().denomination
    } else {
        from_dossier
    };
    pdf::Metadata {
        title,
        author,
        made_at,
    }
}

/// The data a template of `kind` receives for this dossier; `None` when the document cannot
/// be made from what the dossier holds (no validated economic elements for a convention).
fn data(
    state: &AppState,
    context: &DossierContext,
    kind: DocumentKind,
    draft: bool,
) -> Option<Json> {
    let settings = context.evaluation_settings(state.clock.now().date_naive());
    match kind {
        DocumentKind::Cerfa => {
            let evaluation = domain::evaluate(&context.dossier.content, &settings);
            let printed = print::cerfa(&context.dossier.content, &settings, &evaluation);
            let mut data = serde_json::to_value(printed).ok()?;
            data["draft"] = draft.into();
            Some(data)
        }
        DocumentKind::Convention => {
            let economics = context.economics(&settings)?.ok()?;
            let cfa = state.settings.cfa();
            let printed = print::convention(
                &context.dossier.content,
                &settings,
                &economics,
                print::CfaSignatory {
                    activity_declaration: &cfa.activity_declaration,
                    director: &cfa.director,
                },
            );
            let mut data = serde_json::to_value(printed).ok()?;
            data["draft"] = draft.into();
            Some(data)
        }
        DocumentKind::Calendrier | DocumentKind::Programme => None,
    }
}

/// Renders `kind` off the async threads: typst takes tens of milliseconds of CPU.
async fn render(
    state: &AppState,
    kind: DocumentKind,
    data: Json,
    metadata: pdf::Metadata,
) -> Result<Vec<u8>, ApiError> {
    let templates = state.templates.clone();
    tokio::task::spawn_blocking(move || templates.render(pdf_kind(kind), &data, &metadata))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)
}

/// Renders `kind` for the dossier and keeps its bytes, in `txn`.
async fn store_generated(
    state: &AppState,
    txn: &DatabaseTransaction,
    context: &DossierContext,
    kind: DocumentKind,
    author: Option<&str>,
) -> Result<DocumentFile, ApiError> {
    let now = state.clock.now();
    let data = data(state, context, kind, false)
        .ok_or_else(|| ApiError::internal(format!("{} without its data", kind.key())))?;
    let bytes = render(state, kind, data, metadata(state, context, kind, now)).await?;
    let sha256 = sha256_hex(&bytes);
    db::queries::documents::store_blob(
        txn,
        &state.seal,
        &sha256,
        "application/pdf",
        bytes.clone(),
        now,
    )
    .await?;
    db::queries::documents::record(
        txn,
        dossier_document::Model {
            id: new_id(),
            dossier_id: context.dossier.id.clone(),
            kind: kind.key().to_owned(),
            origin: GENERATED.to_owned(),
            dossier_version: context.dossier.version,
            sha256: sha256.clone(),
            made_at: now,
            made_by: author.map(str::to_owned),
            voided_at: None,
            void_reason: None,
        },
    )
    .await?;
    Ok(DocumentFile {
        bytes,
        sha256,
        file_names: file_names(context, kind),
    })
}

/// What a status change does to the stored documents, inside the write's transaction: the
/// validation keeps the CERFA (unless it was made outside the platform), the economic
/// validation keeps the convention, a reopening or a cancellation voids both.
pub async fn follow_move(
    state: &AppState,
    txn: &DatabaseTransaction,
    context: &DossierContext,
    moved: &Moved,
    author: Option<&str>,
) -> Result<(), ApiError> {
    let now = state.clock.now();
    match moved.to {
        Status::Validated if *context.dossier.niveau_saisie != NiveauSaisie::Simple => {
            store_generated(state, txn, context, DocumentKind::Cerfa, author).await?;
        }
        Status::EconomicsValidated => {
            store_generated(state, txn, context, DocumentKind::Convention, author).await?;
        }
        Status::Draft | Status::InProgress | Status::Returned | Status::Cancelled
            if moved.from.is_frozen() || moved.to == Status::Cancelled =>
        {
            let reason = moved
                .comment
                .clone()
                .unwrap_or_else(|| moved.action.label().to_owned());
            // A CERFA deposited in saisie simple was made outside: it stays until replaced.
            let kinds: &[&str] = if *context.dossier.niveau_saisie == NiveauSaisie::Simple {
                &[DocumentKind::Convention.key()]
            } else {
                &[DocumentKind::Cerfa.key(), DocumentKind::Convention.key()]
            };
            db::queries::documents::void(txn, &context.dossier.id, kinds, &reason, now).await?;
        }
        _ => {}
    }
    Ok(())
}

/// Which documents of the dossier can exist now.
pub async fn facts(state: &AppState, context: &DossierContext) -> Result<DocumentFacts, ApiError> {
    let cerfa_deposited = *context.dossier.niveau_saisie == NiveauSaisie::Simple
        && db::queries::documents::live(&state.db, &context.dossier.id, DocumentKind::Cerfa.key())
            .await?
            .is_some_and(|row| row.origin == DEPOSITED);
    let (calendrier_available, programme_available) =
        crate::services::formations::annexes_available(state, context).await?;
    Ok(DocumentFacts {
        status: context.status(),
        niveau_saisie: *context.dossier.niveau_saisie,
        contract_type: *context.dossier.contract_type,
        cerfa_deposited,
        calendrier_available,
        programme_available,
    })
}

fn unavailable(reason: &str) -> ApiError {
    ApiError::Conflict {
        code: api_types::codes::DOCUMENT_UNAVAILABLE,
        detail: reason.to_owned(),
    }
}

/// The bytes kept under `sha256`: a row that names them and finds none is an internal fault.
pub async fn stored_bytes(state: &AppState, sha256: &str) -> Result<Vec<u8>, ApiError> {
    db::queries::documents::blob(&state.db, &state.seal, sha256)
        .await?
        .ok_or_else(|| ApiError::internal(format!("blob {sha256} missing")))
}

/// The document of `kind` of a dossier `subject` sees: 409 with the reason Suivi shows when it
/// cannot exist yet. The CERFA and the convention are the stored bytes; one validated before
/// documents were kept is made and kept at its first download.
pub async fn document(
    state: &AppState,
    subject: &Subject,
    id: &str,
    kind: DocumentKind,
) -> Result<DocumentFile, ApiError> {
    let context = load_visible(state, subject, id).await?;
    file_of(state, &context, kind).await
}

/// The document of `kind` of a dossier already loaded, or 409 with why it cannot exist yet.
pub async fn file_of(
    state: &AppState,
    context: &DossierContext,
    kind: DocumentKind,
) -> Result<DocumentFile, ApiError> {
    let availability = availability(kind, &facts(state, context).await?);
    if let Some(reason) = availability.reason {
        return Err(unavailable(reason));
    }
    match kind {
        DocumentKind::Cerfa | DocumentKind::Convention => {
            if let Some(row) =
                db::queries::documents::live(&state.db, &context.dossier.id, kind.key()).await?
            {
                let bytes = stored_bytes(state, &row.sha256).await?;
                return Ok(DocumentFile {
                    bytes,
                    sha256: row.sha256,
                    file_names: file_names(context, kind),
                });
            }
            let (_queued, txn) = state.begin_write().await?;
            let file = store_generated(state, &txn, context, kind, None).await?;
            txn.commit().await.map_err(db::DbError::from)?;
            Ok(file)
        }
        DocumentKind::Calendrier | DocumentKind::Programme => {
            let annex = crate::services::formations::annex_for(state, context, kind)
                .await?
                .ok_or_else(|| unavailable(availability.label))?;
            if let Some(sha256) = annex.pdf_sha256 {
                let bytes = stored_bytes(state, &sha256).await?;
                return Ok(DocumentFile {
                    bytes,
                    sha256,
                    file_names: file_names(context, kind),
                });
            }
            let data = crate::services::formations::document_data(context, &annex, kind)
                .ok_or_else(|| ApiError::internal(format!("{} annex unreadable", kind.key())))?;
            let now = state.clock.now();
            let bytes = render(state, kind, data, metadata(state, context, kind, now)).await?;
            Ok(DocumentFile {
                sha256: sha256_hex(&bytes),
                bytes,
                file_names: file_names(context, kind),
            })
        }
    }
}

/// A draft of the CERFA or the convention, stamped « BROUILLON » on every page, the CERFA's
/// last page listing what is still missing: for the parties before the validation. Never kept.
pub async fn draft(
    state: &AppState,
    subject: &Subject,
    id: &str,
    kind: DocumentKind,
) -> Result<DocumentFile, ApiError> {
    let context = load_visible(state, subject, id).await?;
    let why_not = match kind {
        _ if context.status() == Status::Cancelled => {
            Some("Le dossier est annulé : aucun document n'est établi.")
        }
        DocumentKind::Cerfa if *context.dossier.niveau_saisie == NiveauSaisie::Simple => Some(
            "En saisie simple, le CERFA est établi hors de la plateforme : il n'a pas de brouillon ici.",
        ),
        DocumentKind::Cerfa => None,
        DocumentKind::Convention
            if context
                .economics(&context.evaluation_settings(state.clock.now().date_naive()))
                .is_none_or(|economics| economics.is_err()) =>
        {
            Some(
                "Le brouillon de la convention demande des éléments économiques complets, saisis par le CFA.",
            )
        }
        DocumentKind::Convention => None,
        DocumentKind::Calendrier | DocumentKind::Programme => Some(
            "Le calendrier et le programme n'ont pas de brouillon : téléchargez-les directement.",
        ),
    };
    if let Some(reason) = why_not {
        return Err(unavailable(reason));
    }
    let data = data(state, &context, kind, true).ok_or_else(|| unavailable("Brouillon"))?;
    let now = state.clock.now();
    let mut metadata = metadata(state, &context, kind, now);
    metadata.title = format!("BROUILLON — {}", metadata.title);
    let bytes = render(state, kind, data, metadata).await?;
    let (utf8, ascii) = file_names(&context, kind);
    Ok(DocumentFile {
        sha256: sha256_hex(&bytes),
        bytes,
        file_names: (format!("BROUILLON-{utf8}"), format!("BROUILLON-{ascii}")),
    })
}

/// Deposits the CERFA made outside the platform (saisie simple), replacing any earlier deposit:
/// by any party, until the validation (`domain::access::may_deposit_cerfa`).
pub async fn deposit_cerfa(
    state: &AppState,
    subject: &Subject,
    id: &str,
    bytes: Vec<u8>,
) -> Result<DocumentFile, ApiError> {
    let context = load_visible(state, subject, id).await?;
    if *context.dossier.niveau_saisie != NiveauSaisie::Simple {
        return Err(unavailable(
            "Le CERFA de ce dossier est établi par la plateforme : il n'y a rien à déposer.",
        ));
    }
    let status = context.status();
    if !domain::access::may_deposit_cerfa(status) {
        return Err(if status == Status::Cancelled {
            ApiError::Conflict {
                code: api_types::codes::DOSSIER_CANCELLED,
                detail: "Le dossier est annulé : plus rien ne peut y être déposé.".into(),
            }
        } else {
            ApiError::Frozen(status.label().to_owned())
        });
    }
    // Read whole, in the gate's bounded child, before anything is kept: it will be signed,
    // have pages appended and be sealed.
    state.pdf_gate.admit(&bytes, "file").await?;
    let now = state.clock.now();
    let sha256 = sha256_hex(&bytes);
    let (_queued, txn) = state.begin_write().await?;
    db::queries::documents::void(
        &txn,
        &context.dossier.id,
        &[DocumentKind::Cerfa.key()],
        "Remplacé par un nouveau dépôt.",
        now,
    )
    .await?;
    db::queries::documents::store_blob(
        &txn,
        &state.seal,
        &sha256,
        "application/pdf",
        bytes.clone(),
        now,
    )
    .await?;
    db::queries::documents::record(
        &txn,
        dossier_document::Model {
            id: new_id(),
            dossier_id: context.dossier.id.clone(),
            kind: DocumentKind::Cerfa.key().to_owned(),
            origin: DEPOSITED.to_owned(),
            dossier_version: context.dossier.version,
            sha256: sha256.clone(),
            made_at: now,
            made_by: Some(subject.caller.user_id.clone()),
            voided_at: None,
            void_reason: None,
        },
    )
    .await?;
    txn.commit().await.map_err(db::DbError::from)?;
    Ok(DocumentFile {
        bytes,
        sha256,
        file_names: file_names(&context, DocumentKind::Cerfa),
    })
}
