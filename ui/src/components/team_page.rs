//! The team server's people, for admins: add someone with a first
//! password, change their role and websites, reset their password, stop
//! or allow their sign-in, delete them, and see and end their sign-ins by
//! device. Everything is read from and written to the server; the server
//! refuses anyone but an admin, and the page says so.

use yew::prelude::*;

use super::parts::{edit_select, edit_text, field_error, labelled, table_head};
use super::row_edits::RowEdits;
use crate::hooks::{use_fetch, use_submit};
use crate::ipc::{self, NewPerson, PersonUpdate, Team, TeamSession, TeamUser, TeamWebsite};
use crate::route::Route;
use crate::state::{use_app, Action};
use crate::time;

const ROLES: [(&str, &str); 3] = [
    ("admin", "Admin: everything, people too"),
    ("member", "Member: their websites' integrations"),
    ("viewer", "Viewer: reads, never secrets"),
];

/// The Team page.
#[function_component(TeamPage)]
pub fn team_page() -> Html {
    let app = use_app();
    let team = use_fetch(app.revision, |_| ipc::team());
    let panel = Panel {
        rows: RowEdits {
            editing: use_state(|| None::<PersonUpdate>),
            deleting: use_state(|| None::<TeamUser>),
            submit: use_submit(),
            app: app.clone(),
        },
        devices: use_state(|| None::<Devices>),
    };
    let body = match &*team {
        None => html! { <p class="muted">{ "Loading…" }</p> },
        Some(Err(e)) => {
            let to_sync = {
                let app = app.clone();
                Callback::from(move |_| app.dispatch(Action::Navigate(Route::Sync)))
            };
            html! {
                <>
                    <p class="error" id="team-error" role="alert">{ &e.message }</p>
                    if e.code == "not_connected" {
                        <button class="button primary" onclick={to_sync}>{ "Open Sync" }</button>
                    }
                </>
            }
        }
        Some(Ok(team)) => html! {
            <>
                { panel.table(team) }
                if let Some(msg) = panel.rows.submit.general() {
                    <p class="error" id="team-action-error" role="alert">{ msg }</p>
                }
                { panel.devices_card() }
                <AddPerson websites={team.websites.clone()} />
                { panel.delete_dialog() }
            </>
        },
    };
    html! {
        <section class="card team-card" aria-labelledby="team-title">
            <h2 id="team-title">{ "Team" }</h2>
            <p class="muted">{ "The people of your team server, their roles, websites and signed-in devices. Changes apply on the server at once." }</p>
            { body }
        </section>
    }
}

/// The names of website ids, or "All websites" for admins.
fn website_names(user: &TeamUser, sites: &[TeamWebsite]) -> String {
    if user.role == "admin" {
        return "All websites".into();
    }
    let names: Vec<&str> = sites
        .iter()
        .filter(|w| user.websites.contains(&w.id))
        .map(|w| w.name.as_str())
        .collect();
    if names.is_empty() {
        "None".into()
    } else {
        names.join(", ")
    }
}

/// Checkboxes for the websites; `on_toggle` gets the id and the new state.
fn website_checks(
    sites: &[TeamWebsite],
    chosen: &[i64],
    prefix: &str,
    on_toggle: Callback<(i64, bool)>,
) -> Html {
    if sites.is_empty() {
        return html! { <p class="muted">{ "The server has no websites yet." }</p> };
    }
    html! {
        <fieldset class="site-checks">
            <legend class="label">{ "Websites" }</legend>
            { for sites.iter().map(|w| {
                let id = w.id;
                let toggle = on_toggle.reform(move |e: Event| {
                    let on = e.target_unchecked_into::<web_sys::HtmlInputElement>().checked();
                    (id, on)
                });
                html! {
                    <label class="check" key={w.id}>
                        <input type="checkbox" id={format!("{prefix}-site-{}", w.id)}
                            data-site={w.name.clone()}
                            checked={chosen.contains(&w.id)} onchange={toggle} />
                        { &w.name }
                    </label>
                }
            }) }
        </fieldset>
    }
}

