//! Troubleshooting: the checks behind the product guide's troubleshooting
//! list, run for one integration beyond its connection check. Each answers a
//! [`Finding`]: a stable id, a title and an [`Outcome`] (kind, message, hint,
//! details), scrubbed of the integration's secrets like every outcome.
//!
//! - email: the from-domain's SPF, DKIM and DMARC records (DNS, see
//!   `dns.rs`), and for SendGrid the sender identity (`senders.rs`);
//! - WhatsApp: the business account's message templates and the webhook
//!   URL's verification handshake (`meta.rs`);
//! - Facebook: the Page's `leadgen` subscription, the app's mode and the
//!   webhook handshake (`meta.rs`);
//! - SMS: the from number's SMS capability where the provider tells
//!   (Twilio; `senders.rs`).

mod dns;
mod email;
mod meta;
mod senders;

use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::checker::{CheckInput, Checker};
use crate::http::{Ctx, Verdict};
use crate::outcome::Outcome;
use crate::redact;
use crate::registry::BoxFuture;

pub(crate) use dns::Dns;

/// One troubleshooting check's result.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct Finding {
    /// Stable id (`email.spf`, `whatsapp.templates`...; see [`troubleshooting_findings`]).
    pub id: String,
    /// What was checked, for a person ("SPF record").
    pub title: String,
    /// What was found; never a secret.
    pub outcome: Outcome,
}

/// One troubleshooting check: what it is, where it applies, how it runs.
struct Item {
    id: &'static str,
    title: &'static str,
    /// Whether it applies to an integration (its type, provider, settings).
    applies: fn(&Ctx<'_>) -> bool,
    run: for<'a> fn(&'a Ctx<'a>, &'a Dns) -> BoxFuture<'a, Verdict>,
}

fn of_type(ctx: &Ctx<'_>, ty: &str) -> bool {
    ctx.input.integration_type == ty
}

fn has_webhook(ctx: &Ctx<'_>) -> bool {
    matches!(ctx.input.integration_type, "whatsapp" | "facebook")
        && ctx.cfg("webhook_url").is_some()
}

const ITEMS: &[Item] = &[
    Item {
        id: "email.spf",
        title: "SPF record",
        applies: |ctx| of_type(ctx, "email"),
        run: |ctx, dns| Box::pin(email::spf(ctx, dns)),
    },
    Item {
        id: "email.dkim",
        title: "DKIM records",
        applies: |ctx| of_type(ctx, "email"),
        run: |ctx, dns| Box::pin(email::dkim(ctx, dns)),
    },
    Item {
        id: "email.dmarc",
        title: "DMARC policy",
        applies: |ctx| of_type(ctx, "email"),
        run: |ctx, dns| Box::pin(email::dmarc(ctx, dns)),
    },
    Item {
        id: "email.sender_identity",
        title: "Sender identity verified",
        applies: |ctx| ctx.input.provider == "sendgrid",
        run: |ctx, _| Box::pin(senders::sendgrid_sender(ctx)),
    },
    Item {
        id: "whatsapp.templates",
        title: "Approved message templates",
        applies: |ctx| ctx.input.provider == "whatsapp",
        run: |ctx, _| Box::pin(meta::templates(ctx)),
    },
    Item {
        id: "facebook.leadgen_subscription",
        title: "App subscribed to the Page's leads",
        applies: |ctx| {
            ctx.input.provider == "facebook" && ctx.cfg_bool("enable_lead_ads") != Some(false)
        },
        run: |ctx, _| Box::pin(meta::leadgen_subscription(ctx)),
    },
    Item {
        id: "facebook.app_mode",
        title: "App in Live mode",
        applies: |ctx| ctx.input.provider == "facebook",
        run: |ctx, _| Box::pin(meta::app_mode(ctx)),
    },
    Item {
        id: "webhook.handshake",
        title: "Webhook answers Meta's verification",
        applies: has_webhook,
        run: |ctx, _| Box::pin(meta::webhook_handshake(ctx)),
    },
    Item {
        id: "sms.sender",
        title: "Sender number can send SMS",
        applies: |ctx| of_type(ctx, "sms"),
        run: |ctx, _| Box::pin(senders::sms_sender(ctx)),
    },
];

/// Every finding id with its title, in the order findings are given.
pub fn troubleshooting_findings() -> Vec<(&'static str, &'static str)> {
    ITEMS.iter().map(|i| (i.id, i.title)).collect()
}

impl Checker {
    /// Runs every troubleshooting check that applies to the integration, in
    /// the order of [`troubleshooting_findings`] (none for types without any). Never panics
    /// or hangs: failures, timeouts and missing settings are findings.
    pub async fn troubleshoot(&self, input: CheckInput<'_>) -> Vec<Finding> {
        let ctx = Ctx::new(self, &input);
        let items: Vec<&Item> = ITEMS.iter().filter(|i| (i.applies)(&ctx)).collect();
        if items.is_empty() {
            return Vec::new();
        }
        let dns = Dns::new(self);
        let mut findings = Vec::with_capacity(items.len());
        for item in items {
            let started = Instant::now();
            let mut outcome =
                match tokio::time::timeout(self.budget(), (item.run)(&ctx, &dns)).await {
                    Ok(Ok(outcome)) | Ok(Err(outcome)) => outcome,
                    Err(_) => ctx.timeout_outcome(),
                };
            outcome.elapsed_ms = switchboard_domain::elapsed_ms(started);
            redact::scrub_outcome(&mut outcome, input.secrets);
            tracing::info!(
                provider = input.provider,
                finding = item.id,
                outcome = outcome.kind.as_str(),
                "troubleshooting check"
            );
            findings.push(Finding {
                id: item.id.to_owned(),
                title: item.title.to_owned(),
                outcome,
            });
        }
        findings
    }
}
