//! Moving a dossier from one status to another: `domain::workflow::transition` decides; the
//! move is written through the dossier pipeline (`services::dossiers::write`) with what goes
//! with it — e-mails, an invited contact, a signature circuit — in the same transaction.

use api_types::FieldErrorBody;
use db::{DatabaseTransaction, queries::outbox::NewMail};
use domain::{
    Action, Actor, Status, Tab,
    evaluation::Evaluation,
    workflow::{TransitionContext, WorkflowError, transition},
};

use crate::{
    auth::Caller,
    error::ApiError,
    services::{
        access::Subject,
        dossiers::{
            self as service, Change, DossierContext, IfMatch, Moved, Written, load_visible,
        },
    },
    startup::AppState,
};

fn missing_fields(evaluation: &Evaluation, tab: Tab) -> Vec<FieldErrorBody> {
    let tab = evaluation.tabs.get(tab);
    tab.missing
        .iter()
        .map(|key| FieldErrorBody {
            field: (*key).to_owned(),
            code: api_types::codes::REQUIRED.into(),
            message: "Ce champ est obligatoire.".into(),
        })
        .chain(tab.invalid.iter().map(FieldErrorBody::from))
        .collect()
}

pub fn refusal(error: WorkflowError, evaluation: &Evaluation) -> ApiError {
    match error {
        WorkflowError::Forbidden => ApiError::Forbidden,
        WorkflowError::NotInStatus(_) => ApiError::Conflict {
            code: api_types::codes::INVALID_TRANSITION,
            detail: error.to_string(),
        },
        WorkflowError::Incomplete => {
            let tabs: Vec<&str> = evaluation
                .incomplete_tabs()
                .into_iter()
                .map(Tab::label)
                .collect();
            ApiError::Conflict {
                code: api_types::codes::DOSSIER_INCOMPLETE,
                detail: format!(
                    "Le dossier n'est pas complet : il reste des champs à remplir dans {}.",
                    tabs.iter()
                        .map(|t| format!("« {t} »"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }
        }
        WorkflowError::BaseIncomplete => {
            ApiError::Validation(missing_fields(evaluation, Tab::Base))
        }
        WorkflowError::EconomicsMissing => ApiError::Conflict {
            code: api_types::codes::ECONOMICS_MISSING,
            detail: error.to_string(),
        },
        WorkflowError::ContractEnded => ApiError::Conflict {
            code: domain::CONTRACT_ENDED,
            detail: error.to_string(),
        },
        WorkflowError::ReasonRequired => ApiError::field(
            "comment",
            api_types::codes::REQUIRED,
            "Indiquez un commentaire ou un motif : il est transmis aux parties et gardé dans l'historique.",
        ),
    }
}

/// `caller` takes `action` on dossier `id`: checked against the domain, written through the
/// dossier pipeline, `effects` adding what goes with it inside the same transaction. An
/// `If-Match`, when sent, must name the current version; a move that loses a race with another
/// write answers 412 like a PATCH.
pub async fn take<F>(
    state: &AppState,
    caller: &Caller,
    if_match: IfMatch,
    id: &str,
    action: Action,
    comment: Option<String>,
    effects: F,
) -> Result<Written, ApiError>
where
    F: AsyncFnOnce(
        &DatabaseTransaction,
        &mut DossierContext,
        Status,
    ) -> Result<Vec<NewMail>, ApiError>,
{
    let subject = Subject::resolve(state, caller).await?;
    let context = load_visible(state, &subject, id).await?;
    if_match.check_if_sent(context.dossier.version)?;
    take_on(
        state,
        context,
        Actor::User(caller.role),
        Some(&caller.user_id),
        action,
        comment,
        effects,
    )
    .await
}

/// `actor` takes `action` on a dossier already loaded (the platform, on a signature provider's
/// event, passes [`Actor::System`] and no author).
pub async fn take_on<F>(
    state: &AppState,
    context: DossierContext,
    actor: Actor,
    author: Option<&str>,
    action: Action,
    comment: Option<String>,
    effects: F,
) -> Result<Written, ApiError>
where
    F: AsyncFnOnce(
        &DatabaseTransaction,
        &mut DossierContext,
        Status,
    ) -> Result<Vec<NewMail>, ApiError>,
{
    let from = context.status();
    let settings = context.evaluation_settings(state.clock.now().date_naive());
    let evaluation = domain::evaluate(&context.dossier.content, &settings);
    let comment = comment
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty());
    let ctx = TransitionContext {
        complete: evaluation.complete,
        base_complete: evaluation.tabs.get(Tab::Base).complete,
        validation_mode: *context.formation.validation_mode,
        has_reason: comment.is_some(),
        economics_ready: matches!(context.economics(&settings), Some(Ok(_))),
        contract_ended: evaluation
            .warnings
            .iter()
            .any(|w| w.code == domain::CONTRACT_ENDED),
    };
    let to = transition(from, action, actor, &ctx).map_err(|error| refusal(error, &evaluation))?;
    let change = Change {
        moved: Some(Moved {
            action,
            from,
            to,
            comment,
        }),
        ..Change::default()
    };
    service::write(state, context, author, change, async |txn, context| {
        effects(txn, context, to).await
    })
    .await
}
