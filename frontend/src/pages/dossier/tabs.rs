//! A data tab: its fields section by section, drawn from the catalogue, writable as
//! `domain::access` says.

use domain::{
    FIELDS, FieldDef, NiveauSaisie, Role, Status, Tab,
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
