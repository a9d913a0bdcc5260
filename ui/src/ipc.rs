//! Typed wrappers over the Tauri IPC bridge: the only place that calls a
//! command. Components call these functions, never `invoke` itself; command
//! names and types come from the shared `switchboard-ipc` crate.

use js_sys::{Function, Object, Promise, Reflect};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use switchboard_ipc::cmd::{self, Answer, Command, Request};
pub use switchboard_ipc::LIST_PAGE_SIZE;
pub use switchboard_ipc::{describe_receives, EventsPage, EventsRequest, Receiver, WebhookEvent};
pub use switchboard_ipc::{
    ActivityExport, ActivityExported, ActivityLine, ActivityPage, ActivityQuery, LogLevel,
    ACTIVITY_WITHIN,
};
pub use switchboard_ipc::{
    AppInfo, Attention, AttentionNotice, Boot, ConnectRequest, CreateRequest, FirstScreen,
    HealthEvent, IdRequest, IntegrationDetail, IntegrationRow, IpcError, ListPage, ListQuery,
    LogEntry, NewWebsite, OutcomeKind, ResolveAction, ResolveRequest, RevealRequest, Rotation,
    SecretView, SendTestRequest, SetActiveRequest, Settings, SetupAnswer, SetupRequest, Sort,
    Stats, Status, SyncConflict, SyncStatus, TestAllProgress, TestAllRequest, TestAnswer, Theme,
    TroubleshootAnswer, TroubleshootFinding, TypeOverview, UnlockRequest, UpdateRequest,
    UpdateStatus, VaultState, WebhookAnswer, WebhookRequest, Website, WebsiteScope, WebsiteUpdate,
};
pub use switchboard_ipc::{
    AuditPage, AuditQuery, AuditRecord, NewPerson, PersonRef, PersonUpdate, RevokeRequest, Team,
    TeamSession, TeamUser, TeamWebsite,
};
pub use switchboard_ipc::{
    BackupRequest, BackupWritten, PassphraseChange, PassphraseProof, RecoveryAnswer, RestoreApply,
    RestoreChoice, RestoreChoices, RestoreItem, RestoreKind, RestoreOpen, RestorePreview,
    RestoreReport,
};
pub use switchboard_ipc::{TrashedIntegration, MOVED_TO_TRASH, TRASH_DAYS};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// What every wrapper returns.
pub type IpcResult<T> = Result<T, IpcError>;

/// Asks the team server for a newer version of the app.
pub fn check_update() -> Answering<UpdateStatus> {
    call::<cmd::CheckUpdate>(&())
}

/// Installs the offered update; the app restarts when it succeeds.
pub fn install_update() -> Answering<()> {
    call::<cmd::InstallUpdate>(&())
}

pub fn app_info() -> Answering<AppInfo> {
    call::<cmd::GetAppInfo>(&())
}

pub fn vault_status() -> Answering<VaultState> {
    call::<cmd::VaultStatus>(&())
}

pub fn setup_vault(request: &SetupRequest) -> Answering<SetupAnswer> {
    call::<cmd::SetupVault>(request)
}

pub fn unlock(request: &UnlockRequest) -> Answering<()> {
    call::<cmd::Unlock>(request)
}

pub fn lock() -> Answering<()> {
    call::<cmd::Lock>(&())
}

pub fn change_passphrase(request: &PassphraseChange) -> Answering<()> {
    call::<cmd::ChangePassphrase>(request)
}

pub fn reissue_recovery_key(request: &PassphraseProof) -> Answering<RecoveryAnswer> {
    call::<cmd::ReissueRecoveryKey>(request)
}

pub fn rotate_master_key(request: &PassphraseProof) -> Answering<RecoveryAnswer> {
    call::<cmd::RotateMasterKey>(request)
}

pub fn write_backup(request: &BackupRequest) -> Answering<BackupWritten> {
    call::<cmd::WriteBackup>(request)
}

pub fn preview_restore(request: &RestoreOpen) -> Answering<RestorePreview> {
    call::<cmd::PreviewRestore>(request)
}

pub fn apply_restore(request: &RestoreApply) -> Answering<RestoreReport> {
    call::<cmd::ApplyRestore>(request)
}

pub fn list_integrations(request: &ListQuery) -> Answering<ListPage> {
    call::<cmd::ListIntegrations>(request)
}

pub fn type_overview() -> Answering<Vec<TypeOverview>> {
    call::<cmd::GetTypeOverview>(&())
}

