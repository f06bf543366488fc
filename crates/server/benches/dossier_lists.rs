//! Load generator for the lists at scale of BENCHMARKS.md (issue 20): how the dossier list, its
//! searches, a deep filtered page, the counts and the CSV export answer as the table grows, what
//! one more 10 000-row bulk invitation costs at that size, and what the server holds in memory.
//!
//! The real `opuntia` binary (release build) runs as a child process — so that its resident
//! memory is its own — on a fresh SQLite file, and on a fresh PostgreSQL database when
//! `OPUNTIA_TEST_POSTGRES_URL` is set. The table is filled step by step to each size by a direct
//! loader that writes through `db`, in the server's own row format, what a bulk invitation makes
//! (an apprentice account and a draft dossier) plus what the parties fill later in most dossiers
//! (employer, SIRET, contract dates) and a spread of statuses; then each request is sent one
//! after the other, warm, as CFA staff, and timed from this process.
//!
//! Run: `OPUNTIA_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432 cargo bench -p opuntia-server --bench dossier_lists`
//! Sizes: `OPUNTIA_LISTS_SQLITE` and `OPUNTIA_LISTS_POSTGRES` (comma-separated, default
//! `10000,100000`; `0` or empty skips the backend); samples per request: `OPUNTIA_LISTS_SAMPLES`
//! (default 100).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::{Server, drop_postgres, fresh_postgres, percentiles};

use chrono::{Duration as Days, NaiveDate, Utc};
use db::{
    ConnectionTrait, DatabaseConnection, TransactionTrait,
    entities::{dossier, user},
    queries::dossiers::{Filter, Sort, Start},
};
use domain::{ContractType, NiveauSaisie, Role, Status};
use serde_json::{Value, json};

/// Rows written per transaction by the loader.
const LOAD_CHUNK: u64 = 5_000;
/// Rows of the bulk invitation timed at each size.
const BULK_ROWS: usize = 10_000;

const LAST_NAMES: [&str; 40] = [
    "Martin",
    "Bernard",
    "Thomas",
    "Petit",
    "Robert",
    "Richard",
    "Durand",
    "Dubois",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Lefèvre",
    "Leroy",
    "Roux",
    "David",
    "Bertrand",
    "Morel",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Muller",
    "Lefebvre",
    "Faure",
    "André",
    "Mercier",
    "Blanc",
    "Guérin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "François",
    "Legrand",
    "Gauthier",
    "Garcia",
];
const FIRST_NAMES: [&str; 20] = [
    "Léa", "Hugo", "Chloé", "Lucas", "Emma", "Louis", "Manon", "Jules", "Inès", "Gabriel", "Jade",
    "Arthur", "Louise", "Raphaël", "Alice", "Adam", "Lina", "Nathan", "Zoé", "Théo",
];

