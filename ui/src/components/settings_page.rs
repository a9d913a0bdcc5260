//! Settings: theme, auto-lock, the default website and background health
//! checks. Saved by the shell with tauri-plugin-store; the window's size and
//! position are remembered there too, without asking.

use std::collections::BTreeMap;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::hooks::use_fetch;
use crate::ipc::{self, Settings, Theme};
use crate::state::{use_app, Action};

/// The settings form.
#[function_component(SettingsPage)]
pub fn settings_page() -> Html {
    let app = use_app();
    let draft = use_state(|| app.settings.clone());
    // Minutes as typed, so a half-typed number is not replaced under the cursor.
    let auto_lock = use_state(|| app.settings.auto_lock_minutes.to_string());
    let health = use_state(|| app.settings.health_check_minutes.to_string());
    let sync_every = use_state(|| app.settings.sync_minutes.to_string());
    let errors = use_state(BTreeMap::<String, String>::new);
    let busy = use_state(|| false);
    let sites = use_fetch(app.revision, |_| ipc::websites());
    let sites = match &*sites {
        Some(Ok(list)) => list.clone(),
        _ => Vec::new(),
    };

    let on_theme = {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            let mut d = (*draft).clone();
            d.theme = Theme::parse(&v).unwrap_or_default();
            draft.set(d);
        })
    };
    let on_site = {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            let mut d = (*draft).clone();
            d.default_website = Some(v).filter(|v| !v.is_empty());
            draft.set(d);
        })
    };
    let text = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            state.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_save = {
        let (app, draft, auto_lock, health, sync_every, errors, busy) = (
            app.clone(),
            draft.clone(),
            auto_lock.clone(),
            health.clone(),
            sync_every.clone(),
            errors.clone(),
            busy.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let mut found = BTreeMap::new();
            let mut settings: Settings = (*draft).clone();
            match minutes(&auto_lock) {
                Ok(m) => settings.auto_lock_minutes = m,
                Err(msg) => {
                    found.insert("auto_lock_minutes".to_owned(), msg);
                }
            }
            match minutes(&health) {
                Ok(m) => settings.health_check_minutes = m,
                Err(msg) => {
                    found.insert("health_check_minutes".to_owned(), msg);
                }
            }
            match minutes(&sync_every) {
                Ok(m) => settings.sync_minutes = m,
                Err(msg) => {
                    found.insert("sync_minutes".to_owned(), msg);
                }
            }
            found.extend(settings.problems());
            if !found.is_empty() {
                errors.set(found);
                return;
            }
            let (app, errors, busy) = (app.clone(), errors.clone(), busy.clone());
            busy.set(true);
            spawn_local(async move {
                match ipc::save_settings(&settings).await {
                    Ok(saved) => {
                        errors.set(BTreeMap::new());
                        app.dispatch(Action::Settings(saved));
                        app.dispatch(Action::Notice("Settings saved".into()));
                    }
                    Err(e) => {
                        let mut f = e.fields.clone();
                        if f.is_empty() {
                            f.insert("general".into(), e.message);
                        }
                        errors.set(f);
                    }
                }
                busy.set(false);
            });
        })
    };
    let error = |key: &str| {
        errors.get(key).map(|m| {
            html! { <p class="field-error" id={format!("{key}-error")} role="alert">{ m }</p> }
        })
    };
    let d = &*draft;
    html! {
        <section class="card settings-card" aria-labelledby="settings-title">
            <h2 id="settings-title">{ "Settings" }</h2>
            <p class="muted">{ "Kept on this laptop. The window also remembers its size and place." }</p>
            <form class="form settings-form" onsubmit={on_save} novalidate=true>
                <label class="field">
                    <span class="label">{ "Theme" }</span>
                    <select id="set-theme" onchange={on_theme}>
                        { for Theme::ALL.iter().map(|(t, label)| html! {
                            <option value={t.as_str()} selected={*t == d.theme}>{ *label }</option>
                        }) }
                    </select>
                </label>
                <label class="field">
                    <span class="label">{ "Lock after idle minutes" }</span>
                    <input id="set-auto-lock" type="number" min="0" max={Settings::MAX_MINUTES.to_string()}
                        inputmode="numeric" value={(*auto_lock).clone()} oninput={text(&auto_lock)}
                        aria-describedby="set-auto-lock-help" />
                    <span class="help" id="set-auto-lock-help">{ "0 never locks by itself; Lock now always works." }</span>
                    { error("auto_lock_minutes") }
                </label>
                <label class="field">
                    <span class="label">{ "Default website" }</span>
                    <select id="set-default-website" onchange={on_site}>
                        <option value="" selected={d.default_website.is_none()}>{ "None (global, all websites)" }</option>
                        { for sites.iter().map(|w| html! {
                            <option value={w.id.clone()} selected={d.default_website.as_deref() == Some(w.id.as_str())}>
                                { format!("{} ({})", w.name, w.domain) }</option>
                        }) }
                    </select>
                    <span class="help">{ "New integrations start on it, and the list opens filtered to it." }</span>
                    { error("default_website") }
                </label>
                <label class="field">
                    <span class="label">{ "Background health check every (minutes)" }</span>
                    <input id="set-health" type="number" min="0" max={Settings::MAX_MINUTES.to_string()}
                        inputmode="numeric" value={(*health).clone()} oninput={text(&health)} />
                    <span class="help">{ "Re-tests the active integrations while the app runs and tells you when one changes status. 0 is off." }</span>
                    { error("health_check_minutes") }
                </label>
                <label class="field">
                    <span class="label">{ "Sync with the shared server every (minutes)" }</span>
                    <input id="set-sync" type="number" min="0" max={Settings::MAX_MINUTES.to_string()}
                        inputmode="numeric" value={(*sync_every).clone()} oninput={text(&sync_every)} />
                    <span class="help">{ "While connected and unlocked. 0 syncs only when you press Sync now." }</span>
                    { error("sync_minutes") }
                </label>
                { error("general") }
                <div class="form-actions">
                    <button type="submit" class="button primary" id="set-save" disabled={*busy}>{ "Save settings" }</button>
                </div>
            </form>
        </section>
    }
}

/// A whole number of minutes from the input, or what is wrong with it.
fn minutes(text: &str) -> Result<u32, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("Enter a number of minutes (0 turns it off).".into());
    }
    t.parse::<u32>()
        .map_err(|_| format!("“{t}” is not a whole number of minutes."))
}
