//! The cryptographic heart of Switchboard: secrets in memory ([`Secret`]),
//! sealed secrets at rest ([`Sealed`]), the master key that turns one into
//! the other, and the ways a master key is kept: the OS keyring, a
//! passphrase (Argon2id), or the recovery key shown once at vault creation;
//! and encrypted backup files sealed under a passphrase ([`seal_backup`]).
//!
//! Nothing here touches the database; the store decides where sealed bytes
//! and wrapped keys live.
#![forbid(unsafe_code)]

mod backup;
pub mod column;
mod error;
mod key;
mod keystore;
mod recovery;
mod seal;
mod secret;
mod wrap;

pub use backup::{
    backup_info, open_backup, seal_backup, BackupInfo, BACKUP_FORMAT, BACKUP_VERSION,
};
pub use error::{Result, VaultError};
pub use key::{KeyId, MasterKey};
pub use keystore::{KeyStore, MemoryKeyStore, OsKeyring};
pub use recovery::RecoveryKey;
pub use seal::{Aad, Sealed, Sealer, SEAL_FORMAT_VERSION};
pub use secret::{mask, Secret};
pub use wrap::{PassphraseWrap, RecoveryWrap, KDF_MEMORY_KIB, KDF_PARALLELISM, KDF_TIME_COST};
