//! `cargo xtask bench [--quick]`: every benchmark of BENCHMARKS.md run in turn — the rules'
//! evaluation, the bulk invitation, dossier reads and writes under load, the documents, the
//! lists at scale, two instances behind HAProxy, the app's bundle and first render — and what each printed written into
//! BENCHMARKS.md between two markers, with the day, the commit and the machine. The rest of the
//! file (earlier runs, what each step changed, why) is written by hand around that block.
//!
//! `--quick` runs the same benchmarks smaller (lists of 1 000 and 20 000 dossiers, shorter load
//! phases, fewer runs and renders): for spotting a regression, not for reading the targets.
//! A full run fills up to 1 000 000 dossiers on PostgreSQL and takes about an hour here.

use std::process::{Command, Stdio};

use crate::{browser, cargo, output};

const START: &str = "<!-- cargo xtask bench: start -->";
const END: &str = "<!-- cargo xtask bench: end -->";

/// What one benchmark printed, and how it was made.
struct Outcome {
    title: &'static str,
    command: String,
    how: &'static str,
    printed: String,
}

/// The lists' sizes per backend: `(SQLite, PostgreSQL)`.
fn list_sizes(quick: bool) -> (&'static str, &'static str) {
    // Each size's bulk invitation adds 10 000 dossiers before the next size is filled: a next
    // size under the last plus 10 000 would be measured larger than it says.
    if quick {
        ("1000,20000", "1000,20000")
    } else {
        ("10000,100000", "10000,100000,1000000")
    }
}

pub fn run(args: &[String]) -> Result<(), String> {
    let quick = match args {
        [] => false,
        [flag] if flag == "--quick" => true,
        _ => {
            return Err(format!(
                "cargo xtask bench: unknown arguments {args:?} (only --quick)"
            ));
        }
    };
    crate::ensure_fonts()?;
    let postgres = crate::postgres_for_tests();
    let mut outcomes = vec![evaluation(quick)?];
    let (sqlite_sizes, postgres_sizes) = list_sizes(quick);
    for (bench, title, how) in [
        (
            "bulk_invitations",
            "Bulk invitation of 10 000 apprentices",
            "The real server on a fresh database (SQLite, then PostgreSQL), one 10 000-row CSV posted to `POST /api/v1/invitations/bulk` as a CFA script would: the answer, then the time until every invitation e-mail is delivered (as `.eml` files).",
        ),
        (
            "dossier_load",
            "Dossier reads and writes under load",
            "The real server, 32 dossiers made by a bulk invitation, 32 keep-alive connections per phase: `GET /health`, a dossier's read as CFA staff, `PATCH` with `If-Match` (each connection its own dossier), then reads beside one writing connection.",
        ),
        (
            "documents",
            "Documents",
            "Each document rendered from the complete dossier of the domain's tests (median time, size); then the CERFAs of the dossiers made by a bulk invitation and filled through the API, downloaded as one ZIP, first rendered and kept, then from the kept bytes, with the server's RSS.",
        ),
        (
            "dossier_lists",
            "Lists of dossiers at scale",
            "The real `opuntia` binary as a child process on a fresh SQLite file and a fresh PostgreSQL database, filled step by step to each size by the direct loader of the benchmark (`db::queries` in the server's row format: an apprentice account and a dossier per row, 45 % drafts, the rest spread over the statuses with an employer among 5 000 and contract dates), then each request sent one after the other, warm, as CFA staff, and one 10 000-row bulk invitation over HTTP at each size (which adds 10 000 dossiers to the next size).",
        ),
        (
            "instances",
            "Several instances behind a proxy",
            "Two `opuntia` processes (release) on one fresh PostgreSQL database, the same JWT secret, each its own data directory, behind Debian's HAProxy in round robin: connections that read their dossier then write it with that read's `If-Match` (a read served stale after the other instance wrote would make the write fail), writes on one instance read back at once on the other, and a bulk invitation's e-mails delivered by both outbox workers, each address counted across both directories.",
        ),
    ] {
        if bench == "instances" && postgres.is_some() {
            ensure_haproxy()?;
        }
        let mut command = cargo();
        command
            .args(["bench", "-p", "opuntia-server", "--bench", bench])
            .env("OPUNTIA_LISTS_SQLITE", sqlite_sizes)
            .env("OPUNTIA_LISTS_POSTGRES", postgres_sizes);
        if quick {
            command
                .env("OPUNTIA_BENCH_QUICK", "1")
                .env("OPUNTIA_LISTS_SAMPLES", "20");
        }
        match &postgres {
            Some(url) => command.env("OPUNTIA_TEST_POSTGRES_URL", url),
            None => command.env_remove("OPUNTIA_TEST_POSTGRES_URL"),
        };
        let shown = if bench == "dossier_lists" {
            format!(
                "OPUNTIA_LISTS_SQLITE={sqlite_sizes} OPUNTIA_LISTS_POSTGRES={postgres_sizes} cargo bench -p opuntia-server --bench {bench}"
            )
        } else {
            format!("cargo bench -p opuntia-server --bench {bench}")
        };
        outcomes.push(Outcome {
            title,
            command: shown,
            how,
            printed: printed_by(bench, &mut command)?,
        });
    }
    outcomes.push(app(quick)?);
    write(&outcomes, quick, postgres.is_some())
}

