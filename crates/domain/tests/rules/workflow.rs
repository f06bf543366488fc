use domain::{
    Action, Actor, FieldDef, Role, Status, Tab,
    workflow::{
        TransitionContext, ValidationMode, WorkflowError, available_actions, can_edit_economics,
        can_write, can_write_field, transition,
    },
};

fn ready() -> TransitionContext {
    TransitionContext {
        complete: true,
        base_complete: true,
        validation_mode: ValidationMode::Manual,
        has_reason: true,
        economics_ready: true,
    }
}

fn user(role: Role) -> Actor {
    Actor::User(role)
}

#[test]
fn b11_valider_on_donnees_de_base_opens_the_tabs_for_the_apprentice_or_the_cfa() {
    for role in [Role::Alternant, Role::Cfa] {
        assert_eq!(
            transition(Status::Draft, Action::ValidateBase, user(role), &ready()),
            Ok(Status::InProgress)
        );
    }
    for role in [Role::Employeur, Role::Formation] {
        assert_eq!(
            transition(Status::Draft, Action::ValidateBase, user(role), &ready()),
            Err(WorkflowError::Forbidden)
        );
    }
    let base_incomplete = TransitionContext {
        base_complete: false,
        ..ready()
    };
    assert_eq!(
        transition(
            Status::Draft,
            Action::ValidateBase,
            user(Role::Alternant),
            &base_incomplete
        ),
        Err(WorkflowError::BaseIncomplete)
    );
    // Validating again later (a new company contact) keeps the status.
    assert_eq!(
        transition(
            Status::InProgress,
            Action::ValidateBase,
            user(Role::Alternant),
            &ready()
        ),
        Ok(Status::InProgress)
    );
}

#[test]
fn b14_validation_is_requested_only_when_complete_by_the_apprentice_or_the_employer() {
    let incomplete = TransitionContext {
        complete: false,
        ..ready()
    };
    let refused = transition(
        Status::InProgress,
        Action::RequestValidation,
        user(Role::Alternant),
        &incomplete,
    );
    assert_eq!(refused, Err(WorkflowError::Incomplete));
    assert_eq!(refused.unwrap_err().code(), "dossier_incomplete");
    for role in [Role::Alternant, Role::Employeur] {
        assert_eq!(
            transition(
                Status::InProgress,
                Action::RequestValidation,
                user(role),
                &ready()
            ),
            Ok(Status::ValidationRequested)
        );
        assert_eq!(
            transition(
                Status::Returned,
                Action::RequestValidation,
                user(role),
                &ready()
            ),
            Ok(Status::ValidationRequested)
        );
    }
    assert_eq!(
        transition(
            Status::InProgress,
            Action::RequestValidation,
            user(Role::Formation),
            &ready()
        ),
        Err(WorkflowError::Forbidden)
    );
    assert_eq!(
        transition(
            Status::Draft,
            Action::RequestValidation,
            user(Role::Alternant),
            &ready()
        ),
        Err(WorkflowError::NotInStatus(Status::Draft))
    );
}

#[test]
fn b15_an_automatic_formation_validates_at_the_request() {
    let automatic = TransitionContext {
        validation_mode: ValidationMode::Automatic,
        ..ready()
    };
    assert_eq!(
        transition(
            Status::InProgress,
            Action::RequestValidation,
            user(Role::Alternant),
            &automatic
        ),
        Ok(Status::Validated)
    );
}

#[test]
fn the_responsable_validates_or_returns_with_a_comment() {
    for role in [Role::Formation, Role::Cfa] {
        assert_eq!(
            transition(
                Status::ValidationRequested,
                Action::Validate,
                user(role),
                &ready()
            ),
            Ok(Status::Validated)
        );
        assert_eq!(
            transition(
                Status::ValidationRequested,
                Action::Return,
                user(role),
                &ready()
            ),
            Ok(Status::Returned)
        );
    }
    let no_comment = TransitionContext {
        has_reason: false,
        ..ready()
    };
    assert_eq!(
        transition(
            Status::ValidationRequested,
            Action::Return,
            user(Role::Formation),
            &no_comment
        ),
        Err(WorkflowError::ReasonRequired)
    );
    for role in [Role::Alternant, Role::Employeur] {
        assert_eq!(
            transition(
                Status::ValidationRequested,
                Action::Validate,
                user(role),
                &ready()
            ),
            Err(WorkflowError::Forbidden)
        );
    }
}

