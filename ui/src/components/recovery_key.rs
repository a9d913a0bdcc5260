//! A recovery key shown once: at first run, and on the Vault page after a
//! new key was issued or the master key was rotated.

use yew::prelude::*;

use super::parts::check_input;

/// What [`RecoveryKeyShown`] needs.
#[derive(Properties, PartialEq)]
pub struct RecoveryKeyProps {
    /// The key as the person writes it down.
    pub recovery_key: AttrValue,
    /// What happened, above the key.
    pub intro: AttrValue,
    /// "I have saved it" was ticked and Continue pressed.
    pub on_done: Callback<()>,
}

/// The key, a reminder that it is shown once, and Continue once the person
/// says they saved it.
#[function_component(RecoveryKeyShown)]
pub fn recovery_key_shown(props: &RecoveryKeyProps) -> Html {
    let saved = use_state(|| false);
    let on_saved = check_input(&saved);
    let on_done = props.on_done.reform(|_: MouseEvent| ());
    html! {
        <section class="card narrow setup" aria-labelledby="recovery-title">
            <h2 id="recovery-title">{ "Your recovery key" }</h2>
            <p class="muted">{ props.intro.clone() }</p>
            <code class="recovery-key" id="recovery-key">{ props.recovery_key.clone() }</code>
            <label class="check">
                <input type="checkbox" id="recovery-saved" checked={*saved} onchange={on_saved} />
                { "I have saved it" }
            </label>
            <button class="button primary" id="recovery-continue" disabled={!*saved}
                onclick={on_done}>{ "Continue" }</button>
        </section>
    }
}
