//! The legal checks of cerfa.md §3–§4 as the law writes them (issue 18): one test per rule id,
//! with the boundary dates of each example.

use domain::{FieldError, Nir, evaluate, evaluation::Evaluation};
use serde_json::{Value, json};

use crate::helpers::{complete_dossier, date, invalid_codes, remove, set, settings, warning_codes};

/// The complete dossier with some fields changed.
fn with(changes: &[(&str, Value)]) -> Value {
    let mut content = complete_dossier();
    for (key, value) in changes {
        set(&mut content, key, value.clone());
    }
    content
}

fn refused(content: &Value, field: &str, code: &str) -> bool {
    refused_in(&evaluate(content, &settings()), field, code)
}

fn refused_in(evaluation: &Evaluation, field: &str, code: &str) -> bool {
    invalid_codes(evaluation)
        .iter()
        .any(|(f, c)| f == field && c == code)
}

/// The fixture's contract starts on 2025-09-01: an apprentice born on `birth` with `derogation`.
fn derogation_at_birth(birth: &str, derogation: &str) -> bool {
    refused(
        &with(&[
            ("apprenti.dateNaissance", json!(birth)),
            ("contrat.typeDerogation", json!(derogation)),
        ]),
        "contrat.typeDerogation",
        "derogation_age_inconsistent",
    )
}

const AGE_15: &str = "2010-06-01";
const AGE_16: &str = "2009-09-01"; // 16 on the start day
const AGE_29: &str = "1995-09-02"; // 30 the day after the start
const AGE_30: &str = "1995-09-01"; // 30 on the start day

#[test]
fn age_04_from_30_only_derogation_12_or_50_and_31_with_21_is_refused() {
    let content = with(&[
        ("apprenti.dateNaissance", json!("1997-02-02")),
        ("contrat.dateDebutContrat", json!("2028-02-01")),
        ("contrat.typeDerogation", json!("21")),
    ]);
    assert!(refused(
        &content,
        "contrat.typeDerogation",
        "derogation_age_inconsistent"
    ));
    for other in ["11", "21", "22", "60"] {
        assert!(derogation_at_birth(AGE_30, other), "{other} at 30");
    }
    for allowed in ["12", "50"] {
        assert!(!derogation_at_birth(AGE_30, allowed), "{allowed} at 30");
    }
}

#[test]
fn age_04_derogation_12_is_refused_below_30_and_29_is_below() {
    assert!(derogation_at_birth(AGE_29, "12"));
    assert!(
        !derogation_at_birth(AGE_29, "21"),
        "21 is open from 16 to 29"
    );
}

#[test]
fn age_04_under_16_only_derogation_11_or_50_and_11_stops_at_16() {
    for other in ["12", "21", "22", "60"] {
        assert!(derogation_at_birth(AGE_15, other), "{other} at 15");
    }
    for allowed in ["11", "50"] {
        assert!(!derogation_at_birth(AGE_15, allowed), "{allowed} at 15");
    }
    assert!(derogation_at_birth(AGE_16, "11"));
    assert!(!derogation_at_birth(AGE_16, "22"));
}

#[test]
fn age_05_a_first_contract_from_30_needs_an_exemption_and_unanswered_counts_as_no() {
    let first_contract = |birth: &str, changes: &[(&str, Value)]| {
        let mut content = with(&[
            ("apprenti.dateNaissance", json!(birth)),
            ("contrat.typeContratApp", json!("11")),
        ]);
        for (key, value) in changes {
            set(&mut content, key, value.clone());
        }
        content
    };
    let blocked = |content: &Value| {
        refused(
            content,
            "contrat.typeContratApp",
            "first_contract_above_age",
        )
    };
    assert!(blocked(&first_contract(AGE_30, &[])));
    assert!(!blocked(&first_contract(AGE_29, &[])));
    for exemption in [
        "apprenti.handicap",
        "apprenti.inscriptionSportifDeHautNiveau",
        "apprenti.projetCreationRepriseEntreprise",
    ] {
        assert!(
            !blocked(&first_contract(AGE_30, &[(exemption, json!(true))])),
            "{exemption}"
        );
    }
    let mut unanswered = first_contract(AGE_30, &[]);
    remove(&mut unanswered, "apprenti.handicap");
    assert!(blocked(&unanswered));
    // A new contract (21) is not a first one.
    assert!(!blocked(&first_contract(
        AGE_30,
        &[("contrat.typeContratApp", json!("21"))]
    )));
}

