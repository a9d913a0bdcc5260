//! `switchboard-bench scale [N]`: the list view's queries on a store of N
//! integrations (default 100,000, half Facebook pages, half SendGrid
//! senders): the first page (50 rows and the total) unfiltered and newest
//! first, filtered by type and sorted by name, a search, and the type
//! cards' totals; each the median of 15 runs after a warm-up.

use std::time::{Duration, Instant};

use serde_json::json;
use switchboard_store::{ExportFile, ListFilter, Rotation, SortKey, Store};

/// The import file: `n` integrations, alternately Facebook and SendGrid.
fn file(n: usize) -> ExportFile {
    let integrations: Vec<_> = (0..n)
        .map(|i| {
            if i % 2 == 0 {
                json!({
                    "integration_type": "facebook", "provider": "facebook",
                    "name": format!("Facebook page {i:06}"),
                    "config": {"app_id": "1234567890", "page_id": format!("{}", 100_000 + i), "enable_lead_ads": true},
                    "secrets": {"app_secret": format!("0123456789abcdef01234567{i:08x}"), "access_token": format!("EAAB{}{i:08}", "x".repeat(180))},
                })
            } else {
                json!({
                    "integration_type": "email", "provider": "sendgrid",
                    "name": format!("Campaign sender {i:06}"),
                    "config": {"from_email": format!("news{i}@example.com"), "from_name": "Marketing"},
                    "secrets": {"api_key": format!("SG.bench{i:06}.abcdefghijklmnopqrstuvwxyz")},
                })
            }
        })
        .collect();
    serde_json::from_value(json!({
        "format": "switchboard-export", "version": 1, "includes_secrets": true,
        "websites": [], "integrations": integrations
    }))
    .expect("valid export")
}

/// The median of 15 timed runs of `f` (after one untimed), with what the
/// last run answered.
async fn median<F, Fut, T>(mut f: F) -> (Duration, T)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let mut last = f().await;
    let mut times = Vec::new();
    for _ in 0..15 {
        let t = Instant::now();
        last = f().await;
        times.push(t.elapsed());
    }
    times.sort();
    (times[times.len() / 2], last)
}

/// One figure of the run.
pub struct Figure {
    pub label: &'static str,
    pub measured: Duration,
    pub goal: Duration,
}

/// A page as the app asks for it: 50 rows and the total.
async fn page(store: &Store, filter: &ListFilter) -> (usize, i64) {
    let rows = store.list(filter).await.expect("list");
    let total = store.count(filter).await.expect("count");
    (rows.len(), total)
}

pub async fn run(n: usize) -> Vec<Figure> {
    let (_dir, store) = crate::fresh_store().await;
    let t = Instant::now();
    let report = store
        .import(file(n), 1000, &mut |_| {})
        .await
        .expect("import");
    assert_eq!(report.imported, n, "{:?}", report.failed.first());
    println!(
        "imported {n} integrations in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let first = ListFilter {
        limit: Some(50),
        ..ListFilter::default()
    };
    let by_type = ListFilter {
        integration_type: Some("email".into()),
        sort: SortKey::Name,
        limit: Some(50),
        ..ListFilter::default()
    };
    // A SendGrid sender near the end (the odd ones are senders).
    let last_sender = if n.is_multiple_of(2) { n - 1 } else { n - 2 };
    let search = ListFilter {
        search: Some(format!("sender {last_sender:06}")),
        limit: Some(50),
        ..ListFilter::default()
    };
    let (first_t, (rows, total)) = median(|| page(&store, &first)).await;
    assert_eq!((rows, total), (50, n as i64));
    let (type_t, (rows, total)) = median(|| page(&store, &by_type)).await;
    assert_eq!((rows, total), (50, (n / 2) as i64));
    let (search_t, (rows, _)) = median(|| page(&store, &search)).await;
    assert!(rows >= 1, "the search finds the sender");
    let rotation = Rotation::default();
    let (cards_t, counts) = median(|| async {
        let attention = store.attention_by_type(&rotation).await.expect("attention");
        (store.type_counts().await.expect("counts"), attention)
    })
    .await;
    assert_eq!(counts.0.values().map(|c| c.total).sum::<i64>(), n as i64);
    store.close().await;
    let ms = Duration::from_millis;
    vec![
        Figure {
            label: "first page, newest first (50 rows + total)",
            measured: first_t,
            goal: ms(10),
        },
        Figure {
            label: "first page, one type, by name (50 + total)",
            measured: type_t,
            goal: ms(10),
        },
        Figure {
            label: "search (50 rows + total)",
            measured: search_t,
            goal: ms(30),
        },
        Figure {
            label: "type cards (counts and attention)",
            measured: cards_t,
            goal: ms(10),
        },
    ]
}
