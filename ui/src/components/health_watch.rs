//! Shows the status changes found by the background health checks (Settings
//! turns them on) as notices, and reloads the views when one arrives.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;
use yew::platform::{spawn_local, time::sleep};
use yew::prelude::*;

use crate::ipc;
use crate::state::{use_app, Action};

/// How often the shell is asked for new status changes.
const POLL: Duration = Duration::from_secs(3);

/// Every how many polls the shell is asked for expiry and rotation
/// crossings (about a minute; also at start). A background health check
/// that records an expiry is announced by the next ask.
const ATTENTION_EVERY: u32 = 20;

/// Invisible while nothing changes.
#[function_component(HealthWatch)]
pub fn health_watch() -> Html {
    let app = use_app();
    use_effect_with((), move |_| {
        let alive = Rc::new(Cell::new(true));
        {
            let alive = alive.clone();
            spawn_local(async move {
                crate::hooks::first_frame().await;
                let mut polls = 0u32;
                while alive.get() {
                    if polls.is_multiple_of(ATTENTION_EVERY) {
                        if let Some(text) = ipc::attention_notices()
                            .await
                            .ok()
                            .and_then(|n| describe_attention(&n))
                        {
                            app.dispatch(Action::Changed(text));
                        }
                    }
                    polls = polls.wrapping_add(1);
                    sleep(POLL).await;
                    if !alive.get() {
                        break;
                    }
                    let Ok(events) = ipc::health_events().await else {
                        continue;
                    };
                    if let Some(text) = describe(&events) {
                        app.dispatch(Action::Changed(text));
                    }
                }
            });
        }
        move || alive.set(false)
    });
    html! {}
}

/// One line for the expiry and rotation notice: the first crossing, and
/// how many more.
fn describe_attention(notices: &[ipc::AttentionNotice]) -> Option<String> {
    let first = notices.first()?;
    let what = match first.attention {
        ipc::Attention::Old(d) => format!("its oldest secret is {d} days old: time to rotate it"),
        ipc::Attention::Expired => "its credential has expired".to_owned(),
        a => format!("its credential {}", a.label()),
    };
    let line = format!("Needs attention: “{}”, {what}.", first.name);
    Some(if notices.len() == 1 {
        line
    } else {
        format!(
            "{line} And {} more: tick Needs attention in the list.",
            notices.len() - 1
        )
    })
}

/// One line for the notice: the change itself when there is one, a count
/// (naming the first) when several arrived together.
fn describe(events: &[ipc::HealthEvent]) -> Option<String> {
    let first = events.first()?;
    let line = format!(
        "Health check: “{}” is now {} (was {}). {}",
        first.name,
        first.to.as_str(),
        first.from.as_str(),
        first.message
    );
    Some(if events.len() == 1 {
        line
    } else {
        format!("{line} And {} more changed.", events.len() - 1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attention_notices_read_as_one_line() {
        let notice = |name: &str, attention| ipc::AttentionNotice {
            id: name.into(),
            name: name.into(),
            integration_type: "email".into(),
            attention,
        };
        assert_eq!(describe_attention(&[]), None);
        assert_eq!(
            describe_attention(&[notice("Meta", ipc::Attention::ExpiresIn(7))]).unwrap(),
            "Needs attention: “Meta”, its credential expires in 7 days."
        );
        let two = [
            notice("Old", ipc::Attention::Old(120)),
            notice("Gone", ipc::Attention::Expired),
        ];
        let line = describe_attention(&two).unwrap();
        assert!(line.starts_with("Needs attention: “Old”, its oldest secret is 120 days old"));
        assert!(line.ends_with("And 1 more: tick Needs attention in the list."));
    }
}
