//! « Mes dossiers » of an apprentice or a company contact (one employer contact may follow many
//! apprentices). An apprentice with one dossier goes straight to it.

use crate::router::{Link, Redirect, use_navigator};
use api_types::dossiers::DossierBody;
use domain::{Role, Status};
use yew::prelude::*;

use crate::{
    api,
    app::Route,
    components::notice::{Notice, NoticeArea},
    state::session::{SignedIn, use_signed_in},
};

#[component]
pub fn MyDossiers() -> Html {
    let SignedIn { token, role, .. } = use_signed_in();
    let navigator = use_navigator();
    let dossiers = use_state(|| None::<Vec<DossierBody>>);
    let notice = use_state(|| None::<Notice>);
    {
        let (dossiers, notice) = (dossiers.clone(), notice.clone());
        use_effect_with(token.clone(), move |token| {
            let token = token.clone();
            yew::platform::spawn_local(async move {
                let Some(token) = token else { return };
                let me = match api::me(&token).await {
                    Ok(me) => me,
                    Err(problem) => return notice.set(Some(Notice::problem(&problem))),
                };
                let mut loaded = Vec::new();
                for id in &me.dossier_ids {
                    match api::dossier(id, &token).await {
                        Ok(body) => loaded.push(body),
                        Err(problem) => notice.set(Some(Notice::problem(&problem))),
                    }
                }
                if me.user.role == Role::Alternant
                    && loaded.len() == 1
                    && let Some(navigator) = navigator
                {
                    navigator.replace(&Route::Dossier {
                        id: loaded[0].id.clone(),
                    });
                    return;
                }
                dossiers.set(Some(loaded));
            });
        });
    }
    if token.is_none() {
        return html! { <Redirect to={Route::Home} /> };
    }
    html! {
        <main id="contenu" class="page">
            <h1>{ if role == Some(Role::Employeur) { "Les dossiers de vos apprentis" } else { "Mes dossiers" } }</h1>
            <NoticeArea notice={(*notice).clone()} />
            {
                match &*dossiers {
                    None => html! { <p aria-busy="true">{ "Chargement…" }</p> },
                    Some(list) if list.is_empty() => html! { <p>{ "Aucun dossier pour l'instant." }</p> },
                    Some(list) => html! {
                        <ul class="cartes" data-testid="my-dossiers">
                            { for list.iter().map(summary) }
                        </ul>
                    },
                }
            }
        </main>
    }
}

fn summary(dossier: &DossierBody) -> Html {
    let name = |key: &str| {
        domain::evaluation::lookup(&serde_json::Value::Object(dossier.content.clone()), key)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned()
    };
    let status =
        Status::from_key(&dossier.status).map_or(dossier.status.clone(), |s| s.label().to_owned());
    html! {
        <li class="carte">
            <h2>
                <Link to={Route::Dossier { id: dossier.id.clone() }}>
                    { format!("{} {}", name("apprenti.prenom"), name("apprenti.nom")) }
                </Link>
            </h2>
            <p>{ format!("{} — {}", dossier.formation.title, dossier.formation.variant_label) }</p>
            <p>{ format!("Statut : {status}") }</p>
            <p>{ if dossier.evaluation.complete { "Dossier complet" } else { "Dossier à compléter" } }</p>
        </li>
    }
}
