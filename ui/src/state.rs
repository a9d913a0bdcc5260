//! The app's shared state: the vault's state, the current route and a short
//! message for the user, as a `Reducible` behind a context.

use std::rc::Rc;
use yew::prelude::*;

use crate::ipc::{Settings, Theme, VaultState};
use crate::route::Route;

/// Everything the components share.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AppState {
    /// None until the shell has answered.
    pub vault: Option<VaultState>,
    pub route: Route,
    /// Bumped after every change, so views reload.
    pub revision: u32,
    /// A short notice, e.g. "Saved".
    pub notice: Option<String>,
    /// The user's settings (defaults until the shell has answered).
    pub settings: Settings,
}

/// What can happen to the shared state.
pub enum Action {
    Vault(VaultState),
    Locked,
    Navigate(Route),
    Changed(String),
    /// Something changed; reload the views without a notice.
    Reload,
    Notice(String),
    ClearNotice,
    Settings(Settings),
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Vault(v) => next.vault = Some(v),
            Action::Locked => {
                if let Some(v) = next.vault.as_mut() {
                    v.unlocked = false;
                }
            }
            Action::Navigate(route) => next.route = route,
            Action::Changed(message) => {
                next.revision = next.revision.wrapping_add(1);
                next.notice = Some(message);
            }
            Action::Reload => next.revision = next.revision.wrapping_add(1),
            Action::Notice(message) => next.notice = Some(message),
            Action::ClearNotice => next.notice = None,
            Action::Settings(settings) => {
                apply_theme(settings.theme);
                next.settings = settings;
            }
        }
        Rc::new(next)
    }
}

/// The handle components get from the context.
pub type AppContext = UseReducerHandle<AppState>;

/// The shared state; panics outside the provider (a programming error).
#[hook]
pub fn use_app() -> AppContext {
    use_context::<AppContext>().expect("AppContext provider is missing")
}

/// Puts the theme on the page: `data-theme` on <html> for an explicit
/// choice, none to follow the system (styles.css has both).
pub fn apply_theme(theme: Theme) {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return;
    };
    let _ = match theme {
        Theme::System => root.remove_attribute("data-theme"),
        other => root.set_attribute("data-theme", other.as_str()),
    };
}
