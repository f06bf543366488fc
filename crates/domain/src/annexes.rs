//! The annexes of the convention de formation (`reference/cerfa.md` §6.2), which CFA staff enter
//! on a formation (and may override for one of its variants): the **calendrier** — dated periods
//! at the CFA, in the company, of exams and of holidays, from which the hours and the share of
//! training time follow — and the **programme** — the blocks of competences and their modules,
//! with objectives, hours and assessment. Parsed whole, refused with each member's reason.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::values::parse_date;

/// The most periods a calendrier holds (four years of weekly rhythm).
pub const MAX_PERIODS: usize = 400;
/// The most blocks a programme holds, and modules a block holds.
pub const MAX_BLOCKS: usize = 40;
/// See [`MAX_BLOCKS`].
pub const MAX_MODULES: usize = 60;
/// The longest free text of a programme.
pub const MAX_TEXT: usize = 4000;
/// The longest title.
pub const MAX_TITLE: usize = 255;
/// The legal base of a year of work, in hours, against which the training share is measured
/// (a contract's training is at least 25 % of its duration, on 1 607 hours a year).
pub const HOURS_PER_YEAR: i64 = 1607;

/// Which kind of period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    /// Training at the CFA.
    Cfa,
    /// Work in the company.
    Entreprise,
    /// Exams.
    Examen,
    /// Holidays.
    Conges,
}

impl PeriodKind {
    /// Every kind, in the order the calendrier lists its totals.
    pub const ALL: [Self; 4] = [Self::Cfa, Self::Entreprise, Self::Examen, Self::Conges];

    /// The kind as stored and sent.
    pub fn key(self) -> &'static str {
        match self {
            Self::Cfa => "cfa",
            Self::Entreprise => "entreprise",
            Self::Examen => "examen",
            Self::Conges => "conges",
        }
    }

    /// The French label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Cfa => "Formation au CFA",
            Self::Entreprise => "En entreprise",
            Self::Examen => "Examens",
            Self::Conges => "Congés",
        }
    }

    fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.key() == key)
    }
}

/// One dated period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    /// What happens.
    pub kind: PeriodKind,
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
    /// Hours of training or exams in it, when counted.
    pub hours: Option<i64>,
    /// A word on it (« Semaine d'intégration »).
    pub label: Option<String>,
}

impl Period {
    /// Days from the first to the last, both counted.
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }
}

/// What is wrong with one member of an annex.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnnexIssue {
    /// Where: `periods[2].end`, `blocks[0].modules[1].hours`.
    pub path: String,
    /// A stable snake_case code.
    pub code: &'static str,
    /// The French message.
    pub message: String,
}

fn issue(path: impl Into<String>, code: &'static str, message: impl Into<String>) -> AnnexIssue {
    AnnexIssue {
        path: path.into(),
        code,
        message: message.into(),
    }
}

/// A calendrier: its periods in date order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Calendrier {
    periods: Vec<Period>,
}

/// What a calendrier adds up to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalendrierTotals {
    /// First day of the first period.
    pub start: Option<NaiveDate>,
    /// Last day of the last period.
    pub end: Option<NaiveDate>,
    /// For each kind, in [`PeriodKind::ALL`] order: days and hours.
    pub by_kind: Vec<KindTotal>,
    /// Training hours (CFA and exams) in hundredths of the legal hours of the span: the share of
    /// training time, to compare with 25 %.
    pub training_share_hundredths: Option<i64>,
}

/// One kind's total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KindTotal {
    /// Which kind.
    pub kind: PeriodKind,
    /// Its French label.
    pub label: &'static str,
    /// Periods of that kind.
    pub periods: usize,
    /// Their days.
    pub days: i64,
    /// Their hours, where counted.
    pub hours: i64,
}