#[test]
fn dat_06_the_cfa_start_window_is_counted_from_the_contract_start() {
    let cfa_start = |contract_start: &str, formation_start: &str| {
        refused(
            &with(&[
                ("contrat.dateDebutContrat", json!(contract_start)),
                ("contrat.dateDebutFormationPratique", json!(contract_start)),
                ("formation.dateDebutFormation", json!(formation_start)),
            ]),
            "formation.dateDebutFormation",
            "formation_start_window",
        )
    };
    // 30 April + 3 months is 30 July.
    assert!(cfa_start("2028-04-30", "2028-07-31"));
    assert!(!cfa_start("2028-04-30", "2028-07-30"));
    // 31 December − 3 months is 30 September.
    assert!(!cfa_start("2027-12-31", "2027-09-30"));
    assert!(cfa_start("2027-12-31", "2027-09-29"));
}

#[test]
fn dat_06_the_cfa_start_is_no_more_than_three_months_before_the_practical_start() {
    let before_practical = |formation_start: &str| {
        refused(
            &with(&[
                ("contrat.dateDebutFormationPratique", json!("2025-12-01")),
                ("formation.dateDebutFormation", json!(formation_start)),
            ]),
            "formation.dateDebutFormation",
            "formation_start_before_practical",
        )
    };
    assert!(before_practical("2025-08-31"));
    assert!(!before_practical("2025-09-01"));
}

#[test]
fn dat_03_the_longest_contract_is_counted_inclusively() {
    let ends = |end: &str, handicap: bool| {
        refused(
            &with(&[
                ("contrat.dateDebutContrat", json!("2027-09-01")),
                ("contrat.dateFinContrat", json!(end)),
                ("apprenti.handicap", json!(handicap)),
            ]),
            "contrat.dateFinContrat",
            "contract_too_long",
        )
    };
    assert!(ends("2030-09-25", false), "three years and 25 days");
    assert!(ends("2030-09-01", false));
    assert!(!ends("2030-08-31", false), "exactly 36 months");
    assert!(!ends("2031-08-31", true), "48 months with RQTH");
    assert!(ends("2031-09-01", true));
}

#[test]
fn dat_04_applies_while_the_contract_type_is_not_chosen_and_only_avenants_are_exempt() {
    let late_conclusion = |contract_type: Option<&str>| {
        let mut content = with(&[("contrat.dateConclusion", json!("2025-09-02"))]);
        match contract_type {
            Some(code) => set(&mut content, "contrat.typeContratApp", json!(code)),
            None => remove(&mut content, "contrat.typeContratApp"),
        }
        refused(&content, "contrat.dateConclusion", "conclusion_after_start")
    };
    assert!(late_conclusion(None));
    assert!(late_conclusion(Some("23")));
    assert!(!late_conclusion(Some("31")));
    assert!(!late_conclusion(Some("38")));
}

#[test]
fn dat_08_the_exams_end_no_earlier_than_the_conclusion() {
    let exams_end = |end: &str| {
        refused(
            &with(&[
                ("contrat.typeContratApp", json!("36")),
                ("contrat.dateConclusion", json!("2026-01-10")),
                ("formation.dateFinFormation", json!(end)),
            ]),
            "contrat.dateConclusion",
            "exams_end_before_conclusion",
        )
    };
    assert!(exams_end("2026-01-09"));
    assert!(!exams_end("2026-01-10"));
}

