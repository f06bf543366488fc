//! Regulatory data a CFA can update without a release (issue 18): the SMIC table (with Mayotte),
//! the IDCC list with each convention's legal state, and the ceilings of the economic elements.
//! Each is a small `;`-separated text file, embedded in the binary (`crates/domain/data/`) and
//! replaceable by a file named in the server's settings; every file is read whole and refused
//! with the line at fault, so a malformed table stops the start rather than a rule. The CERFA
//! code lists are the fourth such table, in [`crate::codes`].
//!
//! The IDCC list (64 KB) is embedded only with the `idcc-list` feature, which the server turns
//! on: the browser reads the list in force from `GET /api/v1/regulatory-data/idcc` and parses it
//! with the same code.

use std::{collections::BTreeMap, fmt, sync::LazyLock};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::{Idcc, values::Cents};

/// A line of a data file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}, ligne {line} : {message}")]
pub struct DataError {
    /// Which data (`smic`, `idcc`, `ceilings`).
    pub file: &'static str,
    /// The line, from 1.
    pub line: usize,
    /// What is wrong, in French.
    pub message: String,
}

/// What a data file says of itself in its `# version:` and `# source:` lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Header {
    /// The date the data is up to (the last revaluation, the day of extraction).
    pub version: NaiveDate,
    /// Where the data comes from.
    pub source: String,
}

/// A data line's number (from 1) and its cells.
pub(crate) type Row<'a> = (usize, Vec<&'a str>);

/// The data lines of `text` with their line numbers, after its header: comments (`#`) carry
/// the version and source, then one line names the columns, which must be `columns`.
pub(crate) fn rows<'a>(
    file: &'static str,
    text: &'a str,
    columns: &str,
) -> Result<(Header, Vec<Row<'a>>), DataError> {
    let error = |line: usize, message: String| DataError {
        file,
        line,
        message,
    };
    let (mut version, mut source) = (None, String::new());
    let mut named = false;
    let mut out = Vec::new();
    let width = columns.split(';').count();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        if let Some(comment) = trimmed.strip_prefix('#') {
            let comment = comment.trim();
            if let Some(value) = comment.strip_prefix("version:") {
                version = Some(date(value).map_err(|m| error(line, m))?);
            } else if let Some(value) = comment.strip_prefix("source:") {
                source = value.trim().to_owned();
            }
            continue;
        }
        if trimmed.is_empty() {
            continue;
        }
        if !named {
            if trimmed != columns {
                return Err(error(
                    line,
                    format!("l'en-tête des colonnes doit être « {columns} »"),
                ));
            }
            named = true;
            continue;
        }
        let cells: Vec<&str> = trimmed.split(';').map(str::trim).collect();
        if cells.len() != width {
            return Err(error(
                line,
                format!("{} colonnes au lieu de {width}", cells.len()),
            ));
        }
        out.push((line, cells));
    }
    let version =
        version.ok_or_else(|| error(1, "ligne « # version: AAAA-MM-JJ » absente".into()))?;
    if !named {
        return Err(error(text.lines().count().max(1), "aucune donnée".into()));
    }
    Ok((Header { version, source }, out))
}

fn date(text: &str) -> Result<NaiveDate, String> {
    crate::values::parse_date(text.trim())
        .map_err(|_| format!("date illisible « {} » (AAAA-MM-JJ attendu)", text.trim()))
}

/// Euros with a comma and two decimals (`1823,03`), in cents.
fn euros(text: &str) -> Result<Cents, String> {
    let unreadable =
        || format!("montant illisible « {text} » (euros avec deux décimales : 1823,03)");
    let (whole, cents) = text.split_once(',').ok_or_else(unreadable)?;
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(whole) || cents.len() != 2 || !all_digits(cents) || whole.len() > 9 {
        return Err(unreadable());
    }
    let whole: Cents = whole.parse().map_err(|_| unreadable())?;
    let cents: Cents = cents.parse().map_err(|_| unreadable())?;
    Ok(whole * 100 + cents)
}

