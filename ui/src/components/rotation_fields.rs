//! The settings' rotation periods (expiry and rotation, issue 16): the
//! period for every type (`#set-rotation-days`) and an override per type
//! (`#set-rotation-<type>`, empty: the default). Typed text is kept as
//! typed until saved; the range rule is the domain's (`Rotation::problems`).

use std::collections::BTreeMap;
use yew::prelude::*;

use super::parts::{field_error, labelled_with, text_input, Below};
use crate::hooks::Submit;
use crate::ipc::{Rotation, Settings};

/// The periods as typed.
#[derive(Clone)]
pub struct TypedRotation {
    default_days: UseStateHandle<String>,
    per_type: UseStateHandle<BTreeMap<String, String>>,
}

/// The typed periods, starting from the saved settings.
#[hook]
pub fn use_typed_rotation(settings: &Settings) -> TypedRotation {
    let r = settings.rotation.clone();
    TypedRotation {
        default_days: use_state(|| r.default_days.to_string()),
        per_type: use_state(|| {
            r.per_type
                .iter()
                .map(|(t, d)| (t.clone(), d.to_string()))
                .collect()
        }),
    }
}

impl TypedRotation {
    /// Puts the typed periods into `settings`, or says which are wrong
    /// (keys `rotation_days` and `rotation.<type>`).
    pub fn apply(&self, settings: &mut Settings, found: &mut BTreeMap<String, String>) {
        let mut rotation = Rotation::default();
        match days(&self.default_days) {
            Ok(Some(d)) => rotation.default_days = d,
            Ok(None) => {
                found.insert("rotation_days".into(), "Enter a number of days.".into());
            }
            Err(m) => {
                found.insert("rotation_days".into(), m);
            }
        }
        for (ty, text) in self.per_type.iter() {
            match days(text) {
                Ok(Some(d)) => {
                    rotation.per_type.insert(ty.clone(), d);
                }
                Ok(None) => {}
                Err(m) => {
                    found.insert(format!("rotation.{ty}"), m);
                }
            }
        }
        settings.rotation = rotation;
    }
}

/// A whole number of days, None when empty, or what is wrong.
fn days(text: &str) -> Result<Option<u32>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<u32>()
        .map(Some)
        .map_err(|_| format!("“{t}” is not a whole number of days."))
}

/// The fields: the default period and, folded, one per type.
pub fn rotation_fields(typed: &TypedRotation, submit: &Submit) -> Html {
    let error = |key: &str| {
        field_error(
            format!("{}-error", key.replace('.', "-")),
            submit.field(key),
        )
    };
    let input = html! {
        <input id="set-rotation-days" type="number" min="1" inputmode="numeric"
            value={(*typed.default_days).clone()} oninput={text_input(&typed.default_days)}
            aria-describedby="set-rotation-help" />
    };
    let below = Below {
        help: Some("A secret older than this needs attention: the list shows a badge and the app tells you once. Expiries a provider states (Meta, Cloudflare, Fastly) are shown 30, 7 and 1 days ahead."),
        help_id: Some("set-rotation-help"),
        error: error("rotation_days"),
    };
    html! {
        <>
            { labelled_with("Rotate secrets after (days)", input, below) }
            <details class="field" id="set-rotation-types">
                <summary>{ "Rotation period per type" }</summary>
                { for switchboard_catalog::types().iter().map(|t| {
                    let per_type = typed.per_type.clone();
                    let id = t.id.to_owned();
                    let oninput = Callback::from(move |e: InputEvent| {
                        let mut next = (*per_type).clone();
                        next.insert(id.clone(), super::parts::input_text(&e));
                        per_type.set(next);
                    });
                    let input = html! {
                        <input id={format!("set-rotation-{}", t.id)} type="number" min="1" inputmode="numeric"
                            placeholder="default" aria-label={format!("Rotation days for {}", t.label)}
                            value={typed.per_type.get(t.id).cloned().unwrap_or_default()} {oninput} />
                    };
                    labelled_with(t.label, input, Below { error: error(&format!("rotation.{}", t.id)), ..Below::default() })
                }) }
            </details>
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::days;

    #[test]
    fn days_are_whole_numbers_or_empty() {
        assert_eq!(days(" 30 "), Ok(Some(30)));
        assert_eq!(days(""), Ok(None));
        assert!(days("1.5").unwrap_err().contains("“1.5”"));
    }
}
