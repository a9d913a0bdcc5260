//! The store's error type. Every message says what happened and what to do;
//! none carries a secret value. [`StoreError::code`] gives a stable code for
//! the app's IPC and the CLI's exit status.

use switchboard_catalog::ValidationErrors;
use switchboard_vault::VaultError;

/// Everything the store can refuse or fail at.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No vault has been created in this store yet.
    #[error("this store has no vault yet: create one first (it shows a recovery key once)")]
    NotInitialized,
    /// A vault already exists; creating another would orphan its secrets.
    #[error("this store already has a vault: unlock it instead")]
    AlreadyInitialized,
    /// The vault is locked: secrets cannot be read or written.
    #[error(
        "the vault is locked: unlock it with the keyring, your passphrase or the recovery key"
    )]
    Locked,
    /// A vault operation needs a way to unlock later (keyring or passphrase).
    #[error("{0}")]
    Setup(String),
    /// Wrong passphrase, wrong recovery key, keyring trouble, or a damaged value.
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// Input that does not fit the catalog: every field error at once.
    #[error("{0}")]
    Validation(ValidationErrors),
    /// No integration (or website) with that id.
    #[error("{kind} '{id}' was not found: it may have been deleted; refresh the list")]
    NotFound {
        /// "integration" or "website".
        kind: &'static str,
        /// The id asked for.
        id: String,
    },
    /// A uniqueness rule was broken.
    #[error("{0}")]
    Conflict(String),
    /// A secret field that cannot be opened (for reveal, rotation or export).
    #[error("the secret '{field}' of '{name}' cannot be decrypted: altered or wrong key. Enter it again or delete the integration")]
    Undecryptable {
        /// The integration's name.
        name: String,
        /// The field key.
        field: String,
    },
    /// An import or export file that cannot be read.
    #[error("{0}")]
    BadFile(String),
    /// The database itself failed. The message is generic on purpose; the
    /// cause is logged (SQL errors carry no bound values).
    #[error("the local database failed ({0}); your data is unchanged. Try again, and check disk space and file permissions")]
    Database(String),
    /// A fault injected by a test, to prove that failures roll back.
    #[error("injected failure: {0}")]
    Injected(&'static str),
}

impl StoreError {
    /// A stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::NotInitialized => "not_initialized",
            StoreError::AlreadyInitialized => "already_initialized",
            StoreError::Locked => "locked",
            StoreError::Setup(_) => "setup",
            StoreError::Vault(VaultError::WrongPassphrase)
            | StoreError::Vault(VaultError::WrongBackupPassphrase) => "wrong_passphrase",
            StoreError::Vault(
                VaultError::NotABackup(_)
                | VaultError::BackupDamaged(_)
                | VaultError::BackupTooNew(_)
                | VaultError::BackupAltered,
            ) => "bad_file",
            StoreError::Vault(VaultError::WrongRecoveryKey) => "wrong_recovery_key",
            StoreError::Vault(VaultError::KeyringUnavailable(_))
            | StoreError::Vault(VaultError::KeyringKeyMissing) => "keyring_unavailable",
            StoreError::Vault(_) => "vault",
            StoreError::Validation(_) => "validation",
            StoreError::NotFound { .. } => "not_found",
            StoreError::Conflict(_) => "conflict",
            StoreError::Undecryptable { .. } => "undecryptable",
            StoreError::BadFile(_) => "bad_file",
            StoreError::Database(_) => "database",
            StoreError::Injected(_) => "injected",
        }
    }

    pub(crate) fn invalid(field: &str, message: impl Into<String>) -> Self {
        let mut errors = ValidationErrors::default();
        errors.fields.insert(field.to_owned(), message.into());
        StoreError::Validation(errors)
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e {
            if db.is_unique_violation() {
                return StoreError::Conflict(
                    "an integration with this name already exists for this website and provider: choose another name".into(),
                );
            }
            if db.is_foreign_key_violation() {
                return StoreError::Conflict(
                    "that website does not exist or still has integrations: refresh and try again"
                        .into(),
                );
            }
        }
        tracing::error!(error = %e, "database error");
        StoreError::Database(short_db_reason(&e))
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        tracing::error!(error = %e, "migration error");
        StoreError::Database(format!("could not prepare the database file: {e}"))
    }
}

fn short_db_reason(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Io(io) => io.to_string(),
        sqlx::Error::PoolTimedOut => "the database is busy".into(),
        sqlx::Error::Database(db) => db.message().to_owned(),
        _ => "unexpected database error".into(),
    }
}

/// Result alias for the store.
pub type Result<T> = std::result::Result<T, StoreError>;
