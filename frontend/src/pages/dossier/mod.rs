//! The dossier, tab by tab (user guides A.3–A.16, B.6–B.16): Données de base with « Valider »,
//! L'alternant, L'employeur, Les données du contrat, La mission, Résumé, Suivi – Info and Vie de
//! l'étudiant. Every keystroke is evaluated here by `domain`; « Enregistrer » sends a merge patch
//! of the changed fields under the ETag read.

use api_types::{Problem, dossiers::DossierBody};
use domain::{NiveauSaisie, Role, Status, Tab};
use serde_json::Value as Json;
use wasm_bindgen::JsCast;
use yew::prelude::*;
use yew_router::prelude::*;

mod base_validation;
mod leave_guard;
mod remuneration;
mod resume;
mod signature;
mod suivi;
mod tabs;

use self::{
    base_validation::BaseValidation,
    resume::{resume, vie_etudiant},
    suivi::Suivi,
    tabs::DataTab,
};

use crate::{
    api,
    app::Route,
    components::{
        notice::{Notice, NoticeArea},
        value_of,
    },
    state::{
        dossier::{DossierAction, DossierPageState, DossierState},
        session::{SessionAction, SignedIn, use_signed_in},
    },
};

/// What the page shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum View {
    /// A data tab.
    Data(Tab),
    /// The read-only recap.
    Resume,
    /// Status, actions, documents, contacts, history.
    Suivi,
    /// The CFA's information for apprentices.
    Vie,
}

impl View {
    fn key(self) -> &'static str {
        match self {
            Self::Data(tab) => tab.key(),
            Self::Resume => "resume",
            Self::Suivi => "suivi",
            Self::Vie => "vie",
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct DossierPageProps {
    pub id: String,
}

/// Today in the browser: the rules look at it (ages, dates in the past).
pub fn today() -> chrono::NaiveDate {
    // The browser's own calendar (its time zone), read from JavaScript's Date: chrono's clock
    // would bring its time-zone code into the bundle for this one call.
    let now = js_sys::Date::new_0();
    chrono::NaiveDate::from_ymd_opt(
        now.get_full_year() as i32,
        now.get_month() + 1,
        now.get_date(),
    )
    .unwrap_or_default()
}

/// Loads the dossier `id` as `token`.
pub async fn load(id: &str, token: &str) -> Result<DossierBody, Problem> {
    crate::state::regulatory::load().await;
    api::dossier(id, token).await
}

#[component]
pub fn DossierPage(props: &DossierPageProps) -> Html {
    let SignedIn {
        session,
        token,
        role,
    } = use_signed_in();
    let page = use_reducer(DossierPageState::default);
    let view = use_state(|| View::Data(Tab::Base));
    let notice = use_state(|| None::<Notice>);
    let saving = use_state(|| false);
    let role = role.unwrap_or(Role::Alternant);

    let reload = {
        let (page, notice, token, id) = (
            page.clone(),
            notice.clone(),
            token.clone(),
            props.id.clone(),
        );
        Callback::from(move |_: ()| {
            let (page, notice, token, id) =
                (page.clone(), notice.clone(), token.clone(), id.clone());
            yew::platform::spawn_local(async move {
                let Some(token) = token else { return };
                match load(&id, &token).await {
                    Ok(body) => page.dispatch(DossierAction::Loaded(Box::new(body), today())),
                    Err(problem) => notice.set(Some(Notice::problem(&problem))),
                }
            });
        })
    };
    {
        let reload = reload.clone();
        use_effect_with((props.id.clone(), token.is_some()), move |_| {
            reload.emit(())
        });
    }
    {
        // Leaving, reloading or following a link with unsaved edits asks first.
        let dirty = page.dossier.as_ref().is_some_and(DossierState::has_changes);
        use_effect_with(dirty, move |dirty| {
            let guard = dirty.then(leave_guard::LeaveGuard::install).flatten();
            move || drop(guard)
        });
    }
    if token.is_none() {
        return html! { <Redirect<Route> to={Route::Home} /> };
    }
    let Some(current) = page.dossier.clone() else {
        return html! {
            <main id="contenu" class="page">
                <NoticeArea notice={(*notice).clone()} />
                <p aria-busy="true">{ "Chargement du dossier…" }</p>
            </main>
        };
    };

    let on_edit = {
        let page = page.clone();
        Callback::from(move |(key, value): (&'static str, Json)| {
            page.dispatch(DossierAction::Edit(key, value));
        })
    };
    let on_niveau = {
        let page = page.clone();
        Callback::from(move |event: Event| {
            let niveau = match value_of(&event).as_str() {
                "simple" => NiveauSaisie::Simple,
                _ => NiveauSaisie::Complete,
            };
            page.dispatch(DossierAction::ChooseNiveau(niveau));
        })
    };
    let save = {
        let (page, notice, saving, token) =
            (page.clone(), notice.clone(), saving.clone(), token.clone());
        let session = session.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(current) = page.dossier.clone() else {
                return;
            };
            let (page, notice, saving, token, session) = (
                page.clone(),
                notice.clone(),
                saving.clone(),
                token.clone(),
                session.clone(),
            );
            saving.set(true);
            yew::platform::spawn_local(async move {
                let mut token = token.unwrap_or_default();
                let mut saved = send_patch(&current, &token).await;
                // A computer that slept past the token's quarter of an hour: renew it from the
                // session cookie and send again, rather than lose the typing.
                if saved.as_ref().is_err_and(|p| p.status == 401)
                    && let Ok(renewed) = api::refresh().await
                {
                    token = renewed.access_token.clone();
                    if let Some(session) = &session {
                        session.dispatch(SessionAction::SignedIn(renewed));
                    }
                    saved = send_patch(&current, &token).await;
                }
                match saved {
                    Ok(body) => {
                        page.dispatch(DossierAction::Saved(Box::new(body)));
                        notice.set(Some(Notice::Success("Modifications enregistrées.".into())));
                    }
                    Err(problem) if problem.code == api_types::codes::STALE_VERSION => {
                        match load(&current.saved.id, &token).await {
                            Ok(latest) => {
                                let (changed, lost) = current.conflict_with(&latest);
                                page.dispatch(DossierAction::Rebased(Box::new(latest)));
                                notice.set(Some(conflict_notice(&changed, &lost)));
                            }
                            Err(problem) => notice.set(Some(Notice::problem(&problem))),
                        }
                    }
                    Err(problem) => notice.set(Some(Notice::problem(&problem))),
                }
                saving.set(false);
            });
        })
    };
    // An action answers with the dossier as it now is: it becomes the page's state, no reload.
    let after_action = {
        let (page, notice) = (page.clone(), notice.clone());
        Callback::from(move |(message, body): (Notice, Option<DossierBody>)| {
            notice.set(Some(message));
            if let Some(body) = body {
                page.dispatch(DossierAction::Loaded(Box::new(body), today()));
            }
        })
    };

