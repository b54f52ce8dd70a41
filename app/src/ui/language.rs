//! The interface language: Bahasa Indonesia by default, English on request, remembered in the browser.

use leptos::prelude::*;

use crate::i18n::{Lang, Text};

/// Key in the browser's localStorage.
#[cfg(feature = "hydrate")]
const LANG_STORAGE_KEY: &str = "pantau.lang";

#[derive(Clone, Copy)]
struct LangSignal(RwSignal<Lang>);

/// Puts the language in context. The server always renders Indonesian; in the browser the remembered
/// choice is applied right after hydration.
pub fn provide_lang() {
    let lang = RwSignal::new(Lang::default());
    provide_context(LangSignal(lang));

    #[cfg(feature = "hydrate")]
    {
        use gloo_storage::{LocalStorage, Storage};
        super::hydration::after_hydration(move || {
            if let Some(saved) = LocalStorage::get::<String>(LANG_STORAGE_KEY)
                .ok()
                .and_then(|tag| Lang::from_tag(&tag))
            {
                lang.set(saved);
            }
        });
        Effect::new(move |_| {
            let current = lang.get();
            if let Some(root) = document().document_element() {
                let _ = root.set_attribute("lang", current.tag());
            }
            // The pages the server renders whole read it from a cookie.
            let cookie = format!(
                "{}={}; path=/; max-age=31536000; samesite=lax",
                crate::i18n::LANG_COOKIE,
                current.tag()
            );
            let _ = js_sys::Reflect::set(&document(), &"cookie".into(), &cookie.into());
        });
    }
}

/// The current language.
pub fn use_lang() -> RwSignal<Lang> {
    use_context::<LangSignal>()
        .map(|s| s.0)
        .unwrap_or_else(|| RwSignal::new(Lang::default()))
}

/// A reactive string in the current language, for use in `view!`.
pub fn t(text: Text) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let lang = use_lang();
    move || text.get(lang.get())
}

/// A server's message in the person's language, following the switch.
pub fn say(text: crate::i18n::Both) -> impl Fn() -> String + Clone + Send + Sync + 'static {
    let lang = use_lang();
    move || text.get(lang.get()).to_owned()
}

/// The ID / EN switch in the top bar.
#[component]
pub fn LanguageToggle() -> impl IntoView {
    let lang = use_lang();
    let switch = move |_| {
        let next = lang.get_untracked().other();
        lang.set(next);
        #[cfg(feature = "hydrate")]
        {
            use gloo_storage::{LocalStorage, Storage};
            let _ = LocalStorage::set(LANG_STORAGE_KEY, next.tag());
        }
    };
    view! {
        <button
            class="lang-toggle"
            type="button"
            data-testid="lang-toggle"
            aria-label=t(crate::i18n::ui::SWITCH_LANGUAGE)
            on:click=switch
        >
            <span class:active=move || lang.get() == Lang::Id>"ID"</span>
            " / "
            <span class:active=move || lang.get() == Lang::En>"EN"</span>
        </button>
    }
}
