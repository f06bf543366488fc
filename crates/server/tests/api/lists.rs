//! Lists of dossiers: scope, filters, search, sort, pages, counts, CSV export.

use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    both,
    helpers::{Backend, MASTER_ID, TestApp, assert_problem, spawn_app, spawn_app_with},
};

both!(
    staff_filter_search_sort_and_page_the_list,
    each_role_lists_only_what_it_may_open,
    the_counts_give_a_dashboard_per_status,
    the_export_is_a_spreadsheet_ready_csv_of_the_filtered_list,
    a_patch_updates_what_the_list_shows_and_the_shared_company,
    a_bad_filter_is_refused_with_the_reason,
    a_cursor_walks_every_sort_both_ways_in_the_order_of_the_pages,
    a_cursor_that_is_not_one_or_belongs_to_another_sort_is_refused,
    the_counters_follow_every_insert_status_change_and_delete,
    search_finds_words_through_the_index_short_words_and_quotes_alike,
    an_address_or_a_siret_is_found_by_its_start_and_a_domain_anywhere,
    the_export_streams_every_row_past_its_first_page,
    the_lists_migration_rolls_back_and_forward_keeping_counts_and_search,
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

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn a_cursor_walks_every_sort_both_ways_in_the_order_of_the_pages(backend: Backend) {
    let app = spawn_app(backend).await;
    five_apprentices(&app).await;
    let cfa = app.login_demo("cfa").await;
    // Equal values to order by id (five drafts), a name emptied, contract starts missing.
    let emptied = list(&app, &cfa, "q=benali").await["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut row = db::queries::dossiers::by_id(&app.state.db, &app.state.seal, &emptied)
        .await
        .unwrap()
        .unwrap();
    row.apprentice_name = None;
    db::queries::dossiers::save(&app.state.db, &app.state.seal, row)
        .await
        .unwrap();

    for sort in [
        "updated_at",
        "created_at",
        "name",
        "status",
        "contract_start",
    ] {
        for sort in [sort.to_owned(), format!("-{sort}")] {
            let whole = ids(&list(&app, &cfa, &format!("sort={sort}&per_page=200")).await);
            assert_eq!(whole.len(), 6);
            let mut walked = Vec::new();
            let mut query = format!("sort={sort}&per_page=2");
            loop {
                let page = list(&app, &cfa, &query).await;
                assert_eq!(page["total"], 6);
                walked.extend(ids(&page));
                match page["next_cursor"].as_str() {
                    Some(cursor) => query = format!("sort={sort}&per_page=2&cursor={cursor}"),
                    None => break,
                }
            }
            assert_eq!(walked, whole, "sort={sort}");
        }
    }
}

async fn a_cursor_that_is_not_one_or_belongs_to_another_sort_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    five_apprentices(&app).await;
    let cfa = app.login_demo("cfa").await;
    let first = list(&app, &cfa, "sort=name&per_page=2").await;
    let cursor = first["next_cursor"].as_str().unwrap();

    let other_sort = app
        .get_as(
            &cfa,
            &format!("/api/v1/dossiers?sort=-name&cursor={cursor}"),
        )
        .await;
    let garbage = app
        .get_as(&cfa, "/api/v1/dossiers?cursor=bm90LWEtY3Vyc29y")
        .await;
    let not_base64 = app.get_as(&cfa, "/api/v1/dossiers?cursor=%E2%82%AC").await;
    // « v1|name|0|0000|A\0B »: a NUL would reach the database.
    let nul = app
        .get_as(
            &cfa,
            "/api/v1/dossiers?sort=name&cursor=djF8bmFtZXwwfDAwMDB8QQBC",
        )
        .await;

    let problem = assert_problem(other_sort, 400, "invalid_query").await;
    assert!(problem.detail.unwrap().contains("autre tri"));
    assert_problem(garbage, 400, "invalid_query").await;
    assert_problem(not_base64, 400, "invalid_query").await;
    assert_problem(nul, 400, "invalid_query").await;
}

/// The counters, and the same counts made from the rows.
async fn counters_and_rows(app: &TestApp) -> (Vec<(String, bool, i64)>, Vec<(String, bool, i64)>) {
    let mut counted: Vec<(String, bool, i64)> =
        db::queries::dossiers::counts(&app.state.db, &Default::default())
            .await
            .unwrap()
            .into_iter()
            .filter(|(_, _, n)| *n != 0)
            .map(|(status, complete, n)| (status.key(), complete.unwrap_or(false), n))
            .collect();
    counted.sort();
    // A filter on a party, which the counters do not keep, makes the rows be counted: each
    // dossier once, under its apprentice.
    let mut rows = Vec::new();
    let apprentices = db::queries::users::list(&app.state.db, Some(domain::Role::Alternant))
        .await
        .unwrap();
    for user in apprentices {
        let filter = db::queries::dossiers::Filter {
            party: Some(user.id),
            ..Default::default()
        };
        for (status, complete, n) in db::queries::dossiers::counts(&app.state.db, &filter)
            .await
            .unwrap()
        {
            rows.push((status.key(), complete.unwrap_or(false), n));
        }
    }
    let mut summed: Vec<(String, bool, i64)> = Vec::new();
    rows.sort();
    for (status, complete, n) in rows {
        match summed.last_mut() {
            Some(last) if last.0 == status && last.1 == complete => last.2 += n,
            _ => summed.push((status, complete, n)),
        }
    }
    (counted, summed)
}

async fn the_counters_follow_every_insert_status_change_and_delete(backend: Backend) {
    let app = spawn_app(backend).await;
    five_apprentices(&app).await;
    let (counters, rows) = counters_and_rows(&app).await;
    assert_eq!(counters, rows, "after the invitations");

    let cfa = app.login_demo("cfa").await;
    let moved = list(&app, &cfa, "q=roux").await["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut row = db::queries::dossiers::by_id(&app.state.db, &app.state.seal, &moved)
        .await
        .unwrap()
        .unwrap();
    row.status = domain::Status::Cancelled.into();
    row.complete = Some(true);
    db::queries::dossiers::save(&app.state.db, &app.state.seal, row.clone())
        .await
        .unwrap();
    let (counters, rows) = counters_and_rows(&app).await;
    assert_eq!(counters, rows, "after a status change");
    assert!(counters.contains(&("cancelled".into(), true, 1)));

    // A copy without history, then deleted.
    row.id = "00000000-0000-4000-8000-0000000c0de5".into();
    row.search_key = 77;
    db::queries::dossiers::insert(&app.state.db, &app.state.seal, vec![row])
        .await
        .unwrap();
    assert!(
        counters_and_rows(&app)
            .await
            .0
            .contains(&("cancelled".into(), true, 2))
    );
    use db::sea_orm::EntityTrait;
    db::entities::dossier::Entity::delete_by_id("00000000-0000-4000-8000-0000000c0de5".to_owned())
        .exec(&app.state.db)
        .await
        .unwrap();
    let (counters, rows) = counters_and_rows(&app).await;
    assert_eq!(counters, rows, "after a delete");
    assert!(counters.contains(&("cancelled".into(), true, 1)));
}

/// The searches of the test below, whichever way the index answers them.
async fn searches_find_the_five(app: &TestApp, cfa: &str) {
    assert_eq!(names(&list(app, cfa, "q=mor").await), vec!["MOREAU Lina"]);
    assert_eq!(names(&list(app, cfa, "q=ore").await), vec!["MOREAU Lina"]);
    assert_eq!(names(&list(app, cfa, "q=ro%20hu").await), vec!["ROUX Hugo"]);
    assert_eq!(
        names(&list(app, cfa, "q=roux%20hugo").await),
        vec!["ROUX Hugo"]
    );
    assert_eq!(list(app, cfa, "q=zz").await["total"], 0);
    for odd in [
        "%22",
        "a%22%20OR%20%22b",
        "mor*",
        "NEAR(a%20b)",
        "%25",
        "_",
        "%5C",
    ] {
        let page = list(app, cfa, &format!("q={odd}")).await;
        assert!(page["items"].is_array(), "q={odd}");
    }
    assert_eq!(list(app, cfa, "q=%25").await["total"], 0);
}

/// Gives the dossier found by `query` another search text, as a save of its names does.
async fn rename(app: &TestApp, cfa: &str, query: &str, search_text: &str) {
    let id = list(app, cfa, query).await["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut row = db::queries::dossiers::by_id(&app.state.db, &app.state.seal, &id)
        .await
        .unwrap()
        .unwrap();
    row.search_text = Some(search_text.into());
    db::queries::dossiers::save(&app.state.db, &app.state.seal, row)
        .await
        .unwrap();
}

/// A server whose search indexing runs at start, then not for an hour, and the five
/// apprentices invited after: on SQLite their dossiers wait for the text index until a test
/// indexes them. Answers the server and a CFA staff token.
async fn five_apprentices_waiting_for_the_index(backend: Backend) -> (TestApp, String) {
    let app = spawn_app_with(backend, |settings| {
        settings.database.search_index_interval_ms = 3_600_000;
    })
    .await;
    five_apprentices(&app).await;
    let cfa = app.login_demo("cfa").await;
    (app, cfa)
}

async fn search_finds_words_through_the_index_short_words_and_quotes_alike(backend: Backend) {
    let (app, cfa) = five_apprentices_waiting_for_the_index(backend).await;
    let sqlite = backend == Backend::Sqlite;
    let waiting = || db::queries::dossiers::search_waiting(&app.state.db);

    // On SQLite the new dossiers wait for the index: searches read them all the same.
    assert_eq!(waiting().await.unwrap(), sqlite);
    searches_find_the_five(&app, &cfa).await;
    rename(&app, &cfa, "q=roux", "bernard hugo hugo.bernard@example.fr").await;
    assert_eq!(list(&app, &cfa, "q=roux").await["total"], 0);
    assert_eq!(list(&app, &cfa, "q=bernard").await["total"], 1);
    rename(&app, &cfa, "q=bernard", "roux hugo hugo.roux@example.fr").await;

    let indexed = server::services::search_index::index_waiting(&app.state)
        .await
        .unwrap();
    assert_eq!(indexed >= 5, sqlite, "{indexed} indexed");
    assert!(!waiting().await.unwrap());
    searches_find_the_five(&app, &cfa).await;

    // An indexed dossier whose name changed is found under the new one only.
    rename(&app, &cfa, "q=moreau", "durand lina lina.durand@example.fr").await;
    assert_eq!(list(&app, &cfa, "q=moreau").await["total"], 0);
    assert_eq!(list(&app, &cfa, "q=durand").await["total"], 1);
    let counts = app.get_json(&cfa, "/api/v1/dossiers/counts?q=durand").await;
    assert_eq!(counts["total"], 1);
}

async fn an_address_or_a_siret_is_found_by_its_start_and_a_domain_anywhere(backend: Backend) {
    // Addresses and SIRET do not need SQLite's text index: the new dossiers still wait for it.
    let (app, cfa) = five_apprentices_waiting_for_the_index(backend).await;
    let found = |query: &'static str| {
        let (app, cfa) = (&app, &cfa);
        async move { names(&list(app, cfa, query).await) }
    };

    assert_eq!(found("q=HUGO.ROUX@EXAMPLE.FR").await, vec!["ROUX Hugo"]);
    assert_eq!(found("q=hugo.roux@ex").await, vec!["ROUX Hugo"]);
    assert_eq!(found("q=roux%20hugo.roux@").await, vec!["ROUX Hugo"]);
    assert_eq!(found("q=hugo.roux@example.fr.").await, Vec::<String>::new());
    // An address is read from its start: its middle is not one.
    assert_eq!(found("q=ugo.roux@").await, Vec::<String>::new());
    // A domain is found in every address that holds it.
    assert_eq!(found("q=@example.fr").await.len(), 5);
    assert_eq!(
        found("q=@demo.opuntia.test").await,
        vec!["MARTIN Léa"],
        "the demo apprentice"
    );

    // A SIREN, the start of a SIRET, a whole SIRET; a SIRET with a wrong last digit.
    assert_eq!(found("q=732829320").await, vec!["MARTIN Léa"]);
    assert_eq!(found("q=7328293200").await, vec!["MARTIN Léa"]);
    assert_eq!(found("q=73282932000074").await, vec!["MARTIN Léa"]);
    assert_eq!(found("q=73282932000075").await, Vec::<String>::new());
    assert_eq!(found("q=73282932000074%20martin").await, vec!["MARTIN Léa"]);
    assert_eq!(found("q=73282932000074%20roux").await, Vec::<String>::new());
    // Fewer digits are text, found anywhere.
    assert_eq!(found("q=2932000").await, vec!["MARTIN Léa"]);
    let counts = app
        .get_json(&cfa, "/api/v1/dossiers/counts?q=hugo.roux@")
        .await;
    assert_eq!(counts["total"], 1);
}

async fn the_export_streams_every_row_past_its_first_page(backend: Backend) {
    let app = spawn_app(backend).await;
    let cfa = app.login_demo("cfa").await;
    let mut csv = String::from("email,first_name,last_name,access_code\n");
    for n in 0..1_203 {
        csv.push_str(&format!("exporte.{n}@example.fr,Léa,Martin,F724\n"));
    }
    let invited = app
        .request(Method::POST, "/api/v1/invitations/bulk")
        .bearer_auth(&cfa)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(invited.status(), 200);

    let text = app
        .get_text(&cfa, "/api/v1/dossiers/export?sort=created_at")
        .await;

    let lines: Vec<&str> = text.trim_end().split("\r\n").collect();
    assert_eq!(
        lines.len(),
        1 + 1_204,
        "a header, the demo dossier and 1 203 invited"
    );
    let mut ids: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.split(';').next().unwrap())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 1_204, "no dossier twice");
}

