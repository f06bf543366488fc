use domain::{
    ContractType, FieldId, FieldStatus, MissionMode, NiveauSaisie, Tab, evaluate,
    evaluation::Evaluation,
};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::helpers::{complete_dossier, date, invalid_codes, remove, set, settings, warning_codes};

fn status(evaluation: &Evaluation, id: FieldId) -> FieldStatus {
    evaluation.field(id).status
}

fn has_invalid(evaluation: &Evaluation, field: &str, code: &str) -> bool {
    invalid_codes(evaluation)
        .iter()
        .any(|(f, c)| f == field && c == code)
}

/// The complete dossier with some fields changed.
fn changed(changes: &[(&str, Value)]) -> Value {
    let mut content = complete_dossier();
    for (key, value) in changes {
        set(&mut content, key, value.clone());
    }
    content
}

/// Whether the evaluation of `content` (demo settings) refuses `field` with `code`.
fn refuses(content: &Value, field: &str, code: &str) -> bool {
    has_invalid(&evaluate(content, &settings()), field, code)
}

// ── B.8: green fields, check marks, completeness ────────────────────────────────────────────

#[test]
fn b8_an_empty_dossier_paints_every_required_field_green_and_no_tab_has_its_check_mark() {
    let evaluation = evaluate(&json!({}), &settings());
    assert!(!evaluation.complete);
    for tab in &evaluation.tabs.0 {
        assert!(!tab.complete, "{:?}", tab.tab);
        assert!(!tab.missing.is_empty(), "{:?}", tab.tab);
    }
    assert_eq!(
        status(&evaluation, FieldId::ApprentiNom),
        FieldStatus::Missing
    );
    assert!(evaluation.field(FieldId::ApprentiNom).is_green());
    assert_eq!(
        status(&evaluation, FieldId::ApprentiNomUsage),
        FieldStatus::Empty
    );
    assert!(evaluation.remuneration.is_empty());
}

#[test]
fn b8_a_complete_dossier_has_every_check_mark_and_is_complete() {
    let evaluation = evaluate(&complete_dossier(), &settings());
    for tab in &evaluation.tabs.0 {
        assert!(
            tab.complete,
            "{:?}: {:?} {:?}",
            tab.tab, tab.missing, tab.invalid
        );
    }
    assert!(evaluation.complete);
    assert!(evaluation.warnings.is_empty(), "{:?}", evaluation.warnings);
    assert!(!evaluation.fields.iter().any(|f| f.is_green()));
}

#[test]
fn b8_a_field_loses_its_green_once_validly_filled_and_keeps_it_while_invalid() {
    let mut content = complete_dossier();
    remove(&mut content, "apprenti.telephone");
    let evaluation = evaluate(&content, &settings());
    assert_eq!(
        status(&evaluation, FieldId::ApprentiTelephone),
        FieldStatus::Missing
    );
    assert_eq!(
        evaluation.tabs.get(Tab::Alternant).missing,
        ["apprenti.telephone"]
    );
    assert!(!evaluation.tabs.get(Tab::Alternant).complete);

    set(&mut content, "apprenti.telephone", json!("06 12 34"));
    let evaluation = evaluate(&content, &settings());
    assert_eq!(
        status(&evaluation, FieldId::ApprentiTelephone),
        FieldStatus::Invalid
    );
    assert!(has_invalid(
        &evaluation,
        "apprenti.telephone",
        "phone_format"
    ));
    assert!(!evaluation.tabs.get(Tab::Alternant).complete);

    set(&mut content, "apprenti.telephone", json!("07 98 76 54 32"));
    let evaluation = evaluate(&content, &settings());
    assert_eq!(
        status(&evaluation, FieldId::ApprentiTelephone),
        FieldStatus::Ok
    );
    assert!(evaluation.tabs.get(Tab::Alternant).complete);
    assert!(evaluation.complete);
}

