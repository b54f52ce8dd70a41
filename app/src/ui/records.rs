//! The SOP's records, ready to print on A4: the reply letter (Surat Balasan) at
//! `/rekaman/<card>/surat-balasan` and the monitoring report of step 7 at
//! `/rekaman/<card>/laporan-monitoring`, under the agency's letterhead; and, on the card's details,
//! the links to them and to the whole record as one file.
//!
//! The documents are official letters of an Indonesian government office: they are written in
//! Bahasa Indonesia whatever the screen's language; the buttons around them follow the toggle.

use leptos::prelude::*;

use super::{t, use_lang};
use crate::domain::Card;
use crate::domain::record::{MonitoringReport, NotYet, ReplyLetter};
use crate::i18n::Text;

#[cfg(feature = "ssr")]
pub use page::{Doc, NUMBER_LIMIT, document};

const RECORDS: Text = Text::new("Rekaman (arsip SOP)", "Records (the SOP's archive)");
const REPLY: Text = Text::new("Surat balasan (cetak A4)", "Reply letter (print, A4)");
const MONITORING: Text = Text::new(
    "Laporan hasil monitoring (cetak A4)",
    "Monitoring report (print, A4)",
);
const EXPORT: Text = Text::new(
    "Unduh rekaman lengkap (satu berkas JSON)",
    "Download the whole record (one JSON file)",
);

/// On the card's details: the records of this request.
#[component]
pub fn RecordLinks(card: Card) -> impl IntoView {
    let lang = use_lang();
    let id = card.id.0;
    let reply = ReplyLetter::of(&card, &[]).err();
    let monitoring = MonitoringReport::of(&card, &[]).err();
    let link =
        move |href: String, label: Text, missing: Option<NotYet>, test: &'static str| match missing
        {
            None => view! { <li><a href=href rel="external" data-testid=test>{t(label)}</a></li> }
                .into_any(),
            Some(why) => view! {
                <li class="not-yet" data-testid=test>
                    {t(label)} ": " {move || why.text().get(lang.get())}
                </li>
            }
            .into_any(),
        };
    view! {
        <section class="record-links" data-testid="record-links">
            <h3>{t(RECORDS)}</h3>
            <ul>
                {link(format!("/rekaman/{id}/surat-balasan"), REPLY, reply, "reply-letter-link")}
                {link(format!("/rekaman/{id}/laporan-monitoring"), MONITORING, monitoring, "monitoring-report-link")}
                <li>
                    <a href=format!("/api/cards/{id}/record?download=1") download data-testid="record-download">
                        {t(EXPORT)}
                    </a>
                </li>
            </ul>
        </section>
    }
}

#[cfg(feature = "ssr")]
mod page {
    use leptos::prelude::*;

    use super::RECORDS;
    use crate::domain::record::{
        Letterhead, MonitoringReport, NotYet, ReplyLetter, ReplyOutcome, RequestRecord, Signer,
        TheirLetter,
    };
    use crate::domain::request::wib;
    use crate::i18n::format::{letter_date, letter_span};
    use crate::i18n::ui as txt;
    use crate::i18n::{Both, Lang, Text};
    use crate::ui::plain::Plain;

    /// Which record a page prints.
    #[derive(Clone, Copy, PartialEq, Eq)]
    pub enum Doc {
        Reply,
        Monitoring,
    }

    const PRINT: Text = Text::new("Cetak / simpan PDF", "Print / save as PDF");
    const NUMBER: Text = Text::new("Nomor surat balasan", "Reply letter number");
    const NUMBER_HINT: Text = Text::new(
        "Dari Srikandi; kosong: diisi tangan setelah dicetak.",
        "From Srikandi; empty: written by hand after printing.",
    );
    const ALWAYS_ID: Text = Text::new(
        "Surat dinas selalu berbahasa Indonesia.",
        "Official letters are always in Bahasa Indonesia.",
    );
    const APPLY: Text = Text::new("Terapkan", "Apply");
    /// The longest reply letter number the page takes: its field's `maxlength`, and the server
    /// refuses a longer one sent without the field.
    pub const NUMBER_LIMIT: usize = 100;

    /// Where the reply letter's number goes while it is unknown: written by hand after printing
    /// (the same dots are in [`SCRIPT`]).
    const BLANK_NUMBER: &str = "………………………………";

