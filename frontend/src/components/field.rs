//! One field of a tab, drawn from the catalogue and painted by the evaluation: green while
//! required and empty or invalid — with words saying so, colour is never the only signal —,
//! plain once validly filled; a red asterisk when required.

use domain::{
    FieldDef, Kind,
    codes::CerfaVersion,
    evaluation::{FieldEvaluation, FieldStatus},
};
use serde_json::Value as Json;
use yew::prelude::*;

use super::{checked_of, value_of};

#[derive(Properties, PartialEq)]
pub struct FieldProps {
    pub def: &'static FieldDef,
    pub value: Option<Json>,
    pub evaluation: FieldEvaluation,
    /// Why the value is refused, when it is.
    pub issue: Option<String>,
    pub writable: bool,
    pub onchange: Callback<(&'static str, Json)>,
}

/// What the typed text becomes in the content: nothing for blank text, a number when the kind
/// wants one and it reads as one, the text otherwise (the rules then say why it is refused).
pub fn typed_value(kind: Kind, text: &str) -> Json {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Json::Null;
    }
    match kind {
        Kind::Integer { .. } => trimmed
            .parse::<i64>()
            .map_or_else(|_| Json::String(text.to_owned()), Json::from),
        Kind::Amount => {
            let normal = trimmed.replace(',', ".").replace([' ', '\u{202f}'], "");
            normal
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map_or_else(|| Json::String(text.to_owned()), Json::Number)
        }
        _ => Json::String(text.to_owned()),
    }
}

