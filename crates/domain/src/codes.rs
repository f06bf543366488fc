//! The CERFA code lists (`reference/cerfa.md` §2), keyed by CERFA version, with the French
//! labels users see: regulatory data (issue 18), read from `data/codes.csv` embedded in the
//! binary or from the file a CFA names in the settings (`[regulatory] codes`).
//!
//! Unlike the other tables, which each evaluation is handed, the code lists in force are one per
//! process ([`install`]): every reading of a value parses its codes against them, and a stored
//! code is a `&'static str` of the list. The server installs a CFA's file at start-up; the
//! browser installs the server's before it shows a dossier.

use std::{
    collections::BTreeMap,
    sync::{LazyLock, PoisonError, RwLock},
};

use serde::{Deserialize, Serialize};

use crate::regulatory::{DataError, Header};

/// A version of the apprenticeship CERFA (FA13, n°10103). Code lists and a few fields differ.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub enum CerfaVersion {
    /// 10103*12 (October 2024): « mode contractuel », maître eligibility attestation.
    #[serde(rename = "10103*12")]
    V12,
    /// 10103*13 (January 2025): RQTH « équivalence jeunes » and « extension BOE », new diplomas.
    #[serde(rename = "10103*13")]
    V13,
    /// 10103*14 (mandatory from 1 July 2025): hours of training at distance.
    #[default]
    #[serde(rename = "10103*14")]
    V14,
}

impl CerfaVersion {
    /// Every supported version, oldest first.
    pub const ALL: [Self; 3] = [Self::V12, Self::V13, Self::V14];

    /// The version's official number (`10103*14`).
    pub fn number(self) -> &'static str {
        match self {
            Self::V12 => "10103*12",
            Self::V13 => "10103*13",
            Self::V14 => "10103*14",
        }
    }
}

/// One entry of a code list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CodeEntry {
    /// The code stored in the dossier and sent to integrations.
    pub code: &'static str,
    /// The French label shown to users.
    pub label: &'static str,
}

/// The code lists of the CERFA and of the dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeList {
    /// §2.1 Sexe.
    Sexe,
    /// §1.3.1 employeur privé / public.
    PrivePublic,
    /// §2.2 Type d'employeur.
    TypeEmployeur,
    /// §2.3 Employeur spécifique.
    EmployeurSpecifique,
    /// §2.4 Régions (INSEE codes).
    Region,
    /// §2.4 Départements, with 99 for a birth abroad.
    Departement,
    /// §2.5 Diplômes et titres (differs between *12 and *13+).
    Diplome,
    /// §2.6 Nationalité.
    Nationalite,
    /// §2.7 Situation avant ce contrat.
    SituationAvantContrat,
    /// §2.8 Dernière classe / année suivie.
    DerniereClasse,
    /// §2.9 Niveau de diplôme du maître d'apprentissage.
    NiveauDiplomeMaitre,
    /// §2.10 Mode contractuel de l'apprentissage.
    ModeContractuel,
    /// §2.11 Type de contrat ou d'avenant.
    TypeContrat,
    /// §2.12 Type de dérogation.
    TypeDerogation,
    /// §2.13 Régime social.
    RegimeSocial,
    /// §2.14 Type de salaire (basis of a remuneration line).
    TypeSalaire,
    /// §2.15 Indice de répétition of a street number.
    IndiceRepetition,
    /// §2.16 Types of supporting documents.
    TypePiece,
}

impl CodeList {
    /// Every code list.
    pub const ALL: [Self; 18] = [
        Self::Sexe,
        Self::PrivePublic,
        Self::TypeEmployeur,
        Self::EmployeurSpecifique,
        Self::Region,
        Self::Departement,
        Self::Diplome,
        Self::Nationalite,
        Self::SituationAvantContrat,
        Self::DerniereClasse,
        Self::NiveauDiplomeMaitre,
        Self::ModeContractuel,
        Self::TypeContrat,
        Self::TypeDerogation,
        Self::RegimeSocial,
        Self::TypeSalaire,
        Self::IndiceRepetition,
        Self::TypePiece,
    ];