#[test]
fn b8_b9_b13_dossier_completeness_under_each_niveau_de_saisie_and_mission_setting() {
    use MissionMode::*;
    use NiveauSaisie::*;
    // (niveau, mission, fields removed, dossier complete, tabs the dossier still needs)
    type Row = (
        NiveauSaisie,
        MissionMode,
        &'static [&'static str],
        bool,
        &'static [Tab],
    );
    let table: &[Row] = &[
        (Complete, Required, &[], true, &[]),
        (
            Complete,
            Required,
            &["mission.activites"],
            false,
            &[Tab::Mission],
        ),
        (Complete, Optional, &["mission.activites"], true, &[]),
        (
            Complete,
            Hidden,
            &["mission.activites", "mission.intitulePoste"],
            true,
            &[],
        ),
        (
            Complete,
            Hidden,
            &["contrat.lieuSignatureContrat"],
            false,
            &[Tab::Contrat],
        ),
        (
            Complete,
            Hidden,
            &["formation.rncp"],
            false,
            &[Tab::Contrat],
        ),
        (
            Simple,
            Hidden,
            &[
                "contrat.lieuSignatureContrat",
                "contrat.salaireEmbauche",
                "formation.rncp",
            ],
            true,
            &[],
        ),
        (
            Simple,
            Required,
            &["mission.responsabilites"],
            false,
            &[Tab::Mission],
        ),
        (
            Simple,
            Hidden,
            &["apprenti.telephone"],
            false,
            &[Tab::Alternant],
        ),
        (
            Complete,
            Hidden,
            &["employeur.naf"],
            false,
            &[Tab::Employeur],
        ),
        (
            Complete,
            Hidden,
            &["employeur.siret"],
            false,
            &[Tab::Base, Tab::Employeur],
        ),
        (
            Complete,
            Hidden,
            &["apprenti.nom", "employeur.naf"],
            false,
            &[Tab::Base, Tab::Employeur],
        ),
    ];
    for (niveau, mission, removed, complete, needed) in table {
        let mut content = complete_dossier();
        for key in *removed {
            remove(&mut content, key);
        }
        let mut settings = settings();
        settings.niveau_saisie = *niveau;
        settings.mission = *mission;
        let evaluation = evaluate(&content, &settings);
        let case = format!("{niveau:?} / mission {mission:?} / without {removed:?}");
        assert_eq!(evaluation.complete, *complete, "{case}");
        assert_eq!(evaluation.incomplete_tabs(), *needed, "{case}");
    }
}

#[test]
fn b13_an_optional_mission_still_shows_what_a_complete_one_needs() {
    let mut content = complete_dossier();
    remove(&mut content, "mission.activites");
    let mut settings = settings();
    settings.mission = MissionMode::Optional;
    let evaluation = evaluate(&content, &settings);
    let mission = evaluation.tabs.get(Tab::Mission);
    assert!(mission.shown && !mission.required && !mission.complete);
    assert_eq!(mission.missing, ["mission.activites"]);
    assert!(evaluation.complete);

    settings.mission = MissionMode::Hidden;
    let evaluation = evaluate(&content, &settings);
    assert!(!evaluation.tabs.get(Tab::Mission).shown);
    assert_eq!(
        status(&evaluation, FieldId::MissionActivites),
        FieldStatus::Hidden
    );
}

#[test]
fn b9_saisie_simple_hides_les_donnees_du_contrat_and_ignores_what_it_holds() {
    let mut content = complete_dossier();
    set(
        &mut content,
        "contrat.dateConclusion",
        json!("pas une date"),
    );
    set(
        &mut content,
        "formation.dateDebutFormation",
        json!("2020-01-01"),
    );
    let mut settings = settings();
    settings.niveau_saisie = NiveauSaisie::Simple;
    let evaluation = evaluate(&content, &settings);
    assert!(!evaluation.tabs.get(Tab::Contrat).shown);
    assert_eq!(
        status(&evaluation, FieldId::ContratDateConclusion),
        FieldStatus::Hidden
    );
    assert!(evaluation.complete, "{:?}", invalid_codes(&evaluation));
    // The contract dates live on Données de base and still count.
    assert_eq!(
        status(&evaluation, FieldId::ContratDateDebut),
        FieldStatus::Ok
    );
}

// ── Guide A: the apprentice's screens ────────────────────────────────────────────────────────

#[test]
fn a3_mandatory_fields_carry_the_required_flag_and_the_ine_does_not() {
    let evaluation = evaluate(&json!({}), &settings());
    for id in [
        FieldId::ApprentiSexe,
        FieldId::ApprentiDateNaissance,
        FieldId::ApprentiHandicap,
    ] {
        assert!(evaluation.field(id).required, "{id:?}");
    }
    assert!(!evaluation.field(FieldId::ApprentiIne).required);
    assert!(!evaluation.field(FieldId::ApprentiNir).required);
}

#[test]
fn a3_handicap_is_a_yes_no_answer_and_an_invalid_ine_is_refused() {
    let mut content = complete_dossier();
    set(&mut content, "apprenti.handicap", json!(true));
    set(&mut content, "apprenti.ine", json!("1234567890A"));
    let evaluation = evaluate(&content, &settings());
    assert_eq!(
        status(&evaluation, FieldId::ApprentiHandicap),
        FieldStatus::Ok
    );
    assert!(has_invalid(&evaluation, "apprenti.ine", "ine_key"));
    set(&mut content, "apprenti.handicap", json!("oui"));
    let evaluation = evaluate(&content, &settings());
    assert!(has_invalid(&evaluation, "apprenti.handicap", "wrong_type"));
}

