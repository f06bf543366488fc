//! Dossiers: reading, patching, history.

use chrono::{DateTime, NaiveDate, Utc};
use domain::{ContractType, MissionMode, NiveauSaisie, workflow::ValidationMode};
use serde::{Deserialize, Serialize};

use crate::{DossierContent, EvaluationBody};

/// The formation a dossier belongs to, with what its evaluation depends on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DossierFormationBody {
    /// The formation's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The school.
    pub school: String,
    /// The variant of the dossier.
    pub variant_id: String,
    /// The variant's access code.
    pub access_code: String,
    /// The variant's label.
    pub variant_label: String,
    /// First day of training (the variant's own when it has one), shown beside the title.
    #[serde(with = "crate::wire_time::date")]
    pub start_date: NaiveDate,
    /// Planned end (the variant's own when it has one).
    #[serde(with = "crate::wire_time::date")]
    pub end_date: NaiveDate,
    /// Whether « La mission » is hidden, optional or required.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::schema::MissionModeSchema))]
    pub mission: MissionMode,
    /// What « Demande de validation » does.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::schema::ValidationModeSchema))]
    pub validation_mode: ValidationMode,
}

/// What the caller may do with a dossier now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PermissionsBody {
    /// Workflow actions offered as buttons (`validate_base`, `request_validation`, …); whether
    /// one succeeds still depends on completeness and a reason.
    pub actions: Vec<String>,
    /// Tabs the caller may write (`base`, `alternant`, `employeur`, `contrat`, `mission`).
    pub writable_tabs: Vec<String>,
    /// Whether the caller may enter the economic elements now (CFA staff, until validated).
    pub edit_economics: bool,
    /// Whether a company contact has joined the dossier: until one has, the apprentice fills
    /// the company's fields too (user guides A.8, B.12). With the role and the status, it is
    /// what `domain::access::may_write_field` decides each field's rights from.
    #[serde(default)]
    pub company_contact_joined: bool,
}

/// `GET /api/v1/dossiers/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DossierBody {
    /// Identifier.
    pub id: String,
    /// `draft`, `in_progress`, `validation_requested`, `returned`, `validated`,
    /// `economics_validated`, `in_signature`, `signed` or `cancelled`.
    pub status: String,
    /// Increases with every change; the `ETag` is `"v<version>"`.
    pub version: i64,
    /// « Saisie complète » or « saisie simple ».
    #[cfg_attr(feature = "openapi", schema(value_type = crate::schema::NiveauSaisieSchema))]
    pub niveau_saisie: NiveauSaisie,
    /// Apprenticeship or professionalisation.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::schema::ContractTypeSchema))]
    pub contract_type: ContractType,
    /// The formation and variant.
    pub formation: DossierFormationBody,
    /// The content, keyed as the CERFA schema (`apprenti`, `employeur`, `maitre1`, `contrat`, …).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub content: DossierContent,
    /// Green fields, tab check marks, completeness, legal warnings, minimum remuneration.
    pub evaluation: EvaluationBody,
    /// What the caller may do.
    pub permissions: PermissionsBody,
    /// The economic elements, for formation and CFA staff; absent for the parties.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub economics: Option<EconomicsBody>,
    /// When it was created.
    #[serde(with = "crate::wire_time::timestamp")]
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    #[serde(with = "crate::wire_time::timestamp")]
    pub updated_at: DateTime<Utc>,
}

/// The economic elements of a dossier (`reference/cerfa.md` §6.3), as formation and CFA staff
/// see them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EconomicsBody {
    /// What the CFA entered, as stored; absent until something is.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<EconomicsInput>))]
    pub values: Option<serde_json::Value>,
    /// Whether they are entered and valid for the dossier as it is now: the economic validation
    /// needs it.
    pub ready: bool,
    /// What no longer holds since they were entered (the employer became public, the RQTH was
    /// withdrawn, …).
    pub issues: Vec<crate::FieldErrorBody>,
    /// What the convention will state, once they are ready.
    pub summary: Option<EconomicSummaryBody>,
}

