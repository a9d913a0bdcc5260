//! A short message at the bottom of the window ("Saved"), gone after 4 s.

use std::time::Duration;
use yew::platform::{spawn_local, time::sleep};
use yew::prelude::*;

use crate::state::{use_app, Action};

/// Shows the shared notice and clears it after a few seconds.
#[function_component(Notice)]
pub fn notice() -> Html {
    let app = use_app();
    {
        let app = app.clone();
        // Keyed on the notice's number: a newer notice gets its full 4 s
        // (the same text twice in a row too), and the older one's timer
        // leaves it alone.
        let shown = (app.notice_id, app.notice.is_some());
        use_effect_with(shown, move |&(id, showing)| {
            if showing {
                spawn_local(async move {
                    sleep(Duration::from_secs(4)).await;
                    app.dispatch(Action::ClearNotice(id));
                });
            }
        });
    }
    html! {
        <div class="notice-area" role="status" aria-live="polite">
            if let Some(text) = &app.notice {
                <div class="notice">{ text }</div>
            }
        </div>
    }
}
