//! Inviting apprentices, one or thousands at a time.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::FieldErrorBody;

/// `POST /api/v1/invitations`, and one row of `POST /api/v1/invitations/bulk`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"email": "lea.martin@example.fr", "first_name": "Léa", "last_name": "Martin", "access_code": "F724"})))]
pub struct InvitationRequest {
    /// The apprentice's address.
    #[serde(default)]
    pub email: String,
    /// First name.
    #[serde(default)]
    pub first_name: String,
    /// Last name.
    #[serde(default)]
    pub last_name: String,
    /// The formation's or variant's access code.
    #[serde(default)]
    pub access_code: String,
}

/// An invitation: the apprentice's account and draft dossier, and the e-mail that went out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": "6f1c2e0a-3b7d-4f5e-9a8b-1c2d3e4f5a6b",
    "user_id": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
    "dossier_id": "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9",
    "email": "lea.martin@example.fr",
    "first_name": "Léa",
    "last_name": "Martin",
    "access_code": "F724",
    "formation_id": "00000000-0000-4000-8000-000000000724",
    "created_at": "2026-11-24T09:30:00Z",
    "last_sent_at": "2026-11-24T09:30:00Z",
    "password_expires_at": "2026-11-24T10:30:00Z",
    "accepted": false
})))]
pub struct InvitationBody {
    /// Identifier, to renew it or correct its address.
    pub id: String,
    /// The invited apprentice's account.
    pub user_id: String,
    /// The draft dossier made for the invitation.
    pub dossier_id: String,
    /// Where the invitation was sent.
    pub email: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// The normalised access code.
    pub access_code: String,
    /// The formation.
    pub formation_id: String,
    /// When the apprentice was invited.
    #[serde(with = "crate::wire_time::timestamp")]
    pub created_at: DateTime<Utc>,
    /// When the last invitation e-mail was queued.
    #[serde(with = "crate::wire_time::timestamp")]
    pub last_sent_at: DateTime<Utc>,
    /// Until when the generated password works; `null` once the apprentice chose one.
    #[serde(default, with = "crate::wire_time::opt_timestamp")]
    pub password_expires_at: Option<DateTime<Utc>>,
    /// Whether the apprentice has signed in since.
    pub accepted: bool,
}

/// `PATCH /api/v1/invitations/{id}`: correct the address (user guide B.3); a new password is
/// sent there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"email": "lea.martin@example.fr"})))]
#[serde(deny_unknown_fields)]
pub struct InvitationEmailPatch {
    /// The right address.
    pub email: String,
}

/// What happened to one row of a bulk invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BulkRowStatus {
    /// Account (or dossier) created and invitation e-mail queued.
    Created,
    /// The apprentice already has a dossier in this formation: nothing done.
    AlreadyInvited,
    /// The row was refused; `errors` says why.
    Error,
}

/// One row's report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkRowResult {
    /// 1 for the first data row (the CSV header row is not counted).
    pub row: usize,
    /// The address as sent.
    pub email: String,
    /// What happened.
    pub status: BulkRowStatus,
    /// Why the row was refused.
    #[serde(default)]
    pub errors: Vec<FieldErrorBody>,
    /// The dossier created or already there.
    #[serde(default)]
    pub dossier_id: Option<String>,
}

/// Counts of a bulk invitation's rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkSummary {
    /// Rows created.
    pub created: usize,
    /// Rows already invited.
    pub already_invited: usize,
    /// Rows refused.
    pub errors: usize,
}

/// `POST /api/v1/invitations/bulk`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "results": [
        {"row": 1, "email": "lea.martin@example.fr", "status": "created", "errors": [], "dossier_id": "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9"},
        {"row": 2, "email": "hugo.bernard@example.fr", "status": "already_invited", "errors": [], "dossier_id": "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d"},
        {"row": 3, "email": "pas-une-adresse", "status": "error", "errors": [{"field": "email", "code": "email_format", "message": "Saisissez une adresse électronique valide (ex. prenom.nom@exemple.fr)."}], "dossier_id": null}
    ],
    "summary": {"created": 1, "already_invited": 1, "errors": 1}
})))]
pub struct BulkInvitationResponse {
    /// One entry per row, in order.
    pub results: Vec<BulkRowResult>,
    /// Counts per status.
    pub summary: BulkSummary,
}

/// Filter and page of the invitation list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct InvitationFilter {
    /// Only this formation's invitations.
    pub formation_id: Option<String>,
    /// Only the invitation of this dossier (its staff screen shows it with its actions).
    pub dossier_id: Option<String>,
    /// At most this many (default 100, at most 1 000).
    pub limit: Option<u64>,
    /// Skip this many.
    pub offset: Option<u64>,
}

/// The separator a CSV of invitations uses: the one its header row holds most of, `;` (French
/// spreadsheets), tab or `,`. The server reads the file with it and the app previews it with it.
pub fn csv_delimiter(header: &str) -> u8 {
    [b';', b'\t', b',']
        .into_iter()
        .max_by_key(|d| header.bytes().filter(|b| b == d).count())
        .unwrap_or(b',')
}
