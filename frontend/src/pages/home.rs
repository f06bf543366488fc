//! Home (user guides A.2, B.2–B.4): log in on the left, register with an access code on the
//! right, « Mot de passe oublié ».

use crate::router::use_navigator;
use api_types::{
    Problem,
    account::{ForgotPasswordRequest, LoginRequest, LoginResponse},
    formations::{AccessCodeBody, RegistrationRequest},
};
use yew::prelude::*;

use crate::{
    api::{self, to_json},
    app::{Route, landing},
    components::{
        TextInput,
        notice::{Notice, NoticeArea},
    },
    state::session::{SessionAction, SessionHandle},
};

async fn login(email: &str, password: &str) -> Result<LoginResponse, Problem> {
    api::login(&LoginRequest {
        email: email.trim().to_owned(),
        password: password.to_owned(),
    })
    .await
}

#[component]
pub fn Home() -> Html {
    let session = use_context::<SessionHandle>();
    let navigator = use_navigator();
    if let (Some(session), Some(navigator)) = (&session, &navigator)
        && let Some(user) = &session.user
    {
        navigator.replace(&landing(user.role));
    }
    let expired = session.as_ref().is_some_and(|s| s.expired);
    html! {
        <main id="contenu" class="page accueil">
            <h1>{ "Vos contrats d'apprentissage et de professionnalisation" }</h1>
            if expired {
                <p class="message alerte" role="alert" data-testid="session-expired">
                    { "Votre session a expiré : reconnectez-vous pour reprendre où vous en étiez." }
                </p>
            }
            <div class="colonnes">
                <LoginForm />
                <RegistrationForm />
            </div>
        </main>
    }
}

#[component]
fn LoginForm() -> Html {
    let session = use_context::<SessionHandle>();
    let navigator = use_navigator();
    let email = use_state(String::new);
    let password = use_state(String::new);
    let notice = use_state(|| None::<Notice>);
    let busy = use_state(|| false);
    let forgot_open = use_state(|| false);

    let onsubmit = {
        let (email, password, notice, busy) = (
            email.clone(),
            password.clone(),
            notice.clone(),
            busy.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let (email, password, notice, busy) = (
                email.clone(),
                password.clone(),
                notice.clone(),
                busy.clone(),
            );
            let (session, navigator) = (session.clone(), navigator.clone());
            busy.set(true);
            yew::platform::spawn_local(async move {
                match login(&email, &password).await {
                    Ok(answer) => {
                        let role = answer.user.role;
                        let must_choose = answer.user.password_change_required;
                        if let Some(session) = &session {
                            session.dispatch(SessionAction::SignedIn(answer));
                        }
                        if let Some(navigator) = &navigator {
                            navigator.push(&if must_choose {
                                Route::ChangePassword
                            } else {
                                landing(role)
                            });
                        }
                    }
                    Err(problem) => {
                        notice.set(Some(login_notice(&problem)));
                        busy.set(false);
                    }
                }
            });
        })
    };
    let toggle_forgot = {
        let forgot_open = forgot_open.clone();
        Callback::from(move |_: MouseEvent| forgot_open.set(!*forgot_open))
    };
    html! {
        <section class="carte" aria-labelledby="titre-connexion">
            <h2 id="titre-connexion">{ "Se connecter" }</h2>
            <form onsubmit={onsubmit} novalidate=true>
                <TextInput id="login-email" label="Courriel" kind="email" value={email} autocomplete="username" required=true />
                <TextInput id="login-password" label="Mot de passe" kind="password" value={password} autocomplete="current-password" required=true
                    help="Première connexion : le mot de passe reçu par courriel, valable une heure." />
                <NoticeArea notice={(*notice).clone()} />
                <button type="submit" disabled={*busy} data-testid="login-submit">{ "Se connecter" }</button>
            </form>
            <button type="button" class="lien" aria-expanded={(*forgot_open).to_string()} onclick={toggle_forgot} data-testid="forgot-toggle">
                { "Mot de passe oublié ?" }
            </button>
            if *forgot_open { <ForgotPassword /> }
        </section>
    }
}

fn login_notice(problem: &Problem) -> Notice {
    match problem.code.as_str() {
        "generated_password_expired" => Notice::Error(
            "Le mot de passe reçu par courriel n'est valable qu'une heure, et ce délai est passé. Cliquez sur « Mot de passe oublié ? » ci-dessous pour en recevoir un nouveau lien.".into(),
            Vec::new(),
        ),
        _ => Notice::problem(problem),
    }
}

#[component]
fn ForgotPassword() -> Html {
    let email = use_state(String::new);
    let notice = use_state(|| None::<Notice>);
    let onsubmit = {
        let (email, notice) = (email.clone(), notice.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if email.trim().is_empty() {
                return notice.set(Some(Notice::Error(
                    "Saisissez le courriel de votre compte : le lien y sera envoyé.".into(),
                    Vec::new(),
                )));
            }
            let (email, notice) = (email.clone(), notice.clone());
            yew::platform::spawn_local(async move {
                let body = to_json(&ForgotPasswordRequest {
                    email: email.trim().to_owned(),
                });
                let sent = api::forgot_password(&body).await;
                notice.set(Some(match sent {
                    Ok(_) => Notice::Success(
                        "Si un compte existe à cette adresse, un courriel vient d'y être envoyé avec un lien pour choisir un nouveau mot de passe (valable une heure).".into(),
                    ),
                    Err(problem) => Notice::problem(&problem),
                }));
            });
        })
    };
    html! {
        <form class="encadre" onsubmit={onsubmit} novalidate=true aria-label="Mot de passe oublié">
            <TextInput id="forgot-email" label="Courriel du compte" kind="email" value={email} autocomplete="username" required=true />
            <NoticeArea notice={(*notice).clone()} />
            <button type="submit" data-testid="forgot-submit">{ "Recevoir un lien" }</button>
        </form>
    }
}

