//! Who is signed in. The access token lives in memory only; the refresh cookie (httpOnly) brings
//! the session back after a reload.

use std::rc::Rc;

use api_types::account::{LoginResponse, UserBody};
use yew::Reducible;

/// The session.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Session {
    /// Whether the first refresh attempt is over (until then, nothing is drawn).
    pub ready: bool,
    /// The session ended without the user signing out (it expired): the sign-in page says so.
    pub expired: bool,
    /// The bearer token.
    pub token: Option<String>,
    /// The signed-in user.
    pub user: Option<UserBody>,
}

/// What changes the session.
pub enum SessionAction {
    /// Signed in (or refreshed).
    SignedIn(LoginResponse),
    /// Signed out, or the first refresh found no session.
    SignedOut,
    /// A request was refused for an expired session that could not be renewed.
    Expired,
}

impl Reducible for Session {
    type Action = SessionAction;

    fn reduce(self: Rc<Self>, action: SessionAction) -> Rc<Self> {
        Rc::new(match action {
            SessionAction::SignedIn(login) => Session {
                ready: true,
                expired: false,
                token: Some(login.access_token),
                user: Some(login.user),
            },
            SessionAction::SignedOut => Session {
                ready: true,
                expired: false,
                token: None,
                user: None,
            },
            SessionAction::Expired => Session {
                ready: true,
                expired: self.token.is_some(),
                token: None,
                user: None,
            },
        })
    }
}

/// The session as components receive it.
pub type SessionHandle = yew::UseReducerHandle<Session>;

/// What a page needs of the session: the bearer token and the role.
pub struct SignedIn {
    /// The bearer token, when signed in.
    pub token: Option<String>,
    /// The signed-in user's role.
    pub role: Option<domain::Role>,
}

/// The session as a page reads it.
#[yew::hook]
pub fn use_signed_in() -> SignedIn {
    let session = yew::use_context::<SessionHandle>();
    let token = session.as_ref().and_then(|s| s.token.clone());
    let role = session
        .as_ref()
        .and_then(|s| s.user.as_ref().map(|u| u.role));
    SignedIn { token, role }
}
