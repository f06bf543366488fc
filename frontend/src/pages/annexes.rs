//! A formation's calendrier and programme (user guides B.15–B.16), entered by CFA staff as lines
//! they can paste from a spreadsheet — a period per line, a module per line under its block —
//! or attached as a PDF; for the whole formation or one of its variants. The server checks
//! them and names each refused member; the messages here point at the line.

use api_types::formations::{AnnexBody, FormationBody};
use serde_json::{Value as Json, json};
use yew::prelude::*;

use crate::{
    api,
    components::{
        notice::{Notice, NoticeArea},
        value_of,
    },
};

/// `31/08/2026` or `2026-08-31` as the API's `2026-08-31`.
fn iso_date(text: &str) -> Option<String> {
    let text = text.trim();
    let parts: Vec<&str> = text.split('/').collect();
    match parts.as_slice() {
        [d, m, y] if y.len() == 4 => Some(format!("{y}-{m:0>2}-{d:0>2}")),
        _ if text.len() == 10 && text.as_bytes()[4] == b'-' => Some(text.to_owned()),
        _ => None,
    }
}

fn french_date(iso: &str) -> String {
    match iso.split('-').collect::<Vec<_>>().as_slice() {
        [y, m, d] => format!("{d}/{m}/{y}"),
        _ => iso.to_owned(),
    }
}

fn cells(line: &str) -> Vec<&str> {
    line.split([';', '\t']).map(str::trim).collect()
}

/// Reads « type ; début ; fin ; heures ; précision » lines into a calendrier, or says which line
/// is wrong.
pub fn calendrier_from_lines(text: &str) -> Result<Json, Vec<String>> {
    let mut periods = Vec::new();
    let mut errors = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let c = cells(line);
        let kind = match c[0].to_lowercase().as_str() {
            "cfa" | "formation" => "cfa",
            "entreprise" => "entreprise",
            "examen" | "examens" => "examen",
            "congés" | "conges" | "congé" => "conges",
            other => {
                errors.push(format!(
                    "Ligne {} : type « {other} » inconnu (CFA, Entreprise, Examen ou Congés).",
                    n + 1
                ));
                continue;
            }
        };
        let (Some(start), Some(end)) = (
            c.get(1).and_then(|d| iso_date(d)),
            c.get(2).and_then(|d| iso_date(d)),
        ) else {
            errors.push(format!(
                "Ligne {} : indiquez le début et la fin (JJ/MM/AAAA).",
                n + 1
            ));
            continue;
        };
        let mut period = json!({"kind": kind, "start": start, "end": end});
        match c
            .get(3)
            .filter(|h| !h.is_empty())
            .map(|h| h.trim_end_matches('h').trim().parse::<u32>())
        {
            Some(Ok(hours)) => period["hours"] = json!(hours),
            Some(Err(_)) => errors.push(format!(
                "Ligne {} : les heures sont un nombre entier.",
                n + 1
            )),
            None => {}
        }
        if let Some(label) = c.get(4).filter(|l| !l.is_empty()) {
            period["label"] = json!(label);
        }
        periods.push(period);
    }
    if errors.is_empty() {
        Ok(json!({"periods": periods}))
    } else {
        Err(errors)
    }
}

