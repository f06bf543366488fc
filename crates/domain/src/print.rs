//! How a dossier prints on its documents: every value as the CERFA writes it (dates `jj/mm/aaaa`,
//! codes with their label, phones in national form, amounts in euros), the remuneration lines
//! with the rates the employer chose, and what is still missing. The templates lay these texts
//! out; they never format a value themselves, so the CERFA and the convention say the same.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use serde_json::Value as Json;

use crate::{
    ContractType, Evaluation, EvaluationSettings, FIELDS, FieldStatus, Kind,
    catalogue::FieldId,
    economics::euros_text,
    evaluation::lookup,
    values::{Cents, Read, Value, read},
};

/// A date as the forms write it: `31/08/2026`.
pub fn date_text(date: NaiveDate) -> String {
    format!("{:02}/{:02}/{}", date.day(), date.month(), date.year())
}

/// A moment as the app shows it: `31/08/2026 14:05` (UTC, as the API sends it).
pub fn datetime_text(at: chrono::DateTime<chrono::Utc>) -> String {
    format!(
        "{} {:02}:{:02}",
        date_text(at.date_naive()),
        chrono::Timelike::hour(&at),
        chrono::Timelike::minute(&at)
    )
}

/// A stored phone (E.164, `+33612345678`) in national form: `06 12 34 56 78`. Anything else is
/// printed as stored.
pub fn phone_text(stored: &str) -> String {
    let national = match stored.strip_prefix("+33") {
        Some(rest) if rest.len() == 9 && rest.bytes().all(|b| b.is_ascii_digit()) => {
            format!("0{rest}")
        }
        _ => return stored.to_owned(),
    };
    national
        .as_bytes()
        .chunks(2)
        .map(|pair| String::from_utf8_lossy(pair).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A NIR grouped as the card prints it: `2 05 03 75 123 456 78`.
pub fn nir_text(nir: &str) -> String {
    let groups = [1usize, 2, 2, 2, 3, 3, 2];
    if nir.len() != 15 || !nir.is_ascii() {
        return nir.to_owned();
    }
    let mut out = Vec::with_capacity(groups.len());
    let mut at = 0;
    for size in groups {
        out.push(&nir[at..at + size]);
        at += size;
    }
    out.join(" ")
}

/// An amount in cents as French tables print it: `9 000,00 €` (narrow no-break spaces).
pub fn amount_text(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    format!(
        "{sign}{},{:02}\u{a0}€",
        grouped_digits(cents / 100),
        cents % 100
    )
}

/// A whole number with its thousands apart, as French writes it: `9 000` (narrow no-break
/// spaces, which keep the number on one line).
pub fn grouped_digits(whole: u64) -> String {
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push('\u{202f}');
        }
        grouped.push(digit);
    }
    grouped
}

/// A rate in hundredths of a percent: `53 %`, `78,5 %`.
pub fn rate_text(hundredths: i64) -> String {
    let whole = hundredths / 100;
    match hundredths % 100 {
        0 => format!("{whole} %"),
        f if f % 10 == 0 => format!("{whole},{} %", f / 10),
        f => format!("{whole},{f:02} %"),
    }
}

/// One value as it prints: the text, and for a code the code alone (forms with code boxes).
fn value_text(kind: Kind, value: &Value, version: crate::codes::CerfaVersion) -> String {
    match (kind, value) {
        (Kind::Code { list }, Value::Code(code)) => match list.find(version, code) {
            Some(entry) => format!("{} – {}", entry.code, entry.label),
            None => (*code).to_owned(),
        },
        (Kind::Phone, Value::Text(text)) => phone_text(text),
        (Kind::Nir, Value::Text(text)) => nir_text(text),
        (_, Value::Text(text)) => text.clone(),
        (_, Value::Code(code)) => (*code).to_owned(),
        (_, Value::Bool(true)) => "oui".into(),
        (_, Value::Bool(false)) => "non".into(),
        (_, Value::Int(n)) => n.to_string(),
        (_, Value::Date(date)) => date_text(*date),
        (_, Value::Money(cents)) => euros_text(*cents),
        (_, Value::Rates(_)) => String::new(),
    }
}