#[test]
fn a4_situations_avant_contrat_of_the_guide_are_accepted() {
    for situation in ["3", "4", "5", "7"] {
        let mut content = complete_dossier();
        set(
            &mut content,
            "apprenti.situationAvantContrat",
            json!(situation),
        );
        let evaluation = evaluate(&content, &settings());
        assert_eq!(
            status(&evaluation, FieldId::ApprentiSituation),
            FieldStatus::Ok,
            "{situation}"
        );
    }
    let mut content = complete_dossier();
    set(&mut content, "apprenti.situationAvantContrat", json!("13"));
    assert!(has_invalid(
        &evaluate(&content, &settings()),
        "apprenti.situationAvantContrat",
        "unknown_code"
    ));
}

#[test]
fn a5_highest_diploma_and_last_diploma_prepared_are_two_fields() {
    let mut content = complete_dossier();
    set(&mut content, "apprenti.diplome", json!("42"));
    set(&mut content, "apprenti.diplomePrepare", json!("75"));
    let evaluation = evaluate(&content, &settings());
    assert_eq!(
        status(&evaluation, FieldId::ApprentiDiplome),
        FieldStatus::Ok
    );
    assert_eq!(
        status(&evaluation, FieldId::ApprentiDiplomePrepare),
        FieldStatus::Ok
    );
}

#[test]
fn a6_derniere_annee_suivie_takes_the_codes_of_the_guide_even_typed_as_numbers() {
    for (typed, stored) in [
        (json!("01"), "01"),
        (json!(1), "01"),
        (json!("11"), "11"),
        (json!(21), "21"),
    ] {
        let mut content = complete_dossier();
        set(&mut content, "apprenti.derniereClasse", typed.clone());
        let evaluation = evaluate(&content, &settings());
        assert_eq!(
            status(&evaluation, FieldId::ApprentiDerniereClasse),
            FieldStatus::Ok,
            "{typed}"
        );
        assert_eq!(
            domain::values::parse_code(
                domain::codes::CodeList::DerniereClasse,
                &typed,
                Default::default()
            ),
            Ok(stored)
        );
    }
}

#[test]
fn a7_the_exact_diploma_name_changes_meaning_with_derniere_annee_suivie() {
    let mut content = complete_dossier();
    let text = |content: &Value| {
        let evaluation = evaluate(content, &settings());
        let field = evaluation
            .field(FieldId::ApprentiIntituleDiplomePrepare)
            .clone();
        (field.label, field.help)
    };
    set(&mut content, "apprenti.derniereClasse", json!("01"));
    let (label, help) = text(&content);
    assert_eq!(label, Some("Nom exact du diplôme ou titre obtenu"));
    assert!(help.unwrap().contains("DUT"));
    for year in ["11", "21"] {
        set(&mut content, "apprenti.derniereClasse", json!(year));
        let (label, help) = text(&content);
        assert_eq!(
            label,
            Some("Nom exact du diplôme ou titre en préparation"),
            "{year}"
        );
        assert!(help.unwrap().contains("ingénieur"));
    }
    remove(&mut content, "apprenti.derniereClasse");
    let (label, help) = text(&content);
    assert_eq!(label, None);
    assert!(help.unwrap().contains("Dernière classe / année suivie"));
}

#[test]
fn a8_an_apprentice_without_an_employer_validates_base_and_gives_siret_and_contact_later() {
    let mut content = complete_dossier();
    set(
        &mut content,
        "contactEntreprise.employeurTrouve",
        json!(false),
    );
    remove(&mut content, "employeur.siret");
    remove(&mut content, "contactEntreprise.courriel");
    let evaluation = evaluate(&content, &settings());
    assert!(
        evaluation.tabs.get(Tab::Base).complete,
        "{:?}",
        evaluation.tabs.get(Tab::Base).missing
    );
    let employeur = evaluation.tabs.get(Tab::Employeur);
    assert!(!employeur.complete);
    assert_eq!(
        employeur.missing,
        ["employeur.siret", "contactEntreprise.courriel"]
    );

    // « J'ai trouvé un employeur » → Poursuivre: SIRET and contact e-mail.
    set(
        &mut content,
        "contactEntreprise.employeurTrouve",
        json!(true),
    );
    let evaluation = evaluate(&content, &settings());
    assert_eq!(
        evaluation.tabs.get(Tab::Base).missing,
        ["employeur.siret", "contactEntreprise.courriel"]
    );
    set(&mut content, "employeur.siret", json!("732 829 320 00074"));
    set(
        &mut content,
        "contactEntreprise.courriel",
        json!("rh@exemple-entreprise.fr"),
    );
    let evaluation = evaluate(&content, &settings());
    assert!(
        evaluation.tabs.get(Tab::Base).complete && evaluation.tabs.get(Tab::Employeur).complete
    );
}