    let status = Status::from_key(&current.saved.status).unwrap_or(Status::Draft);
    let draft = status == Status::Draft;
    let evaluation = &current.evaluation;
    let data_tabs: Vec<Tab> = Tab::ALL
        .into_iter()
        .filter(|&tab| evaluation.tabs.get(tab).shown && (tab == Tab::Base || !draft))
        .collect();
    let mut views: Vec<View> = data_tabs.iter().map(|&t| View::Data(t)).collect();
    if !draft {
        views.extend([View::Resume, View::Suivi, View::Vie]);
    }
    let shown = if views.contains(&view) {
        *view
    } else {
        View::Data(Tab::Base)
    };
    let content = &current.content;
    let name = |key: &str| {
        domain::evaluation::lookup(content, key)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned()
    };
    let formation = &current.saved.formation;
    let tab_label = |v: View| -> String {
        match v {
            View::Data(tab) => tab.label().to_owned(),
            View::Resume => "Résumé".into(),
            View::Suivi => "Suivi – Info".into(),
            View::Vie => "Vie de l'étudiant".into(),
        }
    };

    html! {
        <main id="contenu" class="page dossier" data-testid="dossier" data-status={current.saved.status.clone()}
            data-version={current.saved.version.to_string()}>
            <h1>{ format!("Dossier de {} {}", name("apprenti.prenom"), name("apprenti.nom")) }</h1>
            <p class="formation" data-testid="formation">
                { format!("{} — {} ({}) · formation du {} au {}",
                    formation.title, formation.variant_label, formation.access_code,
                    domain::print::date_text(formation.start_date), domain::print::date_text(formation.end_date)) }
            </p>
            <p class="statut" data-testid="status-label">
                { format!("Statut : {}", status.label()) }
                if status.is_frozen() { { " — données figées" } }
                if evaluation.complete { <span class="complet">{ " · dossier complet" }</span> }
            </p>
            <nav class="onglets" aria-label="Onglets du dossier">
                <ul role="tablist">
                    { for views.iter().map(|&v| {
                        let complete = match v { View::Data(tab) => Some(evaluation.tabs.get(tab).complete), _ => None };
                        let selected = v == shown;
                        // A message is about the tab it was given on: it does not follow to another.
                        let onclick = { let (view, notice) = (view.clone(), notice.clone()); Callback::from(move |_: MouseEvent| { view.set(v); notice.set(None); }) };
                        let onkeydown = {
                            let (view, views, notice) = (view.clone(), views.clone(), notice.clone());
                            Callback::from(move |event: KeyboardEvent| {
                                if let Some(next) = neighbour(&views, v, &event.key()) {
                                    event.prevent_default();
                                    view.set(next);
                                    notice.set(None);
                                    focus(&format!("onglet-{}", next.key()));
                                }
                            })
                        };
                        html! {
                            <li role="presentation">
                                <button type="button" role="tab" aria-selected={selected.to_string()}
                                    tabindex={if selected { "0" } else { "-1" }}
                                    aria-controls="panneau" id={format!("onglet-{}", v.key())}
                                    class={classes!(selected.then_some("actif"))} onclick={onclick} onkeydown={onkeydown}
                                    data-testid={format!("tab-{}", v.key())} data-complete={complete.map(|c| c.to_string())}>
                                    { tab_label(v) }
                                    if complete == Some(true) {
                                        <span class="coche" aria-hidden="true">{ " ✓" }</span>
                                        <span class="visuellement-cache">{ " (complet)" }</span>
                                    }
                                </button>
                            </li>
                        }
                    }) }
                </ul>
            </nav>
            <NoticeArea notice={(*notice).clone()} />
            <section id="panneau" role="tabpanel" aria-labelledby={format!("onglet-{}", shown.key())}>
                {
                    match shown {
                        View::Data(tab) => html! {
                            <DataTab tab={tab} state={current.clone()} role={role} saving={*saving}
                                on_edit={on_edit.clone()} on_niveau={on_niveau.clone()} />
                        },
                        View::Resume => resume(&current),
                        View::Suivi => html! {
                            <Suivi state={current.clone()} token={token.clone().unwrap_or_default()} role={role}
                                on_done={after_action.clone()} />
                        },
                        View::Vie => vie_etudiant(),
                    }
                }
            </section>
            if matches!(shown, View::Data(_)) && !current.saved.permissions.writable_tabs.is_empty() {
                <div class="actions-bas">
                    <button type="button" onclick={save} disabled={*saving || !current.has_changes()} data-testid="save">
                        { if *saving { "Enregistrement…" } else { "Enregistrer" } }
                    </button>
                    if current.has_changes() {
                        <span class="aide" data-testid="unsaved">{ "Modifications non enregistrées" }</span>
                    }
                    if shown == View::Data(Tab::Base) && current.saved.permissions.actions.iter().any(|a| a == "validate_base") {
                        <BaseValidation state={current.clone()} token={token.clone().unwrap_or_default()} on_done={after_action.clone()} />
                    }
                </div>
            }
        </main>
    }
}

