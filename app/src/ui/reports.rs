//! The SLA report page (`/laporan`): for a date range, each step's share within the standard and its
//! median and p90 against the standard (as SVG charts with their numbers beside them), the whole
//! flow's lead time, by agency and by month, the breaches, and the returned and failed requests.
//! Every figure is the server's, computed by the shared domain from the event log.

use leptos::prelude::*;

use super::{t, use_lang};
use crate::domain::FLOW;
use crate::domain::report::{Figures, GroupFigures, SlaReport, StepFigures};
use crate::domain::request::wib;
use crate::domain::sop::StepDef;
use crate::i18n::format::{date_time, duration};
use crate::i18n::{Lang, Text};

const TITLE: Text = Text::new("Laporan SLA", "SLA report");
const FROM: Text = Text::new("Dari tanggal", "From");
const TO: Text = Text::new("Sampai tanggal", "To");
const CSV: Text = Text::new("Unduh CSV", "Download CSV");
const STEP: Text = Text::new("Tahap", "Step");
const HANDLED: Text = Text::new("Ditangani", "Handled");
const WITHIN: Text = Text::new("Sesuai waktu baku", "Within standard");
const SHARE: Text = Text::new("% sesuai", "% within");
const MEDIAN: Text = Text::new("Median", "Median");
const P90: Text = Text::new("P90", "P90");
const STANDARD: Text = Text::new("Waktu baku", "Standard");
const BREACHES: Text = Text::new("Terlambat", "Breaches");
const TOTAL: Text = Text::new("Semua tahap", "All steps");
const SHARE_CHART: Text = Text::new(
    "Bagian yang selesai dalam waktu baku, per tahap",
    "Share finished within the standard, per step",
);
const TIME_CHART: Text = Text::new(
    "Median dan p90 terhadap waktu baku (garis = 100 %)",
    "Median and p90 against the standard (line = 100 %)",
);
const LEAD: Text = Text::new(
    "Waktu proses seluruh alur (permohonan selesai)",
    "Whole-flow lead time (finished requests)",
);
const AGENCIES: Text = Text::new("Per instansi pemohon", "By applicant agency");
const MONTHS: Text = Text::new("Per bulan", "By month");
const AGENCY: Text = Text::new("Instansi", "Agency");
const MONTH: Text = Text::new("Bulan", "Month");
const FINISHED: Text = Text::new("Selesai", "Finished");
const RETURNED: Text = Text::new("Dikembalikan", "Returned");
const FAILED: Text = Text::new("Gagal", "Failed");
const BREACH_LIST: Text = Text::new("Keterlambatan", "Breaches");
const ENDED_LIST: Text = Text::new(
    "Permohonan dikembalikan dan gagal",
    "Returned and failed requests",
);
const LETTER: Text = Text::new("Nomor surat", "Letter number");
const OVER: Text = Text::new("Lewat", "Over by");
const WHEN: Text = Text::new("Waktu", "When");
const REASON: Text = Text::new("Alasan", "Reason");
const NONE: Text = Text::new("Tidak ada", "None");
const HOW: Text = Text::new(
    "Dihitung dari log peristiwa dengan jam SLA papan: jam kerja, hari libur dan waktu menunggu pemohon tidak dihitung. Median dan p90: peringkat terdekat.",
    "Computed from the event log with the board's SLA clock: outside office hours, holidays and time waiting for the applicant do not count. Median and p90: nearest rank.",
);

fn secs(seconds: Option<i64>, lang: Lang) -> String {
    seconds
        .map(|s| duration(s, lang))
        .unwrap_or_else(|| "—".into())
}

fn share(f: &Figures) -> String {
    f.share_within()
        .map(|s| format!("{:.0} %", s * 100.0))
        .unwrap_or_else(|| "—".into())
}

fn def(step: crate::domain::StepId) -> &'static StepDef {
    FLOW.iter()
        .find(|d| d.id == step)
        .expect("every step is in the flow")
}