/// The header lines of a file: its version and source, then its columns.
fn header_lines(header: &Header, columns: &str) -> String {
    format!(
        "# version: {}\n# source: {}\n{columns}\n",
        header.version, header.source
    )
}

/// Cents as the files write them: `1823,03`.
pub fn euros_cell(cents: Cents) -> String {
    format!("{},{:02}", cents / 100, cents % 100)
}

/// The SMIC in force from a date: monthly gross for 35 hours a week (151,67 h), in cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Smic {
    /// First day it applies.
    pub from: NaiveDate,
    /// Hourly gross, in cents.
    pub hourly: Cents,
    /// Monthly gross for 151,67 hours, in cents.
    pub monthly: Cents,
    /// Monthly gross in Mayotte, in cents.
    pub monthly_mayotte: Cents,
}

/// Every SMIC since 2021, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmicTable {
    header: Header,
    rows: Vec<Smic>,
}

impl SmicTable {
    /// The table from `smic.csv`: `from;hourly;monthly;monthly_mayotte`, dates in increasing
    /// order, amounts in euros that never go down.
    pub fn parse(text: &str) -> Result<Self, DataError> {
        let (header, lines) = rows("smic", text, "from;hourly;monthly;monthly_mayotte")?;
        let mut table: Vec<Smic> = Vec::new();
        for (line, cells) in lines {
            let error = |message: String| DataError {
                file: "smic",
                line,
                message,
            };
            let smic = Smic {
                from: date(cells[0]).map_err(error)?,
                hourly: euros(cells[1]).map_err(error)?,
                monthly: euros(cells[2]).map_err(error)?,
                monthly_mayotte: euros(cells[3]).map_err(error)?,
            };
            if let Some(previous) = table.last() {
                if smic.from <= previous.from {
                    return Err(error(
                        "les dates doivent se suivre, la plus ancienne d'abord".into(),
                    ));
                }
                if smic.monthly < previous.monthly || smic.hourly < previous.hourly {
                    return Err(error(
                        "le SMIC ne baisse pas : montant inférieur à la ligne précédente".into(),
                    ));
                }
            }
            table.push(smic);
        }
        if table.is_empty() {
            return Err(DataError {
                file: "smic",
                line: text.lines().count(),
                message: "aucune ligne de SMIC".into(),
            });
        }
        Ok(Self {
            header,
            rows: table,
        })
    }

    /// The SMIC in force on `date`, if the table goes back that far.
    pub fn on(&self, date: NaiveDate) -> Option<&Smic> {
        self.rows.iter().rev().find(|smic| smic.from <= date)
    }

    /// The table as a file [`SmicTable::parse`] reads back.
    pub fn to_csv(&self) -> String {
        let mut text = header_lines(&self.header, "from;hourly;monthly;monthly_mayotte");
        for smic in &self.rows {
            text.push_str(&format!(
                "{};{};{};{}\n",
                smic.from,
                euros_cell(smic.hourly),
                euros_cell(smic.monthly),
                euros_cell(smic.monthly_mayotte)
            ));
        }
        text
    }

    /// Every line, oldest first.
    pub fn rows(&self) -> &[Smic] {
        &self.rows
    }

    /// The file's version and source.
    pub fn header(&self) -> &Header {
        &self.header
    }
}

/// A collective agreement's legal state (KALI).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IdccState {
    /// In force (extended or not).
    EnVigueur,
    /// Replaced by another agreement.
    Remplace,
    /// Abrogated.
    Abroge,
    /// Denounced.
    Denonce,
    /// Lapsed.
    Perime,
}

impl IdccState {
    const ALL: [Self; 5] = [
        Self::EnVigueur,
        Self::Remplace,
        Self::Abroge,
        Self::Denonce,
        Self::Perime,
    ];

