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
    // « Non » to « J'ai trouvé un employeur »: no contact yet, so nobody was written to.
    let contact = domain::evaluation::lookup(&props.state.content, "contactEntreprise.courriel")
        .and_then(|value| value.as_str())
        .filter(|_| {
            domain::evaluation::lookup(&props.state.content, "contactEntreprise.employeurTrouve")
                != Some(&serde_json::Value::Bool(false))
        })
        .map(str::to_owned);
    let done_message = match contact {
        Some(email) => format!(
            "Données de base validées : les autres onglets sont ouverts, et le contact entreprise ({email}) est invité par courriel."
        ),
        None => "Données de base validées : les autres onglets sont ouverts. Quand vous aurez trouvé votre employeur, renseignez-le : son contact sera alors invité.".to_owned(),
    };
    let onclick = {
        let (id, token, on_done) = (
            props.state.saved.id.clone(),
            props.token.clone(),
            props.on_done.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (id, token, on_done, done_message) = (
                id.clone(),
                token.clone(),
                on_done.clone(),
                done_message.clone(),
            );
            yew::platform::spawn_local(async move {
                let done = api::act(&id, "base-validation", &serde_json::json!({}), &token).await;
                on_done.emit(match done {
                    Ok(body) => (Notice::Success(done_message), Some(body)),
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
