//! The activity feed: every integration's log in one list, newest first,
//! filtered by level, type, website, time and text; paged; exported whole.

mod common;

use common::*;
use serde_json::json;
use switchboard_domain::activity::{activity_csv, ActivityQuery, ACTIVITY_PAGE_SIZE};
use switchboard_domain::{LogLevel, WebsiteScope};
use switchboard_store::NewIntegration;

#[tokio::test]
async fn the_feed_filters_pages_and_exports_across_integrations() {
    let t = new_store().await;
    let shop = t.create_website("Shop", "shop.example.com").await.unwrap();
    let news = t.add(sendgrid("News", "SG.activity-feed-1")).await;
    let sms = t
        .add(NewIntegration {
            website_id: Some(shop.id.clone()),
            ..twilio("Alerts", "activity-feed-2")
        })
        .await;
    t.add_log(
        &news.id,
        LogLevel::Error,
        "SendGrid says 401",
        json!({"status": 401}),
    )
    .await
    .unwrap();
    t.add_log(
        &sms.id,
        LogLevel::Success,
        "Twilio account is active",
        json!({}),
    )
    .await
    .unwrap();
    t.add_log(
        &sms.id,
        LogLevel::Warning,
        "Slow answer_100% sure",
        json!({"ms": 900}),
    )
    .await
    .unwrap();

    let all = t.activity(&ActivityQuery::default()).await.unwrap();
    let mine: Vec<&str> = all.lines.iter().map(|l| l.message.as_str()).collect();
    assert_eq!(
        &mine[..3],
        [
            "Slow answer_100% sure",
            "Twilio account is active",
            "SendGrid says 401"
        ],
        "newest first across integrations"
    );
    assert_eq!(all.total as usize, all.lines.len());
    let first = &all.lines[0];
    assert_eq!(
        (
            first.integration_name.as_str(),
            first.integration_type.as_str()
        ),
        ("Alerts", "sms")
    );
    assert_eq!(first.website.as_deref(), Some("Shop"));
    assert_eq!(first.details, json!({"ms": 900}));

    let count = |q: ActivityQuery| {
        let t = &t;
        async move { t.activity(&q).await.unwrap().total }
    };
    let q = ActivityQuery::default;
    assert_eq!(
        count(ActivityQuery {
            level: Some(LogLevel::Error),
            ..q()
        })
        .await,
        1
    );
    let sms_lines = count(ActivityQuery {
        integration_type: "sms".into(),
        ..q()
    })
    .await;
    let shop_lines = count(ActivityQuery {
        website: WebsiteScope::Website(shop.id.clone()),
        ..q()
    })
    .await;
    assert_eq!(sms_lines, shop_lines);
    assert!(sms_lines >= 2);
    let global = count(ActivityQuery {
        website: WebsiteScope::Global,
        ..q()
    })
    .await;
    assert_eq!(global + shop_lines, all.total);
    // Text in the message, the details, or the integration's name; LIKE's
    // wildcards are taken literally.
    assert_eq!(
        count(ActivityQuery {
            search: "401".into(),
            ..q()
        })
        .await,
        1
    );
    assert_eq!(
        count(ActivityQuery {
            search: "\"ms\"".into(),
            ..q()
        })
        .await,
        1
    );
    assert_eq!(
        count(ActivityQuery {
            search: "alerts".into(),
            ..q()
        })
        .await,
        sms_lines
    );
    assert_eq!(
        count(ActivityQuery {
            search: "r_1".into(),
            ..q()
        })
        .await,
        1
    );
    assert_eq!(
        count(ActivityQuery {
            search: "0%".into(),
            ..q()
        })
        .await,
        1
    );
    assert_eq!(
        count(ActivityQuery {
            search: "nothing like it".into(),
            ..q()
        })
        .await,
        0
    );
    // Time: the last hour has everything, a past day nothing.
    assert_eq!(
        count(ActivityQuery {
            within_hours: 1,
            ..q()
        })
        .await,
        all.total
    );
    assert_eq!(
        count(ActivityQuery {
            until: "2020-01-01".into(),
            ..q()
        })
        .await,
        0
    );
    assert_eq!(
        count(ActivityQuery {
            since: "2020-01-01".into(),
            ..q()
        })
        .await,
        all.total
    );

    // A malformed bound is refused on its field.
    let err = t
        .activity(&ActivityQuery {
            since: "last week".into(),
            ..q()
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), "validation");
    assert!(format!("{err:?}").contains("since"), "{err:?}");

    // The export holds every matching line, and no secret.
    let lines = t.activity_all(&q()).await.unwrap();
    assert_eq!(lines, all.lines);
    let csv = activity_csv(&lines);
    assert!(
        csv.contains("error,News,email,sendgrid,,SendGrid says 401"),
        "{csv}"
    );
    assert!(!csv.contains("SG.activity-feed-1"));
}

#[tokio::test]
async fn the_feed_pages_newest_first() {
    let t = new_store().await;
    let news = t.add(sendgrid("News", "SG.activity-feed-3")).await;
    let n = ACTIVITY_PAGE_SIZE as usize + 5;
    for i in 0..n {
        t.add_log(&news.id, LogLevel::Info, &format!("line {i}"), json!({}))
            .await
            .unwrap();
    }
    let total = t.activity(&ActivityQuery::default()).await.unwrap().total;
    assert!(total as usize >= n);
    let first = t.activity(&ActivityQuery::default()).await.unwrap();
    assert_eq!(first.lines.len(), ACTIVITY_PAGE_SIZE as usize);
    assert_eq!(first.lines[0].message, format!("line {}", n - 1));
    assert_eq!(first.pages(), 2);
    let second = t
        .activity(&ActivityQuery {
            page: 2,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(second.page, 2);
    assert_eq!(
        second.lines.len() as i64,
        total - i64::from(ACTIVITY_PAGE_SIZE)
    );
    assert!(second.lines.iter().all(|l| !first.lines.contains(l)));
    assert_eq!(
        t.activity_all(&ActivityQuery::default())
            .await
            .unwrap()
            .len() as i64,
        total
    );
}
