//! The documents as files (user guides A.13–A.14, B.15–B.17): when each exists, what it holds,
//! that it is an archivable PDF/A with its fonts, that the validated CERFA is kept byte for byte
//! until a reopening, and who may download it. PDFs are read with Debian's poppler-utils and
//! qpdf, which `cargo xtask test` installs.

use std::process::Command;

use reqwest::{Method, Response};
use serde_json::{Value, json};

use crate::{
    both,
    helpers::{
        Backend, ENGINEERING_ID, TestApp, assert_problem, complete_content, economics, ok,
        spawn_app, spawn_app_with,
    },
};

both!(
    a_validated_dossier_downloads_the_cerfa_kept_at_validation_until_a_reopening,
    the_convention_follows_the_economic_validation_with_the_elements_validated,
    every_document_is_an_archivable_pdf_with_its_fonts_and_the_dossier_s_values,
    the_longest_values_with_accents_print_whole_on_the_two_pages_of_the_form,
    a_draft_is_stamped_and_lists_what_is_missing,
    saisie_simple_offers_the_cerfa_a_party_deposited,
    the_calendrier_and_programme_are_the_formation_s_and_a_variant_may_override_them,
    a_list_s_cerfas_come_as_one_zip_naming_the_dossiers_left_out,
    a_professionalisation_contract_prints_as_the_ej20,
    a_kept_cerfa_is_sealed_like_the_nir_and_follows_its_keys,
    a_cfa_s_own_convention_replaces_the_built_in_one_and_a_broken_one_stops_the_start,
);

pub const DEMO_DOSSIER: &str = "00000000-0000-4000-8000-00000000d001";

/// Runs a poppler or qpdf tool on `pdf`; its standard output, and whether it succeeded.
pub fn tool(program: &str, args: &[&str], pdf: &[u8]) -> (String, bool) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("document.pdf");
    std::fs::write(&path, pdf).unwrap();
    let output = Command::new(program)
        .args(args)
        .arg(&path)
        .args(if program == "pdftotext" {
            vec!["-"]
        } else {
            vec![]
        })
        .output()
        .unwrap_or_else(|e| {
            panic!("{program} (poppler-utils / qpdf, installed by cargo xtask test): {e}")
        });
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        output.status.success(),
    )
}