/// Debian's HAProxy, the proxy of the several-instances benchmark.
fn ensure_haproxy() -> Result<(), String> {
    if Command::new("haproxy").arg("-v").output().is_ok() {
        return Ok(());
    }
    browser::apt_install(&["haproxy"])
}

/// Runs `command`, its progress on the terminal, and answers what it printed on stdout.
fn printed_by(step: &str, command: &mut Command) -> Result<String, String> {
    eprintln!("\n==> bench: {step}");
    let out = command
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("{step}: could not start: {e}"))?;
    let printed = String::from_utf8_lossy(&out.stdout).into_owned();
    eprint!("{printed}");
    if out.status.success() {
        Ok(printed)
    } else {
        Err(format!("bench {step} failed ({})", out.status))
    }
}

/// The rules' evaluation, by criterion; its estimates as a table.
fn evaluation(quick: bool) -> Result<Outcome, String> {
    let mut command = cargo();
    command.args(["bench", "-p", "opuntia-domain", "--bench", "evaluation"]);
    if quick {
        command.args(["--", "--quick"]);
    }
    let printed = printed_by("evaluation", &mut command)?;
    let mut table =
        String::from("| evaluation | time (criterion: low, estimate, high) |\n|---|---|\n");
    for (name, time) in criterion_estimates(&printed) {
        table.push_str(&format!("| {name} | {time} |\n"));
    }
    Ok(Outcome {
        title: "Rule evaluation",
        command: "cargo bench -p opuntia-domain --bench evaluation".into(),
        how: "criterion: a full `domain::evaluate` of an empty and of a complete dossier, as the browser runs it on every keystroke (target: under 20 µs for the complete one).",
        printed: table,
    })
}

/// `(benchmark, "[low estimate high]")` from criterion's report, which puts a long name on a
/// line of its own before `time:`.
fn criterion_estimates(printed: &str) -> Vec<(String, String)> {
    let mut estimates = Vec::new();
    let mut name = String::new();
    for line in printed.lines() {
        match line.split_once("time:") {
            Some((before, after)) => {
                if !before.trim().is_empty() {
                    name = before.trim().to_owned();
                }
                let time = after.trim().trim_start_matches('[').trim_end_matches(']');
                estimates.push((std::mem::take(&mut name), time.to_owned()));
            }
            None if !line.starts_with(' ') && !line.trim().is_empty() => {
                name = line.trim().to_owned();
            }
            None => {}
        }
    }
    estimates
}