/// One remuneration line as printed: `1.1 du 01/09/2026 au 09/03/2027 : 43 % du SMIC`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrintedLine {
    /// `1.1` … `4.2`.
    pub line: String,
    /// First day.
    pub start: String,
    /// Last day.
    pub end: String,
    /// The rate: the employer's when higher than the minimum.
    pub rate: String,
    /// `SMIC` or `SMC`.
    pub basis: String,
    /// The monthly amount this rate gives for 35 hours, when the basis is known.
    pub monthly: String,
}

/// One thing still missing or refused, for the draft's last page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrintedIssue {
    /// The tab that holds the field (« L'alternant »).
    pub tab: &'static str,
    /// The field's label.
    pub label: &'static str,
    /// What is wrong (« Ce champ est obligatoire. » or the rule's message).
    pub message: String,
}

/// What the CERFA template receives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrintedCerfa {
    /// `FA13` or `EJ20`.
    pub form: &'static str,
    /// The form's number and version: `10103*14`, `12434*03`.
    pub number: &'static str,
    /// Each field the CERFA prints, by its key, as text; a field left empty or hidden is absent.
    pub fields: BTreeMap<&'static str, String>,
    /// The codes of the code fields, by key, for the boxes that take the code alone.
    pub codes: BTreeMap<&'static str, &'static str>,
    /// The remuneration lines, in order.
    pub remuneration: Vec<PrintedLine>,
    /// Fields still missing or refused; empty for a complete dossier.
    pub issues: Vec<PrintedIssue>,
}

/// The CERFA of a dossier as its fields print.
pub fn cerfa(
    content: &Json,
    settings: &EvaluationSettings,
    evaluation: &Evaluation,
) -> PrintedCerfa {
    let version = settings.cerfa_version;
    let mut fields = BTreeMap::new();
    let mut codes = BTreeMap::new();
    let mut chosen_rates = Vec::new();
    for def in FIELDS {
        if !def.on_cerfa
            || evaluation.field(def.id).status == FieldStatus::Hidden
            || !def.applies_to(settings.contract_type, version)
        {
            continue;
        }
        if let Read::Valid(value) = read(def.kind, lookup(content, def.key), version) {
            if let Value::Rates(rates) = &value {
                chosen_rates.clone_from(rates);
                continue;
            }
            if let Value::Code(code) = value {
                codes.insert(def.key, code);
            }
            let text = value_text(def.kind, &value, version);
            if !text.is_empty() {
                fields.insert(def.key, text);
            }
        }
    }
    let smc = match read(
        FieldId::ContratSmc.def().kind,
        lookup(content, FieldId::ContratSmc.key()),
        version,
    ) {
        Read::Valid(Value::Money(cents)) => Some(cents),
        _ => None,
    };
    let remuneration = evaluation
        .remuneration
        .iter()
        .map(|line| {
            let chosen = chosen_rates
                .iter()
                .find(|rate| format!("{}.{}", rate.year, rate.period) == line.line);
            let minimum = line.rate * 100;
            let (rate, basis) = match chosen {
                Some(chosen) if chosen.rate_hundredths >= minimum => (
                    chosen.rate_hundredths,
                    chosen.basis.unwrap_or(line.basis.code()),
                ),
                _ => (minimum, line.basis.code()),
            };
            let basis_amount: Option<Cents> = match basis {
                "SMC" => smc,
                _ => settings.data.smic.on(line.start).map(|smic| smic.monthly),
            };
            PrintedLine {
                line: line.line.clone(),
                start: date_text(line.start),
                end: date_text(line.end),
                rate: rate_text(rate),
                basis: basis.to_owned(),
                monthly: basis_amount
                    .map(|amount| euros_text(crate::remuneration::percent_of(amount, rate)))
                    .unwrap_or_default(),
            }
        })
        .collect();
    let issues = evaluation
        .tabs
        .0
        .iter()
        .filter(|tab| tab.required)
        .flat_map(|tab| {
            let missing = tab.missing.iter().map(move |key| PrintedIssue {
                tab: tab.tab.label(),
                label: crate::FieldDef::by_key(key).map_or("", |def| def.label),
                message: "Ce champ est obligatoire.".into(),
            });
            let invalid = tab.invalid.iter().map(move |issue| PrintedIssue {
                tab: tab.tab.label(),
                label: crate::FieldDef::by_key(issue.field).map_or("", |def| def.label),
                message: issue.message.to_string(),
            });
            missing.chain(invalid)
        })
        .collect();
    let (form, number) = match settings.contract_type {
        ContractType::Apprentissage => ("FA13", version.number()),
        ContractType::Professionnalisation => ("EJ20", "12434*03"),
    };
    PrintedCerfa {
        form,
        number,
        fields,
        codes,
        remuneration,
        issues,
    }
}

