//! The arguments of the commands over checks, provider tools, sync and the
//! vault's keys, and the list filters `list` and `test-all` share.

use crate::output::CliError;
use clap::{Args, Subcommand};
use std::path::PathBuf;
use switchboard_store::{ListFilter, Status, WebsiteFilter};

/// Which integrations: the list's filters.
#[derive(Args, Debug, Clone, Default)]
pub struct Filters {
    /// Only this type (email, sms, payments, ...).
    #[arg(long = "type")]
    pub integration_type: Option<String>,
    /// Only this provider.
    #[arg(long)]
    pub provider: Option<String>,
    /// Only this status (active, inactive, error, pending).
    #[arg(long)]
    pub status: Option<String>,
    /// Only this website (id), or "global".
    #[arg(long)]
    pub website: Option<String>,
    /// Text search over names and public settings.
    #[arg(long)]
    pub search: Option<String>,
}

impl Filters {
    /// The store's filter (newest first).
    pub fn to_filter(&self) -> Result<ListFilter, CliError> {
        Ok(ListFilter {
            integration_type: self.integration_type.clone(),
            provider: self.provider.clone(),
            status: self.status.as_deref().map(parse_status).transpose()?,
            website: match self.website.as_deref() {
                None => WebsiteFilter::Any,
                Some("global") => WebsiteFilter::Global,
                Some(id) => WebsiteFilter::Website(id.to_owned()),
            },
            search: self.search.clone().filter(|s| !s.trim().is_empty()),
            ..Default::default()
        })
    }
}

/// The rotation period the attention shown by `list` and `show` uses.
#[derive(Args, Debug, Clone)]
pub struct RotationArgs {
    /// Secrets older than this many days need attention (the app's
    /// settings keep their own; this is the CLI's).
    #[arg(long, value_name = "DAYS", default_value_t = switchboard_store::DEFAULT_ROTATION_DAYS,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(switchboard_store::MAX_ROTATION_DAYS)))]
    pub rotation_days: u32,
}

impl RotationArgs {
    /// The periods: these days for every type.
    pub fn rotation(&self) -> switchboard_store::Rotation {
        switchboard_store::Rotation {
            default_days: self.rotation_days,
            ..Default::default()
        }
    }
}

/// A record as `--json` prints it, with why it needs attention now.
#[derive(serde::Serialize)]
pub struct WithAttention<'a, T> {
    #[serde(flatten)]
    pub item: &'a T,
    pub attention: Option<switchboard_store::Attention>,
}

/// A status name.
pub fn parse_status(s: &str) -> Result<Status, CliError> {
    s.parse().map_err(CliError::Usage)
}

/// `switchboard webhook ...`.
#[derive(Subcommand, Debug)]
pub enum WebhookCommand {
    /// Check a webhook request's signature like the app's Webhooks tool
    /// (exit 6 when it does not match).
    Verify(VerifyArgs),
}

/// `webhook verify`.
#[derive(Args, Debug)]
#[command(group(clap::ArgGroup::new("key").required(true).args(["secret_env", "integration"])))]
pub struct VerifyArgs {
    /// meta, meta_challenge, twilio, stripe, sendgrid or mailgun.
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(switchboard_providers::webhooks::SCHEMES))]
    pub scheme: String,
    /// The signing secret (or SendGrid's public key) from this environment variable.
    #[arg(long, value_name = "VAR")]
    pub secret_env: Option<String>,
    /// The integration whose stored field signs the webhooks.
    #[arg(long, value_name = "ID", requires = "field")]
    pub integration: Option<String>,
    /// That integration's field, e.g. webhook_secret.
    #[arg(long, value_name = "FIELD", requires = "integration")]
    pub field: Option<String>,
    /// The raw request body (a form body for Twilio).
    #[arg(long, value_name = "FILE")]
    pub payload_file: Option<PathBuf>,
    /// The signature header's value.
    #[arg(long, default_value = "")]
    pub signature: String,
    /// The signed timestamp (SendGrid, Mailgun), or hub.mode (meta_challenge).
    #[arg(long, default_value = "")]
    pub timestamp: String,
    /// The URL Twilio called, or hub.challenge (meta_challenge).
    #[arg(long, default_value = "")]
    pub url: String,
    /// Mailgun's token, or hub.verify_token (meta_challenge), from this environment variable.
    #[arg(long, value_name = "VAR")]
    pub token_env: Option<String>,
}

/// `switchboard sync ...`: the same connection as the app's Sync page.
#[derive(Subcommand, Debug)]
pub enum SyncCommand {
    /// Sign in to a team server and remember it for this store (password
    /// from SWITCHBOARD_SYNC_PASSWORD or asked on the terminal).
    Connect {
        /// The server's address: https://..., or http:// to this machine only.
        #[arg(long)]
        url: String,
        /// Your email on the server.
        #[arg(long)]
        email: String,
    },
    /// Send local changes and fetch the server's, now.
    Now,
    /// The connection, pending changes and conflicts.
    Status,
    /// Fields changed both here and on the server (secrets masked).
    Conflicts,
    /// Settle one conflict; the next sync sends the outcome.
    #[command(group(clap::ArgGroup::new("how").required(true).args(["keep_mine", "take_theirs", "edit"])))]
    Resolve {
        /// The integration's id (uid).
        uid: String,
        /// The field, as `sync conflicts` lists it.
        field: String,
        /// Keep this laptop's value.
        #[arg(long)]
        keep_mine: bool,
        /// Take the server's value.
        #[arg(long)]
        take_theirs: bool,
        /// Save this value instead (JSON, or plain text).
        #[arg(long, value_name = "VALUE")]
        edit: Option<String>,
    },
    /// End the sign-in on the server and forget it here (local data stays).
    Disconnect,
}

/// `switchboard trash ...`: the app's Trash page.
#[derive(Subcommand, Debug)]
pub enum TrashCommand {
    /// What is in the Trash, most recently deleted first, with the days
    /// left before each is deleted for good.
    List,
    /// Take an integration out of the Trash.
    Restore {
        /// Integration id.
        id: String,
    },
    /// Delete an integration for good (asks first unless --yes).
    Delete {
        /// Integration id.
        id: String,
        /// Delete without asking (needed without a terminal).
        #[arg(long)]
        yes: bool,
    },
    /// Delete everything in the Trash for good (asks first unless --yes).
    Empty {
        /// Empty it without asking (needed without a terminal).
        #[arg(long)]
        yes: bool,
    },
}

/// `switchboard passphrase ...`.
#[derive(Subcommand, Debug)]
pub enum PassphraseCommand {
    /// Change the vault's passphrase: the current one unlocks (as for every
    /// command), the new one comes from SWITCHBOARD_NEW_PASSPHRASE,
    /// --new-passphrase-stdin or the terminal.
    Change {
        /// Read the new passphrase from standard input (after the current one's line).
        #[arg(long)]
        new_passphrase_stdin: bool,
        /// Remove the passphrase instead (the vault then unlocks with the keyring).
        #[arg(long, conflicts_with = "new_passphrase_stdin")]
        remove: bool,
    },
}

/// `switchboard recovery-key ...`.
#[derive(Subcommand, Debug)]
pub enum RecoveryKeyCommand {
    /// Issue a new recovery key (printed once); the old one stops working.
    Reissue,
}
