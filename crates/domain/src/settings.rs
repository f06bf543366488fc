//! What, besides its content, decides how a dossier is evaluated: its niveau de saisie, the kind
//! of contract, and what its formation asks for.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{codes::CerfaVersion, regulatory::RegulatoryData};

/// « Niveau de saisie » chosen on Données de base (user guide B.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NiveauSaisie {
    /// « Saisie complète » (default): the contract is drawn up on the platform.
    #[default]
    Complete,
    /// « Saisie simple »: employer and apprentice already made the CERFA elsewhere, so « Les
    /// données du contrat » is neither shown nor required.
    Simple,
}

/// The kind of contract the dossier is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContractType {
    /// Contrat d'apprentissage (CERFA FA13).
    #[default]
    Apprentissage,
    /// Contrat de professionnalisation (CERFA EJ20).
    Professionnalisation,
}

/// Whether a formation shows « La mission », and whether it must be complete (user guide B.13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissionMode {
    /// The tab is not shown.
    #[default]
    Hidden,
    /// « La mission (optionnel) »: shown, not needed for the dossier to be complete.
    Optional,
    /// Shown and needed for the dossier to be complete.
    Required,
}

/// The formation's dates, shown beside its name and used while the contract dates are unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FormationDates {
    /// First day of training at the CFA.
    pub start: Option<NaiveDate>,
    /// Planned end of the exams.
    pub end: Option<NaiveDate>,
}

/// Everything besides the content that an evaluation depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationSettings {
    /// Niveau de saisie of the dossier.
    pub niveau_saisie: NiveauSaisie,
    /// Apprenticeship or professionalisation.
    pub contract_type: ContractType,
    /// What the formation wants of « La mission ».
    pub mission: MissionMode,
    /// The formation's dates, used when the content has none of its own.
    pub formation: FormationDates,
    /// The CERFA version whose code lists apply.
    pub cerfa_version: CerfaVersion,
    /// Today's date, for the rules that look at it (a birth date in the future).
    pub today: NaiveDate,
    /// The regulatory tables in force: the SMIC, the IDCC list, the ceilings.
    #[serde(skip, default = "RegulatoryData::embedded")]
    pub data: &'static RegulatoryData,
}

impl EvaluationSettings {
    /// The defaults of a new dossier, evaluated on `today`.
    pub fn new(today: NaiveDate) -> Self {
        Self {
            niveau_saisie: NiveauSaisie::default(),
            contract_type: ContractType::default(),
            mission: MissionMode::default(),
            formation: FormationDates::default(),
            cerfa_version: CerfaVersion::default(),
            today,
            data: RegulatoryData::embedded(),
        }
    }
}

/// The four kinds of users (DESIGN.md « The four roles »).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The apprentice or professionalisation student.
    Alternant,
    /// The company contact who handles the contract (usually HR).
    Employeur,
    /// A responsable de formation.
    Formation,
    /// CFA staff.
    Cfa,
}

impl Role {
    /// Every role.
    pub const ALL: [Self; 4] = [Self::Alternant, Self::Employeur, Self::Formation, Self::Cfa];

    /// The role's name in French, as the interface shows it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Alternant => "Alternant",
            Self::Employeur => "Employeur",
            Self::Formation => "Responsable de formation",
            Self::Cfa => "CFA",
        }
    }
}

/// The data tabs of a dossier (Résumé, Suivi – Info and Vie de l'étudiant hold no data of their
/// own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tab {
    /// « Données de base ».
    Base,
    /// « L'alternant ».
    Alternant,
    /// « L'employeur ».
    Employeur,
    /// « Les données du contrat ».
    Contrat,
    /// « La mission ».
    Mission,
}

impl Tab {
    /// Every data tab, in the order the interface shows them.
    pub const ALL: [Self; 5] = [
        Self::Base,
        Self::Alternant,
        Self::Employeur,
        Self::Contrat,
        Self::Mission,
    ];

    /// The tab's key in the API (`base`, `alternant`, …).
    pub fn key(self) -> &'static str {
        match self {
            Self::Base => "base",
            Self::Alternant => "alternant",
            Self::Employeur => "employeur",
            Self::Contrat => "contrat",
            Self::Mission => "mission",
        }
    }

    /// The tab's French title.
    pub fn label(self) -> &'static str {
        match self {
            Self::Base => "Données de base",
            Self::Alternant => "L'alternant",
            Self::Employeur => "L'employeur",
            Self::Contrat => "Les données du contrat",
            Self::Mission => "La mission",
        }
    }

    /// Position in [`Tab::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}