/// The CFA as the convention names it: what the dossier does not hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CfaSignatory<'a> {
    /// « Numéro de déclaration d'activité ».
    pub activity_declaration: &'a str,
    /// The director who signs.
    pub director: &'a str,
}

/// A party of the convention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrintedParty {
    /// Its name.
    pub denomination: String,
    /// Its SIRET.
    pub siret: String,
    /// Its address on one line.
    pub address: String,
    /// Other lines of identification (« N° UAI : … », « Code IDCC : … »).
    pub details: Vec<String>,
}

/// One year of execution of the contract and what the OPCO pays for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrintedYear {
    /// « 1re année ».
    pub label: String,
    /// First day.
    pub start: String,
    /// Last day.
    pub end: String,
    /// Days of the year covered by the contract.
    pub days: i64,
    /// The NPEC for those days.
    pub amount: String,
}

/// One line of an amount table: label and amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrintedAmount {
    /// What it is.
    pub label: String,
    /// How much, or a word when it is not an amount.
    pub amount: String,
}

/// What the convention template receives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrintedConvention {
    /// The CFA.
    pub cfa: PrintedParty,
    /// Who signs for the CFA.
    pub cfa_director: String,
    /// The employer.
    pub employeur: PrintedParty,
    /// The apprentice's name.
    pub apprenti: String,
    /// « contrat d'apprentissage » or « contrat de professionnalisation ».
    pub contract_kind: &'static str,
    /// The contract's dates and the training's, labelled.
    pub contract: Vec<PrintedAmount>,
    /// The training: title, codes, level, dates, hours, place.
    pub formation: Vec<PrintedAmount>,
    /// The training's title.
    pub intitule: String,
    /// The OPCO's name, or why there is none.
    pub opco: String,
    /// How the NPEC is reached (annual, minoration, majoration, retained).
    pub npec: Vec<PrintedAmount>,
    /// Each year of execution, pro rata of its days.
    pub years: Vec<PrintedYear>,
    /// The NPEC over the contract.
    pub npec_total: String,
    /// Frais annexes.
    pub frais: Vec<PrintedAmount>,
    /// The employer's legal participation.
    pub participation: PrintedAmount,
    /// What the employer pays beyond.
    pub reste_a_charge: String,
    /// When the OPCO pays.
    pub schedule: Vec<PrintedAmount>,
    /// Whether the employer mandates the CFA (L6224-1).
    pub mandat: bool,
    /// « Fait à ».
    pub place: String,
    /// The date of conclusion.
    pub date: String,
}

fn text_at(content: &Json, key: &str) -> String {
    lookup(content, key)
        .map(|value| match value {
            Json::String(text) => text.trim().to_owned(),
            Json::Number(n) => n.to_string(),
            _ => String::new(),
        })
        .unwrap_or_default()
}

