//! The apprentice's invitation, on Suivi for who invites (user guide B.3): when it was sent,
//! whether the apprentice has signed in, and the two ways out of a lost invitation — send it
//! again, or correct the address and send it there.

use api_types::invitations::InvitationBody;
use yew::prelude::*;

use crate::{
    api,
    components::{
        TextInput,
        notice::{Notice, NoticeArea},
    },
};

#[derive(Properties, PartialEq)]
pub(super) struct InvitationProps {
    pub(super) dossier_id: String,
    pub(super) token: String,
}

/// The card, absent when the dossier did not come from an invitation (self-registration).
#[component]
pub(super) fn InvitationCard(props: &InvitationProps) -> Html {
    let invitation = use_state(|| None::<InvitationBody>);
    let notice = use_state(|| None::<Notice>);
    let correcting = use_state(|| false);
    let email = use_state(String::new);
    {
        let (invitation, notice, token) = (invitation.clone(), notice.clone(), props.token.clone());
        use_effect_with(props.dossier_id.clone(), move |id| {
            let id = id.clone();
            yew::platform::spawn_local(async move {
                match api::dossier_invitation(&id, &token).await {
                    Ok(found) => invitation.set(found),
                    Err(problem) => notice.set(Some(Notice::problem(&problem))),
                }
            });
        });
    }
    let Some(current) = (*invitation).clone() else {
        return html! { <NoticeArea notice={(*notice).clone()} /> };
    };
    // Both actions answer with the invitation as it now is; the message says where the mail
    // went. One task for both: each async task carries its own state machine and request code.
    let act = {
        let (invitation, notice, correcting) =
            (invitation.clone(), notice.clone(), correcting.clone());
        let (id, token) = (current.id.clone(), props.token.clone());
        Callback::from(move |corrected: Option<String>| {
            let (invitation, notice, correcting, id, token) = (
                invitation.clone(),
                notice.clone(),
                correcting.clone(),
                id.clone(),
                token.clone(),
            );
            yew::platform::spawn_local(async move {
                let done = match corrected {
                    None => api::renew_invitation(&id, &token).await,
                    Some(email) => api::correct_invitation(&id, email.trim(), &token).await,
                };
                match done {
                    Ok(body) => {
                        notice.set(Some(Notice::Success(format!(
                            "Invitation envoyée à {} : un nouveau mot de passe, valable une heure.",
                            body.email
                        ))));
                        correcting.set(false);
                        invitation.set(Some(body));
                    }
                    Err(problem) => notice.set(Some(Notice::problem(&problem))),
                }
            });
        })
    };
    let renew = act.reform(|_: MouseEvent| None);
    let correct = {
        let email = email.clone();
        act.reform(move |event: SubmitEvent| {
            event.prevent_default();
            Some((*email).clone())
        })
    };
    let open_correction = {
        let (correcting, email, current_email) =
            (correcting.clone(), email.clone(), current.email.clone());
        Callback::from(move |_: MouseEvent| {
            email.set(current_email.clone());
            correcting.set(true);
        })
    };
    let cancel = {
        let correcting = correcting.clone();
        Callback::from(move |_: MouseEvent| correcting.set(false))
    };
    let sent = domain::print::datetime_text(current.last_sent_at);
    html! {
        <section aria-labelledby="titre-invitation" data-testid="invitation">
            <h3 id="titre-invitation">{ "Invitation de l'alternant(e)" }</h3>
            <NoticeArea notice={(*notice).clone()} />
            <p data-testid="invitation-state">
                { format!("Envoyée à {} le {sent}. ", current.email) }
                { if current.accepted {
                    "L'alternant(e) s'est connecté(e) depuis : en cas d'oubli, il ou elle utilise « Mot de passe oublié ».".to_owned()
                } else {
                    match current.password_expires_at {
                        Some(until) => format!("Pas encore de connexion ; le mot de passe envoyé vaut jusqu'au {}.", domain::print::datetime_text(until)),
                        None => "Pas encore de connexion.".to_owned(),
                    }
                } }
            </p>
            if !current.accepted {
                if *correcting {
                    <form onsubmit={correct} novalidate=true data-testid="invitation-correction">
                        <TextInput id="invitation-email" label="Courriel de l'alternant(e)" kind="email" value={email.clone()} required=true />
                        <button type="submit" data-testid="invitation-correct">{ "Corriger et renvoyer" }</button>
                        { " " }
                        <button type="button" class="secondaire" onclick={cancel}>{ "Annuler" }</button>
                    </form>
                } else {
                    <p>
                        <button type="button" class="secondaire" onclick={renew} data-testid="invitation-renew">{ "Renvoyer l'invitation" }</button>
                        { " " }
                        <button type="button" class="secondaire" onclick={open_correction} data-testid="invitation-edit">{ "Corriger le courriel" }</button>
                    </p>
                }
            }
        </section>
    }
}
