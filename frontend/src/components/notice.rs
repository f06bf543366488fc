//! Messages: errors are announced to screen readers (`role="alert"`), successes politely.

use api_types::Problem;
use yew::prelude::*;

/// A message to show.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// Something went wrong, with what to do.
    Error(String, Vec<String>),
    /// Something went well.
    Success(String),
}

impl Notice {
    /// The message of a problem, with each field's reason.
    pub fn problem(problem: &Problem) -> Self {
        Self::Error(
            crate::api::explain(problem),
            problem
                .errors
                .iter()
                .map(|error| {
                    let label = domain::FieldDef::by_key(&error.field)
                        .map_or(error.field.as_str(), |field| field.label);
                    format!("{label} : {}", error.message)
                })
                .collect(),
        )
    }
}

#[derive(Properties, PartialEq)]
pub struct NoticeProps {
    pub notice: Option<Notice>,
}

/// The message area.
#[component]
pub fn NoticeArea(props: &NoticeProps) -> Html {
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
        Some(Notice::Success(text)) => html! {
            <div class="message succes" role="status" data-testid="notice-success"><p>{ text }</p></div>
        },
    }
}
