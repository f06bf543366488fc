//! Moving between the app's pages without reloading it: the path in the address bar is the
//! page, links and buttons push a new one on the browser's history, « Précédent » pops it.
//!
//! Written here rather than taken from yew-router: a dozen fixed paths need none of its pattern
//! matching, and replacing it took 26.5 KB off the gzipped app (BENCHMARKS.md).

use std::rc::Rc;

use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use yew::prelude::*;

use crate::app::Route;

/// The path shown, as the browser has it (`location.pathname`).
fn browser_path() -> String {
    web_sys::window()
        .and_then(|window| window.location().pathname().ok())
        .unwrap_or_else(|| "/".into())
}

/// A query parameter of the address (`?token=…` of a reset link), decoded.
pub fn query_parameter(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get(name)
}

/// Changes the page: pushed on the history (or replacing its last entry), then drawn.
#[derive(Clone)]
pub struct Navigator {
    set_path: Rc<dyn Fn(String)>,
}

impl PartialEq for Navigator {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.set_path, &other.set_path)
    }
}

impl Navigator {
    /// Goes to `route`; « Précédent » comes back.
    pub fn push(&self, route: &Route) {
        self.go(route, false);
    }

    /// Goes to `route` in place of the page shown (a redirection): « Précédent » skips it.
    pub fn replace(&self, route: &Route) {
        self.go(route, true);
    }

    fn go(&self, route: &Route, replace: bool) {
        let path = route.to_path();
        if let Some(history) = web_sys::window().and_then(|window| window.history().ok()) {
            let _ = if replace {
                history.replace_state_with_url(&JsValue::NULL, "", Some(&path))
            } else {
                history.push_state_with_url(&JsValue::NULL, "", Some(&path))
            };
        }
        // A new page starts at its top, as after a link in a document.
        if let Some(window) = web_sys::window() {
            window.scroll_to_with_x_and_y(0.0, 0.0);
        }
        (self.set_path)(path);
    }
}

/// The page shown, for [`Switch`].
#[derive(Clone, PartialEq)]
struct CurrentPath(String);

#[derive(Properties, PartialEq)]
pub struct BrowserRouterProps {
    pub children: Html,
}

/// Holds the page shown and follows the browser's « Précédent » and « Suivant ».
#[component]
pub fn BrowserRouter(props: &BrowserRouterProps) -> Html {
    let path = use_state(browser_path);
    let navigator = {
        let path = path.clone();
        use_memo((), move |_| Navigator {
            set_path: Rc::new(move |next| path.set(next)),
        })
    };
    {
        let path = path.clone();
        use_effect_with((), move |_| {
            let on_pop = Closure::<dyn Fn()>::new(move || path.set(browser_path()));
            let window = web_sys::window();
            if let Some(window) = &window {
                let _ = window
                    .add_event_listener_with_callback("popstate", on_pop.as_ref().unchecked_ref());
            }
            move || {
                if let Some(window) = window {
                    let _ = window.remove_event_listener_with_callback(
                        "popstate",
                        on_pop.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }
    html! {
        <ContextProvider<Navigator> context={(*navigator).clone()}>
            <ContextProvider<CurrentPath> context={CurrentPath((*path).clone())}>
                { props.children.clone() }
            </ContextProvider<CurrentPath>>
        </ContextProvider<Navigator>>
    }
}

/// The navigator, inside [`BrowserRouter`].
#[hook]
pub fn use_navigator() -> Option<Navigator> {
    use_context::<Navigator>()
}

#[derive(Properties)]
pub struct SwitchProps {
    /// Draws a page; always the same function, so never a reason to draw again.
    pub render: fn(Route) -> Html,
}

impl PartialEq for SwitchProps {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// The page of the path shown.
#[component]
pub fn Switch(props: &SwitchProps) -> Html {
    let path = use_context::<CurrentPath>().map_or_else(browser_path, |current| current.0);
    (props.render)(Route::recognize(&path))
}

#[derive(Properties, PartialEq)]
pub struct LinkProps {
    pub to: Route,
    #[prop_or_default]
    pub classes: Classes,
    #[prop_or_default]
    pub children: Html,
}

/// A link to a page of the app: a real `<a href>` (it opens in a new tab, it reads as a link),
/// followed without reloading the app.
#[component]
pub fn Link(props: &LinkProps) -> Html {
    let navigator = use_navigator();
    let onclick = {
        let to = props.to.clone();
        Callback::from(move |event: MouseEvent| {
            // A new tab or window is the browser's to open; a handler that said no (unsaved
            // edits, see `leave_guard`) has the last word.
            if event.ctrl_key()
                || event.meta_key()
                || event.shift_key()
                || event.button() != 0
                || event.default_prevented()
            {
                return;
            }
            event.prevent_default();
            if let Some(navigator) = &navigator {
                navigator.push(&to);
            }
        })
    };
    html! {
        <a href={props.to.to_path()} class={props.classes.clone()} onclick={onclick}>
            { props.children.clone() }
        </a>
    }
}

#[derive(Properties, PartialEq)]
pub struct RedirectProps {
    pub to: Route,
}

/// Goes to another page as soon as drawn (a page that is not the caller's).
#[component]
pub fn Redirect(props: &RedirectProps) -> Html {
    let navigator = use_navigator();
    let to = props.to.clone();
    use_effect_with(to, move |to| {
        if let Some(navigator) = navigator {
            navigator.replace(to);
        }
    });
    Html::default()
}
