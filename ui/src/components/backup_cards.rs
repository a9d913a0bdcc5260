//! The Vault page's backup cards: write an encrypted backup, and restore
//! one after a preview that shows what is new, unchanged, changed or in
//! conflict by name, with a choice for each of the last two.

use std::collections::BTreeMap;
use yew::prelude::*;

use super::parts::{check_input, field_error, table_head, text_input};
use super::vault_page::{new_passphrase_problem, password_field};
use crate::hooks::{use_submit, Problems};
use crate::ipc::{
    self, BackupRequest, RestoreApply, RestoreChoice, RestoreChoices, RestoreItem, RestoreKind,
    RestoreOpen, RestorePreview,
};
use crate::state::{use_app, Action};

/// A plain text input with its label, help and problem.
fn path_field(
    id: &'static str,
    value: &UseStateHandle<String>,
    help: &'static str,
    error: Html,
) -> Html {
    html! {
        <label class="field">
            <span class="label">{ "File" }</span>
            <input type="text" {id} value={(**value).clone()} oninput={text_input(value)}
                placeholder="~/Documents/switchboard-backup.sbk" />
            <span class="help">{ help }</span>
            { error }
        </label>
    }
}

/// "1 website", "2 websites".
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Write an encrypted backup.
#[function_component(BackupCard)]
pub fn backup_card() -> Html {
    let path = use_state(String::new);
    let passphrase = use_state(String::new);
    let repeat = use_state(String::new);
    let with_secrets = use_state(|| true);
    let done = use_state(|| None::<String>);
    let submit = use_submit();
    let onsubmit = {
        let (path, passphrase, repeat, with_secrets, done) = (
            path.clone(),
            passphrase.clone(),
            repeat.clone(),
            with_secrets.clone(),
            done.clone(),
        );
        submit.on_submit(move |submit| {
            if let Some((key, problem)) = new_passphrase_problem("passphrase", &passphrase, &repeat)
            {
                submit.fail(Problems::field(&key, &problem));
                return;
            }
            let request = BackupRequest {
                path: (*path).clone(),
                passphrase: (*passphrase).clone(),
                with_secrets: *with_secrets,
            };
            let (passphrase, repeat, done) = (passphrase.clone(), repeat.clone(), done.clone());
            submit.run(async move { ipc::write_backup(&request).await }, move |w| {
                passphrase.set(String::new());
                repeat.set(String::new());
                let what = if w.includes_secrets {
                    "with their secrets"
                } else {
                    "without secrets"
                };
                let mut text = format!(
                    "Saved {} and {}, {what}, to {}.",
                    count(w.integrations as usize, "integration"),
                    count(w.websites, "website"),
                    w.path
                );
                for warning in &w.warnings {
                    text.push(' ');
                    text.push_str(warning);
                }
                done.set(Some(text));
            });
        })
    };
    let error = |key: &str| field_error(format!("backup-{key}-error"), submit.field(key));
    html! {
        <section class="card settings-card" aria-labelledby="backup-title">
            <h2 id="backup-title">{ "Back up" }</h2>
            <p class="muted">
                { "One file, sealed under a passphrase you choose here (Argon2id and AES-256-GCM): \
                   it opens on any laptop with that passphrase, and with nothing else." }
            </p>
            <form class="form settings-form" {onsubmit} novalidate=true>
                { path_field("backup-path", &path, "Empty: a dated file in your Documents folder.", error("path")) }
                { password_field("backup-passphrase", "Backup passphrase", "new-password", &passphrase, error("passphrase")) }
                { password_field("backup-repeat", "Repeat it", "new-password", &repeat, error("repeat")) }
                <label class="check">
                    <input type="checkbox" id="backup-secrets" checked={*with_secrets} onchange={check_input(&with_secrets)} />
                    { "Include secret values (sealed in the file with the rest)" }
                </label>
                { field_error("backup-general".into(), submit.general()) }
                <div class="form-actions">
                    <button type="submit" class="button primary" id="backup-write" disabled={submit.busy()}>
                        { if submit.busy() { "Writing…" } else { "Write backup" } }
                    </button>
                    <span class="muted" id="backup-result" aria-live="polite">{ (*done).clone().unwrap_or_default() }</span>
                </div>
            </form>
        </section>
    }
}

