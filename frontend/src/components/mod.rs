//! Pieces shared by the pages.

pub mod field;
pub mod notice;

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

/// The value of the input, select or textarea an event came from.
pub fn value_of(event: &Event) -> String {
    let Some(target) = event.target() else {
        return String::new();
    };
    if let Some(input) = target.dyn_ref::<HtmlInputElement>() {
        return input.value();
    }
    if let Some(select) = target.dyn_ref::<HtmlSelectElement>() {
        return select.value();
    }
    if let Some(area) = target.dyn_ref::<HtmlTextAreaElement>() {
        return area.value();
    }
    String::new()
}

#[derive(Properties, PartialEq)]
pub struct PagerProps {
    /// How many things there are in all.
    pub total: u64,
    /// The page shown, from 1.
    pub page: u64,
    pub per_page: u64,
    /// The noun of the things, singular and plural.
    pub noun: (&'static str, &'static str),
    /// Told the page to show, from 1.
    pub on_page: Callback<u64>,
    /// What the pages are of, for screen readers.
    pub label: &'static str,
    /// Prefix of the test ids (`page-of`, `previous`, `next`).
    #[prop_or_default]
    pub testid: &'static str,
}

/// Where a long list is: « 40 comptes — page 2 sur 2 », and the buttons to move by a page.
#[function_component(Pager)]
pub fn pager(props: &PagerProps) -> Html {
    let pages = props.total.div_ceil(props.per_page.max(1)).max(1);
    let page = props.page.clamp(1, pages);
    let go = |to: u64| {
        let on_page = props.on_page.clone();
        Callback::from(move |_: MouseEvent| on_page.emit(to))
    };
    let prefix = props.testid;
    html! {
        <nav class="pages" aria-label={props.label}>
            <span aria-live="polite" data-testid={format!("{prefix}page-of")}>
                { format!("{} — page {page} sur {pages}", count(props.total, props.noun.0, props.noun.1)) }
            </span>
            if pages > 1 {
                <button type="button" class="secondaire" onclick={go(page - 1)} disabled={page == 1}
                    data-testid={format!("{prefix}previous")}>{ "Page précédente" }</button>
                <button type="button" class="secondaire" onclick={go(page + 1)} disabled={page == pages}
                    data-testid={format!("{prefix}next")}>{ "Page suivante" }</button>
            }
        </nav>
    }
}

/// A number and its noun, agreed as French agrees it: the singular up to 1 (« 0 dossier »,
/// « 1 dossier », « 2 dossiers »).
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", plural(n, one, many))
}

/// The noun agreed with `n` as French agrees it (the singular up to 1).
pub fn plural<'a>(n: u64, one: &'a str, many: &'a str) -> &'a str {
    if n > 1 { many } else { one }
}

/// Whether the checkbox an event came from is ticked.
pub fn checked_of(event: &Event) -> bool {
    event
        .target()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        .is_some_and(|input| input.checked())
}

/// A `blob:` URL of `bytes`, for a link or a frame.
pub fn blob_url(bytes: &[u8], mime: &str) -> Option<String> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

/// Offers `bytes` as a file download named `name`.
pub fn save_bytes(name: &str, bytes: &[u8], mime: &str) {
    let Some(url) = blob_url(bytes, mime) else {
        return;
    };
    if let Some(document) = web_sys::window().and_then(|w| w.document())
        && let Ok(element) = document.create_element("a")
        && let Ok(link) = element.dyn_into::<web_sys::HtmlAnchorElement>()
    {
        link.set_href(&url);
        link.set_download(name);
        link.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// The first file chosen in the file input an event came from.
pub fn file_of(event: &Event) -> Option<web_sys::File> {
    event
        .target()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        .and_then(|input| input.files())
        .and_then(|files| files.get(0))
}

/// A chosen file's bytes.
pub async fn bytes_of(file: &web_sys::File) -> Option<Vec<u8>> {
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .ok()?;
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// A callback setting a text state from an input's `oninput`.
pub fn bind(state: &UseStateHandle<String>) -> Callback<InputEvent> {
    let state = state.clone();
    Callback::from(move |event: InputEvent| state.set(value_of(&event)))
}

/// The page a role other than CFA staff gets instead of a staff-only one.
pub fn cfa_only(title: &'static str) -> Html {
    html! {
        <main id="contenu" class="page">
            <h1>{ title }</h1>
            <p>{ "Réservé au personnel du CFA." }</p>
        </main>
    }
}

/// A labelled text input bound to a state.
#[derive(Properties, PartialEq)]
pub struct TextInputProps {
    pub id: AttrValue,
    pub label: AttrValue,
    pub value: UseStateHandle<String>,
    #[prop_or(AttrValue::Static("text"))]
    pub kind: AttrValue,
    #[prop_or_default]
    pub autocomplete: Option<AttrValue>,
    #[prop_or_default]
    pub required: bool,
    #[prop_or_default]
    pub help: Option<AttrValue>,
}

#[component]
pub fn TextInput(props: &TextInputProps) -> Html {
    let help_id = format!("{}-aide", props.id);
    html! {
        <div class="champ">
            <label for={props.id.clone()}>
                { props.label.clone() }
                if props.required { <span class="obligatoire" aria-hidden="true">{ " *" }</span> }
            </label>
            <input
                id={props.id.clone()}
                name={props.id.clone()}
                type={props.kind.clone()}
                value={(*props.value).clone()}
                oninput={bind(&props.value)}
                required={props.required}
                autocomplete={props.autocomplete.clone()}
                aria-describedby={props.help.as_ref().map(|_| help_id.clone())}
                data-testid={props.id.clone()}
            />
            if let Some(help) = &props.help {
                <p class="aide" id={help_id}>{ help.clone() }</p>
            }
        </div>
    }
}
