//! Expiry and rotation in the local store: the dates kept per secret field
//! (`secret_dates`, kept by the triggers of migration 0006 on every write of
//! a secret), the expiry a check stated (`expires_at`), the "needs
//! attention" filter and counts, and the notices shown once per crossing.
//! The rule itself is `switchboard_domain::expiry`; the SQL here is the
//! same rule as text comparisons of stored times.

use crate::model::{AttentionNotice, Rotation};
use crate::{Result, Store};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection};
use std::collections::{BTreeMap, HashMap};
use switchboard_domain::expiry::{
    days_after, days_before, normalize_timestamp, Dates, Stage, StatedExpiry, THRESHOLD_DAYS,
};
use switchboard_domain::{attention, unix_now, ExpiryDates};

/// Secret key -> when it was set, as stored.
pub type SecretDates = BTreeMap<String, String>;

/// Adds " AND <needs attention>" to a query over `integrations`: an
/// expiry within the first threshold (or past), or an oldest secret set at
/// or before its type's rotation period ago.
pub(crate) fn push_attention(qb: &mut QueryBuilder<'_, Sqlite>, rotation: &Rotation) {
    let cut = Cutoffs::new(rotation);
    push_candidates(qb, &cut);
    qb.push(" AND ((expires_at IS NOT NULL AND expires_at <= ")
        .push_bind(cut.expiry_limit)
        .push(") OR oldest_secret_at <= ");
    if cut.per_type.is_empty() {
        qb.push_bind(cut.default).push(")");
        return;
    }
    qb.push("CASE integration_type");
    for (ty, date) in cut.per_type {
        qb.push(" WHEN ")
            .push_bind(ty)
            .push(" THEN ")
            .push_bind(date);
    }
    qb.push(" ELSE ").push_bind(cut.default).push(" END)");
}

/// The rule's dates for now: an expiry at or before `expiry_limit`, an
/// oldest secret at or before its type's date.
struct Cutoffs {
    expiry_limit: String,
    default: String,
    per_type: Vec<(String, String)>,
    /// The latest of the types' dates: no secret set after it is too old.
    loosest: String,
}

impl Cutoffs {
    fn new(rotation: &Rotation) -> Cutoffs {
        let now = unix_now();
        let default = days_before(now, i64::from(rotation.default_days));
        let per_type: Vec<(String, String)> = rotation
            .per_type
            .iter()
            .map(|(ty, days)| (ty.clone(), days_before(now, i64::from(*days))))
            .collect();
        let loosest = per_type
            .iter()
            .map(|(_, date)| date)
            .fold(&default, |a, b| a.max(b))
            .clone();
        Cutoffs {
            expiry_limit: days_after(now, THRESHOLD_DAYS[0]),
            default,
            per_type,
            loosest,
        }
    }
}

/// " AND rowid IN (<candidates>)": the live integrations that may need
/// attention, found through the two partial indexes (an expiry; the oldest
/// secret by the loosest date), so a store of 100,000 is not read row by
/// row. The exact rule then runs on those alone.
fn push_candidates(qb: &mut QueryBuilder<'_, Sqlite>, cut: &Cutoffs) {
    qb.push(" AND integrations.rowid IN (SELECT rowid FROM integrations WHERE trashed_at IS NULL AND expires_at IS NOT NULL AND expires_at <= ")
        .push_bind(cut.expiry_limit.clone())
        .push(" UNION ALL SELECT rowid FROM integrations WHERE trashed_at IS NULL AND oldest_secret_at <= ")
        .push_bind(cut.loosest.clone())
        .push(")");
}

fn parse_dates(text: &str) -> SecretDates {
    serde_json::from_str(text).unwrap_or_default()
}

