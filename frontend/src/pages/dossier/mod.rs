//! The dossier, tab by tab (user guides A.3–A.16, B.6–B.16): Données de base with « Valider »,
//! L'alternant, L'employeur, Les données du contrat, La mission, Résumé, Suivi – Info and Vie de
//! l'étudiant. Every keystroke is evaluated here by `domain`; « Enregistrer » sends a merge patch
//! of the changed fields under the ETag read.

use crate::router::Redirect;
use api_types::{Problem, dossiers::DossierBody};
use domain::{NiveauSaisie, Role, Status, Tab};
use serde_json::Value as Json;
use yew::prelude::*;

mod base_validation;
mod invitation;
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
        count,
        notice::{FieldProblem, Notice, NoticeArea, focus_later},
        value_of,
    },
    state::{
        dossier::{DossierAction, DossierPageState, DossierState},
        session::{SignedIn, use_signed_in},
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
    let SignedIn { token, role } = use_signed_in();
    let page = use_reducer(DossierPageState::default);
    // `None` until the user picks a tab: the page opens on the tab the role has to work on.
    let view = use_state(|| None::<View>);
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
    {
        // A summary line goes once its field is corrected, for good: typing on through a value
        // that is wrong again must not bring the summary back and take the focus from the field.
        let notice = notice.clone();
        let held: Vec<&'static str> = page.dossier.as_ref().map_or_else(Vec::new, |current| {
            current
                .held_edits()
                .into_iter()
                .map(|(key, _)| key)
                .collect()
        });
        use_effect_with(held, move |held| {
            if let Some(shown) = (*notice).clone() {
                let pruned = shown.clone().without_corrected(|key| held.contains(&key));
                if pruned.as_ref() != Some(&shown) {
                    notice.set(pruned);
                }
            }
        });
    }
    if token.is_none() {
        return html! { <Redirect to={Route::Home} /> };
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
        Callback::from(move |_: MouseEvent| {
            let Some(current) = page.dossier.clone() else {
                return;
            };
            let held = held_notice(&current);
            if !current.has_savable_changes() {
                notice.set(held);
                return;
            }
            let (page, notice, saving, token) =
                (page.clone(), notice.clone(), saving.clone(), token.clone());
            saving.set(true);
            yew::platform::spawn_local(async move {
                // The client renews an expired token once by itself (a computer that slept).
                let token = token.unwrap_or_default();
                match send_patch(&current, &token).await {
                    Ok(body) => {
                        page.dispatch(DossierAction::Saved(Box::new(body)));
                        notice.set(Some(held.unwrap_or_else(|| {
                            Notice::Success("Modifications enregistrées.".into())
                        })));
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
    let shown = match *view {
        Some(chosen) if views.contains(&chosen) => chosen,
        _ => landing(&current, role, &views),
    };
    // A summary link opens the field's tab.
    let shown_notice = (*notice).clone();
    let on_field = {
        let view = view.clone();
        Callback::from(move |key: String| {
            if let Some(field) = domain::FieldDef::by_key(&key) {
                view.set(Some(View::Data(field.tab)));
            } else if key.starts_with("economics.") {
                view.set(Some(View::Suivi));
            }
        })
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
            if draft && domain::access::invites(role) {
                // B.3: a draft is a dossier whose apprentice may not have signed in yet, and it
                // has no « Suivi »: who invited sees the invitation here.
                <invitation::InvitationCard dossier_id={current.saved.id.clone()} token={token.clone().unwrap_or_default()} />
            }
            <nav class="onglets" aria-label="Onglets du dossier">
                <ul role="tablist">
                    { for views.iter().map(|&v| {
                        let complete = match v { View::Data(tab) => Some(evaluation.tabs.get(tab).complete), _ => None };
                        let marker = match v { View::Data(tab) => tab_marker(evaluation.tabs.get(tab)), _ => None };
                        let selected = v == shown;
                        // A message is about the tab it was given on: it does not follow to another.
                        let onclick = { let (view, notice) = (view.clone(), notice.clone()); Callback::from(move |_: MouseEvent| { view.set(Some(v)); notice.set(None); }) };
                        let onkeydown = {
                            let (view, views, notice) = (view.clone(), views.clone(), notice.clone());
                            Callback::from(move |event: KeyboardEvent| {
                                if let Some(next) = neighbour(&views, v, &event.key()) {
                                    event.prevent_default();
                                    view.set(Some(next));
                                    notice.set(None);
                                    focus_later(&format!("onglet-{}", next.key()));
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
                                    if let Some(marker) = marker {
                                        <span class={classes!("marque", marker.class)} aria-hidden="true" data-testid={format!("marker-{}", v.key())}>{ marker.sign }</span>
                                        <span class="visuellement-cache">{ format!(" ({})", marker.words) }</span>
                                    }
                                </button>
                            </li>
                        }
                    }) }
                </ul>
            </nav>
            <NoticeArea notice={shown_notice} on_field={on_field} />
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
                    // A.8: the contact found later is invited from L'employeur, where they were given.
                    if matches!(shown, View::Data(Tab::Base | Tab::Employeur)) && current.saved.permissions.actions.iter().any(|a| a == "validate_base") {
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

/// The tab a dossier opens on: the one its reader has to work on. A returned dossier opens on
/// « Suivi – Info », where the return comment is; staff, and everyone once the data are frozen,
/// follow the dossier there too; the parties filling it open the first tab they may write that
/// is not complete yet (Données de base while it is a draft).
fn landing(state: &DossierState, role: Role, views: &[View]) -> View {
    let status = Status::from_key(&state.saved.status).unwrap_or(Status::Draft);
    let suivi = views.contains(&View::Suivi);
    let staff = matches!(role, Role::Formation | Role::Cfa);
    if suivi && (status == Status::Returned || status.is_frozen() || staff) {
        return View::Suivi;
    }
    let writable = &state.saved.permissions.writable_tabs;
    views
        .iter()
        .copied()
        .find(|&v| match v {
            View::Data(tab) => {
                let evaluation = state.evaluation.tabs.get(tab);
                !evaluation.complete
                    && evaluation.required
                    && writable.iter().any(|t| t == tab.key())
            }
            _ => false,
        })
        .or_else(|| suivi.then_some(View::Suivi))
        .unwrap_or(View::Data(Tab::Base))
}

/// The mark a tab carries: complete, its errors, what is left to fill, or optional.
struct TabMarker {
    class: &'static str,
    sign: String,
    words: String,
}

fn tab_marker(tab: &domain::evaluation::TabEvaluation) -> Option<TabMarker> {
    let marker = |class, sign: String, words: String| Some(TabMarker { class, sign, words });
    let (invalid, missing) = (tab.invalid.len() as u64, tab.missing.len() as u64);
    if invalid > 0 {
        marker(
            "marque-erreur",
            format!("✖ {invalid}"),
            count(invalid, "erreur", "erreurs"),
        )
    } else if tab.complete {
        marker("marque-complet", "✓".into(), "complet".into())
    } else if !tab.required {
        marker(
            "marque-facultatif",
            "facultatif".into(),
            "facultatif".into(),
        )
    } else if missing > 0 {
        marker(
            "marque-a-completer",
            format!("▲ {missing}"),
            count(missing, "champ à compléter", "champs à compléter"),
        )
    } else {
        None
    }
}

/// The summary of the edits « Enregistrer » held back, when there are some.
fn held_notice(current: &DossierState) -> Option<Notice> {
    let held = current.held_edits();
    if held.is_empty() {
        return None;
    }
    let text = format!(
        "{} : corrigez {} pour l'enregistrer{}.",
        count(held.len() as u64, "valeur refusée", "valeurs refusées"),
        if held.len() > 1 {
            "ces champs"
        } else {
            "ce champ"
        },
        if current.has_savable_changes() {
            " ; vos autres modifications sont enregistrées"
        } else {
            ""
        },
    );
    Some(Notice::Refused(
        text,
        held.into_iter()
            .map(|(key, message)| FieldProblem {
                key: key.to_owned(),
                message,
                held: true,
            })
            .collect(),
    ))
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
