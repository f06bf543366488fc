//! Opuntia in the browser: the Yew app, served by the `opuntia` binary from the same origin as
//! the API. Green fields and check marks come from `domain`, compiled to WebAssembly.

mod api;
mod app;
mod components;
mod pages;
mod router;
mod state;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