    fn parse(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.key() == key)
    }

    /// The state as the files write it.
    pub fn key(self) -> &'static str {
        match self {
            Self::EnVigueur => "en_vigueur",
            Self::Remplace => "remplace",
            Self::Abroge => "abroge",
            Self::Denonce => "denonce",
            Self::Perime => "perime",
        }
    }

    /// The state in French, as a refusal says it.
    pub fn label(self) -> &'static str {
        match self {
            Self::EnVigueur => "en vigueur",
            Self::Remplace => "remplacée",
            Self::Abroge => "abrogée",
            Self::Denonce => "dénoncée",
            Self::Perime => "périmée",
        }
    }
}

/// One collective agreement of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IdccEntry {
    /// Its legal state.
    pub state: IdccState,
    /// Its title.
    pub label: String,
    /// The agreement that replaced it, when known.
    pub replaced_by: Option<String>,
}

/// The official list of collective agreements, by four-digit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdccList {
    header: Header,
    entries: BTreeMap<String, IdccEntry>,
}

impl IdccList {
    /// The list from `idcc.csv`: `code;state;label;replaced_by`, each code once.
    pub fn parse(text: &str) -> Result<Self, DataError> {
        let (header, lines) = rows("idcc", text, "code;state;label;replaced_by")?;
        let mut entries = BTreeMap::new();
        for (line, cells) in lines {
            let error = |message: String| DataError {
                file: "idcc",
                line,
                message,
            };
            let code = Idcc::parse(cells[0])
                .map_err(|_| error(format!("code IDCC illisible « {} »", cells[0])))?;
            let state = IdccState::parse(cells[1]).ok_or_else(|| {
                error(format!(
                    "état « {} » inconnu (en_vigueur, remplace, abroge, denonce, perime)",
                    cells[1]
                ))
            })?;
            let replaced_by = match cells[3] {
                "" => None,
                other => Some(
                    Idcc::parse(other)
                        .map_err(|_| error(format!("code de remplacement illisible « {other} »")))?
                        .as_ref()
                        .to_owned(),
                ),
            };
            let entry = IdccEntry {
                state,
                label: cells[2].to_owned(),
                replaced_by,
            };
            if entries.insert(code.as_ref().to_owned(), entry).is_some() {
                return Err(error(format!("le code {} figure deux fois", code.as_ref())));
            }
        }
        Ok(Self { header, entries })
    }

    /// The agreement `code` names, if the list has it.
    pub fn get(&self, code: &Idcc) -> Option<&IdccEntry> {
        self.entries.get(code.as_ref())
    }

    /// The list as a file [`IdccList::parse`] reads back.
    pub fn to_csv(&self) -> String {
        let mut text = header_lines(&self.header, "code;state;label;replaced_by");
        for (code, entry) in &self.entries {
            text.push_str(&format!(
                "{code};{};{};{}\n",
                entry.state.key(),
                entry.label,
                entry.replaced_by.as_deref().unwrap_or_default()
            ));
        }
        text
    }

    /// How many agreements the list holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The file's version (day of extraction) and source.
    pub fn header(&self) -> &Header {
        &self.header
    }
}

/// The ceilings and amounts of the economic elements (cerfa.md §6.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ceilings {
    #[serde(skip)]
    header: Header,
    /// Per meal the OPCOs fund.
    pub meal: Cents,
    /// Per night the OPCOs fund.
    pub night: Cents,
    /// « Premier équipement pédagogique ».
    pub first_equipment: Cents,
    /// The yearly handicap (RQTH) majoration of the NPEC.
    pub rqth_majoration: Cents,
    /// The employer's participation for a level 6+ certification.
    pub employer_participation: Cents,
    /// First conclusion date the participation applies to.
    pub participation_from: NaiveDate,
}

