//! Minimum remuneration: the SMIC as dated data, the legal grids, and the CERFA's remuneration
//! lines (`reference/cerfa.md` §3.4 and §3.10).

use chrono::NaiveDate;
use serde::Serialize;

use crate::{
    dates::{age_on, anniversary, first_of_next_month},
    regulatory::SmicTable,
    settings::ContractType,
    values::Cents,
};

/// Minimum rates of the apprenticeship grid (D6222-26), by year of execution then age bracket
/// (under 18, 18–20, 21–25, 26 and over). The 4th year pays the 3rd year's rates.
const APPRENTISSAGE_GRID: [[i64; 4]; 4] = [
    [27, 43, 53, 100],
    [39, 51, 61, 100],
    [55, 67, 78, 100],
    [55, 67, 78, 100],
];

/// Ages at which the apprenticeship bracket changes.
const APPRENTISSAGE_THRESHOLDS: &[i32] = &[18, 21, 26];
/// Ages at which the professionalisation bracket changes.
const PRO_THRESHOLDS: &[i32] = &[21, 26];

/// What the remuneration lines are computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RemunerationInput {
    /// Apprentissage or professionnalisation.
    pub contract_type: ContractType,
    /// The apprentice's birth date.
    pub birth: NaiveDate,
    /// First day of the contract.
    pub start: NaiveDate,
    /// Last day of the contract.
    pub end: NaiveDate,
    /// The collective minimum (SMC) of the job, monthly for 35 h, if known.
    pub smc: Option<Cents>,
    /// Whether the contract is executed in Mayotte, which has its own SMIC.
    pub mayotte: bool,
    /// Professionalisation only: the student holds at least a bac professionnel (higher rates).
    pub qualified: bool,
    /// The SMIC table in force.
    pub smic: &'static SmicTable,
}

/// The basis a rate applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Basis {
    /// The SMIC.
    #[serde(rename = "SMIC")]
    Smic,
    /// The salaire minimum conventionnel.
    #[serde(rename = "SMC")]
    Smc,
}

impl Basis {
    /// The code as the CERFA writes it.
    pub fn code(self) -> &'static str {
        match self {
            Self::Smic => "SMIC",
            Self::Smc => "SMC",
        }
    }
}

/// One line of the CERFA's remuneration block, at its legal minimum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RemunerationLine {
    /// `1.1` … `4.2`: year of execution and period within it.
    pub line: String,
    /// Year of execution, 1 to 4.
    pub year: u8,
    /// First day of the line.
    pub start: NaiveDate,
    /// Last day of the line.
    pub end: NaiveDate,
    /// The apprentice's age on the line's first day.
    pub age: i32,
    /// The legal minimum, in percent of the basis.
    pub rate: i64,
    /// What the rate applies to.
    pub basis: Basis,
    /// The monthly minimum for 35 hours, in cents, at the basis in force on the line's first day,
    /// rounded up to the cent; `None` before the SMIC table starts (2021).
    #[serde(serialize_with = "serialize_euros")]
    pub monthly_minimum: Option<Cents>,
}

fn serialize_euros<S: serde::Serializer>(cents: &Option<Cents>, s: S) -> Result<S::Ok, S::Error> {
    match cents {
        Some(c) => s.serialize_f64(*c as f64 / 100.0),
        None => s.serialize_none(),
    }
}

/// Birthday on which an age is reached (29 February → 1 March in common years).
fn birthday(birth: NaiveDate, age: i32) -> Option<NaiveDate> {
    anniversary(birth, u32::try_from(age).ok()?)
}

/// `amount × rate / 100`, rounded up to the cent once.
pub fn percent_of(amount: Cents, rate_hundredths: i64) -> Cents {
    let product = amount * rate_hundredths;
    product / 10_000 + i64::from(product % 10_000 > 0)
}

