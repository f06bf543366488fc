//! Accounts, for CFA staff: everyone by role, searched and paged, each with a link to choose a
//! password sent on demand; and a new account (invited by e-mail with a one-hour password) — a
//! responsable de formation, a colleague of the CFA, a company contact.

use crate::router::Redirect;
use api_types::account::{NewUserRequest, UserBody};
use domain::Role;
use yew::prelude::*;

use crate::{
    api::{self, to_json},
    app::Route,
    components::{
        Pager, TextInput,
        notice::{Notice, NoticeArea},
        value_of,
    },
    state::session::{SignedIn, use_signed_in},
};

/// Accounts shown per page.
const PAGE: usize = 25;

#[component]
pub fn Users() -> Html {
    let SignedIn { token, role, .. } = use_signed_in();
    let users = use_state(Vec::<UserBody>::new);
    let refreshed = use_state(|| 0_u32);
    let email = use_state(String::new);
    let first_name = use_state(String::new);
    let last_name = use_state(String::new);
    let new_role = use_state(|| Role::Formation);
    let notice = use_state(|| None::<Notice>);
    let link_notice = use_state(|| None::<Notice>);
    let words = use_state(String::new);
    let page = use_state(|| 0_usize);
    {
        let (users, token) = (users.clone(), token.clone());
        use_effect_with((*refreshed, token.clone()), move |_| {
            yew::platform::spawn_local(async move {
                let Some(token) = token else { return };
                if let Ok(found) = api::users(&token).await {
                    users.set(found);
                }
            });
        });
    }
    let Some(token) = token else {
        return html! { <Redirect to={Route::Home} /> };
    };
    if role != Some(Role::Cfa) {
        return crate::components::cfa_only("Comptes");
    }
    let onsubmit = {
        let (email, first_name, last_name, new_role, notice, refreshed) = (
            email.clone(),
            first_name.clone(),
            last_name.clone(),
            new_role.clone(),
            notice.clone(),
            refreshed.clone(),
        );
        let token = token.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let body = to_json(&NewUserRequest {
                email: email.trim().to_owned(),
                first_name: first_name.trim().to_owned(),
                last_name: last_name.trim().to_owned(),
                role: *new_role,
            });
            let (notice, refreshed, token) = (notice.clone(), refreshed.clone(), token.clone());
            yew::platform::spawn_local(async move {
                match api::create_user(&body, &token).await {
                    Ok(user) => {
                        notice.set(Some(Notice::Success(format!(
                            "Compte créé : {} a reçu ses identifiants par courriel.",
                            user.email
                        ))));
                        refreshed.set(*refreshed + 1);
                    }
                    Err(problem) => notice.set(Some(Notice::problem(&problem))),
                }
            });
        })
    };
    let on_role = {
        let new_role = new_role.clone();
        Callback::from(move |event: Event| {
            new_role.set(match value_of(&event).as_str() {
                "cfa" => Role::Cfa,
                "employeur" => Role::Employeur,
                _ => Role::Formation,
            })
        })
    };
    // Hundreds of accounts: found by a few words, shown a page at a time.
    let wanted = words.trim().to_lowercase();
    let found: Vec<&UserBody> = users
        .iter()
        .filter(|u| {
            wanted.is_empty()
                || format!(
                    "{} {} {} {}",
                    u.first_name,
                    u.last_name,
                    u.email,
                    u.role.label()
                )
                .to_lowercase()
                .contains(&wanted)
        })
        .collect();
    let current = (*page).min(found.len().saturating_sub(1) / PAGE);
    let on_words = {
        let (words, page) = (words.clone(), page.clone());
        Callback::from(move |event: InputEvent| {
            words.set(value_of(&event));
            page.set(0);
        })
    };
    // Someone who lost their invitation or password gets a link to choose one.
    let send_link = |user: &UserBody| {
        let (id, email, notice, token) = (
            user.id.clone(),
            user.email.clone(),
            link_notice.clone(),
            token.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (id, email, notice, token) =
                (id.clone(), email.clone(), notice.clone(), token.clone());
            yew::platform::spawn_local(async move {
                notice.set(Some(match api::send_password_link(&id, &token).await {
                    Ok(()) => Notice::Success(format!(
                        "Un lien pour choisir un mot de passe est parti vers {email}."
                    )),
                    Err(problem) => Notice::problem(&problem),
                }));
            });
        })
    };
    let on_page = {
        let page = page.clone();
        Callback::from(move |to: u64| page.set(usize::try_from(to).unwrap_or(1).saturating_sub(1)))
    };
    html! {
        <main id="contenu" class="page">
            <h1>{ "Comptes" }</h1>
            <div class="champ">
                <label for="user-search">{ "Rechercher un compte" }</label>
                <input id="user-search" type="search" value={(*words).clone()} oninput={on_words}
                    aria-describedby="user-search-aide" data-testid="user-search" />
                <p class="aide" id="user-search-aide">{ "Nom, prénom, courriel ou rôle." }</p>
            </div>
            <Pager total={found.len() as u64} page={current as u64 + 1} per_page={PAGE as u64}
                noun={("compte", "comptes")} on_page={on_page} label="Pages des comptes" testid="users-" />
            <NoticeArea notice={(*link_notice).clone()} />
            <table data-testid="users">
                <caption class="visuellement-cache">{ "Comptes trouvés" }</caption>
                <thead><tr><th scope="col">{ "Nom" }</th><th scope="col">{ "Courriel" }</th><th scope="col">{ "Rôle" }</th><th scope="col">{ "Mot de passe" }</th></tr></thead>
                <tbody>
                    { for found.iter().skip(current * PAGE).take(PAGE).map(|u| html! {
                        <tr data-testid="user-row">
                            <td data-label="Nom">{ format!("{} {}", u.first_name, u.last_name) }</td>
                            <td data-label="Courriel">{ &u.email }</td>
                            <td data-label="Rôle">{ u.role.label() }</td>
                            <td data-label="Mot de passe">
                                { if u.password_change_required { "Pas encore choisi " } else { "Choisi " } }
                                <button type="button" class="secondaire" onclick={send_link(u)}
                                    aria-label={format!("Envoyer un lien pour choisir un mot de passe à {}", u.email)}
                                    data-testid="user-send-link">{ "Envoyer un lien" }</button>
                            </td>
                        </tr>
                    }) }
                </tbody>
            </table>
            <section class="carte" aria-labelledby="titre-nouveau-compte">
                <h2 id="titre-nouveau-compte">{ "Nouveau compte" }</h2>
                <form onsubmit={onsubmit} novalidate=true>
                    <TextInput id="user-first-name" label="Prénom" value={first_name} required=true />
                    <TextInput id="user-last-name" label="Nom" value={last_name} required=true />
                    <TextInput id="user-email" label="Courriel" kind="email" value={email} required=true />
                    <div class="champ">
                        <label for="user-role">{ "Rôle" }</label>
                        <select id="user-role" onchange={on_role} data-testid="user-role">
                            <option value="formation" selected={*new_role == Role::Formation}>{ Role::Formation.label() }</option>
                            <option value="cfa" selected={*new_role == Role::Cfa}>{ Role::Cfa.label() }</option>
                            <option value="employeur" selected={*new_role == Role::Employeur}>{ Role::Employeur.label() }</option>
                        </select>
                        <p class="aide">{ "Les alternants s'invitent depuis le tableau de bord, sur leur formation." }</p>
                    </div>
                    <NoticeArea notice={(*notice).clone()} />
                    <button type="submit" data-testid="user-create">{ "Créer et inviter" }</button>
                </form>
            </section>
        </main>
    }
}
