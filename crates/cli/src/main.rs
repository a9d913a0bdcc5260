//! `switchboard`: the command-line front end over the same store the
//! desktop app uses. Scripts and tests drive it; it also proves that all the
//! logic lives outside Tauri.
//!
//! Unlocking: `SWITCHBOARD_PASSPHRASE` (or `--passphrase-stdin`) unlocks with
//! the passphrase, `SWITCHBOARD_RECOVERY_KEY` with the recovery key, and
//! otherwise the OS keyring is used.
//!
//! A backup's own passphrase (`backup`, `restore`): `--backup-passphrase-stdin`
//! reads it from standard input (the second line when `--passphrase-stdin`
//! reads the vault's first), else `SWITCHBOARD_BACKUP_PASSPHRASE`, else it is
//! asked on the terminal (twice for a backup).
#![forbid(unsafe_code)]

mod args;
mod backup;
mod checks;
mod commands;
mod output;
mod sync;
mod trash;
mod vault;

pub use args::{
    Filters, PassphraseCommand, RecoveryKeyCommand, SyncCommand, TrashCommand, VerifyArgs,
    WebhookCommand,
};

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// The keyring service name shared with the desktop app.
pub const KEYRING_SERVICE: &str = "com.switchboard.desktop";

/// The exit codes, as `--help` shows them.
const EXIT_CODES: &str = "Exit codes: 0 done; 1 any other failure (network, files, server); \
2 usage (bad arguments, a confirmation or passphrase needed without a terminal); \
3 invalid input; 4 vault locked or wrong passphrase, key or sign-in; 5 not found; \
6 a check ran and failed (a connection test, a test message, a webhook signature).";

