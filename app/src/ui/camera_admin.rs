//! The camera registry for Admins on the cameras page: add or edit a camera, disable or enable it,
//! import many from a CSV file. The server checks everything again; its messages are shown by field.

use leptos::prelude::*;

use super::form::{Binding, FieldErrors, text_field};
use super::screen::use_screen;
use super::{t, use_lang};
use crate::domain::camera::ProbeKind;
use crate::i18n::{Both, Text};

const TITLE: Text = Text::new("Kelola kamera (Admin)", "Manage cameras (Admin)");
const ADD: Text = Text::new("Tambah kamera", "Add camera");
const SAVE: Text = Text::new("Simpan perubahan", "Save changes");
const EDIT: Text = Text::new("Ubah kamera", "Edit camera");
const NEW: Text = Text::new("— kamera baru —", "— new camera —");
const NAME: Text = Text::new("Nama", "Name");
const LOCATION: Text = Text::new("Lokasi", "Location");
const LATITUDE: Text = Text::new("Lintang", "Latitude");
const LONGITUDE: Text = Text::new("Bujur", "Longitude");
const KIND: Text = Text::new("Jenis pemeriksaan", "Probe kind");
const URL: Text = Text::new("Alamat (URL)", "Address (URL)");
const USER: Text = Text::new("Nama pengguna kamera", "Camera user name");
const PASSWORD: Text = Text::new("Kata sandi kamera", "Camera password");
const LOGIN_KEPT: Text = Text::new(
    "Kosongkan untuk tetap memakai login yang tersimpan",
    "Leave empty to keep the stored login",
);
const ENABLED: Text = Text::new("Aktif (diperiksa)", "Enabled (probed)");
const IMPORT: Text = Text::new("Impor CSV", "Import CSV");
const IMPORT_HELP: Text = Text::new(
    "Baris pertama: name,location,latitude,longitude,kind,url,username,password,enabled",
    "First line: name,location,latitude,longitude,kind,url,username,password,enabled",
);
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const SAVED: Text = Text::new("Tersimpan", "Saved");

#[derive(Clone, Debug, Default, PartialEq)]
struct Form {
    id: Option<String>,
    name: String,
    location: String,
    latitude: String,
    longitude: String,
    kind: String,
    url: String,
    username: String,
    password: String,
    enabled: bool,
}

