//! Who sees which dossier, writes which field, takes which action: `domain::access`, checked
//! against the user guides and the catalogue's `filled_by`.

use domain::{
    Action, FIELDS, FieldDef, Role, Status, Tab,
    access::{
        DossierScope, DossierState, FormationScope, Parties, Viewer, actions, dossier_scope,
        formation_scope, may_change_niveau_saisie, may_edit_economics, may_write_field,
        sees_dossier, sees_economics, writable_tabs,
    },
};

fn state(status: Status, company_contact_joined: bool) -> DossierState {
    DossierState {
        status,
        company_contact_joined,
    }
}

fn field(key: &str) -> &'static FieldDef {
    FieldDef::by_key(key).unwrap()
}

/// The statuses in which each role writes at all, and whether only Données de base is open:
/// the expectation, written as the user guides and DESIGN.md state it.
fn writes_in(role: Role, status: Status) -> Option<&'static [Tab]> {
    use Status::*;
    const BASE: &[Tab] = &[Tab::Base];
    match (status, role) {
        (Draft, Role::Alternant | Role::Cfa) => Some(BASE),
        (InProgress | Returned, _) => Some(&Tab::ALL),
        (ValidationRequested, Role::Formation | Role::Cfa) => Some(&Tab::ALL),
        _ => None,
    }
}

#[test]
fn every_field_is_writable_exactly_by_those_the_catalogue_says_fill_it_in_every_status() {
    for status in Status::ALL {
        for joined in [false, true] {
            for role in Role::ALL {
                for def in FIELDS {
                    let fills = role == Role::Cfa
                        || def.filled_by.contains(&role)
                        || (role == Role::Alternant
                            && !joined
                            && def.filled_by.contains(&Role::Employeur));
                    let expected = fills
                        && writes_in(role, status).is_some_and(|tabs| tabs.contains(&def.tab));
                    assert_eq!(
                        may_write_field(role, def, state(status, joined)),
                        expected,
                        "{role:?} writing {} in {status:?} (contact joined: {joined})",
                        def.key
                    );
                }
            }
        }
    }
}

#[test]
fn once_the_company_contact_joined_the_apprentice_writes_none_of_the_company_or_cfa_fields() {
    let in_progress = state(Status::InProgress, true);
    for key in [
        "employeur.denomination",
        "employeur.adresse.voie",
        "maitre1.nom",
        "maitre2.prenom",
        "contrat.lieuSignatureContrat",
        "organismeFormation.denomination",
        "etablissementFormation.denomination",
        "formation.intituleQualification",
    ] {
        assert!(
            !may_write_field(Role::Alternant, field(key), in_progress),
            "{key}"
        );
    }
    assert!(may_write_field(
        Role::Alternant,
        field("apprenti.nom"),
        in_progress
    ));
    assert!(may_write_field(
        Role::Alternant,
        field("mission.activites"),
        in_progress
    ));
}

#[test]
fn a8_b12_until_a_company_contact_joins_the_apprentice_fills_the_company_part_but_never_the_cfas() {
    let alone = state(Status::InProgress, false);
    assert!(may_write_field(
        Role::Alternant,
        field("employeur.denomination"),
        alone
    ));
    assert!(may_write_field(
        Role::Alternant,
        field("maitre1.nom"),
        alone
    ));
    assert!(!may_write_field(
        Role::Alternant,
        field("organismeFormation.denomination"),
        alone
    ));
}

#[test]
fn the_employer_writes_its_tabs_and_the_contract_dates_but_not_the_cfas_fields() {
    let in_progress = state(Status::InProgress, true);
    for key in [
        "contrat.dateDebutContrat",
        "employeur.siret",
        "employeur.denomination",
        "contrat.lieuSignatureContrat",
        "mission.activites",
    ] {
        assert!(
            may_write_field(Role::Employeur, field(key), in_progress),
            "{key}"
        );
    }
    for key in [
        "apprenti.nom",
        "apprenti.telephone",
        "contactEntreprise.courriel",
        "organismeFormation.denomination",
        "formation.rncp",
        "etablissementFormation.siret",
    ] {
        assert!(
            !may_write_field(Role::Employeur, field(key), in_progress),
            "{key}"
        );
    }
}

#[test]
fn the_responsable_de_formation_writes_the_fields_the_catalogue_gives_the_formation() {
    for status in [Status::InProgress, Status::ValidationRequested] {
        assert!(may_write_field(
            Role::Formation,
            field("formation.intituleQualification"),
            state(status, true)
        ));
        assert!(!may_write_field(
            Role::Formation,
            field("apprenti.nom"),
            state(status, true)
        ));
    }
    assert_eq!(
        writable_tabs(Role::Formation, state(Status::InProgress, true)),
        [Tab::Contrat]
    );
}