#[derive(Parser, Debug)]
#[command(
    name = "switchboard",
    version,
    about = "Manage integration credentials in the local encrypted store",
    after_help = EXIT_CODES
)]
pub struct Cli {
    /// The store file (default: the desktop app's store in your data folder).
    #[arg(long, global = true, env = "SWITCHBOARD_DB")]
    pub db: Option<PathBuf>,
    /// Read the passphrase from the first line of standard input.
    #[arg(long, global = true)]
    pub passphrase_stdin: bool,
    /// Read a backup's passphrase from standard input (after the vault's
    /// passphrase line when --passphrase-stdin is given too).
    #[arg(long, global = true)]
    pub backup_passphrase_stdin: bool,
    /// Write logs to this file instead of standard error (level from RUST_LOG).
    #[arg(long, global = true)]
    pub log_file: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create the vault (prints the recovery key once).
    Init {
        /// Do not keep the key in the OS keyring (a passphrase is then required).
        #[arg(long)]
        no_keyring: bool,
    },
    /// Show whether the vault exists and how it unlocks.
    Status,
    /// List the integration types and providers of the catalog.
    Types,
    /// List integrations.
    List {
        #[command(flatten)]
        filters: Filters,
        /// Order: newest, oldest, name, type, status, updated.
        #[arg(long, default_value = "newest")]
        sort: String,
        /// Only those that need attention: an expiry a check recorded that
        /// is within 30 days or past, or a secret older than the rotation period.
        #[arg(long)]
        attention: bool,
        #[command(flatten)]
        rotation: crate::args::RotationArgs,
    },
    /// Add an integration.
    Add {
        /// Type (email, whatsapp, sms, signup_page, facebook, payments, ...).
        #[arg(long = "type")]
        integration_type: String,
        /// Provider (default: the type's first).
        #[arg(long)]
        provider: Option<String>,
        /// Display name.
        #[arg(long)]
        name: String,
        /// Description.
        #[arg(long, default_value = "")]
        description: String,
        /// Website id (default: global).
        #[arg(long)]
        website: Option<String>,
        /// A setting, key=value (repeatable). Secrets are better passed with --secret-env.
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
        /// A secret read from an environment variable, key=VAR (repeatable).
        #[arg(long = "secret-env", value_name = "KEY=VAR")]
        secret_env: Vec<String>,
    },
    /// Show one integration, secrets masked.
    Show {
        /// Integration id.
        id: String,
        #[command(flatten)]
        rotation: crate::args::RotationArgs,
    },
    /// Change an integration.
    Update {
        /// Integration id.
        id: String,
        /// New name.
        #[arg(long)]
        name: Option<String>,
        /// New status.
        #[arg(long)]
        status: Option<String>,
        /// Active toggle (true or false).
        #[arg(long)]
        active: Option<bool>,
        /// A setting, key=value; an empty value removes it (repeatable).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
        /// A secret from an environment variable, key=VAR (repeatable).
        #[arg(long = "secret-env", value_name = "KEY=VAR")]
        secret_env: Vec<String>,
    },
    /// Print the plaintext of one secret field (recorded in the log).
    Reveal {
        /// Integration id.
        id: String,
        /// Field key, e.g. api_key.
        field: String,
    },
    /// Move an integration to the Trash (restorable for 30 days: see `trash`).
    Delete {
        /// Integration id.
        id: String,
    },
    /// Import a JSON export file.
    Import {
        /// The file.
        file: PathBuf,
        /// Integrations per transaction.
        #[arg(long, default_value_t = 200)]
        batch: usize,
        /// Print `committed <id>` for each integration once it is durable.
        #[arg(long)]
        progress: bool,
    },
    /// Export everything to a JSON file (secrets left out unless asked).
    Export {
        /// The file to write.
        file: PathBuf,
        /// Include secret values in plain text; needs --plaintext too
        /// (`switchboard backup` writes an encrypted file instead).
        #[arg(long)]
        with_secrets: bool,
        /// Confirms that the secrets may be written in plain text.
        #[arg(long)]
        plaintext: bool,
    },
    /// Write an encrypted backup of everything, sealed under a passphrase
    /// you choose (Argon2id + AES-256-GCM; secrets included unless --no-secrets).
    Backup {
        /// The file to write (readable by you only).
        file: PathBuf,
        /// Leave secret values out of the backup.
        #[arg(long)]
        no_secrets: bool,
    },
    /// Restore an encrypted backup: new integrations are added, unchanged
    /// ones left alone, changed and conflicting ones as chosen.
    Restore {
        /// The backup file.
        file: PathBuf,
        /// Only show what would be restored (new, unchanged, changed, conflicts).
        #[arg(long)]
        preview: bool,
        /// For an integration named like one of yours under another id.
        #[arg(long, value_enum, default_value_t = OnConflict::KeepMine)]
        on_conflict: OnConflict,
        /// For an integration of yours that differs from the backup's.
        #[arg(long, value_enum, default_value_t = OnChange::KeepMine)]
        on_change: OnChange,
    },
    /// Totals by type and status.
    Stats,
    /// An integration's activity log, newest first.
    Logs {
        /// Integration id.
        id: String,
        /// How many entries.
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Manage websites.
    #[command(subcommand)]
    Website(WebsiteCommand),
    /// Replace the master key and re-seal every secret (prints a new recovery key).
    RotateKey,
    /// Change (or remove) the vault's passphrase.
    #[command(subcommand)]
    Passphrase(PassphraseCommand),
    /// Replace the recovery key.
    #[command(subcommand)]
    RecoveryKey(RecoveryKeyCommand),
    /// Test one integration against its provider and record the outcome
    /// (exit 6 when the test fails).
    Test {
        /// Integration id.
        id: String,
    },
    /// Run the troubleshooting checks that apply to one integration (SPF,
    /// DKIM, DMARC, sender identity, WhatsApp templates, the Page's lead
    /// subscription, the webhook handshake, the SMS sender) and log the run
    /// (exit 6 when any finds a problem).
    Troubleshoot {
        /// Integration id.
        id: String,
    },
    /// Test every integration matching the filters, a few at a time: a
    /// progress bar on a terminal, a line per integration otherwise, then a
    /// summary (exit 6 when any failed; Ctrl-C stops, finished ones stay recorded).
    TestAll {
        #[command(flatten)]
        filters: Filters,
    },
    /// Send one real test message through an integration (an email, an SMS,
    /// a WhatsApp template or a webhook event), logged like the app's
    /// "Send test"; asks first unless --yes (exit 6 when it was not sent).
    Send {
        /// Integration id.
        id: String,
        /// The recipient: an email address, or a phone number like +14155550123.
        #[arg(long, default_value = "")]
        to: String,
        /// WhatsApp: the approved template (default hello_world).
        #[arg(long, default_value = "")]
        template: String,
        /// WhatsApp: the template's language (default en_US).
        #[arg(long, default_value = "")]
        language: String,
        /// Send without asking (needed without a terminal).
        #[arg(long)]
        yes: bool,
    },
    /// Webhook tools.
    #[command(subcommand)]
    Webhook(WebhookCommand),
    /// Sync with the team server.
    #[command(subcommand)]
    Sync(SyncCommand),
    /// The Trash: list, restore, delete for good, empty.
    #[command(subcommand)]
    Trash(TrashCommand),
}

/// `restore --on-conflict`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnConflict {
    /// Leave yours; the backup's is not restored.
    KeepMine,
    /// The backup's replaces the contents of yours (your id is kept).
    TakeFile,
    /// Add the backup's beside yours, named "<name> (restored)".
    KeepBoth,
}

/// `restore --on-change`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnChange {
    /// Leave yours as it is.
    KeepMine,
    /// Take the backup's version.
    TakeFile,
}

#[derive(Subcommand, Debug)]
pub enum WebsiteCommand {
    /// Add a website.
    Add {
        /// Name.
        name: String,
        /// Domain, e.g. shop.example.com.
        #[arg(long, default_value = "")]
        domain: String,
    },
    /// List websites.
    List,
    /// Delete a website with no integrations.
    Delete {
        /// Website id.
        id: String,
    },
}

fn init_logging(cli: &Cli) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false);
    match &cli.log_file {
        Some(path) => match std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            Ok(file) => builder.with_writer(std::sync::Mutex::new(file)).init(),
            Err(e) => {
                eprintln!(
                    "warning: cannot open log file {}: {e}; logging to stderr",
                    path.display()
                );
                builder.with_writer(std::io::stderr).init();
            }
        },
        None => builder.with_writer(std::io::stderr).init(),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(&cli);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            output::print_error(&e);
            ExitCode::from(e.exit_code())
        }
    }
}
