//! Totals by type and by status: a bar chart, a donut and the numbers.

use yew::prelude::*;

use crate::hooks::use_fetch;
use crate::ipc;
use crate::state::use_app;

/// The stats page.
#[function_component(StatsPage)]
pub fn stats_page() -> Html {
    let app = use_app();
    let stats = use_fetch(app.revision, |_| ipc::stats());
    let s = match &*stats {
        None => return html! { <p class="muted">{ "Loading…" }</p> },
        Some(Err(e)) => return html! { <p class="error" role="alert">{ &e.message }</p> },
        Some(Ok(s)) => s.clone(),
    };
    let max = s.by_type.values().copied().max().unwrap_or(0).max(1);
    let bar_h = 22;
    let types: Vec<(&str, i64)> = switchboard_catalog::types()
        .iter()
        .map(|t| (t.label, s.by_type.get(t.id).copied().unwrap_or(0)))
        .collect();
    let chart_h = types.len() as i64 * (bar_h + 8);
    let bars = types.iter().enumerate().map(|(i, (label, n))| {
        let y = i as i64 * (bar_h + 8);
        let w = (*n as f64 / max as f64 * 300.0).round() as i64;
        html! {
            <g>
                <text x="200" y={(y + 16).to_string()} class="chart-label" text-anchor="end">{ *label }</text>
                <rect x="210" y={y.to_string()} width={w.max(2).to_string()} height={bar_h.to_string()} rx="5"
                    class={classes!("bar", (*n == 0).then_some("zero"))} />
                <text x={(218 + w).to_string()} y={(y + 16).to_string()} class="chart-value">{ n }</text>
            </g>
        }
    });
    // The donut: one arc per status, drawn with stroke-dasharray on a circle.
    let circumference = 2.0 * std::f64::consts::PI * 60.0;
    let total: i64 = s.by_status.values().sum();
    let mut offset = 0.0;
    let arcs = ipc::Status::ALL.iter().map(|st| {
        let n = s.by_status.get(st.as_str()).copied().unwrap_or(0);
        let len = if total == 0 {
            0.0
        } else {
            n as f64 / total as f64 * circumference
        };
        let arc = html! {
            <circle cx="80" cy="80" r="60" class={classes!("arc", format!("st-{}", st.as_str()))}
                stroke-dasharray={format!("{} {}", fixed2(len), fixed2(circumference - len))}
                stroke-dashoffset={fixed2(-offset)} />
        };
        offset += len;
        arc
    });
    html! {
        <div class="stats-page">
            <section class="numbers" aria-label="Totals">
                <div class="number"><span class="big" id="stat-total">{ s.total }</span><span class="muted">{ "Integrations" }</span></div>
                <div class="number"><span class="big good">{ s.active }</span><span class="muted">{ "Switched on" }</span></div>
                <div class="number"><span class="big">{ s.inactive }</span><span class="muted">{ "Switched off" }</span></div>
                <div class="number"><span class="big bad">{ s.error }</span><span class="muted">{ "With errors" }</span></div>
            </section>
            <div class="chart-row">
                <section class="card" aria-labelledby="by-type-title">
                    <h2 id="by-type-title">{ "By type" }</h2>
                    <svg class="chart bars" viewBox={format!("0 0 560 {chart_h}")} role="img"
                        aria-label="Integrations per type">{ for bars }</svg>
                </section>
                <section class="card" aria-labelledby="by-status-title">
                    <h2 id="by-status-title">{ "By status" }</h2>
                    <svg class="chart donut" viewBox="0 0 160 160" role="img" aria-label="Integrations per status">
                        <circle cx="80" cy="80" r="60" class="arc track" />
                        { for arcs }
                        <text x="80" y="88" text-anchor="middle" class="donut-total">{ total }</text>
                    </svg>
                    <ul class="legend">
                        { for ipc::Status::ALL.iter().map(|st| html! {
                            <li><span class={classes!("dot", format!("st-{}", st.as_str()))} />{ format!("{}: {}", st.as_str(),
                                s.by_status.get(st.as_str()).copied().unwrap_or(0)) }</li>
                        }) }
                    </ul>
                </section>
            </div>
        </div>
    }
}

/// `x` with two decimals, as `format!("{x:.2}")` writes it (a negative zero
/// too), for the chart's lengths: without the standard float formatting,
/// which is large in the wasm and used nowhere else.
fn fixed2(x: f64) -> String {
    let hundredths = (x.abs() * 100.0).round() as u64;
    let sign = if x.is_sign_negative() { "-" } else { "" };
    format!("{sign}{}.{:02}", hundredths / 100, hundredths % 100)
}

#[cfg(test)]
mod tests {
    use super::fixed2;

    #[test]
    fn fixed2_writes_as_std_does() {
        let circumference = 2.0 * std::f64::consts::PI * 60.0;
        let mut values = vec![0.0, -0.0, 1.0, -1.5, 0.004, -0.004, 99.999, circumference];
        for total in 1..40_i32 {
            let mut offset = 0.0;
            for n in 0..total {
                let len = f64::from(n) / f64::from(total) * circumference;
                values.extend([len, circumference - len, -offset]);
                offset += len;
            }
        }
        for x in values {
            assert_eq!(fixed2(x), format!("{x:.2}"), "{x}");
        }
    }
}
