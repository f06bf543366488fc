//! The dossier, tab by tab (user guides A.3–A.16, B.6–B.16): Données de base with « Valider »,
//! L'alternant, L'employeur, Les données du contrat, La mission, Résumé, Suivi – Info and Vie de
//! l'étudiant. Every keystroke is evaluated here by `domain`; « Enregistrer » sends a merge patch
//! of the changed fields under the ETag read.

use api_types::{Problem, dossiers::DossierBody};
use domain::{
    FIELDS, FieldDef, NiveauSaisie, Role, Status, Tab,
    access::{self, may_write_field},
};
use gloo_net::http::Method;
use serde_json::Value as Json;
use wasm_bindgen::{JsCast, closure::Closure};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api::{self, Body, Call},
    app::Route,
    components::{
        field::Field,
        notice::{Notice, NoticeArea},
        value_of,
    },
    pages::dossier_suivi::Suivi,
    state::{
        dossier::DossierState,
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
    chrono::Local::now().date_naive()
}

/// Loads the dossier `id` as `token`.
pub async fn load(id: &str, token: &str) -> Result<DossierBody, Problem> {
    api::get(format!("/api/v1/dossiers/{id}"), token).await
}

#[component]
pub fn DossierPage(props: &DossierPageProps) -> Html {
    let SignedIn {
        session,
        token,
        role,
    } = use_signed_in();
    let state = use_state(|| None::<DossierState>);
    let view = use_state(|| View::Data(Tab::Base));
    let notice = use_state(|| None::<Notice>);
    let saving = use_state(|| false);
    let role = role.unwrap_or(Role::Alternant);

    let reload = {
        let (state, notice, token, id) = (
            state.clone(),
            notice.clone(),
            token.clone(),
            props.id.clone(),
        );
        Callback::from(move |_: ()| {
            let (state, notice, token, id) =
                (state.clone(), notice.clone(), token.clone(), id.clone());
            yew::platform::spawn_local(async move {
                let Some(token) = token else { return };
                match load(&id, &token).await {
                    Ok(body) => state.set(Some(DossierState::loaded(body, today()))),
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
        // Leaving or reloading the page with unsaved edits asks first.
        let dirty = state.as_ref().is_some_and(DossierState::has_changes);
        use_effect_with(dirty, move |dirty| {
            let guard = dirty.then(|| {
                let closure = Closure::<dyn Fn(web_sys::BeforeUnloadEvent)>::new(
                    |event: web_sys::BeforeUnloadEvent| event.prevent_default(),
                );
                if let Some(window) = web_sys::window() {
                    let _ = window.add_event_listener_with_callback(
                        "beforeunload",
                        closure.as_ref().unchecked_ref(),
                    );
                }
                closure
            });
            move || {
                if let (Some(closure), Some(window)) = (guard, web_sys::window()) {
                    let _ = window.remove_event_listener_with_callback(
                        "beforeunload",
                        closure.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }
    if token.is_none() {
        return html! { <Redirect<Route> to={Route::Home} /> };
    }
    let Some(current) = (*state).clone() else {
        return html! {
            <main id="contenu" class="page">
                <NoticeArea notice={(*notice).clone()} />
                <p aria-busy="true">{ "Chargement du dossier…" }</p>
            </main>
        };
    };

    let on_edit = {
        let state = state.clone();
        Callback::from(move |(key, value): (&'static str, Json)| {
            if let Some(mut next) = (*state).clone() {
                next.edit(key, value);
                state.set(Some(next));
            }
        })
    };
    let on_niveau = {
        let state = state.clone();
        Callback::from(move |event: Event| {
            let niveau = match value_of(&event).as_str() {
                "simple" => NiveauSaisie::Simple,
                _ => NiveauSaisie::Complete,
            };
            if let Some(mut next) = (*state).clone() {
                next.choose_niveau(niveau);
                state.set(Some(next));
            }
        })
    };
    let save = {
        let (state, notice, saving, token) =
            (state.clone(), notice.clone(), saving.clone(), token.clone());
        let session = session.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(current) = (*state).clone() else {
                return;
            };
            let (state, notice, saving, token, session) = (
                state.clone(),
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
                        let mut next = current.clone();
                        next.saved(body);
                        state.set(Some(next));
                        notice.set(Some(Notice::Success("Modifications enregistrées.".into())));
                    }
                    Err(problem) if problem.code == "stale_version" => {
                        match load(&current.saved.id, &token).await {
                            Ok(latest) => {
                                let mut next = current.clone();
                                let changed = next.changed_by_others(&latest);
                                let lost = next.rebase(latest);
                                state.set(Some(next));
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
        let (state, notice) = (state.clone(), notice.clone());
        Callback::from(move |(message, body): (Notice, Option<DossierBody>)| {
            notice.set(Some(message));
            if let Some(body) = body {
                state.set(Some(DossierState::loaded(body, today())));
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
                    formation.start_date.format("%d/%m/%Y"), formation.end_date.format("%d/%m/%Y")) }
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
                        let onclick = { let view = view.clone(); Callback::from(move |_: MouseEvent| view.set(v)) };
                        let onkeydown = {
                            let (view, views) = (view.clone(), views.clone());
                            Callback::from(move |event: KeyboardEvent| {
                                if let Some(next) = neighbour(&views, v, &event.key()) {
                                    event.prevent_default();
                                    view.set(next);
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
    let mut call = Call::new(
        Method::PATCH,
        format!("/api/v1/dossiers/{}", current.saved.id),
        Some(token),
    );
    call.body = Body::Json(&patch, "application/merge-patch+json");
    call.if_match = Some(format!("\"v{}\"", current.saved.version));
    api::fetch::<DossierBody>(call).await
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

#[derive(Properties, PartialEq)]
struct DataTabProps {
    tab: Tab,
    state: DossierState,
    role: Role,
    /// While a save is under way the fields wait: what is typed meanwhile would be lost.
    saving: bool,
    on_edit: Callback<(&'static str, Json)>,
    on_niveau: Callback<Event>,
}

/// The fields of one tab, section by section.
#[component]
fn DataTab(props: &DataTabProps) -> Html {
    let state = &props.state;
    let status = Status::from_key(&state.saved.status).unwrap_or(Status::Draft);
    // The same rule the server applies to every field of a patch.
    let access_state = access::DossierState {
        status,
        company_contact_joined: state.saved.permissions.company_contact_joined,
    };
    let tab_evaluation = state.evaluation.tabs.get(props.tab);
    let fields: Vec<&'static FieldDef> = FIELDS.iter().filter(|f| f.tab == props.tab).collect();
    let mut sections: Vec<&'static str> = Vec::new();
    for field in &fields {
        if !sections.contains(&field.section) {
            sections.push(field.section);
        }
    }
    let issue_of = |key: &str| {
        tab_evaluation
            .invalid
            .iter()
            .find(|issue| issue.field == key)
            .map(|issue| issue.message.to_string())
    };
    let niveau_writable = access::may_change_niveau_saisie(props.role, status);
    html! {
        <div class="onglet" data-testid={format!("panel-{}", props.tab.key())}>
            <h2>
                { props.tab.label() }
                if tab_evaluation.complete { <span class="coche">{ " ✓ complet" }</span> }
            </h2>
            if !tab_evaluation.complete {
                <p class="aide">{ "Les champs sur fond vert sont à compléter ; ceux marqués d'un astérisque rouge sont obligatoires." }</p>
            }
            if props.tab == Tab::Base {
                <div class="champ">
                    <label for="niveau-saisie">{ "Niveau de saisie" }</label>
                    <select id="niveau-saisie" onchange={props.on_niveau.clone()} disabled={!niveau_writable} data-testid="niveau_saisie">
                        <option value="complete" selected={state.niveau_saisie == NiveauSaisie::Complete}>{ "Saisie complète" }</option>
                        <option value="simple" selected={state.niveau_saisie == NiveauSaisie::Simple}>{ "Saisie simple (CERFA déjà établi hors de la plateforme)" }</option>
                    </select>
                    <p class="aide">{ "Gardez « Saisie complète » si le contrat n'a pas encore été établi." }</p>
                </div>
            }
            { for sections.iter().map(|section| html! {
                <fieldset>
                    <legend>{ *section }</legend>
                    { for fields.iter().filter(|f| f.section == *section).map(|def| {
                        let value = domain::evaluation::lookup(&state.content, def.key).cloned();
                        html! {
                            <Field def={*def} value={value}
                                evaluation={state.evaluation.field(def.id).clone()}
                                issue={issue_of(def.key)}
                                writable={!props.saving && may_write_field(props.role, def, access_state)}
                                onchange={props.on_edit.clone()} />
                        }
                    }) }
                </fieldset>
            }) }
            if props.tab == Tab::Contrat {
                <RemunerationEditor state={state.clone()}
                    writable={!props.saving && may_write_field(props.role, domain::FieldId::ContratRemunerations.def(), access_state)}
                    onchange={props.on_edit.clone()} />
                { remuneration(state) }
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct RemunerationEditorProps {
    state: DossierState,
    writable: bool,
    onchange: Callback<(&'static str, Json)>,
}

/// « Rémunération par année et par période »: one rate a line of the CERFA, at least the legal
/// minimum, which is offered as the starting value.
#[component]
fn RemunerationEditor(props: &RemunerationEditorProps) -> Html {
    let def = domain::FieldId::ContratRemunerations.def();
    let key = def.key;
    let evaluation = props.state.evaluation.field(def.id).clone();
    if evaluation.status == domain::evaluation::FieldStatus::Hidden {
        return Html::default();
    }
    let lines = props.state.evaluation.remuneration.clone();
    let chosen: Vec<Json> = domain::evaluation::lookup(&props.state.content, key)
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default();
    let rate_of = |line: &str| {
        chosen
            .iter()
            .find(|c| c.get("ordre").and_then(Json::as_str) == Some(line))
            .and_then(|c| c.get("taux"))
            .map(|t| t.to_string().trim_matches('"').to_owned())
    };
    // Every line, with the rate typed for `edited` and the chosen (or minimum) one elsewhere.
    let build = {
        let (lines, chosen) = (lines.clone(), chosen.clone());
        move |edited: Option<(String, String)>| -> Json {
            Json::Array(
                lines
                    .iter()
                    .map(|line| {
                        let previous = chosen
                            .iter()
                            .find(|c| c.get("ordre").and_then(Json::as_str) == Some(line.line.as_str()));
                        let rate = match &edited {
                            Some((ordre, typed)) if *ordre == line.line => {
                                crate::components::field::typed_value(domain::Kind::Amount, typed)
                            }
                            _ => previous
                                .and_then(|c| c.get("taux").cloned())
                                .unwrap_or_else(|| Json::from(line.rate)),
                        };
                        serde_json::json!({"ordre": line.line, "taux": rate, "typeSalaire": line.basis.code()})
                    })
                    .collect(),
            )
        }
    };
    let minimums = {
        let (onchange, build) = (props.onchange.clone(), build.clone());
        Callback::from(move |_: MouseEvent| onchange.emit((key, build(None))))
    };
    let green = evaluation.is_green();
    let issue = props
        .state
        .evaluation
        .tabs
        .get(Tab::Contrat)
        .invalid
        .iter()
        .find(|i| i.field == key)
        .map(|i| i.message.to_string());
    html! {
        <fieldset class={classes!("champ", green.then_some("a-completer"))} data-field={key} data-green={green.to_string()}>
            <legend>
                { def.label }
                if evaluation.required {
                    <span class="obligatoire" aria-hidden="true">{ " *" }</span>
                    <span class="visuellement-cache">{ " (obligatoire)" }</span>
                }
            </legend>
            if lines.is_empty() {
                <p class="aide">{ "Les lignes apparaissent dès que la date de naissance et les dates du contrat sont saisies." }</p>
            } else {
                <p class="aide">{ "Le taux de chaque ligne peut dépasser le minimum légal, jamais lui être inférieur." }</p>
                { for lines.iter().map(|line| {
                    let id = format!("taux-{}", line.line.replace('.', "-"));
                    let oninput = {
                        let (onchange, build, ordre) = (props.onchange.clone(), build.clone(), line.line.clone());
                        Callback::from(move |e: InputEvent| onchange.emit((key, build(Some((ordre.clone(), crate::components::value_of(&e)))))))
                    };
                    html! {
                        <div class="champ">
                            <label for={id.clone()}>
                                { format!("Ligne {} — du {} au {} ({} ans) : taux en % du {} (minimum {} %)",
                                    line.line, line.start.format("%d/%m/%Y"), line.end.format("%d/%m/%Y"),
                                    line.age, line.basis.code(), line.rate) }
                            </label>
                            <input id={id.clone()} type="text" inputmode="decimal" value={rate_of(&line.line).unwrap_or_default()}
                                oninput={oninput} disabled={!props.writable} data-testid={id} />
                        </div>
                    }
                }) }
                if props.writable {
                    <button type="button" class="secondaire" onclick={minimums} data-testid="remuneration-minimums">
                        { "Reprendre les taux minimums légaux" }
                    </button>
                }
            }
            if green {
                <p class="etat" data-testid={format!("etat-{key}")}>{ issue.unwrap_or_else(|| "À compléter".into()) }</p>
            }
        </fieldset>
    }
}

/// The minimum remuneration, computed as the contract data are typed.
fn remuneration(state: &DossierState) -> Html {
    let lines = &state.evaluation.remuneration;
    html! {
        <section class="remuneration" aria-labelledby="titre-remuneration" data-testid="remuneration">
            <h3 id="titre-remuneration">{ "Rémunération minimale" }</h3>
            if lines.is_empty() {
                <p class="aide">{ "Elle s'affiche dès que la date de naissance et les dates du contrat sont saisies." }</p>
            } else {
                <table>
                    <thead><tr>
                        <th scope="col">{ "Ligne" }</th><th scope="col">{ "Du" }</th><th scope="col">{ "Au" }</th>
                        <th scope="col">{ "Âge" }</th><th scope="col">{ "Taux" }</th><th scope="col">{ "Minimum mensuel" }</th>
                    </tr></thead>
                    <tbody>
                        { for lines.iter().map(|line| html! {
                            <tr>
                                <td>{ &line.line }</td>
                                <td>{ line.start.format("%d/%m/%Y").to_string() }</td>
                                <td>{ line.end.format("%d/%m/%Y").to_string() }</td>
                                <td>{ line.age }</td>
                                <td>{ format!("{} % du {}", line.rate, line.basis.code()) }</td>
                                <td>{ line.monthly_minimum.map(domain::economics::euros_text).unwrap_or_else(|| "—".into()) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
            if !state.evaluation.warnings.is_empty() {
                <h3>{ "Points d'attention" }</h3>
                <ul class="avertissements">
                    { for state.evaluation.warnings.iter().map(|w| html! { <li>{ w.message.to_string() }</li> }) }
                </ul>
            }
        </section>
    }
}

/// « Résumé »: everything entered, tab by tab, to check before asking for validation.
fn resume(state: &DossierState) -> Html {
    let shown_tabs: Vec<Tab> = Tab::ALL
        .into_iter()
        .filter(|&t| state.evaluation.tabs.get(t).shown)
        .collect();
    html! {
        <div class="resume" data-testid="panel-resume">
            <h2>{ "Résumé" }</h2>
            <p>{ "Vérifiez l'ensemble des données avant de demander la validation : la validation par la formation fige le dossier." }</p>
            { for shown_tabs.iter().map(|&tab| {
                let tab_eval = state.evaluation.tabs.get(tab);
                html! {
                    <section>
                        <h3>{ tab.label() }{ if tab_eval.complete { " ✓" } else { " — incomplet" } }</h3>
                        <dl>
                            { for FIELDS.iter().filter(|f| f.tab == tab).filter(|f| state.evaluation.field(f.id).status != domain::evaluation::FieldStatus::Hidden).map(|f| {
                                let value = domain::evaluation::lookup(&state.content, f.key);
                                html! {
                                    <>
                                        <dt>{ f.label }</dt>
                                        <dd>{ display(f, value) }</dd>
                                    </>
                                }
                            }) }
                        </dl>
                    </section>
                }
            }) }
            { remuneration(state) }
        </div>
    }
}

/// A value as the recap shows it.
fn display(field: &FieldDef, value: Option<&Json>) -> String {
    match (field.kind, value) {
        (_, None | Some(Json::Null)) => "—".into(),
        (_, Some(Json::Bool(true))) => "Oui".into(),
        (_, Some(Json::Bool(false))) => "Non".into(),
        (domain::Kind::Code { list }, Some(Json::String(code))) => list
            .entries(domain::codes::CerfaVersion::default())
            .iter()
            .find(|e| e.code == code)
            .map_or(code.clone(), |e| format!("{} – {}", e.code, e.label)),
        (domain::Kind::Date, Some(Json::String(date))) => domain::values::parse_date(date)
            .map_or(date.clone(), |d| d.format("%d/%m/%Y").to_string()),
        (_, Some(Json::String(text))) => text.clone(),
        (_, Some(Json::Number(n))) => n.to_string(),
        (_, Some(Json::Array(items))) => format!("{} ligne(s)", items.len()),
        (_, Some(other)) => other.to_string(),
    }
}

fn vie_etudiant() -> Html {
    html! {
        <div class="vie" data-testid="panel-vie">
            <h2>{ "Vie de l'étudiant" }</h2>
            <h3>{ "Vos droits d'apprenti(e)" }</h3>
            <ul>
                <li>{ "Vous êtes salarié(e) : congés payés (5 semaines par an), protection sociale et rémunération minimale selon votre âge et votre année de contrat." }</li>
                <li>{ "Le temps passé en formation au CFA est du temps de travail rémunéré." }</li>
                <li>{ "Cinq jours de congé supplémentaires pour préparer vos examens, dans le mois qui les précède." }</li>
            </ul>
            <h3>{ "Aides" }</h3>
            <ul>
                <li>{ "Aide au permis de conduire (500 €) pour les apprentis majeurs, à demander au CFA." }</li>
                <li>{ "Carte d'étudiant des métiers : réductions dans les transports, la restauration et les loisirs." }</li>
                <li>{ "Aides au logement (APL, Mobili-Jeune d'Action Logement) et frais de premier équipement pris en charge par l'OPCO." }</li>
            </ul>
            <h3>{ "Qui contacter" }</h3>
            <p>{ "Les contacts de votre formation et du CFA sont dans l'onglet « Suivi – Info »." }</p>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct BaseValidationProps {
    state: DossierState,
    token: String,
    on_done: Callback<(Notice, Option<DossierBody>)>,
}

/// « Valider » of Données de base: saves nothing itself; asks to save first.
#[component]
fn BaseValidation(props: &BaseValidationProps) -> Html {
    let onclick = {
        let (id, token, on_done) = (
            props.state.saved.id.clone(),
            props.token.clone(),
            props.on_done.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (id, token, on_done) = (id.clone(), token.clone(), on_done.clone());
            yew::platform::spawn_local(async move {
                let path = format!("/api/v1/dossiers/{id}/base-validation");
                let done =
                    api::fetch::<DossierBody>(Call::new(Method::POST, path, Some(&token))).await;
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
