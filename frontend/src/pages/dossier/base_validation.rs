//! « Valider » of Données de base (user guides B.6, B.11).

use api_types::dossiers::DossierBody;
use yew::prelude::*;

use crate::{api, components::notice::Notice, state::dossier::DossierState};

#[derive(Properties, PartialEq)]
pub(super) struct BaseValidationProps {
    pub(super) state: DossierState,
    pub(super) token: String,
    pub(super) on_done: Callback<(Notice, Option<DossierBody>)>,
}

/// « Valider » of Données de base: saves nothing itself; asks to save first.
#[component]
pub(super) fn BaseValidation(props: &BaseValidationProps) -> Html {
    let onclick = {
        let (id, token, on_done) = (
            props.state.saved.id.clone(),
            props.token.clone(),
            props.on_done.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (id, token, on_done) = (id.clone(), token.clone(), on_done.clone());
            yew::platform::spawn_local(async move {
                let done = api::act(&id, "base-validation", &serde_json::json!({}), &token).await;
                on_done.emit(match done {
                    Ok(body) => (
                        Notice::Success(
                            "Données de base validées : les autres onglets sont ouverts, et le contact entreprise a reçu ses identifiants par courriel.".into(),
                        ),
                        Some(body),
                    ),
                    Err(problem) => (Notice::problem(&problem), None),
                });
            });
        })
    };
    html! {
        <button type="button" onclick={onclick} disabled={props.state.has_changes()}
            title={props.state.has_changes().then_some("Enregistrez d'abord vos modifications")}
            data-testid="validate-base">{ "Valider" }</button>
    }
}
