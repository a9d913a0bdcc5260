//! The Events dialog's requests and answers: where the team server receives
//! an integration's webhooks, the events its receiver stored (newest first,
//! paged by `before`), and "send a test event". The event and receiver
//! types are the server's wire types (`switchboard_sync_proto::events`):
//! payloads come masked by the server.

use serde::{Deserialize, Serialize};

pub use switchboard_sync_proto::events::{Receiver, WebhookEvent};

/// A page of one integration's stored events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventsRequest {
    /// The local integration id.
    pub id: String,
    /// Only events older than this one (its `id`); None: the newest.
    #[serde(default)]
    pub before: Option<i64>,
}

/// Stored events, newest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EventsPage {
    pub events: Vec<WebhookEvent>,
    /// What `before` asks for the next (older) page; None on the last one.
    #[serde(default)]
    pub next_before: Option<i64>,
}

/// What a receiver family takes, in a sentence (an unknown name as itself).
pub fn receives_label(family: &str) -> String {
    match family {
        "meta" => "Facebook and WhatsApp webhooks (leads, messages, statuses), signed with the app secret",
        "twilio" => "Twilio status callbacks, signed with the auth token",
        "stripe" => "Stripe events, signed with the webhook signing secret",
        "sendgrid" => "SendGrid Event Webhook deliveries, signed with SendGrid's key (the verification key checks them)",
        "mailgun" => "Mailgun webhooks, signed with the webhook signing key",
        "leads" => "Sign-up form submissions (the sign-up page)",
        other => return other.to_owned(),
    }
    .to_owned()
}

/// The receiver's families in one line; what to say when there are none.
pub fn describe_receives(receives: &[String]) -> String {
    if receives.is_empty() {
        return "Nothing: Switchboard receives no webhooks from this provider.".to_owned();
    }
    receives
        .iter()
        .map(|f| receives_label(f))
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn requests_and_answers_round_trip() {
        let request: EventsRequest = serde_json::from_value(json!({"id": "i1"})).unwrap();
        assert_eq!(request.before, None);
        let request = EventsRequest {
            id: "i1".into(),
            before: Some(41),
        };
        let text = serde_json::to_string(&request).unwrap();
        assert_eq!(
            serde_json::from_str::<EventsRequest>(&text).unwrap(),
            request
        );
        let page = EventsPage {
            events: vec![WebhookEvent {
                id: 42,
                kind: "switchboard.test".into(),
                event_id: Some("evt_test_1".into()),
                verdict: "genuine".into(),
                reason: None,
                received_at: "2026-12-06T04:00:00Z".into(),
                payload: json!({"id": "evt_test_1", "data": {"object": {"k": "****abcd"}}}),
            }],
            next_before: Some(42),
        };
        let text = serde_json::to_string(&page).unwrap();
        assert_eq!(serde_json::from_str::<EventsPage>(&text).unwrap(), page);
        let receiver = Receiver {
            path: "/hooks/k".into(),
            url: "https://team.example.com/hooks/k".into(),
            receives: vec!["stripe".into()],
        };
        let text = serde_json::to_string(&receiver).unwrap();
        assert_eq!(serde_json::from_str::<Receiver>(&text).unwrap(), receiver);
    }

    #[test]
    fn receives_are_described() {
        assert!(describe_receives(&[]).starts_with("Nothing"));
        let both = describe_receives(&["stripe".into(), "newer".into()]);
        assert!(both.starts_with("Stripe events"), "{both}");
        assert!(both.ends_with("; newer"), "{both}");
    }
}
