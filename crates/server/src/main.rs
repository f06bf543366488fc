//! `opuntia`: loads the settings, starts the server, prints where to go and who to be.

use std::process::ExitCode;

use server::{config::Settings, startup::Application, telemetry};

#[actix_web::main]
async fn main() -> ExitCode {
    telemetry::init();
    let settings = match Settings::load() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("opuntia: {error}");
            return ExitCode::FAILURE;
        }
    };
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
