//! What each subcommand does: open the store, unlock it, call the library.

use crate::backup::write_private;
use crate::output::{self, CliError};
use crate::{Cli, Command, WebhookCommand, WebsiteCommand, KEYRING_SERVICE};
use serde_json::{Map, Value};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use switchboard_store::{
    ExportFile, InitOptions, IntegrationPatch, ListFilter, NewIntegration, RotateOptions, SortKey,
    Store, StoreError,
};
use switchboard_vault::{OsKeyring, Secret};

type Result<T> = std::result::Result<T, CliError>;

fn default_db() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join(KEYRING_SERVICE)
        .join("switchboard.sqlite")
}

/// The next line of standard input, without its line ending, as a secret.
pub(crate) fn stdin_line(what: &str) -> Result<Secret> {
    let mut line = zeroize::Zeroizing::new(String::new());
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| CliError::Io(format!("cannot read {what} from standard input: {e}")))?;
    Ok(Secret::new(line.trim_end_matches(['\r', '\n'])))
}

fn passphrase(cli: &Cli) -> Result<Option<Secret>> {
    if cli.passphrase_stdin {
        return stdin_line("the passphrase").map(Some);
    }
    Ok(std::env::var("SWITCHBOARD_PASSPHRASE")
        .ok()
        .map(Secret::new))
}

/// Unlocks the vault; answers the passphrase it unlocked with, if any.
async fn unlock(store: &Store, cli: &Cli) -> Result<Option<Secret>> {
    if let Some(p) = passphrase(cli)? {
        store.unlock_with_passphrase(&p).await?;
        return Ok(Some(p));
    }
    if let Ok(rk) = std::env::var("SWITCHBOARD_RECOVERY_KEY") {
        store.unlock_with_recovery_key(&rk).await?;
        return Ok(None);
    }
    store
        .unlock_with_keystore(Arc::new(OsKeyring::new(KEYRING_SERVICE)))
        .await
        .map_err(|e| match e {
            StoreError::Setup(_) => CliError::Usage(
                "this vault unlocks with a passphrase: set SWITCHBOARD_PASSPHRASE or use --passphrase-stdin".into(),
            ),
            other => other.into(),
        })?;
    Ok(None)
}

fn parse_pairs(set: &[String], secret_env: &[String]) -> Result<Map<String, Value>> {
    let mut values = Map::new();
    for pair in set {
        let (k, v) = pair
            .split_once('=')
            .ok_or_else(|| CliError::Usage(format!("'{pair}' is not KEY=VALUE")))?;
        values.insert(k.trim().to_owned(), Value::String(v.to_owned()));
    }
    for pair in secret_env {
        let (k, var) = pair
            .split_once('=')
            .ok_or_else(|| CliError::Usage(format!("'{pair}' is not KEY=ENV_VAR")))?;
        let v = std::env::var(var)
            .map_err(|_| CliError::Usage(format!("the environment variable {var} is not set")))?;
        values.insert(k.trim().to_owned(), Value::String(v));
    }
    Ok(values)
}

fn parse_sort(s: &str) -> Result<SortKey> {
    serde_json::from_value(Value::String(s.to_owned())).map_err(|_| {
        CliError::Usage(format!(
            "'{s}' is not a sort order: use newest, oldest, name, type, status or updated"
        ))
    })
}

fn print_json(value: &impl serde::Serialize) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).expect("serializable")
    );
}

/// Runs one command.
pub async fn run(cli: Cli) -> Result<()> {
    crate::backup::check_plaintext(&cli)?;
    let path = cli.db.clone().unwrap_or_else(default_db);
    let store = Store::open(&path).await?;
    let result = dispatch(&store, &cli).await;
    store.close().await;
    result
}

