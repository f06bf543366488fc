//! Evaluation: dossier content + settings → for every field ok / missing (green) / invalid, for
//! every tab its check mark and what it lacks, for the dossier whether it is complete (user guide
//! B.8), plus the legal warnings and the minimum remuneration.

use std::borrow::Cow;

use serde::{Serialize, Serializer, ser::SerializeMap};
use serde_json::Value as Json;

use crate::{
    catalogue::{Cond, Dependent, FIELDS, FieldDef, FieldId},
    codes::is_public_employer,
    dates::age_on,
    remuneration::{RemunerationInput, RemunerationLine, minimum_lines},
    rules,
    settings::{ContractType, EvaluationSettings, MissionMode, NiveauSaisie, Tab},
    values::{Read, Value, read},
};

/// A problem with one field: an invalid value, a broken legal rule, or a warning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    /// The field's CERFA key.
    pub field: &'static str,
    /// A stable snake_case code.
    pub code: &'static str,
    /// The French message shown to users.
    pub message: Cow<'static, str>,
}

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

/// The read values of a dossier, with what is shown, for the rules to consult.
pub(crate) struct Snapshot<'a> {
    pub(crate) reads: &'a [Read],
    pub(crate) settings: &'a EvaluationSettings,
    pub(crate) facts: &'a Facts,
}

impl Snapshot<'_> {
    /// The field's value when it is filled and valid.
    pub(crate) fn valid(&self, id: FieldId) -> Option<&Value> {
        match &self.reads[id as usize] {
            Read::Valid(value) => Some(value),
            _ => None,
        }
    }
    pub(crate) fn date(&self, id: FieldId) -> Option<chrono::NaiveDate> {
        match self.valid(id) {
            Some(Value::Date(d)) => Some(*d),
            _ => None,
        }
    }
    pub(crate) fn boolean(&self, id: FieldId) -> Option<bool> {
        match self.valid(id) {
            Some(Value::Bool(b)) => Some(*b),
            _ => None,
        }
    }
    pub(crate) fn code(&self, id: FieldId) -> Option<&'static str> {
        match self.valid(id) {
            Some(Value::Code(c)) => Some(c),
            _ => None,
        }
    }
    pub(crate) fn int(&self, id: FieldId) -> Option<i64> {
        match self.valid(id) {
            Some(Value::Int(n)) => Some(*n),
            _ => None,
        }
    }
    pub(crate) fn money(&self, id: FieldId) -> Option<i64> {
        match self.valid(id) {
            Some(Value::Money(c)) => Some(*c),
            _ => None,
        }
    }
    pub(crate) fn text(&self, id: FieldId) -> Option<&str> {
        match self.valid(id) {
            Some(Value::Text(t)) => Some(t),
            _ => None,
        }
    }
    pub(crate) fn is_filled(&self, id: FieldId) -> bool {
        !matches!(self.reads[id as usize], Read::Empty)
    }
}

/// What the conditions of the catalogue depend on, derived once per evaluation.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Facts {
    pub(crate) apprentissage: bool,
    pub(crate) employer_found: bool,
    pub(crate) minor: bool,
    pub(crate) minor_not_emancipated: bool,
    pub(crate) representative_elsewhere: bool,
    pub(crate) public_employer: bool,
    pub(crate) previous_contract_asked: bool,
    pub(crate) avenant: bool,
    pub(crate) smc_relevant: bool,
    pub(crate) benefits: bool,
    pub(crate) training_elsewhere: bool,
    pub(crate) second_maitre: bool,
    pub(crate) registered_jobseeker: bool,
}

