//! Rows written many at a time: PostgreSQL takes them as one JSON parameter
//! (`db::json_rows`), a single row and SQLite as `VALUES`. Both must store the same thing. And
//! write transactions that meet: one waits for the other, neither fails.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use db::entities::{dossier, user};
use domain::{ContractType, NiveauSaisie, Role, Status};
use serde_json::json;

use crate::{
    both,
    helpers::{Backend, spawn_app},
};

both!(
    rows_written_together_read_back_as_rows_written_one_by_one,
    a_write_that_reads_first_waits_for_another_writer_instead_of_failing,
);

/// An apprentice whose names and times test the encodings: quotes, a backslash, accents, an
/// emoji, nanoseconds, a missing and a present optional time.
fn apprentice(id: &str, at: DateTime<Utc>, n: i64) -> user::Model {
    user::Model {
        id: id.to_owned(),
        email: format!("o'brien.{id}@exemple.fr"),
        role: Role::Alternant.into(),
        first_name: "Zoë \"la\" 🌵".to_owned(),
        last_name: format!("O'Brien \\ Ñúñez {n}"),
        password_hash: None,
        generated_password_hash: Some("sha256:abc".to_owned()),
        generated_password_expires_at: (n % 2 == 0).then(|| at + Duration::days(7)),
        last_login_at: None,
        created_at: at,
        updated_at: at + Duration::nanoseconds(123_456_789),
    }
}

/// A dossier whose values test the encodings; `key` keeps search keys unique.
fn dossier_of(
    id: &str,
    apprentice: &str,
    opening: &(String, String),
    n: i64,
    key: i64,
) -> dossier::Model {
    let at = DateTime::from_timestamp(1_790_000_000, 987_654_321).unwrap();
    dossier::Model {
        id: id.to_owned(),
        apprentice_id: apprentice.to_owned(),
        employer_id: None,
        formation_id: opening.0.clone(),
        variant_id: opening.1.clone(),
        status: Status::InProgress.into(),
        version: 7 + n,
        niveau_saisie: NiveauSaisie::Complete.into(),
        contract_type: ContractType::Apprentissage.into(),
        content: json!({
            "apprenti": {"nom": "O'Brien \\ \"Ñúñez\"", "prenom": "Zoë 🌵", "handicap": false},
            "contrat": {"salaireBrut": 1234.56, "lignes": [1, 2.5, null, "trois"]},
        }),
        created_at: at,
        updated_at: at + Duration::microseconds(n),
        company_id: None,
        apprentice_name: Some("O'Brien Zoë".to_owned()),
        apprentice_email: None,
        siret: Some("73282932000074".to_owned()),
        employer_name: None,
        contract_start: (n % 2 == 0).then(|| NaiveDate::from_ymd_opt(2026, 9, 1).unwrap()),
        contract_end: None,
        complete: (n % 2 == 1).then_some(true),
        search_text: Some("o'brien zoë \\ \"".to_owned()),
        economics: (n % 2 == 0).then(|| json!({"npecAnnuel": "7000.00"})),
        search_key: key,
    }
}

async fn rows_written_together_read_back_as_rows_written_one_by_one(backend: Backend) {
    let app = spawn_app(backend).await;
    let (db, seal) = (&app.state.db, &app.state.seal);
    let opening = db::queries::formations::variants(db, None)
        .await
        .unwrap()
        .into_iter()
        .map(|v| (v.formation_id, v.id))
        .next()
        .unwrap();
    let at = DateTime::from_timestamp(1_780_000_000, 123_456_789).unwrap();
    let together: Vec<(String, String)> = (0..3)
        .map(|n| (format!("together-{n}"), format!("apprentice-together-{n}")))
        .collect();
    let alone: Vec<(String, String)> = (0..3)
        .map(|n| (format!("alone-{n}"), format!("apprentice-alone-{n}")))
        .collect();

    db::queries::users::insert(
        db,
        (0..3)
            .map(|n| apprentice(&together[n].1, at, n as i64))
            .collect(),
    )
    .await
    .unwrap();
    db::queries::dossiers::insert(
        db,
        seal,
        (0..3)
            .map(|n| {
                dossier_of(
                    &together[n].0,
                    &together[n].1,
                    &opening,
                    n as i64,
                    i64::MIN + n as i64,
                )
            })
            .collect(),
    )
    .await
    .unwrap();
    for (n, (dossier, apprentice_id)) in (0_i64..).zip(&alone) {
        db::queries::users::insert(db, vec![apprentice(apprentice_id, at, n)])
            .await
            .unwrap();
        db::queries::dossiers::insert(
            db,
            seal,
            vec![dossier_of(dossier, apprentice_id, &opening, n, -1 - n)],
        )
        .await
        .unwrap();
    }

    for n in 0..3 {
        let mut user_together = db::queries::users::by_id(db, &together[n].1)
            .await
            .unwrap()
            .unwrap();
        let user_alone = db::queries::users::by_id(db, &alone[n].1)
            .await
            .unwrap()
            .unwrap();
        user_together.id.clone_from(&user_alone.id);
        user_together.email.clone_from(&user_alone.email);
        assert_eq!(user_together, user_alone);
        let mut dossier_together = db::queries::dossiers::by_id(db, seal, &together[n].0)
            .await
            .unwrap()
            .unwrap();
        let dossier_alone = db::queries::dossiers::by_id(db, seal, &alone[n].0)
            .await
            .unwrap()
            .unwrap();
        dossier_together.id.clone_from(&dossier_alone.id);
        dossier_together
            .apprentice_id
            .clone_from(&dossier_alone.apprentice_id);
        assert_eq!(dossier_together.search_key, i64::MIN + n as i64);
        dossier_together.search_key = dossier_alone.search_key;
        assert_eq!(dossier_together, dossier_alone);
        // And both are what was given, times to the microsecond the databases keep.
        let given = dossier_of(&alone[n].0, &alone[n].1, &opening, n as i64, -1 - n as i64);
        assert_eq!(dossier_alone.content, given.content);
        assert_eq!(dossier_alone.search_text, given.search_text);
        assert_eq!(dossier_alone.search_key, given.search_key);
        assert_eq!(dossier_alone.contract_start, given.contract_start);
        assert_eq!(dossier_alone.economics, given.economics);
        assert_eq!(
            dossier_alone.created_at.timestamp_micros(),
            given.created_at.timestamp_micros()
        );
    }
}

async fn a_write_that_reads_first_waits_for_another_writer_instead_of_failing(backend: Backend) {
    let app = spawn_app(backend).await;
    let db = app.state.db.clone();
    let at = Utc::now();
    let first = db::begin_write(&db).await.unwrap();
    db::queries::users::insert(&first, vec![apprentice("first-writer", at, 1)])
        .await
        .unwrap();
    // The second reads, then writes, while the first holds the write: on SQLite a deferred
    // transaction would read a snapshot that the first's commit makes stale, and be refused
    // (« database is locked ») instead of waiting.
    let second = tokio::spawn({
        let db = db.clone();
        async move {
            let txn = db::begin_write(&db).await?;
            let before = db::queries::users::count(&txn).await?;
            db::queries::users::insert(&txn, vec![apprentice("second-writer", at, 0)]).await?;
            txn.commit().await.map_err(db::DbError::from)?;
            Ok::<u64, db::DbError>(before)
        }
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    first.commit().await.unwrap();

    second.await.unwrap().unwrap();
    for id in ["first-writer", "second-writer"] {
        assert!(db::queries::users::by_id(&db, id).await.unwrap().is_some());
    }
}
