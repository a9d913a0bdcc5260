//! Locks the vault after a stretch without keyboard or mouse activity, and
//! when the computer comes back from sleep: timers do not run while it is
//! suspended, so a tick that comes far later than asked for means the
//! machine slept. The shell also locks when the OS says the screen locked
//! or the computer is going to sleep (`src-tauri/src/os_lock.rs`); each tick
//! asks the vault's state, so the lock screen follows within a tick.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::platform::{spawn_local, time::sleep};
use yew::prelude::*;

use crate::ipc;
use crate::state::{use_app, Action};

/// How long the user may be idle.
#[derive(Properties, PartialEq)]
pub struct AutoLockProps {
    /// Idle minutes before the vault locks itself (Settings); 0 never.
    pub minutes: u32,
}

/// How often activity is looked at.
const TICK: Duration = Duration::from_secs(5);

/// A tick this much later than [`TICK`] means the computer was suspended.
const SLEEP_GAP_MS: f64 = 60_000.0;

/// Whether the time between two ticks (wall clock, ms) says the computer
/// slept in between rather than just being slow.
fn slept(previous_ms: f64, now_ms: f64) -> bool {
    now_ms - previous_ms > TICK.as_secs_f64() * 1000.0 + SLEEP_GAP_MS
}

/// Invisible: watches activity and locks after `minutes` idle, or after the
/// computer slept.
#[function_component(AutoLock)]
pub fn auto_lock(props: &AutoLockProps) -> Html {
    let app = use_app();
    use_effect_with(props.minutes, move |minutes| {
        let limit = f64::from(*minutes);
        let last = Rc::new(Cell::new(js_sys::Date::now()));
        let alive = Rc::new(Cell::new(true));
        let touch = {
            let last = last.clone();
            Closure::<dyn Fn()>::new(move || last.set(js_sys::Date::now()))
        };
        let document = web_sys::window().and_then(|w| w.document());
        if let Some(doc) = &document {
            for event in ["keydown", "mousedown", "mousemove", "wheel"] {
                let _ = doc.add_event_listener_with_callback(event, touch.as_ref().unchecked_ref());
            }
        }
        if limit > 0.0 {
            let alive = alive.clone();
            spawn_local(async move {
                let mut tick = js_sys::Date::now();
                while alive.get() {
                    sleep(TICK).await;
                    let now = js_sys::Date::now();
                    let was_asleep = slept(tick, now);
                    tick = now;
                    let idle_min = (now - last.get()) / 60_000.0;
                    if alive.get() && (was_asleep || idle_min >= limit) {
                        if ipc::lock().await.is_ok() {
                            app.dispatch(Action::Locked);
                        }
                        break;
                    }
                    // The shell locks by itself when the OS says the screen
                    // locked or the computer is going to sleep.
                    let locked_by_os = ipc::vault_status().await.is_ok_and(|v| !v.unlocked);
                    if alive.get() && locked_by_os {
                        app.dispatch(Action::Locked);
                        break;
                    }
                }
            });
        }
        move || {
            alive.set(false);
            if let Some(doc) = &document {
                for event in ["keydown", "mousedown", "mousemove", "wheel"] {
                    let _ = doc
                        .remove_event_listener_with_callback(event, touch.as_ref().unchecked_ref());
                }
            }
            drop(touch);
        }
    });
    html! {}
}

#[cfg(test)]
mod tests {
    use super::slept;

    #[test]
    fn a_late_tick_means_the_computer_slept() {
        let t = 1_700_000_000_000.0;
        assert!(!slept(t, t + 5_000.0), "on time");
        assert!(!slept(t, t + 20_000.0), "a busy machine is not asleep");
        assert!(slept(t, t + 5_000.0 + 61_000.0), "back from sleep");
        assert!(slept(t, t + 8.0 * 3_600_000.0), "overnight");
    }
}