fn text_member(
    object: &serde_json::Map<String, Json>,
    key: &str,
    path: &str,
    max: usize,
    required: bool,
    issues: &mut Vec<AnnexIssue>,
) -> Option<String> {
    match object.get(key) {
        None | Some(Json::Null) if !required => None,
        Some(Json::String(text)) if !text.trim().is_empty() || !required => {
            let text = text.trim();
            if text.chars().count() > max {
                issues.push(issue(
                    format!("{path}{key}"),
                    "too_long",
                    format!("{max} caractères au plus."),
                ));
                None
            } else if crate::has_control_characters(text) {
                issues.push(issue(
                    format!("{path}{key}"),
                    "control_character",
                    "Ce texte contient un caractère de contrôle.",
                ));
                None
            } else {
                (!text.is_empty()).then(|| text.to_owned())
            }
        }
        Some(Json::String(_)) | None | Some(Json::Null) => {
            issues.push(issue(
                format!("{path}{key}"),
                "required",
                "Ce champ est obligatoire.",
            ));
            None
        }
        Some(_) => {
            issues.push(issue(
                format!("{path}{key}"),
                "wrong_type",
                "Un texte est attendu.",
            ));
            None
        }
    }
}

fn hours_member(
    object: &serde_json::Map<String, Json>,
    key: &str,
    path: &str,
    required: bool,
    issues: &mut Vec<AnnexIssue>,
) -> Option<i64> {
    match object.get(key) {
        None | Some(Json::Null) if !required => None,
        Some(Json::Number(n)) if n.as_i64().is_some_and(|h| (0..=9999).contains(&h)) => n.as_i64(),
        None | Some(Json::Null) => {
            issues.push(issue(
                format!("{path}{key}"),
                "required",
                "Ce champ est obligatoire.",
            ));
            None
        }
        Some(_) => {
            issues.push(issue(
                format!("{path}{key}"),
                "out_of_range",
                "Un nombre d'heures entier entre 0 et 9 999 est attendu.",
            ));
            None
        }
    }
}

fn date_member(
    object: &serde_json::Map<String, Json>,
    key: &str,
    path: &str,
    issues: &mut Vec<AnnexIssue>,
) -> Option<NaiveDate> {
    match object.get(key).and_then(Json::as_str).map(parse_date) {
        Some(Ok(date)) => Some(date),
        Some(Err(error)) => {
            issues.push(issue(
                format!("{path}{key}"),
                error.code(),
                error.to_string(),
            ));
            None
        }
        None => {
            issues.push(issue(
                format!("{path}{key}"),
                "required",
                "Une date AAAA-MM-JJ est attendue.",
            ));
            None
        }
    }
}

fn unknown_members(
    object: &serde_json::Map<String, Json>,
    known: &[&str],
    path: &str,
    issues: &mut Vec<AnnexIssue>,
) {
    for key in object.keys().filter(|key| !known.contains(&key.as_str())) {
        issues.push(issue(
            format!("{path}{key}"),
            "unknown_field",
            "Ce champ n'existe pas.",
        ));
    }
}

/// The items of a list member of at most `max` items; `empty` says why it may not be empty,
/// when it may not.
fn list<'a>(
    value: Option<&'a Json>,
    (path, max, empty): (&str, usize, Option<&str>),
    issues: &mut Vec<AnnexIssue>,
) -> &'a [Json] {
    let items: &[Json] = match value {
        None | Some(Json::Null) => &[],
        Some(Json::Array(items)) if items.len() <= max => items,
        Some(Json::Array(_)) => {
            issues.push(issue(path, "too_many", format!("{max} éléments au plus.")));
            return &[];
        }
        Some(_) => {
            issues.push(issue(path, "wrong_type", "Une liste est attendue."));
            return &[];
        }
    };
    if let (true, Some(why)) = (items.is_empty(), empty) {
        issues.push(issue(path, "required", why));
    }
    items
}

