//! The server's integration suite, run against both backends: every test
//! body in the modules below runs once on SQLite and once on a real
//! PostgreSQL cluster that this harness starts (and stops at the end). Each
//! run gets a fresh database and the real application on a 127.0.0.1
//! ephemeral port, driven over HTTP.
//!
//! A custom harness (libtest-mimic) so the cluster can be set up once and
//! torn down after the last test. Without the PostgreSQL binaries every
//! `postgres::` test FAILS with a message saying to run
//! `scripts/setup.sh test`; nothing is skipped silently.

#[path = "../common/pg.rs"]
mod pg;

mod ctx;
mod suite_access;
mod suite_credentials;
mod suite_expiry;
mod suite_first;
mod suite_hooks;
mod suite_leads;
mod suite_people;
mod suite_pull_pages;
mod suite_releases;
mod suite_second;
mod suite_security;
mod suite_server;
mod suite_sync;

use std::sync::{Arc, Mutex, OnceLock};

use ctx::{Backend, Body, Ctx};
use libtest_mimic::{Arguments, Failed, Trial};

/// The cluster, or why it could not start.
type Started = Result<Arc<pg::PgCluster>, String>;

/// The shared cluster: started by the first PostgreSQL test that needs it.
static CLUSTER: OnceLock<Mutex<Option<Started>>> = OnceLock::new();

fn cluster() -> Started {
    let slot = CLUSTER.get_or_init(|| Mutex::new(None));
    let mut guard = slot.lock().unwrap_or_else(|e| e.into_inner());
    if guard.is_none() {
        *guard = Some(pg::PgCluster::start().map(Arc::new));
    }
    guard.as_ref().expect("just set").clone()
}

fn all_tests() -> Vec<(&'static str, Body)> {
    let mut all = Vec::new();
    all.extend(suite_first::tests());
    all.extend(suite_hooks::tests());
    all.extend(suite_leads::tests());
    all.extend(suite_second::tests());
    all.extend(suite_access::tests());
    all.extend(suite_credentials::tests());
    all.extend(suite_expiry::tests());
    all.extend(suite_people::tests());
    all.extend(suite_releases::tests());
    all.extend(suite_security::tests());
    all.extend(suite_server::tests());
    all.extend(suite_sync::tests());
    all.extend(suite_pull_pages::tests());
    all
}

fn run_one(backend: Backend, body: Body) -> Result<(), Failed> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failed::from(format!("cannot start a runtime: {e}")))?;
    runtime.block_on(async move {
        let cluster = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => Some(cluster().map_err(Failed::from)?),
        };
        let (ctx, server) = Ctx::start(backend, cluster).await;
        let handle = tokio::spawn(body(ctx.clone()));
        let outcome = handle.await;
        server.stop().await;
        match outcome {
            Ok(()) => Ok(()),
            Err(e) if e.is_panic() => {
                let payload = e.into_panic();
                let message = payload
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_else(|| "the test panicked".into());
                Err(Failed::from(message))
            }
            Err(e) => Err(Failed::from(e.to_string())),
        }
    })
}

fn main() {
    let args = Arguments::from_args();
    let mut trials = Vec::new();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        for (name, body) in all_tests() {
            let name = format!("{}::{name}", backend.name());
            trials.push(Trial::test(name, move || run_one(backend, body)));
        }
    }
    let conclusion = libtest_mimic::run(&args, trials);
    // Stop the cluster before exiting (the watchdog would do it too).
    if let Some(slot) = CLUSTER.get() {
        slot.lock().unwrap_or_else(|e| e.into_inner()).take();
    }
    conclusion.exit();
}
