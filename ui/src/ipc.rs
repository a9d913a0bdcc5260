//! Typed wrappers over the Tauri IPC bridge: the only place that calls a
//! command. Components call these functions, never `invoke` itself; command
//! names and types come from the shared `switchboard-ipc` crate.

use js_sys::{Function, Object, Promise, Reflect};
use serde::de::DeserializeOwned;
use serde::Serialize;
use switchboard_ipc::cmd::{self, Answer, Command, Request};
pub use switchboard_ipc::LIST_PAGE_SIZE;
pub use switchboard_ipc::{
    ActivityExport, ActivityExported, ActivityLine, ActivityPage, ActivityQuery, LogLevel,
    ACTIVITY_WITHIN,
};
pub use switchboard_ipc::{
    AppInfo, Attention, AttentionNotice, Boot, ConnectRequest, CreateRequest, FirstScreen,
    HealthEvent, IdRequest, IntegrationDetail, IntegrationRow, IpcError, ListPage, ListQuery,
    LogEntry, NewWebsite, ResolveAction, ResolveRequest, RevealRequest, Rotation, SecretView,
    SendTestRequest, SetActiveRequest, Settings, SetupAnswer, SetupRequest, Sort, Stats, Status,
    SyncConflict, SyncStatus, TestAllProgress, TestAllRequest, TestAnswer, Theme,
    TroubleshootAnswer, TypeOverview, UnlockRequest, UpdateRequest, UpdateStatus, VaultState,
    WebhookAnswer, WebhookRequest, Website, WebsiteScope, WebsiteUpdate,
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
pub async fn check_update() -> IpcResult<UpdateStatus> {
    call::<cmd::CheckUpdate>(&()).await
}

/// Installs the offered update; the app restarts when it succeeds.
pub async fn install_update() -> IpcResult<()> {
    call::<cmd::InstallUpdate>(&()).await
}

pub async fn app_info() -> IpcResult<AppInfo> {
    call::<cmd::GetAppInfo>(&()).await
}

pub async fn vault_status() -> IpcResult<VaultState> {
    call::<cmd::VaultStatus>(&()).await
}

pub async fn setup_vault(request: &SetupRequest) -> IpcResult<SetupAnswer> {
    call::<cmd::SetupVault>(request).await
}

pub async fn unlock(request: &UnlockRequest) -> IpcResult<()> {
    call::<cmd::Unlock>(request).await
}

pub async fn lock() -> IpcResult<()> {
    call::<cmd::Lock>(&()).await
}

pub async fn change_passphrase(request: &PassphraseChange) -> IpcResult<()> {
    call::<cmd::ChangePassphrase>(request).await
}

pub async fn reissue_recovery_key(request: &PassphraseProof) -> IpcResult<RecoveryAnswer> {
    call::<cmd::ReissueRecoveryKey>(request).await
}

pub async fn rotate_master_key(request: &PassphraseProof) -> IpcResult<RecoveryAnswer> {
    call::<cmd::RotateMasterKey>(request).await
}

pub async fn write_backup(request: &BackupRequest) -> IpcResult<BackupWritten> {
    call::<cmd::WriteBackup>(request).await
}

pub async fn preview_restore(request: &RestoreOpen) -> IpcResult<RestorePreview> {
    call::<cmd::PreviewRestore>(request).await
}

pub async fn apply_restore(request: &RestoreApply) -> IpcResult<RestoreReport> {
    call::<cmd::ApplyRestore>(request).await
}

pub async fn list_integrations(request: &ListQuery) -> IpcResult<ListPage> {
    call::<cmd::ListIntegrations>(request).await
}

pub async fn type_overview() -> IpcResult<Vec<TypeOverview>> {
    call::<cmd::GetTypeOverview>(&()).await
}

pub async fn get_integration(id: &str) -> IpcResult<IntegrationDetail> {
    call::<cmd::GetIntegration>(&IdRequest { id: id.into() }).await
}

pub async fn create_integration(request: &CreateRequest) -> IpcResult<IntegrationDetail> {
    call::<cmd::CreateIntegration>(request).await
}

pub async fn update_integration(request: &UpdateRequest) -> IpcResult<IntegrationDetail> {
    call::<cmd::UpdateIntegration>(request).await
}

pub async fn set_active(id: &str, active: bool) -> IpcResult<()> {
    let request = SetActiveRequest {
        id: id.into(),
        active,
    };
    call::<cmd::SetActive>(&request).await
}

/// Moves an integration to the Trash.
pub async fn delete_integration(id: &str) -> IpcResult<()> {
    call::<cmd::DeleteIntegration>(&IdRequest { id: id.into() }).await
}

pub async fn list_trash() -> IpcResult<Vec<TrashedIntegration>> {
    call::<cmd::ListTrash>(&()).await
}

pub async fn restore_from_trash(id: &str) -> IpcResult<()> {
    call::<cmd::RestoreFromTrash>(&IdRequest { id: id.into() }).await
}

pub async fn delete_forever(id: &str) -> IpcResult<()> {
    call::<cmd::DeleteForever>(&IdRequest { id: id.into() }).await
}

/// Empties the Trash; how many were deleted for good.
pub async fn empty_trash() -> IpcResult<u64> {
    call::<cmd::EmptyTrash>(&()).await
}

/// Copies a secret to the system clipboard (in the shell: the value never
/// comes to the page); answers after how many seconds it is cleared.
pub async fn copy_secret(id: &str, field: &str) -> IpcResult<u64> {
    let request = RevealRequest {
        id: id.into(),
        field: field.into(),
    };
    call::<cmd::CopySecret>(&request).await
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
    // A string is boot.js's answer (JSON text, see `from_js`); the timer
    // resolves with nothing.
    let boot = serde_json::from_str(&answer.as_string()?).ok()?;
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
        // boot.js hands the answer over as JSON text (see `from_js`).
        if let Ok(answer) = JsFuture::from(promise).await {
            if let Some(text) = answer.as_string() {
                if let Ok(boot) = serde_json::from_str(&text) {
                    return Ok(boot);
                }
            }
        }
    }
    call::<cmd::GetBoot>(&()).await
}