/// `PUT /api/v1/dossiers/{id}/economics`: every member at once; an absent member takes its
/// neutral value (none, zero, not ticked). Amounts in euros, as numbers or French text.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"opco": "akto", "npecAnnuel": 8500, "repas": 120, "nuitees": 0, "premierEquipement": 350, "mobiliteInternationale": false, "resteACharge": 0, "mandatEmployeur": true})))]
#[serde(rename_all = "camelCase")]
pub struct EconomicsInput {
    /// The employer's OPCO: `opco2i`, `afdas`, `akto`, `atlas`, `constructys`, `ocapiat`,
    /// `opcommerce`, `opco_ep`, `opco_mobilites`, `opco_sante`, `uniformation`. Required for a
    /// private employer, refused for a public one.
    pub opco: Option<String>,
    /// Yearly NPEC (niveau de prise en charge), required.
    pub npec_annuel: Option<f64>,
    /// The NPEC is the certification level's « valeur d'amorçage ».
    pub valeur_amorcage: Option<bool>,
    /// Yearly handicap majoration, up to 4 000 €, for an apprentice with an RQTH.
    pub majoration_rqth: Option<f64>,
    /// Meals funded (3 € each at most).
    pub repas: Option<i64>,
    /// Nights funded (6 € each at most).
    pub nuitees: Option<i64>,
    /// « Premier équipement pédagogique », up to 500 €.
    pub premier_equipement: Option<f64>,
    /// International mobility is planned.
    pub mobilite_internationale: Option<bool>,
    /// What the employer pays beyond the funding, stated in the convention.
    pub reste_a_charge: Option<f64>,
    /// The employer mandates the CFA to transmit the contract (L6224-1).
    pub mandat_employeur: Option<bool>,
}

/// What the convention states, derived from the economic elements and the dossier. Amounts in
/// euros.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EconomicSummaryBody {
    /// The OPCO's name.
    pub opco_label: Option<String>,
    /// Yearly NPEC retained: after the 20 % remote-training minoration, plus the RQTH majoration.
    pub npec_retenu: f64,
    /// Whether ≥ 80 % of the training hours are at distance (NPEC − 20 %).
    pub minoration_distanciel: bool,
    /// Meals × 3 €.
    pub plafond_repas: f64,
    /// Nights × 6 €.
    pub plafond_hebergement: f64,
    /// Meals, nights and « Premier équipement ».
    pub frais_annexes: f64,
    /// The employer's legal participation (750 € for level 6+ from 1 July 2025); absent while
    /// the diploma or the conclusion date is unknown.
    pub participation_employeur: Option<f64>,
    /// Why, in French.
    pub participation_motif: String,
}

impl From<&domain::economics::EconomicSummary> for EconomicSummaryBody {
    fn from(summary: &domain::economics::EconomicSummary) -> Self {
        let euros = |cents: i64| cents as f64 / 100.0;
        Self {
            opco_label: summary.opco_label.map(str::to_owned),
            npec_retenu: euros(summary.npec_retenu),
            minoration_distanciel: summary.minoration_distanciel,
            plafond_repas: euros(summary.plafond_repas),
            plafond_hebergement: euros(summary.plafond_hebergement),
            frais_annexes: euros(summary.frais_annexes),
            participation_employeur: summary.participation_employeur.map(euros),
            participation_motif: summary.participation_motif.to_string(),
        }
    }
}

/// `PATCH /api/v1/dossiers/{id}`: a JSON merge patch of the writable part.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"content": {"apprenti": {"dateNaissance": "2005-03-10", "nomUsage": null}}})))]
#[serde(deny_unknown_fields)]
pub struct DossierPatch {
    /// Members to set (`null` removes one), merged into the content (RFC 7396).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub content: Option<serde_json::Map<String, serde_json::Value>>,
    /// A new niveau de saisie (« Données de base »).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::schema::NiveauSaisieSchema>))]
    pub niveau_saisie: Option<NiveauSaisie>,
}

/// Who made a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuthorBody {
    /// The user's id.
    pub id: String,
    /// « Prénom Nom ».
    pub name: String,
    /// Their role.
    pub role: String,
}

