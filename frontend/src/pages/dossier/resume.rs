//! « Résumé » and « Vie de l'étudiant »: what was entered, to check, and the CFA's
//! information for apprentices.

use domain::{FIELDS, FieldDef, Tab};
use serde_json::Value as Json;
use yew::prelude::*;

use super::remuneration::remuneration;
use crate::state::dossier::DossierState;

/// « Résumé »: everything entered, tab by tab, to check before asking for validation.
pub(super) fn resume(state: &DossierState) -> Html {
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

/// A value as the recap shows it: a code by its label (a département with its number), a date
/// as `14/09/2026`, an amount as `9 000,00 €`.
pub(super) fn display(field: &FieldDef, value: Option<&Json>) -> String {
    match (field.kind, value) {
        (_, None | Some(Json::Null)) => "—".into(),
        (_, Some(Json::Bool(true))) => "Oui".into(),
        (_, Some(Json::Bool(false))) => "Non".into(),
        (domain::Kind::Code { list }, Some(Json::String(code))) => list
            .entries(domain::codes::CerfaVersion::default())
            .iter()
            .find(|e| e.code == code)
            .map_or(code.clone(), |e| {
                if list == domain::codes::CodeList::Departement {
                    format!("{} – {}", e.code, e.label)
                } else {
                    e.label.to_owned()
                }
            }),
        (domain::Kind::Date, Some(Json::String(date))) => {
            domain::values::parse_date(date).map_or(date.clone(), domain::print::date_text)
        }
        (domain::Kind::Amount, Some(Json::Number(n))) => euros(n),
        (domain::Kind::Phone, Some(Json::String(phone))) => domain::print::phone_text(phone),
        (_, Some(Json::String(text))) => text.clone(),
        (_, Some(Json::Number(n))) => n.to_string(),
        (_, Some(Json::Array(items))) => lines(items.len()),
        (_, Some(other)) => other.to_string(),
    }
}

/// A value of the history, as users read it: a field of the dossier as the recap shows it, an
/// economic element as an amount, a count or yes/no, the niveau de saisie by its name.
pub(super) fn readable(key: &str, value: Option<&Json>) -> String {
    if let Some(field) = FieldDef::by_key(key) {
        return display(field, value);
    }
    match (key, value) {
        (_, None | Some(Json::Null)) => "—".into(),
        ("niveau_saisie", Some(Json::String(niveau))) => match niveau.as_str() {
            "simple" => "Saisie simple".into(),
            _ => "Saisie complète".into(),
        },
        ("economics.repas" | "economics.nuitees", Some(Json::Number(n))) => n.to_string(),
        ("economics.opco", Some(Json::String(opco))) => domain::economics::OPCOS
            .iter()
            .find(|o| o.key == opco)
            .map_or(opco.clone(), |o| o.label.to_owned()),
        (_, Some(Json::Number(n))) if key.starts_with("economics.") => euros(n),
        (_, Some(Json::Bool(true))) => "Oui".into(),
        (_, Some(Json::Bool(false))) => "Non".into(),
        (_, Some(Json::String(text))) => text.clone(),
        (_, Some(Json::Array(items))) => lines(items.len()),
        (_, Some(other)) => other.to_string(),
    }
}

fn euros(n: &serde_json::Number) -> String {
    n.as_f64().map_or_else(|| n.to_string(), amount)
}

/// An amount in euros as `9 000,00 €`.
pub(super) fn amount(euros: f64) -> String {
    domain::print::amount_text((euros * 100.0).round() as i64)
}

fn lines(count: usize) -> String {
    crate::components::count(
        count as u64,
        "ligne de rémunération",
        "lignes de rémunération",
    )
}

pub(super) fn vie_etudiant() -> Html {
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
