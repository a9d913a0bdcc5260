//! Settings: theme, auto-lock, the default website and background health
//! checks. Saved by the shell with tauri-plugin-store; the window's size and
//! position are remembered there too, without asking.

use std::collections::BTreeMap;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::parts::{
    edit_select, field_error, form_card, labelled, labelled_with, text_input, Below,
};
use super::rotation_fields::{rotation_fields, use_typed_rotation};
use crate::hooks::{use_fetch, use_submit, Problems};
use crate::ipc::{self, Settings, Theme, Website};
use crate::state::{use_app, Action};

/// The minutes as typed, so a half-typed number is not replaced under the
/// cursor.
#[derive(Clone)]
struct Minutes {
    auto_lock: UseStateHandle<String>,
    health: UseStateHandle<String>,
    sync_every: UseStateHandle<String>,
}

impl Minutes {
    /// Puts the typed minutes into `settings`, or says which are wrong.
    fn apply(&self, settings: &mut Settings, found: &mut BTreeMap<String, String>) {
        let fields: [(&str, &str, &mut u32); 3] = [
            (
                "auto_lock_minutes",
                &self.auto_lock,
                &mut settings.auto_lock_minutes,
            ),
            (
                "health_check_minutes",
                &self.health,
                &mut settings.health_check_minutes,
            ),
            ("sync_minutes", &self.sync_every, &mut settings.sync_minutes),
        ];
        for (key, text, value) in fields {
            match minutes(text) {
                Ok(m) => *value = m,
                Err(msg) => {
                    found.insert(key.to_owned(), msg);
                }
            }
        }
    }
}

/// The settings form.
#[function_component(SettingsPage)]
pub fn settings_page() -> Html {
    let app = use_app();
    let draft = use_state(|| app.settings.clone());
    let typed = Minutes {
        auto_lock: use_state(|| app.settings.auto_lock_minutes.to_string()),
        health: use_state(|| app.settings.health_check_minutes.to_string()),
        sync_every: use_state(|| app.settings.sync_minutes.to_string()),
    };
    let rotation = use_typed_rotation(&app.settings);
    let submit = use_submit();
    let sites = use_fetch(app.revision, |_| ipc::websites());
    let sites = match &*sites {
        Some(Ok(list)) => list.clone(),
        _ => Vec::new(),
    };

    let on_theme = edit_select(&draft, |d, v| {
        d.theme = Theme::parse(&v).unwrap_or_default()
    });
    let on_site = edit_select(&draft, |d, v| {
        d.default_website = Some(v).filter(|v| !v.is_empty())
    });
    let on_save = {
        let (app, draft, typed, rotation) =
            (app.clone(), draft.clone(), typed.clone(), rotation.clone());
        submit.on_submit(move |submit| {
            let mut found = BTreeMap::new();
            let mut settings: Settings = (*draft).clone();
            typed.apply(&mut settings, &mut found);
            rotation.apply(&mut settings, &mut found);
            found.extend(settings.problems());
            if !found.is_empty() {
                submit.fail(Problems::fields(found));
                return;
            }
            let app = app.clone();
            submit.run(
                async move { ipc::save_settings(&settings).await },
                move |saved| {
                    app.dispatch(Action::Settings(saved));
                    app.dispatch(Action::Notice("Settings saved".into()));
                },
            );
        })
    };
    let error = |key: &str| field_error(format!("{key}-error"), submit.field(key));
    let d = &*draft;
    let theme = html! {
        <select id="set-theme" onchange={on_theme}>
            { for Theme::ALL.iter().map(|(t, label)| html! {
                <option value={t.as_str()} selected={*t == d.theme}>{ *label }</option>
            }) }
        </select>
    };
    let fields = html! {
        <>
            { labelled("Theme", theme) }
            { minutes_field(MinutesField {
                id: "set-auto-lock",
                label: "Lock after idle minutes",
                help: "0 never locks by itself; Lock now always works.",
                help_id: Some("set-auto-lock-help"),
                typed: &typed.auto_lock,
                error: error("auto_lock_minutes"),
            }) }
            { default_website(d, &sites, on_site, error("default_website")) }
            { minutes_field(MinutesField {
                id: "set-health",
                label: "Background health check every (minutes)",
                help: "Re-tests the active integrations while the app runs and tells you when one changes status. 0 is off.",
                help_id: None,
                typed: &typed.health,
                error: error("health_check_minutes"),
            }) }
            { minutes_field(MinutesField {
                id: "set-sync",
                label: "Sync with the shared server every (minutes)",
                help: "While connected and unlocked. 0 syncs only when you press Sync now.",
                help_id: None,
                typed: &typed.sync_every,
                error: error("sync_minutes"),
            }) }
            { rotation_fields(&rotation, &submit) }
            { updates(&app, d, &draft) }
            { field_error("general-error".into(), submit.general()) }
            <div class="form-actions">
                <button type="submit" class="button primary" id="set-save" disabled={submit.busy()}>{ "Save settings" }</button>
            </div>
        </>
    };
    form_card(
        "settings-title",
        "Settings",
        "Kept on this laptop. The window also remembers its size and place.",
        on_save,
        fields,
        Html::default(),
    )
}

