//! The economic elements the CFA validates (reference/cerfa.md §6.3).

use chrono::NaiveDate;
use domain::{
    ContractType, EvaluationSettings,
    economics::{EconomicFacts, review, summarise},
};
use serde_json::{Value, json};

fn private_licence() -> EconomicFacts {
    EconomicFacts {
        apprenticeship: true,
        public_employer: false,
        rqth: false,
        diploma_level: Some(6),
        conclusion: NaiveDate::from_ymd_opt(2026, 9, 1),
        hours: Some(600),
        distance_hours: Some(60),
        ..EconomicFacts::default()
    }
}

fn entered() -> Value {
    json!({
        "opco": "akto",
        "npecAnnuel": 8500,
        "repas": 100,
        "nuitees": 10,
        "premierEquipement": "350,50",
        "mandatEmployeur": true
    })
}

fn codes_of(input: Value, facts: &EconomicFacts) -> Vec<(&'static str, &'static str)> {
    review(&input, facts)
        .unwrap_err()
        .into_iter()
        .map(|issue| (issue.field, issue.code))
        .collect()
}

#[test]
fn entered_elements_round_trip_through_their_stored_form() {
    let economics = review(&entered(), &private_licence()).unwrap();

    assert_eq!(economics.opco().unwrap().label, "AKTO");
    assert_eq!(economics.premier_equipement(), 350_50);
    assert_eq!(
        review(&economics.to_json(), &private_licence()),
        Ok(economics)
    );
}

#[test]
fn the_summary_states_the_ceilings_of_the_frais_annexes() {
    let economics = review(&entered(), &private_licence()).unwrap();
    let summary = summarise(&economics, &private_licence());

    assert_eq!(summary.plafond_repas, 300_00);
    assert_eq!(summary.plafond_hebergement, 60_00);
    assert_eq!(summary.frais_annexes, 300_00 + 60_00 + 350_50);
    assert_eq!(summary.npec_retenu, 8500_00);
    assert!(!summary.minoration_distanciel);
}

#[test]
fn a_level_6_contract_concluded_from_july_2025_costs_the_employer_750_euros() {
    let economics = review(&entered(), &private_licence()).unwrap();

    let facts = private_licence();
    assert_eq!(
        summarise(&economics, &facts).participation_employeur,
        Some(750_00)
    );

    let before = EconomicFacts {
        conclusion: NaiveDate::from_ymd_opt(2025, 6, 30),
        ..facts
    };
    assert_eq!(
        summarise(&economics, &before).participation_employeur,
        Some(0)
    );

    let bts = EconomicFacts {
        diploma_level: Some(5),
        ..facts
    };
    assert_eq!(summarise(&economics, &bts).participation_employeur, Some(0));

    let unknown_date = EconomicFacts {
        conclusion: None,
        ..facts
    };
    let summary = summarise(&economics, &unknown_date);
    assert_eq!(summary.participation_employeur, None);
    assert!(summary.participation_motif.contains("date de conclusion"));
}

#[test]
fn training_mostly_at_distance_reduces_the_npec_by_a_fifth() {
    let facts = EconomicFacts {
        distance_hours: Some(480),
        ..private_licence()
    };
    let economics = review(&entered(), &facts).unwrap();
    let summary = summarise(&economics, &facts);

    assert!(summary.minoration_distanciel);
    assert_eq!(summary.npec_retenu, 6800_00);
}

#[test]
fn the_npec_and_a_private_employers_opco_are_required() {
    assert_eq!(
        codes_of(json!({}), &private_licence()),
        vec![("npecAnnuel", "required"), ("opco", "required")]
    );
}

#[test]
fn a_public_employer_has_no_opco() {
    let public = EconomicFacts {
        public_employer: true,
        ..private_licence()
    };
    assert!(review(&json!({"npecAnnuel": 8500}), &public).is_ok());
    assert_eq!(
        codes_of(entered(), &public),
        vec![("opco", "public_employer")]
    );
    let economics = review(&json!({"npecAnnuel": 8500}), &public).unwrap();
    assert_eq!(
        summarise(&economics, &public).participation_employeur,
        Some(0)
    );
}

#[test]
fn premier_equipement_above_500_euros_is_refused() {
    let mut input = entered();
    input["premierEquipement"] = json!(500.01);

    assert_eq!(
        codes_of(input, &private_licence()),
        vec![("premierEquipement", "above_ceiling")]
    );
}

#[test]
fn the_handicap_majoration_needs_a_declared_rqth() {
    let mut input = entered();
    input["majorationRqth"] = json!(2000);

    assert_eq!(
        codes_of(input.clone(), &private_licence()),
        vec![("majorationRqth", "rqth_required")]
    );
    let rqth = EconomicFacts {
        rqth: true,
        ..private_licence()
    };
    let economics = review(&input, &rqth).unwrap();
    assert_eq!(summarise(&economics, &rqth).npec_retenu, 10_500_00);
}

#[test]
fn every_bad_member_is_reported_at_once() {
    let input = json!({
        "opco": "opco inconnu",
        "npecAnnuel": -5,
        "repas": "beaucoup",
        "nuitees": 99999,
        "mandatEmployeur": "oui",
        "remise": 10
    });

    assert_eq!(
        codes_of(input, &private_licence()),
        vec![
            ("economics", "unknown_field"),
            ("npecAnnuel", "negative_amount"),
            ("repas", "not_an_integer"),
            ("nuitees", "out_of_range"),
            ("mandatEmployeur", "wrong_type"),
            ("opco", "unknown_code"),
        ]
    );
}

#[test]
fn the_facts_come_from_the_dossier_content() {
    let content = json!({
        "employeur": {"privePublic": "public"},
        "apprenti": {"handicap": true},
        "formation": {"typeDiplome": "63", "dureeFormation": 500, "heuresDistanciel": 400},
        "contrat": {"dateConclusion": "2026-08-25"}
    });
    let settings = EvaluationSettings {
        contract_type: ContractType::Apprentissage,
        ..EvaluationSettings::new(NaiveDate::from_ymd_opt(2026, 8, 1).unwrap())
    };

    assert_eq!(
        EconomicFacts::of(&content, &settings),
        EconomicFacts {
            apprenticeship: true,
            public_employer: true,
            rqth: true,
            diploma_level: Some(6),
            conclusion: NaiveDate::from_ymd_opt(2026, 8, 25),
            hours: Some(500),
            distance_hours: Some(400),
            ..EconomicFacts::default()
        }
    );
}

#[test]
fn amounts_read_in_french_with_a_narrow_space_between_thousands() {
    assert_eq!(domain::economics::euros_text(1_234_50), "1\u{202f}234,50 €");
    assert_eq!(domain::economics::euros_text(750_00), "750 €");
}
