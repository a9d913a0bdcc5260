//! Everything between the command line and a running server: where the data
//! lives, where the encryption key comes from, and the checks that refuse to
//! start with a missing, malformed or wrong key.
//!
//! The key comes from `TOKEN_ENCRYPTION_KEY` (base64 of 32 bytes). For a
//! zero-setup first run, and only when the variable is unset AND the default
//! local SQLite file is used, a key is generated into `server.key` beside it
//! (mode 0600) and the server says so loudly. With `DATABASE_URL` or an
//! explicit database the server refuses to start without the variable: a
//! team's server must not quietly invent the key to its secrets.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::db::{self, Db};
use crate::secrets::{KeyError, Vault};

/// The environment variable holding the key.
pub const KEY_ENV: &str = "TOKEN_ENCRYPTION_KEY";
/// The key file used for the zero-setup first run.
pub const KEY_FILE: &str = "server.key";
/// The database file used when none is given.
pub const DB_FILE: &str = "server.db";

const HOW_TO_MAKE_A_KEY: &str = "Make a key with `switchboard-server gen-key` (or `openssl rand -base64 32`), keep it somewhere safe (without it the stored secrets cannot be read), and start the server with TOKEN_ENCRYPTION_KEY=<that key>.";

/// Why the server will not start. Every message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("TOKEN_ENCRYPTION_KEY is not set, so there is no key to encrypt secrets with. {HOW_TO_MAKE_A_KEY}")]
    NoKey,
    #[error("TOKEN_ENCRYPTION_KEY is not usable: {0}. {HOW_TO_MAKE_A_KEY}")]
    BadKey(KeyError),
    #[error("{0} is not usable: {1}. Restore the key file, or set TOKEN_ENCRYPTION_KEY to the key this database was encrypted with.")]
    BadKeyFile(PathBuf, String),
    #[error("{0} can be read or changed by other users (mode {1:04o}); it holds the key to every secret. Run `chmod 600 {0}` (and make sure the owner is the user the server runs as), then start again.")]
    KeyFileOpen(PathBuf, u32),
    #[error("the encryption key does not match the key this database's secrets were encrypted with. Start with the original key; to change keys, stop the server and run `switchboard-server rotate-key --new-key-env NEW_KEY` with the original key in TOKEN_ENCRYPTION_KEY.")]
    WrongKey,
    #[error("cannot write the key file {0}: {1}")]
    KeyFile(PathBuf, std::io::Error),
    #[error("cannot open the database ({0}): {1}")]
    Database(String, db::DbError),
    #[error("{0}")]
    Usage(String),
}

/// Which database to use and how to describe it.
#[derive(Debug, Clone)]
pub struct DatabaseChoice {
    pub url: String,
    /// True for the default local SQLite file in the data folder.
    pub is_default: bool,
    pub data_dir: PathBuf,
}

impl DatabaseChoice {
    /// `explicit` is `--database` or `DATABASE_URL`; without it, the default
    /// file in `data_dir`.
    pub fn resolve(explicit: Option<String>, data_dir: PathBuf) -> DatabaseChoice {
        match explicit.filter(|s| !s.trim().is_empty()) {
            Some(url) => DatabaseChoice {
                url,
                is_default: false,
                data_dir,
            },
            None => DatabaseChoice {
                url: data_dir.join(DB_FILE).to_string_lossy().into_owned(),
                is_default: true,
                data_dir,
            },
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.url.starts_with("postgres://") || self.url.starts_with("postgresql://")
    }

    /// What a database error of this choice is for the command line.
    pub fn failed(&self) -> impl Fn(db::DbError) -> StartError + '_ {
        move |e| StartError::Database(self.describe(), e)
    }

    /// For messages: the file path, or the PostgreSQL URL without its password.
    pub fn describe(&self) -> String {
        if self.is_postgres() {
            format!("postgres {}", redact_password(&self.url))
        } else {
            format!("sqlite {}", self.url)
        }
    }

    fn key_file(&self) -> PathBuf {
        self.data_dir.join(KEY_FILE)
    }
}

/// `postgres://user:secret@host/db` -> `postgres://user:****@host/db`.
pub fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:****@{host}"),
        None => url.to_owned(),
    }
}

/// The default data folder: `SWITCHBOARD_DATA_DIR`, else the user's data
/// folder (`~/.local/share/switchboard-server` on Linux).
pub fn default_data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("SWITCHBOARD_DATA_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("switchboard-server")
}

/// Where the key came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    Env,
    /// An existing key file beside the default database.
    File(PathBuf),
    /// A key file made just now.
    Generated(PathBuf),
}