    /// The entries of this list for a CERFA version, in the lists in force.
    pub fn entries(self, version: CerfaVersion) -> &'static [CodeEntry] {
        in_force().entries(self, version)
    }

    /// The list's name in the data file and the API (`type_derogation`).
    pub fn key(self) -> &'static str {
        match self {
            Self::Sexe => "sexe",
            Self::PrivePublic => "prive_public",
            Self::TypeEmployeur => "type_employeur",
            Self::EmployeurSpecifique => "employeur_specifique",
            Self::Region => "region",
            Self::Departement => "departement",
            Self::Diplome => "diplome",
            Self::Nationalite => "nationalite",
            Self::SituationAvantContrat => "situation_avant_contrat",
            Self::DerniereClasse => "derniere_classe",
            Self::NiveauDiplomeMaitre => "niveau_diplome_maitre",
            Self::ModeContractuel => "mode_contractuel",
            Self::TypeContrat => "type_contrat",
            Self::TypeDerogation => "type_derogation",
            Self::RegimeSocial => "regime_social",
            Self::TypeSalaire => "type_salaire",
            Self::IndiceRepetition => "indice_repetition",
            Self::TypePiece => "type_piece",
        }
    }

    /// The entry for `code`, if the list has it in this version.
    pub fn find(self, version: CerfaVersion, code: &str) -> Option<&'static CodeEntry> {
        self.entries(version)
            .iter()
            .find(|entry| entry.code == code)
    }

    /// Stored codes are zero-padded to this width when a shorter number is sent (`1` → `01`).
    pub(crate) fn pad_width(self) -> usize {
        match self {
            Self::DerniereClasse | Self::Departement | Self::Region => 2,
            _ => 0,
        }
    }
}

/// Employer types of the public sector (contracts go through CELIA, not an OPCO), EPIC excepted.
pub const PUBLIC_EMPLOYER_TYPES: &[&str] = &["21", "22", "23", "24", "25", "26", "27", "28", "29"];

/// Whether an employer is public: declared so on « Employeur privé ou public », or of a public
/// « Type d'employeur ». Evaluation and the economic elements ask the same question.
pub fn is_public_employer(declared: Option<&str>, employer_type: Option<&str>) -> bool {
    declared == Some("public") || employer_type.is_some_and(|t| PUBLIC_EMPLOYER_TYPES.contains(&t))
}

/// The certification level (cadre national des certifications) of a diploma code, from its
/// group in §2.5: 3 = CAP/BEP, 4 = bac, 5 = bac+2, 6 = bac+3/4, 7 = bac+5, 8 = doctorat.
/// A CFA's list keeps the groups: a code's first digit is its level.
pub fn diploma_level(code: &str) -> Option<u8> {
    match code.as_bytes().first()? {
        b'1' | b'2' => Some(2),
        b'3' => Some(3),
        b'4' => Some(4),
        b'5' => Some(5),
        b'6' => Some(6),
        b'7' => Some(7),
        b'8' => Some(8),
        _ => None,
    }
}

/// « Diplôme ou titre visé » as the CERFA codes it (list `diplome`), read from the first three
/// characters of a code diplôme (reference/cerfa.md §2.5, from the ministry's own form helper):
/// the value the CFA is offered before checking it. `None` when the code does not tell, or when
/// the type has no code of its own in `version` (an engineering or business school from *13 on).
pub fn diploma_type(code_diplome: &str, version: CerfaVersion) -> Option<&'static str> {
    let prefix = code_diplome.get(..3)?;
    #[rustfmt::skip]
    let exact: &[(&str, &str)] = &[
        ("500", "33"), ("503", "33"), ("510", "34"), ("010", "35"), ("013", "35"),
        ("400", "41"), ("403", "41"), ("430", "43"), ("433", "43"), ("401", "49"), ("420", "49"),
        ("320", "54"), ("323", "54"), ("350", "55"), ("321", "58"), ("322", "58"),
        ("200", "63"), ("201", "63"), ("205", "63"), ("250", "62"), ("251", "64"),
        ("135", "71"), ("155", "71"), ("165", "74"), ("170", "74"), ("140", "79"),
        ("146", "79"), ("160", "79"), ("16X", "79"), ("100", "80"), ("671", "25"), ("672", "26"),
    ];
    // Ranges of prefixes, in the order of the code diplôme's characters (`56X` after `569`).
    let ranges: &[(&str, &str, &str)] = &[
        ("553", "56X", "38"),
        ("446", "46X", "49"),
        ("336", "36X", "58"),
        ("230", "26X", "69"),
    ];
    let code = exact
        .iter()
        .find(|(p, _)| *p == prefix)
        .map(|(_, code)| *code)
        .or_else(|| {
            ranges
                .iter()
                .find(|(from, to, _)| (*from..=*to).contains(&prefix))
                .map(|(_, _, code)| *code)
        })?;
    // From *13 on the master has one code, and engineers and business schools one each.
    let code = match (code, version) {
        ("71", CerfaVersion::V13 | CerfaVersion::V14) => "73",
        (code, _) => code,
    };
    CodeList::Diplome
        .entries(version)
        .iter()
        .any(|entry| entry.code == code)
        .then_some(code)
}

/// The columns of a code list file.
const COLUMNS: &str = "list;versions;code;label";