fn address_at(content: &Json, prefix: &str) -> String {
    let part = |key: &str| text_at(content, &format!("{prefix}.{key}"));
    let street = [part("numero"), part("repetitionVoie"), part("voie")]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let town = [part("codePostal"), part("commune")]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    [street, part("complement"), town]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

fn date_at(content: &Json, key: &str) -> Option<NaiveDate> {
    crate::values::parse_date(&text_at(content, key)).ok()
}

fn amount(label: impl Into<String>, amount: impl Into<String>) -> PrintedAmount {
    PrintedAmount {
        label: label.into(),
        amount: amount.into(),
    }
}

/// The years of execution of a contract from `start` to `end`, each with its days.
fn execution_years(start: NaiveDate, end: NaiveDate) -> Vec<(NaiveDate, NaiveDate, i64, i64)> {
    let mut years = Vec::new();
    let mut from = start;
    for n in 1..=5u32 {
        if from > end {
            break;
        }
        let Some(next) = start.checked_add_months(chrono::Months::new(12 * n)) else {
            break;
        };
        let to = end.min(next.pred_opt().unwrap_or(next));
        let covered = (to - from).num_days() + 1;
        let year_days = (next - from).num_days();
        years.push((from, to, covered, year_days));
        from = next;
    }
    years
}

/// The convention de formation of a dossier whose economic elements the CFA validated.
pub fn convention(
    content: &Json,
    settings: &EvaluationSettings,
    economics: &crate::economics::Economics,
    cfa: CfaSignatory<'_>,
) -> PrintedConvention {
    let facts = crate::economics::EconomicFacts::of(content, settings);
    let summary = crate::economics::summarise(economics, &facts);
    let t = |key: &str| text_at(content, key);
    let date = |key: &str| date_at(content, key).map(date_text).unwrap_or_default();
    let code_label = |key: &str, list: crate::codes::CodeList| {
        let code = t(key);
        match list.find(settings.cerfa_version, &code) {
            Some(entry) => format!("{} – {}", entry.code, entry.label),
            None => code,
        }
    };
    let cfa_party = PrintedParty {
        denomination: t("organismeFormation.denomination"),
        siret: t("organismeFormation.siret"),
        address: address_at(content, "organismeFormation.adresse"),
        details: [
            ("N° UAI", t("organismeFormation.uaiCfa")),
            (
                "N° de déclaration d'activité",
                cfa.activity_declaration.to_owned(),
            ),
        ]
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(label, value)| format!("{label} : {value}"))
        .collect(),
    };
    let opco = match summary.opco_label {
        Some(label) => label.to_owned(),
        None if facts.public_employer => {
            "Aucun : l'employeur public finance lui-même le contrat".into()
        }
        None => "Non renseigné".into(),
    };
    let idcc = [t("employeur.codeIdcc"), t("employeur.libelleIdcc")]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" – ");
    let employeur = PrintedParty {
        denomination: t("employeur.denomination"),
        siret: t("employeur.siret"),
        address: address_at(content, "employeur.adresse"),
        details: [
            ("Convention collective (IDCC)", idcc),
            ("Code NAF", t("employeur.naf")),
            ("OPCO", opco.clone()),
        ]
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(label, value)| format!("{label} : {value}"))
        .collect(),
    };
    let apprenti = format!(
        "{} {}",
        t("apprenti.prenom"),
        t("apprenti.nom").to_uppercase()
    )
    .trim()
    .to_owned();
    let contract_kind = match settings.contract_type {
        ContractType::Apprentissage => "contrat d'apprentissage",
        ContractType::Professionnalisation => "contrat de professionnalisation",
    };
    let hours = t("formation.dureeFormation");
    let distance = t("formation.heuresDistanciel");
    let level = crate::codes::diploma_level(&t("formation.typeDiplome"))
        .map(|level| format!("niveau {level}"))
        .unwrap_or_default();
    let place =
        if lookup(content, "etablissementFormation.memeResponsable") == Some(&Json::Bool(false)) {
            [
                t("etablissementFormation.denomination"),
                address_at(content, "etablissementFormation.adresse"),
            ]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
        } else {
            "Au CFA responsable".to_owned()
        };
    let formation = vec![
        amount(
            "Diplôme ou titre visé",
            code_label("formation.typeDiplome", crate::codes::CodeList::Diplome),
        ),
        amount("Niveau de la certification", level),
        amount("Code RNCP", t("formation.rncp")),
        amount("Code du diplôme", t("formation.codeDiplome")),
        amount(
            "Début de la formation en CFA",
            date("formation.dateDebutFormation"),
        ),
        amount(
            "Fin prévue des épreuves ou examens",
            date("formation.dateFinFormation"),
        ),
        amount(
            "Durée de la formation",
            if hours.is_empty() {
                String::new()
            } else {
                format!("{hours} heures")
            },
        ),
        amount(
            "Dont à distance",
            if distance.is_empty() {
                "0 heure".to_owned()
            } else {
                format!("{distance} heures")
            },
        ),
        amount("Lieu principal de la formation", place),
    ];
    let contract = vec![
        amount("Date de conclusion", date("contrat.dateConclusion")),
        amount(
            "Début d'exécution du contrat",
            date("contrat.dateDebutContrat"),
        ),
        amount("Fin du contrat", date("contrat.dateFinContrat")),
    ];
    let mut npec = vec![amount(
        if economics.valeur_amorcage() {
            "Niveau de prise en charge annuel (valeur d'amorçage du niveau de la certification)"
        } else {
            "Niveau de prise en charge annuel (NPEC de la branche)"
        },
        euros_text(economics.npec_annuel()),
    )];
    if summary.minoration_distanciel {
        npec.push(amount(
            "Minoration de 20 % : au moins 80 % de la formation à distance",
            format!("− {}", euros_text(economics.npec_annuel() / 5)),
        ));
    }
    if economics.majoration_rqth() > 0 {
        npec.push(amount(
            "Majoration handicap (RQTH)",
            format!("+ {}", euros_text(economics.majoration_rqth())),
        ));
    }
    npec.push(amount(
        "Montant annuel retenu",
        euros_text(summary.npec_retenu),
    ));
    let ordinal = ["1re année", "2e année", "3e année", "4e année", "5e année"];
    let mut total: Cents = 0;
    let mut first_year: Cents = 0;
    let years = match (
        date_at(content, "contrat.dateDebutContrat"),
        date_at(content, "contrat.dateFinContrat"),
    ) {
        (Some(start), Some(end)) => execution_years(start, end)
            .into_iter()
            .enumerate()
            .map(|(i, (from, to, days, year_days))| {
                let share = if days >= year_days {
                    summary.npec_retenu
                } else {
                    (summary.npec_retenu * days + year_days / 2) / year_days.max(1)
                };
                total += share;
                if i == 0 {
                    first_year = share;
                }
                PrintedYear {
                    label: ordinal.get(i).copied().unwrap_or("").to_owned(),
                    start: date_text(from),
                    end: date_text(to),
                    days,
                    amount: euros_text(share),
                }
            })
            .collect(),
        _ => Vec::new(),
    };
    let frais = vec![
        amount(
            format!(
                "Restauration : {} repas à {} au plus",
                economics.repas(),
                euros_text(facts.ceilings.meal)
            ),
            euros_text(summary.plafond_repas),
        ),
        amount(
            format!(
                "Hébergement : {} nuitées à {} au plus",
                economics.nuitees(),
                euros_text(facts.ceilings.night)
            ),
            euros_text(summary.plafond_hebergement),
        ),
        amount(
            "Premier équipement pédagogique",
            euros_text(economics.premier_equipement()),
        ),
        amount(
            "Mobilité internationale",
            if economics.mobilite_internationale() {
                "prévue"
            } else {
                "non prévue"
            },
        ),
        amount("Total des frais annexes", euros_text(summary.frais_annexes)),
    ];
    let participation = amount(
        summary.participation_motif.clone(),
        summary
            .participation_employeur
            .map(euros_text)
            .unwrap_or_else(|| "à déterminer".into()),
    );
    let conclusion = date_at(content, "contrat.dateConclusion");
    let since_july_2025 = conclusion.is_none_or(|d| d >= settings.data.ceilings.participation_from);
    let shares: &[(&str, i64)] = if since_july_2025 {
        &[
            ("Avance, dans les 30 jours suivant la facture du CFA", 40),
            ("Au 7e mois d'exécution", 30),
            ("Au 10e mois d'exécution", 20),
            ("Solde, après service fait", 10),
        ]
    } else {
        &[
            ("Avance, dans les 30 jours suivant la facture du CFA", 40),
            ("Au 7e mois d'exécution", 30),
            ("Au 10e mois d'exécution", 30),
        ]
    };
    let schedule = shares
        .iter()
        .map(|(label, percent)| {
            amount(
                format!("{label} ({percent} %)"),
                euros_text(first_year * percent / 100),
            )
        })
        .collect();
    PrintedConvention {
        cfa: cfa_party,
        cfa_director: cfa.director.to_owned(),
        employeur,
        apprenti,
        contract_kind,
        contract,
        formation,
        intitule: t("formation.intituleQualification"),
        opco,
        npec,
        years,
        npec_total: euros_text(total),
        frais,
        participation,
        reste_a_charge: euros_text(economics.reste_a_charge()),
        schedule,
        mandat: economics.mandat_employeur(),
        place: t("contrat.lieuSignatureContrat"),
        date: date("contrat.dateConclusion"),
    }
}

