//! The stored integrations: search, filters, sorting and pages of 50 rows,
//! so thousands stay fast (only one page is ever in the DOM).

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::integration_row::{row_view, use_row_actions, RowActions};
use super::parts::{select_value, table_head};
use super::{ConfirmDialog, TestAllBar};
use crate::hooks::{use_fetch_seeded, use_submit_notice};
use crate::ipc::{
    self, IpcResult, ListPage, ListQuery, Sort, Status, TestAllRequest, Website, WebsiteScope,
};
use crate::state::{use_app, Action};

/// Rows per page.
pub const PAGE_SIZE: i64 = ipc::LIST_PAGE_SIZE;

/// The table's column headings (a last one, for the actions, is read
/// only by screen readers).
const COLUMNS: [&str; 8] = [
    "Name",
    "Type",
    "Provider",
    "Website",
    "Status",
    "Active",
    "Last tested",
    "Errors",
];

/// The list's props.
#[derive(Properties, PartialEq)]
pub struct IntegrationListProps {
    /// Opens the edit form for an integration id.
    pub on_edit: Callback<String>,
}

/// The list with its toolbar.
#[function_component(IntegrationList)]
pub fn integration_list(props: &IntegrationListProps) -> Html {
    let app = use_app();
    // Settings' default website: the list opens filtered to it.
    let query = use_state(|| ListQuery::opening(app.settings.default_website.as_deref()));
    let page = use_list_page(&query);
    let websites = use_fetch_seeded(
        app.revision,
        || app.first.take_websites(),
        |_| ipc::websites(),
    );
    let sites = match &*websites {
        Some(Ok(list)) => list.clone(),
        _ => Vec::new(),
    };
    let confirm = use_state(|| None::<(String, String)>);
    let on_delete = {
        let confirm = confirm.clone();
        Callback::from(move |target: (String, String)| confirm.set(Some(target)))
    };
    let rows_shown = use_rows_shown(&page);
    let actions = use_row_actions();
    // A row of the page shown, by its id.
    let find = |page: &UseStateHandle<Option<IpcResult<ListPage>>>| {
        let page = page.clone();
        move |id: &str| match &*page {
            Some(Ok(p)) => p.rows.iter().find(|r| r.id == id).cloned(),
            _ => None,
        }
    };
    let on_row_click = actions.on_click(find(&page), &props.on_edit, &on_delete);
    let q = &*query;
    let filtering = q.search.is_some()
        || q.integration_type.is_some()
        || q.status.is_some()
        || q.website != WebsiteScope::Any;
    let body = match &*page {
        None => html! { <p class="muted loading">{ "Loading…" }</p> },
        Some(Err(e)) => html! { <p class="error" role="alert">{ &e.message }</p> },
        Some(Ok(p)) if p.rows.is_empty() => html! {
            <div class="empty-list" id="list-empty">
                if filtering || q.needs_attention {
                    <p>{ "Nothing matches these filters." }</p>
                } else {
                    <p class="empty-title">{ "No integrations yet" }</p>
                    <p class="muted">{ "Pick a card above to connect your first service." }</p>
                }
            </div>
        },
        Some(Ok(p)) => {
            let website = |id: &Option<String>| match id {
                Some(id) => sites
                    .iter()
                    .find(|w| &w.id == id)
                    .map(|w| w.name.clone())
                    .unwrap_or_else(|| "—".into()),
                None => "Global".into(),
            };
            html! {
                <>
                    { table(p, rows_shown, website, &actions, on_row_click) }
                    { pager(&query, p) }
                </>
            }
        }
    };
    // A full page: the stylesheet lets the engine skip it while off screen.
    let long = matches!(&*page, Some(Ok(p)) if p.rows.len() >= 30);
    html! {
        <section class={classes!("card", "list-card", long.then_some("long"))} aria-labelledby="list-title">
            <div class="list-head">
                <h2 id="list-title">{ "Your integrations" }</h2>
                { toolbar(&query, &sites, filtering) }
            </div>
            { body }
            { actions.dialog(find(&page)) }
            <DeleteConfirm target={confirm} />
        </section>
    }
}

