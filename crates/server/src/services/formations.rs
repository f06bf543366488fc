//! Formations and their variants: created and changed by CFA staff (`domain::access::
//! manages_formations`, asked by the handlers), each change written in one transaction with
//! what follows from it — the responsables, and the listing of the formation's dossiers, whose
//! completeness depends on the mission mode and the dates.

use api_types::{FieldErrorBody, formations::FormationRequest};
use chrono::NaiveDate;
use db::entities::{formation, formation_annex, variant};
use domain::{
    AccessCode,
    annexes::{Calendrier, Programme},
    documents::DocumentKind,
    print,
    signature::SignaturePlan,
};
use serde_json::Value as Json;

use crate::{
    error::ApiError,
    services::{documents::sha256_hex, dossiers::DossierContext},
    startup::AppState,
    storage::{new_id, stored_key},
};

/// Writes the settings a request asked for into the row.
pub fn apply(row: &mut formation::Model, settings: &FormationRequest) {
    row.title = settings.title.clone();
    row.school = settings.school.clone();
    row.diploma_code = settings.diploma_code.clone();
    row.rncp = settings.rncp.clone();
    row.start_date = settings.start_date;
    row.end_date = settings.end_date;
    row.hours = i32::try_from(settings.hours).unwrap_or(i32::MAX);
    row.contract_types = settings
        .contract_types
        .iter()
        .map(stored_key)
        .collect::<Vec<_>>()
        .join(",");
    row.validation_mode = settings.validation_mode.into();
    row.mission = settings.mission.into();
    row.contacts = serde_json::to_value(&settings.contacts).unwrap_or_default();
    row.signature_plan = settings
        .signature_plan
        .as_ref()
        .and_then(|plan| serde_json::to_value(plan).ok());
    row.training_site = settings.training_site.clone();
}

/// The plan the formation's circuits follow: its own, or the default one. A stored plan that no
/// longer reads (written by a later version, say) is logged and the default followed, rather
/// than no circuit leaving at all.
pub fn signature_plan(row: &formation::Model) -> SignaturePlan {
    let Some(stored) = &row.signature_plan else {
        return SignaturePlan::default();
    };
    serde_json::from_value::<SignaturePlan>(stored.clone())
        .map_err(|error| error.to_string())
        .and_then(|plan| plan.normalized().map_err(|error| error.to_string()))
        .unwrap_or_else(|error| {
            tracing::error!(formation = %row.id, %error, "unreadable signature plan, default used");
            SignaturePlan::default()
        })
}

pub fn code_taken(code: &str) -> ApiError {
    ApiError::Conflict {
        code: api_types::codes::ACCESS_CODE_TAKEN,
        detail: format!("Le code d'accès {code} est déjà utilisé par une autre formation."),
    }
}

/// A new formation with `settings` (checked) and its responsables.
pub async fn create(
    state: &AppState,
    settings: &FormationRequest,
) -> Result<formation::Model, ApiError> {
    let now = state.clock.now();
    let mut row = formation::Model {
        id: new_id(),
        title: String::new(),
        school: String::new(),
        diploma_code: String::new(),
        rncp: String::new(),
        start_date: settings.start_date,
        end_date: settings.end_date,
        hours: 0,
        contract_types: String::new(),
        validation_mode: settings.validation_mode.into(),
        mission: settings.mission.into(),
        contacts: serde_json::Value::Null,
        signature_plan: None,
        training_site: None,
        created_at: now,
        updated_at: now,
    };
    apply(&mut row, settings);
    let (_queued, txn) = state.begin_write().await?;
    db::queries::formations::insert(&txn, row.clone()).await?;
    db::queries::formations::replace_responsables(&txn, &row.id, &settings.responsable_ids).await?;
    txn.commit().await.map_err(db::DbError::from)?;
    Ok(row)
}

/// The formation `row` with `settings` (checked): its responsables, and the listing of its
/// dossiers (the mission mode and the dates decide whether they are complete).
pub async fn update(
    state: &AppState,
    mut row: formation::Model,
    settings: &FormationRequest,
) -> Result<formation::Model, ApiError> {
    apply(&mut row, settings);
    row.updated_at = state.clock.now();
    let (_queued, txn) = state.begin_write().await?;
    db::queries::formations::save(&txn, row.clone()).await?;
    db::queries::formations::replace_responsables(&txn, &row.id, &settings.responsable_ids).await?;
    refresh_dossiers_of(state, &txn, &row.id, row.updated_at).await?;
    txn.commit().await.map_err(db::DbError::from)?;
    Ok(row)
}

