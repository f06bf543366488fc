//! What the load generators share: the real `opuntia` binary as a child process, a PostgreSQL
//! database of their own, the demo CFA account's sign-in, percentiles. Each benchmark is a
//! binary of its own that uses a part of it.
#![allow(dead_code)]

use std::{
    path::Path,
    process::{Child, Command, Stdio},
    time::Duration,
};

use db::ConnectionTrait;
use serde_json::{Value, json};

/// The server under measure, a child process (its resident memory is its own).
pub struct Server {
    pub child: Child,
    pub address: String,
    pub port: u16,
}

/// A port nothing listens on.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Server {
    /// Starts the release binary on a free port with `data_dir`, `database_url` and the extra
    /// settings `env` (`OPUNTIA__…` variables).
    pub fn start(data_dir: &Path, database_url: &str, env: &[(&str, &str)]) -> Self {
        let port = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_opuntia"))
            .env("OPUNTIA__SERVER__PORT", port.to_string())
            .env("OPUNTIA__DATA_DIR", data_dir)
            .env("OPUNTIA__DATABASE__URL", database_url)
            .env("OPUNTIA__MAIL__POLL_INTERVAL_MS", "50")
            .env("RUST_LOG", "warn")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        Self {
            child,
            address: format!("http://127.0.0.1:{port}"),
            port,
        }
    }

    /// Resident memory, from the kernel's view of the process.
    pub fn rss_mb(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let kb: f64 = status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap();
        kb / 1024.0
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits up to a minute for `address` to answer `/health`.
pub async fn wait_healthy(client: &reqwest::Client, address: &str) {
    for _ in 0..600 {
        if client
            .get(format!("{address}/health"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{address} did not answer /health within a minute");
}

/// Signs in as the demo CFA account: its access token.
pub async fn login(client: &reqwest::Client, address: &str) -> String {
    let login: Value = client
        .post(format!("{address}/api/v1/auth/login"))
        .json(&json!({"email": "cfa@demo.opuntia.test", "password": "opuntia-demo"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    login["access_token"].as_str().unwrap().to_owned()
}

/// Invites `count` apprentices `{prefix}{n}@example.fr` in F724 by one bulk invitation: the
/// new dossiers' ids, in the rows' order.
pub async fn invite(
    client: &reqwest::Client,
    address: &str,
    token: &str,
    prefix: &str,
    count: usize,
) -> Vec<String> {
    let rows: Vec<Value> = (0..count)
        .map(|n| json!({"email": format!("{prefix}{n}@example.fr"), "first_name": "Léa", "last_name": "Martin", "access_code": "F724"}))
        .collect();
    let response = client
        .post(format!("{address}/api/v1/invitations/bulk"))
        .bearer_auth(token)
        .json(&rows)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let report: Value = response.json().await.unwrap();
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["dossier_id"].as_str().unwrap().to_owned())
        .collect()
}

/// Median and 99th percentile, in ms.
pub fn percentiles(mut samples: Vec<Duration>) -> (f64, f64) {
    samples.sort();
    let at = |q: f64| {
        let index = ((samples.len() as f64 * q).ceil() as usize).clamp(1, samples.len()) - 1;
        samples[index].as_secs_f64() * 1000.0
    };
    (at(0.5), at(0.99))
}

/// Creates a database of its own on the server at `base`: its URL and name.
pub async fn fresh_postgres(base: &str) -> (String, String) {
    let base = base.trim_end_matches('/');
    let name = format!("opuntia_bench_{}", uuid::Uuid::new_v4().simple());
    let admin = db::connect(&format!("{base}/postgres"), 1).await.unwrap();
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .unwrap();
    (format!("{base}/{name}"), name)
}

/// Drops the database `name`, whoever is still connected.
pub async fn drop_postgres(base: &str, name: &str) {
    let admin = db::connect(&format!("{}/postgres", base.trim_end_matches('/')), 1)
        .await
        .unwrap();
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .await
        .unwrap();
}

/// Whether `cargo xtask bench --quick` asked for a smaller run.
pub fn quick() -> bool {
    std::env::var("OPUNTIA_BENCH_QUICK").is_ok_and(|v| v == "1")
}