#[test]
fn a9_premier_equipement_must_be_ticked_even_when_not_concerned() {
    let mut content = complete_dossier();
    set(&mut content, "employeur.premierEquipement", json!(false));
    let evaluation = evaluate(&content, &settings());
    assert!(has_invalid(
        &evaluation,
        "employeur.premierEquipement",
        "must_be_ticked"
    ));
    assert!(!evaluation.tabs.get(Tab::Employeur).complete);
    remove(&mut content, "employeur.premierEquipement");
    let evaluation = evaluate(&content, &settings());
    assert_eq!(
        evaluation.tabs.get(Tab::Employeur).missing,
        ["employeur.premierEquipement"]
    );
}

// ── Conditional fields (cerfa.md §1.5) ───────────────────────────────────────────────────────

/// The complete dossier with an apprentice born on `birth`.
fn born(birth: &str) -> Value {
    let mut content = complete_dossier();
    set(&mut content, "apprenti.dateNaissance", json!(birth));
    content
}

#[test]
fn a_minor_non_emancipe_needs_a_legal_representative_and_its_address_when_elsewhere() {
    let mut content = born("2008-10-01"); // 16 at the August 2025 signature
    remove(&mut content, "contrat.smc");
    let evaluation = evaluate(&content, &settings());
    let missing = &evaluation.tabs.get(Tab::Alternant).missing;
    for key in [
        "apprenti.apprentiMineurNonEmancipe",
        "apprenti.responsableLegal.nom",
        "apprenti.responsableLegal.prenom",
        "apprenti.responsableLegal.courriel",
        "apprenti.responsableLegal.memeAdresse",
    ] {
        assert!(missing.contains(&key), "{key} in {missing:?}");
    }
    assert_eq!(
        status(&evaluation, FieldId::RepresentantAdresseVoie),
        FieldStatus::Hidden
    );

    set(
        &mut content,
        "apprenti.responsableLegal",
        json!({"nom": "Martin", "prenom": "Anne", "courriel": "anne.martin@exemple.fr", "memeAdresse": false}),
    );
    let evaluation = evaluate(&content, &settings());
    let missing = &evaluation.tabs.get(Tab::Alternant).missing;
    assert!(
        missing.contains(&"apprenti.responsableLegal.adresse.voie"),
        "{missing:?}"
    );
    assert!(!missing.contains(&"apprenti.responsableLegal.adresse.numero"));

    // Emancipated: no representative at all.
    set(
        &mut content,
        "apprenti.apprentiMineurNonEmancipe",
        json!(false),
    );
    let evaluation = evaluate(&content, &settings());
    assert_eq!(
        status(&evaluation, FieldId::RepresentantNom),
        FieldStatus::Hidden
    );
    assert!(
        evaluation.tabs.get(Tab::Alternant).complete,
        "{:?}",
        evaluation.tabs.get(Tab::Alternant)
    );
}

#[test]
fn minority_is_judged_on_the_signature_date_not_on_the_start_date() {
    // 18 on 2025-08-25: a minor at the 2025-08-20 signature, an adult at the 2025-09-01 start.
    let mut content = born("2007-08-25");
    let evaluation = evaluate(&content, &settings());
    assert_eq!(
        status(&evaluation, FieldId::ApprentiMineurNonEmancipe),
        FieldStatus::Missing
    );
    set(&mut content, "contrat.dateConclusion", json!("2025-08-25"));
    let evaluation = evaluate(&content, &settings());
    assert_eq!(
        status(&evaluation, FieldId::ApprentiMineurNonEmancipe),
        FieldStatus::Hidden
    );
}