#[component]
pub fn ReportsPage() -> impl IntoView {
    let today = chrono::Utc::now().with_timezone(&wib()).date_naive();
    let first = today.format("%Y-%m-01").to_string();
    let from = RwSignal::new(first);
    let to = RwSignal::new(today.format("%Y-%m-%d").to_string());
    let query = move || format!("from={}&to={}", from.get(), to.get());
    let report = LocalResource::new(move || {
        let query = query();
        async move {
            super::client::http::get_json::<SlaReport>(&format!("/api/reports/sla?{query}")).await
        }
    });
    view! {
        <main class="reports-page" data-testid="reports-page">
            <h1>{t(TITLE)}</h1>
            <div class="filters">
                <label>
                    <span>{t(FROM)}</span>
                    <input type="date" name="from" prop:value=move || from.get()
                        on:change=move |ev| from.set(event_target_value(&ev))/>
                </label>
                <label>
                    <span>{t(TO)}</span>
                    <input type="date" name="to" prop:value=move || to.get()
                        on:change=move |ev| to.set(event_target_value(&ev))/>
                </label>
                <a class="button" data-testid="report-csv" href=move || format!("/api/reports/sla?{}&format=csv", query()) download>
                    {t(CSV)}
                </a>
            </div>
            <p class="hint">{t(HOW)}</p>
            <Suspense fallback=|| view! { <p>"…"</p> }>
                {move || report.get().map(|result| match result {
                    Ok(report) => view! { <Report report/> }.into_any(),
                    Err(message) => view! { <p class="error" role="alert">{super::say(message)}</p> }.into_any(),
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn Report(report: SlaReport) -> impl IntoView {
    let lang = use_lang();
    let steps = report.steps.clone();
    view! {
        <section class="report-charts">
            <ShareChart steps=steps.clone()/>
            <TimeChart steps=steps.clone()/>
        </section>
        <table class="report-table" data-testid="report-steps">
            <thead><tr>
                <th scope="col">{t(STEP)}</th><th scope="col" class="n">{t(HANDLED)}</th><th scope="col" class="n">{t(WITHIN)}</th><th scope="col" class="n">{t(SHARE)}</th>
                <th scope="col" class="n">{t(MEDIAN)}</th><th scope="col" class="n">{t(P90)}</th><th scope="col" class="n">{t(STANDARD)}</th><th scope="col" class="n">{t(BREACHES)}</th>
            </tr></thead>
            <tbody>
                {steps.into_iter().map(|s| {
                    let f = s.figures;
                    let name = def(s.step).name;
                    view! {
                        <tr data-step=s.step.code()>
                            <th scope="row">{s.step.code()} " · " {t(name)}</th>
                            <td class="n">{f.handled}</td>
                            <td class="n">{f.within}</td>
                            <td class="n">{share(&f)}</td>
                            <td class="n">{move || secs(f.median, lang.get())}</td>
                            <td class="n">{move || secs(f.p90, lang.get())}</td>
                            <td class="n">{move || duration(s.standard, lang.get())}</td>
                            <td class="n">{f.breaches}</td>
                        </tr>
                    }
                }).collect_view()}
                <tr class="total" data-step="total">
                    <th scope="row">{t(TOTAL)}</th>
                    <td class="n">{report.total.handled}</td>
                    <td class="n">{report.total.within}</td>
                    <td class="n">{share(&report.total)}</td>
                    <td></td><td></td><td></td>
                    <td class="n">{report.total.breaches}</td>
                </tr>
            </tbody>
        </table>
        <section class="report-lead" data-testid="report-lead">
            <h2>{t(LEAD)}</h2>
            <p>
                {t(FINISHED)} ": " {report.lead_time.finished} " · " {t(MEDIAN)} " "
                {move || secs(report.lead_time.median, lang.get())} " · " {t(P90)} " "
                {move || secs(report.lead_time.p90, lang.get())}
            </p>
        </section>
        <GroupTable title=AGENCIES key_label=AGENCY groups=report.agencies.clone() testid="report-agencies"/>
        <GroupTable title=MONTHS key_label=MONTH groups=report.months.clone() testid="report-months"/>
        <section data-testid="report-breaches">
            <h2>{t(BREACH_LIST)}</h2>
            {report.breaches.is_empty().then(|| view! { <p>{t(NONE)}</p> })}
            <table class="report-table" hidden=report.breaches.is_empty()>
                <thead><tr><th>{t(LETTER)}</th><th>{t(AGENCY)}</th><th>{t(STEP)}</th><th class="n">{t(OVER)}</th><th>{t(WHEN)}</th></tr></thead>
                <tbody>
                    {report.breaches.iter().map(|b| {
                        let b = b.clone();
                        view! {
                            <tr>
                                <td>{b.letter_number.clone()}</td>
                                <td>{b.agency.clone()}</td>
                                <td>{b.step.code()}</td>
                                <td class="n">{move || duration(b.over_by, lang.get())}</td>
                                <td>{move || date_time(b.left_at, wib(), lang.get())}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        <section data-testid="report-ended">
            <h2>{t(ENDED_LIST)}</h2>
            {report.ended.is_empty().then(|| view! { <p>{t(NONE)}</p> })}
            <table class="report-table" hidden=report.ended.is_empty()>
                <thead><tr><th>{t(LETTER)}</th><th>{t(AGENCY)}</th><th>{t(STEP)}</th><th></th><th>{t(REASON)}</th><th>{t(WHEN)}</th></tr></thead>
                <tbody>
                    {report.ended.iter().map(|e| {
                        let e = e.clone();
                        view! {
                            <tr>
                                <td>{e.letter_number.clone()}</td>
                                <td>{e.agency.clone()}</td>
                                <td>{e.step.code()}</td>
                                <td>{move || e.end.label().get(lang.get())}</td>
                                <td>{e.reason.clone()}</td>
                                <td>{move || date_time(e.at, wib(), lang.get())}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn GroupTable(
    title: Text,
    key_label: Text,
    groups: Vec<GroupFigures>,
    testid: &'static str,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <section data-testid=testid>
            <h2>{t(title)}</h2>
            <table class="report-table">
                <thead><tr>
                    <th scope="col">{t(key_label)}</th><th scope="col" class="n">{t(HANDLED)}</th><th scope="col" class="n">{t(SHARE)}</th><th scope="col" class="n">{t(MEDIAN)}</th>
                    <th scope="col" class="n">{t(BREACHES)}</th><th scope="col" class="n">{t(FINISHED)}</th><th scope="col" class="n">{t(RETURNED)}</th><th scope="col" class="n">{t(FAILED)}</th>
                </tr></thead>
                <tbody>
                    {groups.into_iter().map(|g| {
                        let f = g.figures;
                        view! {
                            <tr>
                                <th scope="row">{g.key.clone()}</th>
                                <td class="n">{f.handled}</td>
                                <td class="n">{share(&f)}</td>
                                <td class="n">{move || secs(f.median, lang.get())}</td>
                                <td class="n">{f.breaches}</td>
                                <td class="n">{g.finished}</td>
                                <td class="n">{g.returned}</td>
                                <td class="n">{g.failed}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

const ROW: f64 = 28.0;
const LABEL_W: f64 = 60.0;
const BAR_W: f64 = 300.0;
const VALUE_W: f64 = 150.0;

/// Horizontal bars: the share within the standard per step, the number beside each bar.
#[component]
fn ShareChart(steps: Vec<StepFigures>) -> impl IntoView {
    let height = ROW * steps.len() as f64 + 8.0;
    view! {
        <figure class="chart" data-testid="share-chart">
            <figcaption>{t(SHARE_CHART)}</figcaption>
            <svg viewBox=format!("0 0 {} {height}", LABEL_W + BAR_W + VALUE_W) role="img">
                {steps.iter().enumerate().map(|(i, s)| {
                    let y = 4.0 + ROW * i as f64;
                    let share = s.figures.share_within();
                    let w = share.unwrap_or(0.0) * BAR_W;
                    let class = match share {
                        None => "chart-bar none",
                        Some(v) if v >= 0.9 => "chart-bar good",
                        Some(v) if v >= 0.7 => "chart-bar fair",
                        Some(_) => "chart-bar poor",
                    };
                    let text = match share {
                        Some(v) => format!("{:.0} % ({}/{})", v * 100.0, s.figures.within, s.figures.handled),
                        None => "—".into(),
                    };
                    view! {
                        <g data-step=s.step.code()>
                            <text x="0" y=y + 18.0 class="label">{s.step.code()}</text>
                            <rect x=LABEL_W y=y width=BAR_W height=ROW - 8.0 class="track"/>
                            <rect x=LABEL_W y=y width=w height=ROW - 8.0 class=class/>
                            <text x=LABEL_W + BAR_W + 8.0 y=y + 18.0 class="value">{text}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
        </figure>
    }
}

/// Median and p90 per step as a share of the standard, the standard as a line at 100 %.
#[component]
fn TimeChart(steps: Vec<StepFigures>) -> impl IntoView {
    let lang = use_lang();
    let height = ROW * steps.len() as f64 + 8.0;
    // The scale runs to 200 % of the standard; longer bars are cut and say so in their number.
    let scale = |v: i64, standard: i64| (v as f64 / standard as f64).min(2.0) / 2.0 * BAR_W;
    view! {
        <figure class="chart" data-testid="time-chart">
            <figcaption>{t(TIME_CHART)}</figcaption>
            <svg viewBox=format!("0 0 {} {height}", LABEL_W + BAR_W + VALUE_W) role="img">
                <line x1=LABEL_W + BAR_W / 2.0 x2=LABEL_W + BAR_W / 2.0 y1="0" y2=height class="standard-line"/>
                {steps.iter().enumerate().map(|(i, s)| {
                    let y = 4.0 + ROW * i as f64;
                    let median = s.figures.median;
                    let p90 = s.figures.p90;
                    let standard = s.standard;
                    view! {
                        <g data-step=s.step.code()>
                            <text x="0" y=y + 18.0 class="label">{s.step.code()}</text>
                            {p90.map(|v| view! { <rect x=LABEL_W y=y width=scale(v, standard) height=ROW - 8.0 class="chart-bar p90"/> })}
                            {median.map(|v| view! { <rect x=LABEL_W y=y + 5.0 width=scale(v, standard) height=ROW - 18.0 class="chart-bar median"/> })}
                            <text x=LABEL_W + BAR_W + 8.0 y=y + 18.0 class="value">
                                {move || format!("{} / {}", secs(median, lang.get()), secs(p90, lang.get()))}
                            </text>
                        </g>
                    }
                }).collect_view()}
            </svg>
        </figure>
    }
}
