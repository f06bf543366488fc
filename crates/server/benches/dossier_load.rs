//! Load generator for the dossier targets of BENCHMARKS.md: reads ≥ 60 % of `/health`'s
//! throughput with p99 under 10 ms at 32 connections, writes with p99 under 25 ms.
//!
//! Starts the real server (release build) on a fresh SQLite file — and on a fresh PostgreSQL
//! database when `OPUNTIA_TEST_POSTGRES_URL` is set — makes 32 dossiers, then drives 32
//! concurrent keep-alive connections for a fixed time against, in turn: `GET /health`,
//! `GET /api/v1/dossiers/{id}` (content, full evaluation, permissions), and
//! `PATCH /api/v1/dossiers/{id}` with `If-Match` (each connection writes its own dossier, so
//! every write is accepted and recorded in the history), then reads on 31 connections while the
//! 32nd writes without pause.
//!
//! Run: `OPUNTIA_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432 cargo bench -p opuntia-server --bench dossier_load`
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use reqwest::{Client, Method};
use serde_json::{Value, json};
use server::{config::Settings, startup::Application};

const CONNECTIONS: usize = 32;
/// How long each phase lasts: 10 s, 3 s under `OPUNTIA_BENCH_QUICK=1` (`cargo xtask bench --quick`).
fn phase_length() -> Duration {
    if common::quick() {
        Duration::from_secs(3)
    } else {
        Duration::from_secs(10)
    }
}

struct Phase {
    name: &'static str,
    /// Writes done beside the reads, in the mixed phase.
    writes: usize,
    requests: usize,
    elapsed: Duration,
    p50: Duration,
    p99: Duration,
}

impl Phase {
    fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Load {
    Health,
    Read,
    Write,
    /// Every connection reads but the first, which writes: reads while writes keep changing
    /// what the read cache and (on SQLite) the stamp memo hold.
    Mixed,
}

async fn drive(
    client: Client,
    address: String,
    token: String,
    dossier: String,
    load: Load,
    until: Instant,
) -> Vec<Duration> {
    let mut latencies = Vec::new();
    // The dossier may have been written in an earlier phase.
    let mut version = if load == Load::Write {
        let current: Value = client
            .get(format!("{address}/api/v1/dossiers/{dossier}"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        current["version"].as_i64().unwrap()
    } else {
        1
    };
    let mut day = 1;
    while Instant::now() < until {
        let started = Instant::now();
        let response = match load {
            Load::Health => client.get(format!("{address}/health")).send().await,
            Load::Read | Load::Mixed => {
                client
                    .get(format!("{address}/api/v1/dossiers/{dossier}"))
                    .bearer_auth(&token)
                    .send()
                    .await
            }
            Load::Write => {
                day = day % 28 + 1;
                client
                    .request(Method::PATCH, format!("{address}/api/v1/dossiers/{dossier}"))
                    .bearer_auth(&token)
                    .header("if-match", format!("\"v{version}\""))
                    .json(&json!({"content": {"contrat": {"dateDebutContrat": format!("2026-09-{day:02}")}}}))
                    .send()
                    .await
            }
        }
        .unwrap();
        assert_eq!(response.status(), 200, "every request succeeds");
        if let Load::Write = load {
            version += 1;
        }
        let _ = response.bytes().await.unwrap();
        latencies.push(started.elapsed());
    }
    latencies
}

async fn phase(
    name: &'static str,
    load: Load,
    address: &str,
    token: &str,
    dossiers: &[String],
) -> Phase {
    let client = Client::builder()
        .pool_max_idle_per_host(CONNECTIONS)
        .build()
        .unwrap();
    let started = Instant::now();
    let until = started + phase_length();
    let tasks: Vec<_> = dossiers
        .iter()
        .enumerate()
        .map(|(n, dossier)| {
            let load = match load {
                Load::Mixed if n == 0 => Load::Write,
                Load::Mixed => Load::Read,
                other => other,
            };
            tokio::spawn(drive(
                client.clone(),
                address.to_owned(),
                token.to_owned(),
                dossier.clone(),
                load,
                until,
            ))
        })
        .collect();
    let mut latencies = Vec::new();
    let mut writes = 0;
    for (n, task) in tasks.into_iter().enumerate() {
        let done = task.await.unwrap();
        if load == Load::Mixed && n == 0 {
            writes = done.len();
        } else {
            latencies.extend(done);
        }
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    Phase {
        name,
        writes,
        requests: latencies.len(),
        elapsed,
        p50: at(0.50),
        p99: at(0.99),
    }
}

async fn run(backend: &str, database_url: Option<String>) {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::defaults().unwrap();
    settings.data_dir = dir.path().to_owned();
    settings.server.port = 0;
    if let Some(url) = database_url {
        settings.database.url = server::config::Secret::new(url);
    }
    let application = Application::build(settings).await.unwrap();
    let address = format!("http://127.0.0.1:{}", application.port());
    tokio::spawn(application.run_until_stopped());
    let client = Client::new();
    let token = common::login(&client, &address).await;
    let dossiers = common::invite(&client, &address, &token, "charge", CONNECTIONS).await;

    // `OPUNTIA_LOAD_ONLY=read` runs one phase (for profiling): health, read, write or mixed.
    let only = std::env::var("OPUNTIA_LOAD_ONLY").unwrap_or_default();
    let mut phases = Vec::new();
    for (name, load, key) in [
        ("GET /health", Load::Health, "health"),
        ("GET /api/v1/dossiers/{id}", Load::Read, "read"),
        ("PATCH /api/v1/dossiers/{id}", Load::Write, "write"),
        ("GET beside 1 writing conn.", Load::Mixed, "mixed"),
    ] {
        if only.is_empty() || only == key {
            phases.push(phase(name, load, &address, &token, &dossiers).await);
        }
    }
    for p in &phases {
        println!(
            "{backend}: {:<28} {:>8.0} req/s  p50 {:>6.2} ms  p99 {:>6.2} ms  ({} requests)",
            p.name,
            p.per_second(),
            p.p50.as_secs_f64() * 1000.0,
            p.p99.as_secs_f64() * 1000.0,
            p.requests
        );
        if p.writes > 0 {
            println!(
                "{backend}: {:<28} {:>8.0} writes/s beside those reads",
                "",
                p.writes as f64 / p.elapsed.as_secs_f64()
            );
        }
    }
    if let [health, reads, ..] = phases.as_slice() {
        println!(
            "{backend}: reads at {:.0} % of /health throughput",
            reads.per_second() / health.per_second() * 100.0
        );
    }
}

fn in_runtime<T>(work: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(work)
}

fn main() {
    in_runtime(run("SQLite", None));
    if let Ok(base) = std::env::var("OPUNTIA_TEST_POSTGRES_URL") {
        let (url, name) = in_runtime(common::fresh_postgres(&base));
        in_runtime(run("PostgreSQL", Some(url)));
        in_runtime(common::drop_postgres(&base, &name));
    }
}
