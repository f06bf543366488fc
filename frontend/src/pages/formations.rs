//! Formations for CFA staff: each with its settings, variants and access codes (open or
//! closed), its calendrier and programme; a new formation; a new variant with its own code.

use crate::router::Redirect;
use api_types::{
    account::UserBody,
    formations::{
        ContactBody, FormationBody, FormationContactsBody, FormationRequest, VariantPatch,
        VariantRequest,
    },
};
use domain::{
    ContractType, MissionMode, Role,
    documents::DocumentKind,
    signature::{MAX_ORDER, SignaturePlan, SignerRole},
    workflow::ValidationMode,
};
use yew::prelude::*;

use crate::{
    api::{self, to_json},
    app::Route,
    components::{
        TextInput, bind,
        notice::{Notice, NoticeArea},
        value_of,
    },
    state::session::{SignedIn, use_signed_in},
};

#[component]
pub fn Formations() -> Html {
    let SignedIn { token, role, .. } = use_signed_in();
    let formations = use_state(|| None::<Vec<FormationBody>>);
    let words = use_state(String::new);
    let managers = use_state(Vec::<UserBody>::new);
    let notice = use_state(|| None::<Notice>);
    let refreshed = use_state(|| 0_u32);
    {
        let (formations, managers, notice, token) = (
            formations.clone(),
            managers.clone(),
            notice.clone(),
            token.clone(),
        );
        use_effect_with((*refreshed, token.clone()), move |_| {
            yew::platform::spawn_local(async move {
                let Some(token) = token else { return };
                if let Ok(users) = api::users(&token).await {
                    managers.set(
                        users
                            .into_iter()
                            .filter(|u| u.role == Role::Formation)
                            .collect(),
                    );
                }
                match api::formations::<FormationBody>(&token).await {
                    Ok(found) => formations.set(Some(found)),
                    Err(problem) => notice.set(Some(Notice::problem(&problem))),
                }
            });
        });
    }
    let Some(token) = token else {
        return html! { <Redirect to={Route::Home} /> };
    };
    if role != Some(Role::Cfa) {
        return crate::components::cfa_only("Formations");
    }
    let changed = {
        let (refreshed, notice) = (refreshed.clone(), notice.clone());
        Callback::from(move |message: Notice| {
            notice.set(Some(message));
            refreshed.set(*refreshed + 1);
        })
    };
    html! {
        <main id="contenu" class="page">
            <h1>{ "Formations et codes d'accès" }</h1>
            <NoticeArea notice={(*notice).clone()} />
            {
                match &*formations {
                    None => html! { <p aria-busy="true">{ "Chargement…" }</p> },
                    Some(list) => html! {
                        <>
                        <div class="champ">
                            <label for="formation-search">{ "Rechercher une formation" }</label>
                            <input id="formation-search" type="search" value={(*words).clone()} oninput={bind(&words)}
                                aria-describedby="formation-search-aide" data-testid="formation-search" />
                            <p class="aide" id="formation-search-aide">{ "Intitulé, établissement ou code d'accès." }</p>
                        </div>
                        <ul class="cartes" data-testid="formations">
                            { for list.iter().filter(|f| matches(f, &words)).map(|f| html! {
                                <FormationCard formation={f.clone()} managers={(*managers).clone()} token={token.clone()} on_change={changed.clone()} />
                            }) }
                        </ul>
                        </>
                    },
                }
            }
            <NewFormation token={token.clone()} on_change={changed} />
        </main>
    }
}

/// Whether a formation answers the words searched: its title, school or one of its codes.
fn matches(formation: &FormationBody, words: &str) -> bool {
    let wanted = words.trim().to_lowercase();
    wanted.is_empty()
        || std::iter::once(formation.settings.title.as_str())
            .chain(std::iter::once(formation.settings.school.as_str()))
            .chain(formation.variants.iter().map(|v| v.access_code.as_str()))
            .any(|text| text.to_lowercase().contains(&wanted))
}

#[derive(Properties, PartialEq)]
struct CardProps {
    formation: FormationBody,
    managers: Vec<UserBody>,
    token: String,
    on_change: Callback<Notice>,
}

