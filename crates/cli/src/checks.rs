//! `test`, `troubleshoot`, `test-all`, `send` and `webhook verify`: the runner's checks and
//! provider tools, the same calls the app's commands make, with the same
//! answers printed (text, or JSON with `--json`).

use crate::commands::emit;
use crate::output::CliError;
use crate::{Cli, Command, VerifyArgs, WebhookCommand};
use std::io::{IsTerminal, Write};
use switchboard_ipc::{TestAllItem, TestAnswer, TroubleshootAnswer};
use switchboard_providers::send::Confirmed;
use switchboard_providers::webhooks::SignedRequest;
use switchboard_providers::Checker;
use switchboard_runner::{Progress, SendError, TestAll, TestAllSummary, TestMessage};
use switchboard_store::{CheckKind, Store};
use switchboard_vault::Secret;

type Result<T> = std::result::Result<T, CliError>;

/// Runs `test`, `test-all`, `send` or `webhook verify` (vault unlocked).
pub async fn run(store: &Store, cli: &Cli, command: &Command) -> Result<()> {
    match command {
        Command::Test { id } => test(store, cli, id).await,
        Command::Troubleshoot { id } => troubleshoot(store, cli, id).await,
        Command::TestAll { filters } => test_all(store, cli, filters.to_filter()?).await,
        Command::Send {
            id,
            to,
            template,
            language,
            yes,
        } => {
            let message = TestMessage {
                to,
                template,
                language,
            };
            send(store, cli, id, &message, *yes).await
        }
        Command::Webhook(WebhookCommand::Verify(args)) => verify_webhook(store, cli, args).await,
        _ => unreachable!("not a check"),
    }
}

fn checker() -> Result<Checker> {
    switchboard_runner::checker_from_env().map_err(CliError::Other)
}

/// Exit 6 with `what` unless `ok`.
fn ok_or_failed(ok: bool, what: &str) -> Result<()> {
    if ok {
        Ok(())
    } else {
        Err(CliError::Failed(what.to_owned()))
    }
}

fn print_answer(a: &TestAnswer) {
    if a.ok {
        println!("ok: {}", a.message);
    } else {
        println!("failed ({}): {}", a.kind.as_str(), a.message);
    }
    if !a.hint.is_empty() {
        println!("  {}", a.hint);
    }
    println!(
        "  status: {}, failed checks in a row: {}",
        a.status, a.error_count
    );
}

/// `test ID`: one check, recorded like the app's refresh icon.
async fn test(store: &Store, cli: &Cli, id: &str) -> Result<()> {
    let checker = checker()?;
    let integration = store.get(id).await?;
    if !integration.secrets_on_server.is_empty() {
        return Err(CliError::Other(format!(
            "the secrets of “{}” are kept only on the shared server, so its test runs there: \
             test it from the app",
            integration.name
        )));
    }
    let (outcome, health) = switchboard_runner::run_check(store, &checker, id).await?;
    let answer = switchboard_runner::test_answer(&outcome, health.status, health.error_count);
    emit(cli, &answer, print_answer);
    ok_or_failed(
        answer.ok || answer.kind.check_kind() == CheckKind::NotCheckable,
        "the connection test failed",
    )
}

fn print_findings(a: &TroubleshootAnswer) {
    for f in &a.findings {
        let mark = match f.kind.check_kind() {
            CheckKind::Ok => "ok",
            CheckKind::NotCheckable => "n/a",
            CheckKind::Failed => "PROBLEM",
        };
        println!("{mark:<8} {} ({}): {}", f.title, f.id, f.message);
        if !f.hint.is_empty() {
            println!("         {}", f.hint);
        }
    }
    println!("{}", a.summary);
}

/// `troubleshoot ID`: the troubleshooting checks, logged like the app's.
async fn troubleshoot(store: &Store, cli: &Cli, id: &str) -> Result<()> {
    let checker = checker()?;
    let answer = switchboard_runner::run_troubleshoot(store, &checker, id).await?;
    emit(cli, &answer, print_findings);
    ok_or_failed(
        answer.all_clear(),
        "a troubleshooting check found a problem",
    )
}

/// The one-line progress bar, redrawn in place.
fn draw_bar(p: &Progress, ok: usize, failed: usize) {
    const WIDTH: usize = 30;
    let filled = (p.done * WIDTH).checked_div(p.total).unwrap_or(WIDTH);
    let mut out = std::io::stdout().lock();
    let _ = write!(
        out,
        "\r[{}{}] {}/{}  ok {ok}  failed {failed}\x1b[K",
        "#".repeat(filled),
        ".".repeat(WIDTH - filled),
        p.done,
        p.total
    );
    let _ = out.flush();
}

/// One plain line per finished integration.
fn print_line(item: &TestAllItem) {
    let mark = match item.kind.check_kind() {
        CheckKind::Ok => "ok",
        CheckKind::NotCheckable => "n/a",
        CheckKind::Failed => "FAILED",
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "{mark:<6}  {}  {}: {}",
        item.id, item.name, item.message
    );
    let _ = out.flush();
}