/// Records what a check stated: the expiry (None: it said nothing, keep
/// what is recorded), and when secrets were created at the provider (an
/// AWS key's creation date), which replaces a later recorded date.
pub(crate) async fn record_dates(
    conn: &mut SqliteConnection,
    id: &str,
    expiry: Option<&StatedExpiry>,
    created: &SecretDates,
) -> Result<()> {
    if let Some(e) = expiry {
        sqlx::query("UPDATE integrations SET expires_at = ?, expires_source = ? WHERE id = ?")
            .bind(&e.at)
            .bind(&e.source)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    if created.is_empty() {
        return Ok(());
    }
    let row = sqlx::query("SELECT secret_dates FROM integrations WHERE id = ?")
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    let mut dates = parse_dates(row.get("secret_dates"));
    let mut changed = false;
    for (key, when) in created {
        let Some(when) = normalize_timestamp(when) else {
            continue;
        };
        if let Some(kept) = dates.get_mut(key) {
            if when < *kept {
                *kept = when;
                changed = true;
            }
        }
    }
    if changed {
        write_dates(conn, id, &dates).await?;
    }
    Ok(())
}

async fn write_dates(conn: &mut SqliteConnection, id: &str, dates: &SecretDates) -> Result<()> {
    sqlx::query("UPDATE integrations SET secret_dates = ? WHERE id = ?")
        .bind(serde_json::to_string(dates).unwrap_or_else(|_| "{}".into()))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Writes back the dates, expiry and notice state a row had before its
/// secrets were re-sealed under a new key (sealed again, not set again).
pub(crate) async fn put_back(conn: &mut SqliteConnection, row: &SqliteRow) -> Result<()> {
    sqlx::query(
        "UPDATE integrations SET secret_dates = ?, expires_at = ?, expires_source = ?, attention_announced = ? WHERE id = ?",
    )
    .bind(row.get::<&str, _>("secret_dates"))
    .bind(row.get::<Option<&str>, _>("expires_at"))
    .bind(row.get::<Option<&str>, _>("expires_source"))
    .bind(row.get::<Option<&str>, _>("attention_announced"))
    .bind(row.get::<&str, _>("id"))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Dates that came with a record from elsewhere (a backup, an export, the
/// sync server): for each secret key the record has, `given`'s date
/// replaces the one recorded when `wins(key, held here)` (the secret was
/// set then, not now); keys without a date get `given`'s. The expiry is
/// taken when one is given. A record that is not here is left alone.
pub(crate) async fn take_dates(
    conn: &mut SqliteConnection,
    id: &str,
    given: &ExpiryDates,
    wins: impl Fn(&str, bool) -> bool,
) -> Result<()> {
    take_dates_of(conn, &[(id, given)], wins).await
}

/// Takes the dates a pulled page's records carry: the server's date of a
/// secret set only there, and of any secret without a date here; a secret
/// held here keeps its own. A stated expiry is taken.
pub(crate) async fn take_pulled(
    conn: &mut SqliteConnection,
    changes: &[&switchboard_sync_proto::PulledIntegration],
) -> Result<()> {
    let given: Vec<(&str, &ExpiryDates)> =
        changes.iter().map(|c| (c.uid.as_str(), &c.dates)).collect();
    take_dates_of(conn, &given, |_, held_here| !held_here).await
}

/// [`take_dates`] for each `(id, given)` in turn (a record named twice
/// ends with what its later entry gives), with one read and one write for
/// all of them instead of two or three statements per record.
async fn take_dates_of(
    conn: &mut SqliteConnection,
    records: &[(&str, &ExpiryDates)],
    wins: impl Fn(&str, bool) -> bool,
) -> Result<()> {
    let records: Vec<_> = records.iter().filter(|(_, g)| carries_dates(g)).collect();
    if records.is_empty() {
        return Ok(());
    }
    let ids: Vec<&str> = records.iter().map(|(id, _)| *id).collect();
    let rows = sqlx::query(
        "SELECT id, secrets, remote_secrets, secret_dates FROM integrations WHERE id IN (SELECT value FROM json_each(?))",
    )
    .bind(serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into()))
    .fetch_all(&mut *conn)
    .await?;
    let mut held: HashMap<String, HeldDates> = rows
        .iter()
        .map(|r| (r.get("id"), HeldDates::from_row(r)))
        .collect();
    // id -> the expiry taken (the last one given).
    let mut expiry: HashMap<&str, (Option<String>, Option<&str>)> = HashMap::new();
    for (id, given) in records {
        let Some(record) = held.get_mut(*id) else {
            continue;
        };
        record.take(given, &wins);
        if let Some(at) = &given.expires_at {
            expiry.insert(
                id,
                (normalize_timestamp(at), given.expires_source.as_deref()),
            );
        }
    }
    // [id, secret dates, whether an expiry was taken, expires_at, its source]
    let writes: Vec<serde_json::Value> = held
        .iter()
        .map(|(id, record)| {
            let dates = serde_json::to_string(&record.dates).unwrap_or_else(|_| "{}".into());
            let (taken, at, source) = match expiry.get(id.as_str()) {
                Some((at, source)) => (true, at.as_deref(), *source),
                None => (false, None, None),
            };
            serde_json::json!([id, dates, taken, at, source])
        })
        .collect();
    sqlx::query(
        "UPDATE integrations SET secret_dates = v ->> '$[1]',
             expires_at = CASE WHEN v ->> '$[2]' THEN v ->> '$[3]' ELSE expires_at END,
             expires_source = CASE WHEN v ->> '$[2]' THEN v ->> '$[4]' ELSE expires_source END
         FROM (SELECT value AS v FROM json_each(?)) WHERE id = v ->> '$[0]'",
    )
    .bind(serde_json::Value::Array(writes).to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Whether `given` has anything for [`take_dates`] to take.
fn carries_dates(given: &ExpiryDates) -> bool {
    !given.secret_set_at.is_empty() || given.expires_at.is_some()
}

/// A stored record's secret dates, with the secret keys it holds (here:
/// true; set only on the server: false).
struct HeldDates {
    dates: SecretDates,
    held: Vec<(String, bool)>,
}

impl HeldDates {
    /// From a row with the `secrets`, `remote_secrets` and `secret_dates` columns.
    fn from_row(row: &SqliteRow) -> HeldDates {
        let held = json_keys(row.get("secrets"))
            .map(|k| (k, true))
            .chain(json_keys(row.get("remote_secrets")).map(|k| (k, false)))
            .collect();
        HeldDates {
            dates: parse_dates(row.get("secret_dates")),
            held,
        }
    }

    /// Takes `given`'s date of each held key as [`take_dates`] says.
    fn take(&mut self, given: &ExpiryDates, wins: &impl Fn(&str, bool) -> bool) {
        for (key, held_here) in &self.held {
            let Some(theirs) = given
                .secret_set_at
                .get(key)
                .and_then(|d| normalize_timestamp(d))
            else {
                continue;
            };
            if wins(key, *held_here) || !self.dates.contains_key(key) {
                self.dates.insert(key.clone(), theirs);
            }
        }
    }
}

/// The keys of a JSON object column.
fn json_keys(text: &str) -> impl Iterator<Item = String> {
    serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(text)
        .unwrap_or_default()
        .into_iter()
        .map(|(k, _)| k)
}

impl Store {
    /// How many integrations of each type need attention under `rotation`
    /// (types with none are left out).
    pub async fn attention_by_type(&self, rotation: &Rotation) -> Result<BTreeMap<String, i64>> {
        self.sealer()?;
        let mut qb = QueryBuilder::new(
            "SELECT integration_type, COUNT(*) FROM integrations WHERE trashed_at IS NULL",
        );
        push_attention(&mut qb, rotation);
        qb.push(" GROUP BY 1");
        let rows = qb.build().fetch_all(self.pool()).await?;
        Ok(rows
            .iter()
            .map(|r| (r.get::<String, _>(0), r.get::<i64, _>(1)))
            .collect())
    }

    /// The integrations that crossed a threshold (30, 7, 1 days before a
    /// stated expiry, the expiry itself, or the rotation period) since the
    /// last call: each crossing is answered once, and remembered in the
    /// store in the same transaction. A renewed integration (its stage went
    /// down) is announced again when it crosses again.
    pub async fn attention_notices(&self, rotation: &Rotation) -> Result<Vec<AttentionNotice>> {
        self.sealer()?;
        let now = unix_now();
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        // The candidates, and those announced before (whose stage may have
        // gone down): both through indexes.
        let mut qb = QueryBuilder::new(
            "SELECT id, name, integration_type, secret_dates, expires_at, attention_announced FROM integrations WHERE rowid IN (SELECT rowid FROM integrations WHERE attention_announced IS NOT NULL) OR (1 = 1",
        );
        push_candidates(&mut qb, &Cutoffs::new(rotation));
        qb.push(")");
        let rows = qb.build().fetch_all(&mut *tx).await?;
        let mut out = Vec::new();
        for row in rows {
            let ty: String = row.get("integration_type");
            let dates = parse_dates(row.get("secret_dates"));
            let found = attention(
                Dates {
                    secret_set_at: &dates,
                    expires_at: row.get("expires_at"),
                },
                rotation.days_for(&ty),
                now,
            );
            let stage = found.map(|a| a.stage());
            let announced = row
                .get::<Option<&str>, _>("attention_announced")
                .and_then(Stage::parse);
            if stage == announced {
                continue;
            }
            let id: String = row.get("id");
            sqlx::query("UPDATE integrations SET attention_announced = ? WHERE id = ?")
                .bind(stage.map(Stage::as_str))
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            if let (true, Some(attention)) = (Stage::crossed(announced, stage), found) {
                out.push(AttentionNotice {
                    id,
                    name: row.get("name"),
                    integration_type: ty,
                    attention,
                });
            }
        }
        tx.commit().await?;
        Ok(out)
    }
}
