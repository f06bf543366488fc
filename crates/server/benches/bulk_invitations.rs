//! Load generator for the bulk invitation target of BENCHMARKS.md: a CFA script invites 10 000
//! apprentices in one call. Starts the real server (release build) on a fresh SQLite file — and
//! on a fresh PostgreSQL database when `OPUNTIA_TEST_POSTGRES_URL` is set — posts a 10 000-row
//! CSV over HTTP, and measures the answer, then the time until the outbox worker has delivered
//! every invitation e-mail (written as `.eml` files: no SMTP configured).
//!
//! Run: `OPUNTIA_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432 cargo bench -p opuntia-server --bench bulk_invitations`
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::{drop_postgres, fresh_postgres};
use serde_json::Value;
use server::{config::Settings, startup::Application};

const ROWS: usize = 10_000;
/// Runs per backend; one under `cargo xtask bench --quick`.
fn runs() -> usize {
    if common::quick() { 1 } else { 3 }
}

struct Run {
    answer: Duration,
    delivered: Duration,
}

async fn one_run(database_url: Option<String>) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::defaults().unwrap();
    settings.data_dir = dir.path().to_owned();
    settings.server.port = 0;
    settings.mail.poll_interval_ms = 50;
    if let Some(url) = database_url {
        settings.database.url = server::config::Secret::new(url);
    }
    let application = Application::build(settings).await.unwrap();
    let address = format!("http://127.0.0.1:{}", application.port());
    let state = application.state();
    tokio::spawn(application.run_until_stopped());
    let client = reqwest::Client::new();
    let token = common::login(&client, &address).await;
    let mut csv = String::from("email,first_name,last_name,access_code\n");
    for n in 0..ROWS {
        let code = ["F724", "F724-2", "F728"][n % 3];
        csv.push_str(&format!("apprenti{n}@example.fr,Léa,Martin,{code}\n"));
    }

    let started = Instant::now();
    let response = client
        .post(format!("{address}/api/v1/invitations/bulk"))
        .bearer_auth(&token)
        .header("content-type", "text/csv")
        .header("Idempotency-Key", "bench")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let report: Value = response.json().await.unwrap();
    let answer = started.elapsed();
    assert_eq!(report["summary"]["created"], ROWS);

    loop {
        let counts = db::queries::outbox::counts(&state.db).await.unwrap();
        let pending: i64 = counts
            .iter()
            .filter(|(status, _)| status == "pending")
            .map(|(_, n)| n)
            .sum();
        if pending == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let delivered = started.elapsed();
    let written = std::fs::read_dir(dir.path().join("mail")).unwrap().count();
    assert_eq!(written, ROWS);
    Run { answer, delivered }
}

fn report(backend: &str, mut runs: Vec<Run>) {
    runs.sort_by_key(|r| r.answer);
    let answers: Vec<String> = runs
        .iter()
        .map(|r| format!("{:.2}", r.answer.as_secs_f64()))
        .collect();
    let mut delivered: Vec<Duration> = runs.iter().map(|r| r.delivered).collect();
    delivered.sort();
    println!(
        "{backend}: {ROWS} invitations, answer median {:.2} s (runs: {} s), all e-mails delivered median {:.2} s after the call",
        runs[runs.len() / 2].answer.as_secs_f64(),
        answers.join(", "),
        delivered[delivered.len() / 2].as_secs_f64()
    );
}

/// Each run gets a runtime of its own, dropped after it, so that no earlier server or outbox
/// worker keeps running beside the next measurement.
fn measured(database_url: Option<String>) -> Run {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(one_run(database_url))
}

fn in_runtime<T>(work: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(work)
}

fn main() {
    server::telemetry::init();
    let sqlite = (0..runs()).map(|_| measured(None)).collect();
    report("SQLite", sqlite);
    if let Ok(base) = std::env::var("OPUNTIA_TEST_POSTGRES_URL") {
        let postgres = (0..runs())
            .map(|_| {
                let (url, name) = in_runtime(fresh_postgres(&base));
                let run = measured(Some(url));
                in_runtime(drop_postgres(&base, &name));
                run
            })
            .collect();
        report("PostgreSQL", postgres);
    }
}
