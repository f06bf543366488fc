//! Routes, the session and the page frame.

use std::rc::Rc;

use crate::router::{BrowserRouter, Link, Switch, use_navigator};
use api_types::platform::PlatformBody;
use domain::Role;
use yew::prelude::*;

use crate::{
    api, pages,
    state::session::{Session, SessionAction, SessionHandle},
};

/// Every page, by path. French paths: users see them.
#[derive(Clone, PartialEq, Debug)]
pub enum Route {
    Home,
    ResetPassword,
    ChangePassword,
    MyDossiers,
    Dossier {
        id: String,
    },
    Dashboard,
    Formations,
    Users,
    /// A signer's e-mailed link: no account needed.
    Signing {
        token: String,
    },
    LegalNotice,
    Accessibility,
    NotFound,
}

impl Route {
    /// The page a path shows; an unknown path is « introuvable ».
    pub fn recognize(path: &str) -> Self {
        let path = path.trim_end_matches('/');
        let decoded = |segment: &str| {
            js_sys::decode_uri_component(segment)
                .ok()
                .and_then(|text| text.as_string())
                .filter(|text| !text.is_empty() && !text.contains('/'))
        };
        match path {
            "" => Self::Home,
            "/mot-de-passe/nouveau" => Self::ResetPassword,
            "/mot-de-passe" => Self::ChangePassword,
            "/mes-dossiers" => Self::MyDossiers,
            "/tableau-de-bord" => Self::Dashboard,
            "/formations" => Self::Formations,
            "/comptes" => Self::Users,
            "/mentions-legales" => Self::LegalNotice,
            "/accessibilite" => Self::Accessibility,
            _ => {
                if let Some(id) = path.strip_prefix("/dossiers/").and_then(decoded) {
                    Self::Dossier { id }
                } else if let Some(token) = path.strip_prefix("/signature/").and_then(decoded) {
                    Self::Signing { token }
                } else {
                    Self::NotFound
                }
            }
        }
    }

    /// The path of the page.
    pub fn to_path(&self) -> String {
        let encoded = |segment: &str| String::from(js_sys::encode_uri_component(segment));
        match self {
            Self::Home => "/".into(),
            Self::ResetPassword => "/mot-de-passe/nouveau".into(),
            Self::ChangePassword => "/mot-de-passe".into(),
            Self::MyDossiers => "/mes-dossiers".into(),
            Self::Dossier { id } => format!("/dossiers/{}", encoded(id)),
            Self::Dashboard => "/tableau-de-bord".into(),
            Self::Formations => "/formations".into(),
            Self::Users => "/comptes".into(),
            Self::Signing { token } => format!("/signature/{}", encoded(token)),
            Self::LegalNotice => "/mentions-legales".into(),
            Self::Accessibility => "/accessibilite".into(),
            Self::NotFound => "/introuvable".into(),
        }
    }
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
        Route::LegalNotice => html! { <pages::about::LegalNotice /> },
        Route::Accessibility => html! { <pages::about::Accessibility /> },
        Route::NotFound => html! {
            <main id="contenu" class="page">
                <h1>{ "Page introuvable" }</h1>
                <p><Link to={Route::Home}>{ "Revenir à l'accueil" }</Link></p>
            </main>
        },
    }
}

