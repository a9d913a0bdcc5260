//! The offer of a newer version of the app, from the team server: looked
//! for at start-up and every few hours while Settings allows it (or when
//! Settings' "Check now" asks), shown above the page until installed or put
//! off. Installing downloads the release, checks its signature against the
//! key built into the app, installs it and restarts the app.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;
use yew::platform::{spawn_local, time::sleep};
use yew::prelude::*;

use crate::ipc;
use crate::state::{use_app, Action};

/// How long after start-up the team server is first asked.
const FIRST_LOOK: Duration = Duration::from_secs(5);

/// How often the team server is asked while the app runs.
const EVERY: Duration = Duration::from_secs(6 * 60 * 60);

/// Nothing while there is nothing newer.
#[function_component(UpdateBanner)]
pub fn update_banner() -> Html {
    let app = use_app();
    let installing = use_state(|| false);
    let error = use_state(|| None::<String>);
    let put_off = use_state(|| None::<String>);
    {
        let app = app.clone();
        use_effect_with(app.settings.check_updates, move |auto| {
            let alive = Rc::new(Cell::new(*auto));
            {
                let alive = alive.clone();
                spawn_local(async move {
                    // Not while the window is starting: the first screen
                    // comes first.
                    sleep(FIRST_LOOK).await;
                    while alive.get() {
                        if let Ok(status) = ipc::check_update().await {
                            if alive.get() {
                                app.dispatch(Action::Update(status));
                            }
                        }
                        sleep(EVERY).await;
                    }
                });
            }
            move || alive.set(false)
        });
    }
    let Some((current, offer)) = app
        .update
        .as_ref()
        .and_then(|u| Some((u.current.clone(), u.available.clone()?)))
    else {
        return html! {};
    };
    if put_off.as_deref() == Some(offer.version.as_str()) {
        return html! {};
    }
    let on_install = {
        let (installing, error) = (installing.clone(), error.clone());
        Callback::from(move |_| {
            let (installing, error) = (installing.clone(), error.clone());
            installing.set(true);
            error.set(None);
            spawn_local(async move {
                // On success the app restarts into the new version.
                if let Err(e) = ipc::install_update().await {
                    installing.set(false);
                    error.set(Some(e.message));
                }
            });
        })
    };
    let on_later = {
        let (put_off, version) = (put_off.clone(), offer.version.clone());
        Callback::from(move |_| put_off.set(Some(version.clone())))
    };
    html! {
        <section class="update-banner card" id="update-banner" aria-live="polite">
            <div class="update-text">
                <strong id="update-version">{ format!("Switchboard {} is available", offer.version) }</strong>
                <span class="muted">{ format!(" (you have {current}). It is signed by your team and installs in a moment; the app restarts.") }</span>
                if let Some(notes) = &offer.notes {
                    <p class="update-notes">{ notes }</p>
                }
                if let Some(message) = &*error {
                    <p class="error" id="update-error" role="alert">{ message }</p>
                }
            </div>
            <div class="update-actions">
                <button class="button primary" id="update-install" onclick={on_install} disabled={*installing}>
                    { if *installing { "Installing…" } else { "Install and restart" } }
                </button>
                <button class="button" id="update-later" onclick={on_later} disabled={*installing}>{ "Later" }</button>
            </div>
        </section>
    }
}