#[test]
fn an_avenant_needs_the_previous_contract_number_and_its_date_of_effect() {
    let mut content = complete_dossier();
    let evaluation = evaluate(&content, &settings());
    assert_eq!(
        status(&evaluation, FieldId::ContratNumeroPrecedent),
        FieldStatus::Hidden
    );

    set(&mut content, "contrat.typeContratApp", json!("22"));
    let evaluation = evaluate(&content, &settings());
    assert_eq!(
        status(&evaluation, FieldId::ContratNumeroPrecedent),
        FieldStatus::Empty
    );
    assert_eq!(
        evaluation.field(FieldId::ContratNumeroPrecedent).label,
        Some("Numéro du contrat précédent")
    );

    set(&mut content, "contrat.typeContratApp", json!("36"));
    let evaluation = evaluate(&content, &settings());
    let missing = &evaluation.tabs.get(Tab::Contrat).missing;
    assert_eq!(
        missing,
        &["contrat.numeroContratPrecedent", "contrat.dateEffetAvenant"]
    );

    set(
        &mut content,
        "contrat.numeroContratPrecedent",
        json!("013202409000123"),
    );
    set(
        &mut content,
        "contrat.dateEffetAvenant",
        json!("2028-01-01"),
    );
    let evaluation = evaluate(&content, &settings());
    assert!(has_invalid(
        &evaluation,
        "contrat.dateEffetAvenant",
        "avenant_effect_outside_contract"
    ));
    set(
        &mut content,
        "contrat.dateEffetAvenant",
        json!("2026-01-01"),
    );
    let evaluation = evaluate(&content, &settings());
    assert!(
        evaluation.tabs.get(Tab::Contrat).complete,
        "{:?}",
        evaluation.tabs.get(Tab::Contrat)
    );

    // Type 38 asks for the number without requiring it, and has no date of effect.
    set(&mut content, "contrat.typeContratApp", json!("38"));
    remove(&mut content, "contrat.numeroContratPrecedent");
    let evaluation = evaluate(&content, &settings());
    assert_eq!(
        status(&evaluation, FieldId::ContratNumeroPrecedent),
        FieldStatus::Empty
    );
    assert_eq!(
        status(&evaluation, FieldId::ContratDateEffetAvenant),
        FieldStatus::Hidden
    );
}

#[test]
fn the_smc_is_asked_only_when_the_apprentice_reaches_21_before_the_end() {
    let mut content = born("2007-01-10"); // 20 at the end (2027-08-31)
    set(
        &mut content,
        "apprenti.apprentiMineurNonEmancipe",
        json!(false),
    );
    let evaluation = evaluate(&content, &settings());
    assert_eq!(
        status(&evaluation, FieldId::ContratSmc),
        FieldStatus::Hidden
    );
    let evaluation = evaluate(&born("2005-03-10"), &settings());
    assert_eq!(status(&evaluation, FieldId::ContratSmc), FieldStatus::Ok);
    let mut content = born("2005-03-10");
    remove(&mut content, "contrat.smc");
    let evaluation = evaluate(&content, &settings());
    assert_eq!(evaluation.tabs.get(Tab::Contrat).missing, ["contrat.smc"]);
}

#[test]
fn a_second_maitre_is_all_or_nothing() {
    let mut content = complete_dossier();
    set(&mut content, "maitre2.prenom", json!("Claire"));
    let evaluation = evaluate(&content, &settings());
    assert_eq!(
        evaluation.tabs.get(Tab::Employeur).missing,
        ["maitre2.nom", "maitre2.dateNaissance"]
    );
    set(&mut content, "maitre2.nom", json!("Petit"));
    set(&mut content, "maitre2.dateNaissance", json!("2009-01-01"));
    let evaluation = evaluate(&content, &settings());
    assert!(has_invalid(
        &evaluation,
        "maitre2.dateNaissance",
        "maitre_underage"
    ));
    set(&mut content, "maitre2.dateNaissance", json!("1990-01-01"));
    assert!(
        evaluate(&content, &settings())
            .tabs
            .get(Tab::Employeur)
            .complete
    );
}

#[test]
fn a_main_place_of_training_other_than_the_cfa_must_be_described() {
    let mut content = complete_dossier();
    set(
        &mut content,
        "etablissementFormation.memeResponsable",
        json!(false),
    );
    let evaluation = evaluate(&content, &settings());
    let missing = &evaluation.tabs.get(Tab::Contrat).missing;
    for key in [
        "etablissementFormation.denomination",
        "etablissementFormation.uaiCfa",
        "etablissementFormation.siret",
        "etablissementFormation.adresse.voie",
        "etablissementFormation.adresse.codePostal",
        "etablissementFormation.adresse.commune",
    ] {
        assert!(missing.contains(&key), "{key}");
    }
    assert!(!missing.contains(&"etablissementFormation.adresse.numero"));
}

#[test]
fn benefits_in_kind_are_shown_when_ticked_and_must_be_specified() {
    let mut content = complete_dossier();
    set(&mut content, "contrat.avantageNature", json!(true));
    let evaluation = evaluate(&content, &settings());
    assert_eq!(
        status(&evaluation, FieldId::ContratAvantageNourriture),
        FieldStatus::Empty
    );
    assert!(has_invalid(
        &evaluation,
        "contrat.avantageNature",
        "benefits_unspecified"
    ));
    set(&mut content, "contrat.avantageNourriture", json!("4,25"));
    assert!(
        evaluate(&content, &settings())
            .tabs
            .get(Tab::Contrat)
            .complete
    );
}

