//! Two laptops syncing through two `switchboard-server` processes on one
//! PostgreSQL database, as a team runs replicas behind a load balancer:
//! each laptop alternates between the replicas, both sync at the same time
//! while REST writes go to both, and in the end both laptops and both
//! replicas hold the same integrations, nothing lost and nothing doubled.

mod common;
#[path = "../../server/tests/common/pg.rs"]
mod pg;

use common::{free_port, server_bin, Laptop, Rest, KEY, PASSWORD};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use switchboard_sync::{MemoryTokenStore, ServerClient};
use switchboard_vault::Secret;

/// One server process on the shared database.
struct Replica {
    child: Child,
    port: u16,
    output: Arc<Mutex<String>>,
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn command(home: &std::path::Path, database: &str) -> Command {
    let mut c = Command::new(server_bin());
    for var in ["SWITCHBOARD_DATA_DIR", "SWITCHBOARD_BIND", "RUST_LOG"] {
        c.env_remove(var);
    }
    c.env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("DATABASE_URL", database)
        .env("TOKEN_ENCRYPTION_KEY", KEY)
        .env(
            "SWITCHBOARD_PROVIDER_ENDPOINTS",
            r#"{"*": "http://127.0.0.1:9"}"#,
        );
    c
}

fn start(home: &std::path::Path, database: &str) -> Replica {
    let port = free_port();
    let mut child = command(home, database)
        .args([
            "--bind",
            &format!("127.0.0.1:{port}"),
            "--auth-cache-secs",
            "1",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server starts");
    let output = Arc::new(Mutex::new(String::new()));
    for stream in [
        Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ] {
        let out = output.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                out.lock().unwrap().push_str(&(line + "\n"));
            }
        });
    }
    let t0 = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            t0.elapsed() < Duration::from_secs(30),
            "the replica did not listen: {}",
            output.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Replica {
        child,
        port,
        output,
    }
}

/// Two replicas on one fresh PostgreSQL database, with an admin.
fn two_replicas(cluster: &pg::PgCluster, home: &std::path::Path) -> (Replica, Replica) {
    let database = cluster.url("postgres");
    let r1 = start(home, &database);
    let r2 = start(home, &database);
    let added = command(home, &database)
        .env("SWITCHBOARD_PASSWORD", PASSWORD)
        .args(["user", "add", "--email", "admin@example.com"])
        .args(["--role", "admin"])
        .output()
        .unwrap();
    assert!(added.status.success(), "{added:?}");
    (r1, r2)
}

