//! Accounts CFA staff manage.

use serde_json::{Value, json};

use crate::{
    both,
    helpers::{Backend, assert_problem, password_in, reset_token_in, spawn_app},
};

both!(
    cfa_staff_list_accounts_and_filter_them_by_role,
    a_staff_account_is_invited_with_a_one_hour_password,
    only_cfa_staff_manage_accounts,
    an_account_that_lost_its_invitation_is_sent_a_link_to_choose_its_password,
);

async fn cfa_staff_list_accounts_and_filter_them_by_role(backend: Backend) {
    let app = spawn_app(backend).await;
    let cfa = app.login_demo("cfa").await;

    let all: Vec<Value> = app
        .get_as(&cfa, "/api/v1/users")
        .await
        .json()
        .await
        .unwrap();
    let responsables: Vec<Value> = app
        .get_as(&cfa, "/api/v1/users?role=formation")
        .await
        .json()
        .await
        .unwrap();
    let unknown = app.get_as(&cfa, "/api/v1/users?role=admin").await;

    let roles: Vec<&str> = all.iter().map(|u| u["role"].as_str().unwrap()).collect();
    assert_eq!(roles, vec!["alternant", "cfa", "employeur", "formation"]);
    assert_eq!(responsables.len(), 1);
    assert_eq!(responsables[0]["email"], "formation@demo.opuntia.test");
    assert_problem(unknown, 400, "invalid_query").await;
}

async fn a_staff_account_is_invited_with_a_one_hour_password(backend: Backend) {
    let app = spawn_app(backend).await;
    let cfa = app.login_demo("cfa").await;

    let created = app
        .post_json(
            Some(&cfa),
            "/api/v1/users",
            &json!({"email": "Conseillere@CFA.example.fr", "first_name": "Nadia", "last_name": "Benali", "role": "cfa"}),
        )
        .await;

    assert_eq!(created.status(), 201);
    let user: Value = created.json().await.unwrap();
    assert_eq!(user["email"], "conseillere@cfa.example.fr");
    assert_eq!(user["password_change_required"], true);
    let mail = app
        .delivered_mail("conseillere@cfa.example.fr", "Bienvenue")
        .await;
    assert!(mail.text.contains("« CFA »"));
    app.login("conseillere@cfa.example.fr", &password_in(&mail.text))
        .await;
    let again = app
        .post_json(
            Some(&cfa),
            "/api/v1/users",
            &json!({"email": "conseillere@cfa.example.fr", "first_name": "Nadia", "last_name": "Benali", "role": "cfa"}),
        )
        .await;
    assert_problem(again, 409, "email_taken").await;
}

async fn only_cfa_staff_manage_accounts(backend: Backend) {
    let app = spawn_app(backend).await;
    for role in ["formation", "employeur", "alternant"] {
        let token = app.login_demo(role).await;
        assert_problem(app.get_as(&token, "/api/v1/users").await, 403, "forbidden").await;
        let create = app
            .post_json(
                Some(&token),
                "/api/v1/users",
                &json!({"email": "x@example.fr", "first_name": "X", "last_name": "Y", "role": "cfa"}),
            )
            .await;
        assert_problem(create, 403, "forbidden").await;
    }
}

async fn an_account_that_lost_its_invitation_is_sent_a_link_to_choose_its_password(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let cfa = app.login_demo("cfa").await;
    let created: Value = app
        .post_json(
            Some(&cfa),
            "/api/v1/users",
            &json!({"email": "yanis.haddad@cfa.example.fr", "first_name": "Yanis", "last_name": "Haddad", "role": "formation"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let link_path = format!(
        "/api/v1/users/{}/password-link",
        created["id"].as_str().unwrap()
    );

    let sent = app.post_json(Some(&cfa), &link_path, &json!({})).await;

    assert_eq!(sent.status(), 202);
    let mail = app
        .delivered_mail(
            "yanis.haddad@cfa.example.fr",
            "choisissez votre mot de passe",
        )
        .await;
    let reset = app
        .post_json(
            None,
            "/api/v1/auth/password/reset",
            &json!({"token": reset_token_in(&mail.text), "password": "un mot de passe choisi"}),
        )
        .await;
    assert_eq!(reset.status(), 204);
    let me = app
        .login("yanis.haddad@cfa.example.fr", "un mot de passe choisi")
        .await;
    let me: Value = app.get_json(&me, "/api/v1/me").await;
    assert_eq!(me["user"]["password_change_required"], false);

    // Three links per address and window, whoever asks: the fourth says when to try again.
    for _ in 0..2 {
        let more = app.post_json(Some(&cfa), &link_path, &json!({})).await;
        assert_eq!(more.status(), 202);
    }
    let too_many = app.post_json(Some(&cfa), &link_path, &json!({})).await;
    let retry_after: u64 = too_many.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after > 0);
    let problem = assert_problem(too_many, 429, "too_many_mails").await;
    assert!(problem.detail.unwrap().contains("Réessayez dans"));
    let unknown = app
        .post_json(
            Some(&cfa),
            "/api/v1/users/inconnu/password-link",
            &json!({}),
        )
        .await;
    assert_problem(unknown, 404, "not_found").await;
    let responsable = app.login_demo("formation").await;
    let refused = app
        .post_json(Some(&responsable), &link_path, &json!({}))
        .await;
    assert_problem(refused, 403, "forbidden").await;
}