#[test]
fn dat_13_a_contract_whose_end_is_past_is_a_warning() {
    let on = |today: &str| {
        let mut settings = settings();
        settings.today = date(today);
        warning_codes(&evaluate(&complete_dossier(), &settings)).contains(&domain::CONTRACT_ENDED)
    };
    // The fixture's contract ends on 2027-08-31.
    assert!(!on("2027-08-31"));
    assert!(on("2027-09-01"));
}

#[test]
fn nir_departement_20_only_for_births_before_1976() {
    // Born in March 2005, département 20: refused by the rules, which know the birth date.
    assert!(refused(
        &with(&[("apprenti.nir", json!("2 05 03 20 055 123 09"))]),
        "apprenti.nir",
        "nir_corsica"
    ));
    // 76 to 99 can only be 1976–1999 for a living person: refused as the number is read.
    assert_eq!(
        Nir::parse("1 80 01 20 055 123 38"),
        Err(FieldError::NirCorsica)
    );
    assert!(Nir::parse("1 75 01 20 055 123 89").is_ok());
    let born_1975 = with(&[
        ("apprenti.nir", json!("1 75 01 20 055 123 89")),
        ("apprenti.dateNaissance", json!("1975-01-20")),
    ]);
    assert!(!refused(&born_1975, "apprenti.nir", "nir_corsica"));
}

// ── Random dossiers around every threshold ─────────────────────────────────────────────────

/// A dossier whose dates, age, dérogation, contract type and exemptions are drawn around the
/// legal thresholds from `pick` (each call answers a number below its argument).
fn random_dossier(
    mut pick: impl FnMut(u32) -> u32,
) -> (Value, domain::settings::EvaluationSettings) {
    let day = |base: &str, spread: u32, pick: &mut dyn FnMut(u32) -> u32| {
        let offset = i64::from(pick(2 * spread + 1)) - i64::from(spread);
        (date(base) + chrono::Duration::days(offset)).to_string()
    };
    let start = day("2027-09-01", 400, &mut pick);
    let start_date = date(&start);
    let around = |days: i64, spread: u32, pick: &mut dyn FnMut(u32) -> u32| {
        let offset = days + i64::from(pick(2 * spread + 1)) - i64::from(spread);
        (start_date + chrono::Duration::days(offset)).to_string()
    };
    let years = [-1, 14, 15, 16, 17, 18, 25, 29, 30, 31, 36][pick(11) as usize];
    let birth = around(-365 * years - 2, 40, &mut pick);
    let content = with(&[
        ("apprenti.dateNaissance", json!(birth)),
        ("contrat.dateDebutContrat", json!(start)),
        (
            "contrat.dateFinContrat",
            json!(around(
                [-30, 150, 190, 730, 1095, 1120, 1461, 1500][pick(8) as usize],
                20,
                &mut pick
            )),
        ),
        ("contrat.dateConclusion", json!(around(-10, 20, &mut pick))),
        (
            "contrat.dateDebutFormationPratique",
            json!(around(45, 70, &mut pick)),
        ),
        (
            "formation.dateDebutFormation",
            json!(around(0, 130, &mut pick)),
        ),
        (
            "formation.dateFinFormation",
            json!(around(
                [-30, 120, 600, 700, 1050][pick(5) as usize],
                40,
                &mut pick
            )),
        ),
        (
            "contrat.typeDerogation",
            [
                json!(null),
                json!("11"),
                json!("12"),
                json!("21"),
                json!("22"),
                json!("50"),
                json!("60"),
            ][pick(7) as usize]
                .clone(),
        ),
        (
            "contrat.typeContratApp",
            [
                json!(null),
                json!("11"),
                json!("21"),
                json!("23"),
                json!("31"),
                json!("36"),
            ][pick(6) as usize]
                .clone(),
        ),
        (
            "apprenti.handicap",
            [json!(null), json!(false), json!(true)][pick(3) as usize].clone(),
        ),
        (
            "apprenti.projetCreationRepriseEntreprise",
            json!(pick(5) == 0),
        ),
        ("apprenti.apprentiMineurNonEmancipe", json!(years < 18)),
    ]);
    let mut settings = settings();
    settings.today = start_date + chrono::Duration::days(i64::from(pick(1600)));
    (content, settings)
}

