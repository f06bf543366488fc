use domain::{
    Action, Actor, Role, Status,
    workflow::{TransitionContext, ValidationMode, WorkflowError, transition},
};

fn ready() -> TransitionContext {
    TransitionContext {
        complete: true,
        base_complete: true,
        validation_mode: ValidationMode::Manual,
        has_reason: true,
        economics_ready: true,
        contract_ended: false,
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
fn only_the_cfa_interrupts_a_circuit_in_progress_and_only_with_a_reason() {
    assert_eq!(
        transition(
            Status::InSignature,
            Action::CancelSignature,
            user(Role::Cfa),
            &ready()
        ),
        Ok(Status::EconomicsValidated)
    );
    assert_eq!(
        transition(
            Status::InSignature,
            Action::CancelSignature,
            user(Role::Employeur),
            &ready()
        ),
        Err(WorkflowError::Forbidden)
    );
    assert_eq!(
        transition(
            Status::EconomicsValidated,
            Action::CancelSignature,
            user(Role::Cfa),
            &ready()
        ),
        Err(WorkflowError::NotInStatus(Status::EconomicsValidated))
    );
    let without_reason = TransitionContext {
        has_reason: false,
        ..ready()
    };
    assert_eq!(
        transition(
            Status::InSignature,
            Action::CancelSignature,
            user(Role::Cfa),
            &without_reason
        ),
        Err(WorkflowError::ReasonRequired)
    );
}

#[test]
fn dat_13_an_ended_contract_is_neither_sent_for_validation_nor_validated_but_may_be_reopened() {
    let ended = TransitionContext {
        contract_ended: true,
        ..ready()
    };
    let refused = transition(
        Status::InProgress,
        Action::RequestValidation,
        user(Role::Alternant),
        &ended,
    );
    assert_eq!(refused, Err(WorkflowError::ContractEnded));
    assert_eq!(refused.unwrap_err().code(), "contract_ended");
    assert_eq!(
        transition(
            Status::ValidationRequested,
            Action::Validate,
            user(Role::Formation),
            &ended
        ),
        Err(WorkflowError::ContractEnded)
    );
    assert_eq!(
        transition(
            Status::ValidationRequested,
            Action::Return,
            user(Role::Formation),
            &ended
        ),
        Ok(Status::Returned),
        "the responsable can still send it back to have the dates corrected"
    );
}
