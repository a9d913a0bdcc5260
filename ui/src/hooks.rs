//! Async work as hooks: components never spawn futures inside `html!`.

use std::future::Future;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::ipc::IpcResult;

/// Runs `fetch` whenever `deps` change and holds its latest answer
/// (None while the first one is on its way).
#[hook]
pub fn use_fetch<T, D, F, Fut>(deps: D, fetch: F) -> UseStateHandle<Option<IpcResult<T>>>
where
    T: 'static,
    D: PartialEq + 'static,
    F: FnOnce(&D) -> Fut + 'static,
    Fut: Future<Output = IpcResult<T>> + 'static,
{
    let state = use_state(|| None);
    {
        let state = state.clone();
        use_effect_with(deps, move |deps| {
            let future = fetch(deps);
            spawn_local(async move {
                state.set(Some(future.await));
            });
        });
    }
    state
}

/// Like [`use_fetch`], but starting from `seed()` when it gives an answer
/// (data fetched ahead): the first fetch is skipped then.
#[hook]
pub fn use_fetch_seeded<T, D, S, F, Fut>(
    deps: D,
    seed: S,
    fetch: F,
) -> UseStateHandle<Option<IpcResult<T>>>
where
    T: 'static,
    D: PartialEq + 'static,
    S: FnOnce() -> Option<T>,
    F: FnOnce(&D) -> Fut + 'static,
    Fut: Future<Output = IpcResult<T>> + 'static,
{
    let skip = use_mut_ref(|| false);
    let state = {
        let skip = skip.clone();
        use_state(move || {
            let seeded = seed().map(Ok);
            *skip.borrow_mut() = seeded.is_some();
            seeded
        })
    };
    {
        let state = state.clone();
        use_effect_with(deps, move |deps| {
            if std::mem::take(&mut *skip.borrow_mut()) {
                return;
            }
            let future = fetch(deps);
            spawn_local(async move {
                state.set(Some(future.await));
            });
        });
    }
    state
}

/// Adds the mark once the next frame has been painted: a timeout set from
/// an animation-frame callback runs after that frame's paint.
pub fn mark_after_paint(name: &'static str) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let Some(window) = web_sys::window() else {
        return;
    };
    let after = Closure::once_into_js(move || mark(name));
    let frame = {
        let window = window.clone();
        Closure::once_into_js(move || {
            let _ = window.set_timeout_with_callback(after.unchecked_ref());
        })
    };
    let _ = window.request_animation_frame(frame.unchecked_ref());
}

/// Adds a `performance.mark(name)` (read by scripts/bench-app.sh to split
/// the start time into its parts). Does nothing where unavailable.
pub fn mark(name: &str) {
    use js_sys::{Function, Reflect};
    use wasm_bindgen::JsCast;
    let Ok(perf) = Reflect::get(&js_sys::global(), &"performance".into()) else {
        return;
    };
    if let Some(f) = Reflect::get(&perf, &"mark".into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
    {
        let _ = f.call1(&perf, &name.into());
    }
}