/// The page of rows for the query, seeded with the first screen's one.
#[hook]
fn use_list_page(query: &UseStateHandle<ListQuery>) -> UseStateHandle<Option<IpcResult<ListPage>>> {
    let app = use_app();
    use_fetch_seeded(
        ((**query).clone(), app.revision),
        || {
            let page = app.first.take_list(query);
            if page.is_some() {
                crate::hooks::mark("sb-list");
            }
            page
        },
        |(q, _)| {
            let q = q.clone();
            crate::hooks::mark("sb-list-ask");
            async move {
                let page = ipc::list_integrations(&q).await;
                crate::hooks::mark("sb-list");
                page
            }
        },
    )
}

/// Rows in the list's first frame: more than a tall window shows of the
/// list at once (it sits below the type cards, so at first most often none
/// of it is on screen). The rest of the page follows in the next frame, so
/// the first screen is painted sooner when the list opens.
const FIRST_FRAME_ROWS: usize = 15;

/// How many of the page's rows to show: `FIRST_FRAME_ROWS` until the first
/// frame with rows has been painted, then all. Marks, for
/// scripts/bench-app.sh, when the first rows are in the DOM (effects run
/// after the DOM is updated), when that frame is painted, and when the frame
/// with the whole page is.
#[hook]
fn use_rows_shown(page: &Option<IpcResult<ListPage>>) -> usize {
    use crate::hooks::{after_paint, mark};
    let shown = matches!(page, Some(Ok(p)) if !p.rows.is_empty());
    let whole = use_state(|| false);
    let marked = use_mut_ref(|| false);
    {
        let whole = whole.clone();
        use_effect_with(shown, move |shown| {
            if *shown && !std::mem::replace(&mut *marked.borrow_mut(), true) {
                mark("sb-list-rendered");
                after_paint(move || {
                    mark("sb-list-painted");
                    whole.set(true);
                });
            }
        });
    }
    use_effect_with(*whole, |whole| {
        if *whole {
            after_paint(|| mark("sb-list-complete"));
        }
    });
    if *whole {
        usize::MAX
    } else {
        FIRST_FRAME_ROWS
    }
}

