//! The economic elements the CFA validates before the convention de formation can exist
//! (`reference/cerfa.md` §6.3): which OPCO funds the contract, the NPEC it pays, the frais
//! annexes (meals, nights, « Premier équipement », international mobility), the employer's
//! participation and any reste à charge, and whether the employer mandates the CFA.
//!
//! [`review`] reads what the CFA typed, field by field, against facts of the dossier (a public
//! employer has no OPCO; the handicap majoration needs an RQTH); [`summarise`] derives what the
//! convention states: ceilings of the frais annexes, the 750 € participation, the remote-training
//! minoration.

use std::borrow::Cow;

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Map, Value as Json};

use crate::{
    ContractType, EvaluationSettings, FieldError, FieldId,
    evaluation::{Issue, lookup},
    regulatory::{Ceilings, RegulatoryData},
    values::{Cents, Read, Value, parse_amount, parse_integer, read},
};

/// An opérateur de compétences: the branch fund that pays private employers' contracts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Opco {
    /// The stable key stored and sent by the API.
    pub key: &'static str,
    /// Its name.
    pub label: &'static str,
}

const fn opco(key: &'static str, label: &'static str) -> Opco {
    Opco { key, label }
}

/// The eleven OPCOs (`reference/cerfa.md` §5.6, IDCC → OPCO table).
pub const OPCOS: [Opco; 11] = [
    opco("opco2i", "OPCO 2i"),
    opco("afdas", "AFDAS"),
    opco("akto", "AKTO"),
    opco("atlas", "ATLAS"),
    opco("constructys", "Constructys"),
    opco("ocapiat", "OCAPIAT"),
    opco("opcommerce", "L'Opcommerce"),
    opco("opco_ep", "OPCO EP"),
    opco("opco_mobilites", "OPCO Mobilités"),
    opco("opco_sante", "OPCO Santé"),
    opco("uniformation", "Uniformation (Cohésion sociale)"),
];

const fn euros(whole: i64) -> Cents {
    whole * 100
}

/// Largest NPEC or reste à charge accepted: far above any real one, it catches typing errors.
const AMOUNT_CEILING: Cents = euros(100_000);

/// The members of the economic elements, as the API names them.
pub const KEYS: [&str; 10] = [
    "opco",
    "npecAnnuel",
    "valeurAmorcage",
    "majorationRqth",
    "repas",
    "nuitees",
    "premierEquipement",
    "mobiliteInternationale",
    "resteACharge",
    "mandatEmployeur",
];

/// The French label of a member of the economic elements, as forms and the history name it.
pub fn label(key: &str) -> Option<&'static str> {
    Some(match key {
        "opco" => "OPCO de l'employeur",
        "npecAnnuel" => "NPEC annuel",
        "valeurAmorcage" => "NPEC à la valeur d'amorçage",
        "majorationRqth" => "Majoration handicap annuelle",
        "repas" => "Nombre de repas pris en charge",
        "nuitees" => "Nombre de nuitées prises en charge",
        "premierEquipement" => "Premier équipement",
        "mobiliteInternationale" => "Mobilité internationale prévue",
        "resteACharge" => "Reste à charge de l'employeur",
        "mandatEmployeur" => "L'employeur mandate le CFA pour transmettre le contrat",
        _ => return None,
    })
}

/// What the economic elements depend on in the dossier itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EconomicFacts {
    /// A contrat d'apprentissage (the NPEC, RQTH majoration and participation are its own).
    pub apprenticeship: bool,
    /// A public employer: no OPCO, the employer funds the contract (CELIA).
    pub public_employer: bool,
    /// The apprentice declared an RQTH.
    pub rqth: bool,
    /// The certification's level (first digit of « Diplôme ou titre visé »: 6 = bac+3/4).
    pub diploma_level: Option<u8>,
    /// « Date de conclusion ».
    pub conclusion: Option<NaiveDate>,
    /// Training hours, and the part of them at distance.
    pub hours: Option<i64>,
    /// Hours of training at distance.
    pub distance_hours: Option<i64>,
    /// The ceilings and amounts in force (regulatory data).
    pub ceilings: &'static Ceilings,
}

impl Default for EconomicFacts {
    fn default() -> Self {
        Self {
            apprenticeship: false,
            public_employer: false,
            rqth: false,
            diploma_level: None,
            conclusion: None,
            hours: None,
            distance_hours: None,
            ceilings: &RegulatoryData::embedded().ceilings,
        }
    }
}

