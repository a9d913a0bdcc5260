//! The root component: the page frame (header, main area, footer).

use yew::prelude::*;

use crate::components::{EmptyState, Footer, Header};

/// The whole Switchboard page.
#[function_component(App)]
pub fn app() -> Html {
    html! {
        <div class="page">
            <Header />
            <main class="content">
                <EmptyState />
            </main>
            <Footer />
        </div>
    }
}