/// One field change of a dossier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryEntryBody {
    /// When.
    #[serde(with = "crate::wire_time::timestamp")]
    pub at: DateTime<Utc>,
    /// Who (absent for the platform itself).
    pub author: Option<AuthorBody>,
    /// The field's key (`apprenti.nom`, or `niveau_saisie`).
    pub field: String,
    /// The value before (absent: empty): text, number, yes/no, or a list (remuneration lines).
    pub old: Option<serde_json::Value>,
    /// The value after (absent: removed).
    pub new: Option<serde_json::Value>,
}

/// One status change of a dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransitionBody {
    /// When.
    #[serde(with = "crate::wire_time::timestamp")]
    pub at: DateTime<Utc>,
    /// The action (`request_validation`, `return`, …).
    pub action: String,
    /// Its French label (« Demande de validation »…).
    pub action_label: String,
    /// Status before.
    pub from: String,
    /// Status after.
    pub to: String,
    /// Who.
    pub author: Option<AuthorBody>,
    /// The comment or reason given with it.
    pub comment: Option<String>,
}

/// A workflow action the caller is offered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionBody {
    /// The action (`request_validation`…).
    pub key: String,
    /// The button's French label.
    pub label: String,
    /// Whether it needs a comment or reason.
    pub needs_comment: bool,
}

/// One document of « Suivi – Info ».
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentBody {
    /// `cerfa`, `convention`, `calendrier` or `programme`.
    pub kind: String,
    /// Its French name.
    pub label: String,
    /// Whether it can be downloaded now.
    pub available: bool,
    /// Why not, when it cannot (French, to show instead of the button).
    pub reason: Option<String>,
}

/// A document deposited: the CERFA of a dossier in saisie simple.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DepositedDocumentBody {
    /// `cerfa`.
    pub kind: String,
    /// The SHA-256 of the bytes kept, in hexadecimal: the ETag of the download.
    pub sha256: String,
    /// Its size in bytes.
    pub size: u64,
    /// The name it is downloaded under.
    pub file_name: String,
}

/// Someone to call about the dossier (user guide A.15).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DossierContactBody {
    /// What they are for (« Contact CFA – contrats d'apprentissage », « Contact de l'école »).
    pub role: String,
    /// Name.
    pub name: String,
    /// E-mail address.
    pub email: String,
    /// Phone, if known.
    pub phone: Option<String>,
}

/// `GET /api/v1/dossiers/{id}/suivi`: « Suivi – Info ».
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SuiviBody {
    /// The status.
    pub status: String,
    /// Its French label.
    pub status_label: String,
    /// Whether the dossier is complete (« Demande de validation » possible).
    pub complete: bool,
    /// Labels of the tabs still incomplete.
    pub incomplete_tabs: Vec<String>,
    /// The comment of the last return for correction, while the dossier is `returned`.
    pub return_comment: Option<String>,
    /// Every status change, oldest first.
    pub timeline: Vec<TransitionBody>,
    /// What the caller may do now.
    pub actions: Vec<ActionBody>,
    /// The documents, with their availability.
    pub documents: Vec<DocumentBody>,
    /// The contacts for this dossier's contract type and formation.
    pub contacts: Vec<DossierContactBody>,
}

/// A dossier in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DossierSummaryBody {
    /// Identifier.
    pub id: String,
    /// Status.
    pub status: String,
    /// Its French label.
    pub status_label: String,
    /// Whether every required tab is complete.
    pub complete: bool,
    /// The formation.
    pub formation_id: String,
    /// Its title.
    pub formation_title: String,
    /// The variant's access code.
    pub access_code: String,
    /// « NOM Prénom » of the apprentice.
    pub apprentice_name: Option<String>,
    /// The apprentice's address.
    pub apprentice_email: Option<String>,
    /// The employer's name.
    pub employer_name: Option<String>,
    /// The employer's SIRET.
    pub siret: Option<String>,
    /// First day of the contract.
    #[serde(default, with = "crate::wire_time::opt_date")]
    pub contract_start: Option<NaiveDate>,
    /// Last day of the contract.
    #[serde(default, with = "crate::wire_time::opt_date")]
    pub contract_end: Option<NaiveDate>,
    /// Last change.
    #[serde(with = "crate::wire_time::timestamp")]
    pub updated_at: DateTime<Utc>,
}

