//! Load generator for the documents' targets of BENCHMARKS.md: a CERFA renders in under 30 ms
//! and weighs under 150 KB; 1 000 CERFAs come as one ZIP in under 30 s with the server's memory
//! flat.
//!
//! Renders each document in this process (typst as the server runs it, warm, 30 times, median)
//! from the complete dossier of the domain's tests, then starts the real server (release build)
//! on a fresh SQLite file, makes 1 000 dossiers by a bulk invitation, fills each with that
//! dossier through the API, marks them validated, and downloads their CERFAs as one ZIP twice:
//! the first batch renders and keeps every CERFA (dossiers validated before documents were kept),
//! the second hands out the kept bytes. The process's resident memory is sampled every 50 ms.
//!
//! Run: `cargo bench -p opuntia-server --bench documents`
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use db::ConnectionTrait;
use reqwest::{Client, Method};
use serde_json::{Value, json};
use server::{config::Settings, startup::Application};

/// Dossiers in the ZIP batches.
fn dossiers() -> usize {
    if common::quick() { 100 } else { 1_000 }
}

/// Renders of each document, whose median is reported.
fn renders_per_document() -> usize {
    if common::quick() { 5 } else { 30 }
}

/// The complete dossier of the domain's tests, a year later (the demo formations start in 2026).
fn complete_content() -> Value {
    let mut content: Value = serde_json::from_str(include_str!(
        "../../domain/tests/fixtures/complete_dossier.json"
    ))
    .unwrap();
    fn shift(value: &mut Value) {
        match value {
            Value::Object(map) => map.values_mut().for_each(shift),
            Value::Array(items) => items.iter_mut().for_each(shift),
            Value::String(text) if text.len() == 10 && text.as_bytes()[4] == b'-' => {
                if let Ok(year) = text[..4].parse::<i32>() {
                    *text = format!("{}{}", year + 1, &text[4..]);
                }
            }
            _ => {}
        }
    }
    shift(&mut content);
    content
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// Renders `kind` from `data` [`renders_per_document`] times: median time and size.
fn render(kind: pdf::Kind, data: &Value) -> (Duration, usize) {
    let templates = pdf::Templates::builtin();
    let metadata = pdf::Metadata {
        title: "Contrat d'apprentissage — Léa MARTIN".into(),
        author: "CFA Epure Méditerranée".into(),
        made_at: chrono::DateTime::UNIX_EPOCH,
    };
    let mut size = 0;
    let times = (0..renders_per_document())
        .map(|_| {
            let started = Instant::now();
            size = templates.render(kind, data, &metadata).unwrap().len();
            started.elapsed()
        })
        .collect();
    (median(times), size)
}

fn renders() {
    let content = complete_content();
    let settings = domain::EvaluationSettings {
        niveau_saisie: domain::NiveauSaisie::Complete,
        contract_type: domain::ContractType::Apprentissage,
        mission: domain::MissionMode::Optional,
        formation: domain::FormationDates {
            start: chrono::NaiveDate::from_ymd_opt(2026, 9, 1),
            end: chrono::NaiveDate::from_ymd_opt(2029, 8, 31),
        },
        cerfa_version: domain::codes::CerfaVersion::default(),
        today: chrono::NaiveDate::from_ymd_opt(2026, 8, 20).unwrap(),
        data: domain::regulatory::RegulatoryData::embedded(),
    };
    let evaluation = domain::evaluate(&content, &settings);
    let mut cerfa =
        serde_json::to_value(domain::print::cerfa(&content, &settings, &evaluation)).unwrap();
    cerfa["draft"] = false.into();
    let facts = domain::economics::EconomicFacts::of(&content, &settings);
    let economics = domain::economics::review(
        &json!({"opco": "atlas", "npecAnnuel": 9000, "repas": 120, "premierEquipement": 300, "mandatEmployeur": true}),
        &facts,
    )
    .unwrap();
    let convention = serde_json::to_value(domain::print::convention(
        &content,
        &settings,
        &economics,
        domain::print::CfaSignatory {
            activity_declaration: "93131234513",
            director: "Claire Fontaine",
        },
    ))
    .unwrap();
    for (name, kind, data) in [
        ("CERFA FA13 (2 pages)", pdf::Kind::Cerfa, &cerfa),
        (
            "convention de formation",
            pdf::Kind::Convention,
            &convention,
        ),
        (
            "calendrier (sample)",
            pdf::Kind::Calendrier,
            &pdf::Kind::Calendrier.sample_data(),
        ),
        (
            "programme (sample)",
            pdf::Kind::Programme,
            &pdf::Kind::Programme.sample_data(),
        ),
    ] {
        let (time, size) = render(kind, data);
        println!(
            "render {name:<26} median {:>6.1} ms  {:>4} KB",
            time.as_secs_f64() * 1000.0,
            size / 1024
        );
    }
}

async fn batch(client: &Client, address: &str, token: &str, label: &str) {
    let peak = Arc::new(AtomicU64::new(rss_kib()));
    let running = Arc::new(AtomicBool::new(true));
    let before = rss_kib();
    let sampler = {
        let (peak, running) = (peak.clone(), running.clone());
        tokio::spawn(async move {
            while running.load(Ordering::Relaxed) {
                peak.fetch_max(rss_kib(), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
    };
    let started = Instant::now();
    let response = client
        .get(format!("{address}/api/v1/dossiers/documents/cerfa"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let first_byte = started.elapsed();
    let (mut bytes, mut entries) = (0usize, 0usize);
    let mut response = response;
    while let Some(chunk) = response.chunk().await.unwrap() {
        bytes += chunk.len();
        entries += chunk.windows(4).filter(|w| *w == b"PK\x03\x04").count();
    }
    let elapsed = started.elapsed();
    running.store(false, Ordering::Relaxed);
    sampler.await.unwrap();
    println!(
        "batch {label:<34} {:>6.2} s  first bytes {:>5.0} ms  {entries} entries  {:>4} MB  RSS {} → peak {} → {} MB",
        elapsed.as_secs_f64(),
        first_byte.as_secs_f64() * 1000.0,
        bytes / (1024 * 1024),
        before / 1024,
        peak.load(Ordering::Relaxed) / 1024,
        rss_kib() / 1024
    );
}

async fn batches() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::defaults().unwrap();
    settings.data_dir = dir.path().to_owned();
    settings.server.port = 0;
    let application = Application::build(settings).await.unwrap();
    let address = format!("http://127.0.0.1:{}", application.port());
    let db = application.state().db.clone();
    tokio::spawn(application.run_until_stopped());
    let client = Client::new();
    let token = common::login(&client, &address).await;
    let ids = common::invite(&client, &address, &token, "lot", dossiers()).await;
    let content = complete_content();
    // Past « Valider » on Données de base, as a real dossier is before its other tabs are filled.
    db.execute_unprepared("UPDATE dossiers SET status = 'in_progress'")
        .await
        .unwrap();
    let started = Instant::now();
    for id in &ids {
        let response = client
            .request(Method::PATCH, format!("{address}/api/v1/dossiers/{id}"))
            .bearer_auth(&token)
            .header("If-Match", "*")
            .json(&json!({ "content": content }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    }
    println!(
        "{} dossiers filled through the API in {:.1} s",
        dossiers(),
        started.elapsed().as_secs_f64()
    );
    // Validated as dossiers were before documents were kept: the first batch makes each CERFA.
    db.execute_unprepared("UPDATE dossiers SET status = 'validated'")
        .await
        .unwrap();
    let count = dossiers();
    batch(
        &client,
        &address,
        &token,
        &format!("{count} CERFAs, each rendered and kept"),
    )
    .await;
    batch(
        &client,
        &address,
        &token,
        &format!("{count} CERFAs, kept bytes"),
    )
    .await;
}

fn main() {
    renders();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(batches());
}
