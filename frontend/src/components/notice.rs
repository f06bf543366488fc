//! Messages: errors are announced to screen readers (`role="alert"`), successes politely. A
//! refused form gets an error summary as GOV.UK and the DSFR draw it: it takes the focus, names
//! each field by its label and links to it.

use api_types::Problem;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::field::field_id;
pub use crate::state::label_of;

/// A message to show.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// Something went wrong, with what to do.
    Error(String, Vec<String>),
    /// Fields were refused: what happened, then each field with why.
    Refused(String, Vec<FieldProblem>),
    /// Something went well.
    Success(String),
}

/// One refused field of an error summary.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldProblem {
    /// The field's key as the API names it (a CERFA key, `email`, `economics.repas`…).
    pub key: String,
    /// Why it was refused.
    pub message: String,
    /// Kept on screen unsaved by the app itself (not refused by the server): the line goes
    /// once the value is corrected.
    pub held: bool,
}

impl Notice {
    /// The message of a problem: a summary of its fields when it names some.
    pub fn problem(problem: &Problem) -> Self {
        let text = crate::api::explain(problem);
        if problem.errors.is_empty() {
            return Self::Error(text, Vec::new());
        }
        Self::Refused(
            text,
            problem
                .errors
                .iter()
                .map(|error| FieldProblem {
                    key: error.field.clone(),
                    message: error.message.clone(),
                    held: false,
                })
                .collect(),
        )
    }

    /// The notice once `still_refused` says which held fields are still wrong: lines of the
    /// corrected ones go, and the whole summary when none is left.
    pub fn without_corrected(self, still_refused: impl Fn(&str) -> bool) -> Option<Self> {
        match self {
            Self::Refused(text, problems) => {
                let problems: Vec<FieldProblem> = problems
                    .into_iter()
                    .filter(|p| !p.held || still_refused(&p.key))
                    .collect();
                (!problems.is_empty()).then_some(Self::Refused(text, problems))
            }
            other => Some(other),
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct NoticeProps {
    pub notice: Option<Notice>,
    /// Brings a field on screen before its link focuses it (another tab of the dossier).
    #[prop_or_default]
    pub on_field: Option<Callback<String>>,
}

/// The message area.
#[component]
pub fn NoticeArea(props: &NoticeProps) -> Html {
    let summary = use_node_ref();
    {
        // A refused form moves the focus to its summary, so that a screen reader reads it and
        // the keyboard goes from there to the fields.
        let summary = summary.clone();
        let refused = matches!(props.notice, Some(Notice::Refused(..)));
        use_effect_with((props.notice.clone(), refused), move |(_, refused)| {
            if *refused && let Some(element) = summary.cast::<web_sys::HtmlElement>() {
                let _ = element.focus();
            }
        });
    }
    match &props.notice {
        None => html! { <div class="message-vide" aria-live="polite"></div> },
        Some(Notice::Error(text, details)) => html! {
            <div class="message erreur" role="alert" data-testid="notice-error">
                <p>{ text }</p>
                if !details.is_empty() {
                    <ul>{ for details.iter().map(|d| html! { <li>{ d }</li> }) }</ul>
                }
            </div>
        },
        Some(Notice::Refused(text, problems)) => html! {
            <div class="message erreur resume-erreurs" role="alert" tabindex="-1" ref={summary}
                aria-labelledby="resume-erreurs-titre" data-testid="notice-error">
                <h2 id="resume-erreurs-titre">{ "Il y a un problème" }</h2>
                <p>{ text }</p>
                <ul>
                    { for problems.iter().map(|problem| {
                        let target = field_id(&problem.key);
                        let onclick = {
                            let (key, target, on_field) = (problem.key.clone(), target.clone(), props.on_field.clone());
                            Callback::from(move |event: MouseEvent| {
                                event.prevent_default();
                                if let Some(on_field) = &on_field {
                                    on_field.emit(key.clone());
                                }
                                focus_later(&target);
                            })
                        };
                        html! {
                            <li data-testid={format!("summary-{}", problem.key)}>
                                <a href={format!("#{target}")} onclick={onclick}>
                                    { format!("{} : {}", label_of(&problem.key), problem.message) }
                                </a>
                            </li>
                        }
                    }) }
                </ul>
            </div>
        },
        Some(Notice::Success(text)) => html! {
            <div class="message succes" role="status" data-testid="notice-success"><p>{ text }</p></div>
        },
    }
}

/// Moves the keyboard focus to the element `id` once the page has drawn it (it may be on a tab
/// being opened), and brings it into view.
pub fn focus_later(id: &str) {
    let id = id.to_owned();
    gloo_timers::callback::Timeout::new(0, move || {
        if let Some(element) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(&id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            element.scroll_into_view();
            let _ = element.focus();
        }
    })
    .forget();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_named_by_their_labels_never_by_internal_keys() {
        assert_eq!(label_of("email"), "Courriel");
        assert_eq!(label_of("access_code"), "Code d'accès");
        assert_eq!(
            label_of("apprenti.nom"),
            "Nom de naissance de l'apprenti(e)"
        );
        assert_eq!(
            label_of("economics.premierEquipement"),
            "Premier équipement"
        );
        assert_eq!(label_of("something_else"), "Donnée");
    }

    #[test]
    fn a_corrected_held_field_leaves_the_summary_and_the_last_one_takes_it_away() {
        let held = |key: &str| FieldProblem {
            key: key.into(),
            message: "Valeur refusée.".into(),
            held: true,
        };
        let notice = Notice::Refused("Non enregistré".into(), vec![held("a"), held("b")]);

        let left = notice.clone().without_corrected(|key| key == "b");
        assert_eq!(
            left,
            Some(Notice::Refused("Non enregistré".into(), vec![held("b")]))
        );
        assert_eq!(notice.without_corrected(|_| false), None);
    }
}