fn role_select(id: &'static str, value: &str, onchange: Callback<Event>) -> Html {
    html! {
        <select {id} {onchange} aria-label="Role">
            { for ROLES.iter().map(|(r, label)| html! {
                <option value={*r} selected={*r == value}>{ *label }</option>
            }) }
        </select>
    }
}

/// Whose devices are shown, and their sign-ins once read.
type Devices = (TeamUser, Option<Result<Vec<TeamSession>, String>>);

/// What the rows open: the edit form, the devices list, the delete question.
struct Panel {
    rows: RowEdits<PersonUpdate, TeamUser>,
    devices: UseStateHandle<Option<Devices>>,
}

impl Panel {
    fn table(&self, team: &Team) -> Html {
        html! {
            <table class="list team" aria-label="People">
                { table_head(&["Person", "Role", "Websites", "Sign-in", ""], Html::default()) }
                <tbody>
                    { for team.users.iter().map(|u| self.row(u, team)) }
                </tbody>
            </table>
        }
    }

    fn row(&self, u: &TeamUser, team: &Team) -> Html {
        if let Some(draft) = self.rows.editing.as_ref().filter(|d| d.id == u.id) {
            return self.edit_row(u, draft, &team.websites);
        }
        let me = team.me.as_deref() == Some(u.email.as_str());
        let edit = {
            let (editing, u) = (self.rows.editing.clone(), u.clone());
            Callback::from(move |_: MouseEvent| {
                editing.set(Some(PersonUpdate {
                    id: u.id,
                    role: Some(u.role.clone()),
                    websites: Some(u.websites.clone()),
                    ..PersonUpdate::default()
                }))
            })
        };
        let devices = {
            let (devices, u) = (self.devices.clone(), u.clone());
            Callback::from(move |_: MouseEvent| {
                devices.set(Some((u.clone(), None)));
                let (devices, u) = (devices.clone(), u.clone());
                yew::platform::spawn_local(async move {
                    let list = ipc::person_sessions(u.id).await.map_err(|e| e.message);
                    devices.set(Some((u, Some(list))));
                });
            })
        };
        let toggle = {
            let (submit, app, u) = (self.rows.submit.clone(), self.rows.app.clone(), u.clone());
            Callback::from(move |_: MouseEvent| {
                let request = PersonUpdate {
                    id: u.id,
                    disabled: Some(!u.disabled),
                    ..PersonUpdate::default()
                };
                let (app, email, disabled) = (app.clone(), u.email.clone(), !u.disabled);
                submit.run(
                    async move { ipc::update_person(&request).await },
                    move |_| {
                        app.dispatch(Action::Changed(if disabled {
                            format!("{email} can no longer sign in; their sessions ended")
                        } else {
                            format!("{email} can sign in again")
                        }))
                    },
                );
            })
        };
        let delete = self.rows.ask_delete(u);
        html! {
            <tr key={u.id} data-person={u.email.clone()}>
                <td>
                    <strong>{ &u.email }</strong>
                    if me { <span class="badge st-active you">{ "you" }</span> }
                </td>
                <td class="role">{ &u.role }</td>
                <td class="websites muted">{ website_names(u, &team.websites) }</td>
                <td class="signin">
                    if u.disabled {
                        <span class="badge st-error">{ "disabled" }</span>
                    } else {
                        <span class="badge st-active">{ "allowed" }</span>
                    }
                </td>
                <td class="row-actions">
                    <button class="button ghost person-edit" type="button"
                        aria-label={format!("Edit {}", u.email)} onclick={edit}>{ "Edit" }</button>
                    <button class="button ghost person-devices" type="button"
                        aria-label={format!("Devices of {}", u.email)} onclick={devices}>{ "Devices" }</button>
                    if !me {
                        <button class="button ghost person-disable" type="button"
                            aria-label={format!("{} {}", if u.disabled { "Enable" } else { "Disable" }, u.email)}
                            onclick={toggle}>{ if u.disabled { "Enable" } else { "Disable" } }</button>
                        <button class="button ghost person-delete" type="button"
                            aria-label={format!("Delete {}", u.email)} onclick={delete}>{ "Delete" }</button>
                    }
                </td>
            </tr>
        }
    }