/// The formation a calendrier or a programme belongs to, as their heading prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrintedFormation {
    /// Its title.
    pub title: String,
    /// The school that teaches it.
    pub school: String,
    /// « RNCP35432 – code diplôme 17031001 ».
    pub codes: String,
    /// « du 01/09/2026 au 31/08/2029 ».
    pub dates: String,
    /// The apprentice it is printed for, if any.
    pub apprenti: String,
}

impl PrintedFormation {
    /// The heading of a formation's annex, printed for `apprenti`.
    pub fn new(
        title: &str,
        school: &str,
        (rncp, diploma_code): (&str, &str),
        (start, end): (NaiveDate, NaiveDate),
        apprenti: &str,
    ) -> Self {
        Self {
            title: title.to_owned(),
            school: school.to_owned(),
            codes: format!("{rncp} – code diplôme {diploma_code}"),
            dates: format!("du {} au {}", date_text(start), date_text(end)),
            apprenti: apprenti.to_owned(),
        }
    }
}

/// One period as the calendrier prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrintedPeriod {
    /// `cfa`, `entreprise`, `examen`, `conges`: the template shades by it.
    pub kind: &'static str,
    /// Its French label.
    pub label: &'static str,
    /// First day.
    pub start: String,
    /// Last day.
    pub end: String,
    /// Days.
    pub days: i64,
    /// Hours, or empty.
    pub hours: String,
    /// The CFA's word on it.
    pub note: String,
}