impl Ceilings {
    /// The ceilings from `ceilings.csv`: `key;value`, each key once, none missing.
    pub fn parse(text: &str) -> Result<Self, DataError> {
        const KEYS: [&str; 6] = [
            "meal",
            "night",
            "first_equipment",
            "rqth_majoration",
            "employer_participation",
            "participation_from",
        ];
        let (header, lines) = rows("ceilings", text, "key;value")?;
        let mut amounts = [None; 5];
        let mut from = None;
        for (line, cells) in &lines {
            let error = |message: String| DataError {
                file: "ceilings",
                line: *line,
                message,
            };
            let index = KEYS.iter().position(|k| *k == cells[0]).ok_or_else(|| {
                error(format!(
                    "clé « {} » inconnue ({})",
                    cells[0],
                    KEYS.join(", ")
                ))
            })?;
            let duplicate = || error(format!("la clé {} figure deux fois", cells[0]));
            if index == 5 {
                if from.replace(date(cells[1]).map_err(error)?).is_some() {
                    return Err(duplicate());
                }
            } else if amounts[index]
                .replace(euros(cells[1]).map_err(error)?)
                .is_some()
            {
                return Err(duplicate());
            }
        }
        let missing = |key: &str| DataError {
            file: "ceilings",
            line: text.lines().count(),
            message: format!("la clé {key} manque"),
        };
        let amount = |i: usize| amounts[i].ok_or_else(|| missing(KEYS[i]));
        Ok(Self {
            meal: amount(0)?,
            night: amount(1)?,
            first_equipment: amount(2)?,
            rqth_majoration: amount(3)?,
            employer_participation: amount(4)?,
            participation_from: from.ok_or_else(|| missing(KEYS[5]))?,
            header,
        })
    }

    /// The ceilings as a file [`Ceilings::parse`] reads back.
    pub fn to_csv(&self) -> String {
        let mut text = header_lines(&self.header, "key;value");
        for (key, cents) in [
            ("meal", self.meal),
            ("night", self.night),
            ("first_equipment", self.first_equipment),
            ("rqth_majoration", self.rqth_majoration),
            ("employer_participation", self.employer_participation),
        ] {
            text.push_str(&format!("{key};{}\n", euros_cell(cents)));
        }
        text.push_str(&format!("participation_from;{}\n", self.participation_from));
        text
    }

    /// The file's version and source.
    pub fn header(&self) -> &Header {
        &self.header
    }
}

/// Every regulatory table an evaluation reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegulatoryData {
    /// The SMIC table.
    pub smic: SmicTable,
    /// The IDCC list; `None` where it is not known (the browser before it has read it): the
    /// IDCC is then only checked for its form.
    pub idcc: Option<IdccList>,
    /// The economic elements' ceilings.
    pub ceilings: Ceilings,
}

/// The embedded SMIC table.
pub const SMIC_FILE: &str = include_str!("../data/smic.csv");
/// The embedded ceilings.
pub const CEILINGS_FILE: &str = include_str!("../data/ceilings.csv");
/// The embedded IDCC list.
#[cfg(feature = "idcc-list")]
pub const IDCC_FILE: &str = include_str!("../data/idcc.csv");

static EMBEDDED: LazyLock<RegulatoryData> = LazyLock::new(|| RegulatoryData {
    smic: SmicTable::parse(SMIC_FILE).unwrap_or_else(|e| unreachable_data(&e)),
    #[cfg(feature = "idcc-list")]
    idcc: Some(IdccList::parse(IDCC_FILE).unwrap_or_else(|e| unreachable_data(&e))),
    #[cfg(not(feature = "idcc-list"))]
    idcc: None,
    ceilings: Ceilings::parse(CEILINGS_FILE).unwrap_or_else(|e| unreachable_data(&e)),
});

/// The embedded files are checked by the tests: reading them cannot fail in a build.
#[allow(clippy::panic)]
pub(crate) fn unreachable_data(error: &DataError) -> ! {
    panic!("embedded regulatory data: {error}")
}

/// The revision of the rules: raised by every release that changes what a rule decides, so
/// that what was stored of past evaluations (a dossier's « complet » in the lists) is computed
/// again at the next start, as it is when the regulatory data change.
pub const RULES_REVISION: u32 = 18;