    /// The print button (shown only where script runs: without it, the browser's own menu prints) and
    /// the typed letter number shown in the letter as it is typed (without script: on "Terapkan").
    const SCRIPT: &str = "var b=document.getElementById('print');b.hidden=false;b.onclick=function(){print()};\
    var i=document.getElementById('reply-number'),s=document.getElementById('reply-number-shown');\
    if(i&&s){i.oninput=function(){s.textContent=i.value.trim()||'………………………………'}}";

    /// A print page: the record `found` as the document `doc` (the reply letter numbered `number`, as
    /// typed), or why it cannot be printed. `number_problem`: what is wrong with the number typed.
    pub fn document(
        doc: Doc,
        found: Result<RequestRecord, Both>,
        number: String,
        number_problem: Option<Both>,
        page: &Plain,
    ) -> String {
        let lang = page.lang;
        let title = match (&found, doc) {
            (Ok(r), Doc::Reply) => format!("Surat balasan — {}", r.card.request.letter_number),
            (Ok(r), Doc::Monitoring) => {
                format!(
                    "Laporan hasil monitoring — {}",
                    r.card.request.letter_number
                )
            }
            (Err(_), _) => RECORDS.get(lang).to_owned(),
        };
        let switch = page.language_switch();
        page.document(title, None, Some(SCRIPT), move || {
            let sheet = match found {
                Err(message) => {
                    view! { <p class="error" role="alert">{message.get(lang).to_owned()}</p> }.into_any()
                }
                Ok(record) => match doc {
                    Doc::Reply => match record.reply_letter {
                        Some(letter) => view! {
                            <ReplyLetterSheet head=record.letterhead letter number=number.clone()/>
                        }
                        .into_any(),
                        None => not_ready(NotYet::NoReplyYet, lang),
                    },
                    Doc::Monitoring => match record.monitoring_report {
                        Some(report) => {
                            view! { <MonitoringReportSheet head=record.letterhead report/> }.into_any()
                        }
                        None => not_ready(NotYet::NotMonitoredYet, lang),
                    },
                },
            };
            let invalid = number_problem.is_some();
            view! {
                <main class="document-page">
                    <div class="doc-toolbar">
                        <a href="/">{txt::BACK_TO_BOARD.get(lang)}</a>
                        {(doc == Doc::Reply).then(|| view! {
                            <form method="get" class="reply-number-form">
                                <input type="hidden" name="lang" value=lang.tag()/>
                                <label for="reply-number">{NUMBER.get(lang)}</label> " "
                                <input type="text" id="reply-number" name="nomor" maxlength=NUMBER_LIMIT
                                    value=number data-testid="reply-number"
                                    aria-invalid=invalid.then_some("true")
                                    aria-describedby="reply-number-hint reply-number-error"/>
                                " " <button type="submit" class="secondary" data-testid="reply-number-apply">{APPLY.get(lang)}</button>
                                <small id="reply-number-hint">" " {NUMBER_HINT.get(lang)}</small>
                                <span class="field-error" id="reply-number-error" role="alert">
                                    {number_problem.map(|p| p.get(lang).to_owned())}
                                </span>
                            </form>
                        })}
                        <button type="button" class="secondary" id="print" hidden data-testid="print">{PRINT.get(lang)}</button>
                        <small>{ALWAYS_ID.get(lang)}</small>
                        {switch}
                    </div>
                    {sheet}
                </main>
            }
            .into_any()
        })
    }

    fn not_ready(why: NotYet, lang: Lang) -> AnyView {
        view! { <p class="notice" role="status" data-testid="record-not-ready">{why.text().get(lang)}</p> }
            .into_any()
    }

