//! The page a signer's e-mailed link opens (`/signature/{token}`, no account needed): the exact
//! PDFs to sign, the consent, the name, the six-digit code mailed to the same address; or the
//! refusal, with its reason.

use api_types::{Problem, signatures::SigningBody};
use serde_json::json;
use yew::prelude::*;

use crate::{
    api,
    components::{
        TextInput, bind, checked_of,
        notice::{Notice, NoticeArea},
    },
};

#[derive(Properties, PartialEq)]
pub struct SigningProps {
    pub token: String,
}

#[component]
pub fn SigningPage(props: &SigningProps) -> Html {
    let opened = use_state(|| None::<Result<SigningBody, Problem>>);
    let frames = use_state(Vec::<(String, String)>::new);
    {
        let (opened, frames, token) = (opened.clone(), frames.clone(), props.token.clone());
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move {
                let answer = api::signing(&token).await;
                // Each PDF shown from its bytes: the app's pages may not frame the API.
                let mut shown = Vec::new();
                for document in answer.iter().flat_map(|body| &body.documents) {
                    let rest = format!("/documents/{}", document.kind);
                    if let Ok((bytes, _)) = api::signing_document(&token, &rest).await
                        && let Some(url) = crate::components::blob_url(&bytes, "application/pdf")
                    {
                        shown.push((document.kind.clone(), url));
                    }
                }
                frames.set(shown);
                opened.set(Some(answer));
            });
        });
    }
    let consent = use_state(|| false);
    let name = use_state(String::new);
    let code = use_state(String::new);
    let reason = use_state(String::new);
    let refusing = use_state(|| false);
    let finished = use_state(|| None::<&'static str>);
    let notice = use_state(|| None::<Notice>);
    let step = |rest: &'static str, done: Option<&'static str>| {
        let (token, notice, finished) = (props.token.clone(), notice.clone(), finished.clone());
        let (consent, name, code, reason) =
            (consent.clone(), name.clone(), code.clone(), reason.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let body = match rest {
                "" => json!({"code": *code, "name": *name, "consent": *consent}),
                "/refusal" => json!({"reason": *reason}),
                _ => json!({}),
            };
            let (token, notice, finished) = (token.clone(), notice.clone(), finished.clone());
            yew::platform::spawn_local(async move {
                match api::signing_step(&token, rest, &body).await {
                    Ok(()) => match done {
                        Some(message) => finished.set(Some(message)),
                        None => notice.set(Some(Notice::Success(
                            "Un code à six chiffres vient de vous être envoyé par courriel. Il est valable 10 minutes.".into(),
                        ))),
                    },
                    Err(problem) => notice.set(Some(Notice::problem(&problem))),
                }
            });
        })
    };
    // Back from the provider's page: what happened there (its signature arrives by webhook).
    let returned = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .and_then(|search| web_sys::UrlSearchParams::new_with_str(&search).ok())
        .and_then(|params| params.get("event"));
    let to_provider = {
        let (token, notice) = (props.token.clone(), notice.clone());
        Callback::from(move |_: MouseEvent| {
            let (token, notice) = (token.clone(), notice.clone());
            yew::platform::spawn_local(async move {
                match api::signing_view(&token).await {
                    Ok(view) => {
                        if let Some(window) = web_sys::window() {
                            let _ = window.location().set_href(&view.url);
                        }
                    }
                    Err(problem) => notice.set(Some(Notice::problem(&problem))),
                }
            });
        })
    };
    let body = match &*opened {
        Some(_) if returned.as_deref() == Some("signing_complete") => html! {
            <div class="message succes" role="status" data-testid="signing-done"><p>{ "Merci : votre signature est enregistrée par le prestataire de signature. Vous recevrez un courriel quand toutes les parties auront signé." }</p></div>
        },
        Some(_) if returned.as_deref() == Some("decline") => html! {
            <div class="message succes" role="status" data-testid="signing-done"><p>{ "Votre refus est enregistré et transmis au CFA." }</p></div>
        },
        None => html! { <p aria-busy="true">{ "Chargement…" }</p> },
        Some(Err(problem)) => html! {
            <div class="message erreur" role="alert" data-testid="notice-error"><p>{ api::explain(problem) }</p></div>
        },
        Some(Ok(_)) if finished.is_some() => html! {
            <div class="message succes" role="status" data-testid="signing-done"><p>{ finished.unwrap_or_default() }</p></div>
        },
        Some(Ok(opened)) => html! {
            <>
                <p>{ format!("Bonjour {}, vous signez en tant que {} :", opened.signer.name, opened.signer.role_label) }</p>
                { for opened.documents.iter().map(|d| {
                    let url = frames.iter().find(|(kind, _)| *kind == d.kind).map(|(_, url)| url.clone());
                    html! {
                        <section class="document-a-signer" data-testid={format!("to-sign-{}", d.kind)}>
                            <h2>{ &d.label }</h2>
                            if let Some(url) = url {
                                <iframe class="apercu-pdf" src={url.clone()} title={d.label.clone()} />
                                <p><a href={url} target="_blank" rel="noopener">{ format!("Ouvrir {} en plein écran", d.label) }</a></p>
                            }
                            <p class="aide">{ format!("Empreinte SHA-256 du document : {}", d.sha256) }</p>
                        </section>
                    }
                }) }
                <NoticeArea notice={(*notice).clone()} />
                if let Some(event) = returned.filter(|e| e != "signing_complete" && e != "decline") {
                    <p class="message info">{ if event == "cancel" { "Vous avez quitté la page de signature sans signer : vous pouvez reprendre quand vous voulez." } else { "La session de signature a expiré ou n'a pas abouti : recommencez." } }</p>
                }
                if opened.provider != "builtin" {
                    <p><button type="button" onclick={to_provider} data-testid="sign-at-provider">{ "Lire et signer sur la page de DocuSign" }</button></p>
                } else if *refusing {
                    <form onsubmit={step("/refusal", Some("Votre refus est enregistré et transmis au CFA, avec votre motif."))}>
                        <div class="champ">
                            <label for="motif-refus">{ "Pourquoi refusez-vous de signer ? (transmis au CFA)" }</label>
                            <textarea id="motif-refus" rows="3" value={(*reason).clone()} oninput={bind(&reason)} data-testid="refusal-reason" />
                        </div>
                        <button type="submit" class="danger" data-testid="confirm-refusal">{ "Confirmer le refus" }</button>
                        <button type="button" class="secondaire" onclick={{ let refusing = refusing.clone(); Callback::from(move |_: MouseEvent| refusing.set(false)) }}>{ "Revenir à la signature" }</button>
                    </form>
                } else {
                    <form onsubmit={step("/code", None)}>
                        <div class="champ case">
                            <input id="consentement" type="checkbox" data-testid="consent"
                                onchange={{ let consent = consent.clone(); Callback::from(move |e: Event| consent.set(checked_of(&e))) }} />
                            <label for="consentement">{ "J'ai lu ces documents et je consens à les signer électroniquement." }</label>
                        </div>
                        <TextInput id="nom-signataire" label="Vos prénom et nom" value={name.clone()} required=true autocomplete="name" />
                        <button type="submit" class="secondaire" data-testid="send-code">
                            { format!("Recevoir mon code à {}", opened.signer.email_hint) }
                        </button>
                    </form>
                    <form onsubmit={step("", Some("Merci : votre signature est enregistrée. Vous recevrez un courriel quand toutes les parties auront signé."))}>
                        <div class="champ">
                            <label for="code">{ "Code reçu par courriel (6 chiffres)" }</label>
                            <input id="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="7"
                                value={(*code).clone()} oninput={bind(&code)} data-testid="code" />
                        </div>
                        <button type="submit" data-testid="sign">{ "Signer" }</button>
                    </form>
                    <p><button type="button" class="secondaire" data-testid="refuse"
                        onclick={{ let refusing = refusing.clone(); Callback::from(move |_: MouseEvent| refusing.set(true)) }}>
                        { "Refuser de signer" }
                    </button></p>
                }
            </>
        },
    };
    let apprentice = match &*opened {
        Some(Ok(opened)) => format!(" — {}", opened.apprentice),
        _ => String::new(),
    };
    html! {
        <main id="contenu" class="page" data-testid="signing-page">
            <h1>{ format!("Signature du contrat{apprentice}") }</h1>
            { body }
        </main>
    }
}
