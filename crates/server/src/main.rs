//! `switchboard-server`: parses the command line, sets up logging, and
//! either serves (the default) or runs one administrative command. Exits 2
//! with a message on stderr when it refuses to start.

use clap::Parser;
use std::io::IsTerminal;
use std::process::ExitCode;
use switchboard_server::cli::{self, Cli, Command};
use switchboard_server::startup::{self, KeySource, StartError};
use switchboard_server::{checks, AppState};
use tracing_subscriber::EnvFilter;

/// mimalloc rather than glibc's malloc: a list page builds and frees
/// thousands of small values per request on many threads at once, and
/// glibc's allocator was about a fifth of the server's samples there
/// (`malloc_consolidate`, `_int_malloc`). `server-bench --quick`, seven
/// rounds in turns with the build before: SQLite list at 64 connections
/// 3,121-5,109 req/s against 2,872-3,729 (+9 to +40 % in each round), p99
/// 14.9-26.4 ms against 22.5-29.4; detail, create, webhooks and
/// PostgreSQL (three rounds) within the noise of the build before.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn init_logs(format: &str) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    if format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// Installs the SIGINT and SIGTERM handlers now (so a signal that comes right
/// after the "listening" line is not left to the default action, which
/// kills the process) and answers a future that ends on the first of them.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let (mut interrupt, mut terminate) = {
        use tokio::signal::unix::{signal, SignalKind};
        (
            signal(SignalKind::interrupt()).ok(),
            signal(SignalKind::terminate()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let interrupt = async {
                match interrupt.as_mut() {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            let terminate = async {
                match terminate.as_mut() {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                _ = interrupt => {},
                _ = terminate => {},
            }
        }
        #[cfg(not(unix))]
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
        tracing::info!("shutting down: finishing requests in flight");
    }
}

async fn serve(cli: &Cli) -> Result<(), StartError> {
    let settings = cli.serve.settings()?;
    let choice = cli.database_choice();
    let (vault, source) = startup::load_vault(&choice)?;
    match &source {
        KeySource::Generated(path) => println!("{}", startup::generated_key_notice(path, &choice)),
        KeySource::File(path) => println!(
            "Using the encryption key in {} (TOKEN_ENCRYPTION_KEY is not set).",
            path.display()
        ),
        KeySource::Env => {}
    }
    // Taken before the key is checked and held until the server stops:
    // rotate-key refuses meanwhile.
    let _serving = switchboard_server::serving::serving(&choice).await?;
    let (db, vault) = startup::open_database(&choice, vault, &source).await?;
    let listener = tokio::net::TcpListener::bind(cli.serve.bind)
        .await
        .map_err(|e| StartError::Usage(format!("cannot listen on {}: {e}", cli.serve.bind)))?;
    let address = listener
        .local_addr()
        .map_err(|e| StartError::Usage(e.to_string()))?;
    let shutdown = shutdown_signal();
    // The hint comes before the "listening" line, so whoever waits for that
    // line has seen everything printed at start-up.
    if db.count_users().await.unwrap_or(0) == 0 {
        println!("{}", cli::first_admin_hint(&choice));
    }
    if !address.ip().is_loopback() {
        eprintln!("{}", startup::plain_http_warning(&address));
    }
    println!(
        "switchboard-server {} listening on http://{address} (database: {})",
        env!("CARGO_PKG_VERSION"),
        choice.describe()
    );
    let checker = match checks::default_checker(&cli.serve.allow_check_networks) {
        Ok(c) => c,
        Err(e) => {
            db.close().await;
            return Err(StartError::Usage(e));
        }
    };
    let state = AppState::new(db.clone(), vault, checker, settings);
    let served = switchboard_server::serve(listener, state, shutdown).await;
    db.close().await;
    served.map_err(|e| StartError::Usage(format!("the server stopped with an error: {e}")))?;
    println!("switchboard-server stopped");
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logs(&cli.log_format);
    let choice = cli.database_choice();
    let result = match &cli.command {
        None | Some(Command::Serve) => serve(&cli).await,
        Some(Command::GenKey) => {
            cli::gen_key();
            Ok(())
        }
        Some(Command::User(command)) => cli::user(&choice, command.clone()).await,
        Some(Command::Token(command)) => cli::token(&choice, command.clone()).await,
        Some(Command::ServiceToken(command)) => cli::service_token(&choice, command.clone()).await,
        Some(Command::RotateKey { new_key_env }) => cli::rotate_key(&choice, new_key_env).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("switchboard-server: {e}");
            ExitCode::from(2)
        }
    }
}
