//! `/pengaturan`: where a person says how Pantau reaches them — Telegram linked by a one-time
//! link, an e-mail address, a WhatsApp number, the language of the messages, quiet hours, the
//! kinds of notification switched off — and sends themself a test message.

use leptos::prelude::*;

use super::form::{Binding, FieldErrors, text_field};
use super::{t, use_lang};
use crate::api::notify::{Channel, MySettings, SettingsInput};
use crate::i18n::{Both, Text};

const TITLE: Text = Text::new("Pengaturan notifikasi", "Notification settings");
const INTRO: Text = Text::new(
    "Pantau memberi tahu Anda saat surat menunggu Anda, sebelum waktu baku habis, dan saat terlambat.",
    "Pantau tells you when a letter waits for you, before its standard time runs out, and when it is late.",
);
const TELEGRAM: Text = Text::new("Telegram", "Telegram");
const LINKED_AS: Text = Text::new("Terhubung:", "Linked:");
const NOT_LINKED: Text = Text::new("Belum terhubung.", "Not linked yet.");
const LINK: Text = Text::new("Hubungkan Telegram", "Link Telegram");
const OPEN_LINK: Text = Text::new(
    "Buka tautan ini di ponsel Anda lalu tekan Start (berlaku 15 menit):",
    "Open this link on your phone and press Start (valid for 15 minutes):",
);
const UNLINK: Text = Text::new("Putuskan Telegram", "Unlink Telegram");
const EMAIL: Text = Text::new("E-mail", "E-mail");
const WHATSAPP: Text = Text::new("Nomor WhatsApp", "WhatsApp number");
const LANGUAGE: Text = Text::new("Bahasa pesan", "Language of the messages");
const QUIET: Text = Text::new(
    "Jam tenang (tanpa pesan untuk langkah 24 jam)",
    "Quiet hours (no messages for round-the-clock steps)",
);
const FROM: Text = Text::new("Mulai", "From");
const TO: Text = Text::new("Sampai", "To");
const KINDS: Text = Text::new("Yang dikirim", "What is sent");
const SAVE: Text = Text::new("Simpan", "Save");
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const SAVED: Text = Text::new("Tersimpan", "Saved");
const TEST: Text = Text::new("Kirim pesan uji", "Send a test message");
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const TEST_SENT: Text = Text::new(
    "Pesan uji masuk antrean kirim.",
    "The test message is queued to be sent.",
);
const PUSH: Text = Text::new("Notifikasi di perangkat", "Notifications on devices");
const PUSH_COUNT: Text = Text::new("Perangkat yang menerima:", "Devices that receive them:");
const PUSH_ON: Text = Text::new("Aktifkan di perangkat ini", "Turn on for this device");
const PUSH_OFF: Text = Text::new("Matikan di perangkat ini", "Turn off for this device");
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const PUSH_DONE: Text = Text::new(
    "Perangkat ini akan menerima notifikasi Pantau.",
    "This device will receive Pantau's notifications.",
);
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const PUSH_STOPPED: Text = Text::new(
    "Perangkat ini tidak lagi menerima notifikasi.",
    "This device no longer receives notifications.",
);
const DELIVERIES: Text = Text::new(
    "Pengiriman notifikasi (admin): terkirim, dicoba lagi, gagal",
    "Notification deliveries (admin): sent, retrying, failed",
);
const NO_CHANNEL: Text = Text::new(
    "Belum ada saluran notifikasi yang diaktifkan di server ini (bagian [notify] di pantau.toml).",
    "No notification channel is enabled on this server yet ([notify] in pantau.toml).",
);

/// The kinds a person switches on or off, as the server names them.
const MOMENTS: [(&str, Text); 7] = [
    (
        "arrived",
        Text::new("Surat menunggu saya", "A letter waits for me"),
    ),
    (
        "warning",
        Text::new("Peringatan sebelum terlambat", "Warning before it is late"),
    ),
    ("breached", Text::new("Terlambat", "Late")),
    (
        "escalated",
        Text::new("Eskalasi (untuk atasan)", "Escalation (for supervisors)"),
    ),
    (
        "camera",
        Text::new(
            "Kamera putus atau pulih (operator)",
            "A camera down or back (operators)",
        ),
    ),
    (
        "digest",
        Text::new(
            "Ringkasan pagi saat kantor buka",
            "Morning digest at opening",
        ),
    ),
    (
        "reminder",
        Text::new(
            "Pengingat monitoring segera mulai",
            "Reminder: a monitoring starts soon",
        ),
    ),
];

