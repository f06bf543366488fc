//! `opuntia`: loads the settings, starts the server, prints where to go and who to be.
//! `opuntia backup <file>`, `opuntia reseal`, `opuntia nir-key <id>`: maintenance beside it.

use std::process::ExitCode;

use server::{config::Settings, maintenance, sealing::NirSeal, startup::Application, telemetry};

const USAGE: &str = "usage: opuntia                 serve (settings: OPUNTIA_CONFIG, OPUNTIA__…)
       opuntia backup <file>   copy the database while it runs (SQLite; pg_dump for PostgreSQL)
       opuntia reseal          seal every NIR and kept document under the current key of
                               security.nir_keys
       opuntia nir-key <id>    print a new NIR key entry for security.nir_keys";

fn main() -> ExitCode {
    // The PDF gate's child reads one file and ends: none of the server's start-up.
    if std::env::args().nth(1).as_deref() == Some(server::pdf_gate::SUBCOMMAND) {
        return server::pdf_gate::child_main();
    }
    limit_allocator_arenas();
    actix_web::rt::System::new().block_on(run())
}

/// glibc gives a thread that allocates while the others' arenas are busy an arena of its own,
/// up to eight per core, and keeps what was freed in each: after three bulk invitations of
/// 10 000 rows the server held 205 MB with the default and 136 MB with two arenas, at the same
/// speed (mimalloc, tried instead: 184 MB, no faster). glibc reads `MALLOC_ARENA_MAX` before
/// `main`, and the workspace forbids the `unsafe` of `mallopt`: so the server starts itself
/// again with the variable set, unless it is set already (an operator's choice stands).
fn limit_allocator_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none()
        && let Ok(program) = std::env::current_exe()
    {
        use std::os::unix::process::CommandExt;
        // Returns only when the program could not be started again.
        let error = std::process::Command::new(program)
            .args(std::env::args_os().skip(1))
            .env("MALLOC_ARENA_MAX", "2")
            .exec();
        eprintln!("opuntia: goes on with glibc's default arenas ({error})");
    }
}

async fn run() -> ExitCode {
    telemetry::init();
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let arguments: Vec<&str> = arguments.iter().map(String::as_str).collect();
    if let ["nir-key", id] = arguments.as_slice() {
        return match NirSeal::new_key(id) {
            Ok(entry) => {
                println!("{entry}");
                ExitCode::SUCCESS
            }
            Err(error) => fail(error),
        };
    }
    let settings = match Settings::load() {
        Ok(settings) => settings,
        Err(error) => return fail(error),
    };
    match arguments.as_slice() {
        [] => serve(settings).await,
        ["backup", file] => match maintenance::backup(&settings, file.as_ref()).await {
            Ok(report) => {
                println!(
                    "Sauvegarde écrite dans {file} : {} dossiers, {} comptes.",
                    report.dossiers, report.users
                );
                ExitCode::SUCCESS
            }
            Err(error) => fail(error),
        },
        ["reseal"] => match maintenance::reseal(&settings).await {
            Ok(written) => {
                println!("{written} dossiers scellés sous la clé courante.");
                ExitCode::SUCCESS
            }
            Err(error) => fail(error),
        },
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn fail(error: impl std::fmt::Display) -> ExitCode {
    eprintln!("opuntia: {error}");
    ExitCode::FAILURE
}

async fn serve(settings: Settings) -> ExitCode {
    let development = settings.is_development();
    let application = match Application::build(settings).await {
        Ok(application) => application,
        Err(error) => {
            eprintln!("opuntia: {error}");
            return ExitCode::FAILURE;
        }
    };
    let state = application.state();
    let url = state.public_url().to_owned();
    println!("\nOpuntia écoute sur {url}/");
    println!("  API            {url}/api/v1");
    println!("  Documentation  {url}/api/docs/");
    println!("  Santé          {url}/health");
    if development {
        println!("  Boîte mail     {url}/api/v1/dev/mailbox  (mode développement)");
    }
    if !application.demo_accounts().is_empty() {
        println!("\nComptes de démonstration :");
        for account in application.demo_accounts() {
            println!(
                "  {:<30} mot de passe « {} »  — {}",
                account.email, account.password, account.what
            );
        }
        println!(
            "Codes d'accès : F724, F724-2 (validation manuelle), F728 (validation automatique, mission obligatoire)\n"
        );
    }
    match application.run_until_stopped().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("opuntia: {error}");
            ExitCode::FAILURE
        }
    }
}
