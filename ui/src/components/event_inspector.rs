//! "Events": what the team server's webhook receiver stored for one
//! integration, newest first and re-read every few seconds while open; the
//! receiver's address to paste into the provider (with Copy), what it
//! receives, and "Send a test event" (the server signs a sample and
//! delivers it to itself; the list is re-read at once so it shows on top).

use std::time::Duration;

use js_sys::{Function, Promise, Reflect};
use serde_json::Value;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::hooks::{use_fetch, use_submit, use_tick, Submit};
use crate::ipc::{self, EventsPage, IntegrationRow, IpcError, IpcResult, Receiver, WebhookEvent};
use crate::time;

/// How often the open list is read again.
const LIVE_EVERY: Duration = Duration::from_secs(5);

#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    pub row: IntegrationRow,
    pub on_close: Callback<()>,
}

/// The verdict's badge class and label.
fn verdict(e: &WebhookEvent) -> (&'static str, &'static str) {
    if e.is_genuine() {
        ("st-success", "Genuine")
    } else {
        ("st-error", "Refused")
    }
}

/// JSON laid out two spaces a level, as `JSON.stringify(v, null, 2)` does
/// (small: the compact writer is in the wasm already).
pub fn pretty(value: &Value) -> String {
    let mut out = String::new();
    write_pretty(value, 0, &mut out);
    out
}

fn write_pretty(value: &Value, depth: usize, out: &mut String) {
    let pad = |n: usize, out: &mut String| out.extend(std::iter::repeat_n("  ", n));
    match value {
        Value::Array(items) if !items.is_empty() => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                pad(depth + 1, out);
                write_pretty(item, depth + 1, out);
            }
            out.push('\n');
            pad(depth, out);
            out.push(']');
        }
        Value::Object(map) if !map.is_empty() => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                pad(depth + 1, out);
                out.push_str(&Value::from(key.as_str()).to_string());
                out.push_str(": ");
                write_pretty(item, depth + 1, out);
            }
            out.push('\n');
            pad(depth, out);
            out.push('}');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// The first page's events, then the older pages' below them (an older
/// event the re-read first page holds again is shown once).
pub fn merged<'a>(first: &'a [WebhookEvent], older: &'a [WebhookEvent]) -> Vec<&'a WebhookEvent> {
    let lowest = first.iter().map(|e| e.id).min().unwrap_or(i64::MAX);
    first
        .iter()
        .chain(older.iter().filter(|e| e.id < lowest))
        .collect()
}

/// What the empty list says.
pub fn empty_text(provider: &str) -> String {
    format!(
        "No events yet: paste the address above into {provider}'s webhook settings, or send a test event."
    )
}

fn event_item(e: &WebhookEvent) -> Html {
    let (class, label) = verdict(e);
    let kind = if e.kind.is_empty() {
        "(no kind)"
    } else {
        e.kind.as_str()
    };
    html! {
        <li class="event" data-id={e.id.to_string()} data-kind={e.kind.clone()} data-verdict={e.verdict.clone()}>
            <time class="event-time" datetime={e.received_at.clone()} title={time::exact(&e.received_at)}>
                { time::when(&e.received_at) }
            </time>
            { " " }<strong class="event-kind">{ kind }</strong>
            { " " }<span class={classes!("badge", class)}>{ label }</span>
            if let Some(reason) = e.reason.as_deref().filter(|r| !r.is_empty()) {
                <p class="event-reason">{ reason }</p>
            }
            if !e.payload.is_null() {
                <details class="event-payload">
                    <summary>{ "Payload" }</summary>
                    <pre>{ pretty(&e.payload) }</pre>
                </details>
            }
        </li>
    }
}

