//! Documentation twins of the domain enums that travel on the wire, so that the OpenAPI document
//! lists their values; the domain itself stays free of documentation crates. Only built with the
//! `openapi` feature.

use utoipa::ToSchema;

/// A user's role.
#[derive(serde::Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = Role)]
#[allow(dead_code)]
pub enum RoleSchema {
    /// The apprentice or professionalisation student.
    Alternant,
    /// The company contact (usually HR).
    Employeur,
    /// A responsable de formation.
    Formation,
    /// CFA staff.
    Cfa,
}

/// The kind of contract.
#[derive(serde::Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = ContractType)]
#[allow(dead_code)]
pub enum ContractTypeSchema {
    /// Contrat d'apprentissage (CERFA FA13).
    Apprentissage,
    /// Contrat de professionnalisation (CERFA EJ20).
    Professionnalisation,
}

/// Whether a formation hides, offers or requires « La mission ».
#[derive(serde::Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = MissionMode)]
#[allow(dead_code)]
pub enum MissionModeSchema {
    /// Not shown.
    Hidden,
    /// « La mission (optionnel) ».
    Optional,
    /// Needed for the dossier to be complete.
    Required,
}

/// How a formation validates a dossier once validation is requested.
#[derive(serde::Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = ValidationMode)]
#[allow(dead_code)]
pub enum ValidationModeSchema {
    /// The responsables are e-mailed and validate or return the dossier.
    Manual,
    /// The request validates the dossier at once.
    Automatic,
}

/// « Niveau de saisie ».
#[derive(serde::Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = NiveauSaisie)]
#[allow(dead_code)]
pub enum NiveauSaisieSchema {
    /// « Saisie complète ».
    Complete,
    /// « Saisie simple ».
    Simple,
}