fn channel_name(c: Channel) -> Text {
    match c {
        Channel::Telegram => TELEGRAM,
        Channel::Whatsapp => Text::new("WhatsApp", "WhatsApp"),
        Channel::Email => EMAIL,
        Channel::Push => Text::new("Notifikasi peramban", "Browser notifications"),
        Channel::Webhook => Text::new("Webhook", "Webhook"),
    }
}

fn input_of(s: &MySettings) -> SettingsInput {
    SettingsInput {
        email: s.email.clone().unwrap_or_default(),
        whatsapp: s.whatsapp.clone().unwrap_or_default(),
        lang: s.lang.clone(),
        quiet_from: s.quiet_from.clone().unwrap_or_default(),
        quiet_to: s.quiet_to.clone().unwrap_or_default(),
        muted: s.muted.clone(),
    }
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let settings = RwSignal::new(None::<MySettings>);
    let message = RwSignal::new(None::<Both>);
    let screen = super::screen::use_screen();
    let is_admin = move || {
        screen.me.with(|m| {
            m.as_ref()
                .is_some_and(|m| m.roles.contains(&crate::domain::Role::Admin))
        })
    };
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        match super::client::http::get_json::<MySettings>("/api/notify/me").await {
            Ok(s) => settings.set(Some(s)),
            Err(e) => message.set(Some(e)),
        }
    });
    view! {
        <main class="settings-page" data-testid="settings">
            <h1>{t(TITLE)}</h1>
            <p class="intro">{t(INTRO)}</p>
            {move || message.get().map(|m| view! { <StatusLine text=m/> })}
            <Show when=is_admin>
                <p><a href="/pengiriman" data-testid="deliveries-link">{t(DELIVERIES)}</a></p>
            </Show>
            <Show when=move || settings.with(Option::is_some)>
                {move || {
                    let channels = settings.with_untracked(|s| s.as_ref().map(|s| s.channels.clone()).unwrap_or_default());
                    view! {
                        <Show when={let none = channels.is_empty(); move || none}>
                            <p class="notice" role="status">{t(NO_CHANNEL)}</p>
                        </Show>
                        <TelegramLink settings/>
                        <PushDevice settings/>
                        <ContactsForm settings/>
                        <TestMessages channels/>
                    }
                }}
            </Show>
        </main>
    }
}

/// A line that says what just happened, read out by screen readers.
#[component]
pub(super) fn StatusLine(text: Both) -> impl IntoView {
    let lang = use_lang();
    view! { <p class="status-line" role="status">{move || text.get(lang.get()).to_owned()}</p> }
}

/// Telegram: linked as whom, or the button that makes a one-time link; the page looks again
/// every few seconds until the chat is bound.
#[component]
fn TelegramLink(settings: RwSignal<Option<MySettings>>) -> impl IntoView {
    let enabled = move || {
        settings.with(|s| {
            s.as_ref()
                .is_some_and(|s| s.channels.contains(&Channel::Telegram))
        })
    };
    let linked = move || settings.with(|s| s.as_ref().and_then(|s| s.telegram.clone()));
    let url = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<Both>);
    let make = move |_| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            match browser::send::<crate::api::notify::TelegramLink>(
                "POST",
                "/api/notify/telegram/link",
                None,
            )
            .await
            {
                Ok(Some(link)) => {
                    url.set(Some(link.url));
                    // Until the person has pressed Start in Telegram.
                    for _ in 0..300 {
                        super::client::http::sleep(std::time::Duration::from_secs(3)).await;
                        if let Ok(s) =
                            super::client::http::get_json::<MySettings>("/api/notify/me").await
                            && s.telegram.is_some()
                        {
                            settings.set(Some(s));
                            url.set(None);
                            return;
                        }
                    }
                }
                Ok(None) => {}
                Err((_, e)) => error.set(Some(e)),
            }
        });
    };
    let unlink = move |_| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            match browser::send::<()>("DELETE", "/api/notify/telegram", None).await {
                Ok(_) => settings.update(|s| {
                    if let Some(s) = s {
                        s.telegram = None;
                    }
                }),
                Err((_, e)) => error.set(Some(e)),
            }
        });
    };
    view! {
        <Show when=enabled>
            <section class="settings-section" data-testid="telegram">
                <h2>{t(TELEGRAM)}</h2>
                {move || match linked() {
                    Some(name) => view! {
                        <p>{t(LINKED_AS)}" "<strong data-testid="telegram-name">{name}</strong></p>
                        <button type="button" on:click=unlink>{t(UNLINK)}</button>
                    }.into_any(),
                    None => view! {
                        <p>{t(NOT_LINKED)}</p>
                        <button type="button" on:click=make>{t(LINK)}</button>
                    }.into_any(),
                }}
                {move || url.get().map(|u| view! {
                    <p class="telegram-link">{t(OPEN_LINK)}" "
                        <a href=u.clone() target="_blank" rel="noopener" data-testid="telegram-link">{u.clone()}</a>
                    </p>
                })}
                {move || error.get().map(|e| view! { <StatusLine text=e/> })}
            </section>
        </Show>
    }
}

