//! Reading the API: the addresses (with a wall screen's kiosk token), `GET` of JSON, and what an
//! error answer or an unreachable server says.

#[cfg(feature = "hydrate")]
pub use browser::*;

/// `GET` an API address (with the kiosk token on a wall) and read its JSON answer; a refusal gives
/// the server's message. Only in the browser; on the server it answers an empty error.
pub async fn get_json<T: serde::de::DeserializeOwned>(path: &str) -> Result<T, crate::i18n::Both> {
    #[cfg(feature = "hydrate")]
    {
        let res = gloo_net::http::Request::get(&api_url(path))
            .send()
            .await
            .map_err(unreachable)?;
        if !res.ok() {
            return Err(error_message(res).await);
        }
        res.json().await.map_err(unreachable)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = path;
        Err(crate::i18n::Both::new("", ""))
    }
}

/// The status of a `GET` of an API address, or `None` when the server cannot be reached (and on
/// the server, where nothing is fetched).
pub async fn status_of(path: &str) -> Option<u16> {
    #[cfg(feature = "hydrate")]
    {
        gloo_net::http::Request::get(&api_url(path))
            .send()
            .await
            .ok()
            .map(|res| res.status())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = path;
        None
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;

    use crate::i18n::Both;

    thread_local! {
        /// A wall screen's kiosk token: sent with every read; there is nobody signed in.
        static KIOSK: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
    }

    const KIOSK_KEY: &str = "pantau.kiosk";

    /// On `/wall`: the token of `?token=…` (kept for reloads), else the one kept before.
    pub fn kiosk_token() -> Option<String> {
        use gloo_storage::{LocalStorage, Storage};
        let search = window().location().search().unwrap_or_default();
        let given = web_sys::UrlSearchParams::new_with_str(&search)
            .ok()
            .and_then(|p| p.get("token"))
            .filter(|t| !t.is_empty());
        if let Some(token) = &given {
            let _ = LocalStorage::set(KIOSK_KEY, token);
        }
        given.or_else(|| LocalStorage::get(KIOSK_KEY).ok())
    }

    /// From now on every address carries this wall screen's token.
    pub fn use_kiosk_token(token: String) {
        KIOSK.with(|k| *k.borrow_mut() = Some(token));
    }

    /// Whether this is a wall screen (with a kiosk token, nobody signed in).
    pub fn is_kiosk() -> bool {
        KIOSK.with(|k| k.borrow().is_some())
    }

    /// An API address, with the kiosk token on a wall screen.
    pub fn api_url(path: &str) -> String {
        KIOSK.with(|k| match &*k.borrow() {
            Some(token) => {
                let sep = if path.contains('?') { '&' } else { '?' };
                format!("{path}{sep}token={}", js_sys::encode_uri_component(token))
            }
            None => path.to_owned(),
        })
    }

    /// The message of an error answer in both languages (a proxy's answer with only a message:
    /// that message), else the status.
    pub async fn error_message(res: gloo_net::http::Response) -> Both {
        error_fields(res).await.1
    }

    /// An error answer's problems of each field (a form shows them beside its fields) and its
    /// message, as [`error_message`] reads it.
    pub async fn error_fields(res: gloo_net::http::Response) -> (Vec<(String, Both)>, Both) {
        let status = res.status();
        let body = res.text().await.unwrap_or_default();
        let fields = serde_json::from_str::<crate::api::ErrorAnswer>(&body)
            .map(|answer| {
                answer
                    .error
                    .fields
                    .into_iter()
                    .map(|f| (f.field, f.text))
                    .collect()
            })
            .unwrap_or_default();
        let message =
            crate::api::error_text(&body).unwrap_or_else(|| Both::split(&format!("HTTP {status}")));
        (fields, message)
    }

    /// Sends `request` (with `body` as JSON when given): the answer's JSON when it has one (not
    /// after 202 or 204), else each field's problem and the message ([`error_fields`]).
    pub async fn send_json<T: serde::de::DeserializeOwned>(
        request: gloo_net::http::RequestBuilder,
        body: Option<&impl serde::Serialize>,
    ) -> Result<Option<T>, (Vec<(String, Both)>, Both)> {
        let sent = match body {
            Some(body) => {
                request
                    .json(body)
                    .map_err(|e| (Vec::new(), Both::split(&e.to_string())))?
                    .send()
                    .await
            }
            None => request.send().await,
        };
        let res = sent.map_err(|e| (Vec::new(), unreachable(e)))?;
        if !res.ok() {
            return Err(error_fields(res).await);
        }
        if matches!(res.status(), 202 | 204) {
            return Ok(None);
        }
        Ok(res.json::<T>().await.ok())
    }

    /// The answer of a request that did not reach the server.
    pub fn unreachable(e: gloo_net::Error) -> Both {
        Both::new(
            format!("server tidak dapat dihubungi ({e})"),
            format!("the server cannot be reached ({e})"),
        )
    }

    /// Waits `duration` (a browser timer).
    pub async fn sleep(duration: std::time::Duration) {
        let (tx, rx) = futures::channel::oneshot::channel::<()>();
        set_timeout(
            move || {
                let _ = tx.send(());
            },
            duration,
        );
        let _ = rx.await;
    }
}
