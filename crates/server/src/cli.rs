//! The `switchboard-server` command line: serve (the default), users,
//! API tokens, key generation and key rotation. Each command prints what it
//! did and what to do next; secrets are printed only when they are the
//! point (a new token, a new key), once.

use clap::{Args, Parser, Subcommand};
use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use std::time::Duration;

use crate::auth::{hash_password, new_token, MIN_PASSWORD_LEN};
use crate::model::{AuditEntry, Role, TokenKind};
use crate::secrets::Vault;
use crate::startup::{self, DatabaseChoice, KeySource, StartError};
use crate::state::Settings;

#[derive(Debug, Parser)]
#[command(
    name = "switchboard-server",
    version,
    about = "The Switchboard team server: both integration APIs, secrets encrypted at rest.",
    after_help = "With no command it serves on 127.0.0.1:8787 with a SQLite file in the user's data folder.\nDATABASE_URL=postgres://... switches to PostgreSQL; TOKEN_ENCRYPTION_KEY holds the encryption key."
)]
pub struct Cli {
    /// Database: a postgres:// URL, or a SQLite file path.
    #[arg(long, global = true, env = "DATABASE_URL")]
    pub database: Option<String>,
    /// Folder for the default SQLite file (and its generated key file).
    #[arg(long, global = true, env = "SWITCHBOARD_DATA_DIR")]
    pub data_dir: Option<std::path::PathBuf>,
    /// Log format on stderr: text or json.
    #[arg(
        long,
        global = true,
        env = "SWITCHBOARD_LOG_FORMAT",
        default_value = "text"
    )]
    pub log_format: String,
    #[command(flatten)]
    pub serve: ServeArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "SWITCHBOARD_BIND", default_value = "127.0.0.1:8787")]
    pub bind: SocketAddr,
    /// Largest request body accepted, in bytes.
    #[arg(long, env = "SWITCHBOARD_MAX_BODY_BYTES", default_value_t = 1024 * 1024)]
    pub max_body_bytes: usize,
    /// `/test/` calls allowed per user and integration, as COUNT/SECONDS.
    #[arg(long, env = "SWITCHBOARD_TEST_RATE", default_value = "5/60")]
    pub test_rate: String,
    /// Credential fetches allowed per service token, as COUNT/SECONDS
    /// (counted in the database: the budget is shared by every replica).
    #[arg(long, env = "SWITCHBOARD_CREDENTIAL_RATE", default_value = "600/60")]
    pub credential_rate: String,
    /// Sign-ups one client address may post to one sign-up page, as
    /// COUNT/SECONDS (counted in the database, shared by every replica).
    #[arg(long, env = "SWITCHBOARD_LEAD_RATE", default_value = "10/600")]
    pub lead_rate: String,
    /// Seconds an authenticated sign-in is trusted without a database lookup.
    /// 0 (the default) looks every request's token up, so a revocation holds
    /// at once on every server sharing the database; more is only for a
    /// single server, or where a revoked sign-in may work that long on others.
    #[arg(long, env = "SWITCHBOARD_AUTH_CACHE_SECS", default_value_t = 0)]
    pub auth_cache_secs: u64,
    /// Password checks (Argon2id, 19 MiB each) run at once at most; logins
    /// beyond them get 503 with Retry-After.
    #[arg(long, env = "SWITCHBOARD_LOGIN_SLOTS", default_value_t = 4)]
    pub login_slots: usize,
    /// Reverse proxies (IP addresses, comma-separated) trusted to name the
    /// client in `X-Forwarded-For`, for the per-address login throttle.
    #[arg(
        long = "trusted-proxy",
        env = "SWITCHBOARD_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Provider checks (`/test/`) run at once at most, across all users;
    /// beyond them 503 with Retry-After.
    #[arg(long, env = "SWITCHBOARD_CHECK_SLOTS", default_value_t = 16)]
    pub check_slots: usize,
    /// Seconds one request may take, reading its body included (then 408).
    #[arg(long, env = "SWITCHBOARD_REQUEST_TIMEOUT_SECS", default_value_t = 60)]
    pub request_timeout_secs: u64,
    /// Requests worked on at once, across all routes; more wait for a slot.
    #[arg(
        long,
        env = "SWITCHBOARD_MAX_CONCURRENT_REQUESTS",
        default_value_t = 512
    )]
    pub max_concurrent_requests: usize,
    /// Internal addresses (CIDR, or single addresses; repeatable or
    /// comma-separated) that connection checks may reach. Without it the
    /// server's checks refuse loopback, private, link-local and other
    /// internal addresses, after DNS and on every redirect; the hosts of
    /// the provider endpoint overrides are always allowed.
    #[arg(
        long = "allow-check-network",
        env = "SWITCHBOARD_ALLOW_CHECK_NETWORKS",
        value_delimiter = ','
    )]
    pub allow_check_networks: Vec<String>,
    /// Access token lifetime in seconds.
    #[arg(long, env = "SWITCHBOARD_ACCESS_TTL_SECS", default_value_t = 900)]
    pub access_ttl_secs: i64,
    /// Largest desktop release an admin may upload, in bytes.
    #[arg(long, env = "SWITCHBOARD_MAX_RELEASE_BYTES", default_value_t = 512 * 1024 * 1024)]
    pub max_release_bytes: usize,
    /// The server's address as clients reach it (e.g. https://switchboard.example.com),
    /// for update manifests' download links and webhook receiver URLs (Twilio
    /// signs the full public URL); without it, the request's Host.
    #[arg(long, env = "SWITCHBOARD_PUBLIC_URL")]
    pub public_url: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the APIs (the default).
    Serve,
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Manage service tokens: what the marketing platform reads credentials with.
    #[command(subcommand)]
    ServiceToken(ServiceTokenCommand),
    /// Print a fresh random encryption key for TOKEN_ENCRYPTION_KEY.
    GenKey,
    /// Re-encrypt every secret under a new key, in one transaction. Stop the server first.
    RotateKey {
        /// Name of the environment variable holding the new key.
        #[arg(long)]
        new_key_env: String,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum UserCommand {
    /// Add a user. The password is read from SWITCHBOARD_PASSWORD, or stdin.
    Add {
        #[arg(long)]
        email: String,
        /// admin, member or viewer.
        #[arg(long, default_value = "member")]
        role: String,
        /// Website ids the user belongs to (repeatable).
        #[arg(long = "website")]
        websites: Vec<i64>,
    },
    /// List users.
    List,
    /// Change a user's role, websites or disabled state (disabling ends
    /// every sign-in and token of theirs).
    Set {
        #[arg(long)]
        email: String,
        /// admin, member or viewer.
        #[arg(long)]
        role: Option<String>,
        /// The websites they belong to, replacing the current list (repeatable).
        #[arg(long = "website")]
        websites: Option<Vec<i64>>,
        /// true disables the account, false enables it again.
        #[arg(long)]
        disabled: Option<bool>,
    },
    /// Set a new password (from SWITCHBOARD_PASSWORD or stdin); ends every sign-in.
    Password {
        #[arg(long)]
        email: String,
    },
    /// Delete a user who owns no integrations (disable one who does).
    Delete {
        #[arg(long)]
        email: String,
    },
    /// A user's sign-ins (by device) and API tokens.
    Sessions {
        #[arg(long)]
        email: String,
    },
    /// End one session of a user (its id from `user sessions`), or all of them.
    Revoke {
        #[arg(long)]
        email: String,
        #[arg(long, required_unless_present = "all")]
        session: Option<String>,
        #[arg(long, conflicts_with = "session")]
        all: bool,
    },
}

/// How long an API token lives unless `--expires-days` or `--no-expiry` says.
pub const DEFAULT_TOKEN_DAYS: i64 = 90;

#[derive(Debug, Clone, Subcommand)]
pub enum TokenCommand {
    /// Create a long-lived API token; it is printed once.
    Create {
        #[arg(long)]
        email: String,
        /// What the token is for, e.g. "desktop" or "ci".
        #[arg(long)]
        name: String,
        /// Days until it expires (default: 90).
        #[arg(long, conflicts_with = "no_expiry")]
        expires_days: Option<i64>,
        /// A token that never expires (say so explicitly: a lost one works
        /// until it is revoked).
        #[arg(long)]
        no_expiry: bool,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum ServiceTokenCommand {
    /// Create a service token for GET /api/v1/credentials/; it is printed once.
    Create {
        /// What reads with it, e.g. "platform-prod".
        #[arg(long)]
        name: String,
        /// The one website it may read (default: every website).
        #[arg(long)]
        website: Option<i64>,
        /// Integration types or providers it may read (repeatable or
        /// comma-separated; `*` for every type).
        #[arg(long = "type", value_delimiter = ',', required = true)]
        types: Vec<String>,
        /// Days until it expires (default: never).
        #[arg(long)]
        expires_days: Option<i64>,
    },
    /// List service tokens (never the tokens themselves).
    List,
    /// Revoke a service token by id; every server refuses it from its next request.
    Revoke {
        #[arg(long)]
        id: i64,
    },
}

impl ServeArgs {
    /// The settings these flags ask for.
    pub fn settings(&self) -> Result<Settings, StartError> {
        let (count, secs) = rate("--test-rate", &self.test_rate)?;
        let (credential_count, credential_secs) = rate("--credential-rate", &self.credential_rate)?;
        let (lead_count, lead_secs) = rate("--lead-rate", &self.lead_rate)?;
        let public_url = self.public_url.as_deref().map(str::trim);
        if public_url.is_some_and(|u| !u.starts_with("http://") && !u.starts_with("https://")) {
            return Err(StartError::Usage(
                "--public-url must start with https:// (or http://), e.g. https://switchboard.example.com".into(),
            ));
        }
        let provider_endpoints = switchboard_providers::Endpoints::from_env().map_err(|e| {
            StartError::Usage(format!(
                "the provider endpoint overrides are not usable: {e}"
            ))
        })?;
        let ranges =
            switchboard_providers::Egress::parse_ranges(&self.allow_check_networks.join(","))
                .map_err(|e| StartError::Usage(format!("--allow-check-network: {e}")))?;
        Ok(Settings {
            egress: switchboard_providers::Egress::public_only(ranges),
            lead_limit: lead_count,
            lead_window: Duration::from_secs(lead_secs),
            max_body_bytes: self.max_body_bytes,
            provider_endpoints,
            access_ttl_secs: self.access_ttl_secs,
            test_limit: count,
            test_window: Duration::from_secs(secs),
            credential_limit: credential_count,
            credential_window: Duration::from_secs(credential_secs),
            auth_cache_ttl: Duration::from_secs(self.auth_cache_secs),
            login_slots: self.login_slots.max(1),
            check_slots: self.check_slots.max(1),
            request_timeout: Duration::from_secs(self.request_timeout_secs.max(1)),
            max_concurrent_requests: self.max_concurrent_requests.max(1),
            trusted_proxies: self
                .trusted_proxies
                .iter()
                .map(|ip| ip.to_canonical())
                .collect(),
            max_release_bytes: self.max_release_bytes,
            public_url: public_url.map(|u| u.trim_end_matches('/').to_owned()),
            ..Settings::default()
        })
    }
}

/// A COUNT/SECONDS rate flag.
fn rate(flag: &str, text: &str) -> Result<(u32, u64), StartError> {
    text.split_once('/')
        .and_then(|(c, s)| Some((c.trim().parse::<u32>().ok()?, s.trim().parse::<u64>().ok()?)))
        .filter(|(c, s)| *c > 0 && *s > 0)
        .ok_or_else(|| {
            StartError::Usage(format!("{flag} '{text}' must be COUNT/SECONDS, e.g. 5/60"))
        })
}

impl Cli {
    pub fn database_choice(&self) -> DatabaseChoice {
        let data_dir = self
            .data_dir
            .clone()
            .unwrap_or_else(startup::default_data_dir);
        DatabaseChoice::resolve(self.database.clone(), data_dir)
    }
}

fn read_password() -> Result<String, StartError> {
    if let Ok(p) = std::env::var("SWITCHBOARD_PASSWORD") {
        return Ok(p);
    }
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")
            .map_err(|e| StartError::Usage(format!("cannot read the password: {e}")))?;
        let again = rpassword::prompt_password("Password again: ")
            .map_err(|e| StartError::Usage(format!("cannot read the password: {e}")))?;
        if first != again {
            return Err(StartError::Usage(
                "the passwords differ; nothing was changed".into(),
            ));
        }
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| StartError::Usage(format!("cannot read the password from stdin: {e}")))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

fn cli_audit(action: &str, fields: Vec<String>) -> AuditEntry {
    AuditEntry {
        actor_id: None,
        actor_email: "cli".into(),
        action: action.into(),
        integration_id: None,
        website_id: None,
        fields,
        via: "cli".into(),
    }
}

async fn open_plain(choice: &DatabaseChoice) -> Result<std::sync::Arc<dyn crate::Db>, StartError> {
    crate::db::connect(&choice.url)
        .await
        .map_err(choice.failed())
}

/// The user with this email, or a message saying how to find one.
async fn user_named(
    db: &dyn crate::Db,
    choice: &DatabaseChoice,
    email: &str,
) -> Result<crate::model::UserRecord, StartError> {
    let email = email.trim().to_lowercase();
    db.user_by_email(&email)
        .await
        .map_err(choice.failed())?
        .ok_or_else(|| {
            StartError::Usage(format!(
                "no user {email}: see `switchboard-server user list`"
            ))
        })
}

/// The message of a refused change, for the command line.
fn refused(e: crate::error::Error) -> StartError {
    StartError::Usage(format!("{e}; nothing was changed"))
}

/// Applies a change to `user` with the rules of the admin API, audited as
/// an update of the user and of `fields`; how many tokens it ended.
async fn update_user(
    db: &dyn crate::Db,
    user: &crate::model::UserRecord,
    change: &crate::model::UserChange,
    fields: &[&str],
) -> Result<usize, StartError> {
    let mut named = vec![format!("user {}", user.id)];
    named.extend(fields.iter().map(|f| (*f).to_owned()));
    let audit = cli_audit("update-user", named);
    let ended = crate::api::users::change_user(db, user.id, change, &audit)
        .await
        .map_err(refused)?;
    Ok(ended.len())
}

/// `user set|password|delete|sessions|revoke`, with the rules of the admin API.
async fn manage_user(
    db: &dyn crate::Db,
    choice: &DatabaseChoice,
    command: UserCommand,
) -> Result<(), StartError> {
    use crate::api::users::remove_user;
    match command {
        UserCommand::Set {
            email,
            role,
            websites,
            disabled,
        } => {
            let user = user_named(db, choice, &email).await?;
            let change = crate::model::UserChange {
                role: role
                    .map(|r| r.parse::<Role>())
                    .transpose()
                    .map_err(StartError::Usage)?,
                websites,
                disabled,
                password_hash: None,
            };
            let ended = update_user(db, &user, &change, &[]).await?;
            println!(
                "{} updated; {ended} token(s) ended (running servers stop accepting them within their auth cache time).",
                user.email
            );
        }
        UserCommand::Password { email } => {
            let user = user_named(db, choice, &email).await?;
            let password = read_password()?;
            if password.chars().count() < MIN_PASSWORD_LEN {
                return Err(StartError::Usage(format!(
                    "the password must be at least {MIN_PASSWORD_LEN} characters; nothing was changed"
                )));
            }
            let change = crate::model::UserChange {
                password_hash: Some(hash_password(&password).map_err(StartError::Usage)?),
                ..Default::default()
            };
            let ended = update_user(db, &user, &change, &["password"]).await?;
            println!(
                "New password set for {}; {ended} token(s) ended.",
                user.email
            );
        }
        UserCommand::Delete { email } => {
            let user = user_named(db, choice, &email).await?;
            let audit = cli_audit("delete-user", vec![format!("user {}", user.id)]);
            remove_user(db, user.id, &audit).await.map_err(refused)?;
            println!("{} deleted.", user.email);
        }
        UserCommand::Sessions { email } => {
            let user = user_named(db, choice, &email).await?;
            let sessions = db.sessions(user.id).await.map_err(choice.failed())?;
            if sessions.is_empty() {
                println!("{} has no sign-ins or API tokens.", user.email);
            }
            for s in sessions {
                println!(
                    "{}\t{}\t{}\tcreated {}\tlast used {}",
                    s.id,
                    s.kind,
                    s.name,
                    s.created_at,
                    s.last_used_at.as_deref().unwrap_or("never")
                );
            }
        }
        UserCommand::Revoke {
            email,
            session,
            all,
        } => {
            let user = user_named(db, choice, &email).await?;
            let which = if all { None } else { session.as_deref() };
            let audit = cli_audit(
                "revoke-session",
                vec![
                    format!("user {}", user.id),
                    which.unwrap_or("all").to_owned(),
                ],
            );
            let ended = db
                .revoke_sessions(user.id, which, &audit)
                .await
                .map_err(choice.failed())?;
            if ended.is_empty() && !all {
                return Err(StartError::Usage(format!(
                    "{} has no session {}: see `switchboard-server user sessions --email {}`",
                    user.email,
                    which.unwrap_or_default(),
                    user.email
                )));
            }
            println!("{} token(s) of {} ended.", ended.len(), user.email);
        }
        UserCommand::Add { .. } | UserCommand::List => {}
    }
    db.close().await;
    Ok(())
}

/// `user add|list|set|password|delete|sessions|revoke`.
pub async fn user(choice: &DatabaseChoice, command: UserCommand) -> Result<(), StartError> {
    let db = open_plain(choice).await?;
    match command {
        UserCommand::Add {
            email,
            role,
            websites,
        } => {
            let email = email.trim().to_lowercase();
            if !email.contains('@') || email.contains(char::is_whitespace) {
                return Err(StartError::Usage(format!(
                    "'{email}' is not an email address"
                )));
            }
            let role: Role = role.parse().map_err(StartError::Usage)?;
            let password = read_password()?;
            if password.chars().count() < MIN_PASSWORD_LEN {
                return Err(StartError::Usage(format!(
                    "the password must have at least {MIN_PASSWORD_LEN} characters; nothing was changed"
                )));
            }
            let hash = hash_password(&password).map_err(StartError::Usage)?;
            let id = match db.create_user(&email, &hash, role).await {
                Ok(id) => id,
                Err(crate::db::DbError::Duplicate) => {
                    return Err(StartError::Usage(format!("a user {email} already exists")))
                }
                Err(e) => return Err(choice.failed()(e)),
            };
            for site in &websites {
                let Some(w) = db.website(*site).await.map_err(choice.failed())? else {
                    return Err(StartError::Usage(format!(
                        "user {email} was created (id {id}), but website {site} does not exist"
                    )));
                };
                let mut members = w.members.clone();
                members.push(id);
                let entry = cli_audit("update-website", vec!["members".into()]);
                db.update_website(*site, None, None, Some(&members), &entry)
                    .await
                    .map_err(choice.failed())?;
            }
            db.write_audit(&cli_audit(
                "user-add",
                vec![format!("user {id}"), format!("role {role}")],
            ))
            .await
            .map_err(choice.failed())?;
            println!("Created {role} {email} (user id {id}).");
            println!("Sign in with POST /api/v1/auth/login/, or make an API token:");
            println!("  switchboard-server token create --email {email} --name desktop");
        }
        UserCommand::List => {
            let users = db.users().await.map_err(choice.failed())?;
            let sites = db.websites(None).await.map_err(choice.failed())?;
            if users.is_empty() {
                println!("No users yet: switchboard-server user add --email you@example.com --role admin");
            }
            for u in users {
                let member_of: Vec<String> = crate::api::users::memberships(&sites, u.id)
                    .iter()
                    .map(i64::to_string)
                    .collect();
                println!(
                    "{}\t{}\t{}\twebsites: [{}]{}",
                    u.id,
                    u.email,
                    u.role,
                    member_of.join(", "),
                    if u.disabled_at.is_some() {
                        "\tdisabled"
                    } else {
                        ""
                    }
                );
            }
        }
        other => return manage_user(db.as_ref(), choice, other).await,
    }
    db.close().await;
    Ok(())
}

/// `token create`.
pub async fn token(choice: &DatabaseChoice, command: TokenCommand) -> Result<(), StartError> {
    let TokenCommand::Create {
        email,
        name,
        expires_days,
        no_expiry,
    } = command;
    let db = open_plain(choice).await?;
    let email = email.trim().to_lowercase();
    let user = db
        .user_by_email(&email)
        .await
        .map_err(choice.failed())?
        .ok_or_else(|| {
            StartError::Usage(format!(
                "no user {email}: add one with `switchboard-server user add`"
            ))
        })?;
    let ttl = (!no_expiry).then(|| expires_days.unwrap_or(DEFAULT_TOKEN_DAYS).max(1) * 24 * 3600);
    let (token, row) = new_token(TokenKind::Api, user.id, &name, ttl);
    db.insert_token(&row).await.map_err(choice.failed())?;
    db.write_audit(&cli_audit(
        "token-create",
        vec![format!("user {}", user.id), format!("name {name}")],
    ))
    .await
    .map_err(choice.failed())?;
    db.close().await;
    let lifetime = match ttl {
        Some(secs) => format!("expires in {} days", secs / (24 * 3600)),
        None => "never expires".to_owned(),
    };
    eprintln!(
        "API token '{name}' for {email}, {lifetime} (shown once; store it now, it cannot be shown again):"
    );
    println!("{token}");
    Ok(())
}

/// `service-token create|list|revoke`, the same as the admin API's.
pub async fn service_token(
    choice: &DatabaseChoice,
    command: ServiceTokenCommand,
) -> Result<(), StartError> {
    let db = open_plain(choice).await?;
    match command {
        ServiceTokenCommand::Create {
            name,
            website,
            types,
            expires_days,
        } => {
            let name = name.trim().to_owned();
            if name.is_empty() {
                return Err(StartError::Usage("--name may not be blank".into()));
            }
            let mut types: Vec<String> = types.iter().map(|t| t.trim().to_owned()).collect();
            if let Some(bad) = types
                .iter()
                .find(|t| !crate::api::credentials::known_type(t))
            {
                return Err(StartError::Usage(format!(
                    "--type '{bad}' is not an integration type or provider of the catalog (e.g. email, sendgrid, stripe; * for every type)"
                )));
            }
            types.sort();
            types.dedup();
            if let Some(w) = website {
                if db.website(w).await.map_err(choice.failed())?.is_none() {
                    return Err(StartError::Usage(format!(
                        "no website {w}: list them with GET /api/v1/websites/"
                    )));
                }
            }
            if expires_days.is_some_and(|d| d < 1) {
                return Err(StartError::Usage(
                    "--expires-days must be at least 1".into(),
                ));
            }
            let (stored, token) = crate::api::credentials::issue(
                db.as_ref(),
                &name,
                website,
                types.clone(),
                expires_days,
                None,
                cli_audit("create-service-token", Vec::new()),
            )
            .await
            .map_err(choice.failed())?;
            let id = stored.id;
            db.close().await;
            let scope = website.map_or("every website".to_owned(), |w| format!("website {w}"));
            eprintln!(
                "Service token #{id} '{name}' for {scope}, types [{}] (shown once; store it now, it cannot be shown again):",
                types.join(", ")
            );
            println!("{token}");
            return Ok(());
        }
        ServiceTokenCommand::List => {
            let tokens = db.service_tokens().await.map_err(choice.failed())?;
            if tokens.is_empty() {
                println!("No service tokens yet: switchboard-server service-token create --name platform --type sendgrid");
            }
            for t in tokens {
                println!(
                    "{}\t{}\t{}\ttypes: [{}]\tcreated {}\tlast used {}",
                    t.id,
                    t.name,
                    t.website_id
                        .map_or("every website".to_owned(), |w| format!("website {w}")),
                    t.types.join(", "),
                    t.created_at,
                    t.last_used_at.as_deref().unwrap_or("never"),
                );
            }
        }
        ServiceTokenCommand::Revoke { id } => {
            let audit = cli_audit("revoke-service-token", Vec::new());
            if !db
                .revoke_service_token(id, &audit)
                .await
                .map_err(choice.failed())?
            {
                return Err(StartError::Usage(format!(
                    "no service token {id}: see `switchboard-server service-token list`"
                )));
            }
            println!("Service token {id} revoked.");
        }
    }
    db.close().await;
    Ok(())
}

/// `gen-key`.
pub fn gen_key() {
    println!("{}", Vault::generate_base64().as_str());
}

/// `rotate-key --new-key-env NAME`.
pub async fn rotate_key(choice: &DatabaseChoice, new_key_env: &str) -> Result<(), StartError> {
    let (current, source) = startup::load_vault(choice)?;
    let new_text = std::env::var(new_key_env)
        .ok()
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| StartError::Usage(format!("{new_key_env} is not set: put the new key there (switchboard-server gen-key makes one)")))?;
    let new = Vault::from_base64(&new_text)
        .map_err(|e| StartError::Usage(format!("{new_key_env} is not usable: {e}")))?;
    // Alone on the database until the end: no server runs meanwhile.
    let _alone = crate::serving::rotating(choice).await?;
    let db = open_plain(choice).await?;
    if let Some(check) = db.key_check().await.map_err(choice.failed())? {
        if new.matches(&check) {
            return Err(StartError::Usage(
                "the new key is the key already in use; nothing was changed".into(),
            ));
        }
        if !current.matches(&check) {
            return Err(StartError::WrongKey);
        }
    }
    // In key-file mode, the new key is written beside the old one first, so
    // a crash after the commit leaves it for the next start to pick up.
    let pending = match &source {
        KeySource::File(path) | KeySource::Generated(path) => {
            let p = path.with_extension("key.new");
            startup::write_private(&p, &new_text).map_err(|e| StartError::KeyFile(p.clone(), e))?;
            Some((p, path.clone()))
        }
        KeySource::Env => None,
    };
    let reseal =
        |uid: &str, sealed: &crate::secrets::SealedSecrets| current.reseal(&new, uid, sealed);
    let (records, values) = db
        .rotate_key(&reseal, &new.key_check())
        .await
        .map_err(choice.failed())?;
    db.close().await;
    println!("Re-encrypted {values} secret value(s) of {records} integration(s) under the new key, in one transaction.");
    match pending {
        Some((from, to)) => {
            std::fs::rename(&from, &to).map_err(|e| StartError::KeyFile(to.clone(), e))?;
            println!("The key file {} now holds the new key.", to.display());
        }
        None => println!("Start the server with TOKEN_ENCRYPTION_KEY set to the new key (the value of {new_key_env}); the old key no longer opens anything."),
    }
    Ok(())
}

/// How to create the first admin, for the start-up message when there are no users.
pub fn first_admin_hint(choice: &DatabaseChoice) -> String {
    let command = if choice.is_default {
        "switchboard-server user add --email you@example.com --role admin".to_owned()
    } else if choice.is_postgres() {
        "DATABASE_URL=<the same URL> switchboard-server user add --email you@example.com --role admin"
            .to_owned()
    } else {
        format!(
            "switchboard-server --database {} user add --email you@example.com --role admin",
            choice.url
        )
    };
    format!(
        "No users yet. Create the first admin:\n  {command}\n(the password is read from stdin, or from SWITCHBOARD_PASSWORD)"
    )
}