impl Calendrier {
    /// Reads `{periods: [{kind, start, end, hours?, label?}]}`: each period's dates in order,
    /// no two periods of the CFA or of the company overlapping, at most [`MAX_PERIODS`].
    pub fn parse(input: &Json) -> Result<Self, Vec<AnnexIssue>> {
        let mut issues = Vec::new();
        let Json::Object(root) = input else {
            return Err(vec![issue(
                "",
                "wrong_type",
                "Un objet { periods: [...] } est attendu.",
            )]);
        };
        unknown_members(root, &["periods"], "", &mut issues);
        let items = list(
            root.get("periods"),
            (
                "periods",
                MAX_PERIODS,
                Some("Le calendrier compte au moins une période."),
            ),
            &mut issues,
        );
        let mut periods = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let path = format!("periods[{i}].");
            let Json::Object(object) = item else {
                issues.push(issue(
                    format!("periods[{i}]"),
                    "wrong_type",
                    "Un objet est attendu.",
                ));
                continue;
            };
            unknown_members(
                object,
                &["kind", "start", "end", "hours", "label"],
                &path,
                &mut issues,
            );
            let kind = match object
                .get("kind")
                .and_then(Json::as_str)
                .and_then(PeriodKind::from_key)
            {
                Some(kind) => Some(kind),
                None => {
                    issues.push(issue(
                        format!("{path}kind"),
                        "unknown_code",
                        "Le type de période est cfa, entreprise, examen ou conges.",
                    ));
                    None
                }
            };
            let start = date_member(object, "start", &path, &mut issues);
            let end = date_member(object, "end", &path, &mut issues);
            let hours = hours_member(object, "hours", &path, false, &mut issues);
            let label = text_member(object, "label", &path, MAX_TITLE, false, &mut issues);
            if let (Some(start), Some(end)) = (start, end)
                && end < start
            {
                issues.push(issue(
                    format!("{path}end"),
                    "end_before_start",
                    "La fin de la période précède son début.",
                ));
                continue;
            }
            if let (Some(kind), Some(start), Some(end)) = (kind, start, end) {
                periods.push(Period {
                    kind,
                    start,
                    end,
                    hours,
                    label,
                });
            }
        }
        periods.sort_by_key(|p| (p.start, p.end));
        for kind in [PeriodKind::Cfa, PeriodKind::Entreprise] {
            let of_kind: Vec<&Period> = periods.iter().filter(|p| p.kind == kind).collect();
            for pair in of_kind.windows(2) {
                if pair[1].start <= pair[0].end {
                    issues.push(issue(
                        "periods",
                        "overlapping_periods",
                        format!(
                            "Deux périodes « {} » se chevauchent : {} et {}.",
                            kind.label(),
                            crate::print::date_text(pair[0].start),
                            crate::print::date_text(pair[1].start)
                        ),
                    ));
                }
            }
        }
        if issues.is_empty() {
            Ok(Self { periods })
        } else {
            Err(issues)
        }
    }

    /// The periods, in date order.
    pub fn periods(&self) -> &[Period] {
        &self.periods
    }

    /// The stored form, as [`Calendrier::parse`] reads it.
    pub fn to_json(&self) -> Json {
        let periods: Vec<Json> = self
            .periods
            .iter()
            .map(|p| {
                let mut object = serde_json::Map::new();
                object.insert("kind".into(), p.kind.key().into());
                object.insert("start".into(), p.start.to_string().into());
                object.insert("end".into(), p.end.to_string().into());
                if let Some(hours) = p.hours {
                    object.insert("hours".into(), hours.into());
                }
                if let Some(label) = &p.label {
                    object.insert("label".into(), label.clone().into());
                }
                Json::Object(object)
            })
            .collect();
        serde_json::json!({ "periods": periods })
    }

    /// Days and hours by kind, and the share of training time over the span of the calendrier.
    pub fn totals(&self) -> CalendrierTotals {
        let start = self.periods.iter().map(|p| p.start).min();
        let end = self.periods.iter().map(|p| p.end).max();
        let by_kind: Vec<KindTotal> = PeriodKind::ALL
            .into_iter()
            .map(|kind| {
                let of_kind = self.periods.iter().filter(|p| p.kind == kind);
                KindTotal {
                    kind,
                    label: kind.label(),
                    periods: of_kind.clone().count(),
                    days: of_kind.clone().map(Period::days).sum(),
                    hours: of_kind.filter_map(|p| p.hours).sum(),
                }
            })
            .collect();
        let training_hours: i64 = by_kind
            .iter()
            .filter(|t| matches!(t.kind, PeriodKind::Cfa | PeriodKind::Examen))
            .map(|t| t.hours)
            .sum();
        let training_share_hundredths = match (start, end) {
            (Some(start), Some(end)) => {
                let span_days = (end - start).num_days() + 1;
                let legal_hours_x365 = HOURS_PER_YEAR * span_days;
                (legal_hours_x365 > 0 && training_hours > 0)
                    .then(|| training_hours * 365 * 10_000 / legal_hours_x365)
            }
            _ => None,
        };
        CalendrierTotals {
            start,
            end,
            by_kind,
            training_share_hundredths,
        }
    }
}

