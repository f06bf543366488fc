//! Load generator for several instances (issue 20, item 5): two `opuntia` processes on one
//! PostgreSQL database behind HAProxy (Debian's package), as the README's « Several instances »
//! describes them — the same JWT secret, the same database, each its own data directory.
//!
//! What it measures, through the proxy (round robin, each request to the next instance):
//! - reads and writes spread: connections that each read their dossier then write it with the
//!   `If-Match` of that read; as consecutive requests go to different instances, a read served
//!   from a cache that another instance's write made stale would make the write fail (412);
//! - a write on one instance read back at once on the other, directly: the version and the
//!   value written, or it counts as stale;
//! - every mail once: a bulk invitation's e-mails delivered by the two outbox workers, each
//!   address in exactly one `.eml` file across both data directories.
//!
//! Run: `OPUNTIA_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432 cargo bench -p opuntia-server --bench instances`
//! (`apt-get install haproxy` first; `cargo xtask bench` does it).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::{
    collections::BTreeMap,
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use common::{Server, free_port, percentiles};
use reqwest::{Client, Method};
use serde_json::{Value, json};

/// Connections of the spread phase, each with its own dossier.
const CONNECTIONS: usize = 16;
/// Writes on one instance read back on the other.
const ROUND_TRIPS: usize = 200;
/// The JWT secret every instance shares (a token one signs, the other accepts).
const SHARED_SECRET: &str = "bench-instances-one-secret-for-every-instance";

fn phase_length() -> Duration {
    Duration::from_secs(if common::quick() { 3 } else { 10 })
}

fn mails() -> usize {
    if common::quick() { 500 } else { 2_000 }
}

/// HAProxy in the foreground, round robin over `backends`, naming the instance that answered
/// in `X-Served-By`.
struct Proxy {
    child: Child,
    address: String,
}