/// Every rule id of cerfa.md §3.1–§3.2 that Opuntia implements, with the code it answers.
const RULES: [(&str, &str); 18] = [
    ("AGE-01", "birth_date_in_future"),
    ("AGE-02", "age_below_minimum"),
    ("AGE-03", "age_above_maximum"),
    ("AGE-04", "derogation_age_inconsistent"),
    ("AGE-05", "first_contract_above_age"),
    ("DAT-01", "contract_end_before_start"),
    ("DAT-02", "contract_too_short"),
    ("DAT-03", "contract_too_long"),
    ("DAT-04", "conclusion_after_start"),
    ("DAT-05", "practical_start_window"),
    ("DAT-06", "formation_start_window"),
    ("DAT-06", "formation_start_before_practical"),
    ("DAT-07", "formation_before_conclusion"),
    ("DAT-08", "exams_end_before_conclusion"),
    ("DAT-08", "contract_ends_before_exams"),
    ("DAT-09", "contract_ends_long_after_exams"),
    ("DAT-10", "formation_cycle_length"),
    ("DAT-13", "contract_ended"),
];

#[test]
fn every_age_and_date_rule_is_reached_by_random_dossiers_around_the_thresholds() {
    // A fixed xorshift: the same 6 000 dossiers at every run.
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut pick = move |below: u32| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % u64::from(below)) as u32
    };
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..6_000 {
        let (content, settings) = random_dossier(&mut pick);
        let evaluation = evaluate(&content, &settings);
        seen.extend(invalid_codes(&evaluation).into_iter().map(|(_, code)| code));
        seen.extend(warning_codes(&evaluation).into_iter().map(str::to_owned));
    }
    let missing: Vec<_> = RULES
        .iter()
        .filter(|(_, code)| !seen.contains(*code))
        .collect();
    assert!(missing.is_empty(), "never reached: {missing:?}");
}

proptest::proptest! {
    #[test]
    fn no_evaluation_is_complete_while_a_rule_blocks_it(draws in proptest::collection::vec(0u32..u32::MAX, 24)) {
        let mut draws = draws.into_iter().cycle();
        let (content, settings) = random_dossier(|below| draws.next().unwrap_or(0) % below);
        let evaluation = evaluate(&content, &settings);
        let blocked = evaluation.tabs.0.iter().any(|tab| !tab.invalid.is_empty());
        proptest::prop_assert!(!(evaluation.complete && blocked));
    }
}

#[test]
fn idcc_unknown_or_no_longer_in_force_is_refused_with_its_reason() {
    let list = domain::regulatory::IdccList::parse(include_str!("../../data/idcc.csv")).unwrap();
    let data: &'static domain::regulatory::RegulatoryData =
        Box::leak(Box::new(domain::regulatory::RegulatoryData {
            idcc: Some(list),
            ..domain::regulatory::RegulatoryData::embedded().clone()
        }));
    let check = |code: &str| {
        let mut settings = settings();
        settings.data = data;
        let evaluation = evaluate(&with(&[("employeur.codeIdcc", json!(code))]), &settings);
        evaluation
            .tabs
            .0
            .iter()
            .flat_map(|tab| tab.invalid.iter())
            .find(|issue| issue.field == "employeur.codeIdcc")
            .map(|issue| (issue.code, issue.message.to_string()))
    };
    let (code, message) = check("1950").unwrap();
    assert_eq!(code, "idcc_unknown");
    assert!(message.contains("1950"), "{message}");
    let (code, message) = check("735").unwrap();
    assert_eq!(code, "idcc_not_in_force");
    assert!(
        message.contains("Machines à coudre") && message.contains("remplacée"),
        "{message}"
    );
    for in_force in ["1486", "9999", "9998", "16"] {
        assert_eq!(check(in_force), None, "{in_force}");
    }
}
