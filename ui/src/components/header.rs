//! The page header: the app's mark, its name and what it is for.

use yew::prelude::*;

/// Top bar with the logo glyph, the title and the tagline.
#[function_component(Header)]
pub fn header() -> Html {
    html! {
        <header class="header">
            <div class="brand">
                <Logo />
                <div>
                    <h1 class="title">{ "Switchboard" }</h1>
                    <p class="tagline">{ "Your integrations, stored encrypted on this laptop" }</p>
                </div>
            </div>
        </header>
    }
}

/// The switchboard glyph: three sockets on the left patched to three on the
/// right, the same drawing as the app icon.
#[function_component(Logo)]
fn logo() -> Html {
    html! {
        <svg class="logo" viewBox="0 0 48 48" role="img" aria-label="Switchboard logo">
            <rect class="logo-bg" x="2" y="2" width="44" height="44" rx="11" />
            <path class="logo-cable" d="M14 15 C24 15, 24 33, 34 33" />
            <path class="logo-cable" d="M14 24 C24 24, 24 15, 34 15" />
            <path class="logo-cable" d="M14 33 C24 33, 24 24, 34 24" />
            <circle class="logo-jack" cx="14" cy="15" r="3.2" />
            <circle class="logo-jack" cx="14" cy="24" r="3.2" />
            <circle class="logo-jack" cx="14" cy="33" r="3.2" />
            <circle class="logo-jack" cx="34" cy="15" r="3.2" />
            <circle class="logo-jack" cx="34" cy="24" r="3.2" />
            <circle class="logo-jack" cx="34" cy="33" r="3.2" />
        </svg>
    }
}