    /// A person's row as a form: role, websites, a new password.
    fn edit_row(&self, u: &TeamUser, draft: &PersonUpdate, sites: &[TeamWebsite]) -> Html {
        let editing = self.rows.editing.clone();
        let (save, cancel) = self.rows.save_and_cancel(
            |mut request: PersonUpdate| {
                if request.password.as_deref().is_some_and(str::is_empty) {
                    request.password = None;
                }
                async move { ipc::update_person(&request).await }
            },
            |u| format!("Saved {}", u.email),
        );
        let role = edit_select(&editing, |d, v| {
            if let Some(d) = d {
                d.role = Some(v)
            }
        });
        let toggle = {
            let editing = editing.clone();
            Callback::from(move |(id, on): (i64, bool)| {
                if let Some(mut d) = (*editing).clone() {
                    let list = d.websites.get_or_insert_with(Vec::new);
                    list.retain(|w| *w != id);
                    if on {
                        list.push(id);
                    }
                    editing.set(Some(d));
                }
            })
        };
        let chosen = draft.websites.clone().unwrap_or_default();
        html! {
            <tr key={u.id} data-person={u.email.clone()} class="person-editing">
                <td colspan="5">
                    <form class="form person-form" onsubmit={save} novalidate=true>
                        <strong>{ &u.email }</strong>
                        { labelled("Role", role_select("person-role", draft.role.as_deref().unwrap_or("member"), role)) }
                        { field_error("person-role-error".into(), self.rows.submit.field("role")) }
                        { website_checks(sites, &chosen, "person", toggle) }
                        { field_error("person-websites-error".into(), self.rows.submit.field("websites")) }
                        { labelled("New password (leave empty to keep theirs)", html! {
                            <input type="password" id="person-password" autocomplete="new-password"
                                value={draft.password.clone().unwrap_or_default()}
                                oninput={edit_text(&self.rows.editing, |d, v| {
                                    if let Some(d) = d { d.password = Some(v) }
                                })} />
                        }) }
                        { field_error("person-password-error".into(), self.rows.submit.field("password")) }
                        <div class="form-actions">
                            <button class="button primary" id="person-save" type="submit"
                                disabled={self.rows.submit.busy()}>{ "Save" }</button>
                            <button class="button ghost" id="person-cancel" type="button" onclick={cancel}>{ "Cancel" }</button>
                        </div>
                    </form>
                </td>
            </tr>
        }
    }

