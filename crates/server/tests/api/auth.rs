//! Login, sessions, the one-hour password, « Mot de passe oublié », throttling.

use chrono::Duration;
use db::ConnectionTrait;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::{
    both,
    helpers::{
        Backend, ENGINEERING_ID, MASTER_ID, TestApp, assert_problem, demo, password_in,
        reset_token_in, spawn_app, spawn_app_with,
    },
};

both!(
    every_demo_account_signs_in_with_its_role,
    a_wrong_password_and_an_unknown_address_get_the_same_answer,
    login_sets_an_http_only_strict_refresh_cookie_that_refresh_rotates,
    logout_revokes_the_refresh_token,
    an_invitation_password_works_for_one_hour_then_points_to_forgotten_password,
    the_forgotten_password_flow_works_end_to_end_through_the_mailbox,
    forgotten_password_answers_the_same_for_an_unknown_address,
    forgotten_password_mails_are_limited_per_address,
    changing_a_password_needs_the_current_one,
    failed_logins_slow_down_the_address_that_makes_them_never_the_owner,
    an_access_token_stops_writing_once_its_account_is_gone_or_its_role_changed,
    logins_are_throttled_per_client_address,
    protected_endpoints_refuse_missing_forged_and_expired_tokens,
    me_lists_the_dossiers_each_role_may_open,
);

async fn every_demo_account_signs_in_with_its_role(backend: Backend) {
    let app = spawn_app(backend).await;
    for role in ["cfa", "formation", "employeur", "alternant"] {
        let response = app.try_login(demo(role), "opuntia-demo").await;

        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["token_type"], "Bearer");
        assert_eq!(body["expires_in"], 900);
        assert_eq!(body["user"]["email"], demo(role));
        assert_eq!(body["user"]["role"], role);
        assert!(body["user"]["id"].is_string());
    }
}

async fn a_wrong_password_and_an_unknown_address_get_the_same_answer(backend: Backend) {
    let app = spawn_app(backend).await;

    let wrong_password = app.try_login(demo("cfa"), "not the password").await;
    let unknown = app.try_login("nobody@example.fr", "not the password").await;

    let a = assert_problem(wrong_password, 401, "invalid_credentials").await;
    let b = assert_problem(unknown, 401, "invalid_credentials").await;
    assert_eq!(a, b);
    assert_eq!(
        a.detail.as_deref(),
        Some("Adresse e-mail ou mot de passe incorrect.")
    );
}

pub(crate) fn refresh_cookie(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("opuntia_refresh="))
        .expect("a refresh cookie")
}

pub(crate) fn cookie_pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().to_owned()
}

async fn login_sets_an_http_only_strict_refresh_cookie_that_refresh_rotates(backend: Backend) {
    let app = spawn_app(backend).await;

    let response = app.try_login(demo("alternant"), "opuntia-demo").await;
    let cookie = refresh_cookie(&response);
    assert!(cookie.contains("HttpOnly"));
    assert!(cookie.contains("SameSite=Strict"));
    assert!(cookie.contains("Path=/api/v1/auth"));

    let refreshed = app
        .request(Method::POST, "/api/v1/auth/refresh")
        .header("cookie", cookie_pair(&cookie))
        .send()
        .await
        .unwrap();
    assert_eq!(refreshed.status(), 200);
    let rotated = refresh_cookie(&refreshed);
    assert_ne!(cookie_pair(&rotated), cookie_pair(&cookie));
    let body: Value = refreshed.json().await.unwrap();
    let me = app
        .get_as(body["access_token"].as_str().unwrap(), "/api/v1/me")
        .await;
    assert_eq!(me.status(), 200);

    let replayed = app
        .request(Method::POST, "/api/v1/auth/refresh")
        .header("cookie", cookie_pair(&cookie))
        .send()
        .await
        .unwrap();
    assert_problem(replayed, 401, "unauthenticated").await;
}

