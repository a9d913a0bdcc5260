//! Async work as hooks: components never spawn futures inside `html!`.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::ipc::{IpcError, IpcResult};
use crate::state::{use_app, Action, AppContext};

/// A number that goes up every `every` while the component is shown: a
/// dependency for fetches that re-read on their own (results of checks
/// running elsewhere appear as they arrive).
#[hook]
pub fn use_tick(every: std::time::Duration) -> u32 {
    let tick = use_state_eq(|| 0_u32);
    {
        let tick = tick.clone();
        use_effect_with((), move |_| {
            let alive = std::rc::Rc::new(std::cell::Cell::new(true));
            {
                let alive = alive.clone();
                spawn_local(async move {
                    let mut n = 0_u32;
                    while alive.get() {
                        yew::platform::time::sleep(every).await;
                        n = n.wrapping_add(1);
                        if alive.get() {
                            tick.set(n);
                        }
                    }
                });
            }
            move || alive.set(false)
        });
    }
    *tick
}

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
    let latest = use_mut_ref(|| 0u64);
    {
        let state = state.clone();
        use_effect_with(deps, move |deps| fill(state, latest, Box::pin(fetch(deps))));
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
    let latest = use_mut_ref(|| 0u64);
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
            fill(state, latest, Box::pin(fetch(deps)));
        });
    }
    state
}

/// What the last call (or the form's own check) found wrong: a message for
/// the whole form, and one per field by its key.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Problems {
    pub message: Option<String>,
    pub fields: BTreeMap<String, String>,
}

impl Problems {
    /// Only a message.
    pub fn message(text: impl Into<String>) -> Problems {
        Problems {
            message: Some(text.into()),
            fields: BTreeMap::new(),
        }
    }

    /// One field's message.
    pub fn field(key: &str, text: &str) -> Problems {
        Problems::fields(BTreeMap::from([(key.to_owned(), text.to_owned())]))
    }

    /// Only the fields' messages.
    pub fn fields(fields: BTreeMap<String, String>) -> Problems {
        Problems {
            message: None,
            fields,
        }
    }
}

impl From<IpcError> for Problems {
    fn from(e: IpcError) -> Problems {
        Problems {
            message: Some(e.message),
            fields: e.fields,
        }
    }
}

/// A form's (or a button's) IPC call: whether one is on its way, and what
/// the last one got wrong. From [`use_submit`] (the component shows the
/// problems) or [`use_submit_notice`] (they become the window's notice).
#[derive(Clone)]
pub struct Submit {
    busy: UseStateHandle<bool>,
    problems: UseStateHandle<Problems>,
    /// Where a failure goes instead, for buttons with no place for it.
    notice: Option<AppContext>,
}

/// A [`Submit`] whose problems the component shows.
#[hook]
pub fn use_submit() -> Submit {
    Submit {
        busy: use_state_eq(|| false),
        problems: use_state_eq(Problems::default),
        notice: None,
    }
}

/// A [`Submit`] whose failures become the window's notice.
#[hook]
pub fn use_submit_notice() -> Submit {
    let app = use_app();
    Submit {
        notice: Some(app),
        ..use_submit()
    }
}

impl Submit {
    /// A call is on its way.
    pub fn busy(&self) -> bool {
        *self.busy
    }

    /// The last failure's message.
    pub fn message(&self) -> Option<&str> {
        self.problems.message.as_deref()
    }

    /// The message, when no field has one of its own (for forms that show
    /// either the fields' problems or a general one).
    pub fn general(&self) -> Option<&str> {
        self.message().filter(|_| self.problems.fields.is_empty())
    }

    /// The problem with one field.
    pub fn field(&self, key: &str) -> Option<&str> {
        self.problems.fields.get(key).map(String::as_str)
    }

    /// Shows what the form's own check found.
    pub fn fail(&self, problems: Problems) {
        self.problems.set(problems);
    }

    /// Sets (Some) or clears (None) one field's problem, e.g. while typing.
    pub fn set_field(&self, key: &str, problem: Option<String>) {
        let mut next = (*self.problems).clone();
        match problem {
            Some(msg) => next.fields.insert(key.to_owned(), msg),
            None => next.fields.remove(key),
        };
        self.problems.set(next);
    }

    /// Forgets the fields' problems, keeping the message.
    pub fn clear_fields(&self) {
        self.problems.set(Problems {
            message: self.problems.message.clone(),
            fields: BTreeMap::new(),
        });
    }

    /// Forgets every problem.
    pub fn clear(&self) {
        self.problems.set(Problems::default());
    }