/// Updates of the app: whether to look by itself, a "Check now" button and
/// what the last look found.
fn updates(app: &crate::state::AppContext, d: &Settings, draft: &UseStateHandle<Settings>) -> Html {
    let on_auto = {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            let on = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .checked();
            let mut next = (*draft).clone();
            next.check_updates = on;
            draft.set(next);
        })
    };
    let on_check = {
        let app = app.clone();
        Callback::from(move |_| {
            let app = app.clone();
            spawn_local(async move {
                match ipc::check_update().await {
                    Ok(status) => app.dispatch(Action::Update(status)),
                    Err(e) => app.dispatch(Action::Notice(e.message)),
                }
            });
        })
    };
    let found = match &app.update {
        None => String::new(),
        Some(u) => match (&u.available, &u.note) {
            (Some(offer), _) => format!(
                "You have {}; {} is available (see the top of the page).",
                u.current, offer.version
            ),
            (None, Some(note)) => format!("You have {}. {note}", u.current),
            (None, None) => format!(
                "You have {}, the newest your team server offers.",
                u.current
            ),
        },
    };
    html! {
        <div class="field">
            <span class="label">{ "Updates" }</span>
            <label class="check">
                <input type="checkbox" id="set-check-updates" checked={d.check_updates} onchange={on_auto} />
                { "Look for a newer version on the team server at start-up and every few hours" }
            </label>
            <div class="form-actions">
                <button type="button" class="button" id="set-check-now" onclick={on_check}>{ "Check now" }</button>
                <span class="muted" id="update-status" aria-live="polite">{ found }</span>
            </div>
        </div>
    }
}

/// One of the "every N minutes" inputs.
struct MinutesField<'a> {
    id: &'static str,
    label: &'static str,
    help: &'static str,
    /// The help's id, for an input described by it.
    help_id: Option<&'static str>,
    typed: &'a UseStateHandle<String>,
    error: Html,
}

fn minutes_field(f: MinutesField) -> Html {
    let input = html! {
        <input id={f.id} type="number" min="0" max={Settings::MAX_MINUTES.to_string()}
            inputmode="numeric" value={(**f.typed).clone()} oninput={text_input(f.typed)}
            aria-describedby={f.help_id} />
    };
    let below = Below {
        help: Some(f.help),
        help_id: f.help_id,
        error: f.error,
    };
    labelled_with(f.label, input, below)
}

/// The default website's select.
fn default_website(
    d: &Settings,
    sites: &[Website],
    onchange: Callback<Event>,
    error: Html,
) -> Html {
    let select = html! {
        <select id="set-default-website" {onchange}>
            <option value="" selected={d.default_website.is_none()}>{ "None (global, all websites)" }</option>
            { for sites.iter().map(|w| html! {
                <option value={w.id.clone()} selected={d.default_website.as_deref() == Some(w.id.as_str())}>
                    { format!("{} ({})", w.name, w.domain) }</option>
            }) }
        </select>
    };
    let below = Below {
        help: Some("New integrations start on it, and the list opens filtered to it."),
        help_id: None,
        error,
    };
    labelled_with("Default website", select, below)
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

#[cfg(test)]
mod tests {
    use super::minutes;

    #[test]
    fn minutes_are_whole_numbers_with_room_around_them() {
        assert_eq!(minutes(" 15 "), Ok(15));
        assert_eq!(minutes("0"), Ok(0));
        assert!(minutes("").unwrap_err().contains("Enter a number"));
        assert!(minutes("1.5").unwrap_err().contains("“1.5”"));
        assert!(minutes("-1").is_err());
    }
}
