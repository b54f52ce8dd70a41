//! `/pengiriman` (admins): every notification and where it stands — sent, retrying with its
//! last error, given up — with "send again" for one that did not arrive.

use leptos::prelude::*;

use super::settings::StatusLine;
use super::t;
use crate::api::notify::{Delivery, DeliveryStatus};
use crate::i18n::{Both, Text};

const TITLE: Text = Text::new("Pengiriman notifikasi", "Notification deliveries");
const INTRO: Text = Text::new(
    "Setiap pesan yang dikirim Pantau dan keadaannya. Pesan yang gagal bisa dikirim ulang.",
    "Every message Pantau sends and where it stands. One that failed can be sent again.",
);
const ALL: Text = Text::new("Semua", "All");
const REFRESH: Text = Text::new("Muat ulang", "Refresh");
const RESEND: Text = Text::new("Kirim ulang", "Send again");
const NONE: Text = Text::new("Belum ada pengiriman.", "No deliveries yet.");
const WHEN: Text = Text::new("Waktu", "When");
const CHANNEL: Text = Text::new("Saluran", "Channel");
const TO: Text = Text::new("Penerima", "To");
const WHAT: Text = Text::new("Pesan", "Message");
const STATE: Text = Text::new("Keadaan", "State");
const TRIES: Text = Text::new("Percobaan", "Tries");
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const QUEUED: Text = Text::new("Masuk antrean kirim lagi.", "Queued to be sent again.");

fn status_text(s: DeliveryStatus) -> Text {
    match s {
        DeliveryStatus::Pending => Text::new("Menunggu / dicoba lagi", "Waiting / retrying"),
        DeliveryStatus::Sent => Text::new("Terkirim", "Sent"),
        DeliveryStatus::Failed => Text::new("Gagal", "Failed"),
    }
}

#[component]
pub fn DeliveriesPage() -> impl IntoView {
    let list = RwSignal::new(None::<Vec<Delivery>>);
    let message = RwSignal::new(None::<Both>);
    let filter = RwSignal::new(None::<DeliveryStatus>);
    let load = move || {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let path = match filter.get_untracked() {
                Some(s) => format!("/api/notify/deliveries?limit=200&status={}", s.as_str()),
                None => "/api/notify/deliveries?limit=200".to_owned(),
            };
            match super::client::http::get_json::<Vec<Delivery>>(&path).await {
                Ok(l) => list.set(Some(l)),
                Err(e) => message.set(Some(e)),
            }
        });
    };
    load();
    let choose = move |s: Option<DeliveryStatus>| {
        filter.set(s);
        load();
    };
    let filters = [
        None,
        Some(DeliveryStatus::Failed),
        Some(DeliveryStatus::Pending),
        Some(DeliveryStatus::Sent),
    ]
    .into_iter()
    .map(|s| {
        let label = s.map_or(ALL, status_text);
        view! {
            <button type="button" aria-pressed=move || (filter.get() == s).to_string()
                on:click=move |_| choose(s)>{t(label)}</button>
        }
    })
    .collect_view();
    view! {
        <main class="settings-page deliveries-page" data-testid="deliveries">
            <h1>{t(TITLE)}</h1>
            <p class="intro">{t(INTRO)}</p>
            <div class="button-row" role="group">
                {filters}
                <button type="button" on:click=move |_| load()>{t(REFRESH)}</button>
            </div>
            {move || message.get().map(|m| view! { <StatusLine text=m/> })}
            {move || list.get().map(|l| view! { <DeliveryTable list=l message reload=Callback::new(move |()| load())/> })}
        </main>
    }
}

#[component]
fn DeliveryTable(
    list: Vec<Delivery>,
    message: RwSignal<Option<Both>>,
    reload: Callback<()>,
) -> impl IntoView {
    if list.is_empty() {
        return view! { <p>{t(NONE)}</p> }.into_any();
    }
    let rows = list
        .into_iter()
        .map(|d| {
            let id = d.id;
            let resend = move |_| {
                #[cfg(feature = "hydrate")]
                leptos::task::spawn_local(async move {
                    let url = super::client::http::api_url(&format!(
                        "/api/notify/deliveries/{id}/resend"
                    ));
                    match super::client::http::send_json::<()>(
                        gloo_net::http::Request::post(&url),
                        None::<&serde_json::Value>,
                    )
                    .await
                    {
                        Ok(_) => {
                            message.set(Some(QUEUED.into()));
                            reload.run(());
                        }
                        Err((_, e)) => message.set(Some(e)),
                    }
                });
                #[cfg(not(feature = "hydrate"))]
                let _ = (id, message, reload);
            };
            let when = d
                .created_at
                .with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).expect("WIB"))
                .format("%d-%m %H:%M:%S")
                .to_string();
            let finished = d.status != DeliveryStatus::Pending;
            let class = format!("delivery {}", d.status.as_str());
            view! {
                <tr class=class data-testid="delivery">
                    <td>{when}</td>
                    <td>{d.channel.as_str()}</td>
                    <td>{d.recipient.clone().unwrap_or_else(|| "—".into())}</td>
                    <td>
                        <span>{d.title.clone()}</span>
                        {d.card.clone().map(|c| view! { " · "<a href=format!("/kartu/{c}")>{d.moment.clone()}</a> })}
                        {d.last_error.clone().map(|e| view! { <br/><small class="error">{e}</small> })}
                    </td>
                    <td>{t(status_text(d.status))}</td>
                    <td>{d.attempts}</td>
                    <td>{finished.then(|| view! { <button type="button" on:click=resend>{t(RESEND)}</button> })}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="deliveries">
                <thead><tr>
                    <th scope="col">{t(WHEN)}</th><th scope="col">{t(CHANNEL)}</th><th scope="col">{t(TO)}</th>
                    <th scope="col">{t(WHAT)}</th><th scope="col">{t(STATE)}</th><th scope="col">{t(TRIES)}</th><th></th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