pub fn get_integration(id: &str) -> Answering<IntegrationDetail> {
    call::<cmd::GetIntegration>(&IdRequest { id: id.into() })
}

pub fn create_integration(request: &CreateRequest) -> Answering<IntegrationDetail> {
    call::<cmd::CreateIntegration>(request)
}

pub fn update_integration(request: &UpdateRequest) -> Answering<IntegrationDetail> {
    call::<cmd::UpdateIntegration>(request)
}

pub fn set_active(id: &str, active: bool) -> Answering<()> {
    let request = SetActiveRequest {
        id: id.into(),
        active,
    };
    call::<cmd::SetActive>(&request)
}

/// Moves an integration to the Trash.
pub fn delete_integration(id: &str) -> Answering<()> {
    call::<cmd::DeleteIntegration>(&IdRequest { id: id.into() })
}

pub fn list_trash() -> Answering<Vec<TrashedIntegration>> {
    call::<cmd::ListTrash>(&())
}

pub fn restore_from_trash(id: &str) -> Answering<()> {
    call::<cmd::RestoreFromTrash>(&IdRequest { id: id.into() })
}

pub fn delete_forever(id: &str) -> Answering<()> {
    call::<cmd::DeleteForever>(&IdRequest { id: id.into() })
}

/// Empties the Trash; how many were deleted for good.
pub fn empty_trash() -> Answering<u64> {
    call::<cmd::EmptyTrash>(&())
}

/// Copies a secret to the system clipboard (in the shell: the value never
/// comes to the page); answers after how many seconds it is cleared.
pub fn copy_secret(id: &str, field: &str) -> Answering<u64> {
    let request = RevealRequest {
        id: id.into(),
        field: field.into(),
    };
    call::<cmd::CopySecret>(&request)
}

/// The answer to the `boot` call that boot.js started before the wasm
/// loaded, if it comes within `wait_ms` (taken then; else left for `boot`).
pub async fn early_boot(wait_ms: i32) -> Option<Boot> {
    let global = js_sys::global();
    let early: Promise = Reflect::get(&global, &"__sbBoot".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let timer = Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, wait_ms);
        }
    });
    let first = Promise::race(&js_sys::Array::of2(&early, &timer));
    let answer = JsFuture::from(first).await.ok()?;
    // A string is boot.js's answer (JSON text, see `json_of`); the timer
    // resolves with nothing.
    let boot = parse(&answer.as_string()?)?;
    let _ = Reflect::set(&global, &"__sbBoot".into(), &JsValue::UNDEFINED);
    crate::hooks::mark("sb-boot-awaited");
    Some(boot)
}

/// The first screen's data in one call (see `switchboard_ipc::Boot`): the
/// answer to the call `boot.js` started before the wasm loaded, when there
/// is one (taken once), else a new call.
pub async fn boot() -> IpcResult<Boot> {
    let global = js_sys::global();
    let early = Reflect::get(&global, &"__sbBoot".into())
        .ok()
        .and_then(|p| p.dyn_into::<Promise>().ok());
    if let Some(promise) = early {
        let _ = Reflect::set(&global, &"__sbBoot".into(), &JsValue::UNDEFINED);
        // boot.js hands the answer over as JSON text (see `json_of`).
        if let Ok(answer) = JsFuture::from(promise).await {
            if let Some(boot) = answer.as_string().and_then(|text| parse(&text)) {
                return Ok(boot);
            }
        }
    }
    call::<cmd::GetBoot>(&()).await
}

pub fn reveal_secret(id: &str, field: &str) -> Answering<String> {
    let request = RevealRequest {
        id: id.into(),
        field: field.into(),
    };
    call::<cmd::RevealSecret>(&request)
}

pub fn test_integration(id: &str) -> Answering<TestAnswer> {
    call::<cmd::TestIntegration>(&IdRequest { id: id.into() })
}

/// Where the team server receives the integration's webhooks.
pub fn receiver(id: &str) -> Answering<Receiver> {
    call::<cmd::GetReceiver>(&IdRequest { id: id.into() })
}

/// A page of the events the team server stored for the integration,
/// newest first: the newest, or those older than the event `before`.
pub fn webhook_events(id: &str, before: Option<i64>) -> Answering<EventsPage> {
    call::<cmd::WebhookEvents>(&EventsRequest {
        id: id.into(),
        before,
    })
}