/// The app's bundle (built for size, as shipped) and its first render in Chromium, against the
/// release server the benchmarks above built.
fn app(quick: bool) -> Result<Outcome, String> {
    browser::build_frontend()?;
    browser::ensure_test_tools()?;
    // The journeys' server helper starts an SMTP sink beside the server.
    crate::ensure_smtp_sink()?;
    let mut command = Command::new("node");
    command
        .arg("bench/first-render.mjs")
        .env("OPUNTIA_BIN", browser::target_dir().join("release/opuntia"))
        .env("CHROMIUM", browser::CHROMIUM)
        .env("RUNS", if quick { "5" } else { "20" })
        .current_dir(browser::root().join("e2e"));
    Ok(Outcome {
        title: "Browser app: bundle and first render",
        command: "node e2e/bench/first-render.mjs".into(),
        how: "The sizes of `frontend/dist` as `cargo xtask` builds it, then the first render — from navigation start to the login form on screen — in fresh Chromium contexts (empty cache) against the release server (targets: under 300 KB gzipped, first render under 300 ms).",
        printed: printed_by("first render", &mut command)?,
    })
}

/// One line of the machine the figures were measured on.
fn machine(postgres: bool) -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cores = cpuinfo
        .lines()
        .filter(|l| l.starts_with("processor"))
        .count();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|rest| rest.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_default();
    let memory_gib = std::fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<f64>()
                .ok()
        })
        .map_or(0.0, |kib| kib / 1024.0 / 1024.0);
    let rustc = output(Command::new("rustc").arg("--version"))
        .unwrap_or_default()
        .trim()
        .to_owned();
    let mut line = format!("{cores} cores ({model}), {memory_gib:.0} GiB, {rustc}");
    if postgres {
        let version = output(Command::new("psql").args([
            &format!(
                "{}/postgres",
                crate::postgres_for_tests().unwrap_or_default()
            ),
            "-Atc",
            "SHOW server_version",
        ]))
        .unwrap_or_default();
        if !version.trim().is_empty() {
            line.push_str(&format!(", PostgreSQL {}", version.trim()));
        }
    } else {
        line.push_str(", no PostgreSQL (SQLite only)");
    }
    line
}

fn write(outcomes: &[Outcome], quick: bool, postgres: bool) -> Result<(), String> {
    let root = browser::root();
    let commit = output(
        Command::new("git")
            .args(["rev-parse", "--short", "HEAD"])
            .current_dir(&root),
    )
    .unwrap_or_default()
    .trim()
    .to_owned();
    let changed = !output(
        Command::new("git")
            .args(["status", "--porcelain"])
            .current_dir(&root),
    )
    .unwrap_or_default()
    .trim()
    .is_empty();
    let day = output(Command::new("date").arg("+%Y-%m-%d"))
        .unwrap_or_default()
        .trim()
        .to_owned();
    let mut block = format!(
        "{START}\n## The latest `cargo xtask bench{}` ({day})\n\nWritten by the command at commit `{commit}`{}, on {}. Each section is what the benchmark printed; the sections after this block keep earlier runs and what each change did.{}\n",
        if quick { " --quick" } else { "" },
        if changed {
            " with uncommitted changes"
        } else {
            ""
        },
        machine(postgres),
        if quick {
            " **A quick run**: smaller sizes and fewer samples, for spotting a regression — the targets are read on a full run."
        } else {
            ""
        }
    );
    for outcome in outcomes {
        block.push_str(&format!(
            "\n### {}\n\n`{}` — {}\n\n{}",
            outcome.title,
            outcome.command,
            outcome.how,
            as_markdown(&outcome.printed)
        ));
    }
    block.push('\n');
    block.push_str(END);
    let path = root.join("BENCHMARKS.md");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    std::fs::write(&path, with_block(&text, &block))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    eprintln!("\n==> BENCHMARKS.md: the block « {START} » written");
    Ok(())
}

/// How a printed line reads in markdown.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Table,
    Bullet,
    Note,
    Text,
}

