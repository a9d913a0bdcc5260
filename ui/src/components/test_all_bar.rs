//! "Test all": checks every integration the list's filters match, showing a
//! progress bar while it runs, a cancel button, and a summary at the end.

use std::time::Duration;
use yew::platform::{spawn_local, time::sleep};
use yew::prelude::*;

use crate::hooks::use_submit_notice;
use crate::ipc::{self, TestAllProgress, TestAllRequest};
use crate::state::{use_app, Action};

/// How often progress is read while a run goes on.
const POLL: Duration = Duration::from_millis(300);

/// The list's current filters.
#[derive(Properties, PartialEq)]
pub struct TestAllBarProps {
    pub request: TestAllRequest,
    /// Whether the filters are narrower than "everything" (for the label).
    pub filtered: bool,
}

/// The button, and the bar while a run goes on.
#[function_component(TestAllBar)]
pub fn test_all_bar(props: &TestAllBarProps) -> Html {
    let app = use_app();
    let progress = use_state(|| None::<TestAllProgress>);
    // Pick up a run that is still going (e.g. after switching pages).
    {
        let (progress, app) = (progress.clone(), app.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                crate::hooks::first_frame().await;
                if let Ok(p) = ipc::test_all_progress().await {
                    if p.running {
                        follow(p, progress, app).await;
                    }
                }
            });
        });
    }
    let submit = use_submit_notice();
    let start = {
        let (progress, app, request) = (progress.clone(), app.clone(), props.request.clone());
        Callback::from(move |_| {
            let (progress, app, request) = (progress.clone(), app.clone(), request.clone());
            submit.run(
                async move { ipc::start_test_all(&request).await },
                move |p| spawn_local(follow(p, progress, app)),
            );
        })
    };
    let cancel = Callback::from(|_| {
        spawn_local(async {
            let _ = ipc::cancel_test_all().await;
        })
    });
    let running = progress.as_ref().is_some_and(|p| p.running);
    let label = if props.filtered {
        "Test these"
    } else {
        "Test all"
    };
    html! {
        <div class="test-all">
            if running {
                if let Some(p) = &*progress {
                    <div class="test-all-run" role="status" aria-live="polite">
                        <progress id="test-all-progress" max={p.total.max(1).to_string()}
                            value={p.done.to_string()} aria-label="Test-all progress" />
                        <span class="muted" id="test-all-count">{ format!("{} of {} checked", p.done, p.total) }</span>
                        <button class="button ghost" id="test-all-cancel" onclick={cancel}>{ "Cancel" }</button>
                    </div>
                }
            } else {
                <button class="button ghost" id="test-all" onclick={start}
                    title="Check every integration in the list against its provider">{ label }</button>
                if let Some(p) = &*progress {
                    <span class="muted test-all-summary" id="test-all-summary" role="status">{ summary(p) }</span>
                }
            }
        </div>
    }
}

/// Polls until the run ends, reloading the list as results arrive.
async fn follow(
    first: TestAllProgress,
    progress: UseStateHandle<Option<TestAllProgress>>,
    app: crate::state::AppContext,
) {
    let mut seen = first.done;
    progress.set(Some(first));
    loop {
        sleep(POLL).await;
        let Ok(p) = ipc::test_all_progress().await else {
            break;
        };
        let running = p.running;
        if p.done != seen {
            seen = p.done;
            app.dispatch(Action::Reload);
        }
        progress.set(Some(p));
        if !running {
            app.dispatch(Action::Reload);
            break;
        }
    }
}

fn summary(p: &TestAllProgress) -> String {
    if let Some(error) = &p.error {
        return format!("Test-all stopped: {error}");
    }
    let mut text = format!(
        "Checked {} of {}: {} ok, {} failed",
        p.done, p.total, p.ok, p.failed
    );
    if p.not_checkable > 0 {
        text.push_str(&format!(", {} not checkable", p.not_checkable));
    }
    if p.cancelled {
        text.push_str(" (cancelled)");
    }
    text.push('.');
    text
}