#[test]
fn b16_only_the_cfa_validates_the_economic_elements_then_sends_for_signature() {
    assert_eq!(
        transition(
            Status::Validated,
            Action::ValidateEconomics,
            user(Role::Cfa),
            &ready()
        ),
        Ok(Status::EconomicsValidated)
    );
    assert_eq!(
        transition(
            Status::Validated,
            Action::ValidateEconomics,
            user(Role::Formation),
            &ready()
        ),
        Err(WorkflowError::Forbidden)
    );
    assert_eq!(
        transition(
            Status::EconomicsValidated,
            Action::SendForSignature,
            user(Role::Cfa),
            &ready()
        ),
        Ok(Status::InSignature)
    );
    assert_eq!(
        transition(
            Status::InSignature,
            Action::CompleteSignature,
            Actor::System,
            &ready()
        ),
        Ok(Status::Signed)
    );
    assert_eq!(
        transition(
            Status::InSignature,
            Action::RefuseSignature,
            Actor::System,
            &ready()
        ),
        Ok(Status::EconomicsValidated)
    );
    assert_eq!(
        transition(
            Status::InSignature,
            Action::CompleteSignature,
            user(Role::Alternant),
            &ready()
        ),
        Err(WorkflowError::Forbidden)
    );
}

#[test]
fn the_cfa_reopens_a_frozen_dossier_only_with_a_reason() {
    for from in [
        Status::Validated,
        Status::EconomicsValidated,
        Status::InSignature,
    ] {
        assert_eq!(
            transition(from, Action::Reopen, user(Role::Cfa), &ready()),
            Ok(Status::InProgress),
            "{from:?}"
        );
    }
    let no_reason = TransitionContext {
        has_reason: false,
        ..ready()
    };
    assert_eq!(
        transition(
            Status::Validated,
            Action::Reopen,
            user(Role::Cfa),
            &no_reason
        ),
        Err(WorkflowError::ReasonRequired)
    );
    assert_eq!(
        transition(Status::Signed, Action::Reopen, user(Role::Cfa), &ready()),
        Err(WorkflowError::NotInStatus(Status::Signed))
    );
    assert_eq!(
        transition(
            Status::Validated,
            Action::Reopen,
            user(Role::Formation),
            &ready()
        ),
        Err(WorkflowError::Forbidden)
    );
}

#[test]
fn the_cfa_cancels_any_dossier_but_a_signed_one() {
    for from in Status::ALL {
        let result = transition(from, Action::Cancel, user(Role::Cfa), &ready());
        match from {
            Status::Signed | Status::Cancelled => assert!(result.is_err(), "{from:?}"),
            _ => assert_eq!(result, Ok(Status::Cancelled), "{from:?}"),
        }
    }
}

#[test]
fn b14_validation_freezes_every_tab_for_every_role() {
    for status in Status::ALL.into_iter().filter(|s| s.is_frozen()) {
        for role in Role::ALL {
            for tab in Tab::ALL {
                assert!(!can_write(role, tab, status), "{role:?} {tab:?} {status:?}");
            }
        }
    }
    for role in Role::ALL {
        assert!(
            Tab::ALL
                .into_iter()
                .all(|tab| !can_write(role, tab, Status::Cancelled))
        );
    }
}

#[test]
fn a10_b12_each_party_writes_its_own_tabs_while_the_dossier_is_open() {
    use Tab::*;
    // (role, tabs writable in progress)
    let matrix: [(Role, &[Tab]); 4] = [
        (
            Role::Alternant,
            &[Base, Alternant, Employeur, Contrat, Mission],
        ),
        (Role::Employeur, &[Base, Employeur, Contrat, Mission]),
        (Role::Formation, &[]),
        (Role::Cfa, &[Base, Alternant, Employeur, Contrat, Mission]),
    ];
    for (role, tabs) in matrix {
        for status in [Status::InProgress, Status::Returned] {
            let writable: Vec<Tab> = Tab::ALL
                .into_iter()
                .filter(|&t| can_write(role, t, status))
                .collect();
            assert_eq!(writable, tabs, "{role:?} in {status:?}");
        }
    }
}