/// Web Push on this browser or phone: asks the browser's permission, subscribes with the
/// server's key and hands the subscription to the server (or takes it back).
#[component]
fn PushDevice(settings: RwSignal<Option<MySettings>>) -> impl IntoView {
    let enabled = move || {
        settings.with(|s| {
            s.as_ref()
                .is_some_and(|s| s.channels.contains(&Channel::Push))
        })
    };
    let devices = move || settings.with(|s| s.as_ref().map_or(0, |s| s.push_devices));
    let status = RwSignal::new(None::<Both>);
    let turn = move |on: bool| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let done = if on {
                push::subscribe().await
            } else {
                push::unsubscribe().await
            };
            match done {
                Ok(()) => {
                    status.set(Some(if on { PUSH_DONE } else { PUSH_STOPPED }.into()));
                    if let Ok(s) =
                        super::client::http::get_json::<MySettings>("/api/notify/me").await
                    {
                        settings.set(Some(s));
                    }
                }
                Err(e) => status.set(Some(e)),
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (on, status);
    };
    view! {
        <Show when=enabled>
            <section class="settings-section" data-testid="push">
                <h2>{t(PUSH)}</h2>
                <p>{t(PUSH_COUNT)}" "<strong data-testid="push-devices">{devices}</strong></p>
                <div class="button-row">
                    <button type="button" on:click=move |_| turn(true)>{t(PUSH_ON)}</button>
                    <button type="button" on:click=move |_| turn(false)>{t(PUSH_OFF)}</button>
                </div>
                {move || status.get().map(|m| view! { <StatusLine text=m/> })}
            </section>
        </Show>
    }
}