#[test]
fn a_public_employer_answers_the_regime_specifique_and_is_pointed_to_celia() {
    let mut content = complete_dossier();
    set(&mut content, "employeur.privePublic", json!("public"));
    set(&mut content, "employeur.typeEmployeur", json!("22"));
    let evaluation = evaluate(&content, &settings());
    assert_eq!(
        evaluation.tabs.get(Tab::Employeur).missing,
        ["employeur.regimeSpecifique"]
    );
    assert!(warning_codes(&evaluation).contains(&"public_employer_celia"));
    set(&mut content, "employeur.privePublic", json!("prive"));
    assert!(has_invalid(
        &evaluate(&content, &settings()),
        "employeur.typeEmployeur",
        "employer_type_sector"
    ));
}

// ── Legal checks (cerfa.md §3) ───────────────────────────────────────────────────────────────

#[test]
fn an_apprentice_under_15_at_the_start_is_refused_and_one_of_15_needs_a_derogation() {
    let evaluation = evaluate(&born("2011-01-01"), &settings());
    assert!(has_invalid(
        &evaluation,
        "apprenti.dateNaissance",
        "age_below_minimum"
    ));
    let mut content = born("2010-06-01");
    set(
        &mut content,
        "apprenti.apprentiMineurNonEmancipe",
        json!(false),
    );
    let evaluation = evaluate(&content, &settings());
    assert!(!has_invalid(
        &evaluation,
        "apprenti.dateNaissance",
        "age_below_minimum"
    ));
    assert!(warning_codes(&evaluation).contains(&"age_15_needs_derogation"));
}

#[test]
fn an_apprentice_over_29_is_a_warning_unless_an_exemption_applies() {
    let mut content = born("1994-01-01");
    // A new contract (up to 35 after an earlier one): a first one would be refused (AGE-05).
    set(&mut content, "contrat.typeContratApp", json!("21"));
    // At 31 the minimum is 100 % of the SMC: the fixture's salary and rates must follow.
    set(&mut content, "contrat.salaireEmbauche", json!(1900));
    remove(&mut content, "contrat.remunerationsAnnuelles");
    let evaluation = evaluate(&content, &settings());
    assert!(warning_codes(&evaluation).contains(&"age_above_maximum"));
    assert!(
        evaluation.complete,
        "a warning does not block: {:?}",
        invalid_codes(&evaluation)
    );
    let mut content = born("1994-01-01");
    set(&mut content, "apprenti.handicap", json!(true));
    assert!(!warning_codes(&evaluate(&content, &settings())).contains(&"age_above_maximum"));
    let mut content = born("1994-01-01");
    set(&mut content, "contrat.typeDerogation", json!("12"));
    assert!(!warning_codes(&evaluate(&content, &settings())).contains(&"age_above_maximum"));
}

#[test]
fn a_derogation_must_match_the_age() {
    let mut content = complete_dossier();
    set(&mut content, "contrat.typeDerogation", json!("11"));
    assert!(has_invalid(
        &evaluate(&content, &settings()),
        "contrat.typeDerogation",
        "derogation_age_inconsistent"
    ));
}

#[test]
fn a_birth_date_in_the_future_is_refused() {
    let evaluation = evaluate(&born("2030-01-01"), &settings());
    assert!(has_invalid(
        &evaluation,
        "apprenti.dateNaissance",
        "birth_date_in_future"
    ));
}

#[test]
fn contract_dates_must_be_ordered_and_last_six_months_to_three_years() {
    let with_end = |end: &str| {
        let mut content = complete_dossier();
        set(&mut content, "contrat.dateFinContrat", json!(end));
        set(
            &mut content,
            "formation.dateFinFormation",
            json!("2026-02-15"),
        );
        evaluate(&content, &settings())
    };
    assert!(has_invalid(
        &with_end("2025-08-31"),
        "contrat.dateFinContrat",
        "contract_end_before_start"
    ));
    assert!(has_invalid(
        &with_end("2026-02-27"),
        "contrat.dateFinContrat",
        "contract_too_short"
    ));
    // 1 September → 28 February is exactly six months.
    assert!(!has_invalid(
        &with_end("2026-02-28"),
        "contrat.dateFinContrat",
        "contract_too_short"
    ));

    let mut content = complete_dossier();
    set(&mut content, "contrat.dateFinContrat", json!("2028-09-30"));
    set(
        &mut content,
        "formation.dateFinFormation",
        json!("2028-09-15"),
    );
    assert!(has_invalid(
        &evaluate(&content, &settings()),
        "contrat.dateFinContrat",
        "contract_too_long"
    ));
    set(&mut content, "apprenti.handicap", json!(true));
    assert!(!has_invalid(
        &evaluate(&content, &settings()),
        "contrat.dateFinContrat",
        "contract_too_long"
    ));
}

