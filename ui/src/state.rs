//! The app's shared state: the vault's state, the current route and a short
//! message for the user, as a `Reducible` behind a context.

use std::rc::Rc;
use yew::prelude::*;

use crate::ipc::VaultState;
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
}

/// What can happen to the shared state.
pub enum Action {
    Vault(VaultState),
    Locked,
    Navigate(Route),
    Changed(String),
    Notice(String),
    ClearNotice,
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
            Action::Notice(message) => next.notice = Some(message),
            Action::ClearNotice => next.notice = None,
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
