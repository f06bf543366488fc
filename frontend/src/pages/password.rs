//! Passwords: a new one from the link of « Mot de passe oublié », or one's own instead of the
//! generated password of the invitation (user guide A.2).

use crate::router::{Link, Redirect, use_navigator};
use api_types::account::{ChangePasswordRequest, ResetPasswordRequest};
use yew::prelude::*;

use crate::{
    api::{self, to_json},
    app::{Route, landing},
    components::{
        TextInput,
        notice::{Notice, NoticeArea},
    },
    state::session::{SessionAction, SessionHandle},
};

#[component]
pub fn ResetPassword() -> Html {
    let token = crate::router::query_parameter("token").unwrap_or_default();
    let password = use_state(String::new);
    let notice = use_state(|| None::<Notice>);
    let done = use_state(|| false);
    let onsubmit = {
        let (password, notice, done) = (password.clone(), notice.clone(), done.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let body = to_json(&ResetPasswordRequest {
                token: token.clone(),
                password: (*password).clone(),
            });
            let (notice, done) = (notice.clone(), done.clone());
            yew::platform::spawn_local(async move {
                match api::reset_password(&body).await {
                    Ok(_) => {
                        done.set(true);
                        notice.set(Some(Notice::Success(
                            "Votre mot de passe est enregistré : connectez-vous avec lui.".into(),
                        )));
                    }
                    Err(problem) => notice.set(Some(Notice::problem(&problem))),
                }
            });
        })
    };
    html! {
        <main id="contenu" class="page etroite">
            <h1>{ "Choisir un nouveau mot de passe" }</h1>
            <form onsubmit={onsubmit} novalidate=true>
                <TextInput id="reset-password" label="Nouveau mot de passe" kind="password" value={password} autocomplete="new-password" required=true
                    help="10 caractères au moins." />
                <NoticeArea notice={(*notice).clone()} />
                if *done {
                    <p><Link to={Route::Home}>{ "Se connecter" }</Link></p>
                } else {
                    <button type="submit" data-testid="reset-submit">{ "Enregistrer" }</button>
                }
            </form>
        </main>
    }
}

#[component]
pub fn ChangePassword() -> Html {
    let session = use_context::<SessionHandle>();
    let navigator = use_navigator();
    let current = use_state(String::new);
    let new = use_state(String::new);
    let notice = use_state(|| None::<Notice>);
    let Some(session) = session else {
        return Html::default();
    };
    let Some(user) = session.user.clone() else {
        return html! { <Redirect to={Route::Home} /> };
    };
    let onsubmit = {
        let (current, new, notice) = (current.clone(), new.clone(), notice.clone());
        let session = session.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let body = to_json(&ChangePasswordRequest {
                current_password: (*current).clone(),
                new_password: (*new).clone(),
            });
            let (notice, session, navigator) = (notice.clone(), session.clone(), navigator.clone());
            let role = user.role;
            yew::platform::spawn_local(async move {
                let token = session.token.clone();
                match api::change_password(&body, token.as_deref()).await {
                    // The other sessions are closed; this one goes on with new tokens.
                    Ok(renewed) => {
                        session.dispatch(SessionAction::SignedIn(renewed));
                        if let Some(navigator) = navigator {
                            navigator.push(&landing(role));
                        }
                    }
                    Err(problem) => notice.set(Some(Notice::problem(&problem))),
                }
            });
        })
    };
    html! {
        <main id="contenu" class="page etroite">
            <h1>{ "Choisir mon mot de passe" }</h1>
            if session.user.as_ref().is_some_and(|u| u.password_change_required) {
                <p class="message info">{ "Vous vous êtes connecté(e) avec le mot de passe reçu par courriel : choisissez maintenant le vôtre." }</p>
            }
            <form onsubmit={onsubmit} novalidate=true>
                <TextInput id="current-password" label="Mot de passe actuel" kind="password" value={current} autocomplete="current-password" required=true />
                <TextInput id="new-password" label="Nouveau mot de passe" kind="password" value={new} autocomplete="new-password" required=true
                    help="10 caractères au moins." />
                <NoticeArea notice={(*notice).clone()} />
                <button type="submit" data-testid="change-password-submit">{ "Enregistrer" }</button>
            </form>
        </main>
    }
}