/// A new variant of `formation` with the access `code`: a formation's codes share one root,
/// which no other formation uses (409 `access_code_taken`, 422 `access_code_root`).
pub async fn add_variant(
    state: &AppState,
    formation: &formation::Model,
    code: &AccessCode,
    label: &str,
    (start_date, end_date): (Option<NaiveDate>, Option<NaiveDate>),
    open: bool,
) -> Result<variant::Model, ApiError> {
    let all = db::queries::formations::variants(&state.db, None).await?;
    let same_root = |v: &&variant::Model| {
        AccessCode::parse(&v.access_code).is_ok_and(|c| c.base() == code.base())
    };
    if all
        .iter()
        .filter(same_root)
        .any(|v| v.formation_id != formation.id)
    {
        return Err(code_taken(&code.to_string()));
    }
    if let Some(other) = all
        .iter()
        .filter(|v| v.formation_id == formation.id)
        .find(|v| !same_root(v))
    {
        return Err(ApiError::field(
            "access_code",
            "access_code_root",
            format!(
                "Les codes d'une formation partagent la même racine : celle-ci utilise déjà {}.",
                other.access_code
            ),
        ));
    }
    let now = state.clock.now();
    let row = variant::Model {
        id: new_id(),
        formation_id: formation.id.clone(),
        access_code: code.to_string(),
        label: label.to_owned(),
        start_date,
        end_date,
        open,
        created_at: now,
        updated_at: now,
    };
    match db::queries::formations::insert_variant(&state.db, row.clone()).await {
        Err(db::DbError::Unique(_)) => return Err(code_taken(&row.access_code)),
        other => other?,
    }
    Ok(row)
}