#[test]
fn b14_validation_freezes_every_field_for_every_role() {
    for status in Status::ALL
        .into_iter()
        .filter(|s| s.is_frozen() || *s == Status::Cancelled)
    {
        for role in Role::ALL {
            assert!(
                writable_tabs(role, state(status, true)).is_empty(),
                "{role:?} {status:?}"
            );
        }
    }
}

#[test]
fn b6_a_draft_opens_only_donnees_de_base_to_the_apprentice_and_the_cfa() {
    for role in Role::ALL {
        let expected: &[Tab] = if matches!(role, Role::Alternant | Role::Cfa) {
            &[Tab::Base]
        } else {
            &[]
        };
        assert_eq!(
            writable_tabs(role, state(Status::Draft, false)),
            expected,
            "{role:?}"
        );
    }
}

#[test]
fn a10_each_party_has_its_tabs_while_the_dossier_is_open() {
    use Tab::*;
    let matrix: [(Role, &[Tab]); 4] = [
        (Role::Alternant, &[Base, Alternant, Mission]),
        (Role::Employeur, &[Base, Employeur, Contrat, Mission]),
        (Role::Formation, &[Contrat]),
        (Role::Cfa, &[Base, Alternant, Employeur, Contrat, Mission]),
    ];
    for (role, tabs) in matrix {
        for status in [Status::InProgress, Status::Returned] {
            assert_eq!(
                writable_tabs(role, state(status, true)),
                tabs,
                "{role:?} in {status:?}"
            );
        }
    }
}

#[test]
fn parties_see_their_dossiers_responsables_their_formations_and_the_cfa_every_one() {
    let managed = vec!["f1".to_owned()];
    let none: Vec<String> = Vec::new();
    let parties = Parties {
        apprentice_id: "a1",
        employer_id: Some("e1"),
        formation_id: "f1",
    };
    let viewer = |user_id, role, managed_formations| Viewer {
        user_id,
        role,
        managed_formations,
    };
    let cases = [
        (viewer("a1", Role::Alternant, &none), true),
        (viewer("a2", Role::Alternant, &none), false),
        (viewer("e1", Role::Employeur, &none), true),
        (viewer("e2", Role::Employeur, &none), false),
        // An apprentice whose id happens to be the employer's sees nothing through it.
        (viewer("e1", Role::Alternant, &none), false),
        (viewer("r1", Role::Formation, &managed), true),
        (viewer("r2", Role::Formation, &none), false),
        (viewer("c1", Role::Cfa, &none), true),
    ];
    for (viewer, expected) in cases {
        assert_eq!(sees_dossier(viewer, parties), expected, "{viewer:?}");
    }
    assert_eq!(
        dossier_scope(viewer("r1", Role::Formation, &managed)),
        DossierScope::Formations(&managed)
    );
    assert_eq!(
        dossier_scope(viewer("a1", Role::Alternant, &none)),
        DossierScope::Party("a1")
    );
    assert!(formation_scope(viewer("r1", Role::Formation, &managed)).contains("f1"));
    assert!(!formation_scope(viewer("r1", Role::Formation, &managed)).contains("f2"));
    assert_eq!(
        formation_scope(viewer("e1", Role::Employeur, &none)),
        FormationScope::None
    );
}

#[test]
fn each_role_sees_the_buttons_it_may_press() {
    assert_eq!(
        actions(Role::Alternant, Status::InProgress),
        [Action::ValidateBase, Action::RequestValidation]
    );
    assert_eq!(
        actions(Role::Employeur, Status::InProgress),
        [Action::RequestValidation]
    );
    assert_eq!(
        actions(Role::Formation, Status::ValidationRequested),
        [Action::Validate, Action::Return]
    );
    assert_eq!(
        actions(Role::Cfa, Status::Validated),
        [Action::ValidateEconomics, Action::Reopen, Action::Cancel]
    );
    assert!(actions(Role::Cfa, Status::Signed).is_empty());
}

#[test]
fn only_the_apprentice_and_the_cfa_choose_the_niveau_de_saisie() {
    assert!(may_change_niveau_saisie(Role::Alternant, Status::Draft));
    assert!(may_change_niveau_saisie(Role::Cfa, Status::InProgress));
    assert!(!may_change_niveau_saisie(
        Role::Employeur,
        Status::InProgress
    ));
    assert!(!may_change_niveau_saisie(
        Role::Formation,
        Status::InProgress
    ));
    assert!(!may_change_niveau_saisie(
        Role::Alternant,
        Status::Validated
    ));
}

#[test]
fn only_staff_see_the_economic_elements_and_only_the_cfa_enters_them_until_validated() {
    for role in Role::ALL {
        assert_eq!(
            sees_economics(role),
            matches!(role, Role::Formation | Role::Cfa)
        );
        for status in Status::ALL {
            let expected = role == Role::Cfa
                && !matches!(
                    status,
                    Status::EconomicsValidated
                        | Status::InSignature
                        | Status::Signed
                        | Status::Cancelled
                );
            assert_eq!(
                may_edit_economics(role, status),
                expected,
                "{role:?} in {status:?}"
            );
        }
    }
}
