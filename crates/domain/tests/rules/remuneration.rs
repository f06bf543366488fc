use domain::{
    ContractType,
    remuneration::{Basis, RemunerationInput, RemunerationLine, minimum_lines, percent_of},
};

use domain::regulatory::RegulatoryData;

use crate::helpers::date;

fn apprentissage(birth: &str, start: &str, end: &str) -> RemunerationInput {
    RemunerationInput {
        contract_type: ContractType::Apprentissage,
        birth: date(birth),
        start: date(start),
        end: date(end),
        smc: None,
        mayotte: false,
        qualified: false,
        smic: &RegulatoryData::embedded().smic,
    }
}

fn smic_on(on: chrono::NaiveDate) -> Option<&'static domain::regulatory::Smic> {
    RegulatoryData::embedded().smic.on(on)
}

/// `(line, start, end, rate)` of each line, for compact comparisons.
fn summary(lines: &[RemunerationLine]) -> Vec<(String, String, String, i64)> {
    lines
        .iter()
        .map(|l| {
            (
                l.line.clone(),
                l.start.to_string(),
                l.end.to_string(),
                l.rate,
            )
        })
        .collect()
}

fn row(line: &str, start: &str, end: &str, rate: i64) -> (String, String, String, i64) {
    (line.into(), start.into(), end.into(), rate)
}

#[test]
fn the_grid_matches_the_official_table_for_each_year_and_age() {
    // D6222-26 — (birth, contract end, rates of years 1..): each contract stays in one bracket.
    let official: [(&str, &str, &[i64]); 4] = [
        ("2009-01-02", "2026-12-31", &[27, 39]),         // under 18
        ("2007-01-01", "2027-12-31", &[43, 51, 67]),     // 18–20
        ("2003-01-01", "2028-12-31", &[53, 61, 78, 78]), // 21–25; the 4th year pays the 3rd's
        ("1990-05-05", "2028-12-31", &[100, 100, 100, 100]), // 26 and over
    ];
    for (birth, end, rates) in official {
        let lines = minimum_lines(&apprentissage(birth, "2025-01-01", end));
        let got: Vec<i64> = lines.iter().map(|l| l.rate).collect();
        assert_eq!(got, rates, "born {birth}");
        assert!(
            lines.iter().all(|l| l.line.ends_with(".1")),
            "no bracket change: {lines:?}"
        );
    }
    // 18–20 turning 21 in the 3rd year: the year splits at the 1st of the following month.
    let lines = minimum_lines(&apprentissage("2006-06-15", "2025-01-01", "2027-12-31"));
    assert_eq!(
        summary(&lines),
        [
            row("1.1", "2025-01-01", "2025-12-31", 43),
            row("2.1", "2026-01-01", "2026-12-31", 51),
            row("3.1", "2027-01-01", "2027-06-30", 67),
            row("3.2", "2027-07-01", "2027-12-31", 78),
        ]
    );
}

#[test]
fn the_worked_example_of_the_reference_gives_its_lines_and_amounts() {
    // cerfa.md §3.4: born 2005-03-10, contract 2025-09-01 → 2027-08-31.
    let lines = minimum_lines(&apprentissage("2005-03-10", "2025-09-01", "2027-08-31"));
    assert_eq!(
        summary(&lines),
        [
            row("1.1", "2025-09-01", "2026-03-31", 43),
            row("1.2", "2026-04-01", "2026-08-31", 53),
            row("2.1", "2026-09-01", "2027-08-31", 61),
        ]
    );
    assert_eq!(lines[0].age, 20);
    assert_eq!(lines[1].age, 21);
    // 43 % of 1 801,80 € (SMIC in force on 2025-09-01); the next lines start in 2026: 1 823,03 €.
    let amounts: Vec<_> = lines.iter().map(|l| l.monthly_minimum).collect();
    assert_eq!(amounts, [Some(774_78), Some(966_21), Some(1112_05)]);
    assert!(lines.iter().all(|l| l.basis == Basis::Smic));
}

#[test]
fn a_higher_collective_minimum_becomes_the_basis_from_21() {
    let mut input = apprentissage("2005-03-10", "2025-09-01", "2027-08-31");
    input.smc = Some(1900_00);
    let lines = minimum_lines(&input);
    assert_eq!(
        lines[0].basis,
        Basis::Smic,
        "under 21 the SMIC stays the basis"
    );
    assert_eq!(
        (lines[1].basis, lines[1].monthly_minimum),
        (Basis::Smc, Some(1007_00))
    );
    assert_eq!(
        (lines[2].basis, lines[2].monthly_minimum),
        (Basis::Smc, Some(1159_00))
    );
    input.smc = Some(1700_00);
    assert!(minimum_lines(&input).iter().all(|l| l.basis == Basis::Smic));
}

#[test]
fn a_birthday_on_the_first_day_counts_from_the_start_without_a_split() {
    let lines = minimum_lines(&apprentissage("2004-09-01", "2025-09-01", "2026-08-31"));
    assert_eq!(
        summary(&lines),
        [row("1.1", "2025-09-01", "2026-08-31", 53)]
    );
}

#[test]
fn a_birthday_on_an_anniversary_starts_the_year_in_the_old_bracket() {
    // Turns 21 on 2026-09-01, the contract's first anniversary.
    let lines = minimum_lines(&apprentissage("2005-09-01", "2025-09-01", "2027-08-31"));
    assert_eq!(
        summary(&lines),
        [
            row("1.1", "2025-09-01", "2026-08-31", 43),
            row("2.1", "2026-09-01", "2026-09-30", 51),
            row("2.2", "2026-10-01", "2027-08-31", 61),
        ]
    );
}

