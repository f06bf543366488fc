//! Regulatory data (issue 18): the tables in force and their files, a CFA's file replacing
//! the SMIC table, a malformed file that stops the start, and the legal checks that read them
//! (IDCC list, DAT-13) through the API.

use reqwest::{Method, header};
use serde_json::{Value, json};

use crate::{
    both,
    documents::DEMO_DOSSIER,
    helpers::{
        Backend, TestApp, assert_problem, complete_content, ok, spawn_app, spawn_app_with,
        test_settings,
    },
};

both!(
    the_tables_in_force_say_their_date_and_origin_and_download_as_files,
    a_file_that_adds_a_smic_line_changes_the_remuneration_lines,
    an_unknown_or_replaced_idcc_is_refused_by_the_evaluation,
    a_contract_whose_end_is_past_is_not_sent_for_validation,
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
