//! The websites an integration can belong to: create and list them.

use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::hooks::use_fetch;
use crate::ipc::{self, NewWebsite};
use crate::state::{use_app, Action};

/// The websites page.
#[function_component(WebsitesPage)]
pub fn websites_page() -> Html {
    let app = use_app();
    let sites = use_fetch(app.revision, |_| ipc::websites());
    let name = use_state(String::new);
    let domain = use_state(String::new);
    let error = use_state(|| None::<String>);
    let input = |h: &UseStateHandle<String>| {
        let h = h.clone();
        Callback::from(move |e: InputEvent| {
            h.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let onsubmit = {
        let (name, domain, error, app) = (name.clone(), domain.clone(), error.clone(), app.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let request = NewWebsite {
                name: (*name).clone(),
                domain: (*domain).clone(),
            };
            let (name, domain, error, app) =
                (name.clone(), domain.clone(), error.clone(), app.clone());
            spawn_local(async move {
                match ipc::create_website(&request).await {
                    Ok(w) => {
                        name.set(String::new());
                        domain.set(String::new());
                        error.set(None);
                        app.dispatch(Action::Changed(format!("Added “{}”", w.name)));
                    }
                    Err(e) => error.set(Some(e.message)),
                }
            });
        })
    };
    let list = match &*sites {
        None => html! { <p class="muted">{ "Loading…" }</p> },
        Some(Err(e)) => html! { <p class="error">{ &e.message }</p> },
        Some(Ok(l)) if l.is_empty() => html! {
            <p class="empty-list">{ "No websites yet: every integration is global. Add one to scope integrations to it." }</p>
        },
        Some(Ok(l)) => html! {
            <ul class="site-list">
                { for l.iter().map(|w| html! {
                    <li key={w.id.clone()}><strong>{ &w.name }</strong><span class="muted">{ &w.domain }</span></li>
                }) }
            </ul>
        },
    };
    html! {
        <section class="card sites-card" aria-labelledby="sites-title">
            <h2 id="sites-title">{ "Websites" }</h2>
            { list }
            <form class="inline-form" {onsubmit}>
                <input type="text" id="site-name" placeholder="Name, e.g. Shop" aria-label="Website name"
                    value={(*name).clone()} oninput={input(&name)} />
                <input type="text" id="site-domain" placeholder="shop.example.com" aria-label="Website domain"
                    value={(*domain).clone()} oninput={input(&domain)} />
                <button class="button primary" id="site-add" type="submit">{ "Add website" }</button>
            </form>
            if let Some(msg) = &*error {
                <p class="error" role="alert">{ msg }</p>
            }
        </section>
    }
}