/// Puts `text` on the clipboard from the window (a Copy click is the user
/// gesture the clipboard API asks for); where that API is missing or
/// refuses, copies the selected address field instead.
async fn copy_text(text: String) -> Result<(), ()> {
    let global = js_sys::global();
    let via_api = async {
        let navigator = Reflect::get(&global, &"navigator".into()).map_err(drop)?;
        let clipboard = Reflect::get(&navigator, &"clipboard".into()).map_err(drop)?;
        let write: Function = Reflect::get(&clipboard, &"writeText".into())
            .map_err(drop)?
            .dyn_into()
            .map_err(drop)?;
        let promise: Promise = write
            .call1(&clipboard, &text.as_str().into())
            .map_err(drop)?
            .dyn_into()
            .map_err(drop)?;
        JsFuture::from(promise).await.map(drop).map_err(drop)
    };
    if via_api.await.is_ok() {
        return Ok(());
    }
    let document = web_sys::window().and_then(|w| w.document()).ok_or(())?;
    let input: web_sys::HtmlInputElement = document
        .get_element_by_id("inspector-url")
        .and_then(|e| e.dyn_into().ok())
        .ok_or(())?;
    input.select();
    let exec: Function = Reflect::get(&document, &"execCommand".into())
        .map_err(drop)?
        .dyn_into()
        .map_err(drop)?;
    match exec.call1(&document, &"copy".into()) {
        Ok(done) if done.as_bool() == Some(true) => Ok(()),
        _ => Err(()),
    }
}

/// The first problem to show: a button's call, then the list's, then the
/// receiver's (both fail alike without a connection).
fn problem(
    calls: &[&Submit],
    events: &Option<IpcResult<EventsPage>>,
    receiver: &Option<IpcResult<Receiver>>,
) -> Option<String> {
    let failed = |e: Option<&IpcError>| e.map(|e| e.message.clone());
    calls
        .iter()
        .find_map(|c| c.message().map(str::to_owned))
        .or_else(|| failed(events.as_ref().and_then(|a| a.as_ref().err())))
        .or_else(|| failed(receiver.as_ref().and_then(|a| a.as_ref().err())))
}

/// What stands above the list while it is read, or when it is empty.
fn list_state(events: &Option<IpcResult<EventsPage>>, provider: &str) -> Html {
    match events {
        None => {
            html! { <p id="inspector-loading" class="muted" role="status">{ "Reading the events…" }</p> }
        }
        Some(Ok(page)) if page.events.is_empty() => {
            html! { <p id="inspector-empty" class="muted">{ empty_text(provider) }</p> }
        }
        Some(_) => html! {},
    }
}