pub async fn reveal_secret(id: &str, field: &str) -> IpcResult<String> {
    let request = RevealRequest {
        id: id.into(),
        field: field.into(),
    };
    call::<cmd::RevealSecret>(&request).await
}

pub async fn test_integration(id: &str) -> IpcResult<TestAnswer> {
    call::<cmd::TestIntegration>(&IdRequest { id: id.into() }).await
}

/// Runs the integration's troubleshooting checks (logged); its findings.
// Not called yet: the troubleshooting panel comes with the UI work.
#[allow(dead_code)]
pub async fn troubleshoot(id: &str) -> IpcResult<TroubleshootAnswer> {
    call::<cmd::Troubleshoot>(&IdRequest { id: id.into() }).await
}

pub async fn start_test_all(request: &TestAllRequest) -> IpcResult<TestAllProgress> {
    call::<cmd::StartTestAll>(request).await
}

pub async fn test_all_progress() -> IpcResult<TestAllProgress> {
    call::<cmd::TestAllProgressOf>(&()).await
}

pub async fn cancel_test_all() -> IpcResult<()> {
    call::<cmd::CancelTestAll>(&()).await
}

pub async fn health_events() -> IpcResult<Vec<HealthEvent>> {
    call::<cmd::HealthEvents>(&()).await
}

pub async fn attention_notices() -> IpcResult<Vec<AttentionNotice>> {
    call::<cmd::AttentionNotices>(&()).await
}

pub async fn get_settings() -> IpcResult<Settings> {
    call::<cmd::GetSettings>(&()).await
}

pub async fn save_settings(request: &Settings) -> IpcResult<Settings> {
    call::<cmd::SaveSettings>(request).await
}

pub async fn sync_status() -> IpcResult<SyncStatus> {
    call::<cmd::GetSyncStatus>(&()).await
}

pub async fn sync_connect(request: &ConnectRequest) -> IpcResult<SyncStatus> {
    call::<cmd::SyncConnect>(request).await
}

pub async fn sync_disconnect() -> IpcResult<SyncStatus> {
    call::<cmd::SyncDisconnect>(&()).await
}

pub async fn sync_now() -> IpcResult<SyncStatus> {
    call::<cmd::SyncNow>(&()).await
}

pub async fn sync_conflicts() -> IpcResult<Vec<SyncConflict>> {
    call::<cmd::SyncConflicts>(&()).await
}

