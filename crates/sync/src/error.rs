//! What sync can fail at. No variant carries a secret: server answers are
//! reduced to their `detail` message, and tokens never appear.

use switchboard_store::StoreError;

/// Sync errors.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The server address is not usable (with what to do).
    #[error("{0}")]
    BadUrl(String),
    /// Not connected to a server yet.
    #[error("Not connected to a shared server: connect with its address, your email and password first.")]
    NotConnected,
    /// The sign-in is no longer valid.
    #[error("The server no longer accepts this sign-in: sign in again.")]
    SignInAgain,
    /// Wrong email or password.
    #[error("The server refused this email and password.")]
    BadCredentials,
    /// The account may not do this (a viewer pushing, say).
    #[error("The server refused: {0}")]
    Forbidden(String),
    /// The server could not be reached (it may be offline); changes stay queued.
    #[error("The server cannot be reached ({0}); your changes stay on this laptop and are sent at the next sync.")]
    Offline(String),
    /// The server answered with an error.
    #[error("The server answered {status}: {detail}")]
    Server { status: u16, detail: String },
    /// The server refused some fields (field name to message).
    #[error("The server refused: {}", .0.iter().map(|(k, m)| format!("{k}: {m}")).collect::<Vec<_>>().join("; "))]
    Invalid(std::collections::BTreeMap<String, String>),
    /// The answer was not what the protocol says.
    #[error("Unexpected answer from the server: {0}")]
    Protocol(String),
    /// The local store refused.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The OS keyring could not keep or give the sign-in.
    #[error("The OS keyring is unavailable: {0}")]
    Keyring(String),
    /// Cancelled by the user; what was acknowledged is kept.
    #[error("Sync was cancelled; what was already sent or received is kept.")]
    Cancelled,
}

impl SyncError {
    /// A stable code for the UI.
    pub fn code(&self) -> &'static str {
        match self {
            SyncError::BadUrl(_) => "bad_url",
            SyncError::NotConnected => "not_connected",
            SyncError::SignInAgain => "sign_in_again",
            SyncError::BadCredentials => "bad_credentials",
            SyncError::Forbidden(_) => "forbidden",
            SyncError::Offline(_) => "offline",
            SyncError::Server { .. } => "server",
            SyncError::Invalid(_) => "validation",
            SyncError::Protocol(_) => "protocol",
            SyncError::Store(e) => e.code(),
            SyncError::Keyring(_) => "keyring",
            SyncError::Cancelled => "cancelled",
        }
    }

    /// Worth retrying later (the network or the server was down).
    pub fn is_transient(&self) -> bool {
        matches!(self, SyncError::Offline(_))
            || matches!(self, SyncError::Server { status, .. } if *status >= 500)
    }
}

/// Results of this crate.
pub type Result<T> = std::result::Result<T, SyncError>;
