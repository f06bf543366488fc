//! The remuneration lines: the employer's rates above the legal minimum, and the minimum
//! itself as the contract data are typed.

use domain::Tab;
use serde_json::Value as Json;
use yew::prelude::*;

use crate::state::dossier::DossierState;

#[derive(Properties, PartialEq)]
pub(super) struct RemunerationEditorProps {
    pub(super) state: DossierState,
    pub(super) writable: bool,
    pub(super) onchange: Callback<(&'static str, Json)>,
}

/// « Rémunération par année et par période »: one rate a line of the CERFA, at least the legal
/// minimum, which is offered as the starting value.
#[component]
pub(super) fn RemunerationEditor(props: &RemunerationEditorProps) -> Html {
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
                                    line.line, domain::print::date_text(line.start), domain::print::date_text(line.end),
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
pub(super) fn remuneration(state: &DossierState) -> Html {
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
                                <td data-label="Ligne">{ &line.line }</td>
                                <td data-label="Du">{ domain::print::date_text(line.start) }</td>
                                <td data-label="Au">{ domain::print::date_text(line.end) }</td>
                                <td data-label="Âge">{ line.age }</td>
                                <td data-label="Taux">{ format!("{} % du {}", line.rate, line.basis.code()) }</td>
                                <td data-label="Minimum mensuel">{ line.monthly_minimum.map(domain::print::amount_text).unwrap_or_else(|| "—".into()) }</td>
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