/// The dialog.
#[function_component(EventInspector)]
pub fn event_inspector(props: &InspectorProps) -> Html {
    let id = props.row.id.clone();
    let tick = use_tick(LIVE_EVERY);
    let reads = use_state(|| 0u32);
    let receiver = use_fetch((id.clone(), *reads), |(id, _)| ipc::receiver(id));
    let events = use_fetch((id.clone(), tick, *reads), |(id, _, _)| {
        ipc::webhook_events(id, None)
    });
    let testing = use_submit();
    let paging = use_submit();
    // Older pages shown below the live first page, and where the next starts.
    let older = use_state(|| (Vec::<WebhookEvent>::new(), None::<i64>));
    let copied = use_state(|| None::<&'static str>);
    let provider = switchboard_catalog::find_provider(&props.row.provider)
        .map_or(props.row.provider.as_str(), |(_, p)| p.label);
    let url = match &*receiver {
        Some(Ok(r)) => r.url.clone(),
        _ => String::new(),
    };
    let refresh = {
        let reads = reads.clone();
        Callback::from(move |_| reads.set(*reads + 1))
    };
    let send = {
        let (testing, reads, id) = (testing.clone(), reads.clone(), id.clone());
        Callback::from(move |_| {
            let (reads, id) = (reads.clone(), id.clone());
            testing.run(async move { ipc::send_test_event(&id).await }, move |_| {
                reads.set(*reads + 1)
            });
        })
    };
    let copy = {
        let (copied, url) = (copied.clone(), url.clone());
        Callback::from(move |_| {
            let (copied, url) = (copied.clone(), url.clone());
            spawn_local(async move {
                copied.set(Some(match copy_text(url).await {
                    Ok(()) => "Copied.",
                    Err(()) => "Could not copy: select the address and copy it yourself.",
                }));
            });
        })
    };
    let close = {
        let close = props.on_close.clone();
        Callback::from(move |_| close.emit(()))
    };
    let error = problem(&[&testing, &paging], &events, &receiver);
    let receives = match &*receiver {
        Some(Ok(r)) => ipc::describe_receives(&r.receives),
        Some(Err(_)) => "—".to_owned(),
        None => "…".to_owned(),
    };
    let first: &[WebhookEvent] = match &*events {
        Some(Ok(page)) => &page.events,
        _ => &[],
    };
    let shown = merged(first, &older.0);
    let cursor = match (&*events, older.0.is_empty()) {
        (Some(Ok(page)), true) => page.next_before,
        (_, false) => older.1,
        _ => None,
    };
    let more = {
        let (paging, older, id) = (paging.clone(), older.clone(), id.clone());
        Callback::from(move |_| {
            let (older, id) = (older.clone(), id.clone());
            let Some(before) = cursor else { return };
            paging.run(
                async move { ipc::webhook_events(&id, Some(before)).await },
                move |page| {
                    let mut events = older.0.clone();
                    events.extend(page.events);
                    older.set((events, page.next_before));
                },
            );
        })
    };
    let state = list_state(&events, provider);
    html! {
        <div class="overlay">
            <div id="inspector" class="dialog inspector-dialog" role="dialog" aria-modal="true" aria-labelledby="inspector-title">
                <h2 id="inspector-title">{ format!("Events of “{}”", props.row.name) }</h2>
                <label class="field">
                    <span class="label">{ "Webhook address" }</span>
                    <div class="inspector-address">
                        <input id="inspector-url" type="text" readonly={true} value={url.clone()}
                            aria-label="Webhook address" placeholder={if receiver.is_none() { "…" } else { "" }} />
                        <button type="button" class="button ghost small" id="inspector-copy"
                            disabled={url.is_empty()} onclick={copy}>{ "Copy" }</button>
                    </div>
                    if let Some(said) = *copied {
                        <span class="help" id="inspector-copied" role="status">{ said }</span>
                    }
                </label>
                <p class="muted">{ "Receives: " }<span id="inspector-receives">{ receives }</span></p>
                if let Some(message) = error {
                    <p class="error" id="inspector-error" role="alert">{ message }</p>
                }
                { state }
                <ul id="inspector-events" class="events" aria-live="polite">
                    { for shown.into_iter().map(event_item) }
                </ul>
                if cursor.is_some() {
                    <button type="button" class="button link" id="inspector-older" disabled={paging.busy()}
                        onclick={more}>{ "Show older events" }</button>
                }
                <div class="form-actions">
                    <button type="button" class="button ghost" id="inspector-test" disabled={testing.busy()}
                        aria-busy={if testing.busy() { "true" } else { "false" }} onclick={send}>
                        { if testing.busy() { "Sending…" } else { "Send a test event" } }</button>
                    <button type="button" class="button ghost" id="inspector-refresh" onclick={refresh}>{ "Refresh" }</button>
                    <button type="button" class="button primary" id="inspector-close" onclick={close}>{ "Close" }</button>
                </div>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn payloads_are_laid_out_as_json_stringify_does() {
        let value = json!({"id": "evt_1", "data": {"object": {"k": "****abcd", "n": [1, 2.5, null]}},
                           "empty": {}, "none": [], "quote": "a\"b\n"});
        let text = pretty(&value);
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), value);
        assert_eq!(text, serde_json::to_string_pretty(&value).unwrap());
        assert_eq!(pretty(&json!("x")), "\"x\"");
    }

    #[test]
    fn older_pages_follow_the_first_once() {
        let event = |id| WebhookEvent {
            id,
            verdict: "genuine".into(),
            ..WebhookEvent::default()
        };
        let first = [event(9), event(8), event(7)];
        let older = [event(6), event(5)];
        let ids: Vec<i64> = merged(&first, &older).iter().map(|e| e.id).collect();
        assert_eq!(ids, [9, 8, 7, 6, 5]);
        // Older pages loaded before 9 and 8 arrived hold 7 and 6 again.
        let older = [event(7), event(6), event(5)];
        let ids: Vec<i64> = merged(&first, &older).iter().map(|e| e.id).collect();
        assert_eq!(ids, [9, 8, 7, 6, 5]);
        assert_eq!(merged(&[], &older).len(), 3);
    }

    #[test]
    fn verdicts_and_the_empty_list_read_well() {
        let mut e = WebhookEvent {
            verdict: "genuine".into(),
            ..WebhookEvent::default()
        };
        assert_eq!(verdict(&e).1, "Genuine");
        e.verdict = "refused".into();
        assert_eq!(verdict(&e), ("st-error", "Refused"));
        assert_eq!(
            empty_text("Stripe"),
            "No events yet: paste the address above into Stripe's webhook settings, or send a test event."
        );
    }
}