/// A deterministic spread (splitmix64): the same size holds the same data on every run.
fn spread(n: u64, salt: u64) -> u64 {
    let mut z = n
        .wrapping_mul(0x9e37_79b9_7f4a_7c15)
        .wrapping_add(salt.wrapping_mul(0xbf58_476d_1ce4_e5b9));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A last name for row `n`: 40 common ones with a number, so that a name matches about one
/// row in 4 000 — as a surname does among a national year of contracts.
fn last_name(n: u64) -> String {
    let base = LAST_NAMES[(spread(n, 1) % 40) as usize];
    format!("{base}{}", spread(n, 2) % 100)
}

/// A valid SIRET (Luhn key) among 5 000 employers.
fn siret(employer: u64) -> String {
    let body = format!(
        "{:013}",
        1_000_000_000_000 + spread(employer, 3) % 8_999_999_999_999
    );
    let sum = |digits: &str| -> u32 {
        digits
            .bytes()
            .rev()
            .enumerate()
            .map(|(i, b)| {
                let d = u32::from(b - b'0');
                if i % 2 == 1 {
                    if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
                } else {
                    d
                }
            })
            .sum()
    };
    let key = (10 - sum(&format!("{body}0")) % 10) % 10;
    format!("{body}{key}")
}

fn status_of(n: u64) -> Status {
    match spread(n, 4) % 100 {
        0..45 => Status::Draft,
        45..70 => Status::InProgress,
        70..78 => Status::ValidationRequested,
        78..81 => Status::Returned,
        81..87 => Status::Validated,
        87..90 => Status::EconomicsValidated,
        90..93 => Status::InSignature,
        93..98 => Status::Signed,
        _ => Status::Cancelled,
    }
}

/// Writes rows `from..to`: one apprentice account and one dossier each.
async fn load(
    db: &DatabaseConnection,
    seal: &server::sealing::NirSeal,
    openings: &[(String, String)],
    from: u64,
    to: u64,
) {
    let now = Utc::now();
    let mut start = from;
    while start < to {
        let end = (start + LOAD_CHUNK).min(to);
        let mut users = Vec::new();
        let mut dossiers = Vec::new();
        for n in start..end {
            let user_id = uuid::Uuid::new_v4().to_string();
            let (first, last) = (FIRST_NAMES[(spread(n, 5) % 20) as usize], last_name(n));
            let email = format!("apprenti.{n}@exemple.fr");
            let created = now - Days::minutes(i64::try_from(to - n).unwrap() * 3);
            let updated =
                (created + Days::minutes(i64::try_from(spread(n, 6) % 200_000).unwrap())).min(now);
            users.push(user::Model {
                id: user_id.clone(),
                email: email.clone(),
                role: Role::Alternant.into(),
                first_name: first.to_owned(),
                last_name: last.clone(),
                password_hash: None,
                generated_password_hash: None,
                generated_password_expires_at: None,
                last_login_at: None,
                created_at: created,
                updated_at: updated,
            });
            let status = status_of(n);
            let mut content =
                json!({"apprenti": {"nom": last, "prenom": first, "courriel": email}});
            if status != Status::Draft {
                let employer = spread(n, 7) % 5_000;
                let start_day = NaiveDate::from_ymd_opt(2025, 9, 1).unwrap()
                    + Days::days(i64::try_from(spread(n, 8) % 700).unwrap());
                content["employeur"] = json!({"siret": siret(employer), "denomination": format!("Entreprise {employer}")});
                content["contrat"] = json!({
                    "dateDebutContrat": start_day.to_string(),
                    "dateFinContrat": (start_day + Days::days(729)).to_string(),
                });
            }
            let complete =
                status != Status::Draft && (status != Status::InProgress || spread(n, 9) % 10 < 3);
            let (formation_id, variant_id) = &openings[(n % openings.len() as u64) as usize];
            let mut row = dossier::Model {
                id: uuid::Uuid::new_v4().to_string(),
                apprentice_id: user_id,
                employer_id: None,
                formation_id: formation_id.clone(),
                variant_id: variant_id.clone(),
                status: status.into(),
                version: 1,
                niveau_saisie: NiveauSaisie::Complete.into(),
                contract_type: ContractType::Apprentissage.into(),
                content,
                created_at: created,
                updated_at: updated,
                company_id: None,
                apprentice_name: None,
                apprentice_email: None,
                siret: None,
                employer_name: None,
                contract_start: None,
                contract_end: None,
                complete: None,
                search_text: None,
                economics: None,
                search_key: server::storage::new_search_key(),
            };
            server::services::dossiers::listing_of(&row.content, complete).apply(&mut row);
            dossiers.push(row);
        }
        let txn = db.begin().await.unwrap();
        db::queries::users::insert(&txn, users).await.unwrap();
        db::queries::dossiers::insert(&txn, seal, dossiers)
            .await
            .unwrap();
        txn.commit().await.unwrap();
        start = end;
    }
}

struct Session {
    client: reqwest::Client,
    address: String,
    token: String,
}

impl Session {
    async fn open(address: &str) -> Self {
        let client = reqwest::Client::new();
        common::wait_healthy(&client, address).await;
        let token = common::login(&client, address).await;
        Self {
            client,
            address: address.to_owned(),
            token,
        }
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        let response = self
            .client
            .get(format!("{}/api/v1{path}", self.address))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        response
    }

    /// Times `samples` requests, each of the path `path_of(i)` made, after 5 unmeasured ones.
    async fn timed(&self, samples: usize, path_of: impl Fn(usize) -> String) -> (f64, f64) {
        for i in 0..5 {
            self.get(&path_of(samples + i)).await.bytes().await.unwrap();
        }
        let mut durations = Vec::with_capacity(samples);
        for i in 0..samples {
            let started = Instant::now();
            self.get(&path_of(i)).await.bytes().await.unwrap();
            durations.push(started.elapsed());
        }
        percentiles(durations)
    }
}

/// One line of the growth table.
struct Line {
    backend: &'static str,
    size: u64,
    figures: Vec<(&'static str, String)>,
    measured: Measured,
}

/// The figures the targets read, as numbers.
#[derive(Default)]
struct Measured {
    /// Requests the targets cover: name, median and p99 in ms.
    requests: Vec<(&'static str, f64, f64)>,
    export_rows_per_second: f64,
    bulk_seconds: f64,
    highest_rss_mb: f64,
}

async fn measure(
    session: &Session,
    db: &DatabaseConnection,
    size: u64,
    samples: usize,
    measured: &mut Measured,
) -> Vec<(&'static str, String)> {
    let pick = |i: usize, salt: u64| spread(i as u64, salt) % size;
    let mut figures = Vec::new();
    // A request the targets cover (p99 under 50 ms, at most ×2 from 10 000 to the largest size).
    let mut target = |name: &'static str, (median, p99): (f64, f64)| {
        measured.requests.push((name, median, p99));
        (name, format!("{median:.1} / {p99:.1}"))
    };
    let ms = |(median, p99): (f64, f64)| format!("{median:.1} / {p99:.1}");
    figures.push(target(
        "list, 1st page",
        session
            .timed(samples, |_| "/dossiers?per_page=25".into())
            .await,
    ));
    figures.push(target(
        "search by name",
        session
            .timed(samples, |i| {
                let name = last_name(pick(i, 10)).to_lowercase();
                format!("/dossiers?per_page=25&q={}", urlencode(&name))
            })
            .await,
    ));
    figures.push(target(
        "search by e-mail",
        session
            .timed(samples, |i| {
                format!("/dossiers?per_page=25&q=apprenti.{}%40", pick(i, 11))
            })
            .await,
    ));
    figures.push(target(
        "search by SIRET",
        session
            .timed(samples, |i| {
                format!(
                    "/dossiers?per_page=25&q={}",
                    siret(spread(i as u64, 12) % 5_000)
                )
            })
            .await,
    ));
    figures.push(target(
        "search, no hit",
        session
            .timed(samples, |i| format!("/dossiers?per_page=25&q=zq{i}xw"))
            .await,
    ));
    // « page n/100 »: the filtered, sorted list nine tenths of the way down, reached as the app
    // reaches it (the `next_cursor` of the page before), and by a page number where the API
    // still takes one.
    let drafts = Filter {
        statuses: vec![Status::Draft],
        ..Filter::default()
    };
    let total = db::queries::dossiers::count(db, &drafts).await.unwrap();
    let mut cursors = Vec::new();
    for i in 0..10 {
        let offset = total * 9 / 10 - 25 * (i + 1);
        let row =
            db::queries::dossiers::page(db, &drafts, Sort::Name, false, 1, &Start::Offset(offset))
                .await
                .unwrap()
                .pop()
                .unwrap();
        cursors.push(server::routes::dossier_lists::cursor_of(
            &row.position(Sort::Name),
            Sort::Name,
            false,
        ));
    }
    figures.push(target(
        "`status=draft&sort=name`, page at 9/10",
        session
            .timed(samples, |i| {
                format!(
                    "/dossiers?status=draft&sort=name&per_page=25&cursor={}",
                    cursors[i % cursors.len()]
                )
            })
            .await,
    ));
    figures.push((
        "same, `page=400` (offset 9 975)",
        ms(session
            .timed(samples, |_| {
                "/dossiers?status=draft&sort=name&per_page=25&page=400".into()
            })
            .await),
    ));
    figures.push(target(
        "counts",
        session.timed(samples, |_| "/dossiers/counts".into()).await,
    ));
    let started = Instant::now();
    let csv = session
        .get("/dossiers/export?status=draft")
        .await
        .bytes()
        .await
        .unwrap();
    let elapsed = started.elapsed().as_secs_f64();
    let rows = csv
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        .saturating_sub(1);
    measured.export_rows_per_second = rows as f64 / elapsed;
    figures.push((
        "CSV export of the drafts",
        format!(
            "{rows} rows, {:.2} s, {:.0} rows/s",
            elapsed,
            rows as f64 / elapsed
        ),
    ));
    figures
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A bulk invitation of 10 000 new apprentices, as a CFA script sends it; answers its duration.
async fn bulk(session: &Session, round: u64) -> Duration {
    let mut csv = String::from("email,first_name,last_name,access_code\n");
    for n in 0..BULK_ROWS {
        let code = ["F724", "F724-2", "F728"][n % 3];
        csv.push_str(&format!(
            "invite.{round}.{n}@exemple.fr,Léa,Martin,{code}\n"
        ));
    }
    let started = Instant::now();
    let response = session
        .client
        .post(format!("{}/api/v1/invitations/bulk", session.address))
        .bearer_auth(&session.token)
        .header("content-type", "text/csv")
        .header("Idempotency-Key", format!("bench-{round}"))
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let report: Value = response.json().await.unwrap();
    assert_eq!(report["summary"]["created"], BULK_ROWS);
    started.elapsed()
}

async fn run_backend(
    backend: &'static str,
    database_url: String,
    sizes: &[u64],
    samples: usize,
) -> Vec<Line> {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &database_url, &[]);
    let session = Session::open(&server.address).await;
    let db = db::connect(&database_url, 2).await.unwrap();
    let seal = server::sealing::NirSeal::from_setting("", true).unwrap();
    let formations = db::queries::formations::variants(&db, None).await.unwrap();
    let openings: Vec<(String, String)> = formations
        .into_iter()
        .map(|v| (v.formation_id, v.id))
        .collect();
    let mut lines = Vec::new();
    let mut loaded = 0;
    for (round, &size) in sizes.iter().enumerate() {
        let existing = db::queries::dossiers::count_all(&db).await.unwrap();
        let started = Instant::now();
        load(
            &db,
            &seal,
            &openings,
            loaded,
            loaded + size.saturating_sub(existing),
        )
        .await;
        loaded += size.saturating_sub(existing);
        if backend == "PostgreSQL" {
            // What autovacuum does within a minute of such a load: the planner's statistics.
            db.execute_unprepared("ANALYZE dossiers").await.unwrap();
        }
        // On SQLite the loaded rows wait for the search index, which the server fills behind
        // (`services::search_index`): measure the settled table, as a day after an import.
        while db::queries::dossiers::search_waiting(&db).await.unwrap() {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let fill = started.elapsed();
        eprintln!(
            "{backend}: {size} dossiers loaded in {:.1} s",
            fill.as_secs_f64()
        );
        let rss_loaded = server.rss_mb();
        let mut measured = Measured::default();
        let mut figures = measure(&session, &db, size, samples, &mut measured).await;
        let rss_measured = server.rss_mb();
        let bulk_time = bulk(&session, round as u64).await;
        // Right after the answer, on SQLite, the new rows still wait for the search index: a
        // search reads them by `LIKE` while the server indexes them.
        let just_invited = session
            .timed(samples, |i| {
                format!(
                    "/dossiers?per_page=25&q=invite.{round}.{}%40",
                    spread(i as u64, 13) % BULK_ROWS as u64
                )
            })
            .await;
        // The invitations' e-mails go out behind the answer: wait for them, then read memory.
        tokio::time::sleep(Duration::from_secs(10)).await;
        let rss_bulk = server.rss_mb();
        measured.bulk_seconds = bulk_time.as_secs_f64();
        measured.highest_rss_mb = rss_loaded.max(rss_measured).max(rss_bulk);
        figures.push((
            "bulk invitation of 10 000",
            format!("{:.2} s", bulk_time.as_secs_f64()),
        ));
        figures.push((
            "search by e-mail right after the bulk",
            format!("{:.1} / {:.1}", just_invited.0, just_invited.1),
        ));
        figures.push((
            "server RSS: loaded / after the requests / after the bulk",
            format!("{rss_loaded:.0} / {rss_measured:.0} / {rss_bulk:.0} MB"),
        ));
        eprintln!("{backend} {size}: {figures:?}");
        lines.push(Line {
            backend,
            size,
            figures,
            measured,
        });
    }
    lines
}

fn sizes(variable: &str) -> Vec<u64> {
    std::env::var(variable)
        .unwrap_or_else(|_| "10000,100000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .filter(|&n| n > 0)
        .collect()
}

fn in_runtime<T>(work: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(work)
}

fn main() {
    let samples = std::env::var("OPUNTIA_LISTS_SAMPLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100);
    let mut lines = Vec::new();
    let sqlite = sizes("OPUNTIA_LISTS_SQLITE");
    // `OPUNTIA_LISTS_KEEP=1` keeps the databases, to read the queries' plans afterwards.
    let keep = std::env::var("OPUNTIA_LISTS_KEEP").is_ok_and(|v| v == "1");
    if !sqlite.is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("lists.sqlite3").display());
        lines.extend(in_runtime(run_backend(
            "SQLite",
            url.clone(),
            &sqlite,
            samples,
        )));
        if keep {
            eprintln!("kept: {url}");
            std::mem::forget(dir);
        }
    }
    let postgres = sizes("OPUNTIA_LISTS_POSTGRES");
    if let (Ok(base), false) = (
        std::env::var("OPUNTIA_TEST_POSTGRES_URL"),
        postgres.is_empty(),
    ) {
        let (url, name) = in_runtime(fresh_postgres(&base));
        lines.extend(in_runtime(run_backend(
            "PostgreSQL",
            url.clone(),
            &postgres,
            samples,
        )));
        if keep {
            eprintln!("kept: {url}");
        } else {
            in_runtime(drop_postgres(&base, &name));
        }
    }
    let Some(first) = lines.first() else {
        return;
    };
    println!();
    println!(
        "| dossiers | backend | {} |",
        first
            .figures
            .iter()
            .map(|(name, _)| *name)
            .collect::<Vec<_>>()
            .join(" | ")
    );
    println!("|---|---|{}", "---|".repeat(first.figures.len()));
    for line in &lines {
        println!(
            "| {} | {} | {} |",
            line.size,
            line.backend,
            line.figures
                .iter()
                .map(|(_, v)| v.as_str())
                .collect::<Vec<_>>()
                .join(" | ")
        );
    }
    println!("(requests: median / p99 ms over {samples} sequential requests, warm)");
    println!();
    for backend in ["SQLite", "PostgreSQL"] {
        let of: Vec<&Line> = lines.iter().filter(|l| l.backend == backend).collect();
        for verdict in verdicts(&of) {
            println!("- {backend}: {verdict}");
        }
    }
}

fn mark(met: bool) -> &'static str {
    if met { "✔" } else { "✘" }
}

/// The targets, read off one backend's lines (smallest size first).
fn verdicts(lines: &[&Line]) -> Vec<String> {
    let (Some(first), Some(last)) = (lines.first(), lines.last()) else {
        return Vec::new();
    };
    let mut verdicts = Vec::new();
    if let Some((name, _, p99)) = last
        .measured
        .requests
        .iter()
        .max_by(|a, b| a.2.total_cmp(&b.2))
    {
        verdicts.push(format!(
            "p99 under 50 ms at {} dossiers {}: the slowest, {name}, {p99:.1} ms",
            last.size,
            mark(*p99 < 50.0)
        ));
    }
    if lines.len() > 1 {
        let growth = last
            .measured
            .requests
            .iter()
            .zip(&first.measured.requests)
            .map(|((name, at_last, _), (_, at_first, _))| (*name, at_last / at_first))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((name, ratio)) = growth {
            verdicts.push(format!(
                "at most ×2 from {} to {} dossiers (medians) {}: the most, {name}, ×{ratio:.1}",
                first.size,
                last.size,
                mark(ratio <= 2.0)
            ));
        }
    }
    // A small export is all latency: the rate is read on the largest.
    let export = last.measured.export_rows_per_second;
    verdicts.push(format!(
        "export at least 50 000 rows/s at {} dossiers {}: {export:.0} rows/s",
        last.size,
        mark(export >= 50_000.0)
    ));
    let slowest_bulk = lines
        .iter()
        .map(|l| l.measured.bulk_seconds)
        .fold(0.0, f64::max);
    verdicts.push(format!(
        "bulk invitation of 10 000 under 2 s at every size {}: the slowest {slowest_bulk:.2} s",
        mark(slowest_bulk < 2.0)
    ));
    let highest_rss = lines
        .iter()
        .map(|l| l.measured.highest_rss_mb)
        .fold(0.0, f64::max);
    verdicts.push(format!(
        "server RSS under 200 MB {}: at most {highest_rss:.0} MB",
        mark(highest_rss < 200.0)
    ));
    verdicts
}