async fn dispatch(store: &Store, cli: &Cli) -> Result<()> {
    match &cli.command {
        Command::Init { no_keyring } => {
            let options = InitOptions {
                keystore: (!no_keyring).then(|| Arc::new(OsKeyring::new(KEYRING_SERVICE)) as _),
                passphrase: passphrase(cli)?,
            };
            if *no_keyring && options.passphrase.is_none() {
                return Err(CliError::Usage(
                    "without the keyring the vault needs a passphrase: set SWITCHBOARD_PASSPHRASE or use --passphrase-stdin".into(),
                ));
            }
            let recovery = store.init_vault(options).await.map_err(|e| match e {
                StoreError::Vault(switchboard_vault::VaultError::KeyringUnavailable(why)) => CliError::Usage(format!(
                    "the OS keyring is not available ({why}); create the vault with a passphrase instead: \
                     SWITCHBOARD_PASSPHRASE=... switchboard init --no-keyring"
                )),
                other => other.into(),
            })?;
            if cli.json {
                print_json(
                    &serde_json::json!({ "recovery_key": recovery.display_once(), "db": store.path() }),
                );
            } else {
                println!("Vault created in {}.", store.path().display());
                println!();
                println!("Recovery key (shown only now; keep it somewhere safe, offline):");
                println!();
                println!("    {}", recovery.display_once());
                println!();
                println!("It unlocks the vault if the keyring entry or the passphrase is lost.");
            }
        }
        Command::Status => {
            let status = store.vault_status().await?;
            if cli.json {
                print_json(&status);
            } else {
                println!("store:      {}", store.path().display());
                println!(
                    "vault:      {}",
                    if status.initialized {
                        "created"
                    } else {
                        "not created (run `switchboard init`)"
                    }
                );
                println!(
                    "keyring:    {}",
                    if status.uses_keyring { "yes" } else { "no" }
                );
                println!(
                    "passphrase: {}",
                    if status.has_passphrase { "yes" } else { "no" }
                );
            }
        }
        Command::Types => {
            if cli.json {
                print_json(&switchboard_catalog::types());
            } else {
                for ty in switchboard_catalog::types() {
                    let providers: Vec<&str> = ty.providers.iter().map(|p| p.id).collect();
                    println!("{:<14} {}", ty.id, providers.join(", "));
                }
            }
        }
        Command::Webhook(WebhookCommand::Verify(args)) if args.integration.is_none() => {
            crate::checks::verify_webhook(store, cli, args).await?
        }
        other => {
            let used = unlock(store, cli).await?;
            match other {
                Command::Test { .. }
                | Command::Troubleshoot { .. }
                | Command::TestAll { .. }
                | Command::Send { .. }
                | Command::Webhook(_) => crate::checks::run(store, cli, other).await?,
                Command::Sync(command) => crate::sync::run(store, cli, command).await?,
                Command::Trash(command) => crate::trash::run(store, cli, command).await?,
                Command::Passphrase(command) => {
                    crate::vault::passphrase(store, cli, command, used.as_ref()).await?
                }
                Command::RecoveryKey(_) => crate::vault::reissue(store, cli, used.as_ref()).await?,
                _ => dispatch_unlocked(store, cli, other).await?,
            }
        }
    }
    Ok(())
}

/// A token cancelled when Ctrl-C is pressed (long runs stop cleanly).
pub(crate) fn cancel_on_ctrl_c() -> tokio_util::sync::CancellationToken {
    let cancel = tokio_util::sync::CancellationToken::new();
    let on_interrupt = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_interrupt.cancel();
        }
    });
    cancel
}

/// Prints `value` as JSON with `--json`, else the human form.
pub(crate) fn emit<T: serde::Serialize>(cli: &Cli, value: &T, human: impl FnOnce(&T)) {
    if cli.json {
        print_json(value);
    } else {
        human(value);
    }
}

async fn dispatch_unlocked(store: &Store, cli: &Cli, command: &Command) -> Result<()> {
    match command {
        Command::List {
            filters,
            sort,
            attention,
            rotation,
        } => {
            let rotation = rotation.rotation();
            let filter = ListFilter {
                sort: parse_sort(sort)?,
                needs_attention: attention.then(|| rotation.clone()),
                ..filters.to_filter()?
            };
            let rows = store.list(&filter).await?;
            let shown: Vec<_> = rows
                .iter()
                .map(|r| crate::args::WithAttention {
                    item: r,
                    attention: r.attention(&rotation),
                })
                .collect();
            emit(cli, &shown, |rows| output::print_summaries(rows));
        }
        Command::Add {
            integration_type,
            provider,
            name,
            description,
            website,
            set,
            secret_env,
        } => {
            let values = parse_pairs(set, secret_env)?;
            let created = store
                .create(NewIntegration {
                    integration_type: integration_type.clone(),
                    provider: provider.clone(),
                    name: name.clone(),
                    description: description.clone(),
                    website_id: website.clone(),
                    values: (!values.is_empty()).then_some(values),
                    ..Default::default()
                })
                .await?;
            emit(cli, &created, |c| println!("{}", c.id));
        }
        Command::Show { id, rotation } => {
            let i = store.get(id).await?;
            let shown = crate::args::WithAttention {
                attention: i.attention(&rotation.rotation()),
                item: &i,
            };
            emit(cli, &shown, output::print_integration);
        }
        Command::Update {
            id,
            name,
            status,
            active,
            set,
            secret_env,
        } => {
            let values = parse_pairs(set, secret_env)?;
            let patch = IntegrationPatch {
                name: name.clone(),
                status: status
                    .as_deref()
                    .map(crate::args::parse_status)
                    .transpose()?,
                is_active: *active,
                values: (!values.is_empty()).then_some(values),
                ..Default::default()
            };
            let updated = store.update(id, patch).await?;
            let shown = crate::args::WithAttention {
                attention: updated.attention(&switchboard_store::Rotation::default()),
                item: &updated,
            };
            emit(cli, &shown, output::print_integration);
        }
        Command::Reveal { id, field } => {
            let secret = store.reveal(id, field).await?;
            println!("{}", secret.expose());
        }
        Command::Delete { id } => crate::trash::delete(store, cli, id).await?,
        Command::Import {
            file,
            batch,
            progress,
        } => import(store, cli, file, *batch, *progress).await?,
        Command::Export {
            file, with_secrets, ..
        } => export(store, cli, file, *with_secrets).await?,
        Command::Backup { file, no_secrets } => {
            crate::backup::backup(store, cli, file, !no_secrets).await?
        }
        Command::Restore {
            file,
            preview,
            on_conflict,
            on_change,
        } => crate::backup::restore(store, cli, file, *preview, (*on_conflict, *on_change)).await?,
        Command::Stats => {
            let stats = store.stats().await?;
            emit(cli, &stats, |stats| {
                println!(
                    "total {}  active {}  inactive {}  error {}",
                    stats.total, stats.active, stats.inactive, stats.error
                );
                for (ty, n) in stats.by_type.iter().filter(|(_, n)| **n > 0) {
                    println!("  {ty:<14} {n}");
                }
            });
        }
        Command::Logs { id, limit } => {
            let logs = store.logs(id, *limit).await?;
            emit(cli, &logs, |logs| {
                for l in logs {
                    let level = l.level.as_str();
                    println!("{}  {level:<7}  {}  {}", l.created_at, l.message, l.details);
                }
            });
        }
        Command::Website(cmd) => match cmd {
            WebsiteCommand::Add { name, domain } => {
                let w = store.create_website(name, domain).await?;
                emit(cli, &w, |w| println!("{}", w.id));
            }
            WebsiteCommand::List => {
                let ws = store.websites().await?;
                emit(cli, &ws, |ws| {
                    for w in ws {
                        println!("{}  {}  {}", w.id, w.name, w.domain);
                    }
                });
            }
            WebsiteCommand::Delete { id } => store.delete_website(id).await?,
        },
        Command::RotateKey => rotate_key(store, cli).await?,
        _ => unreachable!("handled in dispatch"),
    }
    Ok(())
}

