//! What the main area shows while no integration is stored yet.

use yew::prelude::*;

use super::CatalogSummary;

/// A friendly card saying the store is empty, and what it can hold.
#[function_component(EmptyState)]
pub fn empty_state() -> Html {
    html! {
        <section class="card empty" aria-labelledby="empty-title">
            <div class="empty-icon" aria-hidden="true">
                <svg viewBox="0 0 24 24">
                    <rect x="4" y="10" width="16" height="11" rx="2.5" />
                    <path d="M8 10 V7 a4 4 0 0 1 8 0 V10" />
                </svg>
            </div>
            <h2 id="empty-title">{ "No integrations yet" }</h2>
            <p class="muted">
                { "Credentials for the services your team connects to will be listed here." }
            </p>
            <CatalogSummary />
        </section>
    }
}