impl Proxy {
    fn start(dir: &Path, backends: &[(&str, u16)]) -> Self {
        let port = free_port();
        let servers: String = backends
            .iter()
            .map(|(name, port)| format!("    server {name} 127.0.0.1:{port}\n"))
            .collect();
        let config = format!(
            "global\n    maxconn 4096\n\ndefaults\n    mode http\n    option forwardfor\n    timeout connect 5s\n    timeout client 120s\n    timeout server 120s\n\nfrontend opuntia\n    bind 127.0.0.1:{port}\n    default_backend instances\n\nbackend instances\n    balance roundrobin\n    http-response set-header X-Served-By %[srv_name]\n{servers}"
        );
        let path = dir.join("haproxy.cfg");
        std::fs::write(&path, config).unwrap();
        let child = Command::new("haproxy")
            .arg("-db")
            .arg("-f")
            .arg(&path)
            .stdout(Stdio::null())
            .spawn()
            .expect("HAProxy: apt-get install haproxy (cargo xtask bench installs it)");
        Self {
            child,
            address: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The instance that answered, as the proxy names it.
fn served_by(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("x-served-by")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("?")
        .to_owned()
}

/// What the spread phase saw.
#[derive(Default)]
struct Spread {
    reads: Vec<Duration>,
    writes: Vec<Duration>,
    served_by: BTreeMap<String, usize>,
    /// Writes refused with 412: their `If-Match` came from a stale read.
    stale: usize,
    /// Any other answer than 200.
    failed: usize,
}

/// One connection: read its dossier, write it with the read's `ETag`, again until `until`.
async fn read_then_write(
    client: Client,
    proxy: String,
    token: String,
    dossier: String,
    until: Instant,
) -> Spread {
    let mut seen = Spread::default();
    let mut day = 0;
    while Instant::now() < until {
        let started = Instant::now();
        let read = client
            .get(format!("{proxy}/api/v1/dossiers/{dossier}"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        let served = served_by(&read);
        *seen.served_by.entry(served).or_default() += 1;
        if read.status() != 200 {
            seen.failed += 1;
            continue;
        }
        let etag = read
            .headers()
            .get("etag")
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        let _ = read.bytes().await.unwrap();
        seen.reads.push(started.elapsed());
        day = day % 28 + 1;
        let started = Instant::now();
        let write = client
            .request(Method::PATCH, format!("{proxy}/api/v1/dossiers/{dossier}"))
            .bearer_auth(&token)
            .header("if-match", etag)
            .json(
                &json!({"content": {"contrat": {"dateDebutContrat": format!("2026-09-{day:02}")}}}),
            )
            .send()
            .await
            .unwrap();
        let served = served_by(&write);
        *seen.served_by.entry(served).or_default() += 1;
        match write.status().as_u16() {
            200 => seen.writes.push(started.elapsed()),
            412 => seen.stale += 1,
            _ => seen.failed += 1,
        }
        let _ = write.bytes().await.unwrap();
    }
    seen
}

/// Writes a dossier on `writer`, reads it at once on `reader`: how many reads were stale.
async fn round_trips(
    client: &Client,
    writer: &str,
    reader: &str,
    token: &str,
    dossier: &str,
) -> usize {
    let mut stale = 0;
    for n in 0..ROUND_TRIPS {
        let day = n % 28 + 1;
        let written = client
            .request(Method::PATCH, format!("{writer}/api/v1/dossiers/{dossier}"))
            .bearer_auth(token)
            .header("if-match", "*")
            .json(
                &json!({"content": {"contrat": {"dateDebutContrat": format!("2026-10-{day:02}")}}}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(written.status(), 200);
        let etag = written
            .headers()
            .get("etag")
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        let read = client
            .get(format!("{reader}/api/v1/dossiers/{dossier}"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        let read_etag = read
            .headers()
            .get("etag")
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        let body: Value = read.json().await.unwrap();
        let date = body["content"]["contrat"]["dateDebutContrat"]
            .as_str()
            .unwrap_or_default();
        if read_etag != etag || date != format!("2026-10-{day:02}") {
            stale += 1;
        }
    }
    stale
}

/// The `To:` of every `.eml` file under `dir/mail`.
fn recipients(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir.join("mail")) else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| {
            let text = std::fs::read_to_string(entry.ok()?.path()).ok()?;
            let to = text.lines().find_map(|line| line.strip_prefix("To: "))?;
            // `Name <address>` or the bare address.
            let address = to
                .split_once('<')
                .and_then(|(_, rest)| rest.split_once('>'))
                .map_or(to, |(address, _)| address);
            Some(address.trim().to_owned())
        })
        .collect()
}

async fn run(base: &str) {
    let (url, name) = common::fresh_postgres(base).await;
    let client = Client::builder()
        .pool_max_idle_per_host(CONNECTIONS)
        .build()
        .unwrap();
    let dirs: Vec<tempfile::TempDir> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    let settings = [
        ("OPUNTIA__AUTH__JWT_SECRET", SHARED_SECRET),
        ("OPUNTIA__SERVER__TRUST_FORWARDED_FOR", "true"),
    ];
    // One after the other: the first migrates the database and writes the demo data.
    let a = Server::start(dirs[0].path(), &url, &settings);
    common::wait_healthy(&client, &a.address).await;
    let b = Server::start(dirs[1].path(), &url, &settings);
    common::wait_healthy(&client, &b.address).await;
    let proxy_dir = tempfile::tempdir().unwrap();
    let proxy = Proxy::start(proxy_dir.path(), &[("a", a.port), ("b", b.port)]);
    common::wait_healthy(&client, &proxy.address).await;
    let token = common::login(&client, &proxy.address).await;

    let dossiers = common::invite(&client, &proxy.address, &token, "charge", CONNECTIONS).await;

    let started = Instant::now();
    let until = started + phase_length();
    let tasks: Vec<_> = dossiers
        .iter()
        .map(|dossier| {
            tokio::spawn(read_then_write(
                client.clone(),
                proxy.address.clone(),
                token.clone(),
                dossier.clone(),
                until,
            ))
        })
        .collect();
    let mut spread = Spread::default();
    for task in tasks {
        let seen = task.await.unwrap();
        spread.reads.extend(seen.reads);
        spread.writes.extend(seen.writes);
        spread.stale += seen.stale;
        spread.failed += seen.failed;
        for (instance, count) in seen.served_by {
            *spread.served_by.entry(instance).or_default() += count;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let requests = spread.reads.len() + spread.writes.len() + spread.stale + spread.failed;
    let (read_p50, read_p99) = percentiles(spread.reads.clone());
    let (write_p50, write_p99) = percentiles(spread.writes.clone());
    let shares = spread
        .served_by
        .iter()
        .map(|(instance, count)| {
            format!(
                "{instance} {:.0} %",
                *count as f64 * 100.0 / requests as f64
            )
        })
        .collect::<Vec<_>>()
        .join(", ");

    let stale_a_to_b = round_trips(&client, &a.address, &b.address, &token, &dossiers[0]).await;
    let stale_b_to_a = round_trips(&client, &b.address, &a.address, &token, &dossiers[1]).await;

    // Every mail once: the invitations of a bulk, delivered by both workers.
    let count = mails();
    common::invite(&client, &proxy.address, &token, "once", count).await;
    let sent = Instant::now();
    let wanted = count + CONNECTIONS;
    let written = |dirs: &[tempfile::TempDir]| -> usize {
        dirs.iter().map(|d| recipients(d.path()).len()).sum()
    };
    while written(&dirs) < wanted && sent.elapsed() < Duration::from_secs(120) {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // A little longer: a mail delivered twice would show now.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let delivered: Vec<Vec<String>> = dirs.iter().map(|d| recipients(d.path())).collect();
    let mut times: BTreeMap<&str, usize> = BTreeMap::new();
    for to in delivered.iter().flatten() {
        *times.entry(to.as_str()).or_default() += 1;
    }
    let twice = times.values().filter(|&&n| n > 1).count();
    let once = times.values().filter(|&&n| n == 1).count();
    let missing = wanted.saturating_sub(times.len());

    println!("| two instances behind HAProxy (round robin), one PostgreSQL | measured |");
    println!("|---|---|");
    println!(
        "| {CONNECTIONS} connections, each reading its dossier then writing it with that read's `If-Match`, {:.0} s | {requests} requests, {:.0} req/s; reads p50 {read_p50:.1} / p99 {read_p99:.1} ms, writes p50 {write_p50:.1} / p99 {write_p99:.1} ms; served by {shares} |",
        phase_length().as_secs_f64(),
        requests as f64 / elapsed
    );
    println!(
        "| writes refused as stale (412) / other failures | {} / {} |",
        spread.stale, spread.failed
    );
    println!(
        "| a write on one instance read back at once on the other ({ROUND_TRIPS} each way): stale reads | {} (a → b), {} (b → a) |",
        stale_a_to_b, stale_b_to_a
    );
    println!(
        "| e-mails of {wanted} invitations, delivered by the two outbox workers | {once} once, {twice} twice, {missing} missing (a wrote {}, b wrote {}) |",
        delivered[0].len(),
        delivered[1].len()
    );
    println!(
        "| server RSS after | a {:.0} MB, b {:.0} MB |",
        a.rss_mb(),
        b.rss_mb()
    );
    drop(proxy);
    drop((a, b));
    common::drop_postgres(base, &name).await;
}

fn main() {
    let Ok(base) = std::env::var("OPUNTIA_TEST_POSTGRES_URL") else {
        println!("several instances: skipped, they need PostgreSQL (OPUNTIA_TEST_POSTGRES_URL)");
        return;
    };
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(run(&base));
}