/// « Enregistrer »: the merge patch of the changed fields, under the version read.
async fn send_patch(current: &DossierState, token: &str) -> Result<DossierBody, Problem> {
    let patch = current.patch();
    api::save_dossier(&current.saved.id, current.saved.version, &patch, token).await
}

/// The tab the arrow keys, Home and End lead to from `from` (the WAI-ARIA tabs pattern).
fn neighbour(views: &[View], from: View, key: &str) -> Option<View> {
    let at = views.iter().position(|&v| v == from)?;
    let last = views.len().checked_sub(1)?;
    let to = match key {
        "ArrowRight" => {
            if at == last {
                0
            } else {
                at + 1
            }
        }
        "ArrowLeft" => {
            if at == 0 {
                last
            } else {
                at - 1
            }
        }
        "Home" => 0,
        "End" => last,
        _ => return None,
    };
    views.get(to).copied()
}

/// Moves the keyboard focus to the element `id`, once it is drawn.
fn focus(id: &str) {
    let id = id.to_owned();
    gloo_timers::callback::Timeout::new(0, move || {
        if let Some(element) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(&id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = element.focus();
        }
    })
    .forget();
}

fn conflict_notice(changed: &[&'static str], lost: &[&'static str]) -> Notice {
    let mut details: Vec<String> = changed
        .iter()
        .map(|label| format!("Modifié : {label}"))
        .collect();
    details.extend(
        lost.iter()
            .map(|label| format!("Votre saisie remplacée par la leur : {label}")),
    );
    Notice::Error(
        "Quelqu'un d'autre a modifié le dossier pendant votre saisie. Ses modifications sont affichées ; vos autres saisies sont conservées : vérifiez-les puis enregistrez de nouveau.".into(),
        details,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrow_keys_go_round_the_tabs_and_home_and_end_reach_the_ends() {
        let views = [
            View::Data(Tab::Base),
            View::Data(Tab::Alternant),
            View::Suivi,
        ];
        let base = View::Data(Tab::Base);
        assert_eq!(
            neighbour(&views, base, "ArrowRight"),
            Some(View::Data(Tab::Alternant))
        );
        assert_eq!(neighbour(&views, base, "ArrowLeft"), Some(View::Suivi));
        assert_eq!(neighbour(&views, View::Suivi, "ArrowRight"), Some(base));
        assert_eq!(neighbour(&views, View::Suivi, "Home"), Some(base));
        assert_eq!(neighbour(&views, base, "End"), Some(View::Suivi));
        assert_eq!(neighbour(&views, base, "Enter"), None);
    }
}
