//! Routes, the session and the page frame.

use domain::Role;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api, pages,
    state::session::{Session, SessionAction, SessionHandle},
};

/// Every page, by path. French paths: users see them.
#[derive(Clone, Routable, PartialEq, Debug)]
pub enum Route {
    #[at("/")]
    Home,
    #[at("/mot-de-passe/nouveau")]
    ResetPassword,
    #[at("/mot-de-passe")]
    ChangePassword,
    #[at("/mes-dossiers")]
    MyDossiers,
    #[at("/dossiers/:id")]
    Dossier { id: String },
    #[at("/tableau-de-bord")]
    Dashboard,
    #[at("/formations")]
    Formations,
    #[at("/comptes")]
    Users,
    /// A signer's e-mailed link: no account needed.
    #[at("/signature/:token")]
    Signing { token: String },
    #[not_found]
    #[at("/introuvable")]
    NotFound,
}

/// Where a role lands after signing in.
pub fn landing(role: Role) -> Route {
    match role {
        Role::Alternant | Role::Employeur => Route::MyDossiers,
        Role::Formation | Role::Cfa => Route::Dashboard,
    }
}

fn switch(route: Route) -> Html {
    match route {
        Route::Home => html! { <pages::home::Home /> },
        Route::ResetPassword => html! { <pages::password::ResetPassword /> },
        Route::ChangePassword => html! { <pages::password::ChangePassword /> },
        Route::MyDossiers => html! { <pages::my_dossiers::MyDossiers /> },
        Route::Dossier { id } => html! { <pages::dossier::DossierPage id={id} /> },
        Route::Dashboard => html! { <pages::dashboard::Dashboard /> },
        Route::Formations => html! { <pages::formations::Formations /> },
        Route::Users => html! { <pages::users::Users /> },
        Route::Signing { token } => html! { <pages::signing::SigningPage token={token} /> },
        Route::NotFound => html! {
            <main id="contenu" class="page">
                <h1>{ "Page introuvable" }</h1>
                <p><Link<Route> to={Route::Home}>{ "Revenir à l'accueil" }</Link<Route>></p>
            </main>
        },
    }
}

/// The app: restores the session from the refresh cookie, keeps the token fresh, draws the frame.
#[component]
pub fn App() -> Html {
    let session = use_reducer(Session::default);
    {
        let session = session.clone();
        use_effect_with((), move |_| {
            let session = session.clone();
            yew::platform::spawn_local(async move {
                match api::refresh().await {
                    Ok(login) => session.dispatch(SessionAction::SignedIn(login)),
                    Err(_) => session.dispatch(SessionAction::SignedOut),
                }
            });
        });
    }
    {
        // The access token lasts 15 minutes: renew it every 10 while signed in.
        let session = session.clone();
        let signed_in = session.token.is_some();
        use_effect_with(signed_in, move |signed_in| {
            let interval = signed_in.then(|| {
                gloo_timers::callback::Interval::new(10 * 60 * 1000, move || {
                    let session = session.clone();
                    yew::platform::spawn_local(async move {
                        match api::refresh().await {
                            Ok(login) => session.dispatch(SessionAction::SignedIn(login)),
                            Err(_) => session.dispatch(SessionAction::SignedOut),
                        }
                    });
                })
            });
            move || drop(interval)
        });
    }
    html! {
        <ContextProvider<SessionHandle> context={session.clone()}>
            <BrowserRouter>
                <a class="skip" href="#contenu">{ "Aller au contenu" }</a>
                <Header />
                if session.ready {
                    <Switch<Route> render={switch} />
                } else {
                    <main id="contenu" class="page" aria-busy="true"><p>{ "Chargement…" }</p></main>
                }
            </BrowserRouter>
        </ContextProvider<SessionHandle>>
    }
}

#[component]
fn Header() -> Html {
    let session = use_context::<SessionHandle>();
    let navigator = use_navigator();
    let Some(session) = session else {
        return Html::default();
    };
    let logout = {
        let session = session.clone();
        let navigator = navigator.clone();
        Callback::from(move |_: MouseEvent| {
            let session = session.clone();
            let navigator = navigator.clone();
            let token = session.token.clone();
            yew::platform::spawn_local(async move {
                let _ = api::logout(token.as_deref()).await;
                session.dispatch(SessionAction::SignedOut);
                if let Some(navigator) = navigator {
                    navigator.push(&Route::Home);
                }
            });
        })
    };
    html! {
        <header class="bandeau">
            <Link<Route> to={Route::Home} classes="marque">{ "Opuntia" }</Link<Route>>
            if let Some(user) = &session.user {
                <nav aria-label="Navigation principale">
                    <ul>
                        {
                            match user.role {
                                Role::Alternant | Role::Employeur => html! {
                                    <li><Link<Route> to={Route::MyDossiers}>{ "Mes dossiers" }</Link<Route>></li>
                                },
                                Role::Formation => html! {
                                    <li><Link<Route> to={Route::Dashboard}>{ "Tableau de bord" }</Link<Route>></li>
                                },
                                Role::Cfa => html! {
                                    <>
                                        <li><Link<Route> to={Route::Dashboard}>{ "Tableau de bord" }</Link<Route>></li>
                                        <li><Link<Route> to={Route::Formations}>{ "Formations" }</Link<Route>></li>
                                        <li><Link<Route> to={Route::Users}>{ "Comptes" }</Link<Route>></li>
                                    </>
                                },
                            }
                        }
                        <li><Link<Route> to={Route::ChangePassword}>{ "Mot de passe" }</Link<Route>></li>
                    </ul>
                </nav>
                <p class="qui" data-testid="signed-in-as">
                    { format!("{} {} — {}", user.first_name, user.last_name, user.role.label()) }
                </p>
                <button type="button" class="secondaire" onclick={logout} data-testid="logout" data-leaves="">{ "Se déconnecter" }</button>
            }
        </header>
    }
}
