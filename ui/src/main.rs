//! Entry point of the Switchboard desktop UI: mounts the Yew app into the
//! page that trunk builds from `index.html` and Tauri shows in its window.

mod app;
mod components;
mod hooks;
mod ipc;
mod json;
mod route;
mod state;
mod time;

fn main() {
    hooks::mark("sb-wasm-start");
    // The first screen's data is usually there already (boot.js asked for it
    // while the wasm loaded): mount with it, so that the first render is the
    // real page, not a "loading" one followed by a second render. If it is
    // slow (a keyring waiting for its password, say), mount at once and let
    // the app show that it is opening the store.
    wasm_bindgen_futures::spawn_local(async {
        let boot = ipc::early_boot(BOOT_WAIT_MS).await.map(std::rc::Rc::new);
        hooks::mark("sb-vault");
        yew::Renderer::<app::App>::with_props(app::AppProps { boot }).render();
    });
}

/// How long the page stays empty waiting for the first screen's data.
const BOOT_WAIT_MS: i32 = 300;
