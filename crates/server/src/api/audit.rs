//! `GET /api/v1/audit/`: the audit log for admins, newest first, paginated
//! like the website integrations API's lists, filtered by `integration`,
//! `website`, `action`, `actor` (e-mail) and time (`since`, `until`: RFC
//! 3339 or a date). Entries name the fields that changed, never values.

use axum::routing::get;
use axum::Json;
use serde_json::{json, Value};

use super::{Caller, Listing, Routes};
use crate::error::{Error, Second};
use crate::model::AuditFilter;

const PATH: &str = "/api/v1/audit/";
const PAGE_SIZE: i64 = 50;

pub fn routes() -> Routes {
    Routes::default().add(PATH, &["GET"], get(list))
}

async fn list(c: Caller, listing: Listing) -> Result<Json<Value>, Second> {
    let (state, _) = c.admin()?;
    let filter = filter(&listing.query)?;
    let mut page = listing.page(PAGE_SIZE)?;
    let (_, count) = state.db().audit(&filter, 0, 0).await?;
    page.settle(count)?;
    let (records, _) = state.db().audit(&filter, page.size, page.offset()).await?;
    let results = records
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "at": r.at,
                "actor": {"id": r.entry.actor_id, "email": r.entry.actor_email},
                "action": r.entry.action,
                "integration": r.entry.integration_id,
                "website": r.entry.website_id,
                "fields": r.entry.fields,
                "via": r.entry.via,
            })
        })
        .collect();
    Ok(Json(listing.answer(&page, count, results, PATH)))
}

/// A time bound: RFC 3339 in UTC (`2026-12-04T10:00:00Z`, fractions
/// allowed) or a date (`2026-12-04`, its midnight UTC), as stored text.
fn time_bound(key: &str, value: &str) -> Result<String, Error> {
    switchboard_domain::activity::time_bound(value, false).map_err(|m| Error::field(key, m))
}

fn filter(query: &[(String, String)]) -> Result<AuditFilter, Error> {
    let value = |key: &str| {
        query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    };
    let id = |key: &str| -> Result<Option<i64>, Error> {
        value(key)
            .map(|v| {
                v.parse::<i64>()
                    .map_err(|_| Error::field(key, "Enter a whole number."))
            })
            .transpose()
    };
    Ok(AuditFilter {
        integration: id("integration")?,
        website: id("website")?,
        action: value("action").map(str::to_owned),
        actor: value("actor").map(str::to_owned),
        since: value("since").map(|v| time_bound("since", v)).transpose()?,
        until: value("until").map(|v| time_bound("until", v)).transpose()?,
    })
}

#[cfg(test)]
mod tests {
    use super::time_bound;

    #[test]
    fn time_bounds_are_dates_or_utc_times_in_the_stored_form() {
        assert_eq!(
            time_bound("since", "2026-12-04").unwrap(),
            "2026-12-04T00:00:00.000000Z"
        );
        assert_eq!(
            time_bound("since", "2026-12-04T10:11:12Z").unwrap(),
            "2026-12-04T10:11:12.000000Z"
        );
        assert_eq!(
            time_bound("since", "2026-12-04T10:11:12.5Z").unwrap(),
            "2026-12-04T10:11:12.500000Z"
        );
        for bad in [
            "yesterday",
            "2026-12-4",
            "2026-12-04T10:11:12+01:00",
            "2026-12-04T10:11:12.1234567Z",
        ] {
            assert!(time_bound("since", bad).is_err(), "{bad}");
        }
    }
}
