//! `backup` and `restore`: encrypted backup files under a passphrase the
//! person types, and the guard on plaintext exports. Files are written
//! private (0600) to a temporary name and renamed into place, so a crash
//! never leaves half a file under the name asked for.

use crate::commands::{emit, stdin_line};
use crate::output::CliError;
use crate::{Cli, Command, OnChange, OnConflict};
use std::io::IsTerminal;
use std::path::Path;
use switchboard_store::{
    RestoreChoice, RestoreChoices, RestoreKind, RestorePreview, RestoreReport, Store,
};
use switchboard_vault::Secret;

type Result<T> = std::result::Result<T, CliError>;

const PASSPHRASE_ENV: &str = "SWITCHBOARD_BACKUP_PASSPHRASE";

/// `export --with-secrets` needs `--plaintext`: refused before anything
/// is opened.
pub fn check_plaintext(cli: &Cli) -> Result<()> {
    if let Command::Export {
        with_secrets: true,
        plaintext: false,
        ..
    } = cli.command
    {
        return Err(CliError::Usage(
            "--with-secrets writes every secret in plain text: use `switchboard backup FILE` \
             for an encrypted file, or add --plaintext to write plain text anyway"
                .into(),
        ));
    }
    Ok(())
}

/// The backup's passphrase: standard input with --backup-passphrase-stdin,
/// else the environment, else asked on the terminal (twice when `confirm`).
fn backup_passphrase(cli: &Cli, confirm: bool) -> Result<Secret> {
    typed_secret(
        &Typed {
            stdin: cli
                .backup_passphrase_stdin
                .then_some("the backup passphrase"),
            env: PASSPHRASE_ENV,
            prompt: "Backup passphrase: ",
            missing: "a backup needs its own passphrase: set SWITCHBOARD_BACKUP_PASSPHRASE, \
                      use --backup-passphrase-stdin, or run the command in a terminal to be asked",
        },
        confirm,
    )
}

/// Where a passphrase the person types comes from.
pub(crate) struct Typed<'a> {
    /// Read from standard input (this names it), when asked to.
    pub stdin: Option<&'a str>,
    /// Else this environment variable.
    pub env: &'a str,
    /// Else this prompt on the terminal.
    pub prompt: &'a str,
    /// The usage error without any of them.
    pub missing: &'a str,
}

/// A passphrase from standard input, the environment or the terminal (typed
/// twice when `confirm`).
pub(crate) fn typed_secret(from: &Typed<'_>, confirm: bool) -> Result<Secret> {
    if let Some(what) = from.stdin {
        return stdin_line(what);
    }
    if let Ok(p) = std::env::var(from.env) {
        return Ok(Secret::new(p));
    }
    if !std::io::stdin().is_terminal() {
        return Err(CliError::Usage(from.missing.to_owned()));
    }
    let ask = |prompt: &str| {
        rpassword::prompt_password(prompt)
            .map(Secret::new)
            .map_err(|e| CliError::Io(format!("cannot read the passphrase: {e}")))
    };
    let first = ask(from.prompt)?;
    if confirm && ask("Type it again: ")? != first {
        return Err(CliError::Usage(
            "the two passphrases differ; nothing was changed. Run the command again".into(),
        ));
    }
    Ok(first)
}

/// `backup FILE`: everything sealed under the typed passphrase.
pub async fn backup(store: &Store, cli: &Cli, file: &Path, with_secrets: bool) -> Result<()> {
    let passphrase = backup_passphrase(cli, true)?;
    let written = store.write_backup(&passphrase, with_secrets).await?;
    write_private(file, &written.bytes)?;
    for w in &written.warnings {
        eprintln!("warning: {w}");
    }
    let shown = serde_json::json!({ "file": file, "backup": written });
    emit(cli, &shown, |_| {
        println!(
            "Backed up {} integration(s) and {} website(s) to {}, {}. Keep the passphrase: \
             without it the backup cannot be opened.",
            written.info.integrations,
            written.websites,
            file.display(),
            if written.info.includes_secrets {
                "secrets included, encrypted"
            } else {
                "secrets left out"
            }
        );
    });
    Ok(())
}

/// `restore FILE`: the preview, or the restore with the choices given.
pub async fn restore(
    store: &Store,
    cli: &Cli,
    file: &Path,
    preview_only: bool,
    (on_conflict, on_change): (OnConflict, OnChange),
) -> Result<()> {
    let bytes = std::fs::read(file)
        .map_err(|e| CliError::Io(format!("cannot read {}: {e}", file.display())))?;
    // Not a backup, damaged or too new: said before asking for a passphrase.
    Store::backup_info(&bytes)?;
    let passphrase = backup_passphrase(cli, false)?;
    let export = Store::read_backup(&bytes, &passphrase).await?;
    if preview_only {
        let preview = store.restore_preview(&export).await?;
        emit(cli, &preview, print_preview);
        return Ok(());
    }
    let choices = RestoreChoices {
        on_conflict: match on_conflict {
            OnConflict::KeepMine => RestoreChoice::KeepMine,
            OnConflict::TakeFile => RestoreChoice::TakeFile,
            OnConflict::KeepBoth => RestoreChoice::KeepBoth,
        },
        on_change: match on_change {
            OnChange::KeepMine => RestoreChoice::KeepMine,
            OnChange::TakeFile => RestoreChoice::TakeFile,
        },
        ..Default::default()
    };
    let report = store.restore(&export, &choices).await?;
    emit(cli, &report, print_report);
    Ok(())
}

fn print_preview(p: &RestorePreview) {
    let c = &p.counts;
    println!(
        "Backup of {} ({}): {} new, {} unchanged, {} changed, {} name conflict(s).",
        p.exported_at,
        if p.includes_secrets {
            "with secrets"
        } else {
            "without secrets"
        },
        c.new,
        c.unchanged,
        c.changed,
        c.conflict
    );
    for i in &p.integrations {
        let yours = i.store_id.as_deref().unwrap_or("");
        match i.kind {
            RestoreKind::Changed => {
                println!("  changed   {}  {}: {}", yours, i.name, i.fields.join(", "))
            }
            RestoreKind::Conflict => println!(
                "  conflict  {}  named like yours {} ({})",
                i.name,
                yours,
                i.store_name.as_deref().unwrap_or("")
            ),
            RestoreKind::New | RestoreKind::Unchanged => {}
        }
    }
    for w in &p.websites {
        println!("  website   {}  {:?}", w.name, w.kind);
    }
    for w in &p.warnings {
        println!("  warning: {w}");
    }
}

fn print_report(r: &RestoreReport) {
    println!(
        "Restored: {} added, {} unchanged, {} updated from the backup, {} kept as yours; {} website(s) added.",
        r.added,
        r.unchanged,
        r.updated.len(),
        r.kept_mine.len(),
        r.websites_added
    );
    for k in &r.kept_both {
        println!("  added beside yours: {} ({})", k.name, k.id);
    }
    for id in &r.secrets_to_reenter {
        println!("  enter the secrets again: {id} (they were not in the backup)");
    }
}

/// Writes `bytes` readable by this user only (0600), never half-written
/// under `path` (`switchboard_store::files::write_private`).
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    switchboard_store::files::write_private(path, bytes)
        .map_err(|e| CliError::Io(format!("cannot write {}: {e}", path.display())))
}