fn kind(line: &str) -> Kind {
    if line.starts_with('|') {
        Kind::Table
    } else if line.starts_with("- ") {
        Kind::Bullet
    } else if line.starts_with('(') {
        Kind::Note
    } else {
        Kind::Text
    }
}

/// A log line of the server under measure (tracing's coloured output), not a figure.
fn is_log(line: &str) -> bool {
    line.contains('\u{1b}')
}

/// Tables, bullets and notes as they are; every other run of lines in a text block, as
/// printed; a blank line between runs of different kinds (a line right after a table would
/// be read as one of its rows); log lines left out.
fn as_markdown(printed: &str) -> String {
    let mut groups: Vec<(Kind, Vec<&str>)> = Vec::new();
    let mut after_blank = true;
    for line in printed.lines().filter(|line| !is_log(line)) {
        if line.trim().is_empty() {
            after_blank = true;
            continue;
        }
        let line_kind = kind(line);
        match groups.last_mut() {
            Some((last, lines))
                if *last == line_kind && !(after_blank && line_kind != Kind::Text) =>
            {
                if after_blank {
                    lines.push("");
                }
                lines.push(line);
            }
            _ => groups.push((line_kind, vec![line])),
        }
        after_blank = false;
    }
    groups
        .iter()
        .map(|(kind, lines)| match kind {
            Kind::Text => format!("```text\n{}\n```\n", lines.join("\n")),
            _ => format!("{}\n", lines.join("\n")),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `text` with the block between the markers replaced, or inserted before the first section.
fn with_block(text: &str, block: &str) -> String {
    if let (Some(start), Some(end)) = (text.find(START), text.find(END))
        && start < end
    {
        return format!("{}{block}{}", &text[..start], &text[end + END.len()..]);
    }
    match text.find("\n## ") {
        Some(at) => format!("{}{block}\n{}", &text[..=at], &text[at..]),
        None => format!("{text}\n{block}\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn criterion_estimates_are_read_whether_the_name_shares_the_line_or_not() {
        let printed = "evaluate empty dossier  time:   [3.8963 µs 3.9042 µs 3.9128 µs]\nevaluate complete dossier with a long name\n                        time:   [15.5 µs 15.6 µs 15.7 µs]\n                        change: [-1.0% +0.1% +1.2%]\n";

        let estimates = criterion_estimates(printed);

        assert_eq!(
            estimates,
            vec![
                (
                    "evaluate empty dossier".into(),
                    "3.8963 µs 3.9042 µs 3.9128 µs".into()
                ),
                (
                    "evaluate complete dossier with a long name".into(),
                    "15.5 µs 15.6 µs 15.7 µs".into()
                ),
            ]
        );
    }

    #[test]
    fn a_second_run_replaces_the_block_and_keeps_the_rest() {
        let first = with_block(
            "# Benchmarks\n\nIntro.\n\n## Old\n\nKept.\n",
            &format!("{START}\nA\n{END}"),
        );
        assert_eq!(
            first,
            format!("# Benchmarks\n\nIntro.\n\n{START}\nA\n{END}\n\n## Old\n\nKept.\n")
        );

        let second = with_block(&first, &format!("{START}\nB\n{END}"));

        assert_eq!(
            second,
            format!("# Benchmarks\n\nIntro.\n\n{START}\nB\n{END}\n\n## Old\n\nKept.\n")
        );
    }

    #[test]
    fn printed_tables_stay_tables_and_other_lines_go_in_a_text_block() {
        let printed = "SQLite: answer 1.2 s\n\u{1b}[2m2026-12-03T16:55:19Z\u{1b}[0m INFO a log line\nSQLite: mails 3 s\n\n| a | b |\n|---|---|\n| 1 | 2 |\n(note)\n\n- SQLite: target ✔\n- PostgreSQL: target ✘\n";

        let markdown = as_markdown(printed);

        assert_eq!(
            markdown,
            "```text\nSQLite: answer 1.2 s\nSQLite: mails 3 s\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n(note)\n\n- SQLite: target ✔\n- PostgreSQL: target ✘\n"
        );
    }
}
