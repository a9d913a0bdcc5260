//! `switchboard-bench store [N]`: the local store's figures for N
//! integrations (default 10,000) with 3 secrets each: insert rate, list and
//! decrypt all, a single get, with AES-256-GCM and, in the same run, with a
//! pass-through sealer, and the ratio between them. Run it in release mode.
//! `switchboard-bench list-loop [N] [ROUNDS]` lists and decrypts N records
//! ROUNDS times and prints each time: a steady loop to profile.
#![forbid(unsafe_code)]

mod scale;

use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};
use switchboard_domain::figure::{print_figure, Goal};
use switchboard_store::{ExportFile, InitOptions, ListFilter, Store};
use switchboard_vault::{Aad, MasterKey, Sealed, Sealer, Secret};

/// Stores plaintext as is: the baseline that shows what encryption costs.
struct PassThrough;

impl Sealer for PassThrough {
    fn seal(&self, _aad: &Aad<'_>, plaintext: &Secret) -> Sealed {
        Sealed::from_bytes(plaintext.expose().as_bytes().to_vec())
    }
    fn open(&self, _aad: &Aad<'_>, sealed: &Sealed) -> switchboard_vault::Result<Secret> {
        Ok(Secret::new(
            String::from_utf8_lossy(sealed.as_bytes()).into_owned(),
        ))
    }
}

struct Figures {
    insert: Duration,
    list_rows: Duration,
    list_all: Duration,
    get_one: Duration,
}

fn file(n: usize) -> ExportFile {
    let integrations: Vec<_> = (0..n)
        .map(|i| {
            json!({
                "id": format!("bench-{i:06}"),
                "integration_type": "facebook",
                "provider": "facebook",
                "name": format!("Facebook page {i}"),
                "config": { "app_id": "1234567890", "page_id": format!("{}", 100000 + i), "enable_lead_ads": true },
                "secrets": {
                    "app_secret": format!("0123456789abcdef0123456789ab{i:04x}"),
                    "access_token": format!("EAAB{}{i:08}", "x".repeat(180)),
                    "page_access_token": format!("EAAP{}{i:08}", "y".repeat(180)),
                },
            })
        })
        .collect();
    serde_json::from_value(
        json!({ "format": "switchboard-export", "version": 1, "integrations": integrations }),
    )
    .expect("valid export")
}

/// The fastest of five runs of `list`, each of which must answer `n` rows.
async fn fastest_of_five<F, Fut, T>(n: usize, mut list: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Vec<T>>,
{
    let mut best = Duration::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        let all = list().await;
        best = best.min(t.elapsed());
        assert_eq!(all.len(), n);
    }
    best
}

/// A new store in a temporary folder (kept while the folder lives), its
/// vault initialised with an in-memory key.
async fn fresh_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(dir.path().join("bench.sqlite"))
        .await
        .expect("open");
    store
        .init_vault(InitOptions::in_memory())
        .await
        .expect("init");
    (dir, store)
}

