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

/// Who signs the contract and the convention of a formation's dossiers, and when.
#[derive(serde::Serialize, ToSchema)]
#[schema(as = SignaturePlan)]
#[allow(dead_code)]
pub struct SignaturePlanSchema {
    /// Each role once. The contract needs the employer, the apprentice, the legal representative
    /// (who signs only for a minor non émancipé) and the CFA; the convention the employer and
    /// the CFA.
    signers: Vec<PlannedSignerSchema>,
    /// Days after a signer's turn came when they are reminded: 1 to 28, five at most.
    #[schema(max_items = 5)]
    reminder_days: Vec<u32>,
}

/// One signer of a plan.
#[derive(serde::Serialize, ToSchema)]
#[schema(as = PlannedSigner)]
#[allow(dead_code)]
pub struct PlannedSignerSchema {
    /// Who.
    role: SignerRoleSchema,
    /// What they sign.
    documents: Vec<SignableDocumentSchema>,
    /// Their turn, 1 to 9: lower first, equal turns sign in parallel.
    #[schema(minimum = 1, maximum = 9)]
    order: u32,
}

/// A signer's role in a circuit.
#[derive(serde::Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = SignerRole)]
#[allow(dead_code)]
pub enum SignerRoleSchema {
    /// The employer (its company contact signs).
    Employeur,
    /// The apprentice.
    Alternant,
    /// The legal representative of a minor non émancipé.
    RepresentantLegal,
    /// The CFA.
    Cfa,
}

/// A document a circuit signs.
#[derive(serde::Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = SignableDocument)]
#[allow(dead_code)]
pub enum SignableDocumentSchema {
    /// The CERFA contract.
    Cerfa,
    /// The convention de formation.
    Convention,
}
