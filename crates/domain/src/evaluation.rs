//! Evaluation: dossier content + settings → for every field ok / missing (green) / invalid, for
//! every tab its check mark and what it lacks, for the dossier whether it is complete (user guide
//! B.8), plus the legal warnings and the minimum remuneration.

use std::borrow::Cow;

use serde::{Serialize, Serializer, ser::SerializeMap};
use serde_json::Value as Json;

pub use crate::snapshot::Issue;
use crate::{
    catalogue::{Dependent, FIELDS, FieldDef, FieldId},
    remuneration::{RemunerationInput, RemunerationLine, minimum_lines},
    rules,
    settings::{EvaluationSettings, MissionMode, NiveauSaisie, Tab},
    snapshot::{Facts, Snapshot, is_avenant_type},
    values::{Read, read},
};

/// Where a field stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldStatus {
    /// Validly filled.
    Ok,
    /// Empty, and not required.
    Empty,
    /// Required and empty: painted green.
    Missing,
    /// Filled with a value that is refused: painted green with the message.
    Invalid,
    /// Not shown in this dossier (a condition does not hold).
    Hidden,
}

/// One field's evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldEvaluation {
    /// The field's CERFA key.
    pub key: &'static str,
    /// Where it stands.
    pub status: FieldStatus,
    /// Whether it is required now (red asterisk).
    pub required: bool,
    /// The label, when it changes with another field's value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<&'static str>,
    /// The help, when it changes with another field's value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<&'static str>,
}

impl FieldEvaluation {
    /// Whether the interface paints the field green: required and not validly filled.
    pub fn is_green(&self) -> bool {
        matches!(self.status, FieldStatus::Missing | FieldStatus::Invalid)
    }
}

/// One tab's evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TabEvaluation {
    /// Which tab.
    #[serde(skip)]
    pub tab: Tab,
    /// Whether the tab is shown for this dossier.
    pub shown: bool,
    /// Whether the dossier needs this tab complete to be complete.
    pub required: bool,
    /// Whether every required field is validly filled: the check mark.
    pub complete: bool,
    /// Keys of the required fields that are empty.
    pub missing: Vec<&'static str>,
    /// Fields whose value is refused, with why.
    pub invalid: Vec<Issue>,
}

/// The five data tabs' evaluations, serialised as a map keyed by tab key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tabs(pub [TabEvaluation; 5]);

impl Tabs {
    /// One tab's evaluation.
    pub fn get(&self, tab: Tab) -> &TabEvaluation {
        &self.0[tab.index()]
    }
}

impl Serialize for Tabs {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(5))?;
        for tab in &self.0 {
            map.serialize_entry(tab.tab.key(), tab)?;
        }
        map.end()
    }
}

/// The whole evaluation of a dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    /// Whether the dossier is complete (user guide B.8): validation may be requested.
    pub complete: bool,
    /// Each tab's check mark and what it lacks.
    pub tabs: Tabs,
    /// Each field of the catalogue, in catalogue order.
    pub fields: Vec<FieldEvaluation>,
    /// What the CFA should look at but may accept.
    pub warnings: Vec<Issue>,
    /// The CERFA's remuneration lines at their legal minimum; empty while dates are missing.
    pub remuneration: Vec<RemunerationLine>,
}

impl Evaluation {
    /// One field's evaluation.
    pub fn field(&self, id: FieldId) -> &FieldEvaluation {
        &self.fields[id as usize]
    }

    /// The tabs the dossier needs and that are not complete yet.
    pub fn incomplete_tabs(&self) -> Vec<Tab> {
        self.tabs
            .0
            .iter()
            .filter(|t| t.required && !t.complete)
            .map(|t| t.tab)
            .collect()
    }
}

/// The value at a dotted CERFA key in grouped content (`apprenti.adresse.voie`).
pub fn lookup<'a>(content: &'a Json, key: &str) -> Option<&'a Json> {
    key.split('.')
        .try_fold(content, |node, part| node.get(part))
}

/// Whether the tab is shown under these settings.
pub fn tab_shown(tab: Tab, settings: &EvaluationSettings) -> bool {
    match tab {
        Tab::Base | Tab::Alternant | Tab::Employeur => true,
        Tab::Contrat => settings.niveau_saisie == NiveauSaisie::Complete,
        Tab::Mission => settings.mission != MissionMode::Hidden,
    }
}