/// Recomputes, inside `txn`, the listing of the formation's dossiers whose completeness its new
/// settings or dates changed.
async fn refresh_dossiers_of(
    state: &AppState,
    txn: &db::DatabaseTransaction,
    formation_id: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ApiError> {
    let dossiers = db::queries::dossiers::of_formation(txn, &state.seal, formation_id).await?;
    crate::services::dossiers::refresh_listings(
        txn,
        dossiers,
        state.regulatory,
        now.date_naive(),
        true,
    )
    .await?;
    Ok(())
}

/// A changed variant (checked), with the listing of its formation's dossiers (the variant's
/// dates decide whether they are complete).
pub async fn save_variant(
    state: &AppState,
    mut row: variant::Model,
) -> Result<variant::Model, ApiError> {
    row.updated_at = state.clock.now();
    let (_queued, txn) = state.begin_write().await?;
    db::queries::formations::save_variant(&txn, row.clone()).await?;
    refresh_dossiers_of(state, &txn, &row.formation_id, row.updated_at).await?;
    txn.commit().await.map_err(db::DbError::from)?;
    Ok(row)
}

/// What a formation's annex is made of.
pub enum AnnexInput {
    /// Data entered on the platform, as the API receives it.
    Data(Json),
    /// Data as lines pasted from a spreadsheet.
    Lines(String),
    /// A PDF attached instead.
    Pdf(Vec<u8>),
}

/// The annex of `kind` that applies to a dossier: its variant's override, else its formation's.
pub async fn annex_for(
    state: &AppState,
    context: &DossierContext,
    kind: DocumentKind,
) -> Result<Option<formation_annex::Model>, ApiError> {
    let annexes = db::queries::formations::annexes(&state.db, &context.formation.id).await?;
    let of_kind = |variant_id: &str| {
        annexes
            .iter()
            .find(|a| a.kind == kind.key() && a.variant_id == variant_id)
            .cloned()
    };
    Ok(of_kind(&context.variant.id).or_else(|| of_kind("")))
}

/// Whether the dossier's formation (or variant) has a calendrier, and a programme.
pub async fn annexes_available(
    state: &AppState,
    context: &DossierContext,
) -> Result<(bool, bool), ApiError> {
    let annexes = db::queries::formations::annexes(&state.db, &context.formation.id).await?;
    let has = |kind: DocumentKind| {
        annexes.iter().any(|a| {
            a.kind == kind.key() && (a.variant_id.is_empty() || a.variant_id == context.variant.id)
        })
    };
    Ok((has(DocumentKind::Calendrier), has(DocumentKind::Programme)))
}

/// The data the calendrier or programme template receives for a dossier, from its annex.
pub fn document_data(
    context: &DossierContext,
    annex: &formation_annex::Model,
    kind: DocumentKind,
) -> Option<Json> {
    let content = annex.content.as_ref()?;
    let text = |key: &str| {
        domain::evaluation::lookup(&context.dossier.content, key)
            .and_then(Json::as_str)
            .unwrap_or_default()
            .trim()
            .to_owned()
    };
    let apprenti = format!(
        "{} {}",
        text("apprenti.prenom"),
        text("apprenti.nom").to_uppercase()
    );
    let formation = &context.formation;
    let heading = print::PrintedFormation::new(
        &formation.title,
        &formation.school,
        (&formation.rncp, &formation.diploma_code),
        (
            context.variant.start_date.unwrap_or(formation.start_date),
            context.variant.end_date.unwrap_or(formation.end_date),
        ),
        apprenti.trim(),
    );
    match kind {
        DocumentKind::Calendrier => {
            let calendrier = Calendrier::parse(content).ok()?;
            serde_json::to_value(print::calendrier(heading, &calendrier)).ok()
        }
        DocumentKind::Programme => {
            let programme = Programme::parse(content).ok()?;
            serde_json::to_value(print::programme(heading, &programme)).ok()
        }
        DocumentKind::Cerfa | DocumentKind::Convention => None,
    }
}

fn annex_issues(issues: Vec<domain::annexes::AnnexIssue>) -> ApiError {
    ApiError::Validation(
        issues
            .into_iter()
            .map(|issue| FieldErrorBody {
                field: issue.path,
                code: issue.code.to_owned(),
                message: issue.message,
            })
            .collect(),
    )
}

/// Sets the annex of `kind` of `formation` (or of its variant `variant_id`): data, checked whole
/// and refused with each member's reason, or a PDF, read whole by the PDF gate and kept
/// content-addressed.
pub async fn put_annex(
    state: &AppState,
    formation: &formation::Model,
    variant_id: Option<&str>,
    kind: DocumentKind,
    input: AnnexInput,
) -> Result<formation_annex::Model, ApiError> {
    let now = state.clock.now();
    let mut row = formation_annex::Model {
        formation_id: formation.id.clone(),
        variant_id: variant_id.unwrap_or_default().to_owned(),
        kind: kind.key().to_owned(),
        content: None,
        pdf_sha256: None,
        updated_at: now,
    };
    // Read in the gate's child before the write begins: the gate may take seconds.
    if let AnnexInput::Pdf(bytes) = &input {
        state.pdf_gate.admit(bytes, "file").await?;
    }
    let (_queued, txn) = state.begin_write().await?;
    match input {
        AnnexInput::Data(value) => {
            let stored = match kind {
                DocumentKind::Calendrier => Calendrier::parse(&value).map(|c| c.to_json()),
                _ => Programme::parse(&value).map(|p| p.to_json()),
            }
            .map_err(annex_issues)?;
            row.content = Some(stored);
        }
        AnnexInput::Lines(text) => {
            let stored = match kind {
                DocumentKind::Calendrier => Calendrier::from_lines(&text).map(|c| c.to_json()),
                _ => Programme::from_lines(&text).map(|p| p.to_json()),
            }
            .map_err(annex_issues)?;
            row.content = Some(stored);
        }
        AnnexInput::Pdf(bytes) => {
            let sha256 = sha256_hex(&bytes);
            db::queries::documents::store_blob(
                &txn,
                &state.seal,
                &sha256,
                "application/pdf",
                bytes,
                now,
            )
            .await?;
            row.pdf_sha256 = Some(sha256);
        }
    }
    db::queries::formations::put_annex(
        &txn,
        (&row.formation_id, &row.variant_id, &row.kind),
        Some(row.clone()),
    )
    .await?;
    txn.commit().await.map_err(db::DbError::from)?;
    Ok(row)
}

/// Removes the annex of `kind` of `formation` (or of its variant); whether there was one.
pub async fn delete_annex(
    state: &AppState,
    formation: &formation::Model,
    variant_id: Option<&str>,
    kind: DocumentKind,
) -> Result<bool, ApiError> {
    let existing = db::queries::formations::annexes(&state.db, &formation.id).await?;
    let variant_key = variant_id.unwrap_or_default();
    if !existing
        .iter()
        .any(|a| a.kind == kind.key() && a.variant_id == variant_key)
    {
        return Ok(false);
    }
    let (_queued, txn) = state.begin_write().await?;
    db::queries::formations::put_annex(&txn, (&formation.id, variant_key, kind.key()), None)
        .await?;
    txn.commit().await.map_err(db::DbError::from)?;
    Ok(true)
}