/// The app: restores the session from the refresh cookie, keeps the token fresh, draws the frame.
#[component]
pub fn App() -> Html {
    let session = use_reducer(Session::default);
    let platform = use_state(Platform::default);
    {
        let platform = platform.clone();
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move {
                if let Ok(body) = api::platform().await {
                    platform.set(Platform(Some(Rc::new(body))));
                }
            });
        });
    }
    {
        let session = session.clone();
        use_effect_with((), move |_| {
            // The client renews an expired token by itself, or finds the session over: the
            // session follows, and the pages then show the sign-in page.
            let watcher = session.clone();
            api::client::watch_session(move |event| match event {
                api::client::SessionEvent::Renewed(login) => {
                    watcher.dispatch(SessionAction::SignedIn(login));
                }
                api::client::SessionEvent::Expired => watcher.dispatch(SessionAction::Expired),
            });
            // Without a session begun in this browser there is nothing to restore: no request,
            // so no refused one in the console of a first visit.
            if !had_session() {
                session.dispatch(SessionAction::SignedOut);
                return;
            }
            yew::platform::spawn_local(async move {
                match api::refresh().await {
                    Ok(login) => session.dispatch(SessionAction::SignedIn(login)),
                    Err(_) => session.dispatch(SessionAction::SignedOut),
                }
            });
        });
    }
    {
        // Forgotten only once the first refresh is over: before, the mark is what decides it.
        // Written while this render is computed, not in an effect: Yew may hand the browser
        // back between a render and its effects, and a reload then (the page already showing
        // the user signed in) found no mark and signed them out. (A hook around it cost 0.9 KB
        // of the app; one storage write per render of the app's root costs nothing to see.)
        if session.ready {
            remember_session(session.token.is_some());
        }
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
                            Err(_) => session.dispatch(SessionAction::Expired),
                        }
                    });
                })
            });
            move || drop(interval)
        });
    }
    html! {
        <ContextProvider<SessionHandle> context={session.clone()}>
        <ContextProvider<Platform> context={(*platform).clone()}>
            <BrowserRouter>
                <a class="skip" href="#contenu">{ "Aller au contenu" }</a>
                <Header />
                if session.ready {
                    <Switch render={switch as fn(Route) -> Html} />
                } else {
                    <main id="contenu" class="page" aria-busy="true"><p>{ "Chargement…" }</p></main>
                }
                <Footer />
            </BrowserRouter>
        </ContextProvider<Platform>>
        </ContextProvider<SessionHandle>>
    }
}

/// Where the browser remembers that a session was begun here (the session itself is in an
/// httpOnly cookie the app cannot read).
const SESSION_MARK: &str = "opuntia.session";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

fn had_session() -> bool {
    storage().is_some_and(|s| s.get_item(SESSION_MARK).ok().flatten().is_some())
}

fn remember_session(signed_in: bool) {
    if let Some(storage) = storage() {
        let _ = if signed_in {
            storage.set_item(SESSION_MARK, "1")
        } else {
            storage.remove_item(SESSION_MARK)
        };
    }
}

/// The CFA running the platform, once read (`GET /platform`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Platform(pub Option<Rc<PlatformBody>>);

/// The foot of every page: who runs the platform, how to reach them, the legal notice and the
/// accessibility statement.
#[component]
fn Footer() -> Html {
    let platform = use_context::<Platform>().unwrap_or_default();
    let cfa = platform.0.as_deref();
    html! {
        <footer class="pied" data-testid="footer">
            if let Some(cfa) = cfa {
                <p>
                    <strong>{ cfa.cfa_name.clone().unwrap_or_else(|| "Opuntia".into()) }</strong>
                    if let Some(address) = &cfa.address { { format!(" — {address}") } }
                    if let Some(email) = &cfa.contact_email {
                        { " — Contact : " }<a href={format!("mailto:{email}")}>{ email }</a>
                    }
                </p>
            }
            <ul>
                <li><Link to={Route::LegalNotice}>{ "Mentions légales" }</Link></li>
                <li><Link to={Route::Accessibility}>{ "Accessibilité : non conforme" }</Link></li>
            </ul>
        </footer>
    }
}

#[component]
fn Header() -> Html {
    let session = use_context::<SessionHandle>();
    let platform = use_context::<Platform>().unwrap_or_default();
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
            <Link to={Route::Home} classes="marque">{ "Opuntia" }</Link>
            if let Some(name) = platform.0.as_ref().and_then(|p| p.cfa_name.clone()) {
                <span class="cfa" data-testid="cfa-name">
                    // The name beside it says who it is: the image itself is decoration.
                    if let Some(logo) = platform.0.as_ref().and_then(|p| p.logo_url.clone()) {
                        <img src={logo} alt="" width="32" height="32" data-testid="cfa-logo" />
                    }
                    { name }
                </span>
            }
            if let Some(user) = &session.user {
                <nav aria-label="Navigation principale">
                    <ul>
                        {
                            match user.role {
                                Role::Alternant | Role::Employeur => html! {
                                    <li><Link to={Route::MyDossiers}>{ "Mes dossiers" }</Link></li>
                                },
                                Role::Formation => html! {
                                    <li><Link to={Route::Dashboard}>{ "Tableau de bord" }</Link></li>
                                },
                                Role::Cfa => html! {
                                    <>
                                        <li><Link to={Route::Dashboard}>{ "Tableau de bord" }</Link></li>
                                        <li><Link to={Route::Formations}>{ "Formations" }</Link></li>
                                        <li><Link to={Route::Users}>{ "Comptes" }</Link></li>
                                    </>
                                },
                            }
                        }
                        <li><Link to={Route::ChangePassword}>{ "Mot de passe" }</Link></li>
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
