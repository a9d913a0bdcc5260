//! Shows the status changes found by the background health checks (Settings
//! turns them on) as notices, and reloads the views when one arrives.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;
use yew::platform::{spawn_local, time::sleep};
use yew::prelude::*;

use crate::ipc;
use crate::state::{use_app, Action};

/// How often the shell is asked for new status changes.
const POLL: Duration = Duration::from_secs(3);

/// Invisible while nothing changes.
#[function_component(HealthWatch)]
pub fn health_watch() -> Html {
    let app = use_app();
    use_effect_with((), move |_| {
        let alive = Rc::new(Cell::new(true));
        {
            let alive = alive.clone();
            spawn_local(async move {
                while alive.get() {
                    sleep(POLL).await;
                    if !alive.get() {
                        break;
                    }
                    let Ok(events) = ipc::health_events().await else {
                        continue;
                    };
                    if let Some(text) = describe(&events) {
                        app.dispatch(Action::Changed(text));
                    }
                }
            });
        }
        move || alive.set(false)
    });
    html! {}
}

/// One line for the notice: the change itself when there is one, a count
/// (naming the first) when several arrived together.
fn describe(events: &[ipc::HealthEvent]) -> Option<String> {
    let first = events.first()?;
    let line = format!(
        "Health check: “{}” is now {} (was {}). {}",
        first.name,
        first.to.as_str(),
        first.from.as_str(),
        first.message
    );
    Some(if events.len() == 1 {
        line
    } else {
        format!("{line} And {} more changed.", events.len() - 1)
    })
}
