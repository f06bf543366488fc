//! Signature circuits (DESIGN.md « Core endpoints »): the circuit as the parties follow it, what
//! a signer's link opens, and what a signer sends.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A signer of a circuit, as Suivi shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignerBody {
    /// The signer's id in this circuit.
    pub id: String,
    /// `employeur`, `alternant`, `representant_legal` or `cfa`.
    pub role: String,
    /// Their name.
    pub name: String,
    /// Where their link and code go.
    pub email: String,
    /// What they sign: `cerfa`, `convention`.
    pub documents: Vec<String>,
    /// Their turn (lower first; equal turns sign in parallel).
    pub order: i32,
    /// `waiting` (their turn has not come), `pending`, `signed` or `refused`.
    pub status: String,
    /// `online` or `paper`.
    pub channel: String,
    /// When they signed.
    #[serde(default, with = "crate::wire_time::opt_timestamp")]
    pub signed_at: Option<DateTime<Utc>>,
    /// Why they refused.
    pub refusal_reason: Option<String>,
}

/// A dossier's signature circuit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CircuitBody {
    /// The circuit's id.
    pub id: String,
    /// `in_progress`, `completed`, `refused` or `cancelled`.
    pub status: String,
    /// `builtin`, `docusign` or `paper`.
    pub provider: String,
    /// When the CFA sent the documents.
    #[serde(with = "crate::wire_time::timestamp")]
    pub started_at: DateTime<Utc>,
    /// When it ended.
    #[serde(default, with = "crate::wire_time::opt_timestamp")]
    pub ended_at: Option<DateTime<Utc>>,
    /// Why it ended without every signature.
    pub end_reason: Option<String>,
    /// The SHA-256 of the exact CERFA sent.
    pub cerfa_sha256: String,
    /// The SHA-256 of the exact convention sent.
    pub convention_sha256: String,
    /// The signers, in their turns' order.
    pub signers: Vec<SignerBody>,
}

/// What the CFA chooses when sending for signature; the body may be left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StartSignatureRequest {
    /// The signers who sign on paper (`employeur`, `alternant`, `representant_legal`, `cfa`):
    /// they get no link; the CFA uploads the scan of what they signed. Every signer on paper
    /// makes a paper circuit. Empty by default: everyone signs online.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = json!(["employeur"])))]
    pub paper_signers: Vec<String>,
}

/// A document a signer signs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SigningDocumentBody {
    /// `cerfa` or `convention`.
    pub kind: String,
    /// Its French name.
    pub label: String,
    /// The SHA-256 of the bytes to sign.
    pub sha256: String,
}

/// Who a link's holder is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SigningSignerBody {
    /// Their name.
    pub name: String,
    /// Their role's key.
    pub role: String,
    /// Their role in French.
    pub role_label: String,
    /// The address the code goes to, partly hidden (`l***@exemple.fr`).
    pub email_hint: String,
}

/// What a signer's link opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SigningBody {
    /// The signer.
    pub signer: SigningSignerBody,
    /// The apprentice whose contract it is.
    pub apprentice: String,
    /// What to sign.
    pub documents: Vec<SigningDocumentBody>,
    /// `pending`: it is their turn.
    pub status: String,
    /// Where they sign: `builtin` (this page, with a one-time code) or `docusign` (DocuSign's
    /// page, from `POST /signing/{token}/view`).
    pub provider: String,
}

/// Where a signer signs at the circuit's provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SigningViewBody {
    /// The provider's signing page: single-use, valid a few minutes; the browser goes there
    /// at once and comes back to `/signature/{token}?event=…`.
    pub url: String,
}

/// A signer's confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"code": "482913", "name": "Paul Girard", "consent": true})))]
pub struct SignRequest {
    /// The six digits mailed.
    pub code: String,
    /// The signer's name, typed.
    pub name: String,
    /// The consent box: must be `true`.
    pub consent: bool,
}

/// A signer's refusal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"reason": "Le salaire indiqué n'est pas celui convenu."})))]
pub struct RefusalRequest {
    /// Why: told to the CFA, kept with the circuit.
    pub reason: String,
}
