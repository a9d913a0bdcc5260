//! One integration type as a card: its name, providers, count and health.

use switchboard_catalog::IntegrationType;
use yew::prelude::*;

use crate::ipc::TypeOverview;

/// A clickable card that opens the form for a new integration of this
/// type, with how many there are (`o`) and their health. A plain function,
/// not a component: the first screen shows a dozen of these while the wasm
/// still runs in the interpreter, where each component costs its own
/// lifecycle.
pub fn type_card(ty: &IntegrationType, o: &TypeOverview, onclick: Callback<MouseEvent>) -> Html {
    let providers: Vec<&str> = ty.providers.iter().map(|p| p.label).collect();
    let shown = if providers.len() > 4 {
        format!("{} +{}", providers[..4].join(", "), providers.len() - 4)
    } else {
        providers.join(", ")
    };
    let (health_class, health) = if o.total == 0 {
        ("none", "Not set up".to_owned())
    } else if o.errors > 0 {
        ("bad", format!("{} failing", o.errors))
    } else {
        ("good", format!("{} active", o.active))
    };
    let attention = (o.attention > 0).then(|| match o.attention {
        1 => "1 needs attention".to_owned(),
        n => format!("{n} need attention"),
    });
    let count = match o.total {
        0 => "None yet".to_owned(),
        1 => "1 integration".to_owned(),
        n => format!("{n} integrations"),
    };
    html! {
        <button class="type-card" key={ty.id} id={format!("card-{}", ty.id)} {onclick}
            aria-label={format!("Add {}: {}, {}{}", ty.label, count, health,
                attention.as_ref().map(|a| format!(", {a}")).unwrap_or_default())}>
            <span class={classes!("type-icon", format!("icon-{}", ty.icon))} aria-hidden="true">
                { icon_letter(ty.label) }
            </span>
            <span class="type-name">{ ty.label }</span>
            <span class="type-providers muted">{ shown }</span>
            <span class="type-foot">
                <span class="type-count">{ count }</span>
                <span class={classes!("health", health_class)}>{ health }</span>
                if let Some(a) = attention {
                    <span class="health attention-count" id={format!("card-{}-attention", ty.id)}>{ a }</span>
                }
            </span>
        </button>
    }
}

fn icon_letter(label: &str) -> String {
    label.chars().next().map(String::from).unwrap_or_default()
}