/// Every code list, for every CERFA version, as one data file holds them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeLists {
    header: Header,
    lists: BTreeMap<(CodeList, CerfaVersion), Vec<CodeEntry>>,
    /// The file as read: served back whole, with its comments.
    text: &'static str,
}

/// The versions a line's `versions` cell names: `*` (all), `13` (that one), `13+` (it and later).
fn versions(cell: &str) -> Option<Vec<CerfaVersion>> {
    if cell == "*" {
        return Some(CerfaVersion::ALL.to_vec());
    }
    let (number, onwards) = match cell.strip_suffix('+') {
        Some(number) => (number, true),
        None => (cell, false),
    };
    let first = CerfaVersion::ALL
        .into_iter()
        .find(|version| version.number().strip_prefix("10103*") == Some(number))?;
    Some(
        CerfaVersion::ALL
            .into_iter()
            .filter(|version| *version == first || (onwards && *version > first))
            .collect(),
    )
}

impl CodeLists {
    /// The lists from a `list;versions;code;label` file: every list known, each code once per
    /// list and version, zero-padded lists' codes at least at their width, no list left empty for a version.
    /// The text lives as long as the process: the lists' codes are slices of it.
    pub fn parse(text: &'static str) -> Result<Self, DataError> {
        let (header, lines) = crate::regulatory::rows("codes", text, COLUMNS)?;
        let mut lists: BTreeMap<(CodeList, CerfaVersion), Vec<CodeEntry>> = BTreeMap::new();
        for (line, cells) in lines {
            let error = |message: String| DataError {
                file: "codes",
                line,
                message,
            };
            let (list, cell_versions, code, label) = (cells[0], cells[1], cells[2], cells[3]);
            let list = CodeList::ALL
                .into_iter()
                .find(|known| known.key() == list)
                .ok_or_else(|| error(format!("liste « {list} » inconnue")))?;
            let versions = versions(cell_versions).ok_or_else(|| {
                error(format!(
                    "versions « {cell_versions} » illisibles (« * », « 13 » ou « 13+ »)"
                ))
            })?;
            if code.is_empty() || label.is_empty() {
                return Err(error("code et libellé sont obligatoires".into()));
            }
            let width = list.pad_width();
            if code.chars().count() < width {
                return Err(error(format!(
                    "le code « {code} » de la liste {} doit avoir au moins {width} caractères",
                    list.key()
                )));
            }
            for version in versions {
                let entries = lists.entry((list, version)).or_default();
                if entries
                    .iter()
                    .any(|entry| entry.code.eq_ignore_ascii_case(code))
                {
                    return Err(error(format!(
                        "le code « {code} » figure deux fois dans la liste {} du CERFA {}",
                        list.key(),
                        version.number()
                    )));
                }
                entries.push(CodeEntry { code, label });
            }
        }
        for list in CodeList::ALL {
            for version in CerfaVersion::ALL {
                if !lists.contains_key(&(list, version)) {
                    return Err(DataError {
                        file: "codes",
                        line: text.lines().count(),
                        message: format!(
                            "la liste {} n'a aucun code pour le CERFA {}",
                            list.key(),
                            version.number()
                        ),
                    });
                }
            }
        }
        Ok(Self {
            header,
            lists,
            text,
        })
    }

    /// The embedded lists, `data/codes.csv` (empty without the `code-lists` feature).
    pub fn embedded() -> &'static Self {
        &EMBEDDED
    }

    /// The entries of `list` for a CERFA version, in the file's order.
    pub fn entries(&self, list: CodeList, version: CerfaVersion) -> &[CodeEntry] {
        self.lists
            .get(&(list, version))
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// How many lines the file holds (a code in several versions counts once).
    pub fn len(&self) -> usize {
        self.text
            .lines()
            .filter(|line| !line.trim().is_empty() && !line.trim_start().starts_with('#'))
            .count()
            .saturating_sub(1)
    }

    /// Whether the file holds no code (never, once read).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The file, as read.
    pub fn to_csv(&self) -> &'static str {
        self.text
    }

    /// The file's version and source.
    pub fn header(&self) -> &Header {
        &self.header
    }
}

/// The embedded code lists.
#[cfg(feature = "code-lists")]
pub const CODES_FILE: &str = include_str!("../data/codes.csv");

#[cfg(feature = "code-lists")]
static EMBEDDED: LazyLock<CodeLists> = LazyLock::new(|| {
    CodeLists::parse(CODES_FILE).unwrap_or_else(|e| crate::regulatory::unreachable_data(&e))
});