async fn logout_revokes_the_refresh_token(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app.try_login(demo("employeur"), "opuntia-demo").await;
    let cookie = cookie_pair(&refresh_cookie(&response));

    let logout = app
        .request(Method::POST, "/api/v1/auth/logout")
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), 204);
    assert!(refresh_cookie(&logout).contains("Max-Age=0"));

    let refresh = app
        .request(Method::POST, "/api/v1/auth/refresh")
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_problem(refresh, 401, "unauthenticated").await;
}

async fn an_invitation_password_works_for_one_hour_then_points_to_forgotten_password(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let staff = app.login_demo("formation").await;
    let (_, password) = app.invite(&staff, "hugo.bernard@example.fr", "F724").await;

    app.state.clock.advance(Duration::minutes(59));
    let within = app.try_login("hugo.bernard@example.fr", &password).await;
    assert_eq!(within.status(), 200);
    let body: Value = within.json().await.unwrap();
    assert_eq!(body["user"]["password_change_required"], true);

    app.state.clock.advance(Duration::minutes(2));
    let after = app.try_login("hugo.bernard@example.fr", &password).await;
    let problem = assert_problem(after, 401, "generated_password_expired").await;
    assert!(problem.detail.unwrap().contains("Mot de passe oublié"));
}

async fn the_forgotten_password_flow_works_end_to_end_through_the_mailbox(backend: Backend) {
    let app = spawn_app(backend).await;
    let staff = app.login_demo("cfa").await;
    let (_, generated) = app.invite(&staff, "ines.petit@example.fr", "F728").await;
    app.state.clock.advance(Duration::hours(2));

    let forgot = app
        .post_json(
            None,
            "/api/v1/auth/password/forgot",
            &json!({"email": "Ines.Petit@example.fr"}),
        )
        .await;
    assert_eq!(forgot.status(), 202);
    let mail = app
        .delivered_mail("ines.petit@example.fr", "choisissez votre mot de passe")
        .await;
    assert!(mail.text.contains("une seule fois"));
    let token = reset_token_in(&mail.text);
    assert!(mail.html.contains(&token));

    let reset = app
        .post_json(
            None,
            "/api/v1/auth/password/reset",
            &json!({"token": token, "password": "mon nouveau mot de passe"}),
        )
        .await;
    assert_eq!(reset.status(), 204);
    assert_eq!(
        app.try_login("ines.petit@example.fr", "mon nouveau mot de passe")
            .await
            .status(),
        200
    );
    let again = app
        .post_json(
            None,
            "/api/v1/auth/password/reset",
            &json!({"token": token, "password": "encore un autre mot"}),
        )
        .await;
    assert_problem(again, 400, "invalid_reset_token").await;
    let old = app.try_login("ines.petit@example.fr", &generated).await;
    assert_problem(old, 401, "invalid_credentials").await;
    app.delivered_mail("ines.petit@example.fr", "a été modifié")
        .await;
}

async fn forgotten_password_answers_the_same_for_an_unknown_address(backend: Backend) {
    let app = spawn_app(backend).await;

    let unknown = app
        .post_json(
            None,
            "/api/v1/auth/password/forgot",
            &json!({"email": "personne@example.fr"}),
        )
        .await;
    let malformed = app
        .post_json(
            None,
            "/api/v1/auth/password/forgot",
            &json!({"email": "pas une adresse"}),
        )
        .await;

    assert_eq!(unknown.status(), 202);
    assert_eq!(malformed.status(), 202);
    assert_eq!(unknown.text().await.unwrap(), "");
    assert!(app.mailbox("personne@example.fr").await.is_empty());
}

async fn forgotten_password_mails_are_limited_per_address(backend: Backend) {
    let app = spawn_app(backend).await;
    let body = json!({"email": demo("alternant")});
    let forgot = || app.post_json(None, "/api/v1/auth/password/forgot", &body);
    for _ in 0..4 {
        assert_eq!(forgot().await.status(), 202);
    }

    assert_eq!(app.mailbox(demo("alternant")).await.len(), 3);
    app.state.clock.advance(Duration::minutes(16));
    assert_eq!(forgot().await.status(), 202);
    assert_eq!(app.mailbox(demo("alternant")).await.len(), 4);
}