    /// The chosen person's sign-ins and tokens, each with Revoke.
    fn devices_card(&self) -> Html {
        let Some((user, list)) = &*self.devices else {
            return Html::default();
        };
        let close = {
            let devices = self.devices.clone();
            Callback::from(move |_: MouseEvent| devices.set(None))
        };
        let revoke = |session: Option<String>| {
            let (devices, submit, app, user) = (
                self.devices.clone(),
                self.rows.submit.clone(),
                self.rows.app.clone(),
                user.clone(),
            );
            Callback::from(move |_: MouseEvent| {
                let request = ipc::RevokeRequest {
                    user: user.id,
                    session: session.clone(),
                };
                let (devices, app, user, all) = (
                    devices.clone(),
                    app.clone(),
                    user.clone(),
                    session.is_none(),
                );
                submit.run(
                    async move { ipc::revoke_sessions(&request).await },
                    move |left| {
                        app.dispatch(Action::Notice(if all {
                            format!("Every sign-in of {} ended", user.email)
                        } else {
                            "That sign-in ended".to_owned()
                        }));
                        devices.set(Some((user, Some(Ok(left)))));
                    },
                );
            })
        };
        let body = match list {
            None => html! { <p class="muted">{ "Loading…" }</p> },
            Some(Err(message)) => html! { <p class="error" role="alert">{ message }</p> },
            Some(Ok(l)) if l.is_empty() => html! {
                <p class="empty-list" id="devices-empty">{ "Not signed in anywhere." }</p>
            },
            Some(Ok(l)) => html! {
                <>
                    <table class="list devices" aria-label="Sign-ins">
                        { table_head(&["Device or token", "Kind", "Signed in", "Last used", ""], Html::default()) }
                        <tbody>
                            { for l.iter().map(|s| html! {
                                <tr key={s.id.clone()} data-session={s.id.clone()}>
                                    <td class="device-name">{ &s.name }</td>
                                    <td class="muted">{ if s.kind == "api" { "API token" } else { "Sign-in" } }</td>
                                    { time::cell(Some(&s.created_at), "") }
                                    { time::cell(s.last_used_at.as_deref(), "never") }
                                    <td><button class="button ghost session-revoke" type="button"
                                        aria-label={format!("Revoke {}", s.name)}
                                        onclick={revoke(Some(s.id.clone()))}>{ "Revoke" }</button></td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                    <button class="button danger" id="revoke-all" type="button" onclick={revoke(None)}>
                        { "Sign out everywhere" }
                    </button>
                </>
            },
        };
        html! {
            <section class="card devices-card" aria-labelledby="devices-title">
                <h3 id="devices-title">{ format!("Devices of {}", user.email) }</h3>
                { body }
                <button class="button ghost" id="devices-close" type="button" onclick={close}>{ "Close" }</button>
            </section>
        }
    }

    fn delete_dialog(&self) -> Html {
        self.rows.confirm_delete(
            "Delete person",
            |u| format!("Delete {} from the team server? Every sign-in of theirs ends. Someone who still owns integrations cannot be deleted: disable them instead.", u.email),
            |u| async move { ipc::delete_person(u.id).await },
            |u| format!("Deleted {}", u.email),
        )
    }
}

#[derive(Properties, PartialEq)]
struct AddPersonProps {
    websites: Vec<TeamWebsite>,
}

/// The add form as it opens: a member.
fn blank_person() -> NewPerson {
    NewPerson {
        role: "member".into(),
        ..NewPerson::default()
    }
}

/// Adds a person with a first password.
#[function_component(AddPerson)]
fn add_person(props: &AddPersonProps) -> Html {
    let app = use_app();
    let new = use_state(blank_person);
    let submit = use_submit();
    let onsubmit = submit.send_draft(
        &new,
        &app,
        blank_person,
        |request| async move { ipc::create_person(&request).await },
        |u| format!("Added {}: give them the password you chose", u.email),
    );
    let role = edit_select(&new, |n, v| n.role = v);
    let toggle = {
        let new = new.clone();
        Callback::from(move |(id, on): (i64, bool)| {
            let mut n = (*new).clone();
            n.websites.retain(|w| *w != id);
            if on {
                n.websites.push(id);
            }
            new.set(n);
        })
    };
    html! {
        <form class="form add-person" {onsubmit} novalidate=true aria-labelledby="add-person-title">
            <h3 id="add-person-title">{ "Add a person" }</h3>
            { labelled("Email", html! {
                <input type="email" id="new-person-email" value={new.email.clone()}
                    oninput={edit_text(&new, |n, v| n.email = v)} />
            }) }
            { field_error("new-person-email-error".into(), submit.field("email")) }
            { labelled("First password (at least 10 characters)", html! {
                <input type="password" id="new-person-password" autocomplete="new-password"
                    value={new.password.clone()} oninput={edit_text(&new, |n, v| n.password = v)} />
            }) }
            { field_error("new-person-password-error".into(), submit.field("password")) }
            { labelled("Role", role_select("new-person-role", &new.role, role)) }
            { field_error("new-person-role-error".into(), submit.field("role")) }
            { website_checks(&props.websites, &new.websites, "new-person", toggle) }
            { field_error("new-person-websites-error".into(), submit.field("websites")) }
            if let Some(msg) = submit.general() {
                <p class="error" id="new-person-error" role="alert">{ msg }</p>
            }
            <button class="button primary" id="new-person-add" type="submit"
                disabled={submit.busy()}>{ "Add person" }</button>
        </form>
    }
}
