//! A data tab: its fields section by section, drawn from the catalogue, writable as
//! `domain::access` says.

use domain::{
    FIELDS, FieldDef, FieldId, NiveauSaisie, Role, Status, Tab,
    access::{self, may_write_field},
};
use serde_json::Value as Json;
use yew::prelude::*;

use super::remuneration::{RemunerationEditor, remuneration};
use crate::{components::field::Field, state::dossier::DossierState};

#[derive(Properties, PartialEq)]
pub(super) struct DataTabProps {
    pub(super) tab: Tab,
    pub(super) state: DossierState,
    pub(super) role: Role,
    /// While a save is under way the fields wait: what is typed meanwhile would be lost.
    pub(super) saving: bool,
    pub(super) on_edit: Callback<(&'static str, Json)>,
    pub(super) on_niveau: Callback<Event>,
}

/// The fields of one tab, section by section.
#[component]
pub(super) fn DataTab(props: &DataTabProps) -> Html {
    let state = &props.state;
    let status = Status::from_key(&state.saved.status).unwrap_or(Status::Draft);
    // The same rule the server applies to every field of a patch.
    let access_state = access::DossierState {
        status,
        company_contact_joined: state.saved.permissions.company_contact_joined,
    };
    let tab_evaluation = state.evaluation.tabs.get(props.tab);
    // A field of another tab that this one needs too (the SIRET and the company contact on
    // L'employeur) is drawn on both.
    let fields: Vec<&'static FieldDef> = FIELDS
        .iter()
        .filter(|f| f.tab == props.tab || f.also_on == Some(props.tab))
        .collect();
    // A.8: without an employer yet, L'employeur asks for one before anything else.
    let employer_found =
        domain::evaluation::lookup(&state.content, FieldId::EmployeurTrouve.def().key)
            != Some(&Json::Bool(false));
    // Only who answers the question (the apprentice) is asked it; anyone else with the tab open
    // (an employer invited before the box was unticked, staff) sees its fields.
    let asks_employer = may_write_field(props.role, FieldId::EmployeurTrouve.def(), access_state);
    let found_writable = !props.saving && asks_employer;
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
    let formation_dates_writable = !props.saving
        && [FieldId::FormationDateDebut, FieldId::FormationDateFin]
            .into_iter()
            .all(|id| may_write_field(props.role, id.def(), access_state));
    let use_formation_dates = {
        let on_edit = props.on_edit.clone();
        let (start, end) = (
            state.saved.formation.start_date,
            state.saved.formation.end_date,
        );
        Callback::from(move |_: MouseEvent| {
            for (id, date) in [
                (FieldId::FormationDateDebut, start),
                (FieldId::FormationDateFin, end),
            ] {
                on_edit.emit((id.def().key, Json::String(date.to_string())));
            }
        })
    };
    html! {
        <div class="onglet" data-testid={format!("panel-{}", props.tab.key())}>
            <h2>
                { props.tab.label() }
                if tab_evaluation.complete { <span class="coche">{ " ✓ complet" }</span> }
            </h2>
            if props.tab == Tab::Mission {
                // B.13: the formation decides whether the mission is needed; the tab says which.
                <p class="message info" data-testid="mission-mode">
                    { if tab_evaluation.required {
                        "Onglet obligatoire pour cette formation : décrivez la mission confiée à l'alternant(e) avant de demander la validation."
                    } else {
                        "Onglet facultatif pour cette formation : vous pouvez décrire la mission, le dossier est complet sans elle."
                    } }
                </p>
            }
            if !tab_evaluation.complete && tab_evaluation.required {
                <p class="aide">{ "Les champs sur fond vert sont à compléter ; ceux marqués d'un astérisque rouge sont obligatoires." }</p>
            }
            if props.tab == Tab::Base {
                <div class="champ">
                    <label for="niveau-saisie">{ "Niveau de saisie" }</label>
                    <select id="niveau-saisie" onchange={props.on_niveau.clone()} disabled={!niveau_writable} data-testid="niveau_saisie">
                        <option value="complete" selected={state.niveau_saisie == NiveauSaisie::Complete}>{ "Saisie complète" }</option>
                        <option value="simple" selected={state.niveau_saisie == NiveauSaisie::Simple}>{ "Saisie simple (CERFA déjà établi hors de la plateforme)" }</option>
                    </select>
                    if state.niveau_saisie == NiveauSaisie::Simple {
                        // B.9: what changes is said, not only done.
                        <p class="message info" data-testid="saisie-simple">
                            { "Saisie simple : le CERFA a été établi hors de la plateforme. Seuls les champs utiles à la convention de formation sont demandés ; vous déposerez le CERFA signé dans « Suivi – Info »." }
                        </p>
                    } else {
                        <p class="aide">{ "Gardez « Saisie complète » si le contrat n'a pas encore été établi." }</p>
                    }
                </div>
            }
            if props.tab == Tab::Employeur && !employer_found && asks_employer {
                <EmployerFoundStep writable={found_writable} on_edit={props.on_edit.clone()} />
            } else {
            { for sections.iter().map(|section| html! {
                <fieldset>
                    <legend>{ *section }</legend>
                    { for fields.iter().filter(|f| f.section == *section).map(|def| {
                        if def.id == FieldId::EmployeurTrouve {
                            return html! {
                                <EmployerFoundBox found={employer_found} writable={found_writable} on_edit={props.on_edit.clone()} />
                            };
                        }
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
            }
            if props.tab == Tab::Contrat && formation_dates_writable {
                // B.10: the formation's dates in one click, when they are those of the contract's training.
                <p>
                    <button type="button" class="secondaire" onclick={use_formation_dates} data-testid="formation-dates">
                        { format!("Reprendre les dates de la formation (du {} au {})",
                            domain::print::date_text(state.saved.formation.start_date),
                            domain::print::date_text(state.saved.formation.end_date)) }
                    </button>
                </p>
            }
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
struct EmployerFoundProps {
    #[prop_or_default]
    found: bool,
    writable: bool,
    on_edit: Callback<(&'static str, Json)>,
}

/// « J'ai trouvé un employeur » on Données de base: a box, ticked until the apprentice says
/// otherwise (the field is empty until then, which counts as found).
#[component]
fn EmployerFoundBox(props: &EmployerFoundProps) -> Html {
    let def = FieldId::EmployeurTrouve.def();
    let onchange = {
        let on_edit = props.on_edit.clone();
        Callback::from(move |event: Event| {
            on_edit.emit((def.key, Json::Bool(crate::components::checked_of(&event))));
        })
    };
    html! {
        <div class="champ case" data-field={def.key}>
            <input id="employeur-trouve" type="checkbox" checked={props.found} onchange={onchange}
                disabled={!props.writable} aria-describedby="employeur-trouve-aide" data-testid={def.key} />
            <label for="employeur-trouve">{ def.label }</label>
            <p class="aide" id="employeur-trouve-aide">{ def.help }</p>
        </div>
    }
}

/// A.8: L'employeur of an apprentice who had no employer: tick « J'ai trouvé un employeur »,
/// then « Poursuivre » asks for the SIRET and the company contact's address.
#[component]
fn EmployerFoundStep(props: &EmployerFoundProps) -> Html {
    let ticked = use_state(|| false);
    let def = FieldId::EmployeurTrouve.def();
    let on_tick = {
        let ticked = ticked.clone();
        Callback::from(move |event: Event| ticked.set(crate::components::checked_of(&event)))
    };
    let on_continue = {
        let on_edit = props.on_edit.clone();
        Callback::from(move |_: MouseEvent| on_edit.emit((def.key, Json::Bool(true))))
    };
    html! {
        <section class="carte" data-testid="employer-found">
            <p>{ "Vous n'avez pas encore indiqué d'employeur. Quand vous en avez trouvé un, cochez la case puis poursuivez : vous donnerez son SIRET et le courriel de votre contact dans l'entreprise, qui recevra ses identifiants pour remplir « L'employeur » et « Le contrat »." }</p>
            <div class="champ case">
                <input id="employeur-trouve-etape" type="checkbox" checked={*ticked} onchange={on_tick}
                    disabled={!props.writable} data-testid="employer-found-box" />
                <label for="employeur-trouve-etape">{ def.label }</label>
            </div>
            <button type="button" onclick={on_continue} disabled={!*ticked || !props.writable}
                data-testid="employer-found-continue">{ "Poursuivre" }</button>
        </section>
    }
}