impl RegulatoryData {
    /// The data embedded in the binary.
    pub fn embedded() -> &'static Self {
        &EMBEDDED
    }

    /// Everything an evaluation's outcome reads besides the dossier and the day: the rules'
    /// revision, these tables and the code lists in force, as one text (the server keeps its
    /// hash to know when stored outcomes are stale).
    pub fn evaluation_inputs(&self) -> String {
        let idcc = self.idcc.as_ref().map(IdccList::to_csv).unwrap_or_default();
        format!(
            "rules {RULES_REVISION}\n{}{idcc}{}{}",
            self.smic.to_csv(),
            self.ceilings.to_csv(),
            crate::codes::in_force().to_csv()
        )
    }
}

impl fmt::Display for Header {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.version;
        write!(f, "{:02}/{:02}/{}", v.day(), v.month(), v.year())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_files_read_and_the_smic_of_2026_is_1823_03() {
        let data = RegulatoryData::embedded();
        let smic = data
            .smic
            .on(NaiveDate::from_ymd_opt(2026, 6, 1).unwrap())
            .unwrap();
        assert_eq!(smic.monthly, 182_303);
        assert_eq!(data.ceilings.employer_participation, 75_000);
        assert_eq!(data.smic.header().version.to_string(), "2026-01-01");
        #[cfg(feature = "idcc-list")]
        assert!(data.idcc.as_ref().is_some_and(|list| list.len() > 700));
    }

    #[test]
    fn a_malformed_line_is_refused_with_its_number() {
        let text = format!("{SMIC_FILE}2027-01-01;12,5;1900,00;1500,00\n");
        let error = SmicTable::parse(&text).unwrap_err();
        assert_eq!(error.line, text.lines().count());
        assert!(error.to_string().starts_with("smic, ligne "), "{error}");
        assert!(error.message.contains("12,5"), "{error}");
        let older = format!("{SMIC_FILE}2025-01-01;12,50;1900,00;1500,00\n");
        assert!(
            SmicTable::parse(&older)
                .unwrap_err()
                .message
                .contains("se suivre")
        );
        let no_version = SMIC_FILE.replace("# version: 2026-01-01\n", "");
        assert!(
            SmicTable::parse(&no_version)
                .unwrap_err()
                .message
                .contains("version")
        );
        let bad_ceiling = CEILINGS_FILE.replace("meal;3,00", "meal;3");
        assert_eq!(Ceilings::parse(&bad_ceiling).unwrap_err().line, 7);
        let missing = CEILINGS_FILE.replace("night;6,00\n", "");
        assert!(
            Ceilings::parse(&missing)
                .unwrap_err()
                .message
                .contains("night")
        );
    }

    #[test]
    fn every_table_written_back_reads_the_same() {
        let data = RegulatoryData::embedded();
        assert_eq!(SmicTable::parse(&data.smic.to_csv()).unwrap(), data.smic);
        assert_eq!(
            Ceilings::parse(&data.ceilings.to_csv()).unwrap(),
            data.ceilings
        );
        let list = IdccList::parse(include_str!("../data/idcc.csv")).unwrap();
        assert_eq!(IdccList::parse(&list.to_csv()).unwrap(), list);
    }

    #[test]
    fn an_idcc_list_knows_each_code_once_with_its_state() {
        let text = "# version: 2024-11-12\ncode;state;label;replaced_by\n0735;remplace;Machines à coudre;1234\n1486;en_vigueur;Syntec;\n";
        let list = IdccList::parse(text).unwrap();
        let replaced = list.get(&Idcc::parse("735").unwrap()).unwrap();
        assert_eq!(replaced.state, IdccState::Remplace);
        assert_eq!(replaced.replaced_by.as_deref(), Some("1234"));
        let twice = format!("{text}1486;abroge;Syntec;\n");
        assert_eq!(IdccList::parse(&twice).unwrap_err().line, 5);
        let unknown_state = text.replace("en_vigueur", "vigueur");
        assert!(IdccList::parse(&unknown_state).is_err());
    }
}
