//! Printing results and errors: aligned text for people, JSON for scripts.

use crate::args::WithAttention;
use switchboard_store::{Integration, IntegrationSummary, SecretView, StoreError};
use switchboard_sync::SyncError;

/// A CLI failure with its exit code.
#[derive(Debug)]
pub enum CliError {
    /// From the store.
    Store(StoreError),
    /// Bad arguments.
    Usage(String),
    /// Files and terminals.
    Io(String),
    /// From sync and the team server.
    Sync(SyncError),
    /// Input that is not valid (exit 3).
    Invalid(String),
    /// Any other failure (exit 1).
    Other(String),
    /// A check ran and failed: a connection test, a test message, a
    /// webhook signature (exit 6). Its result was already printed.
    Failed(String),
}

impl From<SyncError> for CliError {
    fn from(e: SyncError) -> Self {
        match e {
            SyncError::Store(s) => CliError::Store(s),
            other => CliError::Sync(other),
        }
    }
}

impl From<StoreError> for CliError {
    fn from(e: StoreError) -> Self {
        CliError::Store(e)
    }
}

impl CliError {
    /// 2 usage, 3 invalid input, 4 locked or wrong credentials, 5 not
    /// found, 6 a check failed, 1 anything else.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => 2,
            CliError::Io(_) | CliError::Other(_) => 1,
            CliError::Invalid(_) => 3,
            CliError::Failed(_) => 6,
            CliError::Sync(e) => match e {
                SyncError::BadUrl(_) | SyncError::Invalid(_) => 3,
                SyncError::NotConnected
                | SyncError::SignInAgain
                | SyncError::BadCredentials
                | SyncError::Forbidden(_) => 4,
                _ => 1,
            },
            CliError::Store(e) => match e.code() {
                "validation" | "conflict" | "bad_file" => 3,
                "locked"
                | "wrong_passphrase"
                | "wrong_recovery_key"
                | "keyring_unavailable"
                | "not_initialized"
                | "setup" => 4,
                "not_found" => 5,
                _ => 1,
            },
        }
    }
}

/// Asks `question` with "[y/N]" on the terminal: Ok on yes; `declined`
/// (exit 1) otherwise; a usage error saying `no_terminal` (exit 2) when
/// there is no terminal to ask on.
pub fn ask(question: &str, no_terminal: &str, declined: &str) -> Result<(), CliError> {
    use std::io::{BufRead, IsTerminal, Write};
    if !std::io::stdin().is_terminal() {
        return Err(CliError::Usage(no_terminal.into()));
    }
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| CliError::Io(format!("cannot read the answer: {e}")))?;
    match answer.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" => Ok(()),
        _ => Err(CliError::Other(declined.into())),
    }
}

/// Prints an error to standard error, each field error on its own line.
pub fn print_error(e: &CliError) {
    match e {
        CliError::Store(StoreError::Validation(errors)) => {
            eprintln!("error: the input is not valid; nothing was saved");
            if let Some(general) = &errors.general {
                eprintln!("  {general}");
            }
            for (field, message) in &errors.fields {
                eprintln!("  {field}: {message}");
            }
        }
        CliError::Sync(SyncError::Invalid(fields)) => {
            eprintln!("error: check these and try again");
            for (field, message) in fields {
                eprintln!("  {field}: {message}");
            }
        }
        CliError::Store(e) => eprintln!("error: {e}"),
        CliError::Sync(e) => eprintln!("error: {e}"),
        CliError::Usage(m)
        | CliError::Io(m)
        | CliError::Invalid(m)
        | CliError::Other(m)
        | CliError::Failed(m) => eprintln!("error: {m}"),
    }
}

/// One line per integration.
pub fn print_summaries(rows: &[WithAttention<'_, IntegrationSummary>]) {
    if rows.is_empty() {
        println!("No integrations yet. Add one with `switchboard add --type email --provider sendgrid --name ...`.");
        return;
    }
    println!(
        "{:<36}  {:<12}  {:<20}  {:<9}  {:<6}  {:>6}  NAME",
        "ID", "TYPE", "PROVIDER", "STATUS", "ACTIVE", "ERRORS"
    );
    for shown in rows {
        let r = shown.item;
        println!(
            "{:<36}  {:<12}  {:<20}  {:<9}  {:<6}  {:>6}  {}{}",
            r.id,
            r.integration_type,
            r.provider,
            r.status.as_str(),
            if r.is_active { "yes" } else { "no" },
            r.error_count,
            r.name,
            attention_note(shown.attention)
        );
    }
}

/// "  [expires in 5 days]" after a name, or nothing.
fn attention_note(attention: Option<switchboard_store::Attention>) -> String {
    attention.map_or_else(String::new, |a| format!("  [{}]", a.label()))
}

/// One integration in full, secrets masked.
pub fn print_integration(shown: &WithAttention<'_, Integration>) {
    let i = shown.item;
    println!("{} ({}){}", i.name, i.id, attention_note(shown.attention));
    println!("  type:        {} / {}", i.integration_type, i.provider);
    println!(
        "  website:     {}",
        i.website_id.as_deref().unwrap_or("(global)")
    );
    println!(
        "  status:      {} (active: {})",
        i.status,
        if i.is_active { "yes" } else { "no" }
    );
    if !i.description.is_empty() {
        println!("  description: {}", i.description);
    }
    println!("  revision:    {}", i.revision);
    println!("  created:     {}", i.created_at);
    println!("  updated:     {}", i.updated_at);
    if let Some(t) = &i.last_sync_at {
        println!("  last sync:   {t}");
    }
    if let Some(e) = &i.last_error {
        println!("  last error:  {e} ({} in a row)", i.error_count);
    }
    if !i.config.is_empty() {
        println!("  settings:");
        for (k, v) in &i.config {
            println!("    {k} = {v}");
        }
    }
    if !i.secrets.is_empty() {
        println!("  secrets:");
        for (k, v) in &i.secrets {
            let set = i
                .dates
                .secret_set_at
                .get(k)
                .map_or_else(String::new, |d| format!(" (set {d})"));
            match v {
                SecretView::Set { masked } => println!("    {k} = {masked}{set}"),
                SecretView::Undecryptable { message } => println!("    {k} = <{message}>{set}"),
            }
        }
    }
    if let Some(at) = &i.dates.expires_at {
        let by = i.dates.expires_source.as_deref().unwrap_or("a check");
        println!("  expires:     {at} (stated by {by})");
    }
}
