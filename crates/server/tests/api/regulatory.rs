//! Regulatory data (issue 18): the tables in force and their files, a CFA's file replacing
//! the SMIC table or the code lists, a malformed file that stops the start, and the legal
//! checks that read them (IDCC list, DAT-13) through the API.

use reqwest::{Method, header};
use serde_json::{Value, json};

use crate::{
    both,
    documents::DEMO_DOSSIER,
    helpers::{
        Backend, TestApp, assert_problem, complete_content, demo, ok, spawn_app, spawn_app_with,
        test_settings,
    },
};

both!(
    the_tables_in_force_say_their_date_and_origin_and_download_as_files,
    a_file_that_adds_a_smic_line_changes_the_remuneration_lines,
    an_unknown_or_replaced_idcc_is_refused_by_the_evaluation,
    a_contract_whose_end_is_past_is_not_sent_for_validation,
    stored_completeness_is_computed_again_when_the_data_in_force_change,
);

async fn evaluate(app: &TestApp, token: &str, content: Value) -> Value {
    ok(app
        .post_json(
            Some(token),
            "/api/v1/rules/evaluate",
            &json!({"formation": {"start_date": "2027-09-01", "end_date": "2029-08-31"}, "content": content}),
        )
        .await)
    .await
}

async fn the_tables_in_force_say_their_date_and_origin_and_download_as_files(backend: Backend) {
    let app = spawn_app(backend).await;
    let data: Value = ok(app
        .request(Method::GET, "/api/v1/regulatory-data")
        .send()
        .await
        .unwrap())
    .await;
    let dataset = |name: &str| {
        data["datasets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["name"] == name)
            .cloned()
            .unwrap()
    };
    assert_eq!(dataset("smic")["version"], "2026-01-01");
    assert_eq!(dataset("smic")["origin"], "embedded");
    assert_eq!(dataset("smic")["entries"], 10);
    assert_eq!(dataset("idcc")["version"], "2024-11-12");
    assert!(dataset("idcc")["entries"].as_u64().unwrap() > 700);
    assert_eq!(dataset("ceilings")["origin"], "embedded");
    assert_eq!(data["smic_in_force"]["monthly"], "1823,03");

    let file = app
        .request(Method::GET, "/api/v1/regulatory-data/idcc")
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), 200);
    assert!(
        file.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let etag = file.headers()[header::ETAG].to_str().unwrap().to_owned();
    let text = file.text().await.unwrap();
    assert!(text.contains("\n0735;remplace;Machines à coudre : commerce;\n"));
    let again = app
        .request(Method::GET, "/api/v1/regulatory-data/idcc")
        .header(header::IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert_problem(
        app.request(Method::GET, "/api/v1/regulatory-data/npec")
            .send()
            .await
            .unwrap(),
        404,
        "not_found",
    )
    .await;
}

async fn a_file_that_adds_a_smic_line_changes_the_remuneration_lines(backend: Backend) {
    // What the embedded table gives for a contract starting in 2027: the 2026 SMIC.
    let embedded = spawn_app(backend).await;
    let token = embedded.login_demo("cfa").await;
    let content = complete_content();
    let first_line = |evaluation: &Value| evaluation["remuneration"][0]["monthly_minimum"].clone();
    let before = first_line(&evaluate(&embedded, &token, content.clone()).await);

    // A revaluation on the contract's first day, which the embedded table does not know.
    let start = content["contrat"]["dateDebutContrat"]
        .as_str()
        .unwrap()
        .to_owned();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("smic.csv");
    let table = embedded
        .request(Method::GET, "/api/v1/regulatory-data/smic")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .replace("# version: 2026-01-01", &format!("# version: {start}"))
        + &format!("{start};12,50;1895,84;1471,23\n");
    std::fs::write(&path, table).unwrap();
    let app = spawn_app_with(backend, |settings| settings.regulatory.smic = path.clone()).await;
    let token = app.login_demo("cfa").await;
    let evaluation = evaluate(&app, &token, content).await;
    let after = first_line(&evaluation);
    assert_ne!(before, after);
    // 43 % of 1 895,84 €, rounded up to the cent.
    assert_eq!(evaluation["remuneration"][0]["rate"], 43);
    assert_eq!(after, 815.22);
    let data: Value = ok(app
        .request(Method::GET, "/api/v1/regulatory-data")
        .send()
        .await
        .unwrap())
    .await;
    assert_eq!(data["datasets"][0]["origin"], "file");
    assert_eq!(data["datasets"][0]["version"], start.as_str());

    // A malformed line stops the start, with the file and the line.
    std::fs::write(
        &path,
        format!("{}2028-01-01;12,9;1950,00;1500,00\n", server_smic_file()),
    )
    .unwrap();
    let dir2 = tempfile::tempdir().unwrap();
    let mut settings = test_settings(&dir2);
    settings.regulatory.smic = path.clone();
    let error = server::startup::Application::build(settings)
        .await
        .err()
        .expect("a malformed table refuses to start")
        .to_string();
    assert!(error.starts_with("regulatory.smic: "), "{error}");
    assert!(
        error.contains("ligne 17") && error.contains("12,9"),
        "{error}"
    );
}

fn server_smic_file() -> &'static str {
    domain::regulatory::SMIC_FILE
}

