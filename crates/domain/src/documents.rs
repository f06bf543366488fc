//! Which documents of a dossier can exist now, and why not when they cannot (user guides A.14,
//! B.15, B.16): « Suivi – Info » shows a button only for an available document, and the reason
//! otherwise.

use serde::{Deserialize, Serialize};

use crate::{ContractType, NiveauSaisie, Status};

/// The documents of « Suivi – Info ».
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// The CERFA contract (FA13 apprentissage, EJ20 professionnalisation).
    Cerfa,
    /// The convention de formation, which concerns the company.
    Convention,
    /// The training calendar.
    Calendrier,
    /// The training programme.
    Programme,
}

impl DocumentKind {
    /// Every document, in the order « Suivi – Info » lists them.
    pub const ALL: [Self; 4] = [
        Self::Cerfa,
        Self::Convention,
        Self::Calendrier,
        Self::Programme,
    ];

    /// The kind as the API spells it.
    pub fn key(self) -> &'static str {
        match self {
            Self::Cerfa => "cerfa",
            Self::Convention => "convention",
            Self::Calendrier => "calendrier",
            Self::Programme => "programme",
        }
    }

    /// The kind named `key`.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.key() == key)
    }
}

/// What decides whether a document exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentFacts {
    /// The dossier's status.
    pub status: Status,
    /// Its niveau de saisie.
    pub niveau_saisie: NiveauSaisie,
    /// Its contract type.
    pub contract_type: ContractType,
    /// Whether a CERFA made outside the platform was deposited (saisie simple).
    pub cerfa_deposited: bool,
    /// Whether the formation has uploaded its calendar.
    pub calendrier_available: bool,
    /// Whether the formation has uploaded its programme.
    pub programme_available: bool,
}

/// One document's availability.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Availability {
    /// Which document.
    pub kind: DocumentKind,
    /// Its French name (« CERFA FA13 », « Convention de formation »…).
    pub label: &'static str,
    /// Whether it can be downloaded now.
    pub available: bool,
    /// Why not, in French, when it cannot.
    pub reason: Option<&'static str>,
}

fn validated(status: Status) -> bool {
    matches!(
        status,
        Status::Validated | Status::EconomicsValidated | Status::InSignature | Status::Signed
    )
}

fn economics_validated(status: Status) -> bool {
    matches!(
        status,
        Status::EconomicsValidated | Status::InSignature | Status::Signed
    )
}

/// Whether `kind` can exist for a dossier, and why not.
pub fn availability(kind: DocumentKind, facts: &DocumentFacts) -> Availability {
    let label = match (kind, facts.contract_type) {
        (DocumentKind::Cerfa, ContractType::Apprentissage) => {
            "CERFA FA13 (contrat d'apprentissage)"
        }
        (DocumentKind::Cerfa, ContractType::Professionnalisation) => {
            "CERFA EJ20 (contrat de professionnalisation)"
        }
        (DocumentKind::Convention, _) => "Convention de formation",
        (DocumentKind::Calendrier, _) => "Calendrier de la formation",
        (DocumentKind::Programme, _) => "Programme de la formation",
    };
    let reason = if facts.status == Status::Cancelled {
        Some("Le dossier est annulé : aucun document n'est établi.")
    } else {
        match kind {
            DocumentKind::Cerfa
                if facts.niveau_saisie == NiveauSaisie::Simple && !facts.cerfa_deposited =>
            {
                Some(
                    "En saisie simple, le CERFA est établi hors de la plateforme : il sera disponible ici une fois déposé par l'employeur ou l'alternant.",
                )
            }
            DocumentKind::Cerfa if facts.niveau_saisie == NiveauSaisie::Simple => None,
            DocumentKind::Cerfa if !validated(facts.status) => {
                Some("Le CERFA est disponible une fois le dossier validé par la formation.")
            }
            DocumentKind::Convention if !economics_validated(facts.status) => Some(
                "La convention est disponible une fois les éléments économiques du dossier validés par le CFA.",
            ),
            DocumentKind::Calendrier if !facts.calendrier_available => Some(
                "Le calendrier de la formation n'est pas encore disponible : informez-en votre conseiller CFA.",
            ),
            DocumentKind::Programme if !facts.programme_available => Some(
                "Le programme de la formation n'est pas encore disponible : informez-en votre conseiller CFA.",
            ),
            _ => None,
        }
    };
    Availability {
        kind,
        label,
        available: reason.is_none(),
        reason,
    }
}

/// Every document's availability, in order.
pub fn availabilities(facts: &DocumentFacts) -> Vec<Availability> {
    DocumentKind::ALL
        .into_iter()
        .map(|kind| availability(kind, facts))
        .collect()
}