async fn changing_a_password_needs_the_current_one(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.login_demo("employeur").await;
    let change = |current: &'static str, new: &'static str| json!({"current_password": current, "new_password": new});

    let wrong = app
        .post_json(
            Some(&token),
            "/api/v1/auth/password",
            &change("pas le bon", "un mot de passe neuf"),
        )
        .await;
    assert_problem(wrong, 401, "invalid_credentials").await;
    let short = app
        .post_json(
            Some(&token),
            "/api/v1/auth/password",
            &change("opuntia-demo", "court"),
        )
        .await;
    let problem = assert_problem(short, 422, "validation_failed").await;
    assert_eq!(problem.errors[0].field, "new_password");
    assert_eq!(problem.errors[0].code, "password_too_short");

    let ok = app
        .post_json(
            Some(&token),
            "/api/v1/auth/password",
            &change("opuntia-demo", "un mot de passe neuf"),
        )
        .await;
    assert_eq!(ok.status(), 200);
    let session: Value = ok.json().await.unwrap();
    assert_eq!(session["user"]["password_change_required"], false);
    let renewed = session["access_token"].as_str().unwrap();
    assert_eq!(app.get_as(renewed, "/api/v1/me").await.status(), 200);
    assert_eq!(
        app.try_login(demo("employeur"), "opuntia-demo")
            .await
            .status(),
        401
    );
    app.login(demo("employeur"), "un mot de passe neuf").await;
}

/// A login attempt from a given client address (the server trusts `X-Forwarded-For`).
async fn login_from(app: &TestApp, address: &str, email: &str, password: &str) -> Response {
    app.request(Method::POST, "/api/v1/auth/login")
        .header("x-forwarded-for", address)
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
}

fn retry_after(response: &Response) -> i64 {
    response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

async fn failed_logins_slow_down_the_address_that_makes_them_never_the_owner(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.server.trust_forwarded_for = true).await;
    let attacker = "203.0.113.9";
    let owner = "198.51.100.7";
    for _ in 0..4 {
        let response = login_from(&app, attacker, demo("cfa"), "wrong password").await;
        assert_eq!(response.status(), 401);
    }

    let delayed = login_from(&app, attacker, demo("cfa"), "opuntia-demo").await;
    assert_eq!(retry_after(&delayed), 1);
    let problem = assert_problem(delayed, 429, "too_many_attempts").await;
    assert!(problem.detail.unwrap().contains("Réessayez"));
    let from_home = login_from(&app, owner, demo("cfa"), "opuntia-demo").await;
    assert_eq!(from_home.status(), 200, "the owner signs in from elsewhere");

    app.state.clock.advance(Duration::seconds(1));
    let fifth = login_from(&app, attacker, demo("cfa"), "wrong again").await;
    assert_eq!(fifth.status(), 401);
    let longer = login_from(&app, attacker, demo("cfa"), "opuntia-demo").await;
    assert_eq!(retry_after(&longer), 2, "each failure doubles the delay");
    assert_eq!(
        login_from(&app, attacker, demo("employeur"), "opuntia-demo")
            .await
            .status(),
        200,
        "other accounts from the same address are not slowed"
    );

    app.state.clock.advance(Duration::seconds(2));
    assert_eq!(
        login_from(&app, attacker, demo("cfa"), "opuntia-demo")
            .await
            .status(),
        200,
        "once the delay has passed"
    );
}

async fn logins_are_throttled_per_client_address(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.auth.max_failures_per_ip = 3).await;
    for n in 0..3 {
        let response = app
            .try_login(&format!("someone{n}@example.fr"), "guess")
            .await;
        assert_eq!(response.status(), 401);
    }

    let blocked = app.try_login(demo("cfa"), "opuntia-demo").await;

    assert_problem(blocked, 429, "too_many_attempts").await;
}