    /// The kop surat: the government, the agency, its address and contacts, a double rule.
    #[component]
    fn Kop(head: Letterhead) -> impl IntoView {
        let line = |class: &'static str, text: String| {
            (!text.is_empty()).then(|| view! { <p class=class>{text}</p> })
        };
        view! {
            <header class="kop" data-testid="letterhead">
                {line("kop-government", head.government)}
                {line("kop-agency", head.agency)}
                {line("kop-address", head.address)}
                {line("kop-contact", head.contact)}
            </header>
        }
    }

    /// A `label : value` row of a letter.
    fn row(label: &'static str, value: String) -> impl IntoView {
        view! { <tr><th scope="row">{label}</th><td class="colon">":"</td><td>{value}</td></tr> }
    }

    fn their_letter(to: &TheirLetter) -> String {
        format!(
            "surat Saudara Nomor {} tanggal {} perihal {}",
            to.number,
            letter_date(to.date),
            to.subject
        )
    }

    #[component]
    fn ReplyLetterSheet(head: Letterhead, letter: ReplyLetter, number: String) -> impl IntoView {
        let to = letter.to.clone();
        let dated = letter_date(letter.dated.with_timezone(&wib()).date_naive());
        let place = head.place.clone();
        let answer = match letter.outcome.clone() {
            ReplyOutcome::Scheduled {
                schedule,
                trial_ok,
                trial_note,
            } => {
                let trial = format!(
                    "{}{}",
                    if trial_ok { "berhasil" } else { "tidak berhasil" },
                    trial_note.map(|n| format!(" ({n})")).unwrap_or_default()
                );
                view! {
                    <p>
                        "Menindaklanjuti " {their_letter(&to)} ", dengan ini kami sampaikan bahwa permohonan "
                        "monitoring CCTV tersebut dapat kami fasilitasi dengan jadwal sebagai berikut:"
                    </p>
                    <table class="doc-fields" data-testid="reply-schedule">
                        {row("Waktu", letter_span(schedule.start, schedule.end, wib()))}
                        {row("Tempat", place)}
                        {row("Kamera", to.cameras.join(", "))}
                        {row("Hasil uji coba CCTV", trial)}
                    </table>
                    <p>
                        "Monitoring akan didampingi oleh operator TCM Room. Mohon perwakilan Saudara hadir tepat waktu"
                        {to.contact.clone().map(|c| format!("; narahubung Saudara yang kami catat: {c}"))} "."
                    </p>
                }
                .into_any()
            }
            ReplyOutcome::Returned { reason } => view! {
                <p>
                    "Menindaklanjuti " {their_letter(&to)} ", dengan ini kami sampaikan bahwa permohonan "
                    "tersebut belum dapat kami proses karena: " <strong>{reason}</strong> "."
                </p>
                <p>"Saudara dapat mengajukan kembali permohonan setelah melengkapi atau memperbaikinya."</p>
            }
            .into_any(),
            ReplyOutcome::Failed { reason } => view! {
                <p>
                    "Menindaklanjuti " {their_letter(&to)} ", dengan ini kami sampaikan bahwa monitoring CCTV "
                    "tersebut tidak dapat dilaksanakan karena: " <strong>{reason}</strong> "."
                </p>
            }
            .into_any(),
        };
        let signer = (
            head.signatory_title.clone(),
            head.signatory_name.clone(),
            head.signatory_nip.clone(),
        );
        view! {
            <article class="sheet" data-testid="reply-letter">
                <Kop head=head.clone()/>
                <p class="doc-place-date">{format!("{}, {dated}", head.city)}</p>
                <table class="doc-meta">
                    <tr><th scope="row">"Nomor"</th><td class="colon">":"</td>
                        <td id="reply-number-shown" data-testid="reply-number-shown">{
                            if number.is_empty() { BLANK_NUMBER.to_owned() } else { number }
                        }</td></tr>
                    {row("Sifat", "Biasa".into())}
                    {row("Lampiran", "-".into())}
                    {row("Hal", "Balasan Permohonan Monitoring CCTV".into())}
                </table>
                <div class="doc-to">
                    <p>"Yth. Pimpinan " {letter.to.agency.clone()}</p>
                    <p>"di"</p>
                    <p class="indent">"Tempat"</p>
                </div>
                <div class="doc-body">
                    {answer}
                    <p>"Demikian kami sampaikan. Atas perhatian dan kerja samanya, kami ucapkan terima kasih."</p>
                </div>
                <Signature title=signer.0 name=signer.1 nip=signer.2/>
            </article>
        }
    }

    /// A signature block: the title, room to sign, the name (or a line to write it on), the NIP.
    #[component]
    fn Signature(
        title: String,
        name: String,
        #[prop(optional)] nip: String,
        #[prop(optional)] above: Option<String>,
    ) -> impl IntoView {
        view! {
            <div class="doc-signature">
                {above.map(|a| view! { <p>{a}</p> })}
                <p>{title} ","</p>
                <div class="sign-space"></div>
                <p class="sign-name">{if name.trim().is_empty() { "(………………………………)".to_owned() } else { name }}</p>
                {(!nip.is_empty()).then(|| view! { <p>"NIP. " {nip}</p> })}
            </div>
        }
    }

    fn health(h: Option<crate::domain::camera::Health>) -> String {
        h.map(|h| h.label().id.to_owned())
            .unwrap_or_else(|| "-".into())
    }

    fn signer_name(s: &Option<Signer>) -> String {
        s.as_ref().map(|s| s.name.clone()).unwrap_or_default()
    }

    #[component]
    fn MonitoringReportSheet(head: Letterhead, report: MonitoringReport) -> impl IntoView {
        let r = report.request.clone();
        let when = report
            .schedule
            .map(|w| letter_span(w.start, w.end, wib()))
            .unwrap_or_else(|| "-".into());
        let done_on = letter_date(report.operator.at.with_timezone(&wib()).date_naive());
        let live_at = report.live_at.map(|t| {
            format!(
                "Status sistem Pantau pada {}",
                crate::i18n::format::date_time(t, wib(), crate::i18n::Lang::Id)
            )
        });
        let trial = report
            .trial
            .clone()
            .map(|t| {
                format!(
                    "{}{}",
                    if t.ok { "Berhasil" } else { "Tidak berhasil" },
                    t.note.map(|n| format!(" — {n}")).unwrap_or_default()
                )
            })
            .unwrap_or_else(|| "-".into());
        let cameras = report.cameras.clone();
        let reschedules = report.reschedules.clone();
        view! {
            <article class="sheet" data-testid="monitoring-report">
                <Kop head=head.clone()/>
                <h1 class="doc-title">"LAPORAN HASIL MONITORING CCTV"</h1>
                <table class="doc-fields">
                    {row("Dasar", format!("Surat {} Nomor {} tanggal {} perihal {}", r.agency, r.number, letter_date(r.date), r.subject))}
                    {row("Pemohon", r.agency.clone())}
                    {row("Narahubung", r.contact.clone().unwrap_or_else(|| "-".into()))}
                    {row("Tujuan", r.purpose.clone().unwrap_or_else(|| "-".into()))}
                    {row("Waktu", when)}
                    {row("Tempat", head.place.clone())}
                </table>
                <h2>"A. Pengecekan jaringan internet dan CCTV (tahap 5a)"</h2>
                <p>"Jaringan internet: " {health(report.network)}
                    {report.check_note.clone().map(|n| format!(". Catatan: {n}"))}</p>
                <table class="doc-grid" data-testid="report-cameras">
                    <thead><tr>
                        <th scope="col">"No"</th><th scope="col">"Kamera"</th>
                        <th scope="col">"Hasil pengecekan"</th>
                        <th scope="col">{live_at.clone().unwrap_or_else(|| "Status sistem".into())}</th>
                        <th scope="col">"Catatan"</th>
                    </tr></thead>
                    <tbody>
                        {cameras.into_iter().enumerate().map(|(i, c)| view! {
                            <tr>
                                <td>{i + 1}</td>
                                <td>{c.camera}</td>
                                <td>{health(c.checked)}</td>
                                <td>{c.live.map(|s| s.label().id.to_owned()).unwrap_or_else(|| "-".into())}</td>
                                <td>{c.note.unwrap_or_else(|| "-".into())}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <h2>"B. Uji coba CCTV (tahap 6)"</h2>
                <p>{trial}</p>
                {(!reschedules.is_empty()).then(|| view! {
                    <p>"Penjadwalan ulang:"</p>
                    <ul>
                        {reschedules.into_iter().map(|x| view! {
                            <li>{letter_span(x.window.start, x.window.end, wib())} " — " {x.reason}</li>
                        }).collect_view()}
                    </ul>
                })}
                <h2>"C. Hasil monitoring (tahap 7)"</h2>
                <p class="doc-summary" data-testid="report-summary">{report.summary.clone()}</p>
                {report.note.clone().map(|n| view! { <p>"Catatan: " {n}</p> })}
                <div class="doc-signatures">
                    <Signature title="Subkor ILE".into() name=signer_name(&report.acknowledged_by)
                        above="Mengetahui,".to_owned()/>
                    <Signature title="Operator TCM Room".into() name=report.operator.name.clone()
                        above=format!("{}, {done_on}", head.city)/>
                </div>
            </article>
        }
    }
}
