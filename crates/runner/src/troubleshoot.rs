//! [`run_troubleshoot`]: one integration's troubleshooting checks from end
//! to end: its credentials from the store, the checks, and the run recorded
//! as one log entry (the findings in its details). The integration's status
//! and error count are left alone: they belong to the connection check.

use serde_json::json;
use switchboard_ipc::{TroubleshootAnswer, TroubleshootFinding};
use switchboard_providers::{CheckInput, Checker, Finding};
use switchboard_store::{LogLevel, Result, Store};

use crate::record::FromCredentials;

/// A finding as the app and the CLI show it.
pub fn troubleshoot_finding(finding: &Finding) -> TroubleshootFinding {
    let o = &finding.outcome;
    TroubleshootFinding {
        id: finding.id.clone(),
        title: finding.title.clone(),
        kind: o.kind,
        ok: o.is_ok(),
        message: o.message.clone(),
        hint: o.hint.clone(),
        details: o.details.clone(),
    }
}

/// Runs integration `id`'s troubleshooting checks and logs the run. Errors
/// are the store's (locked vault, unknown id, database).
pub async fn run_troubleshoot(
    store: &Store,
    checker: &Checker,
    id: &str,
) -> Result<TroubleshootAnswer> {
    let integration = store.get(id).await?;
    let credentials = store.credentials(id).await?;
    let findings = checker
        .troubleshoot(CheckInput::from_credentials(&credentials))
        .await;
    let mut answer = TroubleshootAnswer::new(findings.iter().map(troubleshoot_finding).collect());
    let mut absent: Vec<String> = credentials.undecryptable.clone();
    absent.extend(integration.secrets_on_server.iter().cloned());
    if !absent.is_empty() && !answer.findings.is_empty() {
        answer.summary = format!(
            "{} Some secrets are not readable on this laptop ({}), so the checks that need them say they are not set.",
            answer.summary,
            absent.join(", ")
        );
    }
    let level = if answer.all_clear() {
        LogLevel::Success
    } else {
        LogLevel::Warning
    };
    let logged: Vec<_> = answer
        .findings
        .iter()
        .map(|f| json!({"id": f.id, "outcome": f.kind.as_str(), "message": f.message, "hint": f.hint}))
        .collect();
    store
        .add_log(
            id,
            level,
            &format!("Troubleshooting: {}", answer.summary),
            json!({"troubleshoot": logged}),
        )
        .await?;
    Ok(answer)
}