async fn protected_endpoints_refuse_missing_forged_and_expired_tokens(backend: Backend) {
    let app = spawn_app(backend).await;

    let missing = app.request(Method::GET, "/api/v1/me").send().await.unwrap();
    assert_eq!(missing.headers()["www-authenticate"], "Bearer");
    assert_problem(missing, 401, "unauthenticated").await;
    let forged = app
        .get_as("eyJhbGciOiJIUzI1NiJ9.e30.forged", "/api/v1/me")
        .await;
    assert_problem(forged, 401, "unauthenticated").await;

    let token = app.login_demo("cfa").await;
    assert_eq!(app.get_as(&token, "/api/v1/me").await.status(), 200);
    app.state.clock.advance(Duration::minutes(16));
    let expired = app.get_as(&token, "/api/v1/me").await;
    assert_problem(expired, 401, "unauthenticated").await;
}

async fn me_lists_the_dossiers_each_role_may_open(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo_dossier = "00000000-0000-4000-8000-00000000d001";

    for (role, scope, dossiers) in [
        ("alternant", "own", vec![demo_dossier]),
        ("employeur", "own", vec![demo_dossier]),
        ("formation", "formations", vec![demo_dossier]),
        ("cfa", "all", vec![]),
    ] {
        let token = app.login_demo(role).await;
        let me: Value = app.get_as(&token, "/api/v1/me").await.json().await.unwrap();
        assert_eq!(me["user"]["role"], role);
        assert_eq!(me["dossier_scope"], scope, "{role}");
        assert_eq!(me["dossier_ids"], json!(dossiers), "{role}");
        if role == "formation" {
            let mut formations: Vec<String> =
                serde_json::from_value(me["formation_ids"].clone()).unwrap();
            formations.sort();
            assert_eq!(formations, vec![ENGINEERING_ID, MASTER_ID]);
        }
    }
}

/// A new CFA staff account, signed in with the password of its welcome mail.
async fn new_staff_session(app: &TestApp, cfa: &str, email: &str) -> String {
    let created = app
        .post_json(
            Some(cfa),
            "/api/v1/users",
            &json!({"email": email, "first_name": "Nadia", "last_name": "Benali", "role": "cfa"}),
        )
        .await;
    assert_eq!(created.status(), 201);
    let mail = app.delivered_mail(email, "Bienvenue").await;
    app.login(email, &password_in(&mail.text)).await
}

async fn an_access_token_stops_writing_once_its_account_is_gone_or_its_role_changed(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let cfa = app.login_demo("cfa").await;
    let demoted = new_staff_session(&app, &cfa, "demoted@cfa.example.fr").await;
    let removed = new_staff_session(&app, &cfa, "removed@cfa.example.fr").await;
    let staff = |email: &str| json!({"email": email, "first_name": "Léa", "last_name": "Roux", "role": "cfa"});
    let before = app
        .post_json(Some(&demoted), "/api/v1/users", &staff("a@cfa.example.fr"))
        .await;
    assert_eq!(before.status(), 201, "the account writes while it is staff");

    let db = &app.state.db;
    db.execute_unprepared(
        "UPDATE users SET role = 'formation' WHERE email = 'demoted@cfa.example.fr'",
    )
    .await
    .unwrap();
    for table in ["refresh_tokens", "api_tokens", "password_resets"] {
        db.execute_unprepared(&format!(
            "DELETE FROM {table} WHERE user_id IN (SELECT id FROM users WHERE email = 'removed@cfa.example.fr')"
        ))
        .await
        .unwrap();
    }
    db.execute_unprepared("DELETE FROM users WHERE email = 'removed@cfa.example.fr'")
        .await
        .unwrap();

    for token in [&demoted, &removed] {
        let write = app
            .post_json(Some(token), "/api/v1/users", &staff("b@cfa.example.fr"))
            .await;
        assert_problem(write, 401, "unauthenticated").await;
    }
}