impl EconomicFacts {
    /// The facts of a dossier's content.
    pub fn of(content: &Json, settings: &EvaluationSettings) -> Self {
        let valid = |id: FieldId| {
            let def = id.def();
            match read(def.kind, lookup(content, def.key), settings.cerfa_version) {
                Read::Valid(value) => Some(value),
                Read::Empty | Read::Invalid(_) => None,
            }
        };
        let code = |id| match valid(id) {
            Some(Value::Code(code)) => Some(code),
            _ => None,
        };
        let int = |id| match valid(id) {
            Some(Value::Int(n)) => Some(n),
            _ => None,
        };
        Self {
            ceilings: &settings.data.ceilings,
            apprenticeship: settings.contract_type == ContractType::Apprentissage,
            public_employer: crate::codes::is_public_employer(
                code(FieldId::EmployeurPrivePublic),
                code(FieldId::EmployeurType),
            ),
            rqth: matches!(valid(FieldId::ApprentiHandicap), Some(Value::Bool(true))),
            diploma_level: code(FieldId::FormationTypeDiplome)
                .and_then(|c| c.chars().next())
                .and_then(|c| c.to_digit(10))
                .and_then(|d| u8::try_from(d).ok()),
            conclusion: match valid(FieldId::ContratDateConclusion) {
                Some(Value::Date(date)) => Some(date),
                _ => None,
            },
            hours: int(FieldId::FormationDuree),
            distance_hours: int(FieldId::FormationHeuresDistanciel),
        }
    }
}

/// Economic elements as the CFA validated them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Economics {
    opco: Option<Opco>,
    npec_annuel: Cents,
    valeur_amorcage: bool,
    majoration_rqth: Cents,
    repas: i64,
    nuitees: i64,
    premier_equipement: Cents,
    mobilite_internationale: bool,
    reste_a_charge: Cents,
    mandat_employeur: bool,
}

impl Economics {
    /// The OPCO (none for a public employer).
    pub fn opco(&self) -> Option<Opco> {
        self.opco
    }

    /// The yearly NPEC, before any minoration.
    pub fn npec_annuel(&self) -> Cents {
        self.npec_annuel
    }

    /// Whether the NPEC is the certification level's « valeur d'amorçage ».
    pub fn valeur_amorcage(&self) -> bool {
        self.valeur_amorcage
    }

    /// The yearly handicap majoration.
    pub fn majoration_rqth(&self) -> Cents {
        self.majoration_rqth
    }

    /// The amount of « Premier équipement ».
    pub fn premier_equipement(&self) -> Cents {
        self.premier_equipement
    }

    /// Meals the OPCO pays for.
    pub fn repas(&self) -> i64 {
        self.repas
    }

    /// Nights the OPCO pays for.
    pub fn nuitees(&self) -> i64 {
        self.nuitees
    }

    /// Whether an international mobility is planned.
    pub fn mobilite_internationale(&self) -> bool {
        self.mobilite_internationale
    }

    /// What the CFA charges the employer beyond the OPCO's share.
    pub fn reste_a_charge(&self) -> Cents {
        self.reste_a_charge
    }

    /// Whether the employer mandates the CFA to transmit the contract (L6224-1).
    pub fn mandat_employeur(&self) -> bool {
        self.mandat_employeur
    }

    /// The stored form: every member, amounts in euros with two decimals as text-free numbers.
    pub fn to_json(&self) -> Json {
        let euros = |cents: Cents| {
            serde_json::Number::from_f64(cents as f64 / 100.0).map_or(Json::Null, Json::Number)
        };
        let mut map = Map::new();
        map.insert(
            "opco".into(),
            self.opco.map_or(Json::Null, |o| Json::String(o.key.into())),
        );
        map.insert("npecAnnuel".into(), euros(self.npec_annuel));
        map.insert("valeurAmorcage".into(), self.valeur_amorcage.into());
        map.insert("majorationRqth".into(), euros(self.majoration_rqth));
        map.insert("repas".into(), self.repas.into());
        map.insert("nuitees".into(), self.nuitees.into());
        map.insert("premierEquipement".into(), euros(self.premier_equipement));
        map.insert(
            "mobiliteInternationale".into(),
            self.mobilite_internationale.into(),
        );
        map.insert("resteACharge".into(), euros(self.reste_a_charge));
        map.insert("mandatEmployeur".into(), self.mandat_employeur.into());
        Json::Object(map)
    }
}