async fn an_unknown_or_replaced_idcc_is_refused_by_the_evaluation(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.login_demo("employeur").await;
    let refusal = |evaluation: &Value| {
        evaluation["tabs"]["employeur"]["invalid"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["field"] == "employeur.codeIdcc")
            .map(|e| {
                (
                    e["code"].as_str().unwrap().to_owned(),
                    e["message"].as_str().unwrap().to_owned(),
                )
            })
    };
    let with_idcc = |code: &str| {
        let mut content = complete_content();
        content["employeur"]["codeIdcc"] = json!(code);
        content
    };
    let (code, message) = refusal(&evaluate(&app, &token, with_idcc("1950")).await).unwrap();
    assert_eq!(code, "idcc_unknown");
    assert!(message.contains("1950"), "{message}");
    let (code, message) = refusal(&evaluate(&app, &token, with_idcc("0735")).await).unwrap();
    assert_eq!(code, "idcc_not_in_force");
    assert!(message.contains("remplacée"), "{message}");
    assert_eq!(
        refusal(&evaluate(&app, &token, with_idcc("1486")).await),
        None
    );
}

async fn a_contract_whose_end_is_past_is_not_sent_for_validation(backend: Backend) {
    let app = spawn_app(backend).await;
    let cfa = app.login_demo("cfa").await;
    let mut content = complete_content();
    content["contactEntreprise"]["courriel"] = json!("employeur@demo.opuntia.test");
    ok(app.write(&cfa, DEMO_DOSSIER, &content).await).await;
    let end = content["contrat"]["dateFinContrat"].as_str().unwrap();
    let end: chrono::NaiveDate = end.parse().unwrap();
    let today = app.state.clock.now().date_naive();
    app.state
        .clock
        .advance(chrono::Duration::days((end - today).num_days() + 1));
    let apprentice = app.login_demo("alternant").await;
    let dossier = app.dossier(&apprentice, DEMO_DOSSIER).await;
    assert!(
        dossier["evaluation"]["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["code"] == "contract_ended"),
        "{}",
        dossier["evaluation"]["warnings"]
    );
    let refused = app
        .post_json(
            Some(&apprentice),
            &format!("/api/v1/dossiers/{DEMO_DOSSIER}/validation-request"),
            &json!({}),
        )
        .await;
    let problem = assert_problem(refused, 409, "contract_ended").await;
    assert!(
        problem
            .detail
            .unwrap_or_default()
            .contains("date de fin du contrat est passée")
    );
}

/// A code list file with one more dérogation, for CERFA *13 and later.
fn codes_with_a_new_derogation() -> String {
    format!(
        "{}type_derogation;13+;70;Dérogation d'essai\n",
        domain::codes::CODES_FILE
    )
}

/// The code lists in force are the process's: a server started on a CFA's file runs as its
/// own process, as in production.
#[tokio::test]
async fn a_code_list_file_replaces_the_vocabulary_of_the_whole_server() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("codes.csv");
    std::fs::write(&path, codes_with_a_new_derogation()).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_opuntia"))
        .env("OPUNTIA__DATA_DIR", dir.path().join("data"))
        .env("OPUNTIA__SERVER__PORT", "0")
        .env("OPUNTIA__REGULATORY__CODES", &path)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let url = stdout.by_ref().map_while(Result::ok).find_map(|line| {
        line.strip_prefix("Opuntia écoute sur ")
            .map(|url| url.trim_end_matches('/').to_owned())
    });
    // The server goes on printing (its demo accounts): a closed pipe would stop it.
    std::thread::spawn(move || stdout.for_each(drop));
    let Some(url) = url else {
        let _ = child.kill();
        panic!("the server did not start");
    };
    let client = reqwest::Client::new();
    let get = |path: &str| client.get(format!("{url}{path}")).send();

    let data: Value = ok(get("/api/v1/regulatory-data").await.unwrap()).await;
    let codes = data["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "codes")
        .cloned()
        .unwrap();
    assert_eq!(codes["origin"], "file");
    assert_eq!(codes["version"], "2025-07-01");
    let file = get("/api/v1/regulatory-data/codes").await.unwrap();
    assert_eq!(file.text().await.unwrap(), codes_with_a_new_derogation());
    let catalogue: Value = ok(get("/api/v1/catalogue").await.unwrap()).await;
    let derogation = catalogue
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == "contrat.typeDerogation")
        .unwrap();
    assert!(
        derogation["codes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"] == "70" && c["label"] == "Dérogation d'essai")
    );

    let login: Value = ok(client
        .post(format!("{url}/api/v1/auth/login"))
        .json(&json!({"email": demo("cfa"), "password": "opuntia-demo"}))
        .send()
        .await
        .unwrap())
    .await;
    let token = login["access_token"].as_str().unwrap();
    let refusal_of = |code: &'static str| {
        let mut content = complete_content();
        content["contrat"]["typeDerogation"] = json!(code);
        let request = client
            .post(format!("{url}/api/v1/rules/evaluate"))
            .bearer_auth(token)
            .json(&json!({"formation": {"start_date": "2027-09-01", "end_date": "2029-08-31"}, "content": content}))
            .send();
        async move {
            let evaluation: Value = ok(request.await.unwrap()).await;
            evaluation["tabs"]["contrat"]["invalid"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["field"] == "contrat.typeDerogation")
                .map(|e| e["code"].as_str().unwrap().to_owned())
        }
    };
    let accepted = refusal_of("70").await;
    let unknown = refusal_of("71").await;
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(accepted, None);
    assert!(unknown.is_some());
}

