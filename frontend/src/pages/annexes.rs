//! A formation's calendrier and programme (user guides B.15–B.16), entered by CFA staff as lines
//! they can paste from a spreadsheet — a period per line, a module per line under its block —
//! or attached as a PDF; for the whole formation or one of its variants. The server reads the
//! lines (`domain::annexes`) and names the line of each refusal.

use api_types::formations::{AnnexBody, FormationBody};
use yew::prelude::*;

use crate::{
    api,
    components::{
        notice::{Notice, NoticeArea},
        value_of,
    },
};

/// A refusal told by its lines: the server's messages already name them.
fn by_line(problem: &api_types::Problem) -> Notice {
    Notice::Error(
        api::explain(problem),
        problem.errors.iter().map(|e| e.message.clone()).collect(),
    )
}

#[derive(Properties, PartialEq)]
pub struct AnnexesProps {
    pub formation: FormationBody,
    pub token: String,
    pub on_change: Callback<Notice>,
}

/// The calendrier and the programme of a formation, or of one of its variants.
#[component]
pub fn Annexes(props: &AnnexesProps) -> Html {
    let f = &props.formation;
    let variant = use_state(String::new);
    let find = |kind: &str| -> Option<AnnexBody> {
        f.annexes
            .iter()
            .find(|a| a.kind == kind && a.variant_id.clone().unwrap_or_default() == *variant)
            .cloned()
    };
    let (calendrier, programme) = (find("calendrier"), find("programme"));
    // A saved annex comes back newer: its form starts again from what was saved.
    let stamp = |a: &Option<AnnexBody>| {
        a.as_ref()
            .map(|a| a.updated_at.timestamp_millis().to_string())
            .unwrap_or_default()
    };
    let (calendrier_stamp, programme_stamp) = (stamp(&calendrier), stamp(&programme));
    let choose = {
        let variant = variant.clone();
        Callback::from(move |e: Event| variant.set(value_of(&e)))
    };
    let id = format!("annexes-{}", f.id);
    html! {
        <section class="annexes" aria-labelledby={id.clone()} data-testid="annexes">
            <h3 id={id.clone()}>{ "Calendrier et programme" }</h3>
            <div class="champ">
                <label for={format!("{id}-pour")}>{ "Pour" }</label>
                <select id={format!("{id}-pour")} onchange={choose}>
                    <option value="" selected={variant.is_empty()}>{ "Toute la formation" }</option>
                    { for f.variants.iter().map(|v| html! {
                        <option value={v.id.clone()} selected={*variant == v.id}>{ format!("La variante {} ({}) seulement", v.access_code, v.label) }</option>
                    }) }
                </select>
            </div>
            <AnnexForm key={format!("c{}{}", *variant, calendrier_stamp)}
                formation_id={f.id.clone()} variant_id={(*variant).clone()} kind="calendrier" annex={calendrier}
                token={props.token.clone()} on_change={props.on_change.clone()} />
            <AnnexForm key={format!("p{}{}", *variant, programme_stamp)}
                formation_id={f.id.clone()} variant_id={(*variant).clone()} kind="programme" annex={programme}
                token={props.token.clone()} on_change={props.on_change.clone()} />
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct AnnexFormProps {
    formation_id: String,
    variant_id: String,
    kind: AttrValue,
    annex: Option<AnnexBody>,
    token: String,
    on_change: Callback<Notice>,
}

#[component]
fn AnnexForm(props: &AnnexFormProps) -> Html {
    let calendrier = props.kind == "calendrier";
    let lines = use_state(|| {
        props
            .annex
            .as_ref()
            .and_then(|a| a.lines.clone())
            .unwrap_or_default()
    });
    let notice = use_state(|| None::<Notice>);
    let variant = (!props.variant_id.is_empty()).then(|| props.variant_id.clone());
    let title = if calendrier {
        "Calendrier de l'alternance"
    } else {
        "Programme de la formation"
    };
    let onsubmit = {
        let (lines, notice, variant) = (lines.clone(), notice.clone(), variant.clone());
        let (formation_id, kind, token, on_change) = (
            props.formation_id.clone(),
            props.kind.to_string(),
            props.token.clone(),
            props.on_change.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let (formation_id, kind, token, on_change, notice, variant, text) = (
                formation_id.clone(),
                kind.clone(),
                token.clone(),
                on_change.clone(),
                notice.clone(),
                variant.clone(),
                (*lines).clone(),
            );
            yew::platform::spawn_local(async move {
                match api::put_annex_lines(&formation_id, &kind, variant.as_deref(), text, &token)
                    .await
                {
                    Ok(_) => on_change.emit(Notice::Success("Annexe enregistrée.".into())),
                    Err(problem) => notice.set(Some(by_line(&problem))),
                }
            });
        })
    };
    let attach = {
        let (notice, variant) = (notice.clone(), variant.clone());
        let (formation_id, kind, token, on_change) = (
            props.formation_id.clone(),
            props.kind.to_string(),
            props.token.clone(),
            props.on_change.clone(),
        );
        Callback::from(move |event: Event| {
            let Some(file) = crate::components::file_of(&event) else {
                return;
            };
            let (formation_id, kind, token, on_change, notice, variant) = (
                formation_id.clone(),
                kind.clone(),
                token.clone(),
                on_change.clone(),
                notice.clone(),
                variant.clone(),
            );
            yew::platform::spawn_local(async move {
                let Some(bytes) = crate::components::bytes_of(&file).await else {
                    return;
                };
                match api::put_annex_pdf(&formation_id, &kind, variant.as_deref(), bytes, &token)
                    .await
                {
                    Ok(_) => on_change.emit(Notice::Success("PDF joint.".into())),
                    Err(problem) => notice.set(Some(Notice::problem(&problem))),
                }
            });
        })
    };
    let remove = {
        let (notice, variant) = (notice.clone(), variant.clone());
        let (formation_id, kind, token, on_change) = (
            props.formation_id.clone(),
            props.kind.to_string(),
            props.token.clone(),
            props.on_change.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (formation_id, kind, token, on_change, notice, variant) = (
                formation_id.clone(),
                kind.clone(),
                token.clone(),
                on_change.clone(),
                notice.clone(),
                variant.clone(),
            );
            yew::platform::spawn_local(async move {
                match api::delete_annex(&formation_id, &kind, variant.as_deref(), &token).await {
                    Ok(()) => on_change.emit(Notice::Success("Annexe supprimée.".into())),
                    Err(problem) => notice.set(Some(Notice::problem(&problem))),
                }
            });
        })
    };
    let id = format!("{}-{}-{}", props.kind, props.formation_id, props.variant_id);
    let state = match &props.annex {
        None => "non renseigné : les alternants sont invités à vous le demander".to_owned(),
        Some(a) if a.source == "pdf" => "un PDF joint".to_owned(),
        Some(a) => match a
            .totals
            .as_ref()
            .and_then(|t| t["training_share_hundredths"].as_i64())
        {
            Some(share) => format!(
                "saisi ; temps de formation {},{:02} % de la durée",
                share / 100,
                share % 100
            ),
            None => "saisi".to_owned(),
        },
    };
    html! {
        <form onsubmit={onsubmit} novalidate=true aria-label={title} data-testid={format!("annex-{}", props.kind)}>
            <fieldset>
                <legend>{ title }</legend>
                <p data-testid={format!("annex-{}-state", props.kind)}>{ format!("État : {state}.") }</p>
                <div class="champ">
                    <label for={id.clone()}>{ if calendrier { "Périodes, une par ligne" } else { "Objectifs, moyens, évaluation, blocs et modules" } }</label>
                    <p class="aide" id={format!("{id}-aide")}>{ if calendrier {
                        "Type ; début ; fin ; heures ; précision — par exemple « CFA ; 01/09/2026 ; 11/09/2026 ; 70 ». Types : CFA, Entreprise, Examen, Congés. Collez-les depuis un tableur."
                    } else {
                        "« Objectifs : … », « Moyens : … », « Évaluation : … », puis chaque bloc « # code ; titre » suivi de ses modules « titre ; heures ; évaluation ; objectifs »."
                    } }</p>
                    <textarea id={id.clone()} rows="8" aria-describedby={format!("{id}-aide")} value={(*lines).clone()}
                        oninput={{ let lines = lines.clone(); Callback::from(move |e: InputEvent| lines.set(value_of(&e))) }} />
                </div>
                <NoticeArea notice={(*notice).clone()} />
                <button type="submit">{ "Enregistrer" }</button>
                <div class="champ">
                    <label for={format!("{id}-pdf")}>{ "Ou joindre un PDF à la place" }</label>
                    <input id={format!("{id}-pdf")} type="file" accept="application/pdf" onchange={attach} />
                </div>
                if props.annex.is_some() {
                    <button type="button" class="secondaire" onclick={remove}>{ "Supprimer" }</button>
                }
            </fieldset>
        </form>
    }
}