async fn run(n: usize, encrypted: bool) -> Figures {
    let (_dir, store) = fresh_store().await;
    if !encrypted {
        store.unlock_with_sealer_unchecked(Arc::new(PassThrough));
    }
    let data = file(n);
    let t = Instant::now();
    let report = store.import(data, 1000, &mut |_| {}).await.expect("import");
    let insert = t.elapsed();
    assert_eq!(report.imported, n, "{:?}", report.failed.first());

    let list_all = fastest_of_five(n, || async {
        store.list_full(&ListFilter::default()).await.expect("list")
    })
    .await;
    let list_rows = fastest_of_five(n, || async {
        store.list(&ListFilter::default()).await.expect("list")
    })
    .await;
    let gets = 2000;
    let t = Instant::now();
    for i in 0..gets {
        let id = format!("bench-{:06}", (i * 7919) % n);
        store.get(&id).await.expect("get");
    }
    let get_one = t.elapsed() / gets as u32;
    store.close().await;
    Figures {
        insert,
        list_rows,
        list_all,
        get_one,
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn seal_rate() -> f64 {
    let key = MasterKey::generate();
    let secret = Secret::new("SG.a-typical-forty-character-api-key-value");
    let n = 200_000;
    let t = Instant::now();
    for i in 0..n {
        let id = format!("int-{i}");
        std::hint::black_box(key.seal(&Aad::new(&id, "api_key"), &secret));
    }
    n as f64 / t.elapsed().as_secs_f64()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let what = args.next().unwrap_or_else(|| "store".into());
    if what == "scale" {
        let n: usize = args
            .next()
            .map(|s| s.parse().expect("N is a number"))
            .unwrap_or(100_000);
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        println!("switchboard-bench scale: the list view on {n} integrations (median of 15)");
        for f in rt.block_on(scale::run(n)) {
            println!(
                "{:<44} {:>8.2} ms  goal <= {:>4} ms  {}",
                f.label,
                ms(f.measured),
                f.goal.as_millis(),
                if f.measured <= f.goal {
                    "met"
                } else {
                    "NOT met"
                }
            );
            print_figure(
                &format!("store, {n} integrations: {}", f.label),
                Goal::AtMost(ms(f.goal)),
                ms(f.measured),
                "ms",
            );
        }
        return;
    }
    if what == "list-loop" {
        let n: usize = args.next().map_or(10_000, |s| s.parse().expect("N"));
        let rounds: usize = args.next().map_or(20, |s| s.parse().expect("ROUNDS"));
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        rt.block_on(async {
            let (_dir, store) = fresh_store().await;
            store
                .import(file(n), 1000, &mut |_| {})
                .await
                .expect("import");
            for _ in 0..rounds {
                let t = Instant::now();
                let all = store.list_full(&ListFilter::default()).await.expect("list");
                assert_eq!(all.len(), n);
                println!("list_full {:.1} ms", ms(t.elapsed()));
            }
        });
        return;
    }
    if what != "store" {
        eprintln!("usage: switchboard-bench store [N] | scale [N] | list-loop [N] [ROUNDS]");
        std::process::exit(2);
    }
    let n: usize = args
        .next()
        .map(|s| s.parse().expect("N is a number"))
        .unwrap_or(10_000);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    println!(
        "switchboard-bench store: {n} integrations x 3 secrets ({} secrets)",
        3 * n
    );
    let plain = rt.block_on(run(n, false));
    let aes = rt.block_on(run(n, true));
    let seals = seal_rate();
    let row = |label: &str, a: f64, p: f64, unit: &str| {
        println!(
            "{label:<34} {a:>10.1} {unit:<6} {p:>10.1} {unit:<6} {:>6.2}x",
            a / p
        );
    };
    println!(
        "{:<34} {:>17} {:>17} {:>7}",
        "", "AES-256-GCM", "no encryption", "ratio"
    );
    row(
        "insert (import, 1000 per tx)",
        ms(aes.insert),
        ms(plain.insert),
        "ms",
    );
    row(
        "list and decrypt all (best of 5)",
        ms(aes.list_all),
        ms(plain.list_all),
        "ms",
    );
    row(
        "list rows, nothing decrypted",
        ms(aes.list_rows),
        ms(plain.list_rows),
        "ms",
    );
    row(
        "single get (mean of 2000)",
        aes.get_one.as_secs_f64() * 1e6,
        plain.get_one.as_secs_f64() * 1e6,
        "us",
    );
    let rate = |d: Duration| (3 * n) as f64 / d.as_secs_f64();
    println!(
        "secrets sealed and stored per second: {:.0} (no encryption: {:.0})",
        rate(aes.insert),
        rate(plain.insert)
    );
    println!("raw seals per second (one core):      {seals:.0}");
    print_figure(
        &format!("store: list and decrypt all {n}"),
        Goal::AtMost(100.0),
        ms(aes.list_all),
        "ms",
    );
    print_figure(
        "store: secrets sealed and stored per second",
        Goal::AtLeast(20_000.0),
        rate(aes.insert),
        "secrets/s",
    );
    println!(
        "goals: >= 20000 seals/s: {}; list+decrypt <= 100 ms: {}; encryption <= 1.5x: {}",
        if rate(aes.insert) >= 20_000.0 {
            "met"
        } else {
            "NOT met"
        },
        if ms(aes.list_all) <= 100.0 {
            "met"
        } else {
            "NOT met"
        },
        if ms(aes.list_all) / ms(plain.list_all) <= 1.5 && ms(aes.insert) / ms(plain.insert) <= 1.5
        {
            "met"
        } else {
            "NOT met"
        },
    );
}