#[component]
pub fn CameraAdmin() -> impl IntoView {
    let screen = use_screen();
    let lang = use_lang();
    let form = RwSignal::new(Form {
        kind: "rtsp".into(),
        enabled: true,
        ..Form::default()
    });
    let errors = FieldErrors::new("camera");
    let message = RwSignal::new(None::<Both>);
    let csv = RwSignal::new(String::new());
    let import_result = RwSignal::new(None::<Both>);
    let field = move |label: Text,
                      name: &'static str,
                      get: fn(&Form) -> String,
                      set: fn(&mut Form, String),
                      kind: &'static str| {
        text_field(form, errors, label, name, kind, "off", Binding { get, set })
    };
    let choose = move |ev| {
        let id = event_target_value(&ev);
        errors.list.set(Vec::new());
        message.set(None);
        if id.is_empty() {
            form.set(Form {
                kind: "rtsp".into(),
                enabled: true,
                ..Form::default()
            });
        } else {
            #[cfg(feature = "hydrate")]
            leptos::task::spawn_local(async move {
                if let Ok(f) = browser::settings(&id).await {
                    form.set(f);
                }
            });
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        {
            let f = form.get_untracked();
            leptos::task::spawn_local(async move {
                match browser::save(&f).await {
                    Ok(()) => {
                        errors.list.set(Vec::new());
                        message.set(Some(SAVED.into()));
                        if f.id.is_none() {
                            // Added: the form is ready for the next one.
                            form.set(Form {
                                kind: f.kind.clone(),
                                enabled: true,
                                ..Form::default()
                            });
                        } else {
                            form.update(|f| f.password.clear());
                        }
                    }
                    Err((fields, text)) => {
                        errors.list.set(fields);
                        message.set(Some(text));
                        crate::ui::dialog::focus_first_invalid("[data-testid=camera-admin]");
                    }
                }
            });
        }
    };
    let import = move |_| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let text = csv.get_untracked();
            import_result.set(Some(browser::import(&text).await));
        });
    };
    view! {
        <section class="camera-admin" data-testid="camera-admin">
            <h2>{t(TITLE)}</h2>
            <form class="camera-form" on:submit=submit>
                <label class="field">
                    <span>{t(EDIT)}</span>
                    <select name="camera" on:change=choose>
                        <option value="">{t(NEW)}</option>
                        {move || screen.cameras.with(|f| f.cameras.iter().map(|c| view! {
                            <option value=c.id.clone()>{c.name.clone()}</option>
                        }).collect_view())}
                    </select>
                </label>
                {field(NAME, "name", |f| f.name.clone(), |f, v| f.name = v, "text")}
                {field(LOCATION, "location", |f| f.location.clone(), |f, v| f.location = v, "text")}
                {field(LATITUDE, "latitude", |f| f.latitude.clone(), |f, v| f.latitude = v, "text")}
                {field(LONGITUDE, "longitude", |f| f.longitude.clone(), |f, v| f.longitude = v, "text")}
                <label class="field">
                    <span>{t(KIND)}</span>
                    <select name="kind" on:change=move |ev| form.update(|f| f.kind = event_target_value(&ev))>
                        {ProbeKind::ALL.into_iter().map(|k| {
                            let name = k.as_str();
                            view! {
                                <option value=name selected=move || form.with(|f| f.kind == name)>
                                    {move || k.label().get(lang.get())}
                                </option>
                            }
                        }).collect_view()}
                    </select>
                    {errors.problem("kind")}
                </label>
                {field(URL, "url", |f| f.url.clone(), |f, v| f.url = v, "text")}
                {field(USER, "username", |f| f.username.clone(), |f, v| f.username = v, "text")}
                {field(PASSWORD, "password", |f| f.password.clone(), |f, v| f.password = v, "password")}
                <Show when=move || form.with(|f| f.id.is_some())>
                    <small class="hint">{t(LOGIN_KEPT)}</small>
                </Show>
                <label class="check">
                    <input
                        type="checkbox"
                        name="enabled"
                        prop:checked=move || form.with(|f| f.enabled)
                        on:change=move |ev| form.update(|f| f.enabled = event_target_checked(&ev))
                    />
                    {t(ENABLED)}
                </label>
                <button type="submit" class="primary">
                    {move || if form.with(|f| f.id.is_some()) { SAVE.get(lang.get()) } else { ADD.get(lang.get()) }}
                </button>
                <p class="form-message" role="status" data-testid="camera-form-message">{move || message.get().map(|m| m.get(lang.get()).to_owned())}</p>
            </form>
            <div class="camera-import">
                <h3>{t(IMPORT)}</h3>
                <p class="hint">{t(IMPORT_HELP)}</p>
                <textarea
                    name="csv"
                    rows="6"
                    prop:value=move || csv.get()
                    on:input=move |ev| csv.set(event_target_value(&ev))
                ></textarea>
                <button type="button" class="secondary" on:click=import>{t(IMPORT)}</button>
                <pre class="import-result" data-testid="import-result">{move || import_result.get().map(|m| m.get(lang.get()).to_owned())}</pre>
            </div>
        </section>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::Form;
    use crate::api::FieldText;
    use crate::api::cameras::{CameraInput, CameraSettings, ImportAnswer, coordinate};
    use crate::i18n::Both;
    use crate::ui::client::http::api_url;

    pub async fn settings(id: &str) -> Result<Form, Both> {
        let s: CameraSettings =
            crate::ui::client::http::get_json(&format!("/api/cameras/{id}/settings")).await?;
        Ok(Form {
            id: Some(s.id),
            name: s.name,
            location: s.location.unwrap_or_default(),
            latitude: s.latitude.map(|v| v.to_string()).unwrap_or_default(),
            longitude: s.longitude.map(|v| v.to_string()).unwrap_or_default(),
            kind: s.kind.as_str().to_owned(),
            url: s.url,
            username: String::new(),
            password: String::new(),
            enabled: s.enabled,
        })
    }

    /// Adds or saves the camera; on refusal, the fields' problems and the message.
    pub async fn save(f: &Form) -> Result<(), (Vec<(String, Both)>, Both)> {
        let coordinates = (
            coordinate("latitude", &f.latitude),
            coordinate("longitude", &f.longitude),
        );
        let (latitude, longitude) = match coordinates {
            (Ok(latitude), Ok(longitude)) => (latitude, longitude),
            (latitude, longitude) => {
                let wrong: Vec<FieldText> = [latitude.err(), longitude.err()]
                    .into_iter()
                    .flatten()
                    .collect();
                let message = wrong[0].text.clone();
                return Err((
                    wrong.into_iter().map(|w| (w.field, w.text)).collect(),
                    message,
                ));
            }
        };
        // On an edit, empty login fields keep the stored login.
        let login = f.id.is_none() || !f.username.is_empty() || !f.password.is_empty();
        let body = CameraInput {
            name: f.name.clone(),
            location: Some(f.location.clone()),
            latitude,
            longitude,
            kind: f.kind.clone(),
            url: f.url.clone(),
            username: login.then(|| f.username.clone()),
            password: login.then(|| f.password.clone()),
            enabled: f.enabled,
        };
        let request = match &f.id {
            Some(id) => gloo_net::http::Request::put(&api_url(&format!("/api/cameras/{id}"))),
            None => gloo_net::http::Request::post(&api_url("/api/cameras")),
        };
        crate::ui::client::http::send_json::<serde::de::IgnoredAny>(request, Some(&body))
            .await
            .map(|_| ())
    }

    /// Sends the CSV; a summary with each refused line, in both languages.
    pub async fn import(text: &str) -> Both {
        let sent = gloo_net::http::Request::post(&api_url("/api/cameras/import"))
            .header("content-type", "text/csv")
            .body(text.to_owned());
        let res = match sent {
            Ok(r) => r.send().await,
            Err(e) => return Both::split(&e.to_string()),
        };
        let res = match res {
            Ok(res) => res,
            Err(e) => return Both::split(&e.to_string()),
        };
        let status = res.status();
        let text = res.text().await.unwrap_or_default();
        if let Some(error) = crate::api::error_text(&text) {
            return error;
        }
        let Ok(answer) = serde_json::from_str::<ImportAnswer>(&text) else {
            return Both::split(&format!("HTTP {status}"));
        };
        let mut id = format!("+{} baru, {} diperbarui", answer.added, answer.updated);
        let mut en = format!("+{} added, {} updated", answer.added, answer.updated);
        for e in answer.errors {
            let message = Both::split(&e.message);
            id.push_str(&format!("\nbaris {}: {}: {}", e.line, e.field, message.id));
            en.push_str(&format!("\nline {}: {}: {}", e.line, e.field, message.en));
        }
        Both::new(id, en)
    }
}