/// E-mail, WhatsApp, language, quiet hours, the kinds switched off: saved together; the
/// server's refusal is shown by each field.
#[component]
fn ContactsForm(settings: RwSignal<Option<MySettings>>) -> impl IntoView {
    let form =
        RwSignal::new(settings.with_untracked(|s| s.as_ref().map(input_of).unwrap_or_default()));
    let channels =
        settings.with_untracked(|s| s.as_ref().map(|s| s.channels.clone()).unwrap_or_default());
    let errors = FieldErrors::new("settings");
    let status = RwSignal::new(None::<Both>);
    let field = move |label: Text,
                      name: &'static str,
                      kind: &'static str,
                      autocomplete: &'static str,
                      get: fn(&SettingsInput) -> String,
                      set: fn(&mut SettingsInput, String)| {
        text_field(
            form,
            errors,
            label,
            name,
            kind,
            autocomplete,
            Binding { get, set },
        )
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        {
            let body = serde_json::to_value(form.get_untracked()).unwrap_or_default();
            leptos::task::spawn_local(async move {
                match browser::send::<MySettings>("PUT", "/api/notify/me", Some(body)).await {
                    Ok(Some(saved)) => {
                        errors.list.set(Vec::new());
                        form.set(input_of(&saved));
                        settings.set(Some(saved));
                        status.set(Some(SAVED.into()));
                    }
                    Ok(None) => {}
                    Err((fields, text)) => {
                        errors.list.set(fields);
                        status.set(Some(text));
                        crate::ui::dialog::focus_first_invalid("[data-testid=settings-form]");
                    }
                }
            });
        }
    };
    let toggles = channels
        .iter()
        .flat_map(|&c| MOMENTS.iter().map(move |(kind, label)| (c, *kind, *label)))
        .map(|(channel, kind, label)| {
            let pair = format!("{}:{kind}", channel.as_str());
            let on = {
                let pair = pair.clone();
                move || form.with(|f| !f.muted.contains(&pair))
            };
            let toggle = move |ev| {
                let checked = event_target_checked(&ev);
                form.update(|f| {
                    f.muted.retain(|m| *m != pair);
                    if !checked {
                        f.muted.push(pair.clone());
                    }
                });
            };
            view! {
                <label class="check">
                    <input type="checkbox" prop:checked=on on:change=toggle/>
                    {t(channel_name(channel))}" · "{t(label)}
                </label>
            }
        })
        .collect_view();
    view! {
        <form class="settings-section settings-form" data-testid="settings-form" on:submit=submit novalidate>
            {field(EMAIL, "email", "email", "email", |f| f.email.clone(), |f, v| f.email = v)}
            {field(WHATSAPP, "whatsapp", "tel", "tel", |f| f.whatsapp.clone(), |f, v| f.whatsapp = v)}
            <label class="field">
                <span>{t(LANGUAGE)}</span>
                <select
                    name="lang"
                    aria-invalid=move || errors.invalid("lang").then_some("true")
                    prop:value=move || form.with(|f| f.lang.clone())
                    on:change=move |ev| form.update(|f| f.lang = event_target_value(&ev))
                >
                    <option value="id">"Bahasa Indonesia"</option>
                    <option value="en">"English"</option>
                </select>
                {errors.problem("lang")}
            </label>
            <fieldset class="quiet-hours">
                <legend>{t(QUIET)}</legend>
                {field(FROM, "quiet_from", "time", "off", |f| f.quiet_from.clone(), |f, v| f.quiet_from = v)}
                {field(TO, "quiet_to", "time", "off", |f| f.quiet_to.clone(), |f, v| f.quiet_to = v)}
            </fieldset>
            {(!channels.is_empty()).then(move || view! {
                <fieldset class="kinds">
                    <legend>{t(KINDS)}</legend>
                    {toggles}
                    {errors.problem("muted")}
                </fieldset>
            })}
            <button type="submit" class="primary">{t(SAVE)}</button>
            {move || status.get().map(|m| view! { <StatusLine text=m/> })}
        </form>
    }
}

/// A test message to oneself, one button per channel this server has.
#[component]
fn TestMessages(channels: Vec<Channel>) -> impl IntoView {
    let status = RwSignal::new(None::<Both>);
    let buttons = channels
        .into_iter()
        .map(|channel| {
            let send = move |_| {
                #[cfg(feature = "hydrate")]
                leptos::task::spawn_local(async move {
                    let body = serde_json::json!({ "channel": channel });
                    match browser::send::<()>("POST", "/api/notify/test", Some(body)).await {
                        Ok(_) => status.set(Some(TEST_SENT.into())),
                        Err((_, e)) => status.set(Some(e)),
                    }
                });
                #[cfg(not(feature = "hydrate"))]
                let _ = channel;
            };
            view! { <button type="button" on:click=send>{t(TEST)}" · "{t(channel_name(channel))}</button> }
        })
        .collect_view();
    if buttons.is_empty() {
        return None;
    }
    Some(view! {
        <section class="settings-section" data-testid="test-messages">
            {buttons}
            {move || status.get().map(|m| view! { <StatusLine text=m/> })}
        </section>
    })
}

/// `send_json` with `method` on an API path.
#[cfg(feature = "hydrate")]
mod browser {
    use crate::i18n::Both;
    use crate::ui::client::http::{api_url, send_json};

    pub async fn send<T: serde::de::DeserializeOwned>(
        method: &str,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Result<Option<T>, (Vec<(String, Both)>, Both)> {
        use gloo_net::http::Request;
        let url = api_url(path);
        let request = match method {
            "PUT" => Request::put(&url),
            "DELETE" => Request::delete(&url),
            _ => Request::post(&url),
        };
        send_json(request, body.as_ref()).await
    }
}

/// The browser's side of Web Push: permission, `pushManager.subscribe` with the server's key,
/// the subscription handed to the server.
#[cfg(feature = "hydrate")]
mod push {
    use js_sys::{Function, Object, Promise, Reflect};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    use crate::api::notify::PushKey;
    use crate::i18n::Both;