/// One module of a block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Module {
    /// Its title.
    pub title: String,
    /// What the apprentice will be able to do.
    pub objectives: Option<String>,
    /// Its hours.
    pub hours: Option<i64>,
    /// How it is assessed.
    pub assessment: Option<String>,
}

/// One block of competences (RNCP « bloc de compétences ») and its modules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Block {
    /// Its code in the RNCP file (`RNCP35432BC01`), when it has one.
    pub code: Option<String>,
    /// Its title.
    pub title: String,
    /// Its modules.
    pub modules: Vec<Module>,
}

impl Block {
    /// Hours of its modules.
    pub fn hours(&self) -> i64 {
        self.modules.iter().filter_map(|m| m.hours).sum()
    }
}

/// A programme: objectives, means, blocks, and how the diploma is obtained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Programme {
    /// The training's objectives.
    pub objectives: Option<String>,
    /// Pedagogical means (« moyens pédagogiques et techniques »).
    pub means: Option<String>,
    /// How the certification is obtained (« modalités d'évaluation et de sanction »).
    pub assessment: Option<String>,
    /// The blocks.
    pub blocks: Vec<Block>,
}

impl Programme {
    /// Reads `{objectives?, means?, assessment?, blocks: [{code?, title, modules: [{title,
    /// objectives?, hours?, assessment?}]}]}`; at least one block.
    pub fn parse(input: &Json) -> Result<Self, Vec<AnnexIssue>> {
        let mut issues = Vec::new();
        let Json::Object(root) = input else {
            return Err(vec![issue(
                "",
                "wrong_type",
                "Un objet { blocks: [...] } est attendu.",
            )]);
        };
        unknown_members(
            root,
            &["objectives", "means", "assessment", "blocks"],
            "",
            &mut issues,
        );
        let objectives = text_member(root, "objectives", "", MAX_TEXT, false, &mut issues);
        let means = text_member(root, "means", "", MAX_TEXT, false, &mut issues);
        let assessment = text_member(root, "assessment", "", MAX_TEXT, false, &mut issues);
        let items = list(
            root.get("blocks"),
            (
                "blocks",
                MAX_BLOCKS,
                Some("Le programme compte au moins un bloc."),
            ),
            &mut issues,
        );
        let mut blocks = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let path = format!("blocks[{i}].");
            let Json::Object(object) = item else {
                issues.push(issue(
                    format!("blocks[{i}]"),
                    "wrong_type",
                    "Un objet est attendu.",
                ));
                continue;
            };
            unknown_members(object, &["code", "title", "modules"], &path, &mut issues);
            let code = text_member(object, "code", &path, 40, false, &mut issues);
            let title = text_member(object, "title", &path, MAX_TITLE, true, &mut issues);
            let module_items = list(
                object.get("modules"),
                (&format!("{path}modules"), MAX_MODULES, None),
                &mut issues,
            );
            let mut modules = Vec::with_capacity(module_items.len());
            for (j, module) in module_items.iter().enumerate() {
                let path = format!("{path}modules[{j}].");
                let Json::Object(object) = module else {
                    issues.push(issue(
                        path.trim_end_matches('.'),
                        "wrong_type",
                        "Un objet est attendu.",
                    ));
                    continue;
                };
                unknown_members(
                    object,
                    &["title", "objectives", "hours", "assessment"],
                    &path,
                    &mut issues,
                );
                let title = text_member(object, "title", &path, MAX_TITLE, true, &mut issues);
                let objectives =
                    text_member(object, "objectives", &path, MAX_TEXT, false, &mut issues);
                let hours = hours_member(object, "hours", &path, false, &mut issues);
                let assessment =
                    text_member(object, "assessment", &path, MAX_TEXT, false, &mut issues);
                if let Some(title) = title {
                    modules.push(Module {
                        title,
                        objectives,
                        hours,
                        assessment,
                    });
                }
            }
            if let Some(title) = title {
                blocks.push(Block {
                    code,
                    title,
                    modules,
                });
            }
        }
        if issues.is_empty() {
            Ok(Self {
                objectives,
                means,
                assessment,
                blocks,
            })
        } else {
            Err(issues)
        }
    }

    /// Hours of every module.
    pub fn hours(&self) -> i64 {
        self.blocks.iter().map(Block::hours).sum()
    }

    /// The stored form, as [`Programme::parse`] reads it.
    pub fn to_json(&self) -> Json {
        let text = |t: &Option<String>| t.clone().map_or(Json::Null, Json::String);
        let blocks: Vec<Json> = self
            .blocks
            .iter()
            .map(|b| {
                let modules: Vec<Json> = b
                    .modules
                    .iter()
                    .map(|m| {
                        serde_json::json!({
                            "title": m.title,
                            "objectives": text(&m.objectives),
                            "hours": m.hours,
                            "assessment": text(&m.assessment),
                        })
                    })
                    .collect();
                serde_json::json!({"code": text(&b.code), "title": b.title, "modules": modules})
            })
            .collect();
        serde_json::json!({
            "objectives": text(&self.objectives),
            "means": text(&self.means),
            "assessment": text(&self.assessment),
            "blocks": blocks,
        })
    }
}

