//! What the evaluation and the legal rules share: a dossier's read values with the facts the
//! catalogue's conditions depend on, and the issues both report. Both import this module and
//! neither imports the other's internals, so the rules do not depend on the evaluation.

use std::borrow::Cow;

use serde::Serialize;

use crate::{
    catalogue::{Cond, FieldId},
    codes::is_public_employer,
    dates::age_on,
    settings::{ContractType, EvaluationSettings},
    values::{Read, Value},
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
    pub(crate) fn derive(reads: &[Read], settings: &EvaluationSettings) -> Self {
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

    pub(crate) fn holds(&self, cond: Cond, settings: &EvaluationSettings) -> bool {
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
pub(crate) fn is_avenant_type(code: &str) -> bool {
    code.len() == 2 && code.starts_with('3')
}