/// Search, the filters, the sort and "Test all".
fn toolbar(query: &UseStateHandle<ListQuery>, sites: &[Website], filtering: bool) -> Html {
    let update = |f: fn(&mut ListQuery, String)| {
        let query = query.clone();
        move |value: String| {
            let mut q = (*query).clone();
            f(&mut q, value);
            q.offset = 0;
            query.set(q);
        }
    };
    let on_search = {
        let set = update(|q, v| q.search = Some(v).filter(|s| !s.is_empty()));
        Callback::from(move |e: InputEvent| {
            set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let select = |f: fn(&mut ListQuery, String)| {
        let set = update(f);
        Callback::from(move |e: Event| set(select_value(&e)))
    };
    let on_type = select(|q, v| q.integration_type = Some(v).filter(|s| !s.is_empty()));
    let on_status = select(|q, v| q.status = Status::parse(&v));
    let on_website = select(|q, v| {
        q.website = match v.as_str() {
            "" => WebsiteScope::Any,
            "global" => WebsiteScope::Global,
            id => WebsiteScope::Website(id.to_owned()),
        }
    });
    let on_attention = {
        let query = query.clone();
        Callback::from(move |e: Event| {
            let mut q = (*query).clone();
            q.needs_attention = e.target_unchecked_into::<HtmlInputElement>().checked();
            q.offset = 0;
            query.set(q);
        })
    };
    let on_sort = select(|q, v| {
        q.sort = Sort::ALL
            .iter()
            .find(|(_, label)| *label == v)
            .map(|(s, _)| *s)
            .unwrap_or_default()
    });
    let q = &**query;
    let website_value = match &q.website {
        WebsiteScope::Any => String::new(),
        WebsiteScope::Global => "global".into(),
        WebsiteScope::Website(id) => id.clone(),
    };
    let sort_label = Sort::ALL
        .iter()
        .find(|(s, _)| *s == q.sort)
        .map(|(_, l)| *l)
        .unwrap_or("Newest first");
    let test_request = TestAllRequest {
        search: q.search.clone(),
        integration_type: q.integration_type.clone(),
        status: q.status,
        website: q.website.clone(),
    };
    html! {
        <div class="toolbar">
            <input type="search" id="list-search" class="search" placeholder="Search name, provider…"
                aria-label="Search integrations" value={q.search.clone().unwrap_or_default()}
                oninput={on_search} />
            <select id="filter-type" aria-label="Filter by type" onchange={on_type}>
                <option value="" selected={q.integration_type.is_none()}>{ "All types" }</option>
                { for switchboard_catalog::types().iter().map(|t| html! {
                    <option value={t.id} selected={q.integration_type.as_deref() == Some(t.id)}>{ t.label }</option>
                }) }
            </select>
            <select id="filter-status" aria-label="Filter by status" onchange={on_status}>
                <option value="" selected={q.status.is_none()}>{ "Any status" }</option>
                { for Status::ALL.iter().map(|s| html! {
                    <option value={s.as_str()} selected={q.status == Some(*s)}>{ s.as_str() }</option>
                }) }
            </select>
            <select id="filter-website" aria-label="Filter by website" onchange={on_website}>
                <option value="" selected={website_value.is_empty()}>{ "All websites" }</option>
                <option value="global" selected={website_value == "global"}>{ "Global only" }</option>
                { for sites.iter().map(|w| html! {
                    <option value={w.id.clone()} selected={website_value == w.id}>{ &w.name }</option>
                }) }
            </select>
            <label class="check">
                <input type="checkbox" id="filter-attention" aria-label="Needs attention"
                    checked={q.needs_attention} onchange={on_attention} />
                { "Needs attention" }
            </label>
            <select id="sort" aria-label="Sort" onchange={on_sort}>
                { for Sort::ALL.iter().map(|(_, label)| html! {
                    <option value={*label} selected={*label == sort_label}>{ *label }</option>
                }) }
            </select>
            <TestAllBar request={test_request} filtered={filtering} />
        </div>
    }
}

/// The first `shown` of the page's rows; `website` names a row's website;
/// `on_click` is the rows' buttons' one listener.
fn table(
    page: &ListPage,
    shown: usize,
    website: impl Fn(&Option<String>) -> String,
    actions: &RowActions,
    on_click: Callback<MouseEvent>,
) -> Html {
    html! {
        <table class="list" aria-label="Integrations">
            { table_head(&COLUMNS, html! { <th scope="col"><span class="sr-only">{ "Actions" }</span></th> }) }
            <tbody onclick={on_click}>
                { for page.rows.iter().take(shown).map(|row| {
                    row_view(row, website(&row.website_id), actions.testing(&row.id))
                }) }
            </tbody>
        </table>
    }
}

/// Which rows these are, and the previous and next page.
fn pager(query: &UseStateHandle<ListQuery>, page: &ListPage) -> Html {
    let go = |delta: i64| {
        let query = query.clone();
        Callback::from(move |_| {
            let mut q = (*query).clone();
            q.offset = (q.offset + delta * PAGE_SIZE).max(0);
            query.set(q);
        })
    };
    let offset = query.offset;
    let first = offset + 1;
    let last = offset + page.rows.len() as i64;
    html! {
        <div class="pager">
            <span class="muted" id="list-count">{ format!("{first}–{last} of {}", page.total) }</span>
            <button class="button ghost" disabled={offset == 0} onclick={go(-1)}
                aria-label="Previous page">{ "‹ Previous" }</button>
            <button class="button ghost" disabled={last >= page.total} onclick={go(1)}
                aria-label="Next page">{ "Next ›" }</button>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct DeleteConfirmProps {
    /// The integration (id, name) to delete once confirmed.
    target: UseStateHandle<Option<(String, String)>>,
}

/// Asks before an integration is deleted; its error becomes the notice.
#[function_component(DeleteConfirm)]
fn delete_confirm(props: &DeleteConfirmProps) -> Html {
    let app = use_app();
    let submit = use_submit_notice();
    let Some((id, name)) = (*props.target).clone() else {
        return Html::default();
    };
    let on_cancel = {
        let target = props.target.clone();
        Callback::from(move |_| target.set(None))
    };
    let on_confirm = {
        let (target, name) = (props.target.clone(), name.clone());
        Callback::from(move |_| {
            let (app, id, name, target) = (app.clone(), id.clone(), name.clone(), target.clone());
            let delete = async move {
                let result = ipc::delete_integration(&id).await;
                target.set(None);
                result
            };
            submit.run(delete, move |()| {
                app.dispatch(Action::Changed(format!(
                    "“{name}”: {}",
                    ipc::MOVED_TO_TRASH
                )))
            });
        })
    };
    html! {
        <ConfirmDialog title="Delete integration"
            message={format!("Move “{name}” to the Trash? You can restore it from the Trash for {} days.", ipc::TRASH_DAYS)}
            confirm_label="Move to Trash" {on_confirm} {on_cancel} />
    }
}
