//! What the integration catalog offers, as a row of type labels.

use yew::prelude::*;

/// "15 integration types from 60 providers", then each type's label.
#[function_component(CatalogSummary)]
pub fn catalog_summary() -> Html {
    let types = switchboard_catalog::types();
    let providers: usize = types.iter().map(|ty| ty.providers.len()).sum();
    html! {
        <div class="catalog">
            <p class="catalog-count">
                { format!("Ready for {} integration types from {} providers", types.len(), providers) }
            </p>
            <ul class="chips" aria-label="Integration types">
                { for types.iter().map(|ty| html! {
                    <li class="chip" key={ty.id} title={ty.description}>{ ty.label }</li>
                }) }
            </ul>
        </div>
    }
}
