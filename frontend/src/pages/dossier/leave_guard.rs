//! Unsaved edits are never dropped without asking: while a dossier has changes not yet saved,
//! reloading or closing the page asks the browser's question, and following a link of the app
//! (or « Se déconnecter ») asks ours first — the app changes pages without the browser knowing,
//! so `beforeunload` alone would let them go.

use wasm_bindgen::{JsCast, closure::Closure};

/// The question asked before an in-app link leaves a dossier with unsaved edits.
const QUESTION: &str =
    "Vos modifications ne sont pas enregistrées. Quitter cette page et les perdre ?";

/// Elements whose click leaves the page: a link to another page of the app, or a control
/// marked `data-leaves` (signing out). Anchors within the page, downloads and new windows
/// leave the edits where they are.
const LEAVING: &str = "a[href]:not([href^='#']):not([download]):not([target]), [data-leaves]";

/// The listeners of one dirty period, removed when dropped.
pub(super) struct LeaveGuard {
    unload: Closure<dyn Fn(web_sys::BeforeUnloadEvent)>,
    click: Closure<dyn Fn(web_sys::MouseEvent)>,
}

impl LeaveGuard {
    /// Starts asking before anything leaves the page.
    pub(super) fn install() -> Option<Self> {
        let window = web_sys::window()?;
        let unload = Closure::<dyn Fn(web_sys::BeforeUnloadEvent)>::new(
            |event: web_sys::BeforeUnloadEvent| event.prevent_default(),
        );
        let click = Closure::<dyn Fn(web_sys::MouseEvent)>::new(|event: web_sys::MouseEvent| {
            // A click that opens a new tab keeps this one, and its edits.
            if event.ctrl_key() || event.meta_key() || event.shift_key() || event.button() != 0 {
                return;
            }
            let leaving = event
                .target()
                .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
                .and_then(|element| element.closest(LEAVING).ok().flatten())
                .is_some();
            if !leaving {
                return;
            }
            let confirmed = web_sys::window()
                .and_then(|window| window.confirm_with_message(QUESTION).ok())
                .unwrap_or(true);
            if !confirmed {
                // Before the router's own handler sees it: the page stays, with its edits.
                event.prevent_default();
                event.stop_immediate_propagation();
            }
        });
        let _ = window
            .add_event_listener_with_callback("beforeunload", unload.as_ref().unchecked_ref());
        // Capturing, so that the question comes before the link's own handler.
        let _ = window.add_event_listener_with_callback_and_bool(
            "click",
            click.as_ref().unchecked_ref(),
            true,
        );
        Some(Self { unload, click })
    }
}

impl Drop for LeaveGuard {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            let _ = window.remove_event_listener_with_callback(
                "beforeunload",
                self.unload.as_ref().unchecked_ref(),
            );
            let _ = window.remove_event_listener_with_callback_and_bool(
                "click",
                self.click.as_ref().unchecked_ref(),
                true,
            );
        }
    }
}