// ── As lines ─────────────────────────────────────────────────────────────────────────────────────
// What CFA staff paste from a spreadsheet: a period per line for the calendrier; for the
// programme, « Objectifs : », « Moyens : », « Évaluation : » lines, then « # code ; titre » for
// each block followed by « module ; heures ; évaluation ; objectifs » lines. Cells are separated
// by `;` or tabs; dates are `JJ/MM/AAAA` or `AAAA-MM-JJ`. Every refusal names its line.

fn cells(line: &str) -> Vec<&str> {
    line.split([';', '\t']).map(str::trim).collect()
}

/// `31/08/2026` or `2026-08-31` as `2026-08-31`.
fn iso_date(text: &str) -> Option<String> {
    let text = text.trim();
    match text.split('/').collect::<Vec<_>>().as_slice() {
        [d, m, y] if y.len() == 4 => Some(format!("{y}-{m:0>2}-{d:0>2}")),
        _ if text.len() == 10 && text.as_bytes().get(4) == Some(&b'-') => Some(text.to_owned()),
        _ => None,
    }
}

fn french_date(iso: &str) -> String {
    match iso.split('-').collect::<Vec<_>>().as_slice() {
        [y, m, d] => format!("{d}/{m}/{y}"),
        _ => iso.to_owned(),
    }
}

fn line_issue(line: usize, message: impl std::fmt::Display) -> AnnexIssue {
    issue(
        format!("lines[{line}]"),
        "invalid_line",
        format!("Ligne {} : {message}", line + 1),
    )
}

fn hours_cell(cell: Option<&&str>, line: usize, issues: &mut Vec<AnnexIssue>) -> Option<u32> {
    let cell = cell
        .map(|h| h.trim_end_matches('h').trim())
        .filter(|h| !h.is_empty())?;
    match cell.parse() {
        Ok(hours) => Some(hours),
        Err(_) => {
            issues.push(line_issue(line, "les heures sont un nombre entier."));
            None
        }
    }
}