#[test]
fn a_change_effective_in_the_next_year_splits_that_year_not_this_one() {
    // Turns 18 on 2026-08-15: effective 2026-09-01, the first day of year 2.
    let lines = minimum_lines(&apprentissage("2008-08-15", "2025-09-01", "2027-08-31"));
    assert_eq!(
        summary(&lines),
        [
            row("1.1", "2025-09-01", "2026-08-31", 27),
            row("2.1", "2026-09-01", "2027-08-31", 51),
        ]
    );
    // Turns 18 on 2026-08-20 in a contract starting 2025-08-25: effective 2026-09-01, inside year 2.
    let lines = minimum_lines(&apprentissage("2008-08-20", "2025-08-25", "2027-08-24"));
    assert_eq!(
        summary(&lines),
        [
            row("1.1", "2025-08-25", "2026-08-24", 27),
            row("2.1", "2026-08-25", "2026-08-31", 39),
            row("2.2", "2026-09-01", "2027-08-24", 51),
        ]
    );
    for pair in lines.windows(2) {
        assert_eq!(
            pair[0].end.succ_opt(),
            Some(pair[1].start),
            "lines are contiguous"
        );
    }
}

#[test]
fn a_birthday_in_the_last_month_of_the_contract_still_applies_when_effective_inside_it() {
    // Turns 21 on 2027-07-10: effective 2027-08-01, before the 2027-08-31 end.
    let lines = minimum_lines(&apprentissage("2006-07-10", "2025-09-01", "2027-08-31"));
    assert_eq!(
        lines.last().map(|l| (l.line.as_str(), l.rate)),
        Some(("2.2", 61))
    );
}

#[test]
fn someone_born_on_29_february_changes_bracket_from_1_march_in_common_years() {
    // Turns 18 on 2026-03-01 (2026 is not leap): effective 2026-04-01.
    let lines = minimum_lines(&apprentissage("2008-02-29", "2025-09-01", "2026-08-31"));
    assert_eq!(
        summary(&lines),
        [
            row("1.1", "2025-09-01", "2026-03-31", 27),
            row("1.2", "2026-04-01", "2026-08-31", 43),
        ]
    );
}

#[test]
fn a_contract_starting_on_29_february_has_its_anniversary_on_1_march() {
    let lines = minimum_lines(&apprentissage("2000-01-01", "2024-02-29", "2026-02-27"));
    assert_eq!(lines[0].end, date("2025-02-28"));
    assert_eq!(lines[1].start, date("2025-03-01"));
}

#[test]
fn there_are_never_more_than_eight_lines_and_never_without_dates() {
    let lines = minimum_lines(&apprentissage("2007-06-15", "2024-01-01", "2030-12-31"));
    assert!(lines.len() <= 8);
    assert!(lines.iter().all(|l| l.year <= 4));
    assert!(minimum_lines(&apprentissage("2005-01-01", "2026-01-01", "2025-01-01")).is_empty());
}

#[test]
fn amounts_are_rounded_up_to_the_cent_once() {
    assert_eq!(percent_of(1801_80, 43_00), 774_78); // 774,774 → 774,78
    assert_eq!(percent_of(1000_00, 33_33), 333_30);
    assert_eq!(percent_of(1000_01, 50_00), 500_01); // 500,005 → 500,01
}

#[test]
fn the_smic_in_force_is_read_from_dated_data() {
    assert_eq!(
        smic_on(date("2024-10-31")).map(|s| s.monthly),
        Some(1766_92)
    );
    assert_eq!(
        smic_on(date("2024-11-01")).map(|s| s.monthly),
        Some(1801_80)
    );
    assert_eq!(
        smic_on(date("2025-12-31")).map(|s| s.monthly),
        Some(1801_80)
    );
    assert_eq!(
        smic_on(date("2026-01-01")).map(|s| (s.hourly, s.monthly)),
        Some((12_02, 1823_03))
    );
    assert_eq!(smic_on(date("2020-12-31")), None);
}

#[test]
fn mayotte_uses_its_own_smic() {
    let mut input = apprentissage("2005-03-10", "2026-01-05", "2026-12-31");
    input.mayotte = true;
    let lines = minimum_lines(&input);
    assert_eq!(lines[0].monthly_minimum, Some(percent_of(1415_05, 43_00)));
}

#[test]
fn professionalisation_pays_by_age_and_qualification() {
    let pro = |birth: &str, qualified: bool, smc: Option<i64>| {
        minimum_lines(&RemunerationInput {
            contract_type: ContractType::Professionnalisation,
            birth: date(birth),
            start: date("2026-01-05"),
            end: date("2026-12-31"),
            smc,
            smic: &RegulatoryData::embedded().smic,
            mayotte: false,
            qualified,
        })
    };
    assert_eq!(pro("2007-01-01", false, None)[0].rate, 55);
    assert_eq!(pro("2007-01-01", true, None)[0].rate, 65);
    assert_eq!(pro("2003-01-01", false, None)[0].rate, 70);
    assert_eq!(pro("2003-01-01", true, None)[0].rate, 80);
    let over_26 = pro("1990-01-01", false, Some(2500_00));
    assert_eq!(
        (
            over_26[0].rate,
            over_26[0].basis,
            over_26[0].monthly_minimum
        ),
        (85, Basis::Smc, Some(2125_00))
    );
    let over_26 = pro("1990-01-01", false, Some(1900_00));
    assert_eq!((over_26[0].rate, over_26[0].basis), (100, Basis::Smic));
}
