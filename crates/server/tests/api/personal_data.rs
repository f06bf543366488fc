//! The apprentice's NIR: encrypted at rest, read in full only by those who need it, masked
//! everywhere else; backups that restore every dossier; keys that rotate.

use db::sealing::NoSeal;
use serde_json::{Value, json};
use server::{config::Secret, maintenance, sealing::NirSeal};

use crate::{
    both,
    helpers::{
        Backend, TestApp, assert_problem, create_pg_database, ok, spawn_app, spawn_app_with,
    },
};

both!(
    the_nir_is_stored_encrypted_and_read_in_full_only_by_those_who_need_it,
    a_backup_taken_while_the_server_runs_restores_every_dossier,
    nir_keys_rotate_without_losing_a_number,
);

const DEMO_DOSSIER: &str = "00000000-0000-4000-8000-00000000d001";
const NIR: &str = "104037512345633";
const MASKED: &str = "1 04 03 •• ••• ••• 33";
const KEY_A: &str = "a:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const KEY_B: &str = "b:HxwdHhscGhkYFxYVFBMSERAPDg0MCwoJCAcGBQQDAgE=";

/// The NIR as stored in the row, read past the seal.
async fn stored_nir(app: &TestApp) -> String {
    db::queries::dossiers::by_id(&app.state.db, &NoSeal, DEMO_DOSSIER)
        .await
        .unwrap()
        .unwrap()
        .content["apprenti"]["nir"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn nir_seen_by(app: &TestApp, role: &str) -> Value {
    let token = app.login_demo(role).await;
    app.dossier(&token, DEMO_DOSSIER).await["content"]["apprenti"]["nir"].clone()
}

async fn give_the_demo_apprentice_a_nir(app: &TestApp) {
    let apprentice = app.login_demo("alternant").await;
    ok(app
        .write(&apprentice, DEMO_DOSSIER, json!({"apprenti": {"nir": NIR}}))
        .await)
    .await;
}

async fn the_nir_is_stored_encrypted_and_read_in_full_only_by_those_who_need_it(backend: Backend) {
    let app = spawn_app(backend).await;
    give_the_demo_apprentice_a_nir(&app).await;

    let stored = stored_nir(&app).await;
    assert!(stored.starts_with("sealed:v1:test:"), "{stored}");
    assert!(!stored.contains("0375"), "{stored}");
    assert_eq!(nir_seen_by(&app, "alternant").await, NIR);
    assert_eq!(nir_seen_by(&app, "cfa").await, NIR);
    assert_eq!(nir_seen_by(&app, "employeur").await, MASKED);
    assert_eq!(nir_seen_by(&app, "formation").await, MASKED);

    let cfa = app.login_demo("cfa").await;
    let history = app
        .get_json(&cfa, &format!("/api/v1/dossiers/{DEMO_DOSSIER}/history"))
        .await;
    let recorded = history
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["field"] == "apprenti.nir")
        .expect("the change is in the history");
    assert_eq!(recorded["new"], MASKED);
    let export = app.get_text(&cfa, "/api/v1/dossiers/export").await;
    assert!(!export.contains("0375") && !export.contains(NIR));

    // A masked number sent back is no number: refused, the stored one kept.
    let sent_back = app
        .write(&cfa, DEMO_DOSSIER, json!({"apprenti": {"nir": MASKED}}))
        .await;
    let problem = assert_problem(sent_back, 422, "validation_failed").await;
    assert_eq!(problem.errors[0].code, "nir_masked");
    assert_eq!(nir_seen_by(&app, "cfa").await, NIR);
}

/// Every dossier as CFA staff read it, by id.
async fn every_dossier(app: &TestApp) -> Vec<Value> {
    let cfa = app.login_demo("cfa").await;
    let list = app.get_json(&cfa, "/api/v1/dossiers?per_page=200").await;
    let mut dossiers = Vec::new();
    for item in list["items"].as_array().unwrap() {
        let mut dossier = app.dossier(&cfa, item["id"].as_str().unwrap()).await;
        // Answers computed today may differ in nothing stored; keep what the backup holds.
        for volatile in ["evaluation", "permissions"] {
            dossier.as_object_mut().unwrap().remove(volatile);
        }
        dossiers.push(dossier);
    }
    dossiers.sort_by_key(|d| d["id"].as_str().unwrap().to_owned());
    dossiers
}

async fn a_backup_taken_while_the_server_runs_restores_every_dossier(backend: Backend) {
    let app = spawn_app(backend).await;
    give_the_demo_apprentice_a_nir(&app).await;
    let staff = app.login_demo("formation").await;
    for n in 0..3 {
        app.invite(&staff, &format!("apprenti{n}@example.fr"), "F724")
            .await;
    }
    let before = every_dossier(&app).await;
    assert_eq!(before.len(), 4);
    let target = app.data_dir.join("sauvegarde.bin");

    let report = maintenance::backup(&app.state.settings, &target)
        .await
        .unwrap();

    assert_eq!(report.dossiers, 4);
    let again = maintenance::backup(&app.state.settings, &target).await;
    assert!(again.is_err(), "a backup never overwrites a file");
    // The restored PostgreSQL database lives until the end of the test, then is dropped.
    let mut restored_database = None;
    let restored_url = match backend {
        Backend::Sqlite => format!("sqlite://{}", target.display()),
        Backend::Postgres => {
            let (url, database) = create_pg_database().await;
            let restore = std::process::Command::new("pg_restore")
                .args(["--no-owner", "--dbname", &url])
                .arg(&target)
                .output()
                .unwrap();
            assert!(
                restore.status.success(),
                "{}",
                String::from_utf8_lossy(&restore.stderr)
            );
            restored_database = Some(database);
            url
        }
    };
    let restored = spawn_app_with(backend, |s| s.database.url = Secret::new(restored_url)).await;
    assert_eq!(every_dossier(&restored).await, before);
    assert_eq!(nir_seen_by(&restored, "alternant").await, NIR);
    drop(restored);
    drop(restored_database);
}

async fn nir_keys_rotate_without_losing_a_number(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.security.nir_keys = Secret::new(KEY_A)).await;
    give_the_demo_apprentice_a_nir(&app).await;
    assert!(stored_nir(&app).await.starts_with("sealed:v1:a:"));
    let url = app.state.settings.database_url();

    let rotated = spawn_app_with(backend, |s| {
        s.database.url = Secret::new(url.clone());
        s.security.nir_keys = Secret::new(format!("{KEY_B},{KEY_A}"));
    })
    .await;
    assert_eq!(
        nir_seen_by(&rotated, "cfa").await,
        NIR,
        "old values still open"
    );
    let seal = NirSeal::from_setting(&format!("{KEY_B},{KEY_A}"), false).unwrap();
    let written = maintenance::reseal_all(&rotated.state.db, &seal)
        .await
        .unwrap();
    assert_eq!(written, 1);
    assert!(stored_nir(&rotated).await.starts_with("sealed:v1:b:"));
    assert_eq!(
        maintenance::reseal_all(&rotated.state.db, &seal)
            .await
            .unwrap(),
        0,
        "nothing left to seal"
    );

    let without_old = spawn_app_with(backend, |s| {
        s.database.url = Secret::new(url.clone());
        s.security.nir_keys = Secret::new(KEY_B);
    })
    .await;
    assert_eq!(nir_seen_by(&without_old, "cfa").await, NIR);
}