/// `test-all [filters]`: every matching integration, a few at a time.
async fn test_all(store: &Store, cli: &Cli, filter: switchboard_store::ListFilter) -> Result<()> {
    let checker = checker()?;
    let cancel = crate::commands::cancel_on_ctrl_c();
    let bar = !cli.json && std::io::stdout().is_terminal();
    let mut items = Vec::new();
    let (mut ok, mut failed) = (0, 0);
    let summary = TestAll::new(filter)
        .run(
            store,
            &checker,
            |p| {
                let item = p.item();
                match item.kind.check_kind() {
                    CheckKind::Ok => ok += 1,
                    CheckKind::Failed => failed += 1,
                    CheckKind::NotCheckable => {}
                }
                if bar {
                    draw_bar(&p, ok, failed);
                } else if !cli.json {
                    print_line(&item);
                }
                items.push(item);
            },
            &cancel,
        )
        .await?;
    if bar {
        println!();
    }
    let shown = serde_json::json!({ "summary": summary, "items": items });
    emit(cli, &shown, |_| print_summary(&summary, &items));
    ok_or_failed(
        summary.failed == 0 && summary.store_errors == 0 && !summary.cancelled,
        "some connection tests failed or did not run",
    )
}

fn print_summary(s: &TestAllSummary, items: &[TestAllItem]) {
    println!(
        "Tested {} of {}: {} ok, {} failed, {} not checkable{} ({} ms).",
        s.done,
        s.total,
        s.ok,
        s.failed,
        s.not_checkable,
        if s.cancelled { ", stopped" } else { "" },
        s.elapsed_ms
    );
    for item in items
        .iter()
        .filter(|i| i.kind.check_kind() == CheckKind::Failed)
    {
        println!("  failed  {}  {}: {}", item.id, item.name, item.message);
    }
}

/// Asks "Send ...? [y/N]" on the terminal; refuses without one.
fn confirm(name: &str, provider: &str, to: &str) -> Result<()> {
    let whom = if to.trim().is_empty() {
        String::new()
    } else {
        format!(" to {}", to.trim())
    };
    crate::output::ask(
        &format!("Send a real test message through “{name}” ({provider}){whom}?"),
        "send delivers a real message: confirm with --yes when there is no terminal to ask on",
        "not sent",
    )
}

/// `send ID --to ...`: one real test message, logged.
async fn send(
    store: &Store,
    cli: &Cli,
    id: &str,
    message: &TestMessage<'_>,
    yes: bool,
) -> Result<()> {
    let checker = checker()?;
    if !yes {
        let integration = store.get(id).await?;
        confirm(&integration.name, &integration.provider, message.to)?;
    }
    let answer =
        switchboard_runner::send_test_message(store, &checker, id, message, Confirmed::by_user())
            .await
            .map_err(|e| match e {
                SendError::Store(e) => CliError::Store(e),
                SendError::SecretOnServer(name) => CliError::Other(format!(
                    "the secret of “{name}” is kept only on the shared server, so a test message \
                     cannot be sent from this laptop"
                )),
                SendError::Input(m) => CliError::Invalid(m),
            })?;
    emit(cli, &answer, print_answer);
    ok_or_failed(answer.ok, "the test message was not sent")
}

fn env_secret(var: &str) -> Result<Secret> {
    std::env::var(var)
        .map(Secret::new)
        .map_err(|_| CliError::Usage(format!("the environment variable {var} is not set")))
}

/// `webhook verify`: the app's Webhooks tool.
pub async fn verify_webhook(store: &Store, cli: &Cli, args: &VerifyArgs) -> Result<()> {
    let secret = match (&args.integration, &args.field, &args.secret_env) {
        (Some(id), Some(field), _) => switchboard_runner::webhook_secret(store, id, field)
            .await?
            .ok_or_else(|| {
                CliError::Invalid(format!("that integration has no value for “{field}”"))
            })?,
        (_, _, Some(var)) => env_secret(var)?,
        _ => {
            return Err(CliError::Usage(
                "give --secret-env, or --integration with --field".into(),
            ))
        }
    };
    let payload = match &args.payload_file {
        Some(file) => std::fs::read(file)
            .map_err(|e| CliError::Io(format!("cannot read {}: {e}", file.display())))?,
        None => Vec::new(),
    };
    let token = args.token_env.as_deref().map(env_secret).transpose()?;
    let request = SignedRequest {
        scheme: &args.scheme,
        payload: &payload,
        signature: &args.signature,
        timestamp: &args.timestamp,
        token: token.as_ref().map_or("", Secret::expose),
        url: &args.url,
    };
    let answer = switchboard_runner::verify_webhook(&request, &secret)
        .ok_or_else(|| CliError::Usage(format!("unknown webhook scheme “{}”", args.scheme)))?;
    emit(cli, &answer, |a| println!("{}", a.message));
    ok_or_failed(answer.valid, "the signature does not match")
}
