//! Store types as the UI's: field by field, so a field added to or renamed
//! on either side fails to compile here instead of failing in the window.
//! The types both sides share as they are (status, log level, secret views,
//! stats, the website scope, the sort order) come from `switchboard-domain`
//! and need no conversion.

use switchboard_ipc as ipc;
use switchboard_store as store;

/// The list's query as the store's filter (paging is set by the command).
pub fn list_filter(q: &ipc::ListQuery, rotation: &ipc::Rotation) -> store::ListFilter {
    store::ListFilter {
        needs_attention: q.needs_attention.then(|| rotation.clone()),
        integration_type: q.integration_type.clone(),
        status: q.status,
        website: q.website.clone(),
        search: q.search.clone(),
        sort: q.sort,
        limit: Some(q.limit),
        offset: Some(q.offset),
        ..store::ListFilter::default()
    }
}

/// Which integrations a test-all covers, as the store's filter.
pub fn test_all_filter(q: &ipc::TestAllRequest) -> store::ListFilter {
    store::ListFilter {
        integration_type: q.integration_type.clone(),
        status: q.status,
        website: q.website.clone(),
        search: q.search.clone(),
        ..store::ListFilter::default()
    }
}

/// One row of the list.
pub fn row(s: store::IntegrationSummary, rotation: &ipc::Rotation) -> ipc::IntegrationRow {
    ipc::IntegrationRow {
        attention: s.attention(rotation),
        id: s.id,
        website_id: s.website_id,
        integration_type: s.integration_type,
        provider: s.provider,
        name: s.name,
        description: s.description,
        status: s.status,
        is_active: s.is_active,
        last_sync_at: s.last_sync_at,
        last_error: s.last_error,
        error_count: s.error_count,
        created_at: s.created_at,
        updated_at: s.updated_at,
    }
}

/// One integration with its secrets masked.
pub fn detail(i: store::Integration, rotation: &ipc::Rotation) -> ipc::IntegrationDetail {
    ipc::IntegrationDetail {
        attention: i.attention(rotation),
        dates: i.dates,
        id: i.id,
        website_id: i.website_id,
        integration_type: i.integration_type,
        provider: i.provider,
        name: i.name,
        description: i.description,
        status: i.status,
        is_active: i.is_active,
        config: i.config,
        secrets: i.secrets,
        secrets_on_server: i.secrets_on_server,
        last_sync_at: i.last_sync_at,
        last_error: i.last_error,
        error_count: i.error_count,
        updated_at: i.updated_at,
        trashed_at: i.trashed_at,
    }
}

/// An activity log line.
pub fn log(l: store::LogEntry) -> ipc::LogEntry {
    ipc::LogEntry {
        id: l.id,
        level: l.level,
        message: l.message,
        details: l.details,
        created_at: l.created_at,
    }
}

/// A website.
pub fn website(w: store::Website) -> ipc::Website {
    ipc::Website {
        id: w.id,
        name: w.name,
        domain: w.domain,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_queries_become_store_filters() {
        let q = ipc::ListQuery {
            search: Some("x".into()),
            status: Some(ipc::Status::Error),
            website: ipc::WebsiteScope::Global,
            limit: 5,
            needs_attention: true,
            ..Default::default()
        };
        let f = list_filter(&q, &ipc::Rotation::default());
        assert_eq!(f.needs_attention, Some(ipc::Rotation::default()));
        assert_eq!(f.status, Some(store::Status::Error));
        assert_eq!(f.website, store::WebsiteFilter::Global);
        assert_eq!(f.limit, Some(5));
        assert_eq!(f.search.as_deref(), Some("x"));
    }
}
