//! The page header: the app's mark and name, the navigation, "Lock now".

use yew::platform::spawn_local;
use yew::prelude::*;

use super::{state_label, synced_exact, use_sync_status};
use crate::ipc;
use crate::ipc::SyncStatus;
use crate::route::Route;
use crate::state::{use_app, Action, AppContext};

/// Top bar with the logo glyph, the title, the tabs and the lock button.
#[function_component(Header)]
pub fn header() -> Html {
    let app = use_app();
    let unlocked = app.vault.is_some_and(|v| v.unlocked);
    let status = use_sync_status(
        std::time::Duration::from_millis(1500),
        std::time::Duration::from_secs(3),
    );
    // Team and Audit live on the team server: shown once connected.
    let connected = status.as_ref().is_some_and(|s| s.state != "not_connected");
    let tab = |route: Route, label: &'static str| {
        let current = std::mem::discriminant(&app.route) == std::mem::discriminant(&route);
        let onclick = {
            let app = app.clone();
            let route = route.clone();
            Callback::from(move |_| app.dispatch(Action::Navigate(route.clone())))
        };
        html! {
            <button class={classes!("tab", current.then_some("current"))}
                aria-current={current.then_some("page")}
                data-path={route.path()} {onclick}>{ label }</button>
        }
    };
    let lock = {
        let app = app.clone();
        Callback::from(move |_| {
            let app = app.clone();
            spawn_local(async move {
                if ipc::lock().await.is_ok() {
                    app.dispatch(Action::Locked);
                }
            });
        })
    };
    html! {
        <header class="header">
            <div class="brand">
                <Logo />
                <div>
                    <h1 class="title">{ "Switchboard" }</h1>
                    <p class="tagline">{ "Your integrations, stored encrypted on this laptop" }</p>
                </div>
            </div>
            if unlocked {
                <nav class="tabs" aria-label="Sections">
                    { tab(Route::Integrations, "Integrations") }
                    { tab(Route::Activity, "Activity") }
                    { tab(Route::Stats, "Stats") }
                    { tab(Route::Websites, "Websites") }
                    { tab(Route::Webhooks, "Webhooks") }
                    { tab(Route::Sync, "Sync") }
                    if connected {
                        { tab(Route::Team, "Team") }
                        { tab(Route::Audit, "Audit") }
                    }
                    { tab(Route::Vault, "Vault") }
                    { tab(Route::Trash, "Trash") }
                    { tab(Route::Settings, "Settings") }
                    { sync_chip(&app, status.as_ref()) }
                    <button class="button ghost lock-now" onclick={lock}
                        aria-label="Lock the vault now">{ "Lock now" }</button>
                </nav>
            }
        </header>
    }
}

/// The switchboard glyph: three sockets on the left patched to three on the
/// right, the same drawing as the app icon.
#[function_component(Logo)]
fn logo() -> Html {
    html! {
        <svg class="logo" viewBox="0 0 48 48" role="img" aria-label="Switchboard logo">
            <rect class="logo-bg" width="48" height="48" rx="12" />
            <path class="logo-cable" d="M14 15 C24 15, 24 33, 34 33" />
            <path class="logo-cable" d="M14 24 C24 24, 24 15, 34 15" />
            <path class="logo-cable" d="M14 33 C24 33, 24 24, 34 24" />
            <circle class="logo-jack" cx="14" cy="15" r="3.2" />
            <circle class="logo-jack" cx="14" cy="24" r="3.2" />
            <circle class="logo-jack" cx="14" cy="33" r="3.2" />
            <circle class="logo-jack" cx="34" cy="15" r="3.2" />
            <circle class="logo-jack" cx="34" cy="24" r="3.2" />
            <circle class="logo-jack" cx="34" cy="33" r="3.2" />
        </svg>
    }
}

/// The connection state, always visible: a dot and a short label that
/// opens the Sync page.
fn sync_chip(app: &AppContext, status: Option<&SyncStatus>) -> Html {
    let Some(s) = status else {
        return html! {};
    };
    let open = {
        let app = app.clone();
        Callback::from(move |_| app.dispatch(Action::Navigate(Route::Sync)))
    };
    html! {
        <button class="sync-chip" id="sync-chip" data-state={s.state.clone()} onclick={open}
            title={synced_exact(s).map_or_else(|| "Shared server".to_owned(), |t| format!("Shared server · {t}"))}
            aria-label={format!("Shared server: {}", state_label(s))}>
            <span class={classes!("dot", format!("dot-{}", s.state))} aria-hidden="true" />
            { state_label(s) }
            if s.conflicts > 0 {
                <span class="chip-count">{ s.conflicts }</span>
            }
        </button>
    }
}
