//! Accounts, sessions, passwords and API tokens.

use chrono::{DateTime, Utc};
use domain::Role;
use serde::{Deserialize, Serialize};

/// `POST /api/v1/auth/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"email": "alternant@demo.opuntia.test", "password": "opuntia-demo"})))]
pub struct LoginRequest {
    /// The address the account was created with (case does not matter).
    pub email: String,
    /// The chosen password, or the one-hour password of the invitation e-mail.
    pub password: String,
}

/// A user as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserBody {
    /// Stable identifier (UUID).
    pub id: String,
    /// Lower-cased e-mail address, the login.
    pub email: String,
    /// The user's one role.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::schema::RoleSchema))]
    pub role: Role,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Whether the user signed in with a generated password and should now choose one.
    pub password_change_required: bool,
}

/// The answer to a successful login or refresh.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "access_token": "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIuLi4ifQ.c2lnbmF0dXJl",
    "token_type": "Bearer",
    "expires_in": 900,
    "user": {"id": "00000000-0000-4000-8000-000000000004", "email": "alternant@demo.opuntia.test", "role": "alternant", "first_name": "Léa", "last_name": "Martin", "password_change_required": false}
})))]
pub struct LoginResponse {
    /// A short-lived JWT to send as `Authorization: Bearer <access_token>`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires; refresh it with `POST /api/v1/auth/refresh`.
    pub expires_in: u64,
    /// Who signed in.
    pub user: UserBody,
}

/// `POST /api/v1/auth/password/forgot`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"email": "alternant@demo.opuntia.test"})))]
pub struct ForgotPasswordRequest {
    /// The account's address. The answer is the same whether or not it is known.
    pub email: String,
}

/// `POST /api/v1/auth/password/reset`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResetPasswordRequest {
    /// The token of the e-mailed link; it works once, for one hour.
    pub token: String,
    /// The new password (10 to 128 characters).
    pub password: String,
}

/// `POST /api/v1/auth/password`: a signed-in user changes their password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangePasswordRequest {
    /// The current password (the generated one too, within its hour).
    pub current_password: String,
    /// The new password (10 to 128 characters).
    pub new_password: String,
}

/// Which dossiers a user may open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DossierScope {
    /// The dossiers where the user is the apprentice or the company contact.
    Own,
    /// The dossiers of the formations the user is responsable of.
    Formations,
    /// Every dossier (CFA staff); `dossier_ids` is then left empty, use the dossier list.
    All,
}

/// `GET /api/v1/me`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "user": {"id": "00000000-0000-4000-8000-000000000002", "email": "formation@demo.opuntia.test", "role": "formation", "first_name": "Claire", "last_name": "Dubois", "password_change_required": false},
    "dossier_scope": "formations",
    "dossier_ids": ["00000000-0000-4000-8000-00000000d001"],
    "formation_ids": ["00000000-0000-4000-8000-000000000724", "00000000-0000-4000-8000-000000000728"]
})))]
pub struct MeBody {
    /// The signed-in user.
    pub user: UserBody,
    /// Which dossiers the user may open.
    pub dossier_scope: DossierScope,
    /// The dossiers the user may open (empty for the `all` scope).
    pub dossier_ids: Vec<String>,
    /// The formations the user is responsable of (formation role).
    pub formation_ids: Vec<String>,
}

/// `POST /api/v1/users`: CFA staff create an account, invited with a one-hour password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"email": "responsable@ecole.example.fr", "first_name": "Claire", "last_name": "Dubois", "role": "formation"})))]
pub struct NewUserRequest {
    /// The new user's address.
    pub email: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// The role (apprentices are better invited to a formation: `POST /api/v1/invitations`).
    #[cfg_attr(feature = "openapi", schema(value_type = crate::schema::RoleSchema))]
    pub role: Role,
}

/// What an API token may do. A token acts as the user who made it, within its scopes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TokenScope {
    /// Invite apprentices (`/invitations`, `/invitations/bulk`).
    Invitations,
    /// Read formations and variants.
    FormationsRead,
    /// Create and change formations and variants (CFA staff only).
    FormationsWrite,
    /// Read dossiers.
    DossiersRead,
    /// Change dossiers.
    DossiersWrite,
}

impl TokenScope {
    /// Every scope.
    pub const ALL: [Self; 5] = [
        Self::Invitations,
        Self::FormationsRead,
        Self::FormationsWrite,
        Self::DossiersRead,
        Self::DossiersWrite,
    ];

    /// The scope's name on the wire.
    pub fn key(self) -> &'static str {
        match self {
            Self::Invitations => "invitations",
            Self::FormationsRead => "formations_read",
            Self::FormationsWrite => "formations_write",
            Self::DossiersRead => "dossiers_read",
            Self::DossiersWrite => "dossiers_write",
        }
    }

    /// The scope named `key`.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|scope| scope.key() == key)
    }
}

/// `POST /api/v1/api-tokens`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"name": "Import Ypareo", "scopes": ["invitations"], "expires_at": "2027-09-30T00:00:00Z"})))]
pub struct ApiTokenRequest {
    /// What the token is for, to recognise it in the list.
    pub name: String,
    /// What it may do; at least one.
    pub scopes: Vec<TokenScope>,
    /// When it stops working; never when absent.
    #[serde(default)]
    #[serde(with = "crate::wire_time::opt_timestamp")]
    pub expires_at: Option<DateTime<Utc>>,
}

/// An API token, without its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiTokenBody {
    /// Identifier, used to revoke it.
    pub id: String,
    /// What the token is for.
    pub name: String,
    /// What it may do.
    pub scopes: Vec<TokenScope>,
    /// When it was made.
    #[serde(with = "crate::wire_time::timestamp")]
    pub created_at: DateTime<Utc>,
    /// When it stops working, if ever.
    #[serde(default, with = "crate::wire_time::opt_timestamp")]
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was last used.
    #[serde(default, with = "crate::wire_time::opt_timestamp")]
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it was revoked.
    #[serde(default, with = "crate::wire_time::opt_timestamp")]
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A new API token: the secret is shown this once and never again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedApiTokenBody {
    /// The secret to send as `Authorization: Bearer <token>`.
    pub token: String,
    /// The token's description.
    #[serde(flatten)]
    pub api_token: ApiTokenBody,
}

/// Filter of the user list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct UserFilter {
    /// Only users of this role (`alternant`, `employeur`, `formation`, `cfa`).
    pub role: Option<String>,
}