fn issue(field: &'static str, code: &'static str, message: impl Into<Cow<'static, str>>) -> Issue {
    Issue {
        field,
        code,
        message: message.into(),
    }
}

fn field_issue(field: &'static str, error: &FieldError) -> Issue {
    issue(field, error.code(), error.to_string())
}

/// Reads the economic elements the CFA typed, refusing them whole with each member's reason.
/// Absent members take their neutral value (no meal, no night, no amount, not ticked), except
/// the OPCO of a private employer and the NPEC, which are required.
pub fn review(input: &Json, facts: &EconomicFacts) -> Result<Economics, Vec<Issue>> {
    let Json::Object(members) = input else {
        return Err(vec![issue(
            "economics",
            "not_an_object",
            "Les éléments économiques doivent être un objet JSON.",
        )]);
    };
    let mut issues: Vec<Issue> = members
        .keys()
        .filter(|key| !KEYS.contains(&key.as_str()))
        .map(|key| Issue {
            field: "economics",
            code: "unknown_field",
            message: format!("« {key} » n'est pas un élément économique.").into(),
        })
        .collect();
    let given = |key: &str| {
        members
            .get(key)
            .filter(|v| !crate::values::is_blank(Some(v)))
    };

    let mut amount = |key: &'static str, ceiling: Cents, required: bool| -> Cents {
        match given(key).map(parse_amount) {
            None if required => {
                issues.push(field_issue(key, &FieldError::Required));
                0
            }
            None => 0,
            Some(Err(error)) => {
                issues.push(field_issue(key, &error));
                0
            }
            Some(Ok(cents)) if cents > ceiling => {
                issues.push(issue(
                    key,
                    "above_ceiling",
                    format!("Le montant ne peut pas dépasser {}.", euros_text(ceiling)),
                ));
                0
            }
            Some(Ok(cents)) => cents,
        }
    };
    let npec_annuel = amount("npecAnnuel", AMOUNT_CEILING, true);
    let majoration_rqth = amount("majorationRqth", facts.ceilings.rqth_majoration, false);
    let premier_equipement = amount("premierEquipement", facts.ceilings.first_equipment, false);
    let reste_a_charge = amount("resteACharge", AMOUNT_CEILING, false);

    let mut count = |key: &'static str, max: i64| -> i64 {
        match given(key).map(parse_integer) {
            None => 0,
            Some(Ok(n)) if (0..=max).contains(&n) => n,
            Some(Ok(_)) => {
                issues.push(field_issue(key, &FieldError::OutOfRange { min: 0, max }));
                0
            }
            Some(Err(error)) => {
                issues.push(field_issue(key, &error));
                0
            }
        }
    };
    let repas = count("repas", 3000);
    let nuitees = count("nuitees", 1500);

    let mut flag = |key: &'static str| -> bool {
        match given(key) {
            None => false,
            Some(Json::Bool(b)) => *b,
            Some(_) => {
                issues.push(field_issue(
                    key,
                    &FieldError::WrongType {
                        expected: "oui/non",
                    },
                ));
                false
            }
        }
    };
    let valeur_amorcage = flag("valeurAmorcage");
    let mobilite_internationale = flag("mobiliteInternationale");
    let mandat_employeur = flag("mandatEmployeur");

    let opco = match given("opco") {
        None if facts.public_employer => None,
        None => {
            issues.push(issue(
                "opco",
                "required",
                "Choisissez l'OPCO de l'employeur : il finance le contrat.",
            ));
            None
        }
        Some(_) if facts.public_employer => {
            issues.push(issue(
                "opco",
                "public_employer",
                "Un employeur public finance lui-même le contrat : il ne relève d'aucun OPCO.",
            ));
            None
        }
        Some(Json::String(key)) => {
            let key = key.trim().to_lowercase();
            let found = OPCOS.iter().find(|o| o.key == key).copied();
            if found.is_none() {
                issues.push(field_issue("opco", &FieldError::UnknownCode));
            }
            found
        }
        Some(_) => {
            issues.push(field_issue(
                "opco",
                &FieldError::WrongType { expected: "texte" },
            ));
            None
        }
    };
    if majoration_rqth > 0 && !(facts.rqth && facts.apprenticeship) {
        issues.push(issue(
            "majorationRqth",
            "rqth_required",
            "La majoration handicap ne s'applique qu'au contrat d'apprentissage d'un(e) apprenti(e) qui a déclaré une RQTH (onglet « L'alternant »).",
        ));
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    Ok(Economics {
        opco,
        npec_annuel,
        valeur_amorcage,
        majoration_rqth,
        repas,
        nuitees,
        premier_equipement,
        mobilite_internationale,
        reste_a_charge,
        mandat_employeur,
    })
}

