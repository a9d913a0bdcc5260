//! The root component: the shared state's provider, the lock gate and the
//! page frame (header, the current route, footer).

use std::rc::Rc;
use switchboard_ipc::Boot;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::components::{
    AutoLock, Footer, Header, HealthWatch, LockScreen, Notice, SetupScreen, UpdateBanner,
};
use crate::ipc;
use crate::route::switch;
use crate::state::{Action, AppContext, AppState};

/// What `main` read before mounting the app.
#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// The shell's `boot` answer; None when that call failed.
    pub boot: Option<Rc<Boot>>,
}

/// The whole Switchboard page.
#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let state = {
        let boot = props.boot.clone();
        use_reducer(move || match boot {
            Some(boot) => AppState::booted((*boot).clone()),
            None => AppState::default(),
        })
    };
    {
        let state = state.clone();
        let booted = props.boot.is_some();
        use_effect_with((), move |_| {
            // This runs after the first render; what waits for the first
            // frame (`hooks::first_frame`) starts once that is painted.
            crate::hooks::after_paint(crate::hooks::first_frame_painted);
            if !booted {
                // The boot answer was slow or failed: wait for it here, and
                // if it fails, the separate calls.
                spawn_local(async move {
                    match ipc::boot().await {
                        Ok(boot) => state.dispatch(Action::Boot(Box::new(boot))),
                        Err(_) => {
                            if let Ok(s) = ipc::get_settings().await {
                                state.dispatch(Action::Settings(s));
                            }
                            if let Ok(v) = ipc::vault_status().await {
                                state.dispatch(Action::Vault(v));
                            }
                        }
                    }
                });
            }
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
                <UpdateBanner />
                <main class="content" id="main">{ body }</main>
                <Notice />
                <Footer />
            </div>
        </ContextProvider<AppContext>>
    }
}
