//! The page footer: the app's name and version, as the desktop shell reports
//! them through the `app_info` command.

use yew::platform::spawn_local;
use yew::prelude::*;

use crate::ipc::{self, AppInfo};

/// Shows "Switchboard 0.1.0" once the shell has answered; nothing before, and
/// nothing when the page runs outside the desktop app.
#[function_component(Footer)]
pub fn footer() -> Html {
    let info = use_state(|| None::<AppInfo>);
    {
        let info = info.clone();
        use_effect_with((), move |_| {
            spawn_local(async move {
                crate::hooks::first_frame().await;
                if let Ok(answer) = ipc::app_info().await {
                    info.set(Some(answer));
                }
            });
        });
    }
    html! {
        <footer class="footer muted">
            if let Some(info) = &*info {
                <span class="app-info">{ format!("{} {}", info.name, info.version) }</span>
            }
        </footer>
    }
}
