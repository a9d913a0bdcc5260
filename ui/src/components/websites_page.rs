//! The websites an integration can belong to: create, rename and delete
//! them (a website in use cannot be deleted; the message says what to do).

use yew::prelude::*;

use super::parts::edit_text;
use super::row_edits::RowEdits;
use crate::hooks::{use_fetch, use_submit};
use crate::ipc::{self, NewWebsite, Website, WebsiteUpdate};
use crate::state::use_app;

/// The websites page.
#[function_component(WebsitesPage)]
pub fn websites_page() -> Html {
    let app = use_app();
    let sites = use_fetch(app.revision, |_| ipc::websites());
    let new = use_state(NewWebsite::default);
    // One place for the last error of adding, renaming or deleting.
    let submit = use_submit();
    let onsubmit = submit.send_draft(
        &new,
        &app,
        NewWebsite::default,
        |request| async move { ipc::create_website(&request).await },
        |w| format!("Added “{}”", w.name),
    );
    let rows = Rows {
        editing: use_state(|| None::<WebsiteUpdate>),
        deleting: use_state(|| None::<Website>),
        submit: submit.clone(),
        app,
    };
    let list = match &*sites {
        None => html! { <p class="muted">{ "Loading…" }</p> },
        Some(Err(e)) => html! { <p class="error">{ &e.message }</p> },
        Some(Ok(l)) if l.is_empty() => html! {
            <p class="empty-list">{ "No websites yet: every integration is global. Add one to scope integrations to it." }</p>
        },
        Some(Ok(l)) => html! {
            <ul class="site-list">
                { for l.iter().map(|w| rows.row(w)) }
            </ul>
        },
    };
    html! {
        <section class="card sites-card" aria-labelledby="sites-title">
            <h2 id="sites-title">{ "Websites" }</h2>
            { list }
            <form class="inline-form" {onsubmit}>
                <input type="text" id="site-name" placeholder="Name, e.g. Shop" aria-label="Website name"
                    value={new.name.clone()} oninput={edit_text(&new, |n, v| n.name = v)} />
                <input type="text" id="site-domain" placeholder="shop.example.com" aria-label="Website domain"
                    value={new.domain.clone()} oninput={edit_text(&new, |n, v| n.domain = v)} />
                <button class="button primary" id="site-add" type="submit">{ "Add website" }</button>
            </form>
            if let Some(msg) = submit.message() {
                <p class="error" id="site-error" role="alert">{ msg }</p>
            }
            { rows.delete_dialog() }
        </section>
    }
}

/// The list's rows: which one is being renamed, which one waits for the
/// delete confirmation.
type Rows = RowEdits<WebsiteUpdate, Website>;

impl Rows {
    fn row(&self, w: &Website) -> Html {
        match &*self.editing {
            Some(draft) if draft.id == w.id => self.edit_row(w, draft),
            _ => self.plain_row(w),
        }
    }

    /// The row with its Rename and Delete buttons.
    fn plain_row(&self, w: &Website) -> Html {
        let rename = {
            let (editing, w) = (self.editing.clone(), w.clone());
            Callback::from(move |_: MouseEvent| {
                editing.set(Some(WebsiteUpdate {
                    id: w.id.clone(),
                    name: w.name.clone(),
                    domain: w.domain.clone(),
                }))
            })
        };
        let delete = self.ask_delete(w);
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

    /// The row being renamed: its name and domain as inputs.
    fn edit_row(&self, w: &Website, draft: &WebsiteUpdate) -> Html {
        let (save, cancel) = self.save_and_cancel(
            |request| async move { ipc::update_website(&request).await },
            |w| format!("Saved “{}”", w.name),
        );
        html! {
            <li key={w.id.clone()} data-site={w.name.clone()} class="site-editing">
                <form class="inline-form" onsubmit={save}>
                    <input type="text" id="site-edit-name" aria-label="New website name"
                        value={draft.name.clone()} oninput={edit_text(&self.editing, |d, v| {
                            if let Some(d) = d { d.name = v }
                        })} />
                    <input type="text" id="site-edit-domain" aria-label="New website domain"
                        value={draft.domain.clone()} oninput={edit_text(&self.editing, |d, v| {
                            if let Some(d) = d { d.domain = v }
                        })} />
                    <button class="button primary" id="site-save" type="submit">{ "Save" }</button>
                    <button class="button ghost" id="site-cancel" type="button" onclick={cancel}>{ "Cancel" }</button>
                </form>
            </li>
        }
    }

    /// The confirmation before a website is deleted.
    fn delete_dialog(&self) -> Html {
        self.confirm_delete(
            "Delete website",
            |w| {
                format!(
                    "Delete the website “{}”? Its integrations must be moved or deleted first.",
                    w.name
                )
            },
            |w| async move { ipc::delete_website(&w.id).await },
            |w| format!("Deleted “{}”", w.name),
        )
    }
}