/// `GET /api/v1/dossiers`: one page of a filtered list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DossierListBody {
    /// The page's dossiers.
    pub items: Vec<DossierSummaryBody>,
    /// How many dossiers match in all.
    pub total: u64,
    /// This page, from 1 (with a `cursor`, the number the caller gave).
    pub page: u64,
    /// Dossiers per page.
    pub per_page: u64,
    /// The `cursor` of the next page; absent on the last one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// `GET /api/v1/dossiers/counts`: the dashboard's numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DossierCountsBody {
    /// Every dossier in scope.
    pub total: u64,
    /// Per status key (statuses without dossiers are listed with 0).
    pub by_status: std::collections::BTreeMap<String, u64>,
    /// Complete dossiers.
    pub complete: u64,
    /// Incomplete dossiers.
    pub incomplete: u64,
}

/// One entry of a code list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeBody {
    /// The code stored in the content.
    pub code: String,
    /// Its French label.
    pub label: String,
}

/// One field of the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CatalogueFieldBody {
    /// The CERFA schema key, also the path in the content (`apprenti.dateNaissance`).
    pub key: String,
    /// The tab it belongs to (`base`, `alternant`, `employeur`, `contrat`, `mission`).
    pub tab: String,
    /// Another tab that shows it too and needs it.
    pub also_on: Option<String>,
    /// The block of the tab it sits in.
    pub section: String,
    /// French label.
    pub label: String,
    /// French help (empty when the label says it all).
    pub help: String,
    /// What it holds: `{"type": "date"}`, `{"type": "text", "max": 80}`,
    /// `{"type": "code", "list": "diplome"}`…
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub kind: serde_json::Value,
    /// The accepted codes, for a code field.
    pub codes: Vec<CodeBody>,
    /// Who is expected to fill it.
    pub filled_by: Vec<String>,
    /// When it is shown, in words.
    pub shown_when: String,
    /// When it is required, in words; absent for an optional field.
    pub required_when: Option<String>,
    /// Whether the CERFA prints it.
    pub on_cerfa: bool,
}

/// Filters, sort and page of a list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ListQuery {
    /// Only this formation's dossiers.
    pub formation_id: Option<String>,
    /// Only these statuses, comma-separated (`validation_requested,returned`).
    pub status: Option<String>,
    /// Only complete (`true`) or incomplete (`false`) dossiers.
    pub complete: Option<bool>,
    /// Words to find, all of them, case aside. A word with « @ » after its first character is
    /// the apprentice's e-mail address, whole or by its start (`lea.martin@`); 9 to 14 digits
    /// are the employer's SIRET, whole, or by its start (a SIREN); any other word (`martin`,
    /// `@exemple.fr`, `acme`) is found anywhere in the apprentice's name or address, the
    /// employer's name or SIRET.
    pub q: Option<String>,
    /// `updated_at` (default), `created_at`, `name`, `status` or `contract_start`; prefix with
    /// `-` for descending (`-updated_at` is the default).
    pub sort: Option<String>,
    /// Page, from 1, within the first 10 000 dossiers; further on, use `cursor`.
    pub page: Option<u64>,
    /// Where the page starts: the `next_cursor` of the previous page (any depth, same cost).
    /// With a cursor, `page` only numbers the page in the answer.
    pub cursor: Option<String>,
    /// Dossiers per page (default 50, at most 200).
    pub per_page: Option<u64>,
}

/// The comment or reason some actions need (« Renvoyer pour correction », « Rouvrir »).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"comment": "Le SIRET ne correspond pas à l'établissement d'accueil."})))]
pub struct CommentRequest {
    /// Shown to the parties and kept in the history.
    #[serde(default, alias = "reason")]
    pub comment: Option<String>,
}
