//! The dossier's life: statuses, the actions that move it and which roles may trigger each
//! (DESIGN.md « Dossier statuses »). Who writes which field is [`crate::access`]'s.

use serde::{Deserialize, Serialize};

use crate::settings::Role;

/// Where a dossier is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Created by registration or invitation; only Données de base is open.
    Draft,
    /// Tabs open, parties filling.
    InProgress,
    /// Waiting for the responsable de formation.
    ValidationRequested,
    /// Sent back with a comment; editable again.
    Returned,
    /// Validated by the formation: frozen.
    Validated,
    /// The CFA validated the economic elements: frozen; the convention can exist.
    EconomicsValidated,
    /// Out for signature: frozen.
    InSignature,
    /// Signed by everyone: frozen for good.
    Signed,
    /// Abandoned, kept for the record.
    Cancelled,
}

impl Status {
    /// Every status, in the order of the journey.
    pub const ALL: [Self; 9] = [
        Self::Draft,
        Self::InProgress,
        Self::ValidationRequested,
        Self::Returned,
        Self::Validated,
        Self::EconomicsValidated,
        Self::InSignature,
        Self::Signed,
        Self::Cancelled,
    ];

    /// The status as the API spells it.
    pub fn key(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::InProgress => "in_progress",
            Self::ValidationRequested => "validation_requested",
            Self::Returned => "returned",
            Self::Validated => "validated",
            Self::EconomicsValidated => "economics_validated",
            Self::InSignature => "in_signature",
            Self::Signed => "signed",
            Self::Cancelled => "cancelled",
        }
    }

    /// The status from its API spelling.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.key() == key)
    }

    /// The status in French, as the interface shows it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "Brouillon",
            Self::InProgress => "En cours de saisie",
            Self::ValidationRequested => "Validation demandée",
            Self::Returned => "Renvoyé pour correction",
            Self::Validated => "Validé par la formation",
            Self::EconomicsValidated => "Éléments économiques validés",
            Self::InSignature => "En cours de signature",
            Self::Signed => "Signé",
            Self::Cancelled => "Annulé",
        }
    }

    /// Whether the data are frozen: every write is refused (until the CFA reopens the dossier).
    pub fn is_frozen(self) -> bool {
        matches!(
            self,
            Self::Validated | Self::EconomicsValidated | Self::InSignature | Self::Signed
        )
    }
}

/// Who triggers an action: a user of a role, or the platform itself (the signature provider's
/// callbacks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "role")]
pub enum Actor {
    /// A signed-in user.
    User(Role),
    /// The platform, on an external event.
    System,
}

/// Something that moves a dossier from one status to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// « Valider » on Données de base: opens the other tabs (again later, to invite a new contact).
    ValidateBase,
    /// « Demande de validation ».
    RequestValidation,
    /// The responsable de formation validates: the data freeze.
    Validate,
    /// The responsable de formation returns the dossier with a comment.
    Return,
    /// The CFA validates the economic elements.
    ValidateEconomics,
    /// The CFA sends contract and convention for signature.
    SendForSignature,
    /// The last signature arrived.
    CompleteSignature,
    /// A signer refused.
    RefuseSignature,
    /// The CFA interrupts a circuit (stalled, or to sign on paper), with a reason.
    CancelSignature,
    /// The CFA reopens a frozen dossier with a reason.
    Reopen,
    /// The CFA cancels the dossier.
    Cancel,
}

impl Action {
    /// Every action.
    pub const ALL: [Self; 11] = [
        Self::ValidateBase,
        Self::RequestValidation,
        Self::Validate,
        Self::Return,
        Self::ValidateEconomics,
        Self::SendForSignature,
        Self::CompleteSignature,
        Self::RefuseSignature,
        Self::CancelSignature,
        Self::Reopen,
        Self::Cancel,
    ];