/// A stored calendrier as the lines [`calendrier_from_lines`] reads.
fn calendrier_lines(content: &Json) -> String {
    let label = |k: &str| match k {
        "cfa" => "CFA",
        "entreprise" => "Entreprise",
        "examen" => "Examen",
        _ => "Congés",
    };
    content["periods"]
        .as_array()
        .map(|periods| {
            periods
                .iter()
                .map(|p| {
                    format!(
                        "{} ; {} ; {} ; {} ; {}",
                        label(p["kind"].as_str().unwrap_or_default()),
                        french_date(p["start"].as_str().unwrap_or_default()),
                        french_date(p["end"].as_str().unwrap_or_default()),
                        p["hours"]
                            .as_u64()
                            .map(|h| h.to_string())
                            .unwrap_or_default(),
                        p["label"].as_str().unwrap_or_default()
                    )
                    .trim_end_matches([' ', ';'])
                    .to_owned()
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

/// Reads « # code ; titre du bloc » lines, each followed by « module ; heures ; évaluation ;
/// objectifs » lines, into a programme's blocks.
pub fn blocks_from_lines(text: &str) -> Result<Json, Vec<String>> {
    let mut blocks: Vec<Json> = Vec::new();
    let mut errors = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        if let Some(block) = line.trim().strip_prefix('#') {
            let c = cells(block);
            let (code, title) = match c.as_slice() {
                [title] => ("", *title),
                [code, title, ..] => (*code, *title),
                [] => ("", ""),
            };
            blocks.push(
                json!({"code": (!code.is_empty()).then_some(code), "title": title, "modules": []}),
            );
            continue;
        }
        let Some(block) = blocks.last_mut() else {
            errors.push(format!(
                "Ligne {} : commencez par un bloc « # code ; titre ».",
                n + 1
            ));
            continue;
        };
        let c = cells(line);
        let hours = c
            .get(1)
            .filter(|h| !h.is_empty())
            .map(|h| h.trim_end_matches('h').trim().parse::<u32>());
        if let Some(Err(_)) = hours {
            errors.push(format!(
                "Ligne {} : les heures sont un nombre entier.",
                n + 1
            ));
        }
        let text = |i: usize| c.get(i).filter(|t| !t.is_empty()).map(|t| t.to_string());
        if let Some(modules) = block["modules"].as_array_mut() {
            modules.push(json!({
                "title": c[0], "hours": hours.and_then(Result::ok),
                "assessment": text(2), "objectives": text(3),
            }));
        }
    }
    if errors.is_empty() {
        Ok(Json::Array(blocks))
    } else {
        Err(errors)
    }
}

fn block_lines(content: &Json) -> String {
    let mut lines = Vec::new();
    for block in content["blocks"].as_array().into_iter().flatten() {
        lines.push(format!(
            "# {} ; {}",
            block["code"].as_str().unwrap_or_default(),
            block["title"].as_str().unwrap_or_default()
        ));
        for m in block["modules"].as_array().into_iter().flatten() {
            let text = |k: &str| m[k].as_str().unwrap_or_default().to_owned();
            let hours = m["hours"]
                .as_u64()
                .map(|h| h.to_string())
                .unwrap_or_default();
            lines.push(
                format!(
                    "{} ; {hours} ; {} ; {}",
                    text("title"),
                    text("assessment"),
                    text("objectives")
                )
                .trim_end_matches([' ', ';'])
                .to_owned(),
            );
        }
    }
    lines.join("\n")
}

/// A server refusal with its paths (`periods[2].end`) told as lines.
fn with_lines(problem: &api_types::Problem) -> Notice {
    let errors = problem
        .errors
        .iter()
        .map(|e| {
            let line = e
                .field
                .split(['[', ']'])
                .nth(1)
                .and_then(|n| n.parse::<usize>().ok())
                .map(|n| format!("Ligne {} : ", n + 1))
                .unwrap_or_default();
            format!("{line}{}", e.message)
        })
        .collect();
    Notice::Error(api::explain(problem), errors)
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
            .map(|a| a.updated_at.to_rfc3339())
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
    let content = props
        .annex
        .as_ref()
        .and_then(|a| a.content.clone())
        .unwrap_or(Json::Null);
    let calendrier = props.kind == "calendrier";
    let lines = use_state(|| {
        if calendrier {
            calendrier_lines(&content)
        } else {
            block_lines(&content)
        }
    });
    let texts = use_state(|| {
        ["objectives", "means", "assessment"]
            .map(|k| content[k].as_str().unwrap_or_default().to_owned())
    });
    let notice = use_state(|| None::<Notice>);
    let variant = (!props.variant_id.is_empty()).then(|| props.variant_id.clone());
    let title = if calendrier {
        "Calendrier de l'alternance"
    } else {
        "Programme de la formation"
    };
    let onsubmit = {
        let (lines, texts, notice, variant) = (
            lines.clone(),
            texts.clone(),
            notice.clone(),
            variant.clone(),
        );
        let (formation_id, kind, token, on_change) = (
            props.formation_id.clone(),
            props.kind.to_string(),
            props.token.clone(),
            props.on_change.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let body = if kind == "calendrier" {
                calendrier_from_lines(&lines)
            } else {
                blocks_from_lines(&lines).map(|blocks| {
                    let text = |i: usize| (!texts[i].trim().is_empty()).then(|| texts[i].trim().to_owned());
                    json!({"objectives": text(0), "means": text(1), "assessment": text(2), "blocks": blocks})
                })
            };
            let body = match body {
                Ok(body) => body,
                Err(errors) => {
                    return notice.set(Some(Notice::Error(
                        "Le texte n'a pas pu être lu.".into(),
                        errors,
                    )));
                }
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
                match api::put_annex(&formation_id, &kind, variant.as_deref(), &body, &token).await
                {
                    Ok(_) => on_change.emit(Notice::Success("Annexe enregistrée.".into())),
                    Err(problem) => notice.set(Some(with_lines(&problem))),
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
    let text_area = |i: usize, label: &'static str| {
        let handle = texts.clone();
        let oninput = Callback::from(move |e: InputEvent| {
            let mut next = (*handle).clone();
            next[i] = value_of(&e);
            handle.set(next);
        });
        html! {
            <div class="champ">
                <label for={format!("{id}-{i}")}>{ label }</label>
                <textarea id={format!("{id}-{i}")} rows="2" value={texts[i].clone()} {oninput} />
            </div>
        }
    };
    html! {
        <form onsubmit={onsubmit} novalidate=true aria-label={title} data-testid={format!("annex-{}", props.kind)}>
            <fieldset>
                <legend>{ title }</legend>
                <p data-testid={format!("annex-{}-state", props.kind)}>{ format!("État : {state}.") }</p>
                if !calendrier {
                    { text_area(0, "Objectifs") }
                    { text_area(1, "Moyens pédagogiques et techniques") }
                    { text_area(2, "Modalités d'évaluation et de sanction") }
                }
                <div class="champ">
                    <label for={id.clone()}>{ if calendrier { "Périodes, une par ligne" } else { "Blocs et modules" } }</label>
                    <p class="aide" id={format!("{id}-aide")}>{ if calendrier {
                        "Type ; début ; fin ; heures ; précision — par exemple « CFA ; 01/09/2026 ; 11/09/2026 ; 70 ». Types : CFA, Entreprise, Examen, Congés. Collez-les depuis un tableur."
                    } else {
                        "Un bloc par ligne « # code ; titre », puis ses modules « titre ; heures ; évaluation ; objectifs »."
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendrier_lines_read_french_dates_and_name_the_wrong_line() {
        let read = calendrier_from_lines(
            "CFA ; 01/09/2026 ; 11/09/2026 ; 70 h ; Rentrée\n\nEntreprise;2026-09-14;2026-12-18",
        )
        .unwrap();
        assert_eq!(
            read["periods"][0],
            json!({"kind": "cfa", "start": "2026-09-01", "end": "2026-09-11", "hours": 70, "label": "Rentrée"})
        );
        assert_eq!(read["periods"][1]["kind"], "entreprise");
        assert_eq!(
            calendrier_lines(&read).lines().next(),
            Some("CFA ; 01/09/2026 ; 11/09/2026 ; 70 ; Rentrée")
        );
        let errors = calendrier_from_lines("Stage ; 01/09/2026 ; 02/09/2026").unwrap_err();
        assert!(
            errors[0].starts_with("Ligne 1 : type « stage »"),
            "{errors:?}"
        );
    }

    #[test]
    fn programme_lines_put_modules_under_their_block() {
        let blocks = blocks_from_lines(
            "# BC01 ; Concevoir\nAlgorithmique ; 120 ; Examen\nBases ; ; ; Modéliser",
        )
        .unwrap();
        assert_eq!(blocks[0]["code"], "BC01");
        assert_eq!(blocks[0]["modules"][0]["hours"], 120);
        assert_eq!(blocks[0]["modules"][1]["objectives"], "Modéliser");
        assert!(blocks_from_lines("Module sans bloc").is_err());
    }
}
