//! The webhook inspector's answers as the desktop reads them
//! (`GET /api/v1/integrations/{id}/receiver`, `.../events`, and
//! `POST .../events/test`): one declaration, decoded by the sync client and
//! shown by the app's Events dialog. Payloads come already masked by the
//! server (secrets to their last 4 characters).

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// Where the team server receives one integration's webhooks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receiver {
    /// The receiver's path on the server (`/hooks/<key>`).
    pub path: String,
    /// The public address to paste into the provider's webhook settings.
    pub url: String,
    /// What the receiver takes, by family (`meta`, `twilio`, `stripe`,
    /// `sendgrid`, `mailgun`, or a name a newer server adds); empty when
    /// Switchboard receives nothing from the provider. The server may send
    /// one name, a list of them, or null.
    #[serde(default, deserialize_with = "one_or_many")]
    pub receives: Vec<String>,
}

/// One name, a list of names, or nothing, read as a list.
fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Names {
        One(String),
        Many(Vec<String>),
    }
    Ok(match Option::<Names>::deserialize(d)? {
        None => Vec::new(),
        Some(Names::One(name)) => vec![name],
        Some(Names::Many(names)) => names,
    })
}

/// One delivery the receiver stored: a genuine event, or a refused request
/// with why (refused ones carry no payload).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WebhookEvent {
    /// The server's row id (newest is highest); `before` pages by it.
    pub id: i64,
    /// The event's kind as the provider names it (`leadgen`, `delivered`...).
    #[serde(default)]
    pub kind: String,
    /// The provider's id of the event (genuine ones only).
    #[serde(default)]
    pub event_id: Option<String>,
    /// `genuine` or `refused`.
    pub verdict: String,
    /// Why a request was refused.
    #[serde(default)]
    pub reason: Option<String>,
    /// When it arrived (RFC 3339, UTC).
    #[serde(default)]
    pub received_at: String,
    /// The payload as stored, secrets masked (null for refused requests).
    #[serde(default)]
    pub payload: Value,
}

impl WebhookEvent {
    /// Whether the receiver accepted it as the provider's.
    pub fn is_genuine(&self) -> bool {
        self.verdict == "genuine"
    }
}

/// A page of stored events, newest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EventPage {
    pub events: Vec<WebhookEvent>,
    /// The next (older) page's address, None on the last page.
    #[serde(default)]
    pub next: Option<String>,
}

impl EventPage {
    /// The `before` that asks for the next page: from `next`'s query, or
    /// the last event's id.
    pub fn next_before(&self) -> Option<i64> {
        let next = self.next.as_deref()?;
        next.split(['?', '&'])
            .find_map(|pair| pair.strip_prefix("before=")?.parse().ok())
            .or_else(|| self.events.last().map(|e| e.id))
    }
}

/// What "send a test event" stored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TestEventAnswer {
    /// The status the receiver answered the signed sample with.
    #[serde(default)]
    pub status: u16,
    /// The events it stored (one, or several for a batch sample).
    #[serde(default)]
    pub events: Vec<WebhookEvent>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn receives_reads_one_many_or_none() {
        let read = |v: Value| serde_json::from_value::<Receiver>(v).unwrap().receives;
        let base = json!({"path": "/hooks/k", "url": "https://s/hooks/k"});
        let with = |r: Value| {
            let mut v = base.clone();
            v["receives"] = r;
            v
        };
        assert_eq!(read(with(json!("meta"))), ["meta"]);
        assert_eq!(read(with(json!(["meta", "leads"]))), ["meta", "leads"]);
        assert!(read(with(Value::Null)).is_empty());
        assert!(read(base).is_empty());
    }

    #[test]
    fn next_page_is_read_from_the_link() {
        let page: EventPage = serde_json::from_value(json!({
            "events": [{"id": 9, "provider": "stripe", "kind": "x", "event_id": null,
                        "verdict": "refused", "reason": "bad signature",
                        "received_at": "2026-01-01T00:00:00Z", "payload": null}],
            "next": "/api/v1/integrations/3/events?limit=1&before=9"
        }))
        .unwrap();
        assert_eq!(page.next_before(), Some(9));
        assert!(!page.events[0].is_genuine());
        let last = EventPage { next: None, ..page };
        assert_eq!(last.next_before(), None);
    }
}