/// Has the team server deliver a signed sample event to its own receiver;
/// what it stored.
pub fn send_test_event(id: &str) -> Answering<Vec<WebhookEvent>> {
    call::<cmd::SendTestEvent>(&IdRequest { id: id.into() })
}

/// Runs the integration's troubleshooting checks (logged); its findings.
pub fn troubleshoot(id: &str) -> Answering<TroubleshootAnswer> {
    call::<cmd::Troubleshoot>(&IdRequest { id: id.into() })
}

pub fn start_test_all(request: &TestAllRequest) -> Answering<TestAllProgress> {
    call::<cmd::StartTestAll>(request)
}

pub fn test_all_progress() -> Answering<TestAllProgress> {
    call::<cmd::TestAllProgressOf>(&())
}

pub fn cancel_test_all() -> Answering<()> {
    call::<cmd::CancelTestAll>(&())
}

pub fn health_events() -> Answering<Vec<HealthEvent>> {
    call::<cmd::HealthEvents>(&())
}

pub fn attention_notices() -> Answering<Vec<AttentionNotice>> {
    call::<cmd::AttentionNotices>(&())
}

pub fn get_settings() -> Answering<Settings> {
    call::<cmd::GetSettings>(&())
}

pub fn save_settings(request: &Settings) -> Answering<Settings> {
    call::<cmd::SaveSettings>(request)
}

pub fn sync_status() -> Answering<SyncStatus> {
    call::<cmd::GetSyncStatus>(&())
}

pub fn sync_connect(request: &ConnectRequest) -> Answering<SyncStatus> {
    call::<cmd::SyncConnect>(request)
}

pub fn sync_disconnect() -> Answering<SyncStatus> {
    call::<cmd::SyncDisconnect>(&())
}

pub fn sync_now() -> Answering<SyncStatus> {
    call::<cmd::SyncNow>(&())
}

pub fn sync_conflicts() -> Answering<Vec<SyncConflict>> {
    call::<cmd::SyncConflicts>(&())
}

pub fn sync_resolve(request: &ResolveRequest) -> Answering<Vec<SyncConflict>> {
    call::<cmd::SyncResolve>(request)
}

pub fn send_test_message(request: &SendTestRequest) -> Answering<TestAnswer> {
    call::<cmd::SendTestMessage>(request)
}

pub fn verify_webhook(request: &WebhookRequest) -> Answering<WebhookAnswer> {
    call::<cmd::VerifyWebhook>(request)
}

pub fn integration_logs(id: &str) -> Answering<Vec<LogEntry>> {
    call::<cmd::IntegrationLogs>(&IdRequest { id: id.into() })
}

pub fn activity(query: &ActivityQuery) -> Answering<ActivityPage> {
    call::<cmd::Activity>(query)
}

pub fn export_activity(request: &ActivityExport) -> Answering<ActivityExported> {
    call::<cmd::ExportActivity>(request)
}

pub fn stats() -> Answering<Stats> {
    call::<cmd::GetStats>(&())
}

pub fn websites() -> Answering<Vec<Website>> {
    call::<cmd::ListWebsites>(&())
}

pub fn create_website(request: &NewWebsite) -> Answering<Website> {
    call::<cmd::CreateWebsite>(request)
}

pub fn update_website(request: &WebsiteUpdate) -> Answering<Website> {
    call::<cmd::UpdateWebsite>(request)
}

pub fn delete_website(id: &str) -> Answering<()> {
    call::<cmd::DeleteWebsite>(&IdRequest { id: id.into() })
}

pub fn team() -> Answering<Team> {
    call::<cmd::GetTeam>(&())
}

pub fn create_person(request: &NewPerson) -> Answering<TeamUser> {
    call::<cmd::CreatePerson>(request)
}

pub fn update_person(request: &PersonUpdate) -> Answering<TeamUser> {
    call::<cmd::UpdatePerson>(request)
}

pub fn delete_person(id: i64) -> Answering<()> {
    call::<cmd::DeletePerson>(&PersonRef { id })
}

pub fn person_sessions(id: i64) -> Answering<Vec<TeamSession>> {
    call::<cmd::PersonSessions>(&PersonRef { id })
}

pub fn revoke_sessions(request: &RevokeRequest) -> Answering<Vec<TeamSession>> {
    call::<cmd::RevokeSessions>(request)
}

