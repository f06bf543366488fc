//! The outbox: real SMTP to a real sink, nothing lost while SMTP is down, `.eml` files without
//! SMTP, and the dev mailbox only in development.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::json;

use crate::{
    both,
    helpers::{Backend, SmtpSink, assert_problem, free_port, spawn_app, spawn_app_with},
};

both!(
    mails_are_delivered_over_smtp_to_a_real_server,
    nothing_is_lost_while_smtp_is_down,
    without_smtp_mails_are_written_as_eml_files_with_proper_headers,
    the_dev_mailbox_does_not_exist_in_production,
);

fn use_smtp(settings: &mut server::config::Settings, port: u16) {
    settings.mail.smtp.host = "127.0.0.1".into();
    settings.mail.smtp.port = port;
    settings.mail.write_eml = false;
    settings.mail.from = "CFA Démo <no-reply@cfa.example.fr>".into();
    settings.mail.reply_to = "Contact CFA <contact@cfa.example.fr>".into();
}

async fn mails_are_delivered_over_smtp_to_a_real_server(backend: Backend) {
    let sink = SmtpSink::start(free_port()).await;
    let port = sink.port;
    let app = spawn_app_with(backend, |s| use_smtp(s, port)).await;
    let staff = app.login_demo("formation").await;

    let response = app.post_invitation(&staff, "smtp@example.fr", "F724").await;
    assert_eq!(response.status(), 201);

    let message = sink.wait_for("smtp@example.fr").await;
    for header in [
        "From: =?utf-8?",
        "no-reply@cfa.example.fr",
        "Reply-To:",
        "To: smtp@example.fr",
        "Subject: ",
        "Message-ID: <",
        "@cfa.example.fr>",
        "Date: ",
        "Auto-Submitted: auto-generated",
        "multipart/alternative",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Type: text/html; charset=utf-8",
    ] {
        assert!(message.contains(header), "{header:?} in\n{message}");
    }
    let mail = app.delivered_mail("smtp@example.fr", "Bienvenue").await;
    assert_eq!(mail.status, "sent");
}

async fn nothing_is_lost_while_smtp_is_down(backend: Backend) {
    let port = free_port();
    let app = spawn_app_with(backend, |s| use_smtp(s, port)).await;
    let staff = app.login_demo("formation").await;
    let response = app
        .post_invitation(&staff, "patience@example.fr", "F724")
        .await;
    assert_eq!(response.status(), 201);

    // The relay refuses connections: the mail stays pending, with its attempts counted.
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let mails = app.mailbox("patience@example.fr").await;
        if mails[0].attempts >= 1 {
            assert_eq!(mails[0].status, "pending");
            break;
        }
        assert!(Instant::now() < deadline, "no failed attempt recorded");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let row = db::queries::outbox::recent(&app.state.db, Some("patience@example.fr"), 1)
        .await
        .unwrap()
        .remove(0);
    assert!(row.last_error.unwrap().contains("SMTP"));

    let sink = SmtpSink::start(port).await;
    // Past the back-off of any number of attempts so far.
    app.state.clock.advance(chrono::Duration::hours(7));
    app.state.outbox.wake();

    sink.wait_for("patience@example.fr").await;
    let mail = app.delivered_mail("patience@example.fr", "Bienvenue").await;
    assert_eq!(mail.status, "sent");
}

async fn without_smtp_mails_are_written_as_eml_files_with_proper_headers(backend: Backend) {
    let app = spawn_app(backend).await;
    let forgot = app
        .post_json(
            None,
            "/api/v1/auth/password/forgot",
            &json!({"email": "employeur@demo.opuntia.test"}),
        )
        .await;
    assert_eq!(forgot.status(), 202);

    let mail = app
        .delivered_mail("employeur@demo.opuntia.test", "mot de passe")
        .await;

    assert_eq!(mail.status, "written");
    let files: Vec<_> = std::fs::read_dir(app.data_dir.join("mail"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1);
    assert!(files[0].extension().is_some_and(|e| e == "eml"));
    let eml = std::fs::read_to_string(&files[0]).unwrap();
    for header in [
        "From: Opuntia <no-reply@opuntia.localhost>",
        "To: employeur@demo.opuntia.test",
        "Message-ID: <",
        "Date: ",
        "MIME-Version: 1.0",
        "multipart/alternative",
    ] {
        assert!(eml.contains(header), "{header:?} in\n{eml}");
    }
}

async fn the_dev_mailbox_does_not_exist_in_production(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.mode = server::config::Mode::Production).await;

    let response = app
        .request(Method::GET, "/api/v1/dev/mailbox")
        .send()
        .await
        .unwrap();

    assert_problem(response, 404, "not_found").await;
    assert_eq!(
        db::queries::users::count(&app.state.db).await.unwrap(),
        0,
        "no demo data in production"
    );
}