/// Whether the dossier needs the tab complete. User guide B.8 names L'alternant, L'employeur, Les
/// données du contrat (saisie complète) and La mission (when required); Données de base, which
/// opened the others, must stay valid too.
pub fn tab_required(tab: Tab, settings: &EvaluationSettings) -> bool {
    match tab {
        Tab::Mission => settings.mission == MissionMode::Required,
        other => tab_shown(other, settings),
    }
}

/// The label and help of a dependent field for the current answers, when they differ from the
/// catalogue's.
fn dependent_text(
    dependent: Dependent,
    s: &Snapshot<'_>,
) -> (Option<&'static str>, Option<&'static str>) {
    match dependent {
        Dependent::IntituleDernierDiplome => match s.code(FieldId::ApprentiDerniereClasse) {
            Some("01") => (
                Some("Nom exact du diplôme ou titre obtenu"),
                Some(
                    "Vous avez obtenu ce diplôme : indiquez son intitulé exact, par ex. « DUT Génie électrique et informatique industrielle ».",
                ),
            ),
            Some("11" | "12" | "21" | "22" | "31" | "32") => (
                Some("Nom exact du diplôme ou titre en préparation"),
                Some(
                    "Vous poursuivez un cycle : indiquez le diplôme que vous préparez, par ex. « Diplôme d'ingénieur de l'École … ».",
                ),
            ),
            Some(_) => (
                Some("Nom exact de la dernière formation suivie"),
                Some("Indiquez la dernière classe ou formation suivie, par ex. « Classe de 3e »."),
            ),
            None => (
                None,
                Some(
                    "Son sens dépend de votre réponse à « Dernière classe / année suivie » : renseignez-la d'abord.",
                ),
            ),
        },
        Dependent::NumeroContratPrecedent => match s.code(FieldId::ContratType) {
            Some("21" | "22" | "23") => (Some("Numéro du contrat précédent"), None),
            Some(t) if is_avenant_type(t) => {
                (Some("Numéro du contrat sur lequel porte l'avenant"), None)
            }
            _ => (None, None),
        },
        Dependent::DateFinContrat => match s.code(FieldId::ContratModeContractuel) {
            Some("2") => (
                Some("Date de fin de la période d'apprentissage"),
                Some("Le contrat est un CDI : indiquez la fin de la période d'apprentissage."),
            ),
            _ => (None, None),
        },
    }
}

/// Every field of the catalogue as read from `content`. Fields of hidden tabs, or that do not
/// exist for this contract, are not read: what they hold from another niveau de saisie must not
/// decide anything.
fn read_all(content: &Json, settings: &EvaluationSettings) -> Vec<Read> {
    let version = settings.cerfa_version;
    let tabs_shown = Tab::ALL.map(|tab| tab_shown(tab, settings));
    FIELDS
        .iter()
        .map(|field| {
            if tabs_shown[field.tab.index()] && field.applies_to(settings.contract_type, version) {
                read(field.kind, lookup(content, field.key), version)
            } else {
                Read::Empty
            }
        })
        .collect()
}

/// Whether the apprentice is a minor non émancipé on the day of signature, so that their legal
/// representative signs the contract too (cerfa.md §3.6).
pub fn minor_not_emancipated(content: &Json, settings: &EvaluationSettings) -> bool {
    Facts::derive(&read_all(content, settings), settings).minor_not_emancipated
}