/// The remuneration lines at their legal minimum: one per contract year (at most 4), split in
/// two where an age bracket changes, so at most 8. Empty when the end precedes the start.
///
/// A bracket change applies from the first day of the month after the birthday — unless the
/// birthday is the contract's first day, when it counts from the start.
pub fn minimum_lines(input: &RemunerationInput) -> Vec<RemunerationLine> {
    let RemunerationInput {
        birth, start, end, ..
    } = *input;
    if end < start || birth >= start {
        return Vec::new();
    }
    let thresholds = match input.contract_type {
        ContractType::Apprentissage => APPRENTISSAGE_THRESHOLDS,
        ContractType::Professionnalisation => PRO_THRESHOLDS,
    };
    // For each threshold, the day from which its bracket applies.
    let effective: Vec<Option<NaiveDate>> = thresholds
        .iter()
        .map(|&age| {
            let day = birthday(birth, age)?;
            if day <= start {
                Some(start)
            } else {
                first_of_next_month(day)
            }
        })
        .collect();
    let bracket_on = |d: NaiveDate| {
        effective
            .iter()
            .filter(|e| e.is_some_and(|e| e <= d))
            .count()
    };

    let mut lines = Vec::with_capacity(8);
    for year in 0..4u8 {
        let Some(year_start) = anniversary(start, u32::from(year)) else {
            break;
        };
        if year_start > end {
            break;
        }
        let year_end = anniversary(start, u32::from(year) + 1)
            .and_then(|next| next.pred_opt())
            .map_or(end, |last| last.min(end));
        let split = effective
            .iter()
            .flatten()
            .copied()
            .find(|e| *e > year_start && *e <= year_end);
        let periods = match split.and_then(|s| s.pred_opt().map(|before| (s, before))) {
            Some((from, before)) => vec![(year_start, before), (from, year_end)],
            None => vec![(year_start, year_end)],
        };
        for (index, (period_start, period_end)) in periods.into_iter().enumerate() {
            let bracket = bracket_on(period_start);
            let (rate, basis, monthly_minimum) = minimum_for(input, year, bracket, period_start);
            lines.push(RemunerationLine {
                line: format!("{}.{}", year + 1, index + 1),
                year: year + 1,
                start: period_start,
                end: period_end,
                age: age_on(birth, period_start),
                rate,
                basis,
                monthly_minimum,
            });
        }
    }
    lines
}

/// Rate, basis and monthly minimum of a line.
fn minimum_for(
    input: &RemunerationInput,
    year: u8,
    bracket: usize,
    on: NaiveDate,
) -> (i64, Basis, Option<Cents>) {
    let smic = input.smic.on(on).map(|s| {
        if input.mayotte {
            s.monthly_mayotte
        } else {
            s.monthly
        }
    });
    match input.contract_type {
        ContractType::Apprentissage => {
            let rate = APPRENTISSAGE_GRID[usize::from(year.min(3))][bracket.min(3)];
            // From 21, the collective minimum is the basis when it pays more.
            let smc_wins =
                bracket >= 2 && matches!((input.smc, smic), (Some(smc), Some(smic)) if smc > smic);
            let (basis, amount) = if smc_wins {
                (Basis::Smc, input.smc)
            } else {
                (Basis::Smic, smic)
            };
            (rate, basis, amount.map(|a| percent_of(a, rate * 100)))
        }
        ContractType::Professionnalisation => match bracket {
            // From 26: at least the SMIC and at least 85 % of the collective minimum.
            2.. => {
                let smc_share = input.smc.map(|smc| percent_of(smc, 85_00));
                match (smc_share, smic) {
                    (Some(share), Some(smic)) if share > smic => (85, Basis::Smc, Some(share)),
                    _ => (100, Basis::Smic, smic),
                }
            }
            _ => {
                let rate = match (bracket, input.qualified) {
                    (0, false) => 55,
                    (0, true) => 65,
                    (_, false) => 70,
                    (_, true) => 80,
                };
                (rate, Basis::Smic, smic.map(|a| percent_of(a, rate * 100)))
            }
        },
    }
}