pub fn audit_log(query: &AuditQuery) -> Answering<AuditPage> {
    call::<cmd::GetAuditLog>(query)
}

fn method(target: &JsValue, name: &str) -> IpcResult<Function> {
    Reflect::get(target, &name.into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or_else(|| bad("missing method"))
}

/// A call on its way, its answer as JSON (one type for every command, so the
/// bridge's code is in the wasm once, not once per command).
type Pending = Pin<Box<dyn Future<Output = IpcResult<Value>>>>;

/// Calls command `C` with its request (`&()`: none); the answer, read as
/// the command's, once it comes. Only the (de)serialization is per command;
/// the call itself is [`send`]'s.
fn call<C: Command>(request: &Request<C>) -> Answering<Answer<C>> {
    Answering {
        pending: send(C::NAME, serde_json::to_string(request)),
        answer: PhantomData,
    }
}

/// A command's answer on its way: what every wrapper returns (one small
/// type, where an `async fn` per wrapper adds its own state machines).
#[must_use = "a call is sent once awaited"]
pub struct Answering<T> {
    pending: Pending,
    answer: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> Future for Answering<T> {
    type Output = IpcResult<T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<IpcResult<T>> {
        self.pending
            .as_mut()
            .poll(cx)
            .map(|answer| read(crate::json::from_value(answer?)))
    }
}

/// Turns a typed read's failure into the call's error.
fn read<T>(read: Result<T, serde_json::Error>) -> IpcResult<T> {
    read.map_err(|e| bad(&format!("unexpected answer: {e}")))
}

/// Sends `command` with its request as JSON text; the answer as JSON.
fn send(command: &'static str, request: serde_json::Result<String>) -> Pending {
    Box::pin(async move {
        let text = request.map_err(|e| bad(&format!("cannot send the request: {e}")))?;
        let answer = invoke(command, &text).await?;
        json_of(&answer).map_err(|e| bad(&format!("unexpected answer: {e}")))
    })
}

/// Reads JSON text (boot.js's early answer) as `T`.
fn parse<T: DeserializeOwned>(text: &str) -> Option<T> {
    crate::json::from_value(serde_json::from_str(text).ok()?).ok()
}

/// Reads a value the bridge answered as JSON text (`JSON.stringify`, native)
/// and serde_json: one string across the wasm boundary, where walking the
/// object field by field takes thousands of boundary calls for a page of
/// rows, slow while the engine still interprets the freshly loaded wasm.
/// The typed read is then from the JSON value ([`crate::json::from_value`]),
/// whose code is in the wasm once per answer type.
fn json_of(value: &JsValue) -> Result<Value, String> {
    let text = if value.is_undefined() {
        "null".to_owned()
    } else {
        js_sys::JSON::stringify(value)
            .map_err(|_| "not JSON".to_owned())?
            .into()
    };
    serde_json::from_str(&text).map_err(|e| e.to_string())
}

/// Calls `window.__TAURI_INTERNALS__.invoke(command, {request})` and awaits it.
/// A request that serializes to `null` (the `()` of a command without one)
/// sends no argument.
async fn invoke(command: &str, text: &str) -> IpcResult<JsValue> {
    let internals = Reflect::get(&js_sys::global(), &"__TAURI_INTERNALS__".into())
        .ok()
        .filter(|value| value.is_object())
        .ok_or_else(|| IpcError::new("no_bridge", "This page runs outside the desktop app."))?;
    let invoke: Function = method(&internals, "invoke")?;
    let args = Object::new();
    if text != "null" {
        let value = js_sys::JSON::parse(text).map_err(describe)?;
        Reflect::set(&args, &"request".into(), &value).map_err(describe)?;
    }
    let promise: Promise = invoke
        .call2(&internals, &command.into(), &args)
        .map_err(describe)?
        .dyn_into()
        .map_err(|_| bad("invoke did not return a promise"))?;
    JsFuture::from(promise).await.map_err(describe)
}

fn bad(message: &str) -> IpcError {
    IpcError::new("internal", message)
}

/// A rejected command: our commands reject with an `IpcError` object; the
/// bridge itself rejects with a string (e.g. a permission refusal).
fn describe(error: JsValue) -> IpcError {
    if let Some(e) = json_of(&error)
        .ok()
        .and_then(|v| crate::json::from_value(v).ok())
    {
        return e;
    }
    IpcError::new(
        "bridge",
        error.as_string().unwrap_or_else(|| format!("{error:?}")),
    )
}
