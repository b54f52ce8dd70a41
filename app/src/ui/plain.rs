//! Pages the server renders whole, for any browser, with or without WebAssembly or JavaScript: the
//! applicant's tracking page (`/lacak/<token>`) and the print pages (`/rekaman/…`). No bundle and no
//! hydration: the HTML, the stylesheet, and a few lines of script only where a button needs one.
//! A language switch is a link (`?lang=en`), so it works without script too.

use leptos::prelude::*;

use crate::i18n::{Lang, Text};

const SWITCH: Text = crate::i18n::ui::SWITCH_LANGUAGE;

/// What a server-rendered page knows of its request.
pub struct Plain {
    pub lang: Lang,
    /// The response's CSP nonce, for the page's one script.
    pub nonce: String,
    /// This page's path, for the links back to it (reload, the other language).
    pub path: String,
    /// The query the page keeps when it links to itself (a reply letter's `nomor`).
    pub keep: Vec<(&'static str, String)>,
}

impl Plain {
    /// The link to this page: in `lang`, with what it keeps.
    pub fn link(&self, lang: Lang) -> String {
        let mut link = format!("{}?lang={}", self.path, lang.tag());
        for (key, value) in &self.keep {
            if !value.is_empty() {
                link.push_str(&format!("&{key}={}", encode(value)));
            }
        }
        link
    }

    /// The whole HTML document: `title`, the stylesheet, `body`; reloaded by the browser every
    /// `refresh` seconds when it is a live view; `script` (run after the body) under the nonce.
    pub fn document(
        &self,
        title: String,
        refresh: Option<u32>,
        script: Option<&'static str>,
        body: impl FnOnce() -> AnyView,
    ) -> String {
        let lang = self.lang.tag();
        let nonce = self.nonce.clone();
        Owner::new().with(move || {
            view! {
                <!DOCTYPE html>
                <html lang=lang>
                    <head>
                        <meta charset="utf-8"/>
                        <meta name="viewport" content="width=device-width, initial-scale=1"/>
                        <meta name="color-scheme" content="light dark"/>
                        <meta name="theme-color" content="#0f2740"/>
                        {refresh.map(|s| view! { <meta http-equiv="refresh" content=s.to_string()/> })}
                        <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                        <link rel="stylesheet" href="/pkg/pantau.css"/>
                        <title>{title}</title>
                    </head>
                    <body>
                        {body()}
                        {script.map(|s| view! { <script nonce=nonce inner_html=s></script> })}
                    </body>
                </html>
            }
            .to_html()
        })
    }

    /// The ID / EN switch: the same page in the other language.
    pub fn language_switch(&self) -> impl IntoView + use<> {
        let lang = self.lang;
        view! {
            <a class="lang-toggle" data-testid="lang-toggle" href=self.link(lang.other())
                hreflang=lang.other().tag() aria-label=SWITCH.get(lang)>
                <span class:active=lang == Lang::Id>"ID"</span>
                " / "
                <span class:active=lang == Lang::En>"EN"</span>
            </a>
        }
    }
}

/// `text` as one query value or path segment: anything but letters, digits, `-`, `_` and `.`
/// percent-encoded (UTF-8).
pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(keep: Vec<(&'static str, String)>) -> Plain {
        Plain {
            lang: Lang::Id,
            nonce: "n0nce".into(),
            path: "/rekaman/x/surat-balasan".into(),
            keep,
        }
    }

    #[test]
    fn the_language_link_keeps_the_typed_number_encoded() {
        let p = page(vec![("nomor", "000.8/45 & \"x\"".into())]);
        assert_eq!(
            p.link(Lang::En),
            "/rekaman/x/surat-balasan?lang=en&nomor=000.8%2F45%20%26%20%22x%22"
        );
        assert_eq!(
            page(vec![("nomor", String::new())]).link(Lang::Id),
            "/rekaman/x/surat-balasan?lang=id"
        );
    }

    #[test]
    fn a_document_escapes_what_it_is_given_and_its_script_carries_the_nonce() {
        let p = page(vec![]);
        let html = p.document("<b>title</b>".into(), Some(60), Some("print()"), || {
            view! { <p>{"<script>alert(1)</script>"}</p> }.into_any()
        });
        assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
        assert!(html.contains("&lt;b&gt;title&lt;/b&gt;"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(
            html.contains(r#"<meta http-equiv="refresh" content="60">"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<script nonce="n0nce">print()</script>"#),
            "{html}"
        );
        assert!(
            !html.contains("pantau.js") && !html.contains(".wasm"),
            "{html}"
        );
    }
}