#[tokio::test]
async fn a_malformed_code_list_file_stops_the_start_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("codes.csv");
    let text = format!(
        "{}type_derogation;15;70;Version inconnue\n",
        domain::codes::CODES_FILE
    );
    std::fs::write(&path, &text).unwrap();
    let mut settings = test_settings(&dir);
    settings.regulatory.codes = path;
    let error = server::startup::Application::build(settings)
        .await
        .err()
        .expect("a malformed code list refuses to start")
        .to_string();
    assert!(error.starts_with("regulatory.codes: "), "{error}");
    assert!(
        error.contains(&format!("ligne {}", text.lines().count())) && error.contains("« 15 »"),
        "{error}"
    );
}

async fn stored_completeness_is_computed_again_when_the_data_in_force_change(backend: Backend) {
    use server::services::dossiers::refresh_listings_if_rules_changed;
    let app = spawn_app(backend).await;
    let cfa = app.login_demo("cfa").await;
    let mut content = complete_content();
    content["contactEntreprise"]["courriel"] = json!("employeur@demo.opuntia.test");
    ok(app.write(&cfa, DEMO_DOSSIER, &content).await).await;
    let (db, seal) = (&app.state.db, &app.state.seal);
    let today = app.state.clock.now().date_naive();
    let stored = || async {
        db::queries::dossiers::batch_after(db, seal, None, 100)
            .await
            .unwrap()
            .into_iter()
            .find(|row| row.id == DEMO_DOSSIER)
            .unwrap()
            .complete
    };
    assert_eq!(stored().await, Some(true));
    let embedded = domain::regulatory::RegulatoryData::embedded();
    // The start-up computed with the data in force: nothing to do again.
    assert_eq!(
        refresh_listings_if_rules_changed(db, seal, embedded, today)
            .await
            .unwrap(),
        None
    );

    // A CFA's IDCC list in which the dossier's convention (1486) no longer is in force.
    let mut abrogated = embedded.clone();
    let text = embedded
        .idcc
        .as_ref()
        .unwrap()
        .to_csv()
        .replace("\n1486;en_vigueur;", "\n1486;abroge;");
    abrogated.idcc = Some(domain::regulatory::IdccList::parse(&text).unwrap());
    let abrogated: &'static _ = Box::leak(Box::new(abrogated));
    assert_eq!(
        refresh_listings_if_rules_changed(db, seal, abrogated, today)
            .await
            .unwrap(),
        Some(1)
    );
    assert_eq!(stored().await, Some(false));
    assert_eq!(
        refresh_listings_if_rules_changed(db, seal, abrogated, today)
            .await
            .unwrap(),
        None
    );
    // Back to the embedded list: complete again.
    assert_eq!(
        refresh_listings_if_rules_changed(db, seal, embedded, today)
            .await
            .unwrap(),
        Some(1)
    );
    assert_eq!(stored().await, Some(true));
}