    /// The action as the API spells it.
    pub fn key(self) -> &'static str {
        match self {
            Self::ValidateBase => "validate_base",
            Self::RequestValidation => "request_validation",
            Self::Validate => "validate",
            Self::Return => "return",
            Self::ValidateEconomics => "validate_economics",
            Self::SendForSignature => "send_for_signature",
            Self::CompleteSignature => "complete_signature",
            Self::RefuseSignature => "refuse_signature",
            Self::CancelSignature => "cancel_signature",
            Self::Reopen => "reopen",
            Self::Cancel => "cancel",
        }
    }

    /// The button's French label.
    pub fn label(self) -> &'static str {
        match self {
            Self::ValidateBase => "Valider",
            Self::RequestValidation => "Demande de validation",
            Self::Validate => "Valider le dossier",
            Self::Return => "Renvoyer pour correction",
            Self::ValidateEconomics => "Valider les éléments économiques",
            Self::SendForSignature => "Envoyer en signature",
            Self::CompleteSignature => "Signature terminée",
            Self::RefuseSignature => "Signature refusée",
            Self::CancelSignature => "Interrompre la signature",
            Self::Reopen => "Rouvrir le dossier",
            Self::Cancel => "Annuler le dossier",
        }
    }

    /// What happened, as a timeline tells it: an event in the past tense, not a button.
    pub fn event(self) -> &'static str {
        match self {
            Self::ValidateBase => "Données de base validées",
            Self::RequestValidation => "Validation demandée",
            Self::Validate => "Dossier validé",
            Self::Return => "Dossier renvoyé pour correction",
            Self::ValidateEconomics => "Éléments économiques validés",
            Self::SendForSignature => "Contrat envoyé en signature",
            Self::CompleteSignature => "Signature terminée",
            Self::RefuseSignature => "Signature refusée",
            Self::CancelSignature => "Signature interrompue",
            Self::Reopen => "Dossier rouvert",
            Self::Cancel => "Dossier annulé",
        }
    }

    /// Whether the action needs a comment or reason (recorded in the history).
    pub fn needs_reason(self) -> bool {
        matches!(
            self,
            Self::Return
                | Self::RefuseSignature
                | Self::CancelSignature
                | Self::Reopen
                | Self::Cancel
        )
    }

    /// Who may trigger the action at all.
    pub fn allowed(self, actor: Actor) -> bool {
        use Role::*;
        match (self, actor) {
            // The platform, on a provider's word: the last signature, a refusal, a voiding.
            (
                Self::CompleteSignature | Self::RefuseSignature | Self::CancelSignature,
                Actor::System,
            ) => true,
            (_, Actor::System) => false,
            (Self::ValidateBase, Actor::User(role)) => matches!(role, Alternant | Cfa),
            (Self::RequestValidation, Actor::User(role)) => matches!(role, Alternant | Employeur),
            (Self::Validate | Self::Return, Actor::User(role)) => matches!(role, Formation | Cfa),
            (
                Self::ValidateEconomics
                | Self::SendForSignature
                | Self::CompleteSignature
                | Self::RefuseSignature
                | Self::CancelSignature
                | Self::Reopen
                | Self::Cancel,
                Actor::User(role),
            ) => role == Cfa,
        }
    }
}

/// How the formation handles « Demande de validation ».
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValidationMode {
    /// The responsable is e-mailed and validates or returns the dossier.
    #[default]
    Manual,
    /// The request validates the dossier at once.
    Automatic,
}

/// What else an action depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransitionContext {
    /// Whether the dossier is complete (user guide B.8).
    pub complete: bool,
    /// Whether Données de base is complete and valid.
    pub base_complete: bool,
    /// The formation's validation mode.
    pub validation_mode: ValidationMode,
    /// Whether a non-blank comment or reason comes with the action.
    pub has_reason: bool,
    /// Whether the CFA entered valid economic elements for the dossier as it is now.
    pub economics_ready: bool,
    /// Whether the contract's end date is past (DAT-13): such a contract is neither sent for
    /// validation nor validated, which would make its CERFA.
    pub contract_ended: bool,
}