/// Evaluates a dossier's content under its settings. Pure and fast: the browser runs it on every
/// keystroke, the server before every decision.
pub fn evaluate(content: &Json, settings: &EvaluationSettings) -> Evaluation {
    let version = settings.cerfa_version;
    let tabs_shown = Tab::ALL.map(|tab| tab_shown(tab, settings));
    let applies = |field: &FieldDef| {
        tabs_shown[field.tab.index()] && field.applies_to(settings.contract_type, version)
    };
    let reads = read_all(content, settings);
    let facts = Facts::derive(&reads, settings);
    let snapshot = Snapshot {
        reads: &reads,
        settings,
        facts: &facts,
    };

    let mut statuses: Vec<(bool, bool)> = Vec::with_capacity(FIELDS.len());
    let mut fields: Vec<FieldEvaluation> = FIELDS
        .iter()
        .zip(&reads)
        .map(|(field, value)| {
            let shown = applies(field) && facts.holds(field.shown, settings);
            let required = shown && field.required.is_some_and(|c| facts.holds(c, settings));
            statuses.push((shown, required));
            let status = match (shown, value) {
                (false, _) => FieldStatus::Hidden,
                (true, Read::Empty) if required => FieldStatus::Missing,
                (true, Read::Empty) => FieldStatus::Empty,
                (true, Read::Invalid(_)) => FieldStatus::Invalid,
                (true, Read::Valid(_)) => FieldStatus::Ok,
            };
            let (label, help) = match field.dependent {
                Some(dependent) if shown => dependent_text(dependent, &snapshot),
                _ => (None, None),
            };
            FieldEvaluation {
                key: field.key,
                status,
                required,
                label,
                help,
            }
        })
        .collect();

    // Invalid values first, then what the legal rules refuse in valid values.
    let mut invalid: Vec<(FieldId, Issue)> = FIELDS
        .iter()
        .zip(&reads)
        .zip(&statuses)
        .filter_map(|((field, value), &(shown, _))| match value {
            Read::Invalid(error) if shown => Some((
                field.id,
                Issue {
                    field: field.key,
                    code: error.code(),
                    message: Cow::Owned(error.to_string()),
                },
            )),
            _ => None,
        })
        .collect();
    let remuneration = remuneration_lines(&snapshot);
    let findings = rules::check(&snapshot, &remuneration);
    for (id, issue) in findings.invalid {
        if statuses[id as usize].0 {
            fields[id as usize].status = FieldStatus::Invalid;
            invalid.push((id, issue));
        }
    }

    let tabs = Tabs(Tab::ALL.map(|tab| {
        let shown = tabs_shown[tab.index()];
        let missing: Vec<&'static str> = if shown {
            FIELDS
                .iter()
                .zip(&statuses)
                .zip(&reads)
                .filter(|((field, (field_shown, required)), value)| {
                    let needed_here = (field.tab == tab && *required)
                        || (field.also_on == Some(tab) && *field_shown);
                    needed_here && matches!(value, Read::Empty)
                })
                .map(|((field, _), _)| field.key)
                .collect()
        } else {
            Vec::new()
        };
        let tab_invalid: Vec<Issue> = if shown {
            invalid
                .iter()
                .filter(|(id, _)| {
                    let def = id.def();
                    def.tab == tab || def.also_on == Some(tab)
                })
                .map(|(_, issue)| issue.clone())
                .collect()
        } else {
            Vec::new()
        };
        TabEvaluation {
            tab,
            shown,
            required: tab_required(tab, settings),
            complete: shown && missing.is_empty() && tab_invalid.is_empty(),
            missing,
            invalid: tab_invalid,
        }
    }));
    // A field the other tab needs always (the SIRET on L'employeur) is required for the user too.
    for (field, evaluation) in FIELDS.iter().zip(fields.iter_mut()) {
        if evaluation.status == FieldStatus::Empty && field.also_on.is_some() {
            evaluation.status = FieldStatus::Missing;
            evaluation.required = true;
        }
    }
    let complete = tabs.0.iter().filter(|t| t.required).all(|t| t.complete);
    Evaluation {
        complete,
        tabs,
        fields,
        warnings: findings.warnings,
        remuneration,
    }
}

fn remuneration_lines(s: &Snapshot<'_>) -> Vec<RemunerationLine> {
    let (Some(birth), Some(start), Some(end)) = (
        s.date(FieldId::ApprentiDateNaissance),
        s.date(FieldId::ContratDateDebut),
        s.date(FieldId::ContratDateFin),
    ) else {
        return Vec::new();
    };
    let mayotte = s
        .text(FieldId::EmployeurAdresseCodePostal)
        .is_some_and(|cp| cp.starts_with("976"));
    let qualified = s
        .code(FieldId::ApprentiDiplome)
        .and_then(crate::codes::diploma_level)
        .is_some_and(|level| level >= 4);
    minimum_lines(&RemunerationInput {
        smic: &s.settings.data.smic,
        contract_type: s.settings.contract_type,
        birth,
        start,
        end,
        smc: s
            .money(FieldId::ContratSmc)
            .filter(|_| s.facts.smc_relevant),
        mayotte,
        qualified,
    })
}