#[component]
fn FormationCard(props: &CardProps) -> Html {
    let f = &props.formation;
    let code = use_state(String::new);
    let label = use_state(String::new);
    let notice = use_state(|| None::<Notice>);
    let toggle = |variant_id: String, open: bool| {
        let (token, formation_id, on_change, notice) = (
            props.token.clone(),
            f.id.clone(),
            props.on_change.clone(),
            notice.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let body = to_json(&VariantPatch {
                open: Some(!open),
                ..Default::default()
            });
            let (formation_id, variant_id) = (formation_id.clone(), variant_id.clone());
            let (token, on_change, notice) = (token.clone(), on_change.clone(), notice.clone());
            yew::platform::spawn_local(async move {
                match api::update_variant(&formation_id, &variant_id, &body, &token).await {
                    Ok(_) => on_change.emit(Notice::Success(if open {
                        "Code d'accès fermé.".into()
                    } else {
                        "Code d'accès ouvert.".into()
                    })),
                    Err(problem) => notice.set(Some(Notice::problem(&problem))),
                }
            });
        })
    };
    let add_variant = {
        let (code, label, notice) = (code.clone(), label.clone(), notice.clone());
        let (token, formation_id, on_change) =
            (props.token.clone(), f.id.clone(), props.on_change.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let body = to_json(&VariantRequest {
                access_code: code.trim().to_owned(),
                label: label.trim().to_owned(),
                start_date: None,
                end_date: None,
                open: true,
            });
            let (token, on_change, notice) = (token.clone(), on_change.clone(), notice.clone());
            let formation_id = formation_id.clone();
            yew::platform::spawn_local(async move {
                match api::create_variant(&formation_id, &body, &token).await {
                    Ok(_) => on_change.emit(Notice::Success("Variante créée.".into())),
                    Err(problem) => notice.set(Some(Notice::problem(&problem))),
                }
            });
        })
    };
    let prefix = format!("variante-{}", f.id);
    html! {
        <li class="carte" data-testid="formation">
            <h2>{ &f.settings.title }</h2>
            <p>{ format!("{} · du {} au {} · validation {} · mission {}",
                f.settings.school,
                domain::print::date_text(f.settings.start_date), domain::print::date_text(f.settings.end_date),
                if f.settings.validation_mode == ValidationMode::Automatic { "automatique" } else { "par le responsable" },
                match f.settings.mission { MissionMode::Hidden => "masquée", MissionMode::Optional => "facultative", MissionMode::Required => "obligatoire" }) }</p>
            <p>{ format!("Responsables : {}", if f.responsables.is_empty() { "aucun".to_owned() } else {
                f.responsables.iter().map(|r| format!("{} {}", r.first_name, r.last_name)).collect::<Vec<_>>().join(", ") }) }</p>
            <table>
                <caption>{ "Codes d'accès" }</caption>
                <thead><tr><th scope="col">{ "Code" }</th><th scope="col">{ "Variante" }</th><th scope="col">{ "État" }</th><th scope="col">{ "Action" }</th></tr></thead>
                <tbody>
                    { for f.variants.iter().map(|v| html! {
                        <tr data-testid={format!("variant-{}", v.access_code)}>
                            <td data-label="Code">{ &v.access_code }</td>
                            <td data-label="Variante">{ &v.label }</td>
                            <td data-label="État">{ if v.open { "ouvert" } else { "fermé" } }</td>
                            <td data-label="Action"><button type="button" class="secondaire" onclick={toggle(v.id.clone(), v.open)}>
                                { if v.open { "Fermer" } else { "Ouvrir" } }
                            </button></td>
                        </tr>
                    }) }
                </tbody>
            </table>
            // The card stays short: its settings open on demand.
            <details data-testid="formation-details">
                <summary>{ "Réglages, responsables, annexes et variantes" }</summary>
                <PeopleForm formation={f.clone()} managers={props.managers.clone()} token={props.token.clone()} on_change={props.on_change.clone()} />
                <crate::pages::annexes::Annexes formation={f.clone()} token={props.token.clone()} on_change={props.on_change.clone()} />
                <form onsubmit={add_variant} novalidate=true aria-label={format!("Nouvelle variante de {}", f.settings.title)}>
                    <TextInput id={format!("{prefix}-code")} label="Code d'accès de la variante" value={code} required=true help="Par exemple F724-3." />
                    <TextInput id={format!("{prefix}-libelle")} label="Libellé" value={label} required=true help="Par exemple « 3e année »." />
                    <NoticeArea notice={(*notice).clone()} />
                    <button type="submit">{ "Ajouter la variante" }</button>
                </form>
            </details>
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct NewProps {
    token: String,
    on_change: Callback<Notice>,
}

#[component]
fn NewFormation(props: &NewProps) -> Html {
    let title = use_state(String::new);
    let school = use_state(String::new);
    let diploma = use_state(String::new);
    let rncp = use_state(String::new);
    let start = use_state(String::new);
    let end = use_state(String::new);
    let hours = use_state(String::new);
    let code = use_state(String::new);
    let automatic = use_state(|| false);
    let mission = use_state(|| MissionMode::Optional);
    let notice = use_state(|| None::<Notice>);
    let onsubmit = {
        let states = (
            title.clone(),
            school.clone(),
            diploma.clone(),
            rncp.clone(),
            start.clone(),
            end.clone(),
            hours.clone(),
            code.clone(),
        );
        let (automatic, mission, notice) = (automatic.clone(), mission.clone(), notice.clone());
        let (token, on_change) = (props.token.clone(), props.on_change.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let (title, school, diploma, rncp, start, end, hours, code) = states.clone();
            let date = |s: &str| domain::values::parse_date(s).ok();
            let (Some(start_date), Some(end_date)) = (date(&start), date(&end)) else {
                return notice.set(Some(Notice::Error(
                    "Saisissez les dates de début et de fin de la formation.".into(),
                    Vec::new(),
                )));
            };
            let request = FormationRequest {
                title: title.trim().to_owned(),
                school: school.trim().to_owned(),
                diploma_code: diploma.trim().to_owned(),
                rncp: rncp.trim().to_owned(),
                start_date,
                end_date,
                hours: hours.trim().parse().unwrap_or(0),
                contract_types: vec![ContractType::Apprentissage],
                signature_plan: None,
                training_site: None,
                validation_mode: if *automatic {
                    ValidationMode::Automatic
                } else {
                    ValidationMode::Manual
                },
                mission: *mission,
                responsable_ids: Vec::new(),
                contacts: FormationContactsBody::default(),
            };
            let (token, on_change, notice) = (token.clone(), on_change.clone(), notice.clone());
            let code = code.trim().to_owned();
            yew::platform::spawn_local(async move {
                let created = api::create_formation(&request, &token).await;
                let created = match created {
                    Ok(created) => created,
                    Err(problem) => return notice.set(Some(Notice::problem(&problem))),
                };
                if !code.is_empty() {
                    let body = to_json(&VariantRequest {
                        access_code: code,
                        label: "Formation".into(),
                        start_date: None,
                        end_date: None,
                        open: true,
                    });
                    if let Err(problem) = api::create_variant(&created.id, &body, &token).await {
                        return notice.set(Some(Notice::problem(&problem)));
                    }
                }
                on_change.emit(Notice::Success(format!(
                    "Formation « {} » créée.",
                    created.settings.title
                )));
            });
        })
    };
    html! {
        <section class="carte" aria-labelledby="titre-nouvelle">
            <h2 id="titre-nouvelle">{ "Nouvelle formation" }</h2>
            <form onsubmit={onsubmit} novalidate=true>
                <TextInput id="formation-title" label="Intitulé" value={title} required=true />
                <TextInput id="formation-school" label="École" value={school} required=true />
                <TextInput id="formation-diploma" label="Code diplôme" value={diploma} required=true />
                <TextInput id="formation-rncp" label="Code RNCP" value={rncp} required=true />
                <TextInput id="formation-start" label="Début de la formation" kind="date" value={start} required=true />
                <TextInput id="formation-end" label="Fin de la formation" kind="date" value={end} required=true />
                <TextInput id="formation-hours" label="Durée (heures)" value={hours} required=true />
                <TextInput id="formation-code" label="Code d'accès" value={code} help="Par exemple F730 ; d'autres variantes peuvent être ajoutées ensuite." />
                <div class="champ">
                    <label for="formation-mission">{ "Onglet « La mission »" }</label>
                    <select id="formation-mission" onchange={{ let mission = mission.clone(); Callback::from(move |e: Event| mission.set(match value_of(&e).as_str() { "hidden" => MissionMode::Hidden, "required" => MissionMode::Required, _ => MissionMode::Optional })) }}>
                        <option value="optional">{ "Facultatif" }</option>
                        <option value="required">{ "Obligatoire" }</option>
                        <option value="hidden">{ "Masqué" }</option>
                    </select>
                </div>
                <div class="champ case">
                    <input id="formation-auto" type="checkbox" checked={*automatic}
                        onchange={{ let automatic = automatic.clone(); Callback::from(move |e: Event| automatic.set(crate::components::checked_of(&e))) }} />
                    <label for="formation-auto">{ "La demande de validation valide le dossier immédiatement" }</label>
                </div>
                <NoticeArea notice={(*notice).clone()} />
                <button type="submit" data-testid="formation-create">{ "Créer la formation" }</button>
            </form>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct PeopleProps {
    formation: FormationBody,
    managers: Vec<UserBody>,
    token: String,
    on_change: Callback<Notice>,
}

/// The formation's responsables (who validate, and are e-mailed the requests) and the contacts
/// its dossiers show (user guide A.15).
#[component]
fn PeopleForm(props: &PeopleProps) -> Html {
    let settings = &props.formation.settings;
    let chosen = use_state(|| settings.responsable_ids.clone());
    // The formation's rules: « La mission » and what « Demande de validation » does (user
    // guides B.13, B.15).
    let mission = use_state(|| settings.mission);
    let automatic = use_state(|| settings.validation_mode == ValidationMode::Automatic);
    let contact = |c: &Option<ContactBody>| {
        let c = c.clone().unwrap_or(ContactBody {
            name: String::new(),
            email: String::new(),
            phone: None,
        });
        (c.name, c.email, c.phone.unwrap_or_default())
    };
    let initial = [
        contact(&settings.contacts.apprentissage),
        contact(&settings.contacts.professionnalisation),
        contact(&settings.contacts.school),
    ];
    let contacts = use_state(|| initial);
    let site = use_state(|| site_of(settings.training_site.as_ref()));
    let own_plan = use_state(|| settings.signature_plan.is_some());
    let plan = use_state(|| settings.signature_plan.clone().unwrap_or_default());
    let reminders = use_state(|| days_text(&plan.reminder_days));
    let notice = use_state(|| None::<Notice>);
    let id = props.formation.id.clone();
    let toggle = |user_id: String| {
        let chosen = chosen.clone();
        Callback::from(move |event: Event| {
            let mut next = (*chosen).clone();
            next.retain(|c| *c != user_id);
            if crate::components::checked_of(&event) {
                next.push(user_id.clone());
            }
            chosen.set(next);
        })
    };
    let edit = |which: usize, part: usize| {
        let contacts = contacts.clone();
        Callback::from(move |event: InputEvent| {
            let mut next = (*contacts).clone();
            let value = crate::components::value_of(&event);
            match part {
                0 => next[which].0 = value,
                1 => next[which].1 = value,
                _ => next[which].2 = value,
            }
            contacts.set(next);
        })
    };
    let onsubmit = {
        let (chosen, contacts, notice) = (chosen.clone(), contacts.clone(), notice.clone());
        let (mission, automatic) = (mission.clone(), automatic.clone());
        let (own_plan, plan, reminders) = (own_plan.clone(), plan.clone(), reminders.clone());
        let site = site.clone();
        let (settings, token, on_change, id) = (
            settings.clone(),
            props.token.clone(),
            props.on_change.clone(),
            id.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let to_contact = |(name, email, phone): &(String, String, String)| {
                (!name.trim().is_empty() || !email.trim().is_empty()).then(|| ContactBody {
                    name: name.trim().to_owned(),
                    email: email.trim().to_owned(),
                    phone: (!phone.trim().is_empty()).then(|| phone.trim().to_owned()),
                })
            };
            let signature_plan = if *own_plan {
                let Some(reminder_days) = days_of(&reminders) else {
                    return notice.set(Some(Notice::Error(
                        "Relances : indiquez des nombres de jours séparés par des virgules (« 3, 7 »)."
                            .into(),
                        Vec::new(),
                    )));
                };
                Some(SignaturePlan {
                    reminder_days,
                    ..(*plan).clone()
                })
            } else {
                None
            };
            let request = FormationRequest {
                signature_plan,
                mission: *mission,
                validation_mode: if *automatic {
                    ValidationMode::Automatic
                } else {
                    ValidationMode::Manual
                },
                responsable_ids: (*chosen).clone(),
                training_site: site_block(&site),
                contacts: FormationContactsBody {
                    apprentissage: to_contact(&contacts[0]),
                    professionnalisation: to_contact(&contacts[1]),
                    school: to_contact(&contacts[2]),
                },
                ..settings.clone()
            };
            let (token, on_change, notice) = (token.clone(), on_change.clone(), notice.clone());
            let id = id.clone();
            yew::platform::spawn_local(async move {
                match api::update_formation(&id, &request, &token).await {
                    Ok(_) => on_change.emit(Notice::Success(
                        "Réglages, responsables et contacts enregistrés.".into(),
                    )),
                    Err(problem) => notice.set(Some(Notice::problem(&problem))),
                }
            });
        })
    };
    let labels = [
        "Contact CFA – contrats d'apprentissage",
        "Contact CFA – contrats de professionnalisation",
        "Contact de l'école",
    ];
    html! {
        <form onsubmit={onsubmit} novalidate=true aria-label={format!("Réglages, responsables et contacts de {}", settings.title)}>
            <fieldset>
                <legend>{ "Réglages" }</legend>
                <div class="champ">
                    <label for={format!("mission-{id}")}>{ "Onglet « La mission »" }</label>
                    <select id={format!("mission-{id}")} data-testid="formation-mission"
                        onchange={{ let mission = mission.clone(); Callback::from(move |e: Event| mission.set(match crate::components::value_of(&e).as_str() {
                            "hidden" => MissionMode::Hidden, "required" => MissionMode::Required, _ => MissionMode::Optional })) }}>
                        <option value="optional" selected={*mission == MissionMode::Optional}>{ "Facultatif" }</option>
                        <option value="required" selected={*mission == MissionMode::Required}>{ "Obligatoire" }</option>
                        <option value="hidden" selected={*mission == MissionMode::Hidden}>{ "Masqué" }</option>
                    </select>
                </div>
                { tick(format!("auto-{id}"), "La demande de validation valide le dossier immédiatement", &automatic) }
            </fieldset>
            { site_fields(&id, &site) }
            <fieldset>
                <legend>{ "Responsables de la formation" }</legend>
                if props.managers.is_empty() {
                    <p class="aide">{ "Aucun compte « responsable de formation » : créez-en un dans « Comptes »." }</p>
                }
                { for props.managers.iter().map(|m| {
                    let box_id = format!("resp-{id}-{}", m.id);
                    html! {
                        <div class="champ case">
                            <input id={box_id.clone()} type="checkbox" checked={chosen.contains(&m.id)} onchange={toggle(m.id.clone())} />
                            <label for={box_id}>{ format!("{} {} ({})", m.first_name, m.last_name, m.email) }</label>
                        </div>
                    }
                }) }
            </fieldset>
            { for labels.iter().enumerate().map(|(which, label)| {
                let prefix = format!("contact-{id}-{which}");
                html! {
                    <fieldset>
                        <legend>{ *label }</legend>
                        <div class="champ"><label for={format!("{prefix}-nom")}>{ "Nom" }</label>
                            <input id={format!("{prefix}-nom")} value={contacts[which].0.clone()} oninput={edit(which, 0)} /></div>
                        <div class="champ"><label for={format!("{prefix}-courriel")}>{ "Courriel" }</label>
                            <input id={format!("{prefix}-courriel")} type="email" value={contacts[which].1.clone()} oninput={edit(which, 1)} /></div>
                        <div class="champ"><label for={format!("{prefix}-tel")}>{ "Téléphone" }</label>
                            <input id={format!("{prefix}-tel")} type="tel" value={contacts[which].2.clone()} oninput={edit(which, 2)} /></div>
                    </fieldset>
                }
            }) }
            { plan_fields(&id, &own_plan, &plan, &reminders) }
            <NoticeArea notice={(*notice).clone()} />
            <button type="submit" class="secondaire">{ "Enregistrer réglages, responsables et contacts" }</button>
        </form>
    }
}

/// The fields of another establishment teaching the formation, within the dossiers'
/// `etablissementFormation` block (the repetition index, a code, stays the dossier's).
const SITE_KEYS: [&str; 7] = [
    "denomination",
    "uaiCfa",
    "siret",
    "adresse.numero",
    "adresse.voie",
    "adresse.codePostal",
    "adresse.commune",
];

/// A formation's main place of training as the form holds it: « cfa », « autre » or « » (each
/// dossier says), and the other establishment's fields in [`SITE_KEYS`]' order.
type SiteForm = (String, [String; 7]);

fn site_of(block: Option<&serde_json::Value>) -> SiteForm {
    let block = block.cloned().unwrap_or_default();
    let mode = match block.get("memeResponsable") {
        Some(serde_json::Value::Bool(true)) => "cfa",
        Some(serde_json::Value::Bool(false)) => "autre",
        _ => "",
    };
    let text = |key: &str| {
        domain::evaluation::lookup(&block, key)
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    (mode.to_owned(), SITE_KEYS.map(text))
}

/// The block the server checks, as a dossier holds it.
fn site_block((mode, values): &SiteForm) -> Option<serde_json::Value> {
    let mut block = serde_json::json!({ "memeResponsable": mode == "cfa" });
    if mode == "autre" {
        for (key, value) in SITE_KEYS
            .iter()
            .zip(values)
            .filter(|(_, v)| !v.trim().is_empty())
        {
            let value = serde_json::Value::String(value.trim().to_owned());
            match key.split_once('.') {
                Some((_, inner)) => block["adresse"][inner] = value,
                None => block[*key] = value,
            }
        }
    }
    (!mode.is_empty()).then_some(block)
}

/// « Lieu de formation principal », which the formation's new dossiers start with.
fn site_fields(id: &str, site: &UseStateHandle<SiteForm>) -> Html {
    let select_id = format!("site-{id}");
    let on_mode = {
        let site = site.clone();
        Callback::from(move |e: Event| {
            site.set((crate::components::value_of(&e), site.1.clone()));
        })
    };
    let edit = |at: usize| {
        let site = site.clone();
        Callback::from(move |e: InputEvent| {
            let mut values = site.1.clone();
            values[at] = crate::components::value_of(&e);
            site.set((site.0.clone(), values));
        })
    };
    html! {
        <fieldset>
            <legend>{ "Lieu de formation principal" }</legend>
            <div class="champ">
                <label for={select_id.clone()}>{ "Repris dans les nouveaux dossiers" }</label>
                <select id={select_id} data-testid="formation-site" onchange={on_mode}>
                    <option value="" selected={site.0.is_empty()}>{ "Non précisé : chaque dossier le renseigne" }</option>
                    <option value="cfa" selected={site.0 == "cfa"}>{ "Le CFA responsable" }</option>
                    <option value="autre" selected={site.0 == "autre"}>{ "Un autre établissement" }</option>
                </select>
            </div>
            if site.0 == "autre" {
                { for SITE_KEYS.iter().enumerate().map(|(at, key)| {
                    let field_id = format!("site-{id}-{}", key.replace('.', "-"));
                    let label = crate::state::label_of(&format!("training_site.{key}"));
                    html! {
                        <div class="champ"><label for={field_id.clone()}>{ label }</label>
                            <input id={field_id} value={site.1[at].clone()} oninput={edit(at)} /></div>
                    }
                }) }
            }
        </fieldset>
    }
}

/// « Circuit de signature »: the default, or the formation's own turns, the apprentice's and the
/// legal representative's signature of the convention, and the reminders (issue 17). The
/// signatures the law requires are shown, not offered: the server refuses a plan without them.
fn plan_fields(
    id: &str,
    own_plan: &UseStateHandle<bool>,
    plan: &UseStateHandle<SignaturePlan>,
    reminders: &UseStateHandle<String>,
) -> Html {
    let summary = |p: &SignaturePlan| {
        p.signers
            .iter()
            .map(|s| format!("{}. {}", s.order, s.role.label()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let default = SignaturePlan::default();
    let edit = |role: SignerRole, change: fn(&mut domain::signature::PlannedSigner, &Event)| {
        let plan = plan.clone();
        Callback::from(move |event: Event| {
            let mut next = (*plan).clone();
            if let Some(signer) = next.signers.iter_mut().find(|s| s.role == role) {
                change(signer, &event);
            }
            plan.set(next);
        })
    };
    let rows = plan.signers.iter().map(|signer| {
        let role = signer.role;
        let order_id = format!("ordre-{id}-{}", role.key());
        let optional_convention = matches!(role, SignerRole::Alternant | SignerRole::RepresentantLegal);
        let signs_convention = signer.documents.contains(&DocumentKind::Convention);
        let convention_id = format!("convention-{id}-{}", role.key());
        html! {
            <div class="champ" data-testid={format!("plan-{}", role.key())}>
                <label for={order_id.clone()}>{ format!("{} — tour", role.label()) }</label>
                <select id={order_id} onchange={edit(role, |s, e| s.order = value_of(e).parse().unwrap_or(s.order))}>
                    { for (1..=MAX_ORDER).map(|n| html! { <option value={n.to_string()} selected={signer.order == n}>{ n }</option> }) }
                </select>
                if optional_convention {
                    <span class="case">
                        <input id={convention_id.clone()} type="checkbox" checked={signs_convention}
                            onchange={edit(role, |s, e| {
                                s.documents.retain(|d| *d == DocumentKind::Cerfa);
                                if crate::components::checked_of(e) { s.documents.push(DocumentKind::Convention) }
                            })} />
                        <label for={convention_id}>{ "signe aussi la convention" }</label>
                    </span>
                } else {
                    <p class="aide">{ "Signe le CERFA et la convention." }</p>
                }
            </div>
        }
    });
    let on_reminders = {
        let reminders = reminders.clone();
        Callback::from(move |e: InputEvent| reminders.set(crate::components::value_of(&e)))
    };
    html! {
        <fieldset data-testid="signature-plan">
            <legend>{ "Circuit de signature" }</legend>
            { tick(format!("plan-{id}"), "Circuit propre à cette formation", own_plan) }
            if **own_plan {
                <p class="aide">{ "Un même tour signe en parallèle ; le représentant légal ne signe que pour un mineur non émancipé. Les circuits déjà envoyés gardent leur ordre." }</p>
                { for rows }
                <div class="champ">
                    <label for={format!("relances-{id}")}>{ "Relances (jours après le tour du signataire)" }</label>
                    <input id={format!("relances-{id}")} inputmode="numeric" value={(**reminders).clone()} oninput={on_reminders} />
                </div>
            } else {
                <p class="aide">{ format!("Circuit par défaut : {} ; relances après {} jours.", summary(&default), days_text(&default.reminder_days)) }</p>
            }
        </fieldset>
    }
}

/// Reminder days as typed: « 3, 7 ».
fn days_text(days: &[u32]) -> String {
    days.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reminder days from what was typed; `None` if a part is not a number.
fn days_of(typed: &str) -> Option<Vec<u32>> {
    typed
        .split([',', ';', ' '])
        .filter(|part| !part.trim().is_empty())
        .map(|part| part.trim().parse().ok())
        .collect()
}

/// A labelled checkbox bound to a state.
fn tick(id: String, label: &'static str, state: &UseStateHandle<bool>) -> Html {
    let onchange = {
        let state = state.clone();
        Callback::from(move |e: Event| state.set(crate::components::checked_of(&e)))
    };
    html! {
        <div class="champ case">
            <input id={id.clone()} type="checkbox" checked={**state} onchange={onchange} />
            <label for={id}>{ label }</label>
        </div>
    }
}
