//! Limits under parallel requests: 200 at once at each limit (`OPUNTIA_RACE_REQUESTS` for more), which must hold exactly as it
//! holds one request at a time.

use futures_util::future::join_all;
use reqwest::Method;
use serde_json::json;

use crate::{
    both,
    helpers::{Backend, TestApp, spawn_app, spawn_app_with},
    signatures::{code_for, link_of, ready, send, sign},
};

both!(
    two_hundred_parallel_guesses_of_a_code_get_five_compared,
    two_hundred_parallel_code_requests_send_five_mails,
    parallel_right_codes_of_one_signer_make_one_signature,
    two_hundred_parallel_wrong_passwords_are_throttled_as_one_after_the_other,
);

const EMPLOYER: &str = "employeur@demo.opuntia.test";
/// Requests at once: 200, or `OPUNTIA_RACE_REQUESTS` (the reproduction used 1 000).
fn at_once() -> usize {
    std::env::var("OPUNTIA_RACE_REQUESTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200)
}

/// Each answer's status and, for a problem, its detail.
async fn outcomes(responses: Vec<reqwest::Response>) -> Vec<(u16, String)> {
    let mut out = Vec::new();
    for response in responses {
        let status = response.status().as_u16();
        let detail = if status >= 400 {
            let problem: api_types::Problem = response.json().await.unwrap();
            problem.detail.unwrap_or(problem.code)
        } else {
            String::new()
        };
        out.push((status, detail));
    }
    out
}

fn count(outcomes: &[(u16, String)], status: u16, starts: &str) -> usize {
    outcomes
        .iter()
        .filter(|(s, d)| *s == status && d.starts_with(starts))
        .count()
}

/// The employer's link, with a code mailed for it.
async fn employer_with_code(app: &TestApp) -> (String, String) {
    let cfa = ready(app).await;
    send(app, &cfa).await;
    let token = link_of(app, EMPLOYER).await;
    let code = code_for(app, &token, EMPLOYER).await;
    (token, code)
}

async fn two_hundred_parallel_guesses_of_a_code_get_five_compared(backend: Backend) {
    let app = spawn_app(backend).await;
    let (token, code) = employer_with_code(&app).await;
    let wrong: Vec<String> = (0..at_once())
        .map(|n| {
            format!(
                "{:06}",
                (code.parse::<u32>().unwrap() + 1 + n as u32) % 1_000_000
            )
        })
        .collect();
    let answers = outcomes(
        join_all(
            wrong
                .iter()
                .map(|guess| sign(&app, &token, guess, "Jean Employeur")),
        )
        .await,
    )
    .await;

    assert_eq!(count(&answers, 422, "Code incorrect"), 4, "{answers:?}");
    assert_eq!(count(&answers, 422, "Trop d'essais"), 1, "{answers:?}");
    assert_eq!(
        count(&answers, 422, "Demandez d'abord un code"),
        at_once() - 5,
        "{answers:?}"
    );
    // The code is spent: right as it is, it signs nothing.
    let late = outcomes(vec![sign(&app, &token, &code, "Jean Employeur").await]).await;
    assert_eq!(count(&late, 422, "Demandez d'abord un code"), 1, "{late:?}");
}

async fn two_hundred_parallel_code_requests_send_five_mails(backend: Backend) {
    let app = spawn_app(backend).await;
    let cfa = ready(&app).await;
    send(&app, &cfa).await;
    let token = link_of(&app, EMPLOYER).await;
    let path = format!("/api/v1/signing/{token}/code");
    let answers = outcomes(
        join_all(
            (0..at_once())
                .map(|_| async { app.request(Method::POST, &path).send().await.unwrap() }),
        )
        .await,
    )
    .await;

    assert_eq!(count(&answers, 202, ""), 5, "{answers:?}");
    assert_eq!(count(&answers, 429, ""), at_once() - 5, "{answers:?}");
    app.delivered_mail(EMPLOYER, "Votre code de signature")
        .await;
    // Give the outbox time to deliver anything more it had.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let codes = app
        .mailbox(EMPLOYER)
        .await
        .iter()
        .filter(|m| m.subject.contains("Votre code de signature"))
        .count();
    assert_eq!(codes, 5);
}

async fn parallel_right_codes_of_one_signer_make_one_signature(backend: Backend) {
    let app = spawn_app(backend).await;
    let (token, code) = employer_with_code(&app).await;
    let answers =
        outcomes(join_all((0..20).map(|_| sign(&app, &token, &code, "Jean Employeur"))).await)
            .await;

    assert_eq!(count(&answers, 200, ""), 1, "{answers:?}");
    // The others find the signature made, the link spent or the code spent: never a second.
    assert!(
        answers
            .iter()
            .all(|(status, _)| [200, 404, 409, 422].contains(status)),
        "{answers:?}"
    );
    let cfa = app.login_demo("cfa").await;
    let circuit = crate::signatures::circuit(&app, &cfa).await;
    let signed: Vec<&serde_json::Value> = circuit["signers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["status"] == "signed")
        .collect();
    assert_eq!(signed.len(), 1, "{circuit}");
    assert_eq!(signed[0]["role"], "employeur");
}

async fn two_hundred_parallel_wrong_passwords_are_throttled_as_one_after_the_other(
    backend: Backend,
) {
    // A first delay longer than the burst: every attempt past the free ones must wait for it,
    // however slowly the machine sends them.
    let app = spawn_app_with(backend, |settings| {
        settings.auth.first_delay_seconds = 3600;
        settings.auth.max_delay_seconds = 7200;
    })
    .await;
    let free = app.state.settings.auth.free_failures_per_pair as usize;
    let answers = outcomes(
        join_all((0..at_once()).map(|n| {
            let body = json!({"email": EMPLOYER, "password": format!("essai-{n}")});
            let app = &app;
            async move { app.post_json(None, "/api/v1/auth/login", &body).await }
        }))
        .await,
    )
    .await;

    // The free failures and the one that starts the delay are checked; the rest wait.
    assert_eq!(count(&answers, 401, ""), free + 1, "{answers:?}");
    assert_eq!(
        count(&answers, 429, ""),
        at_once() - free - 1,
        "{answers:?}"
    );
}