impl Facts {
    fn derive(reads: &[Read], settings: &EvaluationSettings) -> Self {
        let snapshot = Snapshot {
            reads,
            settings,
            facts: &Facts::default(),
        };
        let s = &snapshot;
        let apprentissage = settings.contract_type == ContractType::Apprentissage;
        let birth = s.date(FieldId::ApprentiDateNaissance);
        let start = s.date(FieldId::ContratDateDebut);
        let end = s.date(FieldId::ContratDateFin);
        // A minor is judged on the signature date (cerfa.md §3.6), the start while it is unknown.
        let signature = s.date(FieldId::ContratDateConclusion).or(start);
        let minor = matches!((birth, signature), (Some(b), Some(d)) if age_on(b, d) < 18);
        let minor_not_emancipated =
            minor && s.boolean(FieldId::ApprentiMineurNonEmancipe) != Some(false);
        let contract_type = s.code(FieldId::ContratType).filter(|_| apprentissage);
        let smc_age = if apprentissage { 21 } else { 26 };
        Facts {
            apprentissage,
            employer_found: s.boolean(FieldId::EmployeurTrouve) != Some(false),
            minor,
            minor_not_emancipated,
            representative_elsewhere: minor_not_emancipated
                && s.boolean(FieldId::RepresentantMemeAdresse) == Some(false),
            public_employer: is_public_employer(
                s.code(FieldId::EmployeurPrivePublic),
                s.code(FieldId::EmployeurType),
            ),
            previous_contract_asked: contract_type
                .is_some_and(|t| matches!(t, "21" | "22" | "23") || is_avenant_type(t)),
            avenant: contract_type.is_some_and(|t| is_avenant_type(t) && t != "38"),
            smc_relevant: matches!((birth, end), (Some(b), Some(e)) if age_on(b, e) >= smc_age),
            benefits: s.boolean(FieldId::ContratAvantageNature) == Some(true),
            training_elsewhere: s.boolean(FieldId::LieuMemeResponsable) == Some(false),
            second_maitre: [
                FieldId::Maitre2Nom,
                FieldId::Maitre2Prenom,
                FieldId::Maitre2DateNaissance,
            ]
            .into_iter()
            .any(|id| s.is_filled(id)),
            registered_jobseeker: !apprentissage
                && s.boolean(FieldId::ApprentiInscritFranceTravail) == Some(true),
        }
    }

    fn holds(&self, cond: Cond, settings: &EvaluationSettings) -> bool {
        use crate::codes::CerfaVersion;
        match cond {
            Cond::Always => true,
            Cond::EmployerFound => self.employer_found,
            Cond::Minor => self.minor,
            Cond::MinorNotEmancipated => self.minor_not_emancipated,
            Cond::RepresentativeElsewhere => self.representative_elsewhere,
            Cond::PublicEmployer => self.public_employer,
            Cond::PreviousContractAsked => self.previous_contract_asked,
            Cond::Avenant => self.avenant,
            Cond::SmcRelevant => self.smc_relevant,
            Cond::BenefitsInKind => self.benefits,
            Cond::TrainingElsewhere => self.training_elsewhere,
            Cond::SecondMaitre => self.second_maitre,
            Cond::RegisteredJobseeker => self.registered_jobseeker,
            Cond::Apprentissage => self.apprentissage,
            Cond::Professionnalisation => !self.apprentissage,
            Cond::ApprentissageFromV13 => {
                self.apprentissage && settings.cerfa_version >= CerfaVersion::V13
            }
            Cond::ApprentissageFromV14 => {
                self.apprentissage && settings.cerfa_version >= CerfaVersion::V14
            }
        }
    }
}

/// Whether a contract type code is an avenant (31–38).
fn is_avenant_type(code: &str) -> bool {
    code.len() == 2 && code.starts_with('3')
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

/// Evaluates a dossier's content under its settings. Pure and fast: the browser runs it on every
/// keystroke, the server before every decision.
pub fn evaluate(content: &Json, settings: &EvaluationSettings) -> Evaluation {
    let version = settings.cerfa_version;
    let tabs_shown = Tab::ALL.map(|tab| tab_shown(tab, settings));
    let applies = |field: &FieldDef| {
        tabs_shown[field.tab.index()] && field.applies_to(settings.contract_type, version)
    };
    // Fields of hidden tabs, or that do not exist for this contract, are not read: what they
    // hold from another niveau de saisie must not decide anything.
    let reads: Vec<Read> = FIELDS
        .iter()
        .map(|field| {
            if applies(field) {
                read(field.kind, lookup(content, field.key), version)
            } else {
                Read::Empty
            }
        })
        .collect();
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
