//! The root component: the shared state's provider, the lock gate and the
//! page frame (header, the current route, footer).

use yew::platform::spawn_local;
use yew::prelude::*;

use crate::components::{AutoLock, Footer, Header, HealthWatch, LockScreen, Notice, SetupScreen};
use crate::ipc;
use crate::route::switch;
use crate::state::{Action, AppContext, AppState};

/// The whole Switchboard page.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(AppState::default);
    {
        let state = state.clone();
        use_effect_with((), move |_| {
            spawn_local(async move {
                // One call for the first screen; the separate ones if it fails.
                match ipc::boot().await {
                    Ok(boot) => {
                        crate::hooks::mark("sb-vault");
                        state.dispatch(Action::Boot(Box::new(boot)));
                    }
                    Err(_) => {
                        if let Ok(s) = ipc::get_settings().await {
                            state.dispatch(Action::Settings(s));
                        }
                        if let Ok(v) = ipc::vault_status().await {
                            crate::hooks::mark("sb-vault");
                            state.dispatch(Action::Vault(v));
                        }
                    }
                }
            });
        });
    }
    let body = match state.vault {
        None => html! { <p class="loading" aria-live="polite">{ "Opening your store…" }</p> },
        Some(v) if !v.initialized => html! { <SetupScreen /> },
        Some(v) if !v.unlocked => html! { <LockScreen /> },
        Some(_) => html! {
            <>
                <AutoLock minutes={state.settings.auto_lock_minutes} />
                <HealthWatch />
                { switch(&state.route) }
            </>
        },
    };
    html! {
        <ContextProvider<AppContext> context={state.clone()}>
            <div class="page">
                <Header />
                <main class="content" id="main">{ body }</main>
                <Notice />
                <Footer />
            </div>
        </ContextProvider<AppContext>>
    }
}
