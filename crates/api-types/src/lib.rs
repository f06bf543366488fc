//! Opuntia's wire contract: the bodies the REST API reads and writes, and its problem+json
//! errors. Serde only, compiled for the server and the browser alike; the decisions these bodies
//! carry are `domain`'s.
#![warn(missing_docs)]

use std::collections::BTreeMap;

use chrono::NaiveDate;
use domain::{
    ContractType, FieldError, MissionMode, NiveauSaisie,
    evaluation::{Evaluation, FieldStatus, Issue},
    remuneration::RemunerationLine,
};
use serde::{Deserialize, Serialize};

pub mod account;
#[cfg(feature = "csv")]
pub mod bulk_csv;
pub mod codes;
pub mod dev;
pub mod dossiers;
pub mod formations;
pub mod invitations;
pub mod platform;
pub mod regulatory;
#[cfg(feature = "openapi")]
pub mod schema;
pub mod signatures;
pub mod strict;
pub mod wire_time;

/// The media type of every error body (RFC 9457).
pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// An error answer (RFC 9457 problem details) with a stable `code` and, for validation errors,
/// the fields at fault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "type": "urn:opuntia:problem:validation_failed",
    "title": "Données invalides",
    "status": 422,
    "detail": "Certains champs sont invalides.",
    "code": "validation_failed",
    "errors": [{"field": "email", "code": "email_format", "message": "Saisissez une adresse électronique valide (ex. prenom.nom@exemple.fr)."}]
})))]
pub struct Problem {
    /// A URI naming the kind of problem: `urn:opuntia:problem:<code>`.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// A short French summary, the same for every occurrence of the kind.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// A French explanation of this occurrence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// A stable snake_case code integrations match on (`dossier_frozen`, `validation_failed`…).
    pub code: String,
    /// For validation errors: each field at fault, with why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldErrorBody>,
}

impl Problem {
    /// A problem of kind `code` with its HTTP status and French title.
    pub fn new(status: u16, code: &str, title: &str) -> Self {
        Self {
            problem_type: format!("urn:opuntia:problem:{code}"),
            title: title.to_owned(),
            status,
            detail: None,
            code: code.to_owned(),
            errors: Vec::new(),
        }
    }

    /// The same problem with a French detail.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// The same problem with the fields at fault.
    pub fn with_errors(mut self, errors: Vec<FieldErrorBody>) -> Self {
        self.errors = errors;
        self
    }
}

/// One field at fault in a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldErrorBody {
    /// The field's key (a CERFA key such as `apprenti.dateNaissance`, or a request field).
    pub field: String,
    /// A stable snake_case code.
    pub code: String,
    /// A French message for the user.
    pub message: String,
}

impl FieldErrorBody {
    /// The error of a domain parser on a request field.
    pub fn from_error(field: &str, error: &FieldError) -> Self {
        Self {
            field: field.to_owned(),
            code: error.code().to_owned(),
            message: error.to_string(),
        }
    }
}

impl From<&Issue> for FieldErrorBody {
    fn from(issue: &Issue) -> Self {
        Self {
            field: issue.field.to_owned(),
            code: issue.code.to_owned(),
            message: issue.message.clone().into_owned(),
        }
    }
}

/// A dossier's content: fields grouped by CERFA schema prefix (`apprenti`, `employeur`,
/// `maitre1`, `contrat`, `mission`, …), exactly as stored, so that keys round-trip.
pub type DossierContent = serde_json::Map<String, serde_json::Value>;

/// The formation's dates as the API writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FormationDatesBody {
    /// First day of training at the CFA.
    #[serde(default)]
    #[serde(with = "crate::wire_time::opt_date")]
    pub start_date: Option<NaiveDate>,
    /// Planned end of the exams.
    #[serde(default)]
    #[serde(with = "crate::wire_time::opt_date")]
    pub end_date: Option<NaiveDate>,
}

/// `POST /api/v1/rules/evaluate`: content to evaluate under the given settings; nothing stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvaluateRequest {
    /// « Saisie complète » (default) or « saisie simple ».
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = schema::NiveauSaisieSchema))]
    pub niveau_saisie: NiveauSaisie,
    /// `apprentissage` (default) or `professionnalisation`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = schema::ContractTypeSchema))]
    pub contract_type: ContractType,
    /// Whether the formation hides, offers or requires « La mission » (default hidden).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = schema::MissionModeSchema))]
    pub mission: MissionMode,
    /// The formation's dates, used while the contract's are unknown.
    #[serde(default)]
    pub formation: FormationDatesBody,
    /// The dossier content, grouped by CERFA prefix (`{"apprenti": {"nom": "Martin"}}`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub content: DossierContent,
}