/// Restore a backup: open and preview, choose, restore.
#[function_component(RestoreCard)]
pub fn restore_card() -> Html {
    let app = use_app();
    let path = use_state(String::new);
    let passphrase = use_state(String::new);
    let preview = use_state(|| None::<RestorePreview>);
    let choices = use_state(BTreeMap::<String, RestoreChoice>::new);
    let done = use_state(|| None::<String>);
    let submit = use_submit();
    let open = || RestoreOpen {
        path: (*path).clone(),
        passphrase: (*passphrase).clone(),
    };
    let on_preview = {
        let (preview, choices, done, request) =
            (preview.clone(), choices.clone(), done.clone(), open());
        submit.on_submit(move |submit| {
            let (preview, choices, done, request) = (
                preview.clone(),
                choices.clone(),
                done.clone(),
                request.clone(),
            );
            done.set(None);
            submit.run(
                async move { ipc::preview_restore(&request).await },
                move |p| {
                    choices.set(BTreeMap::new());
                    preview.set(Some(p));
                },
            );
        })
    };
    let on_restore = {
        let (app, preview, choices, done, request) = (
            app.clone(),
            preview.clone(),
            choices.clone(),
            done.clone(),
            open(),
        );
        let submit = submit.clone();
        Callback::from(move |_: MouseEvent| {
            let apply = RestoreApply {
                open: request.clone(),
                choices: RestoreChoices {
                    items: (*choices).clone(),
                    ..RestoreChoices::default()
                },
            };
            let (app, preview, done) = (app.clone(), preview.clone(), done.clone());
            submit.run(async move { ipc::apply_restore(&apply).await }, move |r| {
                preview.set(None);
                let mut text = format!(
                    "Restored: {} added, {} updated, {} kept as they were, {} added beside one of the same name, {} already the same.",
                    r.added,
                    r.updated.len(),
                    r.kept_mine.len(),
                    r.kept_both.len(),
                    r.unchanged
                );
                if !r.secrets_to_reenter.is_empty() {
                    text.push_str(&format!(
                        " {} need their secrets entered again (the backup had none).",
                        r.secrets_to_reenter.len()
                    ));
                }
                done.set(Some(text.clone()));
                app.dispatch(Action::Changed(text));
            });
        })
    };
    let error = |key: &str| field_error(format!("restore-{key}-error"), submit.field(key));
    html! {
        <section class="card settings-card" aria-labelledby="restore-title">
            <h2 id="restore-title">{ "Restore" }</h2>
            <p class="muted">
                { "Open a backup to see what it would change before anything does. A wrong passphrase, \
                   a damaged or altered file, or one from a newer Switchboard is refused, and a restore \
                   is all or nothing." }
            </p>
            <form class="form settings-form" onsubmit={on_preview} novalidate=true>
                { path_field("restore-path", &path, "The .sbk file a backup wrote.", error("path")) }
                { password_field("restore-passphrase", "Backup passphrase", "off", &passphrase, error("passphrase")) }
                { field_error("restore-general".into(), submit.general()) }
                <div class="form-actions">
                    <button type="submit" class="button" id="restore-preview" disabled={submit.busy()}>{ "Preview" }</button>
                    <span class="muted" id="restore-result" aria-live="polite">{ (*done).clone().unwrap_or_default() }</span>
                </div>
            </form>
            if let Some(p) = &*preview {
                { preview_view(p, &choices, on_restore, submit.busy()) }
            }
        </section>
    }
}

/// The counts, the items that need a choice, and Restore.
fn preview_view(
    p: &RestorePreview,
    choices: &UseStateHandle<BTreeMap<String, RestoreChoice>>,
    on_restore: Callback<MouseEvent>,
    busy: bool,
) -> Html {
    let c = &p.counts;
    let counts = format!(
        "{} new, {} unchanged, {} changed, {} with the name of another; {}.",
        c.new,
        c.unchanged,
        c.changed,
        c.conflict,
        if p.includes_secrets {
            "secrets included"
        } else {
            "no secrets in this backup"
        }
    );
    let open: Vec<&RestoreItem> = p
        .integrations
        .iter()
        .filter(|i| matches!(i.kind, RestoreKind::Changed | RestoreKind::Conflict))
        .collect();
    html! {
        <div class="restore-preview" id="restore-plan">
            <p id="restore-counts">{ counts }</p>
            if !open.is_empty() {
                <table class="list" aria-label="Changed and conflicting integrations">
                    { table_head(&["Integration", "In this vault", "Differs in", "Restore"], Html::default()) }
                    <tbody>
                        { for open.into_iter().map(|item| choice_row(item, choices)) }
                    </tbody>
                </table>
            }
            <div class="form-actions">
                <button type="button" class="button primary" id="restore-apply" disabled={busy}
                    onclick={on_restore}>{ "Restore" }</button>
            </div>
        </div>
    }
}

/// One changed or conflicting integration and its choice.
fn choice_row(
    item: &RestoreItem,
    choices: &UseStateHandle<BTreeMap<String, RestoreChoice>>,
) -> Html {
    let key = item.key.clone();
    let chosen = choices.get(&key).copied().unwrap_or_default();
    let onchange = {
        let (choices, key) = (choices.clone(), key.clone());
        Callback::from(move |e: Event| {
            let choice = match super::parts::select_value(&e).as_str() {
                "take_file" => RestoreChoice::TakeFile,
                "keep_both" => RestoreChoice::KeepBoth,
                _ => RestoreChoice::KeepMine,
            };
            let mut next = (*choices).clone();
            next.insert(key.clone(), choice);
            choices.set(next);
        })
    };
    let conflict = item.kind == RestoreKind::Conflict;
    let mut options = vec![
        ("keep_mine", "Keep mine"),
        ("take_file", "Take the backup's"),
    ];
    if conflict {
        options.push(("keep_both", "Keep both"));
    }
    let value = match chosen {
        RestoreChoice::KeepMine => "keep_mine",
        RestoreChoice::TakeFile => "take_file",
        RestoreChoice::KeepBoth => "keep_both",
    };
    html! {
        <tr class="row" data-key={key.clone()}>
            <td>{ &item.name }<span class="muted">{ if conflict { " (same name)" } else { " (changed)" } }</span></td>
            <td>{ item.store_name.clone().unwrap_or_default() }</td>
            <td class="muted">{ item.fields.join(", ") }</td>
            <td>
                <select id={format!("restore-choice-{key}")} {onchange} aria-label={format!("Restore {}", item.name)}>
                    { for options.into_iter().map(|(v, label)| html! {
                        <option value={v} selected={v == value}>{ label }</option>
                    }) }
                </select>
            </td>
        </tr>
    }
}