/// What the calendrier template receives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrintedCalendrier {
    /// Whose calendrier.
    pub formation: PrintedFormation,
    /// The periods in date order.
    pub periods: Vec<PrintedPeriod>,
    /// Totals by kind: label, periods, days, hours.
    pub totals: Vec<PrintedPeriod>,
    /// The share of training time, in words.
    pub share: String,
}

/// A calendrier as it prints.
pub fn calendrier(
    formation: PrintedFormation,
    calendrier: &crate::annexes::Calendrier,
) -> PrintedCalendrier {
    let totals = calendrier.totals();
    let hours = |h: i64| {
        if h > 0 {
            format!("{h} h")
        } else {
            String::new()
        }
    };
    let periods = calendrier
        .periods()
        .iter()
        .map(|p| PrintedPeriod {
            kind: p.kind.key(),
            label: p.kind.label(),
            start: date_text(p.start),
            end: date_text(p.end),
            days: p.days(),
            hours: p.hours.map(hours).unwrap_or_default(),
            note: p.label.clone().unwrap_or_default(),
        })
        .collect();
    let by_kind = totals
        .by_kind
        .iter()
        .filter(|t| t.periods > 0)
        .map(|t| PrintedPeriod {
            kind: t.kind.key(),
            label: t.label,
            start: String::new(),
            end: String::new(),
            days: t.days,
            hours: hours(t.hours),
            note: format!(
                "{} période{}",
                t.periods,
                if t.periods > 1 { "s" } else { "" }
            ),
        })
        .collect();
    let share = match totals.training_share_hundredths {
        Some(share) => format!(
            "Temps de formation (CFA et examens) : {} de la durée couverte, sur la base légale de {} heures par an{}",
            rate_text(share),
            crate::annexes::HOURS_PER_YEAR,
            if share >= 2500 {
                " : au moins 25 %, comme la loi le demande."
            } else {
                " : moins des 25 % que la loi demande."
            }
        ),
        None => "Les heures de formation ne sont pas comptées dans ce calendrier.".into(),
    };
    PrintedCalendrier {
        formation,
        periods,
        totals: by_kind,
        share,
    }
}

/// What the programme template receives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrintedProgramme {
    /// Whose programme.
    pub formation: PrintedFormation,
    /// Its content, as entered.
    pub programme: crate::annexes::Programme,
    /// Hours of every module, in words.
    pub hours: String,
}

/// A programme as it prints.
pub fn programme(
    formation: PrintedFormation,
    programme: &crate::annexes::Programme,
) -> PrintedProgramme {
    PrintedProgramme {
        formation,
        hours: format!("{} heures", programme.hours()),
        programme: programme.clone(),
    }
}

/// A document's file name, as sent (UTF-8) and as an ASCII fallback for old clients (RFC 6266):
/// `CERFA-FA13-MARTIN-Léa.pdf` and `CERFA-FA13-MARTIN-Lea.pdf`.
pub fn file_names(prefix: &str, last_name: &str, first_name: &str) -> (String, String) {
    let words: Vec<String> = [
        prefix.to_owned(),
        last_name.to_uppercase(),
        first_name.to_owned(),
    ]
    .into_iter()
    .map(|part| {
        part.split(|c: char| c.is_whitespace() || c == '\'' || c == '’' || c == '/' || c == '\\')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join("-")
    })
    .filter(|part| !part.is_empty())
    .collect();
    let utf8: String = words
        .join("-")
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | ';' | ','))
        .collect();
    let ascii: String = utf8.chars().flat_map(ascii_fold).collect();
    (format!("{utf8}.pdf"), format!("{ascii}.pdf"))
}