    fn unsupported() -> Both {
        Both::new(
            "peramban ini tidak mendukung notifikasi push (di iPhone: pasang Pantau ke Layar Utama dulu)",
            "this browser does not support push notifications (on an iPhone: add Pantau to the Home Screen first)",
        )
    }

    fn failed(e: JsValue) -> Both {
        let why = e
            .as_string()
            .or_else(|| {
                Reflect::get(&e, &"message".into())
                    .ok()
                    .and_then(|m| m.as_string())
            })
            .unwrap_or_default();
        Both::new(
            format!("peramban menolak berlangganan: {why}"),
            format!("the browser refused to subscribe: {why}"),
        )
    }

    fn get(target: &JsValue, name: &str) -> Result<JsValue, Both> {
        Reflect::get(target, &name.into())
            .ok()
            .filter(|v| !v.is_undefined() && !v.is_null())
            .ok_or_else(unsupported)
    }

    /// Calls `target.name(args…)` and awaits the promise it returns.
    async fn call(target: &JsValue, name: &str, args: &[JsValue]) -> Result<JsValue, Both> {
        let f: Function = get(target, name)?.dyn_into().map_err(|_| unsupported())?;
        let array: js_sys::Array = args.iter().collect();
        let promise: Promise = f
            .apply(target, &array)
            .map_err(failed)?
            .dyn_into()
            .map_err(|_| unsupported())?;
        JsFuture::from(promise).await.map_err(failed)
    }

    /// This browser's push manager, once its service worker is ready.
    async fn manager() -> Result<JsValue, Both> {
        let window: JsValue = web_sys::window().ok_or_else(unsupported)?.into();
        let navigator = get(&window, "navigator")?;
        let container = get(&navigator, "serviceWorker")?;
        let ready: Promise = get(&container, "ready")?
            .dyn_into()
            .map_err(|_| unsupported())?;
        let registration = JsFuture::from(ready).await.map_err(failed)?;
        get(&registration, "pushManager")
    }

    pub async fn subscribe() -> Result<(), Both> {
        let window: JsValue = web_sys::window().ok_or_else(unsupported)?.into();
        let notification = get(&window, "Notification")?;
        let permission = call(&notification, "requestPermission", &[]).await?;
        if permission.as_string().as_deref() != Some("granted") {
            return Err(Both::new(
                "izin notifikasi ditolak: izinkan di pengaturan situs peramban",
                "notifications are not allowed: allow them in the browser's site settings",
            ));
        }
        let key: PushKey = crate::ui::client::http::get_json("/api/notify/push/key").await?;
        let manager = manager().await?;
        let options = Object::new();
        let _ = Reflect::set(&options, &"userVisibleOnly".into(), &JsValue::TRUE);
        let _ = Reflect::set(&options, &"applicationServerKey".into(), &key.key.into());
        let subscription = call(&manager, "subscribe", &[options.into()]).await?;
        let json = js_sys::JSON::stringify(&subscription)
            .ok()
            .and_then(|s| s.as_string())
            .ok_or_else(unsupported)?;
        let body: serde_json::Value = serde_json::from_str(&json).map_err(|_| unsupported())?;
        super::browser::send::<()>("POST", "/api/notify/push", Some(body))
            .await
            .map(|_| ())
            .map_err(|(fields, message)| fields.into_iter().next().map_or(message, |(_, m)| m))
    }

    pub async fn unsubscribe() -> Result<(), Both> {
        let manager = manager().await?;
        let subscription = call(&manager, "getSubscription", &[]).await?;
        if subscription.is_null() || subscription.is_undefined() {
            return Ok(());
        }
        let endpoint = get(&subscription, "endpoint")?
            .as_string()
            .unwrap_or_default();
        call(&subscription, "unsubscribe", &[]).await?;
        super::browser::send::<()>(
            "DELETE",
            "/api/notify/push",
            Some(serde_json::json!({ "endpoint": endpoint })),
        )
        .await
        .map(|_| ())
        .map_err(|(_, message)| message)
    }
}