#[test]
fn the_contract_is_signed_no_later_than_its_start_and_practical_training_starts_within_three_months()
 {
    let mut content = complete_dossier();
    set(&mut content, "contrat.dateConclusion", json!("2025-09-02"));
    let evaluation = evaluate(&content, &settings());
    assert!(has_invalid(
        &evaluation,
        "contrat.dateConclusion",
        "conclusion_after_start"
    ));
    let mut content = complete_dossier();
    set(
        &mut content,
        "contrat.dateDebutFormationPratique",
        json!("2025-12-02"),
    );
    assert!(has_invalid(
        &evaluate(&content, &settings()),
        "contrat.dateDebutFormationPratique",
        "practical_start_window"
    ));
}

#[test]
fn the_contract_starts_within_three_months_of_the_formation_and_covers_its_exams() {
    let late_start = changed(&[
        ("contrat.dateDebutContrat", json!("2025-12-02")),
        ("contrat.dateDebutFormationPratique", json!("2025-12-02")),
    ]);
    assert!(refuses(
        &late_start,
        "formation.dateDebutFormation",
        "formation_start_window"
    ));
    let exams_after_end = changed(&[("formation.dateFinFormation", json!("2027-09-15"))]);
    assert!(refuses(
        &exams_after_end,
        "contrat.dateFinContrat",
        "contract_ends_before_exams"
    ));
    let exams_long_before_end = changed(&[("formation.dateFinFormation", json!("2027-06-15"))]);
    assert!(refuses(
        &exams_long_before_end,
        "contrat.dateFinContrat",
        "contract_ends_long_after_exams"
    ));
}

#[test]
fn the_formation_dates_of_the_settings_apply_while_the_content_has_none() {
    let mut content = complete_dossier();
    remove(&mut content, "formation.dateDebutFormation");
    let mut settings = settings();
    settings.niveau_saisie = NiveauSaisie::Simple;
    settings.formation.start = Some(date("2026-01-15"));
    let evaluation = evaluate(&content, &settings);
    assert!(has_invalid(
        &evaluation,
        "contrat.dateDebutContrat",
        "formation_start_window"
    ));
    assert!(!evaluation.tabs.get(Tab::Base).complete);
}

#[test]
fn weekly_hours_stop_at_40_and_minors_are_warned_about_overtime_and_dangerous_work() {
    let mut content = complete_dossier();
    set(&mut content, "contrat.dureeTravailHebdoHeures", json!(41));
    assert!(has_invalid(
        &evaluate(&content, &settings()),
        "contrat.dureeTravailHebdoHeures",
        "out_of_range"
    ));
    set(&mut content, "contrat.dureeTravailHebdoHeures", json!(40));
    set(&mut content, "contrat.dureeTravailHebdoMinutes", json!(30));
    assert!(has_invalid(
        &evaluate(&content, &settings()),
        "contrat.dureeTravailHebdoMinutes",
        "weekly_hours_above_40"
    ));

    let mut content = born("2008-10-01");
    set(&mut content, "contrat.dureeTravailHebdoHeures", json!(38));
    set(&mut content, "contrat.travailRisque", json!(true));
    let warnings = warning_codes(&evaluate(&content, &settings()));
    assert!(
        warnings.contains(&"minor_overtime") && warnings.contains(&"minor_dangerous_work"),
        "{warnings:?}"
    );
}

#[test]
fn training_hours_below_a_quarter_of_the_contract_are_a_warning() {
    let mut content = complete_dossier();
    set(&mut content, "formation.dureeFormation", json!(700));
    assert!(
        warning_codes(&evaluate(&content, &settings())).contains(&"formation_hours_below_minimum")
    );
}

#[test]
fn the_nir_is_cross_checked_with_sex_birth_and_departement() {
    let mut content = complete_dossier();
    set(&mut content, "apprenti.sexe", json!("M"));
    set(&mut content, "apprenti.departementNaissance", json!("06"));
    set(&mut content, "apprenti.dateNaissance", json!("2005-04-10"));
    let warnings = warning_codes(&evaluate(&content, &settings()));
    for code in [
        "nir_sex_mismatch",
        "nir_birth_mismatch",
        "nir_departement_mismatch",
    ] {
        assert!(warnings.contains(&code), "{code}");
    }
}

