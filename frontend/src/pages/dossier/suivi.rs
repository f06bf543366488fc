//! « Suivi – Info » (user guides A.14–A.16, B.14–B.16): the status and its timeline, the
//! workflow buttons the caller is offered — « Demande de validation » only once the dossier is
//! complete, saying what is missing otherwise —, the return comment, the documents with their
//! availability, the contacts, the economic elements (staff) and the history.

use api_types::dossiers::{DossierBody, HistoryEntryBody, SuiviBody};
use domain::{Role, economics::OPCOS};
use serde_json::{Value as Json, json};
use yew::prelude::*;

use crate::{
    api,
    components::{
        checked_of,
        field::field_id,
        notice::{Notice, NoticeArea, label_of},
        value_of,
    },
    state::dossier::DossierState,
};

use super::resume::{amount as euros, readable};

#[derive(Properties, PartialEq)]
pub struct SuiviProps {
    pub state: DossierState,
    pub token: String,
    pub role: Role,
    /// After an action: the message to show, and the dossier as the answer gives it.
    pub on_done: Callback<(Notice, Option<DossierBody>)>,
}

/// The endpoint of each workflow action Suivi offers. « Valider » of Données de base is not one
/// of them: it belongs to the tab whose contact it invites, and beside « Demande de validation »
/// it read as a second, primary way to ask for validation.
fn endpoint(action: &str) -> Option<&'static str> {
    Some(match action {
        "request_validation" => "validation-request",
        "validate" => "validation",
        "return" => "return",
        "validate_economics" => "economics-validation",
        "reopen" => "reopen",
        _ => return None,
    })
}

