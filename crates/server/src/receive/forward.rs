//! Forwarding leads to the address a sign-up page names (`forward_url`):
//! each lead is POSTed as JSON, signed like Stripe signs its events
//! (`X-Switchboard-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`
//! with the page's `forward_secret`), and a delivery that is not answered
//! 2xx is tried again after [`Settings::forward_backoff`], four times
//! longer each try, up to [`MAX_ATTEMPTS`]. Every try is a row of
//! `lead_attempts`. The deliveries live in the database: a replica claims
//! a due one with a single UPDATE, so two replicas never send it at once,
//! and one that stops mid-try leaves it to be claimed again.
//!
//! [`Settings::forward_backoff`]: crate::state::Settings::forward_backoff

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use switchboard_vault::Secret;
use tokio::sync::Notify;

use crate::db::{Attempt, LeadRecord, Next};
use crate::error::Error;
use crate::state::AppState;

/// Tries before a delivery is given up.
pub const MAX_ATTEMPTS: i64 = 8;
/// The longest wait between tries.
const MAX_WAIT: Duration = Duration::from_secs(6 * 3600);
/// How long a claimed delivery is another replica's (above a try's timeout).
const CLAIM_MS: i64 = 120_000;
/// How often a replica looks for due deliveries without being woken.
const POLL: Duration = Duration::from_secs(1);
/// Deliveries one pass sends.
const BATCH: i64 = 16;
/// The header of the signature.
pub const SIGNATURE_HEADER: &str = "x-switchboard-signature";

fn bell() -> &'static Notify {
    static BELL: OnceLock<Notify> = OnceLock::new();
    BELL.get_or_init(Notify::new)
}

/// Wakes the forwarders of this process (a lead to send has arrived).
pub fn wake() {
    bell().notify_waiters();
}

/// The wait after try `attempt` (1 = the first) failed.
pub fn backoff(base: Duration, attempt: i64) -> Duration {
    let doublings = u32::try_from((attempt - 1).clamp(0, 15)).unwrap_or(15) * 2;
    base.saturating_mul(1_u32 << doublings.min(30))
        .min(MAX_WAIT)
}

/// Sends due deliveries until the server stops; a failed pass is logged
/// and the next one tries again.
pub fn spawn_forwarder(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let woken = bell().notified();
            if let Err(e) = forward_due(&state).await {
                tracing::warn!("lead forwarding failed (tried again shortly): {e}");
            }
            tokio::select! {
                () = woken => {}
                () = tokio::time::sleep(POLL) => {}
            }
        }
    })
}

/// One pass: claims and tries each due delivery; how many were tried.
pub async fn forward_due(state: &AppState) -> Result<usize, Error> {
    let db = state.db();
    let now = crate::throttle::now_ms();
    let mut tried = 0;
    for id in db.due_deliveries(now, BATCH).await? {
        if !db.claim_delivery(id, now, now + CLAIM_MS).await? {
            continue;
        }
        if let Some(lead) = db.lead(id).await? {
            try_once(state, &lead).await?;
            tried += 1;
        }
    }
    Ok(tried)
}

/// The JSON a lead is forwarded as.
pub fn lead_json(lead: &LeadRecord) -> Value {
    json!({
        "id": lead.id,
        "integration": lead.integration_id,
        "website": lead.website_id,
        "received_at": lead.received_at,
        "fields": serde_json::from_str::<Value>(&lead.fields).unwrap_or(Value::Null),
        "tag": lead.tag,
        "campaign_id": lead.campaign_id,
        "auto_create_contact": lead.auto_create_contact,
        "origin": lead.origin,
    })
}

/// Where a lead goes and what signs it, or why it cannot go.
async fn destination(state: &AppState, lead: &LeadRecord) -> Result<(String, Secret), String> {
    let record = state
        .db()
        .integration(lead.integration_id)
        .await
        .map_err(|e| e.to_string())?
        .filter(|r| r.trashed_at.is_none())
        .ok_or("its sign-up page was deleted or is in the Trash")?;
    let url = record
        .setting("forward_url")
        .ok_or("its sign-up page no longer forwards leads")?
        .to_owned();
    let secret = state
        .vault()
        .open(&record.uid, &record.secrets, "forward_secret")
        .filter(|s| !s.expose().is_empty())
        .ok_or("its sign-up page has no forwarding secret (enter it again in Switchboard)")?;
    Ok((url, secret))
}

/// One try at one claimed delivery, logged with what follows.
async fn try_once(state: &AppState, lead: &LeadRecord) -> Result<(), Error> {
    let attempt = lead.delivery.as_ref().map_or(0, |d| d.attempts) + 1;
    let started = Instant::now();
    let (url, result) = match destination(state, lead).await {
        Err(why) => (String::new(), Err((why, false))),
        Ok((url, secret)) => {
            let body = lead_json(lead).to_string().into_bytes();
            let now = crate::db::unix_now().max(0) as u64;
            let signature =
                switchboard_providers::webhooks::sign_stripe(&body, secret.expose(), now);
            let headers = [
                (SIGNATURE_HEADER, signature),
                ("x-switchboard-lead", lead.id.to_string()),
                ("x-switchboard-attempt", attempt.to_string()),
            ];
            let sent = match state.provider_client() {
                Err(e) => Err((format!("the server's client cannot start: {e}"), true)),
                Ok(client) => client
                    .post_json(&url, &headers, body)
                    .await
                    .map_err(|e| (e, true)),
            };
            (url, sent)
        }
    };
    let (status, error, next) = match result {
        Ok(status) if (200..300).contains(&status) => (Some(status), None, Next::Delivered),
        Ok(status) => (
            Some(status),
            Some(format!("answered {status}")),
            retry(state, attempt),
        ),
        Err((why, can_retry)) => (
            None,
            Some(why),
            if can_retry {
                retry(state, attempt)
            } else {
                Next::Failed
            },
        ),
    };
    tracing::info!(
        lead = lead.id,
        attempt,
        status = status.unwrap_or(0),
        outcome = ?next,
        "lead forwarded"
    );
    let logged = Attempt {
        attempt,
        at: crate::db::now(),
        url,
        status: status.map(i64::from),
        error,
        duration_ms: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
    };
    state.db().finish_attempt(lead.id, &logged, next).await?;
    Ok(())
}

/// What follows failed try `attempt`.
fn retry(state: &AppState, attempt: i64) -> Next {
    if attempt >= MAX_ATTEMPTS {
        return Next::Failed;
    }
    let wait = backoff(state.settings().forward_backoff, attempt);
    let wait_ms = i64::try_from(wait.as_millis()).unwrap_or(i64::MAX);
    Next::Retry(crate::throttle::now_ms().saturating_add(wait_ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_wait_is_four_times_the_one_before_up_to_six_hours() {
        let base = Duration::from_secs(30);
        assert_eq!(backoff(base, 1), Duration::from_secs(30));
        assert_eq!(backoff(base, 2), Duration::from_secs(120));
        assert_eq!(backoff(base, 3), Duration::from_secs(480));
        assert_eq!(backoff(base, 6), MAX_WAIT);
        assert_eq!(backoff(base, 100), MAX_WAIT);
    }
}