/// Why an action is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    /// The actor's role may never trigger this action.
    #[error("Votre rôle ne permet pas cette action.")]
    Forbidden,
    /// The action does not exist from the current status.
    #[error("Cette action n'est pas possible quand le dossier est « {} ».", .0.label())]
    NotInStatus(Status),
    /// « Demande de validation » on an incomplete dossier.
    #[error(
        "Le dossier n'est pas complet : complétez les onglets marqués en vert avant de demander la validation."
    )]
    Incomplete,
    /// « Valider » on Données de base with missing or invalid fields.
    #[error("Les données de base sont incomplètes ou invalides.")]
    BaseIncomplete,
    /// A return, refusal, reopening or cancellation without a reason.
    #[error("Indiquez un commentaire ou un motif.")]
    ReasonRequired,
    /// Economic validation before the economic elements are entered and valid.
    #[error(
        "Saisissez d'abord les éléments économiques du dossier (OPCO, NPEC, frais annexes) : ils sont absents ou ne sont plus valides."
    )]
    EconomicsMissing,
    /// « Demande de validation » or « Valider » on a contract whose end date is past (DAT-13).
    #[error(
        "La date de fin du contrat est passée : corrigez les dates du contrat avant de demander la validation ou de valider."
    )]
    ContractEnded,
}

impl WorkflowError {
    /// The stable snake_case code, as problem+json carries it.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Forbidden => "forbidden_action",
            Self::NotInStatus(_) => "invalid_transition",
            Self::Incomplete => "dossier_incomplete",
            Self::BaseIncomplete => "base_incomplete",
            Self::ReasonRequired => "reason_required",
            Self::EconomicsMissing => "economics_missing",
            Self::ContractEnded => crate::rules::CONTRACT_ENDED,
        }
    }
}

/// The status the action leads to from `from`, or why it may not happen.
pub fn transition(
    from: Status,
    action: Action,
    actor: Actor,
    ctx: &TransitionContext,
) -> Result<Status, WorkflowError> {
    use Status::*;
    if !action.allowed(actor) {
        return Err(WorkflowError::Forbidden);
    }
    let to = match (action, from) {
        (Action::ValidateBase, Draft | InProgress | Returned) => {
            if from == Draft {
                InProgress
            } else {
                from
            }
        }
        (Action::RequestValidation, InProgress | Returned) => match ctx.validation_mode {
            ValidationMode::Manual => ValidationRequested,
            ValidationMode::Automatic => Validated,
        },
        (Action::Validate, ValidationRequested) => Validated,
        (Action::Return, ValidationRequested) => Returned,
        (Action::ValidateEconomics, Validated) => EconomicsValidated,
        (Action::SendForSignature, EconomicsValidated) => InSignature,
        (Action::CompleteSignature, InSignature) => Signed,
        (Action::RefuseSignature | Action::CancelSignature, InSignature) => EconomicsValidated,
        (Action::Reopen, Validated | EconomicsValidated | InSignature) => InProgress,
        (
            Action::Cancel,
            Draft | InProgress | ValidationRequested | Returned | Validated | EconomicsValidated
            | InSignature,
        ) => Cancelled,
        _ => return Err(WorkflowError::NotInStatus(from)),
    };
    if action.needs_reason() && !ctx.has_reason {
        return Err(WorkflowError::ReasonRequired);
    }
    if action == Action::ValidateBase && !ctx.base_complete {
        return Err(WorkflowError::BaseIncomplete);
    }
    if action == Action::RequestValidation && !ctx.complete {
        return Err(WorkflowError::Incomplete);
    }
    if matches!(action, Action::RequestValidation | Action::Validate) && ctx.contract_ended {
        return Err(WorkflowError::ContractEnded);
    }
    if action == Action::ValidateEconomics && !ctx.economics_ready {
        return Err(WorkflowError::EconomicsMissing);
    }
    Ok(to)
}
