//! One integration type as a card: its name, providers, count and health.

use yew::prelude::*;

/// The card's data.
#[derive(Properties, PartialEq)]
pub struct TypeCardProps {
    pub type_id: &'static str,
    pub total: i64,
    pub active: i64,
    pub errors: i64,
    /// How many need attention (expiry, rotation).
    #[prop_or_default]
    pub attention: i64,
    pub onclick: Callback<MouseEvent>,
}

/// A clickable card that opens the form for a new integration of this type.
#[function_component(TypeCard)]
pub fn type_card(props: &TypeCardProps) -> Html {
    let Some(ty) = switchboard_catalog::integration_type(props.type_id) else {
        return html! {};
    };
    let providers: Vec<&str> = ty.providers.iter().map(|p| p.label).collect();
    let shown = if providers.len() > 4 {
        format!("{} +{}", providers[..4].join(", "), providers.len() - 4)
    } else {
        providers.join(", ")
    };
    let (health_class, health) = if props.total == 0 {
        ("none", "Not set up".to_owned())
    } else if props.errors > 0 {
        ("bad", format!("{} failing", props.errors))
    } else {
        ("good", format!("{} active", props.active))
    };
    let attention = (props.attention > 0).then(|| match props.attention {
        1 => "1 needs attention".to_owned(),
        n => format!("{n} need attention"),
    });
    let count = match props.total {
        0 => "None yet".to_owned(),
        1 => "1 integration".to_owned(),
        n => format!("{n} integrations"),
    };
    html! {
        <button class="type-card" id={format!("card-{}", ty.id)} onclick={props.onclick.clone()}
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