async fn the_lists_migration_rolls_back_and_forward_keeping_counts_and_search(backend: Backend) {
    use db::MigratorTrait;
    let app = spawn_app(backend).await;
    five_apprentices(&app).await;
    let cfa = app.login_demo("cfa").await;
    let before = app.get_json(&cfa, "/api/v1/dossiers/counts").await;

    // Back before `m20261203_000012` (lists at scale), `…_000013` (search indexed after) and
    // `…_000014` (addresses and SIRET by their start); `…_000015` (a formation's place of
    // training) came after them.
    db::Migrator::down(&app.state.db, Some(4)).await.unwrap();
    db::Migrator::up(&app.state.db, None).await.unwrap();

    assert_eq!(app.get_json(&cfa, "/api/v1/dossiers/counts").await, before);
    assert_eq!(
        names(&list(&app, &cfa, "q=moreau").await),
        vec!["MOREAU Lina"]
    );
    assert_eq!(list(&app, &cfa, "sort=name&per_page=2").await["total"], 6);
    assert_eq!(
        names(&list(&app, &cfa, "q=hugo.roux@").await),
        vec!["ROUX Hugo"]
    );
    assert_eq!(
        names(&list(&app, &cfa, "q=73282932000074").await),
        vec!["MARTIN Léa"]
    );
}