/// Rewrites the paths of `issues` found in the JSON read from lines (`periods[2].end`) as the
/// lines they came from: `at` gives, for each path prefix, its line.
fn on_lines(issues: Vec<AnnexIssue>, at: &[(String, usize)]) -> Vec<AnnexIssue> {
    issues
        .into_iter()
        .map(|i| {
            let found = at
                .iter()
                .filter(|(prefix, _)| i.path.starts_with(prefix.as_str()))
                .max_by_key(|(prefix, _)| prefix.len());
            match found {
                Some((_, line)) => line_issue(*line, i.message),
                None => i,
            }
        })
        .collect()
}

impl Calendrier {
    /// Reads « type ; début ; fin ; heures ; précision » lines (types CFA, Entreprise, Examen,
    /// Congés), then checks them as [`Calendrier::parse`] does; each refusal names its line.
    pub fn from_lines(text: &str) -> Result<Self, Vec<AnnexIssue>> {
        let (mut periods, mut issues, mut at) = (Vec::new(), Vec::new(), Vec::new());
        for (n, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let c = cells(line);
            let kind = match c[0].to_lowercase().as_str() {
                "cfa" | "formation" => "cfa",
                "entreprise" => "entreprise",
                "examen" | "examens" => "examen",
                "congés" | "conges" | "congé" => "conges",
                other => {
                    issues.push(line_issue(
                        n,
                        format!("type « {other} » inconnu (CFA, Entreprise, Examen ou Congés)."),
                    ));
                    continue;
                }
            };
            let (Some(start), Some(end)) = (
                c.get(1).and_then(|d| iso_date(d)),
                c.get(2).and_then(|d| iso_date(d)),
            ) else {
                issues.push(line_issue(n, "indiquez le début et la fin (JJ/MM/AAAA)."));
                continue;
            };
            let mut period = serde_json::json!({"kind": kind, "start": start, "end": end});
            if let Some(hours) = hours_cell(c.get(3), n, &mut issues) {
                period["hours"] = hours.into();
            }
            if let Some(label) = c.get(4).filter(|l| !l.is_empty()) {
                period["label"] = (*label).into();
            }
            at.push((format!("periods[{}]", periods.len()), n));
            periods.push(period);
        }
        if !issues.is_empty() {
            return Err(issues);
        }
        Self::parse(&serde_json::json!({ "periods": periods })).map_err(|i| on_lines(i, &at))
    }