/// The vault for `choice` (see the module docs for the rules).
pub fn load_vault(choice: &DatabaseChoice) -> Result<(Vault, KeySource), StartError> {
    if let Some(text) = std::env::var(KEY_ENV).ok().filter(|t| !t.trim().is_empty()) {
        let vault = Vault::from_base64(&text).map_err(StartError::BadKey)?;
        return Ok((vault, KeySource::Env));
    }
    if !choice.is_default {
        return Err(StartError::NoKey);
    }
    let path = choice.key_file();
    refuse_open_key_file(&path)?;
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let vault = Vault::from_base64(&text)
                .map_err(|e| StartError::BadKeyFile(path.clone(), e.to_string()))?;
            Ok((vault, KeySource::File(path)))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let text = Vault::generate_base64();
            write_private(&path, &text).map_err(|e| StartError::KeyFile(path.clone(), e))?;
            let vault = Vault::from_base64(&text).expect("a generated key is valid");
            Ok((vault, KeySource::Generated(path)))
        }
        Err(e) => Err(StartError::BadKeyFile(path, e.to_string())),
    }
}

/// Refuses a key file that users other than its owner may read or write
/// (like ssh does for a private key). A missing file is left to the caller.
fn refuse_open_key_file(path: &Path) -> Result<(), StartError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path) {
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(StartError::KeyFileOpen(path.to_path_buf(), mode));
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Creates a folder (and its parents) that only its owner may look inside.
/// An existing folder is left as it is.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.as_os_str().is_empty() || dir.exists() {
        return Ok(());
    }
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Writes a file readable only by its owner, atomically (temp file + rename).
pub fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        create_private_dir(dir)?;
    }
    let tmp = path.with_extension("tmp");
    {
        use std::io::Write;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&tmp)?;
        file.write_all(text.as_bytes())?;
        file.write_all(b"\n")?;
        file.sync_all()?;
    }
    std::fs::rename(&tmp, path)
}

/// The warning printed when the server listens beyond this machine: it
/// speaks plain HTTP, so passwords, tokens and the secrets laptops push
/// cross the network readable unless TLS is in front.
pub fn plain_http_warning(address: &std::net::SocketAddr) -> String {
    format!(
        "WARNING: listening on {address}, which other machines can reach, over plain HTTP. \
         Passwords, tokens and every secret pushed to this server would cross the network \
         unencrypted: put a TLS reverse proxy in front (Caddy, nginx; see README, \
         \"Running it for a team\") and bind to 127.0.0.1 behind it."
    )
}

/// The loud notice printed when a key file was generated.
pub fn generated_key_notice(key_file: &Path, choice: &DatabaseChoice) -> String {
    let bar = "=".repeat(78);
    format!(
        "{bar}\n\
         NOTICE: TOKEN_ENCRYPTION_KEY is not set, so a new encryption key was generated\n\
         and saved to {}\n\
         (readable only by you). Every secret in {} is encrypted with it:\n\
         back up both files together. For anything beyond a trial, make a key with\n\
         `switchboard-server gen-key` and set TOKEN_ENCRYPTION_KEY yourself.\n\
         {bar}",
        key_file.display(),
        choice.url
    )
}

/// Opens the database and checks the key against it: a fresh database
/// records the key's check value; an existing one must match it. In key-file
/// mode a `server.key.new` left by an interrupted rotation is picked up.
pub async fn open_database(
    choice: &DatabaseChoice,
    vault: Vault,
    source: &KeySource,
) -> Result<(Arc<dyn Db>, Vault), StartError> {
    let db = db::connect(&choice.url).await.map_err(choice.failed())?;
    let stored = db.key_check().await.map_err(choice.failed())?;
    match stored {
        None => {
            db.init_key_check(&vault.key_check())
                .await
                .map_err(choice.failed())?;
            Ok((db, vault))
        }
        Some(check) if vault.matches(&check) => Ok((db, vault)),
        Some(check) => {
            if let KeySource::File(path) = source {
                let pending = path.with_extension("key.new");
                if let Some(newer) = std::fs::read_to_string(&pending)
                    .ok()
                    .and_then(|t| Vault::from_base64(&t).ok())
                    .filter(|v| v.matches(&check))
                {
                    std::fs::rename(&pending, path)
                        .map_err(|e| StartError::KeyFile(path.clone(), e))?;
                    return Ok((db, newer));
                }
            }
            db.close().await;
            Err(StartError::WrongKey)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show_in_database_descriptions() {
        assert_eq!(
            redact_password("postgres://sb:hunter2@db.internal:5432/sb"),
            "postgres://sb:****@db.internal:5432/sb"
        );
        assert_eq!(
            redact_password("postgres://sb@db/sb"),
            "postgres://sb@db/sb"
        );
        let pg = DatabaseChoice::resolve(Some("postgres://u:pw@h/d".into()), PathBuf::from("/d"));
        assert!(pg.is_postgres() && !pg.is_default);
        assert!(!pg.describe().contains("pw"));
        let default = DatabaseChoice::resolve(None, PathBuf::from("/data"));
        assert!(default.is_default);
        assert_eq!(default.url, "/data/server.db");
        assert_eq!(default.key_file(), PathBuf::from("/data/server.key"));
        let blank = DatabaseChoice::resolve(Some("  ".into()), PathBuf::from("/data"));
        assert!(blank.is_default, "an empty DATABASE_URL means the default");
    }
}
