//! Formations and their variants: created and changed by CFA staff (`domain::access::
//! manages_formations`, asked by the handlers), each change written in one transaction with
//! what follows from it — the responsables, and the listing of the formation's dossiers, whose
//! completeness depends on the mission mode and the dates.

use api_types::formations::FormationRequest;
use chrono::NaiveDate;
use db::entities::{formation, variant};
use domain::AccessCode;

use crate::{
    error::ApiError,
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
    row.calendrier_available = settings.calendrier_available;
    row.programme_available = settings.programme_available;
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
        calendrier_available: false,
        programme_available: false,
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
    let dossiers = db::queries::dossiers::of_formation(&txn, &state.seal, &row.id).await?;
    crate::services::dossiers::refresh_listings(&txn, dossiers, row.updated_at.date_naive(), true)
        .await?;
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

/// A changed variant (checked), with the listing of its formation's dossiers (the variant's
/// dates decide whether they are complete).
pub async fn save_variant(
    state: &AppState,
    mut row: variant::Model,
) -> Result<variant::Model, ApiError> {
    row.updated_at = state.clock.now();
    let (_queued, txn) = state.begin_write().await?;
    db::queries::formations::save_variant(&txn, row.clone()).await?;
    let dossiers =
        db::queries::dossiers::of_formation(&txn, &state.seal, &row.formation_id).await?;
    crate::services::dossiers::refresh_listings(&txn, dossiers, row.updated_at.date_naive(), true)
        .await?;
    txn.commit().await.map_err(db::DbError::from)?;
    Ok(row)
}
