//! Typed wrappers over the Tauri IPC bridge: the only place that names a
//! command. Components call these functions, never `invoke` itself.

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// What the `app_info` command answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppInfo {
    /// The product name, "Switchboard".
    pub name: String,
    /// The app's version, from its Cargo manifest.
    pub version: String,
}

/// Why a command could not be called or its answer not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IpcError {
    /// The page is not running inside the desktop app (no Tauri bridge).
    NoBridge,
    /// The command failed or was refused; the text is what the shell said.
    Command(String),
    /// The answer did not have the expected shape.
    BadAnswer(&'static str),
}

/// Asks the shell for the app's name and version.
pub async fn app_info() -> Result<AppInfo, IpcError> {
    let answer = invoke("app_info", &Object::new()).await?;
    Ok(AppInfo {
        name: string_field(&answer, "name")?,
        version: string_field(&answer, "version")?,
    })
}

/// Calls `window.__TAURI_INTERNALS__.invoke(command, args)` and awaits it.
async fn invoke(command: &str, args: &Object) -> Result<JsValue, IpcError> {
    let internals = Reflect::get(&js_sys::global(), &"__TAURI_INTERNALS__".into())
        .ok()
        .filter(|value| value.is_object())
        .ok_or(IpcError::NoBridge)?;
    let invoke: Function = Reflect::get(&internals, &"invoke".into())
        .ok()
        .and_then(|value| value.dyn_into().ok())
        .ok_or(IpcError::NoBridge)?;
    let promise: Promise = invoke
        .call2(&internals, &command.into(), args)
        .map_err(describe)?
        .dyn_into()
        .map_err(|_| IpcError::BadAnswer("invoke did not return a promise"))?;
    JsFuture::from(promise).await.map_err(describe)
}

fn string_field(object: &JsValue, key: &'static str) -> Result<String, IpcError> {
    Reflect::get(object, &key.into())
        .ok()
        .and_then(|value| value.as_string())
        .ok_or(IpcError::BadAnswer(key))
}

fn describe(error: JsValue) -> IpcError {
    IpcError::Command(error.as_string().unwrap_or_else(|| format!("{error:?}")))
}