/// One tab's evaluation: its check mark and what it lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TabEvaluationBody {
    /// Whether the tab is shown for this dossier.
    pub shown: bool,
    /// Whether the dossier needs it complete.
    pub required: bool,
    /// Whether every required field is validly filled.
    pub complete: bool,
    /// Keys of required fields still empty.
    pub missing: Vec<String>,
    /// Fields refused, with why.
    pub invalid: Vec<FieldErrorBody>,
}

/// One field's evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldEvaluationBody {
    /// `ok`, `empty`, `missing` (green), `invalid` (green, with a message) or `hidden`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "missing"))]
    pub status: FieldStatus,
    /// Whether the field is required now.
    pub required: bool,
    /// The label, when it changes with another answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The help, when it changes with another answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

/// One CERFA remuneration line at its legal minimum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RemunerationLineBody {
    /// `1.1` … `4.2`.
    pub line: String,
    /// Year of execution, 1 to 4.
    pub year: u8,
    /// First day of the line.
    #[serde(with = "crate::wire_time::date")]
    pub start: NaiveDate,
    /// Last day of the line.
    #[serde(with = "crate::wire_time::date")]
    pub end: NaiveDate,
    /// The apprentice's age on the first day.
    pub age: i32,
    /// Minimum percentage of the basis.
    pub rate: i64,
    /// `SMIC` or `SMC`.
    pub basis: String,
    /// Euros a month for 35 hours, rounded up to the cent; `null` before 2021.
    pub monthly_minimum: Option<f64>,
}

impl From<&RemunerationLine> for RemunerationLineBody {
    fn from(line: &RemunerationLine) -> Self {
        Self {
            line: line.line.clone(),
            year: line.year,
            start: line.start,
            end: line.end,
            age: line.age,
            rate: line.rate,
            basis: line.basis.code().to_owned(),
            monthly_minimum: line.monthly_minimum.map(|cents| cents as f64 / 100.0),
        }
    }
}

/// A dossier's evaluation as the API answers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvaluationBody {
    /// Whether the dossier is complete: validation may be requested.
    pub complete: bool,
    /// Per tab key (`base`, `alternant`, `employeur`, `contrat`, `mission`).
    pub tabs: BTreeMap<String, TabEvaluationBody>,
    /// Per field key.
    pub fields: BTreeMap<String, FieldEvaluationBody>,
    /// What the CFA should look at but may accept.
    pub warnings: Vec<FieldErrorBody>,
    /// The CERFA's remuneration lines, at most eight; empty while dates are missing.
    pub remuneration: Vec<RemunerationLineBody>,
}

impl From<&Evaluation> for EvaluationBody {
    fn from(evaluation: &Evaluation) -> Self {
        Self {
            complete: evaluation.complete,
            tabs: evaluation
                .tabs
                .0
                .iter()
                .map(|tab| {
                    (
                        tab.tab.key().to_owned(),
                        TabEvaluationBody {
                            shown: tab.shown,
                            required: tab.required,
                            complete: tab.complete,
                            missing: tab.missing.iter().map(|k| (*k).to_owned()).collect(),
                            invalid: tab.invalid.iter().map(FieldErrorBody::from).collect(),
                        },
                    )
                })
                .collect(),
            fields: evaluation
                .fields
                .iter()
                .map(|field| {
                    (
                        field.key.to_owned(),
                        FieldEvaluationBody {
                            status: field.status,
                            required: field.required,
                            label: field.label.map(str::to_owned),
                            help: field.help.map(str::to_owned),
                        },
                    )
                })
                .collect(),
            warnings: evaluation
                .warnings
                .iter()
                .map(FieldErrorBody::from)
                .collect(),
            remuneration: evaluation
                .remuneration
                .iter()
                .map(RemunerationLineBody::from)
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_serialises_with_the_rfc_9457_members_and_a_stable_code() {
        let problem = Problem::new(409, "dossier_frozen", "Dossier figé")
            .with_detail("Le dossier est validé : aucune modification n'est possible.");
        let json = serde_json::to_value(&problem).unwrap();
        assert_eq!(json["type"], "urn:opuntia:problem:dossier_frozen");
        assert_eq!(json["status"], 409);
        assert_eq!(json["code"], "dossier_frozen");
        assert!(json.get("errors").is_none(), "no empty errors array");
    }

    #[test]
    fn an_evaluate_request_needs_only_its_content() {
        let request: EvaluateRequest =
            serde_json::from_str(r#"{"content": {"apprenti": {"nom": "Martin"}}}"#).unwrap();
        assert_eq!(request.niveau_saisie, NiveauSaisie::Complete);
        assert_eq!(request.contract_type, ContractType::Apprentissage);
        assert_eq!(request.content["apprenti"]["nom"], "Martin");
    }

    #[test]
    fn a_field_error_carries_the_domain_code_and_french_message() {
        let body = FieldErrorBody::from_error("employeur.siret", &FieldError::SiretChecksum);
        assert_eq!(body.code, "siret_checksum");
        assert!(body.message.contains("SIRET"));
    }
}