    /// The calendrier as the lines [`Calendrier::from_lines`] reads.
    pub fn to_lines(&self) -> String {
        let kind = |k: PeriodKind| match k {
            PeriodKind::Cfa => "CFA",
            PeriodKind::Entreprise => "Entreprise",
            PeriodKind::Examen => "Examen",
            PeriodKind::Conges => "Congés",
        };
        self.periods
            .iter()
            .map(|p| {
                format!(
                    "{} ; {} ; {} ; {} ; {}",
                    kind(p.kind),
                    french_date(&p.start.to_string()),
                    french_date(&p.end.to_string()),
                    p.hours.map(|h| h.to_string()).unwrap_or_default(),
                    p.label.as_deref().unwrap_or_default()
                )
                .trim_end_matches([' ', ';'])
                .to_owned()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Programme {
    /// Reads a programme's lines (see above), then checks it as [`Programme::parse`] does; each
    /// refusal names its line.
    pub fn from_lines(text: &str) -> Result<Self, Vec<AnnexIssue>> {
        let mut root = serde_json::Map::new();
        let mut blocks: Vec<Json> = Vec::new();
        let (mut issues, mut at) = (Vec::new(), Vec::new());
        for (n, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let trimmed = line.trim();
            let heading = [
                ("objectifs", "objectives"),
                ("moyens", "means"),
                ("évaluation", "assessment"),
                ("evaluation", "assessment"),
            ]
            .into_iter()
            .find_map(|(word, key)| {
                let (head, rest) = trimmed.split_once(':')?;
                (head.trim().to_lowercase() == word).then(|| (key, rest.trim()))
            });
            if let Some((key, rest)) = heading {
                at.push((key.to_owned(), n));
                root.insert(key.into(), rest.into());
                continue;
            }
            if let Some(block) = trimmed.strip_prefix('#') {
                let (code, title) = match cells(block).as_slice() {
                    [title] => (String::new(), title.to_string()),
                    [code, title, ..] => (code.to_string(), title.to_string()),
                    [] => (String::new(), String::new()),
                };
                at.push((format!("blocks[{}]", blocks.len()), n));
                blocks.push(serde_json::json!({"code": (!code.is_empty()).then_some(code), "title": title, "modules": []}));
                continue;
            }
            let index = blocks.len().wrapping_sub(1);
            let Some(block) = blocks.last_mut() else {
                issues.push(line_issue(n, "commencez par un bloc « # code ; titre »."));
                continue;
            };
            let c = cells(line);
            let hours = hours_cell(c.get(1), n, &mut issues);
            let text = |i: usize| c.get(i).filter(|t| !t.is_empty()).map(|t| t.to_string());
            if let Some(modules) = block["modules"].as_array_mut() {
                at.push((format!("blocks[{index}].modules[{}]", modules.len()), n));
                modules.push(serde_json::json!({
                    "title": c[0], "hours": hours, "assessment": text(2), "objectives": text(3),
                }));
            }
        }
        if !issues.is_empty() {
            return Err(issues);
        }
        root.insert("blocks".into(), Json::Array(blocks));
        Self::parse(&Json::Object(root)).map_err(|i| on_lines(i, &at))
    }

    /// The programme as the lines [`Programme::from_lines`] reads.
    pub fn to_lines(&self) -> String {
        let mut lines = Vec::new();
        for (word, text) in [
            ("Objectifs", &self.objectives),
            ("Moyens", &self.means),
            ("Évaluation", &self.assessment),
        ] {
            if let Some(text) = text {
                lines.push(format!("{word} : {}", text.replace(['\n', '\r'], " ")));
            }
        }
        for block in &self.blocks {
            lines.push(format!(
                "# {} ; {}",
                block.code.as_deref().unwrap_or_default(),
                block.title
            ));
            for m in &block.modules {
                lines.push(
                    format!(
                        "{} ; {} ; {} ; {}",
                        m.title,
                        m.hours.map(|h| h.to_string()).unwrap_or_default(),
                        m.assessment.as_deref().unwrap_or_default(),
                        m.objectives
                            .as_deref()
                            .unwrap_or_default()
                            .replace(['\n', '\r'], " ")
                    )
                    .trim_end_matches([' ', ';'])
                    .to_owned(),
                );
            }
        }
        lines.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_calendrier_adds_up_its_periods_and_measures_the_training_share() {
        let calendrier = Calendrier::parse(&json!({"periods": [
            {"kind": "entreprise", "start": "2026-09-14", "end": "2027-08-31"},
            {"kind": "cfa", "start": "2026-09-01", "end": "2026-09-11", "hours": 70},
            {"kind": "cfa", "start": "2027-01-04", "end": "2027-06-30", "hours": 350},
            {"kind": "examen", "start": "2027-06-15", "end": "2027-06-18", "hours": 20},
        ]}))
        .unwrap_or_else(|issues| panic!("{issues:?}"));

        let totals = calendrier.totals();
        assert_eq!(
            calendrier.periods()[0].kind,
            PeriodKind::Cfa,
            "sorted by date"
        );
        assert_eq!(totals.by_kind[0].hours, 420);
        assert_eq!(totals.by_kind[0].days, 11 + 178);
        // 440 hours of training over one year of 1 607 hours: 27.38 %.
        assert_eq!(totals.training_share_hundredths, Some(2738));
        assert_eq!(Calendrier::parse(&calendrier.to_json()), Ok(calendrier));
    }

    #[test]
    fn a_calendrier_refuses_reversed_and_overlapping_periods_with_their_place() {
        let issues = Calendrier::parse(&json!({"periods": [
            {"kind": "cfa", "start": "2026-09-10", "end": "2026-09-01"},
            {"kind": "entreprise", "start": "2026-09-01", "end": "2026-10-01"},
            {"kind": "entreprise", "start": "2026-09-20", "end": "2026-11-01"},
            {"kind": "stage", "start": "2026-09-01", "end": "2026-09-02", "hours": -1},
        ]}))
        .unwrap_err();

        let paths: Vec<&str> = issues.iter().map(|i| i.path.as_str()).collect();
        assert!(paths.contains(&"periods[0].end"), "{issues:?}");
        assert!(paths.contains(&"periods"), "{issues:?}");
        assert!(paths.contains(&"periods[3].kind"), "{issues:?}");
        assert!(paths.contains(&"periods[3].hours"), "{issues:?}");
    }

    #[test]
    fn calendrier_lines_read_french_dates_and_name_the_wrong_line() {
        let read = Calendrier::from_lines(
            "CFA ; 01/09/2026 ; 11/09/2026 ; 70 h ; Rentrée\n\nEntreprise;2026-09-14;2026-12-18",
        )
        .unwrap_or_else(|issues| panic!("{issues:?}"));
        assert_eq!(read.periods()[0].hours, Some(70));
        assert_eq!(read.periods()[1].kind, PeriodKind::Entreprise);
        assert_eq!(
            read.to_lines().lines().next(),
            Some("CFA ; 01/09/2026 ; 11/09/2026 ; 70 ; Rentrée")
        );
        assert_eq!(Calendrier::from_lines(&read.to_lines()), Ok(read));

        let unknown = Calendrier::from_lines("Stage ; 01/09/2026 ; 02/09/2026").unwrap_err();
        assert!(
            unknown[0].message.starts_with("Ligne 1 : type « stage »"),
            "{unknown:?}"
        );
        // A rule of the data (end before start) is told on its line too.
        let reversed = Calendrier::from_lines(
            "CFA ; 01/09/2026 ; 02/09/2026\n\nCFA ; 10/09/2026 ; 01/09/2026",
        )
        .unwrap_err();
        assert_eq!(reversed[0].path, "lines[2]");
        assert!(
            reversed[0].message.starts_with("Ligne 3 : "),
            "{reversed:?}"
        );
    }

    #[test]
    fn programme_lines_put_modules_under_their_block() {
        let text = "Objectifs : Former.\n# BC01 ; Concevoir\nAlgorithmique ; 120 ; Examen\nBases ; ; ; Modéliser";
        let programme = Programme::from_lines(text).unwrap_or_else(|issues| panic!("{issues:?}"));
        assert_eq!(programme.objectives.as_deref(), Some("Former."));
        assert_eq!(programme.blocks[0].code.as_deref(), Some("BC01"));
        assert_eq!(programme.blocks[0].modules[0].hours, Some(120));
        assert_eq!(
            programme.blocks[0].modules[1].objectives.as_deref(),
            Some("Modéliser")
        );
        assert_eq!(Programme::from_lines(&programme.to_lines()), Ok(programme));
        assert!(Programme::from_lines("Module sans bloc").is_err());
        let untitled = Programme::from_lines("# BC01 ; Concevoir\n ; 12").unwrap_err();
        assert_eq!(untitled[0].path, "lines[1]", "{untitled:?}");
    }

    #[test]
    fn a_programme_needs_titled_blocks_and_counts_its_hours() {
        let programme = Programme::parse(&json!({
            "objectives": "Former des développeurs.\nAutonomes.",
            "blocks": [{"code": "RNCP35432BC01", "title": "Concevoir", "modules": [
                {"title": "Algorithmique", "hours": 120, "assessment": "Contrôle continu"},
                {"title": "Bases de données", "hours": 80},
            ]}],
        }))
        .unwrap_or_else(|issues| panic!("{issues:?}"));
        assert_eq!(programme.hours(), 200);
        assert_eq!(Programme::parse(&programme.to_json()), Ok(programme));

        let issues =
            Programme::parse(&json!({"blocks": [{"modules": [{"hours": 3}]}], "extra": 1}))
                .unwrap_err();
        let paths: Vec<&str> = issues.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(
            paths,
            ["extra", "blocks[0].title", "blocks[0].modules[0].title"]
        );
        assert!(Programme::parse(&json!({})).is_err());
    }
}