pub async fn sync_resolve(request: &ResolveRequest) -> IpcResult<Vec<SyncConflict>> {
    call::<cmd::SyncResolve>(request).await
}

pub async fn send_test_message(request: &SendTestRequest) -> IpcResult<TestAnswer> {
    call::<cmd::SendTestMessage>(request).await
}

pub async fn verify_webhook(request: &WebhookRequest) -> IpcResult<WebhookAnswer> {
    call::<cmd::VerifyWebhook>(request).await
}

pub async fn integration_logs(id: &str) -> IpcResult<Vec<LogEntry>> {
    call::<cmd::IntegrationLogs>(&IdRequest { id: id.into() }).await
}

pub async fn activity(query: &ActivityQuery) -> IpcResult<ActivityPage> {
    call::<cmd::Activity>(query).await
}

pub async fn export_activity(request: &ActivityExport) -> IpcResult<ActivityExported> {
    call::<cmd::ExportActivity>(request).await
}

pub async fn stats() -> IpcResult<Stats> {
    call::<cmd::GetStats>(&()).await
}

pub async fn websites() -> IpcResult<Vec<Website>> {
    call::<cmd::ListWebsites>(&()).await
}

pub async fn create_website(request: &NewWebsite) -> IpcResult<Website> {
    call::<cmd::CreateWebsite>(request).await
}

pub async fn update_website(request: &WebsiteUpdate) -> IpcResult<Website> {
    call::<cmd::UpdateWebsite>(request).await
}

pub async fn delete_website(id: &str) -> IpcResult<()> {
    call::<cmd::DeleteWebsite>(&IdRequest { id: id.into() }).await
}

pub async fn team() -> IpcResult<Team> {
    call::<cmd::GetTeam>(&()).await
}

pub async fn create_person(request: &NewPerson) -> IpcResult<TeamUser> {
    call::<cmd::CreatePerson>(request).await
}

pub async fn update_person(request: &PersonUpdate) -> IpcResult<TeamUser> {
    call::<cmd::UpdatePerson>(request).await
}

pub async fn delete_person(id: i64) -> IpcResult<()> {
    call::<cmd::DeletePerson>(&PersonRef { id }).await
}

pub async fn person_sessions(id: i64) -> IpcResult<Vec<TeamSession>> {
    call::<cmd::PersonSessions>(&PersonRef { id }).await
}

pub async fn revoke_sessions(request: &RevokeRequest) -> IpcResult<Vec<TeamSession>> {
    call::<cmd::RevokeSessions>(request).await
}

pub async fn audit_log(query: &AuditQuery) -> IpcResult<AuditPage> {
    call::<cmd::GetAuditLog>(query).await
}

fn method(target: &JsValue, name: &str) -> IpcResult<Function> {
    Reflect::get(target, &name.into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or_else(|| bad("missing method"))
}

/// Calls command `C` with its request (`&()`: none) and reads its answer.
async fn call<C: Command>(request: &Request<C>) -> IpcResult<Answer<C>> {
    let answer = invoke(C::NAME, request).await?;
    from_js(&answer).map_err(|e| bad(&format!("unexpected answer: {e}")))
}

/// Reads a value the bridge answered as JSON text (`JSON.stringify`, native)
/// and serde_json: one string across the wasm boundary, where walking the
/// object field by field takes thousands of boundary calls for a page of
/// rows, slow while the engine still interprets the freshly loaded wasm.
fn from_js<T: DeserializeOwned>(value: &JsValue) -> Result<T, String> {
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
async fn invoke<A: Serialize>(command: &str, request: &A) -> IpcResult<JsValue> {
    let internals = Reflect::get(&js_sys::global(), &"__TAURI_INTERNALS__".into())
        .ok()
        .filter(|value| value.is_object())
        .ok_or_else(|| IpcError::new("no_bridge", "This page runs outside the desktop app."))?;
    let invoke: Function = method(&internals, "invoke")?;
    let args = Object::new();
    let text = serde_json::to_string(request)
        .map_err(|e| bad(&format!("cannot send the request: {e}")))?;
    if text != "null" {
        let value = js_sys::JSON::parse(&text).map_err(describe)?;
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
    if let Ok(e) = from_js::<IpcError>(&error) {
        return e;
    }
    IpcError::new(
        "bridge",
        error.as_string().unwrap_or_else(|| format!("{error:?}")),
    )
}