/// Without the `code-lists` feature (the browser) nothing is embedded: every list is empty
/// until the server's are installed.
#[cfg(not(feature = "code-lists"))]
static EMBEDDED: LazyLock<CodeLists> = LazyLock::new(|| CodeLists {
    header: Header {
        version: chrono::NaiveDate::MIN,
        source: String::new(),
    },
    lists: BTreeMap::new(),
    text: "",
});

static INSTALLED: RwLock<Option<&'static CodeLists>> = RwLock::new(None);

/// The code lists in force: those installed, else the embedded ones.
pub fn in_force() -> &'static CodeLists {
    INSTALLED
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .unwrap_or_else(CodeLists::embedded)
}

/// Puts `lists` in force for the rest of the process, and answers them. Values already read
/// keep the codes they hold, which stay valid: the lists replaced are never freed.
pub fn install(lists: CodeLists) -> &'static CodeLists {
    let lists: &'static CodeLists = Box::leak(Box::new(lists));
    *INSTALLED.write().unwrap_or_else(PoisonError::into_inner) = Some(lists);
    lists
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_list_key_is_the_name_the_api_gives_it() {
        for list in CodeList::ALL {
            assert_eq!(serde_json::json!(list), serde_json::json!(list.key()));
        }
    }

    #[test]
    fn a_line_names_all_versions_one_or_one_and_later() {
        use CerfaVersion::*;
        assert_eq!(versions("*"), Some(vec![V12, V13, V14]));
        assert_eq!(versions("13"), Some(vec![V13]));
        assert_eq!(versions("13+"), Some(vec![V13, V14]));
        assert_eq!(versions("11"), None);
        assert_eq!(versions("13-14"), None);
    }

    #[test]
    fn a_cfa_file_that_adds_a_code_reads_and_keeps_its_text() {
        let text: &'static str =
            format!("{CODES_FILE}type_derogation;13+;70;Dérogation d'essai\n").leak();
        let lists = CodeLists::parse(text).unwrap();
        let codes = |version| {
            lists
                .entries(CodeList::TypeDerogation, version)
                .iter()
                .map(|entry| entry.code)
                .collect::<Vec<_>>()
        };
        assert!(codes(CerfaVersion::V14).contains(&"70"));
        assert!(!codes(CerfaVersion::V12).contains(&"70"));
        assert_eq!(lists.to_csv(), text);
        assert_eq!(lists.len(), CodeLists::embedded().len() + 1);
    }

    #[test]
    fn a_malformed_code_file_is_refused_with_its_line() {
        let refused = |extra: &str| {
            let text: &'static str = format!("{CODES_FILE}{extra}\n").leak();
            let error = CodeLists::parse(text).unwrap_err();
            assert_eq!(error.line, text.lines().count(), "{error}");
            error.message
        };
        assert!(refused("typ_contrat;*;11;Contrat initial").contains("inconnue"));
        assert!(refused("type_contrat;15;99;Futur").contains("illisibles"));
        assert!(refused("type_contrat;*;11;Doublon").contains("deux fois"));
        assert!(refused("departement;*;7;Ardèche").contains("au moins 2"));
        assert!(refused("sexe;*;X;").contains("obligatoires"));
        let no_sexe: &'static str = CODES_FILE
            .lines()
            .filter(|line| !line.starts_with("sexe;"))
            .map(|line| format!("{line}\n"))
            .collect::<String>()
            .leak();
        let error = CodeLists::parse(no_sexe).unwrap_err();
        assert!(error.message.contains("sexe"), "{error}");
    }
    #[test]
    fn a_code_diplome_tells_the_diploma_type_by_its_first_three_characters() {
        assert_eq!(diploma_type("32031213", CerfaVersion::V14), Some("54"));
        assert_eq!(diploma_type("50022102", CerfaVersion::V14), Some("33"));
        assert_eq!(diploma_type("25031501", CerfaVersion::V14), Some("62"));
        assert_eq!(diploma_type("26X31015", CerfaVersion::V14), Some("69"));
        assert_eq!(diploma_type("56X2", CerfaVersion::V14), Some("38"));
        assert_eq!(diploma_type("13531002", CerfaVersion::V12), Some("71"));
        assert_eq!(diploma_type("13531002", CerfaVersion::V14), Some("73"));
    }

    #[test]
    fn a_code_diplome_that_does_not_tell_leaves_the_diploma_type_to_the_cfa() {
        assert_eq!(diploma_type("99999999", CerfaVersion::V14), None);
        assert_eq!(
            diploma_type("17031002", CerfaVersion::V14),
            None,
            "74 is not a *14 code"
        );
        assert_eq!(diploma_type("17031002", CerfaVersion::V12), Some("74"));
        assert_eq!(diploma_type("32", CerfaVersion::V14), None);
    }
}
