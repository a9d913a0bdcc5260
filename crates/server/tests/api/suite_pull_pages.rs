//! Pull pages for a laptop that names itself (`client=`): a run of its own
//! changes in a row counts as one row of a page, up to the page's
//! allowance of numbers read (docs/sync.md), and nobody else's change is
//! ever jumped over.

use serde_json::{json, Value};

use crate::ctx::{Ctx, Res, User};
use crate::suite_sync::{create_change, cursor, pull, pull_as, uid, uids_of, PUSH};

crate::tests![
    own_changes_in_a_row_count_as_one_row,
    a_page_walks_past_own_changes_up_to_its_allowance,
];

/// Pushes creates of `uids` as `client`; every one applied.
async fn push_creates(ctx: &Ctx, user: &User, client: &str, uids: &[String]) {
    let changes: Vec<Value> = uids
        .iter()
        .enumerate()
        .map(|(i, u)| create_change(u, &format!("Mail {i}"), &format!("SG.key-{i:04}")))
        .collect();
    let r = ctx
        .post(
            PUSH,
            user,
            json!({"batch_id": uid(), "client_id": client, "changes": changes}),
        )
        .await
        .expect_status(200);
    for result in r.body["results"].as_array().unwrap() {
        assert_eq!(result["outcome"], "applied", "{}", r.text);
    }
}

fn uids(n: usize) -> Vec<String> {
    (0..n).map(|_| uid()).collect()
}

fn next(page: &Res) -> i64 {
    page.body["next"].as_i64().unwrap()
}

/// A page sends these changes and ends at `next`, with `more` or not.
fn expect_page(page: &Res, sends: &[String], to: i64, more: bool) {
    assert_eq!(uids_of(page), sends, "{}", page.text);
    assert_eq!((next(page), &page.body["more"]), (to, &json!(more)));
}

async fn own_changes_in_a_row_count_as_one_row(ctx: Ctx) {
    let a = &ctx.admin;
    let (laptop, other) = (uid(), uid());
    let start = cursor(&ctx, a).await;
    let (run_a, foreign, run_b) = (uids(3), uids(1), uids(2));
    push_creates(&ctx, a, &laptop, &run_a).await;
    push_creates(&ctx, a, &other, &foreign).await;
    push_creates(&ctx, a, &laptop, &run_b).await;
    // Where each change is numbered, from a pull that leaves nothing out.
    let all = pull(&ctx, a, start, 1000).await;
    let seqs: Vec<i64> = all.body["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs.len(), 6, "{}", all.text);
    // `last` is past the server's log lines about the pushes ("Created"),
    // numbered after each push's changes.
    let (end_a, seq_f, last) = (seqs[2], seqs[3], next(&all));

    // Pages of one: the first run, then the other laptop's change, then
    // the second run; the cursor never passes the change it must send.
    let first = pull_as(&ctx, a, start, 1, &laptop).await;
    expect_page(&first, &[], end_a, true);
    let second = pull_as(&ctx, a, end_a, 1, &laptop).await;
    expect_page(&second, &foreign, seq_f, true);
    let third = pull_as(&ctx, a, seq_f, 1, &laptop).await;
    expect_page(&third, &[], last, false);

    // Pages of two: the first run and the other's change at once.
    let page = pull_as(&ctx, a, start, 2, &laptop).await;
    expect_page(&page, &foreign, seq_f, true);

    // One page of the laptop's usual size has it all.
    let whole = pull_as(&ctx, a, start, 1000, &laptop).await;
    expect_page(&whole, &foreign, last, false);

    // The other laptop's own run is the middle one: it gets both runs, one
    // change a page.
    let mut since = start;
    let mut got = Vec::new();
    loop {
        let page = pull_as(&ctx, a, since, 1, &other).await;
        got.extend(uids_of(&page));
        since = next(&page);
        if page.body["more"] == false {
            break;
        }
    }
    let expected: Vec<String> = run_a.iter().chain(&run_b).cloned().collect();
    assert_eq!((got, since), (expected, last));
}

async fn a_page_walks_past_own_changes_up_to_its_allowance(ctx: Ctx) {
    let a = &ctx.admin;
    let laptop = uid();
    let start = cursor(&ctx, a).await;
    let own = uids(150);
    push_creates(&ctx, a, &laptop, &own).await;
    let last = cursor(&ctx, a).await;
    // A page of one (asked for as two, to see whether there is more) reads
    // at most 2 x 50 numbers: it ends at the 100th change, sending nothing.
    let hundredth = next(&pull(&ctx, a, start, 100).await);
    let first = pull_as(&ctx, a, start, 1, &laptop).await;
    expect_page(&first, &[], hundredth, true);
    let second = pull_as(&ctx, a, hundredth, 1, &laptop).await;
    expect_page(&second, &[], last, false);
    // The laptop's usual page walks past all 150 at once.
    let whole = pull_as(&ctx, a, start, 1000, &laptop).await;
    expect_page(&whole, &[], last, false);
    // Anyone else still gets them a page at a time.
    let theirs = pull_as(&ctx, a, start, 100, &uid()).await;
    assert_eq!(uids_of(&theirs), own[..100].to_vec(), "{}", theirs.text);
    assert_eq!(next(&theirs), hundredth);
}
