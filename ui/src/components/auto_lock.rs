//! Locks the vault after a stretch without keyboard or mouse activity.

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

/// Invisible: watches activity and locks after `minutes` idle.
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
                while alive.get() {
                    sleep(Duration::from_secs(5)).await;
                    let idle_min = (js_sys::Date::now() - last.get()) / 60_000.0;
                    if alive.get() && idle_min >= limit {
                        if ipc::lock().await.is_ok() {
                            app.dispatch(Action::Locked);
                        }
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