/// The integration names a replica lists through the first API.
fn names_on(port: u16) -> Vec<String> {
    let rest = Rest::login(port, "admin@example.com");
    let (status, body) = rest.call("GET", "/api/integrations/?limit=1000", None);
    assert_eq!(status, 200, "{body}");
    let mut names: Vec<String> = body["integrations"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

/// (name, config) of every integration of a laptop: what must agree.
async fn contents(laptop: &Laptop) -> BTreeSet<String> {
    laptop
        .snapshot()
        .await
        .into_iter()
        .map(|(_, name, config)| format!("{name} {config}"))
        .collect()
}

/// A second client of the same laptop, signed in to the other replica.
async fn client_of(port: u16) -> ServerClient {
    let client = ServerClient::new(
        &format!("http://127.0.0.1:{port}"),
        Arc::new(MemoryTokenStore::default()),
    )
    .unwrap();
    client
        .login("admin@example.com", &Secret::new(PASSWORD.to_owned()))
        .await
        .expect("sign in");
    client
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_laptops_through_two_replicas_converge() {
    let cluster = pg::PgCluster::start().unwrap_or_else(|e| panic!("{e}"));
    let home = tempfile::tempdir().unwrap();
    let (r1, r2) = two_replicas(&cluster, home.path());
    let ports = [r1.port, r2.port];

    // Laptop a starts on replica 1, b on replica 2; each also has a client
    // signed in to the other one, and they swap every round.
    let a = Laptop::new(
        &format!("http://127.0.0.1:{}", ports[0]),
        "admin@example.com",
    )
    .await;
    let b = Laptop::new(
        &format!("http://127.0.0.1:{}", ports[1]),
        "admin@example.com",
    )
    .await;
    let a_other = client_of(ports[1]).await;
    let b_other = client_of(ports[0]).await;
    let mut expected = BTreeSet::new();
    for round in 0..6 {
        for i in 0..3 {
            let (na, nb) = (format!("a{round}-{i}"), format!("b{round}-{i}"));
            a.add_email(&na, &format!("SG.key-a-{round}-{i}")).await;
            b.add_email(&nb, &format!("SG.key-b-{round}-{i}")).await;
            expected.extend([na, nb]);
        }
        // A laptop changes what the other made two rounds ago (what a sent
        // last round may have reached the server after b's pull then).
        if round > 1 {
            let theirs = b
                .snapshot()
                .await
                .into_iter()
                .find(|(_, name, _)| name == &format!("a{}-0", round - 2))
                .map(|(id, _, _)| id)
                .expect("a's integration reached b");
            b.set_config(
                &theirs,
                "from_name",
                json!(format!("Edited by b in {round}")),
            )
            .await;
        }
        // REST writes to both replicas while both laptops sync, each
        // through a different replica than last round.
        let writes: Vec<_> = (0..4)
            .map(|i| {
                let port = ports[i % 2];
                let name = format!("rest{round}-{i}");
                expected.insert(name.clone());
                tokio::task::spawn_blocking(move || {
                    let rest = Rest::login(port, "admin@example.com");
                    let body = json!({"integration_type": "sms", "name": name});
                    rest.call("POST", "/api/integrations/", Some(body))
                })
            })
            .collect();
        let (ra, rb) = if round % 2 == 0 {
            tokio::join!(a.try_sync(), b.try_sync())
        } else {
            tokio::join!(a.try_sync_with(&a_other), b.try_sync_with(&b_other))
        };
        let (ra, rb) = (ra.expect("a syncs"), rb.expect("b syncs"));
        assert_eq!(ra.conflicts + rb.conflicts, 0, "{ra:?} {rb:?}");
        assert_eq!(ra.invalid + rb.invalid, 0, "{ra:?} {rb:?}");
        for w in writes {
            let (status, body): (u16, Value) = w.await.unwrap();
            assert_eq!(status, 201, "{body}");
        }
    }
    // Quiesce: each laptop syncs once more through each replica.
    for _ in 0..2 {
        a.sync().await;
        b.sync().await;
        a.try_sync_with(&a_other).await.expect("a syncs");
        b.try_sync_with(&b_other).await.expect("b syncs");
    }
    let expected: Vec<String> = expected.into_iter().collect();
    assert_eq!(
        names_on(ports[0]),
        expected,
        "replica 1 has each integration once"
    );
    assert_eq!(
        names_on(ports[1]),
        expected,
        "replica 2 has each integration once"
    );
    let (ca, cb) = (contents(&a).await, contents(&b).await);
    assert_eq!(
        ca.len(),
        expected.len(),
        "laptop a has each integration once"
    );
    assert_eq!(ca, cb, "both laptops hold the same names and settings");
    assert!(
        ca.iter().any(|c| c.contains("Edited by b in 5")),
        "the last edit made on b reached a"
    );
    for r in [&r1, &r2] {
        let log = r.output.lock().unwrap();
        assert!(!log.contains("panicked"), "{log}");
        assert!(
            !log.contains("SG.key-"),
            "no secret in a replica's log: {log}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_trash_syncs_through_two_replicas_on_postgres() {
    let cluster = pg::PgCluster::start().unwrap_or_else(|e| panic!("{e}"));
    let home = tempfile::tempdir().unwrap();
    let (r1, r2) = two_replicas(&cluster, home.path());
    let url = |port: u16| format!("http://127.0.0.1:{port}");
    let a = Laptop::new(&url(r1.port), "admin@example.com").await;
    let b = Laptop::new(&url(r2.port), "admin@example.com").await;
    let id = a.add_email("Binned", "SG.binned-key-1234").await;
    a.add_email("Kept", "SG.kept-key-5678").await;
    a.sync().await;
    b.sync().await;

    // Trashed on A (replica 1): hidden on both replicas, trashed on B.
    a.store.delete(&id).await.unwrap();
    a.sync().await;
    assert_eq!(names_on(r1.port), ["Kept"]);
    assert_eq!(names_on(r2.port), ["Kept"]);
    b.sync().await;
    assert!(b.store.get(&id).await.unwrap().trashed_at.is_some());
    assert_eq!(contents(&a).await, contents(&b).await);

    // Restored on B (replica 2): back everywhere.
    b.store.restore_from_trash(&id).await.unwrap();
    b.sync().await;
    a.sync().await;
    assert!(a.store.get(&id).await.unwrap().trashed_at.is_none());
    assert_eq!(names_on(r1.port), ["Binned", "Kept"]);

    // Deleted forever on A: a tombstone, gone on B.
    a.store.delete(&id).await.unwrap();
    a.store.delete_forever(&id).await.unwrap();
    a.sync().await;
    b.sync().await;
    assert!(b.store.get(&id).await.is_err());
    assert_eq!(names_on(r2.port), ["Kept"]);
    assert_eq!(contents(&a).await, contents(&b).await);
}
