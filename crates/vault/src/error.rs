//! The vault's error type. Messages say what happened and what to do next;
//! none of them ever carries key material or a secret value.

/// Everything that can go wrong while sealing, opening or unwrapping.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// A sealed value failed authentication: the bytes were altered, the
    /// value was moved to another record or field, or the key is wrong.
    #[error("cannot be decrypted: altered or wrong key")]
    Undecryptable,
    /// A sealed value has a format version this build does not know.
    #[error("sealed with an unknown format version {0}; update Switchboard to read it")]
    UnknownFormat(u8),
    /// The passphrase does not unwrap the master key.
    #[error("wrong passphrase: the vault stays locked. Check the passphrase, or unlock with the recovery key")]
    WrongPassphrase,
    /// The recovery key does not unwrap the master key.
    #[error("wrong recovery key: the vault stays locked. Check the 52 characters as they were shown when the vault was created")]
    WrongRecoveryKey,
    /// The recovery key text is not of the expected shape.
    #[error("that is not a recovery key: {0}")]
    MalformedRecoveryKey(&'static str),
    /// A passphrase that is too weak to protect the vault.
    #[error("the passphrase is too short: use at least {0} characters")]
    WeakPassphrase(usize),
    /// The OS keyring could not be reached or refused access.
    #[error("the OS keyring is not available ({0}); unlock with your passphrase or recovery key instead")]
    KeyringUnavailable(String),
    /// The OS keyring holds no key for this vault.
    #[error(
        "the OS keyring holds no key for this vault; unlock with your passphrase or recovery key"
    )]
    KeyringKeyMissing,
    /// A file given as a backup is not one (another kind of file).
    #[error("this is not a Switchboard backup file{0}; choose the file `switchboard backup` or the app's Back up wrote")]
    NotABackup(String),
    /// A backup file that cannot be read: cut short, bad JSON or base64.
    #[error("the backup file is truncated or damaged ({0}); nothing was read. Use another copy of the backup")]
    BackupDamaged(String),
    /// A backup written in a format version newer than this build reads.
    #[error("this backup was written by a newer Switchboard (format version {0}; this one reads version 1): update Switchboard to restore it")]
    BackupTooNew(u64),
    /// The passphrase does not open the backup.
    #[error("wrong passphrase for this backup: nothing was read. Type the passphrase chosen when the backup was made")]
    WrongBackupPassphrase,
    /// The backup fails authentication: changed after it was written.
    #[error("the backup file was altered after it was written (it fails authentication): nothing was read. Use another copy of the backup")]
    BackupAltered,
    /// The key derivation function failed (bad parameters).
    #[error("key derivation failed: {0}")]
    Kdf(String),
}

/// Result alias for the vault crate.
pub type Result<T> = std::result::Result<T, VaultError>;