/// `import FILE`: all or nothing per batch, each committed batch's ids
/// printed with `--progress`.
async fn import(
    store: &Store,
    cli: &Cli,
    file: &PathBuf,
    batch: usize,
    progress: bool,
) -> Result<()> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| CliError::Io(format!("cannot read {}: {e}", file.display())))?;
    let parsed = ExportFile::from_json(&text)?;
    let mut on_commit = move |ids: &[String]| {
        if progress {
            let mut out = std::io::stdout().lock();
            for id in ids {
                let _ = writeln!(out, "committed {id}");
            }
            let _ = out.flush();
        }
    };
    let report = store.import(parsed, batch, &mut on_commit).await?;
    emit(cli, &report, |report| {
        println!(
            "Imported {} integration(s) and {} website(s); {} already present, {} refused.",
            report.imported,
            report.websites,
            report.skipped_existing.len(),
            report.failed.len()
        );
        for f in &report.failed {
            println!("  #{} {}: {}", f.index, f.name, f.message);
        }
    });
    Ok(())
}

/// `export FILE`: written private (0600), secrets only when asked (and
/// confirmed with --plaintext, with a warning).
async fn export(store: &Store, cli: &Cli, file: &Path, with_secrets: bool) -> Result<()> {
    let export = store.export(with_secrets).await?;
    let text = serde_json::to_string_pretty(&export).expect("serializable");
    write_private(file, text.as_bytes())?;
    if with_secrets {
        eprintln!(
            "warning: {} holds every secret in plain text: anyone who can read it can use them. \
             Delete it when done; `switchboard backup` writes an encrypted file instead",
            file.display()
        );
    }
    if !cli.json {
        println!(
            "Exported {} integration(s) to {}{}.",
            export.integrations.len(),
            file.display(),
            if with_secrets {
                " WITH secrets in plain text: keep that file safe"
            } else {
                " (secrets left out)"
            }
        );
        for w in &export.warnings {
            println!("  warning: {w}");
        }
    }
    Ok(())
}

/// `rotate-key`: a new master key, every secret re-sealed, a new recovery key.
async fn rotate_key(store: &Store, cli: &Cli) -> Result<()> {
    let status = store.vault_status().await?;
    let recovery = store
        .rotate_master_key(RotateOptions {
            keystore: status
                .uses_keyring
                .then(|| Arc::new(OsKeyring::new(KEYRING_SERVICE)) as _),
            passphrase: passphrase(cli)?,
            fail_after: None,
        })
        .await?;
    print_recovery_key(
        cli,
        &recovery,
        "Master key replaced; every secret was re-sealed.",
    );
    Ok(())
}

/// Prints a new recovery key once, after `done`.
pub(crate) fn print_recovery_key(cli: &Cli, recovery: &switchboard_vault::RecoveryKey, done: &str) {
    if cli.json {
        print_json(&serde_json::json!({ "recovery_key": recovery.display_once() }));
    } else {
        println!("{done}");
        println!("New recovery key (the old one no longer works):");
        println!();
        println!("    {}", recovery.display_once());
    }
}
