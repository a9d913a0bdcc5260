//! The webhook inspector's calls, as the signed-in user: an integration's
//! receiver address, the events its receiver stored (newest first, paged)
//! and "send a test event" (the server signs a sample with the
//! integration's stored secret and delivers it to its own receiver). Reads
//! are retried like sync's; the test event is not (a lost answer may have
//! stored it).

use reqwest::Method;
use switchboard_sync_proto::events::{EventPage, Receiver, TestEventAnswer};

use crate::client::{Retry, ServerClient};
use crate::error::Result;

/// Events a page holds when the caller does not say (the server's own default).
pub const EVENT_PAGE: u32 = 50;

fn base(server_id: i64) -> String {
    format!("/api/v1/integrations/{server_id}")
}

impl ServerClient {
    /// Where the server receives the integration's webhooks
    /// (`GET /api/v1/integrations/<id>/receiver`; the key is made on the
    /// first ask).
    pub async fn receiver(&self, server_id: i64) -> Result<Receiver> {
        let path = format!("{}/receiver", base(server_id));
        self.call(Retry::Transient, Method::GET, &path, None).await
    }

    /// A page of the integration's stored events, newest first: the newest
    /// `limit`, or those older than the event `before`.
    pub async fn webhook_events(
        &self,
        server_id: i64,
        before: Option<i64>,
        limit: u32,
    ) -> Result<EventPage> {
        let mut path = format!("{}/events?limit={limit}", base(server_id));
        if let Some(before) = before {
            path.push_str(&format!("&before={before}"));
        }
        self.call(Retry::Transient, Method::GET, &path, None).await
    }

    /// Makes the server deliver a signed sample event to its own receiver
    /// for the integration; what was stored. A provider without receivers,
    /// a missing secret or a refused sample answer 400 with the server's
    /// reason ([`crate::SyncError::Server`]).
    pub async fn send_test_event(&self, server_id: i64) -> Result<TestEventAnswer> {
        let path = format!("{}/events/test", base(server_id));
        self.call(Retry::Never, Method::POST, &path, None).await
    }
}