#[component]
pub fn Suivi(props: &SuiviProps) -> Html {
    let suivi = use_state(|| None::<SuiviBody>);
    let history = use_state(Vec::<HistoryEntryBody>::new);
    let notice = use_state(|| None::<Notice>);
    let id = props.state.saved.id.clone();
    let version = props.state.saved.version;
    // A deposit changes the documents, not the dossier: it asks for Suivi again.
    let reloads = use_state(|| 0u32);
    {
        let (suivi, history, notice, token, id) = (
            suivi.clone(),
            history.clone(),
            notice.clone(),
            props.token.clone(),
            id.clone(),
        );
        use_effect_with((version, *reloads), move |_| {
            yew::platform::spawn_local(async move {
                match api::suivi(&id, &token).await {
                    Ok(body) => suivi.set(Some(body)),
                    Err(problem) => notice.set(Some(Notice::problem(&problem))),
                }
                if let Ok(entries) = api::history(&id, &token).await {
                    history.set(entries);
                }
            });
        });
    }
    let Some(info) = (*suivi).clone() else {
        return html! { <><NoticeArea notice={(*notice).clone()} /><p aria-busy="true">{ "Chargement…" }</p></> };
    };
    let unsaved = props.state.has_changes();
    html! {
        <div class="suivi" data-testid="panel-suivi">
            <h2>{ "Suivi – Info" }</h2>
            <NoticeArea notice={(*notice).clone()} />
            <p data-testid="suivi-status">{ format!("Statut : {}", info.status_label) }</p>
            if let Some(comment) = &info.return_comment {
                <div class="message info" data-testid="return-comment">
                    <p>{ "Dossier renvoyé pour correction, avec ce commentaire :" }</p>
                    <blockquote>{ comment }</blockquote>
                </div>
            }
            if !info.complete {
                <p class="message info" data-testid="incomplete-tabs">
                    { format!("Pour demander la validation, complétez d'abord : {}.", info.incomplete_tabs.join(", ")) }
                </p>
            }
            <section aria-labelledby="titre-actions">
                <h3 id="titre-actions">{ "Actions" }</h3>
                if unsaved {
                    <p class="aide">{ "Enregistrez d'abord vos modifications en cours." }</p>
                }
                if info.actions.iter().all(|a| endpoint(&a.key).is_none()) {
                    <p>{ "Aucune action possible pour vous à ce stade." }</p>
                }
                { for info.actions.iter().filter(|a| endpoint(&a.key).is_some()).map(|action| html! {
                    <ActionButton
                        action={action.key.clone()} label={action.label.clone()} needs_comment={action.needs_comment}
                        disabled={unsaved || (action.key == "request_validation" && !info.complete)}
                        id={id.clone()} token={props.token.clone()} on_done={props.on_done.clone()} />
                }) }
            </section>
            if let Some(status) = domain::Status::from_key(&info.status).filter(|s| {
                matches!(s, domain::Status::EconomicsValidated | domain::Status::InSignature | domain::Status::Signed)
            }) {
                <super::signature::Signature id={id.clone()} token={props.token.clone()} role={props.role}
                    status={status} version={version} on_done={props.on_done.clone()} />
            }
            if let Some(economics) = &props.state.saved.economics {
                <Economics state={props.state.clone()} token={props.token.clone()}
                    editable={props.state.saved.permissions.edit_economics}
                    values={economics.values.clone().unwrap_or(Json::Null)}
                    on_done={props.on_done.clone()} />
            }
            <section aria-labelledby="titre-documents">
                <h3 id="titre-documents">{ "Documents" }</h3>
                <ul class="documents" data-testid="documents">
                    { for info.documents.iter().map(|doc| {
                        let status = domain::Status::from_key(&info.status);
                        let simple = props.state.saved.niveau_saisie == domain::NiveauSaisie::Simple;
                        let draft = doc.kind == "cerfa" && !doc.available && !simple
                            && status != Some(domain::Status::Cancelled);
                        let deposit = doc.kind == "cerfa" && simple
                            && status.is_some_and(domain::access::may_deposit_cerfa);
                        html! {
                            <li data-testid={format!("document-{}", doc.kind)} data-available={doc.available.to_string()}>
                                <strong>{ &doc.label }</strong>
                                if doc.available {
                                    { " " }
                                    <Download id={id.clone()} kind={doc.kind.clone()} suffix="" token={props.token.clone()}
                                        label={format!("Télécharger — {}", doc.label)} />
                                } else {
                                    { " — " }{ doc.reason.clone().unwrap_or_default() }
                                }
                                if draft {
                                    { " " }
                                    <Download id={id.clone()} kind="cerfa" suffix="/draft" token={props.token.clone()}
                                        label="Aperçu du CERFA (brouillon)" />
                                }
                                if deposit {
                                    <Deposit id={id.clone()} token={props.token.clone()}
                                        on_done={{ let reloads = reloads.clone(); Callback::from(move |_| reloads.set(*reloads + 1)) }} />
                                }
                            </li>
                        }
                    }) }
                </ul>
            </section>
            if domain::access::invites(props.role) {
                <super::invitation::InvitationCard dossier_id={id.clone()} token={props.token.clone()} />
            }
            <section aria-labelledby="titre-contacts">
                <h3 id="titre-contacts">{ "Contacts" }</h3>
                <ul data-testid="contacts">
                    { for info.contacts.iter().map(|c| html! {
                        <li>
                            <strong>{ &c.role }</strong>{ " : " }{ &c.name }{ " — " }
                            <a href={format!("mailto:{}", c.email)}>{ &c.email }</a>
                            if let Some(phone) = &c.phone { { format!(" — {phone}") } }
                        </li>
                    }) }
                </ul>
            </section>
            <section aria-labelledby="titre-chronologie">
                <h3 id="titre-chronologie">{ "Chronologie" }</h3>
                <ol data-testid="timeline">
                    { for info.timeline.iter().map(|t| html! {
                        <li>
                            <time>{ domain::print::datetime_text(t.at) }</time>{ " — " }
                            { event(&t.action).unwrap_or(&t.action_label) }
                            if let Some(author) = &t.author { { format!(" par {}", author.name) } }
                            if let Some(comment) = &t.comment { { format!(" : « {comment} »") } }
                        </li>
                    }) }
                </ol>
            </section>
            <section aria-labelledby="titre-historique">
                <h3 id="titre-historique">{ "Historique des modifications" }</h3>
                if history.is_empty() {
                    <p>{ "Aucune modification enregistrée." }</p>
                } else {
                    <table data-testid="history">
                        <thead><tr>
                            <th scope="col">{ "Quand" }</th><th scope="col">{ "Qui" }</th>
                            <th scope="col">{ "Champ" }</th><th scope="col">{ "Avant" }</th><th scope="col">{ "Après" }</th>
                        </tr></thead>
                        <tbody>
                            { for history.iter().rev().take(200).map(|h| html! {
                                <tr>
                                    <td data-label="Quand">{ domain::print::datetime_text(h.at) }</td>
                                    <td data-label="Qui">{ h.author.as_ref().map(|a| a.name.clone()).unwrap_or_else(|| "Opuntia".into()) }</td>
                                    <td data-label="Champ">{ label_of(&h.field) }</td>
                                    <td data-label="Avant">{ readable(&h.field, h.old.as_ref()) }</td>
                                    <td data-label="Après">{ readable(&h.field, h.new.as_ref()) }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                }
            </section>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct DownloadProps {
    pub id: String,
    pub kind: AttrValue,
    /// `""`, `"/draft"` or `"/signed"`.
    pub suffix: AttrValue,
    pub token: String,
    pub label: AttrValue,
}

/// A document's button: fetches the PDF with the session and offers it as a file.
#[component]
pub fn Download(props: &DownloadProps) -> Html {
    let busy = use_state(|| false);
    let notice = use_state(|| None::<Notice>);
    let onclick = {
        let (busy, notice) = (busy.clone(), notice.clone());
        let (id, kind, suffix, token) = (
            props.id.clone(),
            props.kind.to_string(),
            props.suffix.clone(),
            props.token.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (busy, notice, id, kind, suffix, token) = (
                busy.clone(),
                notice.clone(),
                id.clone(),
                kind.clone(),
                suffix.clone(),
                token.clone(),
            );
            busy.set(true);
            notice.set(None);
            yew::platform::spawn_local(async move {
                match api::document(&id, &kind, &suffix, &token).await {
                    Ok((bytes, name)) => crate::components::save_bytes(
                        &name.unwrap_or_else(|| format!("{kind}.pdf")),
                        &bytes,
                        "application/pdf",
                    ),
                    Err(problem) => notice.set(Some(Notice::problem(&problem))),
                }
                busy.set(false);
            });
        })
    };
    let testid = format!("download-{}{}", props.kind, props.suffix.replace('/', "-"));
    html! {
        <>
            <button type="button" class="secondaire" onclick={onclick} disabled={*busy} data-testid={testid}>
                { props.label.clone() }
            </button>
            <NoticeArea notice={(*notice).clone()} />
        </>
    }
}

#[derive(Properties, PartialEq)]
struct DepositProps {
    id: String,
    token: String,
    on_done: Callback<()>,
}

/// Saisie simple: the CERFA made outside the platform, deposited as a PDF (user guide B.9).
#[component]
fn Deposit(props: &DepositProps) -> Html {
    let notice = use_state(|| None::<Notice>);
    let onchange = {
        let notice = notice.clone();
        let (id, token, on_done) = (props.id.clone(), props.token.clone(), props.on_done.clone());
        Callback::from(move |event: Event| {
            let Some(file) = crate::components::file_of(&event) else {
                return;
            };
            let (notice, id, token, on_done) =
                (notice.clone(), id.clone(), token.clone(), on_done.clone());
            yew::platform::spawn_local(async move {
                let Some(bytes) = crate::components::bytes_of(&file).await else {
                    return notice.set(Some(Notice::Error(
                        "Ce fichier ne peut pas être lu.".into(),
                        Vec::new(),
                    )));
                };
                match api::deposit_cerfa(&id, bytes, &token).await {
                    Ok(_) => {
                        notice.set(Some(Notice::Success("CERFA déposé.".into())));
                        on_done.emit(());
                    }
                    Err(problem) => notice.set(Some(Notice::problem(&problem))),
                }
            });
        })
    };
    html! {
        <div class="champ">
            <label for="depot-cerfa">{ "Déposer le CERFA établi hors de la plateforme (PDF, 10 Mo au plus)" }</label>
            <input id="depot-cerfa" type="file" accept="application/pdf" onchange={onchange} data-testid="deposit-cerfa" />
            <NoticeArea notice={(*notice).clone()} />
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ActionProps {
    action: String,
    label: String,
    needs_comment: bool,
    disabled: bool,
    id: String,
    token: String,
    on_done: Callback<(Notice, Option<DossierBody>)>,
}

/// One workflow button; those that need a comment or a reason open a field for it first.
#[component]
fn ActionButton(props: &ActionProps) -> Html {
    let open = use_state(|| false);
    let comment = use_state(String::new);
    let notice = use_state(|| None::<Notice>);
    let send = {
        let (comment, notice) = (comment.clone(), notice.clone());
        let (action, id, token, on_done) = (
            props.action.clone(),
            props.id.clone(),
            props.token.clone(),
            props.on_done.clone(),
        );
        let needs_comment = props.needs_comment;
        Callback::from(move |_: MouseEvent| {
            let Some(path) = endpoint(&action) else {
                return;
            };
            let body = if needs_comment {
                json!({"comment": (*comment).clone()})
            } else {
                json!({})
            };
            let (notice, token, on_done) = (notice.clone(), token.clone(), on_done.clone());
            let id = id.clone();
            yew::platform::spawn_local(async move {
                match api::act(&id, path, &body, &token).await {
                    Ok(body) => on_done.emit((
                        Notice::Success(format!(
                            "C'est fait : le dossier est maintenant « {} ».",
                            domain::Status::from_key(&body.status)
                                .map_or(body.status.clone(), |s| s.label().to_owned())
                        )),
                        Some(body),
                    )),
                    Err(problem) => notice.set(Some(Notice::problem(&problem))),
                }
            });
        })
    };
    let comment_id = format!("commentaire-{}", props.action);
    let warning = freezing_warning(&props.action);
    let toggle = |to: bool| {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(to))
    };
    // An action that needs words, or freezes the data, asks first (user guide B.14): the button
    // opens a panel that says what will happen, with « Confirmer » and « Annuler ».
    let asks_first = props.needs_comment || warning.is_some();
    html! {
        <div class="action">
            if asks_first && *open {
                <div class="confirmation" data-testid={format!("confirmation-{}", props.action)}>
                    if let Some(warning) = warning {
                        <p class="message alerte">{ warning }</p>
                    }
                    if props.needs_comment {
                        <div class="champ large">
                            <label for={comment_id.clone()}>{ "Commentaire (transmis aux parties et gardé dans l'historique)" }<span class="obligatoire" aria-hidden="true">{ " *" }</span></label>
                            <textarea id={comment_id.clone()} rows="3" value={(*comment).clone()}
                                oninput={{ let comment = comment.clone(); Callback::from(move |e: InputEvent| comment.set(value_of(&e))) }}
                                data-testid={format!("comment-{}", props.action)} />
                        </div>
                    }
                    <button type="button" onclick={send} disabled={props.disabled} data-testid={format!("confirm-{}", props.action)}>
                        { format!("Confirmer : {}", props.label) }
                    </button>
                    <button type="button" class="secondaire" onclick={toggle(false)} data-testid={format!("cancel-{}", props.action)}>
                        { "Annuler" }
                    </button>
                </div>
            } else if asks_first {
                <button type="button" onclick={toggle(true)} disabled={props.disabled} data-testid={format!("action-{}", props.action)}>{ &props.label }</button>
            } else {
                <button type="button" onclick={send} disabled={props.disabled} data-testid={format!("action-{}", props.action)}>{ &props.label }</button>
            }
            <NoticeArea notice={(*notice).clone()} />
        </div>
    }
}

/// What an action of the timeline did, in the past tense (« Dossier validé »).
fn event(action: &str) -> Option<&'static str> {
    domain::Action::ALL
        .into_iter()
        .find(|a| a.key() == action)
        .map(domain::Action::event)
}

/// What an action that freezes the dossier's data says before it is confirmed.
fn freezing_warning(action: &str) -> Option<&'static str> {
    match action {
        "request_validation" => Some(
            "Le dossier va être transmis pour validation : ses données seront figées. Vous ne pourrez plus les modifier, sauf si la formation vous le renvoie pour correction.",
        ),
        "validate" => Some(
            "Valider le dossier fige ses données : plus personne ne pourra les modifier, sauf à le rouvrir. Le CFA saisira ensuite les éléments économiques.",
        ),
        _ => None,
    }
}

#[derive(Properties, PartialEq)]
struct EconomicsProps {
    state: DossierState,
    token: String,
    editable: bool,
    values: Json,
    on_done: Callback<(Notice, Option<DossierBody>)>,
}

/// The economic elements: entered by CFA staff, read by formation staff.
#[component]
fn Economics(props: &EconomicsProps) -> Html {
    let draft = use_state(|| props.values.clone());
    let notice = use_state(|| None::<Notice>);
    let economics = props.state.saved.economics.clone();
    let member = |key: &str| -> String {
        match draft.get(key) {
            Some(Json::String(s)) => s.clone(),
            Some(Json::Number(n)) => n.to_string(),
            _ => String::new(),
        }
    };
    let set = |key: &'static str, kind: u8| {
        let draft = draft.clone();
        Callback::from(move |event: Event| {
            let mut next = if draft.is_object() {
                (*draft).clone()
            } else {
                json!({})
            };
            let value = match kind {
                0 => {
                    let text = value_of(&event);
                    if text.trim().is_empty() {
                        Json::Null
                    } else {
                        Json::String(text)
                    }
                }
                _ => Json::Bool(checked_of(&event)),
            };
            next[key] = value;
            draft.set(next);
        })
    };
    let save = {
        let (draft, notice) = (draft.clone(), notice.clone());
        let (id, version, token, on_done) = (
            props.state.saved.id.clone(),
            props.state.saved.version,
            props.token.clone(),
            props.on_done.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let body = (*draft).clone();
            let (notice, token, on_done) = (notice.clone(), token.clone(), on_done.clone());
            let id = id.clone();
            yew::platform::spawn_local(async move {
                match api::save_economics(&id, version, &body, &token).await {
                    Ok(body) => on_done.emit((
                        Notice::Success("Éléments économiques enregistrés.".into()),
                        Some(body),
                    )),
                    Err(problem) => notice.set(Some(Notice::problem(&problem))),
                }
            });
        })
    };
    // Labels come from `domain::economics`, as the history and error summaries name them; ids
    // are those the summaries link to.
    let label = |key: &str| domain::economics::label(key).unwrap_or_default();
    let amount = |key: &'static str, unit: &'static str, help: &'static str| {
        let id = field_id(&format!("economics.{key}"));
        html! {
            <div class="champ court">
                <label for={id.clone()}>{ label(key) }{ unit }</label>
                <input id={id.clone()} type="text" inputmode="decimal" value={member(key)} onchange={set(key, 0)}
                    disabled={!props.editable} data-testid={format!("eco-{key}")} aria-describedby={format!("{id}-aide")} />
                <p class="aide" id={format!("{id}-aide")}>{ help }</p>
            </div>
        }
    };
    let tick = |key: &'static str| {
        let id = field_id(&format!("economics.{key}"));
        html! {
            <div class="champ case">
                <input id={id.clone()} type="checkbox" checked={draft.get(key).and_then(Json::as_bool) == Some(true)}
                    onchange={set(key, 1)} disabled={!props.editable} data-testid={format!("eco-{key}")} />
                <label for={id}>{ label(key) }</label>
            </div>
        }
    };
    html! {
        <section aria-labelledby="titre-economie" data-testid="economics">
            <h3 id="titre-economie">{ "Éléments économiques" }</h3>
            <form onsubmit={save}>
                <div class="champ">
                    <label for="champ-economics-opco">{ label("opco") }</label>
                    <select id="champ-economics-opco" onchange={set("opco", 0)} disabled={!props.editable} data-testid="eco-opco">
                        <option value="" selected={member("opco").is_empty()}>{ "— Aucun (employeur public) —" }</option>
                        { for OPCOS.iter().map(|o| html! { <option value={o.key} selected={member("opco") == o.key}>{ o.label }</option> }) }
                    </select>
                </div>
                { amount("npecAnnuel", " (€)", "Niveau de prise en charge du contrat par l'OPCO.") }
                { tick("valeurAmorcage") }
                { amount("majorationRqth", " (€)", "Jusqu'à 4 000 €, pour un(e) apprenti(e) avec RQTH.") }
                { amount("repas", "", "3 € par repas au plus.") }
                { amount("nuitees", "", "6 € par nuitée au plus.") }
                { amount("premierEquipement", " (€)", "500 € au plus.") }
                { tick("mobiliteInternationale") }
                { amount("resteACharge", " (€)", "Au-delà des financements, inscrit dans la convention.") }
                { tick("mandatEmployeur") }
                <NoticeArea notice={(*notice).clone()} />
                if props.editable {
                    <button type="submit" data-testid="economics-save">{ "Enregistrer les éléments économiques" }</button>
                }
            </form>
            if let Some(economics) = economics {
                if !economics.issues.is_empty() {
                    <div class="message erreur" role="alert">
                        <p>{ "Ces éléments ne correspondent plus au dossier :" }</p>
                        <ul>{ for economics.issues.iter().map(|i| html! { <li>{ format!("{} : {}", i.field, i.message) }</li> }) }</ul>
                    </div>
                }
                if let Some(summary) = economics.summary {
                    <dl class="synthese" data-testid="economics-summary">
                        <dt>{ "OPCO" }</dt><dd>{ summary.opco_label.unwrap_or_else(|| "—".into()) }</dd>
                        <dt>{ "NPEC retenu" }</dt><dd>{ euros(summary.npec_retenu) }{ if summary.minoration_distanciel { " (minoré de 20 % : formation à distance)" } else { "" } }</dd>
                        <dt>{ "Frais annexes" }</dt><dd>{ euros(summary.frais_annexes) }</dd>
                        <dt>{ "Participation de l'employeur" }</dt>
                        <dd>{ summary.participation_employeur.map(|p| format!("{} — ", euros(p))).unwrap_or_default() }{ summary.participation_motif }</dd>
                    </dl>
                }
            }
        </section>
    }
}
