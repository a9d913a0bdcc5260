//! The troubleshooting command's answer: one finding per troubleshooting
//! check that applies to the integration (SPF, DKIM, DMARC, sender identity,
//! WhatsApp templates, the Page's lead subscription, the app mode, the
//! webhook handshake, the SMS sender), each like a check's outcome.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::OutcomeKind;

/// One troubleshooting check's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TroubleshootFinding {
    /// Stable id: `email.spf`, `email.dkim`, `email.dmarc`,
    /// `email.sender_identity`, `whatsapp.templates`,
    /// `facebook.leadgen_subscription`, `facebook.app_mode`,
    /// `webhook.handshake` or `sms.sender`.
    pub id: String,
    /// What was checked ("SPF record").
    pub title: String,
    /// How it ended (`ok`, `not_found`, `not_checkable`...).
    pub kind: OutcomeKind,
    pub ok: bool,
    /// What was found, in a sentence (never a secret).
    pub message: String,
    /// What to do about it (which record to add...); may be empty.
    pub hint: String,
    /// What was looked at (records, statuses, names...).
    #[serde(default)]
    pub details: Value,
}

/// Every troubleshooting finding of one integration, in a fixed order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TroubleshootAnswer {
    /// The findings (empty when no troubleshooting check applies).
    pub findings: Vec<TroubleshootFinding>,
    /// One line: how many pass, or that none apply.
    pub summary: String,
}

impl TroubleshootAnswer {
    /// The answer for `findings`, with its summary line.
    pub fn new(findings: Vec<TroubleshootFinding>) -> TroubleshootAnswer {
        let passed = findings.iter().filter(|f| f.ok).count();
        let unchecked = findings
            .iter()
            .filter(|f| f.kind == OutcomeKind::NotCheckable)
            .count();
        let failed = findings.len() - passed - unchecked;
        let summary = if findings.is_empty() {
            "There are no troubleshooting checks for this type of integration.".to_owned()
        } else {
            format!(
                "{passed} of {} troubleshooting checks pass, {failed} found a problem, {unchecked} could not be checked.",
                findings.len()
            )
        };
        TroubleshootAnswer { findings, summary }
    }

    /// True when no finding is a problem (passed or not checkable).
    pub fn all_clear(&self) -> bool {
        self.findings
            .iter()
            .all(|f| f.ok || f.kind == OutcomeKind::NotCheckable)
    }
}