fn shown_text(value: &Option<Json>) -> String {
    match value {
        Some(Json::String(s)) => s.clone(),
        Some(Json::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

#[component]
pub fn Field(props: &FieldProps) -> Html {
    let def = props.def;
    if props.evaluation.status == FieldStatus::Hidden || matches!(def.kind, Kind::RemunerationLines)
    {
        return Html::default();
    }
    let id = field_id(def.key);
    let help_id = format!("{id}-aide");
    let state_id = format!("{id}-etat");
    let label = props.evaluation.label.unwrap_or(def.label);
    let help = props.evaluation.help.unwrap_or(def.help);
    // Two states, two looks: required and empty is painted green, as the guides say; a value
    // refused is an error, in red with its reason. Both are described to assistive technology.
    let marked = props.evaluation.is_green();
    let invalid = props.evaluation.status == FieldStatus::Invalid;
    let green = marked && !invalid;
    let key = def.key;
    let kind = def.kind;
    let onchange = props.onchange.clone();
    let on_text = Callback::from(move |event: InputEvent| {
        onchange.emit((key, typed_value(kind, &value_of(&event))));
    });
    let onchange = props.onchange.clone();
    let on_select = Callback::from(move |event: Event| {
        let chosen = value_of(&event);
        let value = match (kind, chosen.as_str()) {
            (_, "") => Json::Null,
            (Kind::Bool, "true") => Json::Bool(true),
            (Kind::Bool, "false") => Json::Bool(false),
            _ => Json::String(chosen),
        };
        onchange.emit((key, value));
    });
    let onchange = props.onchange.clone();
    let on_tick = Callback::from(move |event: Event| {
        onchange.emit((
            key,
            if checked_of(&event) {
                Json::Bool(true)
            } else {
                Json::Null
            },
        ));
    });
    let described = [
        (!help.is_empty()).then(|| help_id.clone()),
        marked.then(|| state_id.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let described = (!described.is_empty()).then_some(described);
    let disabled = !props.writable;
    let text = shown_text(&props.value);
    let input = match def.kind {
        Kind::Bool => {
            let current = props.value.as_ref().and_then(Json::as_bool);
            html! {
                <select id={id.clone()} onchange={on_select} disabled={disabled}
                    aria-invalid={invalid.to_string()} aria-describedby={described.clone()} data-testid={def.key}>
                    <option value="" selected={current.is_none()}>{ "—" }</option>
                    <option value="true" selected={current == Some(true)}>{ "Oui" }</option>
                    <option value="false" selected={current == Some(false)}>{ "Non" }</option>
                </select>
            }
        }
        Kind::Tick => html! {
            <input id={id.clone()} type="checkbox" onchange={on_tick} disabled={disabled}
                checked={props.value.as_ref().and_then(Json::as_bool) == Some(true)}
                aria-invalid={invalid.to_string()} aria-describedby={described.clone()} data-testid={def.key} />
        },
        Kind::Code { list } => {
            let entries = list.entries(CerfaVersion::default());
            html! {
                <select id={id.clone()} onchange={on_select} disabled={disabled}
                    aria-invalid={invalid.to_string()} aria-describedby={described.clone()} data-testid={def.key}>
                    <option value="" selected={text.is_empty()}>{ "— Choisir —" }</option>
                    { for entries.iter().map(|entry| html! {
                        <option value={entry.code} selected={text == entry.code}>
                            // Users choose by label; a département also by its number.
                            if list == domain::codes::CodeList::Departement {
                                { format!("{} – {}", entry.code, entry.label) }
                            } else {
                                { entry.label }
                            }
                        </option>
                    }) }
                </select>
            }
        }
        Kind::LongText { max } => html! {
            <textarea id={id.clone()} oninput={on_text} disabled={disabled} maxlength={max.to_string()}
                value={text} rows="4"
                aria-invalid={invalid.to_string()} aria-describedby={described.clone()} data-testid={def.key} />
        },
        _ => {
            let (input_type, mode) = match def.kind {
                Kind::Date => ("date", None),
                Kind::Email => ("email", None),
                Kind::Phone => ("tel", None),
                Kind::Integer { .. }
                | Kind::Amount
                | Kind::PostalCode
                | Kind::Siret
                | Kind::StreetNumber => ("text", Some("decimal")),
                _ => ("text", None),
            };
            let max = match def.kind {
                Kind::Text { max } => Some(max.to_string()),
                _ => None,
            };
            html! {
                <input id={id.clone()} type={input_type} inputmode={mode} oninput={on_text} disabled={disabled}
                    value={text} maxlength={max}
                    aria-invalid={invalid.to_string()} aria-describedby={described.clone()} data-testid={def.key} />
            }
        }
    };
    let class = classes!(
        "champ",
        green.then_some("a-completer"),
        invalid.then_some("en-erreur"),
        matches!(def.kind, Kind::Tick).then_some("case"),
        width_class(def.kind)
    );
    html! {
        <div class={class} data-field={def.key} data-green={green.to_string()} data-error={invalid.to_string()}>
            <label for={id.clone()}>
                { label }
                if props.evaluation.required {
                    <span class="obligatoire" aria-hidden="true">{ " *" }</span>
                    <span class="visuellement-cache">{ " (obligatoire)" }</span>
                }
            </label>
            // The error comes between the label and the field, where the eye goes next.
            if invalid {
                <p class="erreur-champ" id={state_id.clone()} data-testid={format!("etat-{}", def.key)}>
                    <span class="visuellement-cache">{ "Erreur : " }</span>
                    { props.issue.clone().unwrap_or_else(|| "Valeur refusée.".to_owned()) }
                </p>
            }
            { input }
            if !help.is_empty() {
                <p class="aide" id={help_id}>{ help }</p>
            }
            if green {
                <p class="etat" id={state_id} data-testid={format!("etat-{}", def.key)}>
                    { props.issue.clone().unwrap_or_else(|| "À compléter".to_owned()) }
                </p>
            }
        </div>
    }
}

/// The id of a field's control on the page, for its label and the links of an error summary.
pub fn field_id(key: &str) -> String {
    format!("champ-{}", key.replace('.', "-"))
}

/// How much room a field takes: a whole row for long text, the width of its content for short
/// codes and numbers (a postcode box is not a page wide).
fn width_class(kind: Kind) -> Option<&'static str> {
    match kind {
        Kind::LongText { .. } => Some("large"),
        Kind::Date
        | Kind::Integer { .. }
        | Kind::Amount
        | Kind::PostalCode
        | Kind::StreetNumber
        | Kind::Siret
        | Kind::Nir
        | Kind::Ine
        | Kind::Uai
        | Kind::Naf
        | Kind::Idcc
        | Kind::CodeDiplome
        | Kind::Rncp
        | Kind::NumeroContrat
        | Kind::Phone => Some("court"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn typed_numbers_are_stored_as_numbers_and_blank_text_as_nothing() {
        assert_eq!(
            typed_value(Kind::Integer { min: 0, max: 99 }, "35"),
            json!(35)
        );
        assert_eq!(typed_value(Kind::Amount, "1 801,80"), json!(1801.8));
        assert_eq!(typed_value(Kind::Amount, "beaucoup"), json!("beaucoup"));
        assert_eq!(typed_value(Kind::Name, "  "), Json::Null);
        assert_eq!(typed_value(Kind::Date, "2026-09-01"), json!("2026-09-01"));
    }
}