/// What the access code typed so far opens.
#[derive(Clone, PartialEq)]
enum CodeCheck {
    Empty,
    Checking,
    Found(AccessCodeBody),
    Refused(String),
}

#[component]
fn RegistrationForm() -> Html {
    let session = use_context::<SessionHandle>();
    let navigator = use_navigator();
    let code = use_state(String::new);
    let check = use_state(|| CodeCheck::Empty);
    let first_name = use_state(String::new);
    let last_name = use_state(String::new);
    let email = use_state(String::new);
    let password = use_state(String::new);
    let notice = use_state(|| None::<Notice>);

    // Only the answer about the code as it reads now is shown, whatever order answers come in.
    let latest = use_mut_ref(String::new);
    {
        // The code is checked as it is typed, once typing pauses.
        let check = check.clone();
        let latest = latest.clone();
        use_effect_with((*code).clone(), move |typed: &String| {
            let typed = typed.trim().to_owned();
            latest.borrow_mut().clone_from(&typed);
            let empty = typed.is_empty();
            if empty {
                check.set(CodeCheck::Empty);
            }
            let timeout = (!empty).then(|| {
                check.set(CodeCheck::Checking);
                let check = check.clone();
                gloo_timers::callback::Timeout::new(300, move || {
                    yew::platform::spawn_local(async move {
                        let found = api::access_code(&typed).await;
                        if *latest.borrow() != typed {
                            return;
                        }
                        check.set(match found {
                            Ok(found) => CodeCheck::Found(found),
                            Err(problem) => CodeCheck::Refused(api::explain(&problem)),
                        });
                    });
                })
            });
            move || drop(timeout)
        });
    }

    let onsubmit = {
        let (code, first_name, last_name, email, password, notice) = (
            code.clone(),
            first_name.clone(),
            last_name.clone(),
            email.clone(),
            password.clone(),
            notice.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let request = RegistrationRequest {
                access_code: (*code).clone(),
                email: email.trim().to_owned(),
                password: (*password).clone(),
                first_name: first_name.trim().to_owned(),
                last_name: last_name.trim().to_owned(),
            };
            let (notice, session, navigator) = (notice.clone(), session.clone(), navigator.clone());
            yew::platform::spawn_local(async move {
                let registered = api::register(&request).await;
                let registered = match registered {
                    Ok(registered) => registered,
                    Err(problem) => return notice.set(Some(Notice::problem(&problem))),
                };
                match login(&request.email, &request.password).await {
                    Ok(answer) => {
                        if let Some(session) = &session {
                            session.dispatch(SessionAction::SignedIn(answer));
                        }
                        if let Some(navigator) = &navigator {
                            navigator.push(&Route::Dossier {
                                id: registered.dossier_id,
                            });
                        }
                    }
                    Err(problem) => notice.set(Some(Notice::problem(&problem))),
                }
            });
        })
    };

    let found = match &*check {
        CodeCheck::Found(found) => Some(found.clone()),
        _ => None,
    };
    html! {
        <section class="carte" aria-labelledby="titre-inscription">
            <h2 id="titre-inscription">{ "Créer mon compte avec un code d'accès" }</h2>
            <p>{ "Votre formation vous a communiqué un code d'accès (par exemple F728 ou F724-2)." }</p>
            <form onsubmit={onsubmit} novalidate=true>
                <TextInput id="register-code" label="Code d'accès" value={code.clone()} required=true />
                <div aria-live="polite" data-testid="access-code-result">
                    {
                        match &*check {
                            CodeCheck::Empty => Html::default(),
                            CodeCheck::Checking => html! { <p class="aide">{ "Vérification du code…" }</p> },
                            CodeCheck::Found(found) => html! {
                                <p class="code-ok">
                                    { format!("✓ {} — {} (du {} au {})",
                                        found.formation.title,
                                        found.variant_label,
                                        domain::print::date_text(found.formation.start_date),
                                        domain::print::date_text(found.formation.end_date)) }
                                </p>
                            },
                            CodeCheck::Refused(why) => html! { <p class="code-refuse">{ why.clone() }</p> },
                        }
                    }
                </div>
                if found.is_some() {
                    <TextInput id="register-first-name" label="Prénom" value={first_name} autocomplete="given-name" required=true />
                    <TextInput id="register-last-name" label="Nom" value={last_name} autocomplete="family-name" required=true />
                    <TextInput id="register-email" label="Courriel" kind="email" value={email} autocomplete="email" required=true
                        help="Elle sera votre identifiant." />
                    <TextInput id="register-password" label="Mot de passe" kind="password" value={password} autocomplete="new-password" required=true
                        help="10 caractères au moins." />
                    <NoticeArea notice={(*notice).clone()} />
                    <button type="submit" data-testid="register-submit">{ "Créer mon compte" }</button>
                }
            </form>
        </section>
    }
}
