//! The websites an integration can belong to: create, rename and delete
//! them (a website in use cannot be deleted; the message says what to do).

use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::hooks::use_fetch;
use crate::ipc::{self, NewWebsite, Website, WebsiteUpdate};
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
    let editing = use_state(|| None::<WebsiteUpdate>);
    let deleting = use_state(|| None::<Website>);
    let row = |w: &Website| {
        let is_editing = editing.as_ref().is_some_and(|e| e.id == w.id);
        if is_editing {
            let draft = (*editing).clone().unwrap_or_default();
            let set = |which: fn(&mut WebsiteUpdate, String)| {
                let editing = editing.clone();
                Callback::from(move |e: InputEvent| {
                    if let Some(mut d) = (*editing).clone() {
                        which(
                            &mut d,
                            e.target_unchecked_into::<HtmlInputElement>().value(),
                        );
                        editing.set(Some(d));
                    }
                })
            };
            let save = {
                let (editing, error, app) = (editing.clone(), error.clone(), app.clone());
                Callback::from(move |e: SubmitEvent| {
                    e.prevent_default();
                    let Some(request) = (*editing).clone() else {
                        return;
                    };
                    let (editing, error, app) = (editing.clone(), error.clone(), app.clone());
                    spawn_local(async move {
                        match ipc::update_website(&request).await {
                            Ok(w) => {
                                editing.set(None);
                                error.set(None);
                                app.dispatch(Action::Changed(format!("Saved “{}”", w.name)));
                            }
                            Err(e) => error.set(Some(e.message)),
                        }
                    });
                })
            };
            let cancel = {
                let (editing, error) = (editing.clone(), error.clone());
                Callback::from(move |_: MouseEvent| {
                    editing.set(None);
                    error.set(None);
                })
            };
            html! {
                <li key={w.id.clone()} data-site={w.name.clone()} class="site-editing">
                    <form class="inline-form" onsubmit={save}>
                        <input type="text" id="site-edit-name" aria-label="New website name"
                            value={draft.name.clone()} oninput={set(|d, v| d.name = v)} />
                        <input type="text" id="site-edit-domain" aria-label="New website domain"
                            value={draft.domain.clone()} oninput={set(|d, v| d.domain = v)} />
                        <button class="button primary" id="site-save" type="submit">{ "Save" }</button>
                        <button class="button ghost" id="site-cancel" type="button" onclick={cancel}>{ "Cancel" }</button>
                    </form>
                </li>
            }
        } else {
            let rename = {
                let (editing, w) = (editing.clone(), w.clone());
                Callback::from(move |_: MouseEvent| {
                    editing.set(Some(WebsiteUpdate {
                        id: w.id.clone(),
                        name: w.name.clone(),
                        domain: w.domain.clone(),
                    }))
                })
            };
            let delete = {
                let (deleting, w) = (deleting.clone(), w.clone());
                Callback::from(move |_: MouseEvent| deleting.set(Some(w.clone())))
            };
            html! {
                <li key={w.id.clone()} data-site={w.name.clone()}>
                    <strong>{ &w.name }</strong><span class="muted">{ &w.domain }</span>
                    <span class="site-actions">
                        <button class="button ghost site-rename" type="button"
                            aria-label={format!("Rename {}", w.name)} onclick={rename}>{ "Rename" }</button>
                        <button class="button ghost site-delete" type="button"
                            aria-label={format!("Delete {}", w.name)} onclick={delete}>{ "Delete" }</button>
                    </span>
                </li>
            }
        }
    };
    let list = match &*sites {
        None => html! { <p class="muted">{ "Loading…" }</p> },
        Some(Err(e)) => html! { <p class="error">{ &e.message }</p> },
        Some(Ok(l)) if l.is_empty() => html! {
            <p class="empty-list">{ "No websites yet: every integration is global. Add one to scope integrations to it." }</p>
        },
        Some(Ok(l)) => html! {
            <ul class="site-list">
                { for l.iter().map(row) }
            </ul>
        },
    };
    let dialog = deleting.as_ref().map(|w| {
        let confirm = {
            let (deleting, error, app, w) =
                (deleting.clone(), error.clone(), app.clone(), w.clone());
            Callback::from(move |()| {
                let (deleting, error, app, w) =
                    (deleting.clone(), error.clone(), app.clone(), w.clone());
                spawn_local(async move {
                    deleting.set(None);
                    match ipc::delete_website(&w.id).await {
                        Ok(()) => {
                            error.set(None);
                            app.dispatch(Action::Changed(format!("Deleted “{}”", w.name)));
                        }
                        Err(e) => error.set(Some(e.message)),
                    }
                });
            })
        };
        let cancel = {
            let deleting = deleting.clone();
            Callback::from(move |()| deleting.set(None))
        };
        html! {
            <super::ConfirmDialog title="Delete website"
                message={format!("Delete the website “{}”? Its integrations must be moved or deleted first.", w.name)}
                confirm_label="Delete website" on_confirm={confirm} on_cancel={cancel} />
        }
    });
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
                <p class="error" id="site-error" role="alert">{ msg }</p>
            }
            { for dialog }
        </section>
    }
}
