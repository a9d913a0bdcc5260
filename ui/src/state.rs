//! The app's shared state: the vault's state, the current route and a short
//! message for the user, as a `Reducible` behind a context.

use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

use crate::ipc::{
    Boot, FirstScreen, ListPage, ListQuery, Settings, Theme, TypeOverview, VaultState, Website,
};
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
    /// Counts the notices shown, so that a notice's timer clears only its
    /// own notice, never a newer one that replaced it.
    pub notice_id: u32,
    /// The user's settings (defaults until the shell has answered).
    pub settings: Settings,
    /// Locked in this session (Lock now, or auto-lock): the keyring then
    /// unlocks only when asked, or locking would undo itself.
    pub locked_here: bool,
    /// The home page's data that came with the first answer, each part
    /// taken once by the component that shows it.
    pub first: Prefetched,
    /// The last answer about updates of the app (None: not asked yet).
    pub update: Option<crate::ipc::UpdateStatus>,
}

/// Data fetched ahead for the first render; each part is taken once, then
/// components fetch as usual.
#[derive(Clone, Debug, Default)]
pub struct Prefetched(Rc<RefCell<Ahead>>);

#[derive(Debug, Default)]
struct Ahead {
    query: ListQuery,
    list: Option<ListPage>,
    overview: Option<Vec<TypeOverview>>,
    websites: Option<Vec<Website>>,
}

impl PartialEq for Prefetched {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl Prefetched {
    fn new(first: Option<FirstScreen>) -> Prefetched {
        Prefetched(Rc::new(RefCell::new(first.map_or_else(
            Ahead::default,
            |f| Ahead {
                query: f.query,
                list: Some(f.list),
                overview: Some(f.overview),
                websites: Some(f.websites),
            },
        ))))
    }

    /// The list page, when it was fetched for this query.
    pub fn take_list(&self, query: &ListQuery) -> Option<ListPage> {
        let mut ahead = self.0.borrow_mut();
        if &ahead.query != query {
            return None;
        }
        ahead.list.take()
    }

    pub fn take_overview(&self) -> Option<Vec<TypeOverview>> {
        self.0.borrow_mut().overview.take()
    }

    pub fn take_websites(&self) -> Option<Vec<Website>> {
        self.0.borrow_mut().websites.take()
    }
}

/// What can happen to the shared state.
pub enum Action {
    Vault(VaultState),
    /// The first answer, when it came after the app had mounted.
    Boot(Box<crate::ipc::Boot>),
    Locked,
    Navigate(Route),
    Changed(String),
    /// Something changed; reload the views without a notice.
    Reload,
    Notice(String),
    /// Clears notice number N, if it is still the one shown.
    ClearNotice(u32),
    Settings(Settings),
    /// What the last look for an update of the app found.
    Update(crate::ipc::UpdateStatus),
}

impl AppState {
    /// The state the shell's first answer describes.
    pub fn booted(boot: Boot) -> AppState {
        let mut state = AppState::default();
        state.apply_boot(boot);
        state
    }

    fn apply_boot(&mut self, boot: Boot) {
        apply_theme(boot.settings.theme);
        self.settings = boot.settings;
        self.first = Prefetched::new(boot.first);
        self.vault = Some(boot.vault);
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Vault(v) => next.vault = Some(v),
            Action::Boot(boot) => next.apply_boot(*boot),
            Action::Locked => {
                next.locked_here = true;
                if let Some(v) = next.vault.as_mut() {
                    v.unlocked = false;
                }
            }
            Action::Navigate(route) => next.route = route,
            Action::Changed(message) => {
                next.revision = next.revision.wrapping_add(1);
                next.notice = Some(message);
                next.notice_id = next.notice_id.wrapping_add(1);
            }
            Action::Reload => next.revision = next.revision.wrapping_add(1),
            Action::Notice(message) => {
                next.notice = Some(message);
                next.notice_id = next.notice_id.wrapping_add(1);
            }
            Action::ClearNotice(id) => {
                if next.notice_id == id {
                    next.notice = None;
                }
            }
            Action::Settings(settings) => {
                apply_theme(settings.theme);
                next.settings = settings;
            }
            Action::Update(status) => next.update = Some(status),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn notice(state: &Rc<AppState>) -> Option<&str> {
        state.notice.as_deref()
    }

    /// `state` after each of `actions` in turn.
    fn after(state: Rc<AppState>, actions: impl IntoIterator<Item = Action>) -> Rc<AppState> {
        actions.into_iter().fold(state, Reducible::reduce)
    }

    #[test]
    fn a_notice_timer_clears_only_its_own_notice() {
        let state = after(
            Rc::default(),
            [Action::Changed("Added “Spring shop”".into())],
        );
        let first = state.notice_id;
        // A second notice just before the first one's 4 s are up.
        let state = after(
            state,
            [
                Action::Notice("Settings saved".into()),
                Action::ClearNotice(first),
            ],
        );
        assert_eq!(notice(&state), Some("Settings saved"));
        let second = state.notice_id;
        assert_eq!(notice(&after(state, [Action::ClearNotice(second)])), None);
    }

    #[test]
    fn the_same_notice_twice_gets_its_full_time_again() {
        let state = after(Rc::default(), [Action::Notice("Saved".into())]);
        let first = state.notice_id;
        let state = after(
            state,
            [Action::Notice("Saved".into()), Action::ClearNotice(first)],
        );
        assert_ne!(state.notice_id, first);
        assert_eq!(notice(&state), Some("Saved"));
    }
}
