//! The app's routes and the `switch` that draws each one.

use yew::prelude::*;

use crate::components::{
    ActivityPage, AuditPage, IntegrationsPage, LogsPage, SettingsPage, StatsPage, SyncPage,
    TeamPage, TrashPage, VaultPage, WebhooksPage, WebsitesPage,
};

/// Where the user is.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Route {
    /// /integrations: the cards and the list (home).
    #[default]
    Integrations,
    /// /logs/:id: one integration's activity log.
    Logs { id: String, name: String },
    /// /activity: every integration's log lines, filtered.
    Activity,
    /// /stats: totals as a chart.
    Stats,
    /// /websites: the per-website scopes.
    Websites,
    /// /settings: theme, auto-lock, default website, health checks.
    Settings,
    /// /sync: the shared server.
    Sync,
    /// /webhooks: the signature verifier.
    Webhooks,
    /// /team: the team server's people and their devices (admins).
    Team,
    /// /audit: the team server's audit log (admins).
    Audit,
    /// /vault: passphrase, recovery key, master key.
    Vault,
    /// /trash: deleted integrations, restorable for 30 days.
    Trash,
}

impl Route {
    /// The path this route stands for.
    pub fn path(&self) -> String {
        match self {
            Route::Integrations => "/integrations".into(),
            Route::Logs { id, .. } => format!("/logs/{id}"),
            Route::Activity => "/activity".into(),
            Route::Stats => "/stats".into(),
            Route::Websites => "/websites".into(),
            Route::Settings => "/settings".into(),
            Route::Sync => "/sync".into(),
            Route::Webhooks => "/webhooks".into(),
            Route::Team => "/team".into(),
            Route::Audit => "/audit".into(),
            Route::Vault => "/vault".into(),
            Route::Trash => "/trash".into(),
        }
    }
}

/// Draws the page of a route.
pub fn switch(route: &Route) -> Html {
    match route {
        Route::Integrations => html! { <IntegrationsPage /> },
        Route::Logs { id, name } => html! { <LogsPage id={id.clone()} name={name.clone()} /> },
        Route::Activity => html! { <ActivityPage /> },
        Route::Stats => html! { <StatsPage /> },
        Route::Websites => html! { <WebsitesPage /> },
        Route::Settings => html! { <SettingsPage /> },
        Route::Sync => html! { <SyncPage /> },
        Route::Webhooks => html! { <WebhooksPage /> },
        Route::Team => html! { <TeamPage /> },
        Route::Audit => html! { <AuditPage /> },
        Route::Vault => html! { <VaultPage /> },
        Route::Trash => html! { <TrashPage /> },
    }
}
