//! /integrations, the home: a card per integration type (click to add one),
//! the list of stored integrations, and the add/edit drawer.

use yew::prelude::*;

use super::type_card::type_card;
use super::{IntegrationForm, IntegrationList};
use crate::hooks::use_fetch_seeded;
use crate::ipc::{self, TypeOverview};
use crate::state::use_app;

/// What the drawer is doing.
#[derive(Clone, Debug, PartialEq)]
pub enum Editor {
    /// Adding an integration of this type.
    New(String),
    /// Editing this integration.
    Edit(String),
}

/// The home page.
#[function_component(IntegrationsPage)]
pub fn integrations_page() -> Html {
    let app = use_app();
    let overview = use_fetch_seeded(
        app.revision,
        || app.first.take_overview(),
        |_| async {
            crate::hooks::mark("sb-overview-ask");
            let answer = ipc::type_overview().await;
            crate::hooks::mark("sb-overview");
            answer
        },
    );
    let editor = use_state(|| None::<Editor>);
    let counts: &[TypeOverview] = match &*overview {
        Some(Ok(list)) => list,
        _ => &[],
    };
    let card = |ty: &'static switchboard_catalog::IntegrationType| {
        let none = TypeOverview::default();
        let o = counts
            .iter()
            .find(|o| o.integration_type == ty.id)
            .unwrap_or(&none);
        let onclick = {
            let editor = editor.clone();
            Callback::from(move |_| editor.set(Some(Editor::New(ty.id.to_owned()))))
        };
        type_card(ty, o, onclick)
    };
    let types = switchboard_catalog::types();
    let on_edit = {
        let editor = editor.clone();
        Callback::from(move |id: String| editor.set(Some(Editor::Edit(id))))
    };
    let on_close = {
        let editor = editor.clone();
        Callback::from(move |_| editor.set(None))
    };
    html! {
        <div class="integrations-page">
            <section aria-labelledby="channels-title">
                <h2 id="channels-title" class="section-title">{ "Channels" }</h2>
                <p class="muted section-sub">{ "Pick a card to connect a new service." }</p>
                <div class="cards">
                    { for types.iter().filter(|t| t.source.in_first()).map(card) }
                </div>
            </section>
            <section aria-labelledby="services-title">
                <h2 id="services-title" class="section-title">{ "Services" }</h2>
                <div class="cards">
                    { for types.iter().filter(|t| !t.source.in_first()).map(card) }
                </div>
            </section>
            <IntegrationList {on_edit} />
            if let Some(mode) = &*editor {
                <IntegrationForm mode={mode.clone()} {on_close} />
            }
        </div>
    }
}