#[test]
fn a_rate_or_a_hiring_salary_under_the_legal_minimum_is_refused() {
    let mut content = complete_dossier();
    set(
        &mut content,
        "contrat.remunerationsAnnuelles",
        json!([{ "ordre": "1.1", "taux": 40 }]),
    );
    let evaluation = evaluate(&content, &settings());
    assert!(has_invalid(
        &evaluation,
        "contrat.remunerationsAnnuelles",
        "rate_below_minimum"
    ));
    // 61 % of the SMIC is below 61 % of an SMC that is higher.
    set(
        &mut content,
        "contrat.remunerationsAnnuelles",
        json!([{ "ordre": "2.1", "taux": 61, "typeSalaire": "SMIC" }]),
    );
    assert!(has_invalid(
        &evaluate(&content, &settings()),
        "contrat.remunerationsAnnuelles",
        "rate_below_minimum"
    ));
    set(
        &mut content,
        "contrat.remunerationsAnnuelles",
        json!([{ "ordre": "3.1", "taux": 80 }]),
    );
    assert!(has_invalid(
        &evaluate(&content, &settings()),
        "contrat.remunerationsAnnuelles",
        "unknown_remuneration_line"
    ));

    let mut content = complete_dossier();
    set(&mut content, "contrat.salaireEmbauche", json!(774.77));
    assert!(has_invalid(
        &evaluate(&content, &settings()),
        "contrat.salaireEmbauche",
        "salary_below_minimum"
    ));
    set(&mut content, "contrat.salaireEmbauche", json!("774,78"));
    assert!(!has_invalid(
        &evaluate(&content, &settings()),
        "contrat.salaireEmbauche",
        "salary_below_minimum"
    ));
}

#[test]
fn a_professionalisation_contract_has_its_own_public_fields_and_limits() {
    let mut content = complete_dossier();
    let mut settings = settings();
    settings.contract_type = ContractType::Professionnalisation;
    let evaluation = evaluate(&content, &settings);
    assert_eq!(
        status(&evaluation, FieldId::ContratType),
        FieldStatus::Hidden
    );
    assert_eq!(
        status(&evaluation, FieldId::ApprentiSportif),
        FieldStatus::Hidden
    );
    assert_eq!(
        evaluation.tabs.get(Tab::Alternant).missing,
        ["apprenti.inscritFranceTravail"]
    );
    assert!(warning_codes(&evaluation).contains(&"pro_contract_extended"));
    // Under 21 with a bac-level diploma: 65 % of the SMIC.
    assert_eq!(evaluation.remuneration[0].rate, 65);

    set(&mut content, "employeur.privePublic", json!("public"));
    set(&mut content, "employeur.typeEmployeur", json!("22"));
    assert!(has_invalid(
        &evaluate(&content, &settings),
        "employeur.privePublic",
        "pro_public_employer"
    ));
}

#[test]
fn field_errors_and_rule_violations_land_in_the_tab_of_their_field() {
    let mut content = complete_dossier();
    set(&mut content, "employeur.siret", json!("73282932000075"));
    let evaluation = evaluate(&content, &settings());
    for tab in [Tab::Base, Tab::Employeur] {
        let invalid = &evaluation.tabs.get(tab).invalid;
        assert_eq!(invalid.len(), 1, "{tab:?}");
        assert_eq!(
            (invalid[0].field, invalid[0].code),
            ("employeur.siret", "siret_checksum")
        );
        assert!(invalid[0].message.contains("SIRET"));
    }
    assert!(evaluation.tabs.get(Tab::Alternant).invalid.is_empty());
}

#[test]
fn the_evaluation_serialises_in_the_shape_of_the_api() {
    let evaluation = evaluate(&complete_dossier(), &settings());
    let json = serde_json::to_value(&evaluation).unwrap();
    assert_eq!(json["complete"], true);
    for tab in ["base", "alternant", "employeur", "contrat", "mission"] {
        assert_eq!(json["tabs"][tab]["complete"], true, "{tab}");
        assert!(json["tabs"][tab]["missing"].is_array());
    }
    assert_eq!(json["remuneration"][0]["line"], "1.1");
    assert_eq!(json["remuneration"][0]["monthly_minimum"], 774.78);
    assert_eq!(json["remuneration"][0]["basis"], "SMIC");
}

proptest! {
    #[test]
    fn evaluation_never_panics_whatever_the_values(
        picks in proptest::collection::vec((0..domain::FIELDS.len(), prop_oneof![
            Just(json!(null)), Just(json!(true)), Just(json!(-1)), Just(json!(1.5)), Just(json!([])), Just(json!({})),
            "\\PC{0,12}".prop_map(Value::from), Just(json!("2025-02-29")), Just(json!("1899-12-31")),
            Just(json!([{"ordre": "9.9", "taux": "x"}])), Just(json!([{"ordre": "1.1", "taux": 1e300}])),
        ]), 0..40),
        mission in prop_oneof![Just(MissionMode::Hidden), Just(MissionMode::Optional), Just(MissionMode::Required)],
    ) {
        let mut content = complete_dossier();
        for (index, value) in picks {
            set(&mut content, domain::FIELDS[index].key, value);
        }
        let mut settings = settings();
        settings.mission = mission;
        let evaluation = evaluate(&content, &settings);
        prop_assert!(evaluation.remuneration.len() <= 8);
        prop_assert_eq!(evaluation.fields.len(), domain::FIELDS.len());
    }
}
