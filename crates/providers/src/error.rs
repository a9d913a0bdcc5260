//! The crate's error type, for what is not a provider's answer: bad endpoint
//! configuration, a TLS set-up that cannot start, or a test
//! message whose input is unusable. Provider answers are [`crate::Outcome`]s.
//! No variant ever carries a secret.

/// Everything this crate can fail at outside a check's outcome.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// The endpoint overrides cannot be used.
    #[error("{0}")]
    Endpoints(String),
    /// The TLS configuration (extra root certificates) cannot be used.
    #[error("TLS set-up failed: {0}")]
    Tls(String),
    /// The HTTP client could not be built.
    #[error("the HTTP client could not start: {0}")]
    Client(String),
    /// A test message's input is unusable (bad address, unsupported provider...).
    #[error("{0}")]
    Input(String),
}

impl ProviderError {
    /// A stable machine-readable code for IPC and the server.
    pub fn code(&self) -> &'static str {
        match self {
            ProviderError::Endpoints(_) => "endpoints",
            ProviderError::Tls(_) => "tls",
            ProviderError::Client(_) => "client",
            ProviderError::Input(_) => "input",
        }
    }
}

/// Result alias for this crate.
pub type Result<T> = std::result::Result<T, ProviderError>;
