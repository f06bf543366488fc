//! The signature circuit in Suivi (user guide A.13): CFA staff send the validated CERFA and
//! convention, choosing who signs on paper, follow each signer, remind, record a paper signature
//! with its scan, finish on paper or interrupt; every party downloads the signed copies.

use api_types::{Problem, dossiers::DossierBody, signatures::CircuitBody};
use domain::{
    Role, Status,
    signature::{CircuitStatus, SignerRole, SignerStatus},
};
use serde_json::json;
use yew::prelude::*;

use super::suivi::Download;
use crate::{
    api,
    components::{
        bind, bytes_of, checked_of, file_of,
        notice::{Notice, NoticeArea},
    },
};

#[derive(Properties, PartialEq)]
pub struct SignatureProps {
    pub id: String,
    pub token: String,
    pub role: Role,
    pub status: Status,
    pub version: i64,
    pub on_done: Callback<(Notice, Option<DossierBody>)>,
}

/// What an action answered: the circuit shown again and the dossier reloaded (its status may
/// have moved), or the problem in the section's message area.
type Answer = (Result<CircuitBody, Problem>, &'static str);

#[component]
pub fn Signature(props: &SignatureProps) -> Html {
    let circuit = use_state(|| None::<CircuitBody>);
    let notice = use_state(|| None::<Notice>);
    {
        let (circuit, id, token) = (circuit.clone(), props.id.clone(), props.token.clone());
        use_effect_with((props.status, props.version), move |_| {
            yew::platform::spawn_local(async move {
                circuit.set(api::signature(&id, &token).await.ok().flatten());
            });
        });
    }
    let answered = {
        let (circuit, notice) = (circuit.clone(), notice.clone());
        let (id, token, on_done) = (props.id.clone(), props.token.clone(), props.on_done.clone());
        Callback::from(move |(result, message): Answer| match result {
            Ok(body) => {
                circuit.set(Some(body));
                notice.set(None);
                let (id, token, on_done) = (id.clone(), token.clone(), on_done.clone());
                yew::platform::spawn_local(async move {
                    let dossier = api::dossier(&id, &token).await.ok();
                    on_done.emit((Notice::Success(message.into()), dossier));
                });
            }
            Err(problem) => notice.set(Some(Notice::problem(&problem))),
        })
    };
    let staff = props.role == Role::Cfa;
    let running = circuit
        .as_ref()
        .is_some_and(|c| c.status == CircuitStatus::InProgress.key());
    // A DocuSign circuit has no paper signature: interrupted, it is sent again on paper.
    let paper_allowed = circuit.as_ref().is_some_and(|c| c.provider != "docusign");
    let action = |rest: &'static str, label: &'static str, message: &'static str| {
        let (id, token, answered) = (props.id.clone(), props.token.clone(), answered.clone());
        let onclick = Callback::from(move |_: MouseEvent| {
            let (id, token, answered) = (id.clone(), token.clone(), answered.clone());
            yew::platform::spawn_local(async move {
                let result = api::signature_action(&id, rest, &json!({}), &token).await;
                answered.emit((result, message));
            });
        });
        html! { <button type="button" class="secondaire" onclick={onclick} data-testid={format!("signature{}", rest.replace('/', "-"))}>{ label }</button> }
    };
    html! {
        <section aria-labelledby="titre-signature" data-testid="signature">
            <h3 id="titre-signature">{ "Signature" }</h3>
            <NoticeArea notice={(*notice).clone()} />
            if staff && props.status == Status::EconomicsValidated {
                <Send id={props.id.clone()} token={props.token.clone()} answered={answered.clone()} />
            }
            if let Some(c) = &*circuit {
                <p data-testid="circuit-status" data-status={c.status.clone()}>
                    <strong>{ CircuitStatus::from_key(&c.status).map_or("", CircuitStatus::label) }</strong>
                    if c.provider == "paper" { { " — sur papier" } }
                    if let Some(reason) = &c.end_reason { { format!(" : {reason}") } }
                </p>
                <ol class="signataires" data-testid="signers">
                    { for c.signers.iter().map(|s| {
                        let status = SignerStatus::from_key(&s.status);
                        let open = status.is_some_and(domain::signature::may_record_paper);
                        html! {
                            <li data-testid={format!("signer-{}", s.role)} data-status={s.status.clone()}>
                                <strong>{ SignerRole::from_key(&s.role).map_or("", SignerRole::label) }</strong>
                                { format!(" : {} — {}", s.name, status.map_or("", SignerStatus::label)) }
                                if s.channel == "paper" { { " (sur papier)" } }
                                if let Some(at) = s.signed_at { { format!(", le {}", domain::print::datetime_text(at)) } }
                                if let Some(reason) = &s.refusal_reason { { format!(" : « {reason} »") } }
                                if staff && running && open && paper_allowed {
                                    <PaperScan id={props.id.clone()} token={props.token.clone()} signer={Some(s.id.clone())}
                                        label={format!("Signature papier de {} : déposer la copie numérisée (PDF)", s.name)}
                                        answered={answered.clone()} />
                                }
                            </li>
                        }
                    }) }
                </ol>
                if staff && running {
                    <div class="action">
                        { action("/reminder", "Relancer les signataires", "Relance envoyée : chaque signataire attendu a reçu un nouveau lien.") }
                    </div>
                    if paper_allowed {
                    <PaperScan id={props.id.clone()} token={props.token.clone()} signer={None::<String>}
                        label="Terminer sur papier : déposer la copie signée par tous les signataires restants (PDF)"
                        answered={answered.clone()} />
                    }
                    <Interrupt id={props.id.clone()} token={props.token.clone()} answered={answered.clone()} />
                }
                if c.status == CircuitStatus::Completed.key() {
                    <p>
                        <Download id={props.id.clone()} kind="cerfa" suffix="/signed" token={props.token.clone()} label="Télécharger le CERFA signé" />
                        { " " }
                        <Download id={props.id.clone()} kind="convention" suffix="/signed" token={props.token.clone()} label="Télécharger la convention signée" />
                    </p>
                }
            } else if props.status != Status::EconomicsValidated {
                <p>{ "Le contrat et la convention partent en signature une fois les éléments économiques validés par le CFA." }</p>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct SendProps {
    id: String,
    token: String,
    answered: Callback<Answer>,
}

/// « Envoyer pour signature », with the signers who sign on paper ticked.
#[component]
fn Send(props: &SendProps) -> Html {
    let paper = use_state(Vec::<&'static str>::new);
    let tick = |role: SignerRole| {
        let paper = paper.clone();
        Callback::from(move |event: Event| {
            let mut next: Vec<&'static str> =
                paper.iter().copied().filter(|r| *r != role.key()).collect();
            if checked_of(&event) {
                next.push(role.key());
            }
            paper.set(next);
        })
    };
    let send = {
        let (paper, id, token, answered) = (
            paper.clone(),
            props.id.clone(),
            props.token.clone(),
            props.answered.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let body = json!({"paper_signers": *paper});
            let (id, token, answered) = (id.clone(), token.clone(), answered.clone());
            yew::platform::spawn_local(async move {
                let result = api::signature_action(&id, "", &body, &token).await;
                answered.emit((
                    result,
                    "Envoyé pour signature : chaque signataire reçoit son lien à son tour.",
                ));
            });
        })
    };
    html! {
        <fieldset class="envoi-signature">
            <legend>{ "Signataires sur papier (les autres signent en ligne)" }</legend>
            { for [SignerRole::Employeur, SignerRole::Alternant, SignerRole::Cfa].into_iter().map(|role| {
                let id = format!("papier-{}", role.key());
                html! {
                    <div class="champ case">
                        <input id={id.clone()} type="checkbox" onchange={tick(role)} data-testid={id.clone()} />
                        <label for={id}>{ role.label() }</label>
                    </div>
                }
            }) }
            <button type="button" onclick={send} data-testid="action-send_for_signature">{ "Envoyer pour signature" }</button>
        </fieldset>
    }
}

#[derive(Properties, PartialEq)]
struct PaperScanProps {
    id: String,
    token: String,
    signer: Option<String>,
    label: String,
    answered: Callback<Answer>,
}

/// A paper signature recorded with its scan, one signer's or every remaining signer's.
#[component]
fn PaperScan(props: &PaperScanProps) -> Html {
    let onchange = {
        let (id, token, signer, answered) = (
            props.id.clone(),
            props.token.clone(),
            props.signer.clone(),
            props.answered.clone(),
        );
        Callback::from(move |event: Event| {
            let Some(file) = file_of(&event) else {
                return;
            };
            let (id, token, signer, answered) =
                (id.clone(), token.clone(), signer.clone(), answered.clone());
            yew::platform::spawn_local(async move {
                let result = match bytes_of(&file).await {
                    Some(bytes) => api::record_paper(&id, signer.as_deref(), bytes, &token).await,
                    None => Err(Problem::new(0, "unreadable_file", "Fichier illisible")
                        .with_detail("Ce fichier ne peut pas être lu.")),
                };
                answered.emit((result, "Signature papier enregistrée."));
            });
        })
    };
    let field = format!("scan-{}", props.signer.as_deref().unwrap_or("tous"));
    html! {
        <div class="champ">
            <label for={field.clone()}>{ &props.label }</label>
            <input id={field.clone()} type="file" accept="application/pdf" onchange={onchange} data-testid={field} />
        </div>
    }
}

/// « Interrompre la signature », with its reason.
#[component]
fn Interrupt(props: &SendProps) -> Html {
    let reason = use_state(String::new);
    let confirm = {
        let (reason, id, token, answered) = (
            reason.clone(),
            props.id.clone(),
            props.token.clone(),
            props.answered.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let body = json!({"comment": *reason});
            let (id, token, answered) = (id.clone(), token.clone(), answered.clone());
            yew::platform::spawn_local(async move {
                let result = api::signature_action(&id, "/cancellation", &body, &token).await;
                answered.emit((
                    result,
                    "Signature interrompue : les signataires sont prévenus.",
                ));
            });
        })
    };
    html! {
        <div class="champ">
            <label for="motif-interruption">{ "Motif de l'interruption (transmis aux signataires)" }</label>
            <textarea id="motif-interruption" rows="2" value={(*reason).clone()} oninput={bind(&reason)} data-testid="comment-cancel_signature" />
            <button type="button" class="danger" onclick={confirm} data-testid="confirm-cancel_signature">{ "Interrompre la signature" }</button>
        </div>
    }
}