    /// A form's `onsubmit`: keeps the page from reloading, then `send`s
    /// (which checks the form and calls [`Submit::run`]).
    pub fn on_submit(&self, send: impl Fn(&Submit) + 'static) -> Callback<SubmitEvent> {
        let this = self.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            send(&this);
        })
    }

    /// A form's `onsubmit` that sends the draft in `draft` with `call`;
    /// once it succeeded, a `fresh` draft replaces it and the app tells what
    /// `said` says of the answer.
    pub fn send_draft<D, T, Fut>(
        &self,
        draft: &UseStateHandle<D>,
        app: &AppContext,
        fresh: impl Fn() -> D + 'static,
        call: impl Fn(D) -> Fut + 'static,
        said: impl Fn(T) -> String + 'static,
    ) -> Callback<SubmitEvent>
    where
        D: Clone + 'static,
        T: 'static,
        Fut: Future<Output = IpcResult<T>> + 'static,
    {
        let (draft, app) = (draft.clone(), app.clone());
        let (fresh, said) = (std::rc::Rc::new(fresh), std::rc::Rc::new(said));
        self.on_submit(move |submit| {
            let request = (*draft).clone();
            let (draft, app, fresh, said) =
                (draft.clone(), app.clone(), fresh.clone(), said.clone());
            submit.run(call(request), move |answer| {
                draft.set(fresh());
                app.dispatch(Action::Changed(said(answer)));
            });
        })
    }

    /// Runs `call` in the background, busy until it answers; then clears
    /// the problems and hands the answer to `done`, or keeps (or notices)
    /// what went wrong.
    pub fn run<T, Fut>(&self, call: Fut, done: impl FnOnce(T) + 'static)
    where
        T: 'static,
        Fut: Future<Output = IpcResult<T>> + 'static,
    {
        self.run_boxed(Box::pin(Finish {
            call: Box::pin(call),
            done: Some(Box::new(done)),
        }));
    }

    /// [`Submit::run`] once the answer's type is gone: the waiting and the
    /// handling of failures are in the wasm once, not once per call site.
    fn run_boxed(&self, call: Pin<Box<dyn Future<Output = IpcResult<Then>>>>) {
        let this = self.clone();
        self.busy.set(true);
        spawn_local(async move {
            let result = call.await;
            this.busy.set(false);
            match result {
                Ok(done) => {
                    this.clear();
                    done();
                }
                Err(e) => match &this.notice {
                    Some(app) => app.dispatch(Action::Notice(e.message)),
                    None => this.problems.set(e.into()),
                },
            }
        });
    }
}

/// What to do with a call's answer, once it came.
type Then = Box<dyn FnOnce()>;

/// A call on its way, its answer of type `T` (boxed: the code that waits
/// is in the wasm once per answer type, not once per call site).
type Call<T> = Pin<Box<dyn Future<Output = IpcResult<T>>>>;

/// A call and what to do with its answer: answers that (a [`Then`]) once
/// the call did.
struct Finish<T> {
    call: Call<T>,
    done: Option<Box<dyn FnOnce(T)>>,
}

impl<T: 'static> Future for Finish<T> {
    type Output = IpcResult<Then>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<IpcResult<Then>> {
        let answer = match self.call.as_mut().poll(cx) {
            Poll::Ready(answer) => answer,
            Poll::Pending => return Poll::Pending,
        };
        let done = self.done.take().expect("a call finishes once");
        Poll::Ready(answer.map(|answer| Box::new(move || done(answer)) as Then))
    }
}

/// Awaits `call` and puts its answer into `state`, unless a later call was
/// made meanwhile (`latest` counts them): an older answer arriving last must
/// not replace a newer one.
fn fill<T: 'static>(
    state: UseStateHandle<Option<IpcResult<T>>>,
    latest: std::rc::Rc<std::cell::RefCell<u64>>,
    call: Call<T>,
) {
    let mine = {
        let mut n = latest.borrow_mut();
        *n += 1;
        *n
    };
    spawn_local(async move {
        let answer = call.await;
        if *latest.borrow() == mine {
            state.set(Some(answer));
        }
    });
}

/// Whether the window's first frame has been painted, and who waits for it.
#[derive(Default)]
struct FirstFrame {
    painted: bool,
    waiting: Vec<std::task::Waker>,
}

thread_local! {
    static FIRST_FRAME: std::cell::RefCell<FirstFrame> = Default::default();
}

/// Resolves once the window's first frame has been painted (at once after
/// that). Calls whose answers the first screen does not show (the footer's
/// version, a test run still going, expiry notices) await it first, so that
/// neither their work in the shell nor their answers here compete with that
/// frame for the processor.
pub fn first_frame() -> impl Future<Output = ()> {
    std::future::poll_fn(|cx: &mut Context<'_>| {
        FIRST_FRAME.with_borrow_mut(|frame| {
            if frame.painted {
                Poll::Ready(())
            } else {
                frame.waiting.push(cx.waker().clone());
                Poll::Pending
            }
        })
    })
}

/// Marks the first frame painted and wakes what waited for it (the app
/// calls this after its first render's frame, see `app.rs`).
pub fn first_frame_painted() {
    let waiting = FIRST_FRAME.with_borrow_mut(|frame| {
        frame.painted = true;
        std::mem::take(&mut frame.waiting)
    });
    for waker in waiting {
        waker.wake();
    }
}

/// Runs `then` once the next frame has been painted: a timeout set from an
/// animation-frame callback runs after that frame's paint.
pub fn after_paint(then: impl FnOnce() + 'static) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let Some(window) = web_sys::window() else {
        return;
    };
    let after = Closure::once_into_js(then);
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::task::{Wake, Waker};

    struct Count(AtomicUsize);

    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn work_for_later_waits_for_the_first_frame_and_then_runs() {
        let count = Arc::new(Count(AtomicUsize::new(0)));
        let waker = Waker::from(count.clone());
        let mut cx = Context::from_waker(&waker);
        let mut early = std::pin::pin!(first_frame());
        assert!(
            early.as_mut().poll(&mut cx).is_pending(),
            "before the frame"
        );
        assert_eq!(count.0.load(Ordering::SeqCst), 0);
        first_frame_painted();
        assert_eq!(count.0.load(Ordering::SeqCst), 1, "woken by the frame");
        assert!(early.as_mut().poll(&mut cx).is_ready());
        let mut late = std::pin::pin!(first_frame());
        assert!(late.as_mut().poll(&mut cx).is_ready(), "after it: at once");
    }
}