#[test]
fn b6_a_draft_opens_only_donnees_de_base_to_the_apprentice_and_the_cfa() {
    for role in Role::ALL {
        for tab in Tab::ALL {
            let expected = tab == Tab::Base && matches!(role, Role::Alternant | Role::Cfa);
            assert_eq!(
                can_write(role, tab, Status::Draft),
                expected,
                "{role:?} {tab:?}"
            );
        }
    }
}

#[test]
fn the_employer_changes_only_contract_dates_and_siret_on_donnees_de_base() {
    let field = |key| FieldDef::by_key(key).unwrap();
    assert!(can_write_field(
        Role::Employeur,
        field("contrat.dateDebutContrat"),
        Status::InProgress
    ));
    assert!(can_write_field(
        Role::Employeur,
        field("employeur.siret"),
        Status::InProgress
    ));
    assert!(!can_write_field(
        Role::Employeur,
        field("apprenti.nom"),
        Status::InProgress
    ));
    assert!(!can_write_field(
        Role::Employeur,
        field("apprenti.telephone"),
        Status::InProgress
    ));
    assert!(can_write_field(
        Role::Alternant,
        field("apprenti.nom"),
        Status::InProgress
    ));
}

#[test]
fn while_validation_is_requested_only_the_cfa_writes() {
    for role in Role::ALL {
        let writes = Tab::ALL
            .into_iter()
            .any(|t| can_write(role, t, Status::ValidationRequested));
        assert_eq!(writes, role == Role::Cfa, "{role:?}");
    }
}

#[test]
fn each_role_sees_the_buttons_it_may_press() {
    assert_eq!(
        available_actions(Status::InProgress, Role::Alternant),
        [Action::ValidateBase, Action::RequestValidation]
    );
    assert_eq!(
        available_actions(Status::InProgress, Role::Employeur),
        [Action::RequestValidation]
    );
    assert_eq!(
        available_actions(Status::ValidationRequested, Role::Formation),
        [Action::Validate, Action::Return]
    );
    assert_eq!(
        available_actions(Status::Validated, Role::Cfa),
        [Action::ValidateEconomics, Action::Reopen, Action::Cancel]
    );
    assert!(available_actions(Status::Signed, Role::Cfa).is_empty());
}

#[test]
fn statuses_round_trip_their_api_keys_and_read_in_french() {
    for status in Status::ALL {
        assert_eq!(Status::from_key(status.key()), Some(status));
        assert_eq!(serde_json::to_value(status).unwrap(), status.key());
        assert!(!status.label().is_empty());
    }
    assert_eq!(
        WorkflowError::NotInStatus(Status::Signed).to_string(),
        "Cette action n'est pas possible quand le dossier est « Signé »."
    );
}

#[test]
fn only_the_apprentice_and_the_cfa_choose_the_niveau_de_saisie() {
    use domain::workflow::can_change_niveau_saisie;
    assert!(can_change_niveau_saisie(Role::Alternant, Status::Draft));
    assert!(can_change_niveau_saisie(Role::Cfa, Status::InProgress));
    assert!(!can_change_niveau_saisie(
        Role::Employeur,
        Status::InProgress
    ));
    assert!(!can_change_niveau_saisie(
        Role::Formation,
        Status::InProgress
    ));
    assert!(!can_change_niveau_saisie(
        Role::Alternant,
        Status::Validated
    ));
}

#[test]
fn the_cfa_validates_the_economics_only_once_they_are_entered() {
    let missing = TransitionContext {
        economics_ready: false,
        ..ready()
    };
    assert_eq!(
        transition(
            Status::Validated,
            Action::ValidateEconomics,
            user(Role::Cfa),
            &missing
        ),
        Err(WorkflowError::EconomicsMissing)
    );
    assert_eq!(
        transition(
            Status::Validated,
            Action::ValidateEconomics,
            user(Role::Cfa),
            &ready()
        ),
        Ok(Status::EconomicsValidated)
    );
}

#[test]
fn only_the_cfa_enters_economic_elements_and_only_until_they_are_validated() {
    for status in Status::ALL {
        for role in Role::ALL {
            let expected = role == Role::Cfa
                && !matches!(
                    status,
                    Status::EconomicsValidated
                        | Status::InSignature
                        | Status::Signed
                        | Status::Cancelled
                );
            assert_eq!(
                can_edit_economics(role, status),
                expected,
                "{role:?} in {status:?}"
            );
        }
    }
}