/// The text of a PDF with its whitespace collapsed, as one reads it.
pub fn text_of(pdf: &[u8]) -> String {
    let (text, ok) = tool("pdftotext", &["-enc", "UTF-8"], pdf);
    assert!(ok, "pdftotext failed");
    // typst sets the apostrophes of the templates' own words as typographic ones (’).
    text.replace('\u{200B}', "")
        .replace('’', "'")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn pages_of(pdf: &[u8]) -> usize {
    let (info, _) = tool("pdfinfo", &[], pdf);
    info.lines()
        .find_map(|line| line.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

/// Checks what makes a PDF archivable and whole: qpdf finds nothing wrong, every font is
/// embedded, the XMP declares PDF/A-2b.
fn assert_archivable(pdf: &[u8], what: &str) {
    let (check, ok) = tool("qpdf", &["--check"], pdf);
    assert!(ok, "{what}: qpdf --check: {check}");
    let (fonts, _) = tool("pdffonts", &[], pdf);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{what}: no font");
    for row in rows {
        let columns: Vec<&str> = row.split_whitespace().collect();
        // name type [encoding…] emb sub uni object ID: `emb` is the fifth column from the end.
        assert_eq!(
            columns[columns.len() - 5],
            "yes",
            "{what}: font not embedded: {row}"
        );
    }
    let xmp = String::from_utf8_lossy(pdf);
    assert!(
        xmp.contains("<pdfaid:part>2</pdfaid:part>"),
        "{what}: PDF/A part"
    );
    assert!(
        xmp.contains("<pdfaid:conformance>B</pdfaid:conformance>"),
        "{what}: PDF/A conformance"
    );
}

fn detail(problem: &api_types::Problem) -> &str {
    problem.detail.as_deref().unwrap_or_default()
}

async fn get(app: &TestApp, token: &str, path: &str) -> Response {
    app.get_as(token, path).await
}

async fn pdf(app: &TestApp, token: &str, id: &str, kind: &str) -> (Vec<u8>, Response) {
    let response = get(
        app,
        token,
        &format!("/api/v1/dossiers/{id}/documents/{kind}"),
    )
    .await;
    assert_eq!(response.status(), 200, "{kind}");
    let bytes = response.bytes().await.unwrap().to_vec();
    let again = get(
        app,
        token,
        &format!("/api/v1/dossiers/{id}/documents/{kind}"),
    )
    .await;
    (bytes, again)
}

pub async fn act(app: &TestApp, token: &str, id: &str, action: &str, body: Value) -> Value {
    ok(app
        .post_json(
            Some(token),
            &format!("/api/v1/dossiers/{id}/{action}"),
            &body,
        )
        .await)
    .await
}

/// Completes the demo dossier as CFA staff (with `change` applied over the complete content) and
/// has the apprentice request its validation.
async fn complete_and_request(app: &TestApp, change: impl FnOnce(&mut Value)) {
    let cfa = app.login_demo("cfa").await;
    let mut content = complete_content();
    content["contactEntreprise"]["courriel"] = json!("employeur@demo.opuntia.test");
    change(&mut content);
    let response = app.write(&cfa, DEMO_DOSSIER, &content).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    let apprentice = app.login_demo("alternant").await;
    act(
        app,
        &apprentice,
        DEMO_DOSSIER,
        "validation-request",
        json!({}),
    )
    .await;
}

pub async fn validated(app: &TestApp) {
    complete_and_request(app, |_| {}).await;
    let formation = app.login_demo("formation").await;
    act(app, &formation, DEMO_DOSSIER, "validation", json!({})).await;
}

async fn a_validated_dossier_downloads_the_cerfa_kept_at_validation_until_a_reopening(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let apprentice = app.login_demo("alternant").await;
    let employer = app.login_demo("employeur").await;
    let cfa = app.login_demo("cfa").await;
    let path = format!("/api/v1/dossiers/{DEMO_DOSSIER}/documents/cerfa");

    let early = assert_problem(
        get(&app, &apprentice, &path).await,
        409,
        "document_unavailable",
    )
    .await;
    assert!(
        detail(&early).contains("validé par la formation"),
        "{:?}",
        early.detail
    );

    validated(&app).await;
    let (cerfa, again) = pdf(&app, &apprentice, DEMO_DOSSIER, "cerfa").await;
    assert_eq!(again.headers()["content-type"], "application/pdf");
    let disposition = again.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"CERFA-FA13-"),
        "{disposition}"
    );
    assert!(
        disposition.contains("filename*=UTF-8''CERFA-FA13-"),
        "{disposition}"
    );
    let etag = again.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(
        again.bytes().await.unwrap().to_vec(),
        cerfa,
        "the stored bytes, again"
    );
    let held = app
        .request(Method::GET, &path)
        .bearer_auth(&apprentice)
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(held.status(), 304);
    let (as_employer, _) = pdf(&app, &employer, DEMO_DOSSIER, "cerfa").await;
    assert_eq!(
        as_employer, cerfa,
        "every party downloads the same contract"
    );
    let text = text_of(&cerfa);
    assert!(text.contains("CONTRAT D'APPRENTISSAGE"), "{text}");
    assert!(text.contains("cerfa N°10103*14"), "{text}");
    assert!(!text.contains("BROUILLON"));

    // A reopening voids it; the next validation makes the CERFA of the corrected data.
    act(
        &app,
        &cfa,
        DEMO_DOSSIER,
        "reopen",
        json!({"comment": "Lieu de signature à corriger."}),
    )
    .await;
    let voided = assert_problem(
        get(&app, &apprentice, &path).await,
        409,
        "document_unavailable",
    )
    .await;
    assert!(detail(&voided).contains("validé"), "{:?}", voided.detail);
    let response = app
        .write(
            &cfa,
            DEMO_DOSSIER,
            json!({"contrat": {"lieuSignatureContrat": "Aix-en-Provence"}}),
        )
        .await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    act(
        &app,
        &apprentice,
        DEMO_DOSSIER,
        "validation-request",
        json!({}),
    )
    .await;
    let formation = app.login_demo("formation").await;
    act(&app, &formation, DEMO_DOSSIER, "validation", json!({})).await;
    let (corrected, again) = pdf(&app, &apprentice, DEMO_DOSSIER, "cerfa").await;
    assert_ne!(again.headers()["etag"].to_str().unwrap(), etag);
    assert!(text_of(&corrected).contains("Aix-en-Provence"));

    // Another apprentice never sees it.
    let (_, password) = app.invite(&cfa, "autre@example.fr", "F724").await;
    let other = app.login("autre@example.fr", &password).await;
    assert_problem(get(&app, &other, &path).await, 404, "dossier_not_found").await;
    assert_problem(
        get(
            &app,
            &apprentice,
            &format!("/api/v1/dossiers/{DEMO_DOSSIER}/documents/facture"),
        )
        .await,
        404,
        "not_found",
    )
    .await;
}

async fn the_convention_follows_the_economic_validation_with_the_elements_validated(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let cfa = app.login_demo("cfa").await;
    let employer = app.login_demo("employeur").await;
    let path = format!("/api/v1/dossiers/{DEMO_DOSSIER}/documents/convention");
    validated(&app).await;

    let early = assert_problem(
        get(&app, &employer, &path).await,
        409,
        "document_unavailable",
    )
    .await;
    assert!(
        detail(&early).contains("éléments économiques"),
        "{:?}",
        early.detail
    );
    ok(app.enter_economics(&cfa, DEMO_DOSSIER, &economics()).await).await;
    act(&app, &cfa, DEMO_DOSSIER, "economics-validation", json!({})).await;

    let (convention, again) = pdf(&app, &employer, DEMO_DOSSIER, "convention").await;
    assert!(
        again.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("filename=\"Convention-de-formation-")
    );
    let text = text_of(&convention);
    for expected in [
        "CONVENTION DE FORMATION",
        "CFA Epure Méditerranée",
        "N° de déclaration d'activité : 93131234513",
        "9 000 €",
        "Premier équipement pédagogique 300 €",
        "Restauration : 120 repas",
        "L'employeur mandate le CFA",
        "Pour l'employeur",
    ] {
        assert!(text.contains(expected), "{expected:?} in {text}");
    }
    assert_archivable(&convention, "convention");
}

async fn every_document_is_an_archivable_pdf_with_its_fonts_and_the_dossier_s_values(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let cfa = app.login_demo("cfa").await;
    validated(&app).await;
    ok(app.enter_economics(&cfa, DEMO_DOSSIER, &economics()).await).await;
    act(&app, &cfa, DEMO_DOSSIER, "economics-validation", json!({})).await;
    let content = complete_content();

    for kind in ["cerfa", "convention", "calendrier", "programme"] {
        let (bytes, _) = pdf(&app, &cfa, DEMO_DOSSIER, kind).await;
        assert_archivable(&bytes, kind);
        // `docs/documents/` shows these renderings: `OPUNTIA_SAVE_DOCUMENTS=dir` keeps them.
        if let Some(dir) = std::env::var_os("OPUNTIA_SAVE_DOCUMENTS") {
            std::fs::write(
                std::path::Path::new(&dir).join(format!("{kind}.pdf")),
                &bytes,
            )
            .unwrap();
        }
        let text = text_of(&bytes);
        let last_name = content["apprenti"]["nom"].as_str().unwrap();
        assert!(
            text.contains(last_name) || text.contains(&last_name.to_uppercase()),
            "{kind}: {last_name:?} in {text}"
        );
        let first_name = content["apprenti"]["prenom"].as_str().unwrap();
        assert!(
            text.contains(first_name),
            "{kind}: {first_name:?} in {text}"
        );
    }
    let (cerfa, _) = pdf(&app, &cfa, DEMO_DOSSIER, "cerfa").await;
    assert_eq!(pages_of(&cerfa), 2);
    let text = text_of(&cerfa);
    for key in [
        "employeur.siret",
        "employeur.denomination",
        "employeur.adresse.commune",
        "maitre1.nom",
        "formation.rncp",
        "organismeFormation.uaiCfa",
    ] {
        let value = key
            .split('.')
            .fold(&content, |node, part| &node[part])
            .as_str()
            .unwrap()
            .to_owned();
        assert!(text.contains(&value), "{key} = {value:?} in {text}");
    }
    for label in [
        "L'EMPLOYEUR",
        "L'APPRENTI(E)",
        "LE MAÎTRE D'APPRENTISSAGE",
        "LE CONTRAT",
        "LA FORMATION",
        "CADRE RÉSERVÉ À L'ORGANISME EN CHARGE DU DÉPÔT DU CONTRAT",
        "Fait à",
        "Signature de l'apprenti(e)",
        "1.1",
    ] {
        assert!(text.contains(label), "{label:?} in {text}");
    }
}

async fn the_longest_values_with_accents_print_whole_on_the_two_pages_of_the_form(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    // Each text as long as the catalogue allows, with accents and without a space for the
    // e-mails; a long name with spaces as names have.
    let long = |n: usize| {
        let mut text = String::new();
        while text.chars().count() < n {
            text.push_str("Éléonore-Bénédicte d'Août ");
        }
        text.chars().take(n).collect::<String>().trim().to_owned()
    };
    let email = format!(
        "{}@{}.fr",
        "prenom.nom-de-famille.service".repeat(2),
        "exemple-de-societe"
    );
    let values = [
        ("employeur.denomination", long(255)),
        ("employeur.adresse.voie", long(80)),
        ("employeur.courriel", email.clone()),
        ("apprenti.intituleDiplomePrepare", long(255)),
        ("formation.intituleQualification", long(255)),
        ("maitre1.emploiOccupe", long(80)),
        ("maitre1.diplome", long(255)),
        ("contrat.lieuSignatureContrat", long(80)),
        ("contrat.caisseRetraiteComplementaire", long(80)),
    ];
    complete_and_request(&app, |content| {
        for (key, value) in &values {
            let (parent, leaf) = key.rsplit_once('.').unwrap();
            let node = parent
                .split('.')
                .fold(&mut *content, |node, part| &mut node[part]);
            node[leaf] = json!(value);
        }
    })
    .await;
    let formation = app.login_demo("formation").await;
    act(&app, &formation, DEMO_DOSSIER, "validation", json!({})).await;

    let (cerfa, _) = pdf(&app, &formation, DEMO_DOSSIER, "cerfa").await;
    assert_eq!(pages_of(&cerfa), 2, "the form keeps its two pages");
    // A value wraps where its cell ends; in the order typst draws (`-raw`) a cell's lines follow
    // each other whatever the column, so without the line breaks every character is there.
    let unbroken = |text: &str| {
        text.replace(['\u{200B}'], "")
            .replace('’', "'")
            .split_whitespace()
            .collect::<String>()
    };
    let (raw, _) = tool("pdftotext", &["-raw", "-enc", "UTF-8"], &cerfa);
    let text = unbroken(&raw);
    for (key, value) in &values {
        assert!(
            text.contains(&unbroken(value)),
            "{key}: {value:?} not whole in {text}"
        );
    }
    // Nothing runs past the right margin: pdftotext places every word inside the page.
    let (boxes, _) = tool("pdftotext", &["-bbox"], &cerfa);
    for line in boxes.lines().filter(|l| l.contains("<word ")) {
        let x_max: f64 = line
            .split("xMax=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .and_then(|x| x.parse().ok())
            .unwrap();
        assert!(x_max <= 595.3 - 20.0, "a word runs out of the form: {line}");
    }
}

async fn a_draft_is_stamped_and_lists_what_is_missing(backend: Backend) {
    let app = spawn_app(backend).await;
    let employer = app.login_demo("employeur").await;
    let draft = format!("/api/v1/dossiers/{DEMO_DOSSIER}/documents/cerfa/draft");

    let response = get(&app, &employer, &draft).await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("filename=\"BROUILLON-CERFA-FA13-")
    );
    let bytes = response.bytes().await.unwrap().to_vec();
    let text = text_of(&bytes);
    // The stamp lies across each page: `-raw` reads it in the order it was drawn.
    let (raw, _) = tool("pdftotext", &["-raw", "-enc", "UTF-8"], &bytes);
    assert!(
        raw.matches("BROUILLON").count() > pages_of(&bytes),
        "stamped on every page, and named on the last"
    );
    assert!(text.contains("CE QUI MANQUE ENCORE"), "{text}");
    assert!(text.contains("Ce champ est obligatoire."), "{text}");
    assert_archivable(&bytes, "draft");

    // The convention's draft waits for the economic elements; the annexes have none.
    assert_problem(
        get(
            &app,
            &employer,
            &format!("/api/v1/dossiers/{DEMO_DOSSIER}/documents/convention/draft"),
        )
        .await,
        409,
        "document_unavailable",
    )
    .await;
    assert_problem(
        get(
            &app,
            &employer,
            &format!("/api/v1/dossiers/{DEMO_DOSSIER}/documents/calendrier/draft"),
        )
        .await,
        409,
        "document_unavailable",
    )
    .await;
}

/// The demo dossier switched to saisie simple by `token`: its CERFA is deposited, not made.
pub async fn to_saisie_simple(app: &TestApp, token: &str) {
    let response = app
        .request(Method::PATCH, &format!("/api/v1/dossiers/{DEMO_DOSSIER}"))
        .bearer_auth(token)
        .header("If-Match", "*")
        .json(&json!({"niveau_saisie": "simple"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
}

async fn saisie_simple_offers_the_cerfa_a_party_deposited(backend: Backend) {
    let app = spawn_app(backend).await;
    let apprentice = app.login_demo("alternant").await;
    to_saisie_simple(&app, &apprentice).await;
    let path = format!("/api/v1/dossiers/{DEMO_DOSSIER}/documents/cerfa");
    let before = assert_problem(
        get(&app, &apprentice, &path).await,
        409,
        "document_unavailable",
    )
    .await;
    assert!(
        detail(&before).contains("saisie simple"),
        "{:?}",
        before.detail
    );
    assert_problem(
        get(&app, &apprentice, &format!("{path}/draft")).await,
        409,
        "document_unavailable",
    )
    .await;

    let deposit = |body: Vec<u8>, content_type: &'static str| {
        app.request(Method::PUT, &path)
            .bearer_auth(&apprentice)
            .header("Content-Type", content_type)
            .body(body)
            .send()
    };
    assert_problem(
        deposit(b"pas un pdf".to_vec(), "application/pdf")
            .await
            .unwrap(),
        422,
        "validation_failed",
    )
    .await;
    assert_problem(
        deposit(b"{}".to_vec(), "application/json").await.unwrap(),
        415,
        "unsupported_media_type",
    )
    .await;
    let made_outside = pdf::Templates::builtin()
        .render(
            pdf::Kind::Cerfa,
            &pdf::Kind::Cerfa.sample_data(),
            &pdf::Metadata {
                title: "CERFA rempli à la main".into(),
                author: "Boulangerie".into(),
                made_at: chrono::DateTime::UNIX_EPOCH,
            },
        )
        .unwrap();
    let response = deposit(made_outside.clone(), "application/pdf")
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let stored: Value = response.json().await.unwrap();
    assert_eq!(stored["kind"], "cerfa");
    assert_eq!(stored["size"], made_outside.len());

    let employer = app.login_demo("employeur").await;
    let (downloaded, again) = pdf(&app, &employer, DEMO_DOSSIER, "cerfa").await;
    assert_eq!(downloaded, made_outside, "the deposit, byte for byte");
    assert_eq!(
        again.headers()["etag"].to_str().unwrap(),
        format!("\"{}\"", stored["sha256"].as_str().unwrap())
    );
    let suivi: Value = app
        .get_json(
            &apprentice,
            &format!("/api/v1/dossiers/{DEMO_DOSSIER}/suivi"),
        )
        .await;
    let cerfa = suivi["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "cerfa")
        .unwrap();
    assert_eq!(cerfa["available"], true);
}

async fn the_calendrier_and_programme_are_the_formation_s_and_a_variant_may_override_them(
    backend: Backend,
) {
    let app = spawn_app_with(backend, |_| {}).await;
    let cfa = app.login_demo("cfa").await;
    let apprentice = app.login_demo("alternant").await;
    let annex = format!("/api/v1/formations/{ENGINEERING_ID}/annexes/calendrier");

    let demo: Value = app.get_json(&cfa, &annex).await;
    assert_eq!(demo["source"], "data");
    assert!(
        demo["totals"]["training_share_hundredths"]
            .as_i64()
            .unwrap()
            >= 2500
    );
    let (calendrier, _) = pdf(&app, &apprentice, DEMO_DOSSIER, "calendrier").await;
    let text = text_of(&calendrier);
    assert!(text.contains("CALENDRIER DE L'ALTERNANCE"), "{text}");
    assert!(text.contains("Formation au CFA"), "{text}");
    assert!(text.contains("au moins 25 %"), "{text}");

    // Refused whole, each member named.
    let response = app
        .request(Method::PUT, &annex)
        .bearer_auth(&cfa)
        .json(&json!({"periods": [{"kind": "cfa", "start": "2026-09-10", "end": "2026-09-01"}]}))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(response, 422, "validation_failed").await;
    assert_eq!(problem.errors[0].field, "periods[0].end");

    // As lines pasted from a spreadsheet, each refusal names its line; what is saved reads back
    // as the same lines.
    let lines = |text: &str| {
        app.request(Method::PUT, &annex)
            .bearer_auth(&cfa)
            .header("Content-Type", "text/plain; charset=utf-8")
            .body(text.to_owned())
            .send()
    };
    let problem = assert_problem(
        lines("CFA ; 01/09/2026 ; 11/09/2026 ; 70\nStage ; 14/09/2026 ; 18/12/2026")
            .await
            .unwrap(),
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(problem.errors[0].field, "lines[1]");
    assert!(problem.errors[0].message.starts_with("Ligne 2 : "));
    let text = "CFA ; 01/09/2026 ; 11/09/2026 ; 70 ; Rentrée\nEntreprise ; 14/09/2026 ; 18/12/2026";
    let saved = ok(lines(text).await.unwrap()).await;
    assert_eq!(saved["lines"], text);
    assert_eq!(saved["totals"]["by_kind"][0]["hours"], 70);

    // The variant of the dossier gets its own calendrier: its dossiers print it.
    let formation: Value = app
        .get_json(&cfa, &format!("/api/v1/formations/{ENGINEERING_ID}"))
        .await;
    let variant = formation["variants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["access_code"] == "F724")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let own = json!({"periods": [
        {"kind": "cfa", "start": "2026-09-01", "end": "2026-12-18", "hours": 420, "label": "Semestre au CFA"},
        {"kind": "entreprise", "start": "2027-01-04", "end": "2027-08-31"},
    ]});
    let response = app
        .request(Method::PUT, &format!("{annex}?variant_id={variant}"))
        .bearer_auth(&cfa)
        .json(&own)
        .send()
        .await
        .unwrap();
    let saved = ok(response).await;
    assert_eq!(saved["variant_id"], variant.as_str());
    let (calendrier, _) = pdf(&app, &apprentice, DEMO_DOSSIER, "calendrier").await;
    assert!(text_of(&calendrier).contains("Semestre au CFA"));

    // A PDF may stand instead of the data; the formation's programme removed, Suivi says why.
    let attached = pdf::Templates::builtin()
        .render(
            pdf::Kind::Programme,
            &pdf::Kind::Programme.sample_data(),
            &pdf::Metadata {
                title: "Programme".into(),
                author: "CFA".into(),
                made_at: chrono::DateTime::UNIX_EPOCH,
            },
        )
        .unwrap();
    let programme = format!("/api/v1/formations/{ENGINEERING_ID}/annexes/programme");
    let response = app
        .request(Method::PUT, &programme)
        .bearer_auth(&cfa)
        .header("Content-Type", "application/pdf")
        .body(attached.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(ok(response).await["source"], "pdf");
    let (downloaded, _) = pdf(&app, &apprentice, DEMO_DOSSIER, "programme").await;
    assert_eq!(downloaded, attached);
    let response = app
        .request(Method::DELETE, &programme)
        .bearer_auth(&cfa)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let missing = assert_problem(
        get(
            &app,
            &apprentice,
            &format!("/api/v1/dossiers/{DEMO_DOSSIER}/documents/programme"),
        )
        .await,
        409,
        "document_unavailable",
    )
    .await;
    assert!(detail(&missing).contains("informez-en votre conseiller CFA"));
    // A responsable de formation reads but never writes the annexes.
    let formation_staff = app.login_demo("formation").await;
    let response = app
        .request(Method::DELETE, &annex)
        .bearer_auth(&formation_staff)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
}

async fn a_list_s_cerfas_come_as_one_zip_naming_the_dossiers_left_out(backend: Backend) {
    let app = spawn_app(backend).await;
    let cfa = app.login_demo("cfa").await;
    validated(&app).await;
    app.invite(&cfa, "second@example.fr", "F724").await;
    let (cerfa, _) = pdf(&app, &cfa, DEMO_DOSSIER, "cerfa").await;

    let response = get(
        &app,
        &cfa,
        "/api/v1/dossiers/documents/cerfa?sort=created_at",
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/zip");
    assert_eq!(response.headers()["x-document-count"], "2");
    let archive = response.bytes().await.unwrap().to_vec();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lot.zip");
    std::fs::write(&path, &archive).unwrap();
    let extract = dir.path().join("lot");
    let unzipped = Command::new("python3")
        .args(["-m", "zipfile", "-e"])
        .arg(&path)
        .arg(&extract)
        .output()
        .unwrap();
    assert!(
        unzipped.status.success(),
        "{}",
        String::from_utf8_lossy(&unzipped.stderr)
    );
    let mut names: Vec<String> = std::fs::read_dir(&extract)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(
        names[0].starts_with("CERFA-FA13-") && names[0].ends_with("-00000000.pdf"),
        "{names:?}"
    );
    assert_eq!(std::fs::read(extract.join(&names[0])).unwrap(), cerfa);
    let readme = std::fs::read_to_string(extract.join("LISEZ-MOI.txt")).unwrap();
    assert!(
        readme.contains("1 fichier(s) pour 2 dossier(s)"),
        "{readme}"
    );
    assert!(readme.contains("validé par la formation"), "{readme}");

    let apprentice = app.login_demo("alternant").await;
    assert_problem(
        get(&app, &apprentice, "/api/v1/dossiers/documents/cerfa").await,
        403,
        "forbidden",
    )
    .await;
}

async fn a_professionalisation_contract_prints_as_the_ej20(backend: Backend) {
    let app = spawn_app(backend).await;
    let cfa = app.login_demo("cfa").await;
    let mut request = crate::formations::formation_request(&[]);
    request["contract_types"] = json!(["professionnalisation"]);
    let response = app
        .post_json(Some(&cfa), "/api/v1/formations", &request)
        .await;
    assert_eq!(response.status(), 201);
    let formation: Value = response.json().await.unwrap();
    let id = formation["id"].as_str().unwrap();
    let response = app
        .post_json(
            Some(&cfa),
            &format!("/api/v1/formations/{id}/variants"),
            &json!({"access_code": "F901", "label": "Contrat pro"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let (invitation, password) = app.invite(&cfa, "salarie@example.fr", "F901").await;
    let dossier = invitation["dossier_id"].as_str().unwrap();
    let employee = app.login("salarie@example.fr", &password).await;

    let response = get(
        &app,
        &employee,
        &format!("/api/v1/dossiers/{dossier}/documents/cerfa/draft"),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("BROUILLON-CERFA-EJ20-")
    );
    let bytes = response.bytes().await.unwrap().to_vec();
    let text = text_of(&bytes);
    for expected in [
        "CONTRAT DE PROFESSIONNALISATION",
        "cerfa N°12434*03",
        "LE SALARIÉ",
        "LE TUTEUR",
        "notice EJ21",
    ] {
        assert!(text.contains(expected), "{expected:?} in {text}");
    }
    assert_archivable(&bytes, "EJ20");
}

async fn a_kept_cerfa_is_sealed_like_the_nir_and_follows_its_keys(backend: Backend) {
    use server::{config::Secret, maintenance, sealing::NirSeal};
    const KEY_A: &str = "a:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    const KEY_B: &str = "b:HxwdHhscGhkYFxYVFBMSERAPDg0MCwoJCAcGBQQDAgE=";
    let app = spawn_app_with(backend, |s| s.security.nir_keys = Secret::new(KEY_A)).await;
    validated(&app).await;
    let apprentice = app.login_demo("alternant").await;
    let (cerfa, _) = pdf(&app, &apprentice, DEMO_DOSSIER, "cerfa").await;
    let nir = complete_content()["apprenti"]["nir"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        text_of(&cerfa).contains(&nir[..5]),
        "the CERFA prints the NIR"
    );

    let kept = db::queries::documents::blobs_after(&app.state.db, None, 10)
        .await
        .unwrap();
    assert_eq!(kept.len(), 1);
    assert!(kept[0].bytes.starts_with(b"sealed:v1:a:"));
    assert!(
        !kept[0].bytes.windows(5).any(|w| w == b"%PDF-"),
        "unreadable in the database"
    );

    let url = app.state.settings.database_url();
    let rotated = spawn_app_with(backend, |s| {
        s.database.url = Secret::new(url.clone());
        s.security.nir_keys = Secret::new(format!("{KEY_B},{KEY_A}"));
    })
    .await;
    let seal = NirSeal::from_setting(&format!("{KEY_B},{KEY_A}"), false).unwrap();
    assert_eq!(
        maintenance::reseal_all(&rotated.state.db, &seal)
            .await
            .unwrap(),
        2,
        "the dossier's NIR and the kept CERFA"
    );
    let without_old = spawn_app_with(backend, |s| {
        s.database.url = Secret::new(url.clone());
        s.security.nir_keys = Secret::new(KEY_B);
    })
    .await;
    let apprentice = without_old.login_demo("alternant").await;
    let (again, _) = pdf(&without_old, &apprentice, DEMO_DOSSIER, "cerfa").await;
    assert_eq!(again, cerfa, "the same bytes, under the new key");
}

async fn a_cfa_s_own_convention_replaces_the_built_in_one_and_a_broken_one_stops_the_start(
    backend: Backend,
) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("convention.typ"),
        "#let doc = json(\"data.json\")\n#set document(title: doc.meta.title, author: doc.meta.author)\n#set text(font: \"Liberation Sans\", lang: \"fr\")\n= Convention du CFA des Calanques\nEntre #doc.data.cfa.denomination et #doc.data.employeur.denomination.\n",
    )
    .unwrap();
    let templates = dir.path().to_owned();
    let app = spawn_app_with(backend, move |s| s.documents.templates_dir = templates).await;
    let cfa = app.login_demo("cfa").await;
    validated(&app).await;
    ok(app.enter_economics(&cfa, DEMO_DOSSIER, &economics()).await).await;
    act(&app, &cfa, DEMO_DOSSIER, "economics-validation", json!({})).await;
    let (convention, _) = pdf(&app, &cfa, DEMO_DOSSIER, "convention").await;
    let text = text_of(&convention);
    assert!(text.contains("Convention du CFA des Calanques"), "{text}");
    assert!(text.contains("Entre CFA Epure Méditerranée et"), "{text}");
    assert_archivable(&convention, "the CFA's convention");

    // A template that does not render is refused with typst's message and its line, before the
    // server listens.
    std::fs::write(
        dir.path().join("cerfa.typ"),
        "#let d = json(\"data.json\")\n#d.nope.deeper",
    )
    .unwrap();
    let refused = server::startup::load_templates(dir.path())
        .unwrap_err()
        .to_string();
    assert!(refused.contains("cerfa.typ"), "{refused}");
    assert!(refused.contains("line 2"), "{refused}");
}