/// What the convention states, derived from the economic elements and the dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EconomicSummary {
    /// The OPCO's name, when there is one.
    pub opco_label: Option<&'static str>,
    /// The yearly NPEC after the remote-training minoration, plus the RQTH majoration.
    pub npec_retenu: Cents,
    /// Whether the NPEC is reduced by 20 % because ≥ 80 % of the training is at distance.
    pub minoration_distanciel: bool,
    /// Meals × 3 €.
    pub plafond_repas: Cents,
    /// Nights × 6 €.
    pub plafond_hebergement: Cents,
    /// Meals, nights and « Premier équipement » together.
    pub frais_annexes: Cents,
    /// What the employer pays the CFA by law (750 € for level 6+ from 1 July 2025), when known.
    pub participation_employeur: Option<Cents>,
    /// Why the participation is what it is, in French.
    pub participation_motif: Cow<'static, str>,
}

/// Derives what the convention states.
pub fn summarise(economics: &Economics, facts: &EconomicFacts) -> EconomicSummary {
    let minoration_distanciel = matches!(
        (facts.hours, facts.distance_hours),
        (Some(total), Some(remote)) if total > 0 && remote * 100 >= total * 80
    );
    let npec = if minoration_distanciel {
        economics.npec_annuel * 80 / 100
    } else {
        economics.npec_annuel
    };
    let plafond_repas = economics.repas * facts.ceilings.meal;
    let plafond_hebergement = economics.nuitees * facts.ceilings.night;
    let (participation_employeur, participation_motif) = participation(facts);
    EconomicSummary {
        opco_label: economics.opco.map(|o| o.label),
        npec_retenu: npec + economics.majoration_rqth,
        minoration_distanciel,
        plafond_repas,
        plafond_hebergement,
        frais_annexes: plafond_repas + plafond_hebergement + economics.premier_equipement,
        participation_employeur,
        participation_motif,
    }
}

fn participation(facts: &EconomicFacts) -> (Option<Cents>, Cow<'static, str>) {
    let since = facts.ceilings.participation_from;
    let since_text = || {
        use chrono::Datelike;
        format!("{:02}/{:02}/{}", since.day(), since.month(), since.year())
    };
    if !facts.apprenticeship {
        return (
            Some(0),
            "Pas de participation : elle ne concerne que le contrat d'apprentissage.".into(),
        );
    }
    if facts.public_employer {
        return (
            Some(0),
            "Pas de participation : un employeur public finance lui-même le contrat.".into(),
        );
    }
    match (facts.diploma_level, facts.conclusion) {
        (None, _) => (
            None,
            "À déterminer : le diplôme visé n'est pas encore renseigné.".into(),
        ),
        (Some(level), _) if level < 6 => (
            Some(0),
            "Pas de participation : elle ne concerne que les certifications de niveau 6 et plus."
                .into(),
        ),
        (Some(_), None) => (
            None,
            "À déterminer : la date de conclusion du contrat n'est pas encore renseignée.".into(),
        ),
        (Some(_), Some(date)) if date < since => (
            Some(0),
            format!("Pas de participation : le contrat est conclu avant le {}.", since_text())
                .into(),
        ),
        (Some(_), Some(_)) => (
            Some(facts.ceilings.employer_participation),
            format!(
                "{} facturés à l'employeur après la période probatoire de 45 jours (certification de niveau 6 et plus, contrat conclu depuis le {}).",
                euros_text(facts.ceilings.employer_participation),
                since_text()
            )
            .into(),
        ),
    }
}

/// « 1 234,50 € ».
pub fn euros_text(cents: Cents) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let grouped = crate::print::grouped_digits((cents / 100).unsigned_abs());
    match (cents % 100).unsigned_abs() {
        0 => format!("{sign}{grouped} €"),
        fraction => format!("{sign}{grouped},{fraction:02} €"),
    }
}