/// A character in ASCII: French accents dropped, ligatures opened, anything else left out.
fn ascii_fold(c: char) -> Vec<char> {
    let folded: &str = match c {
        'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => "a",
        'À' | 'Â' | 'Ä' | 'Á' | 'Ã' | 'Å' => "A",
        'ç' => "c",
        'Ç' => "C",
        'é' | 'è' | 'ê' | 'ë' => "e",
        'É' | 'È' | 'Ê' | 'Ë' => "E",
        'î' | 'ï' | 'í' | 'ì' => "i",
        'Î' | 'Ï' | 'Í' | 'Ì' => "I",
        'ô' | 'ö' | 'ó' | 'ò' | 'õ' => "o",
        'Ô' | 'Ö' | 'Ó' | 'Ò' | 'Õ' => "O",
        'ù' | 'û' | 'ü' | 'ú' => "u",
        'Ù' | 'Û' | 'Ü' | 'Ú' => "U",
        'ÿ' => "y",
        'Ÿ' => "Y",
        'ñ' => "n",
        'Ñ' => "N",
        'œ' => "oe",
        'Œ' => "OE",
        'æ' => "ae",
        'Æ' => "AE",
        c if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') => return vec![c],
        _ => "",
    };
    folded.chars().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_print_in_national_form_and_anything_else_as_stored() {
        assert_eq!(phone_text("+33612345678"), "06 12 34 56 78");
        assert_eq!(phone_text("+262262123456"), "+262262123456");
    }

    #[test]
    fn amounts_print_with_grouped_thousands_a_decimal_comma_and_two_decimals() {
        assert_eq!(amount_text(900_000), "9\u{202f}000,00\u{a0}€");
        assert_eq!(amount_text(70_050), "700,50\u{a0}€");
        assert_eq!(amount_text(5), "0,05\u{a0}€");
        assert_eq!(
            amount_text(-123_456_700),
            "-1\u{202f}234\u{202f}567,00\u{a0}€"
        );
        // The shorter form of messages: whole euros without decimals, a sign kept in front.
        assert_eq!(
            crate::economics::euros_text(123_456_700),
            "1\u{202f}234\u{202f}567 €"
        );
        assert_eq!(crate::economics::euros_text(-50), "-0,50 €");
    }

    #[test]
    fn a_nir_prints_in_the_groups_of_the_card() {
        assert_eq!(nir_text("205037512345678"), "2 05 03 75 123 456 78");
        assert_eq!(nir_text("short"), "short");
    }

    #[test]
    fn file_names_keep_accents_and_fall_back_to_ascii() {
        assert_eq!(
            file_names("CERFA-FA13", "Martin", "Léa"),
            (
                "CERFA-FA13-MARTIN-Léa.pdf".into(),
                "CERFA-FA13-MARTIN-Lea.pdf".into()
            )
        );
        assert_eq!(
            file_names("Convention", "d'Ornano", "Zoé Anaïs"),
            (
                "Convention-D-ORNANO-Zoé-Anaïs.pdf".into(),
                "Convention-D-ORNANO-Zoe-Anais.pdf".into()
            )
        );
        assert_eq!(file_names("CERFA", "\"a;b\"", "").1, "CERFA-AB.pdf");
    }

    #[test]
    fn a_contract_shorter_than_a_year_pays_its_days_only() {
        let start = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap_or_default();
        let end = NaiveDate::from_ymd_opt(2028, 2, 29).unwrap_or_default();
        let years = execution_years(start, end);
        assert_eq!(years.len(), 2);
        assert_eq!((years[0].2, years[0].3), (365, 365));
        assert_eq!(years[1].2, 182);
    }

    #[test]
    fn rates_keep_their_decimals_in_french() {
        assert_eq!(rate_text(4300), "43 %");
        assert_eq!(rate_text(7850), "78,5 %");
        assert_eq!(rate_text(5325), "53,25 %");
    }
}
