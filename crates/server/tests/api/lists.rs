//! Lists of dossiers: scope, filters, search, sort, pages, counts, CSV export.

use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    both,
    helpers::{Backend, MASTER_ID, TestApp, assert_problem, spawn_app},
};

both!(
    staff_filter_search_sort_and_page_the_list,
    each_role_lists_only_what_it_may_open,
    the_counts_give_a_dashboard_per_status,
    the_export_is_a_spreadsheet_ready_csv_of_the_filtered_list,
    a_patch_updates_what_the_list_shows_and_the_shared_company,
    a_bad_filter_is_refused_with_the_reason,
);

/// Invites five apprentices: three in F724, two in F728.
async fn five_apprentices(app: &TestApp) {
    let cfa = app.login_demo("cfa").await;
    let rows = json!([
        {"email": "lina.moreau@example.fr", "first_name": "Lina", "last_name": "Moreau", "access_code": "F724"},
        {"email": "theo.blanc@example.fr", "first_name": "Théo", "last_name": "Blanc", "access_code": "F724"},
        {"email": "ines.petit@example.fr", "first_name": "Inès", "last_name": "Petit", "access_code": "F724-2"},
        {"email": "hugo.roux@example.fr", "first_name": "Hugo", "last_name": "Roux", "access_code": "F728"},
        {"email": "ali.benali@example.fr", "first_name": "Ali", "last_name": "Benali", "access_code": "F728"}
    ]);
    let response = app
        .request(Method::POST, "/api/v1/invitations/bulk")
        .bearer_auth(&cfa)
        .json(&rows)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

async fn list(app: &TestApp, token: &str, query: &str) -> Value {
    let response = app
        .get_as(token, &format!("/api/v1/dossiers?{query}"))
        .await;
    assert_eq!(response.status(), 200, "{query}");
    response.json().await.unwrap()
}

fn names(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["apprentice_name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn staff_filter_search_sort_and_page_the_list(backend: Backend) {
    let app = spawn_app(backend).await;
    five_apprentices(&app).await;
    let cfa = app.login_demo("cfa").await;

    let all = list(&app, &cfa, "").await;
    assert_eq!(all["total"], 6);
    let master = list(&app, &cfa, &format!("formation_id={MASTER_ID}")).await;
    assert_eq!(names(&master).len(), 2);
    assert!(
        master["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["access_code"] == "F728")
    );
    let drafts = list(&app, &cfa, "status=draft").await;
    assert_eq!(drafts["total"], 5);
    let found = list(&app, &cfa, "q=MOREAU%20lina").await;
    assert_eq!(names(&found), vec!["MOREAU Lina"]);
    let by_email = list(&app, &cfa, "q=hugo.roux@").await;
    assert_eq!(names(&by_email), vec!["ROUX Hugo"]);
    let by_siret = list(&app, &cfa, "q=7328293200").await;
    assert_eq!(names(&by_siret), vec!["MARTIN Léa"]);
    let sorted = list(&app, &cfa, "sort=name").await;
    assert_eq!(
        names(&sorted),
        vec![
            "BENALI Ali",
            "BLANC Théo",
            "MARTIN Léa",
            "MOREAU Lina",
            "PETIT Inès",
            "ROUX Hugo"
        ]
    );
    let page = list(&app, &cfa, "sort=name&per_page=2&page=2").await;
    assert_eq!(names(&page), vec!["MARTIN Léa", "MOREAU Lina"]);
    assert_eq!(page["total"], 6);
    assert_eq!(page["page"], 2);
    let incomplete = list(&app, &cfa, "complete=false").await;
    assert_eq!(incomplete["total"], 6);
    assert_eq!(list(&app, &cfa, "complete=true").await["total"], 0);
}

async fn each_role_lists_only_what_it_may_open(backend: Backend) {
    let app = spawn_app(backend).await;
    five_apprentices(&app).await;
    let cfa = app.login_demo("cfa").await;
    let other: Value = app
        .post_json(
            Some(&cfa),
            "/api/v1/formations",
            &json!({
                "title": "BTS NDRC", "school": "Lycée", "diploma_code": "32031213", "rncp": "RNCP38368",
                "start_date": "2026-09-07", "end_date": "2028-06-30", "hours": 1350,
                "contract_types": ["apprentissage"], "validation_mode": "manual", "mission": "hidden"
            }),
        )
        .await
        .json()
        .await
        .unwrap();
    let other_id = other["id"].as_str().unwrap();
    app.post_json(
        Some(&cfa),
        &format!("/api/v1/formations/{other_id}/variants"),
        &json!({"access_code": "F731", "label": "BTS"}),
    )
    .await;
    app.invite(&cfa, "bts@example.fr", "F731").await;

    assert_eq!(list(&app, &cfa, "").await["total"], 7);
    let responsable = app.login_demo("formation").await;
    assert_eq!(list(&app, &responsable, "").await["total"], 6);
    assert_eq!(
        list(&app, &responsable, &format!("formation_id={other_id}")).await["total"],
        0
    );
    for role in ["alternant", "employeur"] {
        let token = app.login_demo(role).await;
        let own = list(&app, &token, "").await;
        assert_eq!(names(&own), vec!["MARTIN Léa"], "{role}");
    }
}

async fn the_counts_give_a_dashboard_per_status(backend: Backend) {
    let app = spawn_app(backend).await;
    five_apprentices(&app).await;
    let responsable = app.login_demo("formation").await;

    let counts: Value = app
        .get_as(&responsable, "/api/v1/dossiers/counts")
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(counts["total"], 6);
    assert_eq!(counts["by_status"]["draft"], 5);
    assert_eq!(counts["by_status"]["in_progress"], 1);
    assert_eq!(counts["by_status"]["validated"], 0);
    assert_eq!(counts["complete"], 0);
    assert_eq!(counts["incomplete"], 6);
    let master: Value = app
        .get_as(
            &responsable,
            &format!("/api/v1/dossiers/counts?formation_id={MASTER_ID}"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(master["total"], 2);
}

async fn the_export_is_a_spreadsheet_ready_csv_of_the_filtered_list(backend: Backend) {
    let app = spawn_app(backend).await;
    five_apprentices(&app).await;
    let cfa = app.login_demo("cfa").await;

    let response = app
        .get_as(&cfa, "/api/v1/dossiers/export?status=draft&sort=name")
        .await;

    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"dossiers.csv\"")
    );
    let text = response.text().await.unwrap();
    let lines: Vec<&str> = text.trim_end().split("\r\n").collect();
    assert_eq!(lines.len(), 6, "a header and five dossiers");
    assert!(lines[0].starts_with("\u{feff}Dossier;Statut;Complet;Formation"));
    assert!(
        lines[1].contains(";Brouillon;non;") || lines[1].contains(";non;"),
        "{}",
        lines[1]
    );
    assert!(lines[1].contains("BENALI Ali"));
}

async fn a_patch_updates_what_the_list_shows_and_the_shared_company(backend: Backend) {
    let app = spawn_app(backend).await;
    let employer = app.login_demo("employeur").await;
    let response = app
        .request(
            Method::PATCH,
            "/api/v1/dossiers/00000000-0000-4000-8000-00000000d001",
        )
        .bearer_auth(&employer)
        .header("if-match", "\"v1\"")
        .json(&json!({"content": {"employeur": {"denomination": "ACME Provence"}, "contrat": {"dateDebutContrat": "2026-09-07"}}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    let page = list(&app, &employer, "q=acme").await;

    assert_eq!(page["items"][0]["employer_name"], "ACME Provence");
    assert_eq!(page["items"][0]["siret"], "73282932000074");
    assert_eq!(page["items"][0]["contract_start"], "2026-09-07");
    let company = db::queries::companies::by_id(&app.state.db, "siret-73282932000074")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(company.denomination.as_deref(), Some("ACME Provence"));
}

async fn a_bad_filter_is_refused_with_the_reason(backend: Backend) {
    let app = spawn_app(backend).await;
    let cfa = app.login_demo("cfa").await;

    let status = app.get_as(&cfa, "/api/v1/dossiers?status=archived").await;
    let sort = app.get_as(&cfa, "/api/v1/dossiers?sort=salary").await;
    let complete = app
        .get_as(&cfa, "/api/v1/dossiers?complete=peut-etre")
        .await;

    let problem = assert_problem(status, 400, "invalid_query").await;
    assert!(problem.detail.unwrap().contains("archived"));
    assert_problem(sort, 400, "invalid_query").await;
    assert_problem(complete, 400, "invalid_query").await;
}
