//! Entry point of the Switchboard desktop UI: mounts the Yew app into the
//! page that trunk builds from `index.html` and Tauri shows in its window.

mod app;
mod components;
mod hooks;
mod ipc;
mod route;
mod state;

fn main() {
    hooks::mark("sb-wasm-start");
    yew::Renderer::<app::App>::new().render();
}
