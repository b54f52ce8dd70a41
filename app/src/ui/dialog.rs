//! What every modal dialog of the app does (the WAI-ARIA dialog pattern): focus moves into it when
//! it opens, Tab and Shift+Tab stay inside it, Escape closes it, and when it closes focus goes back
//! to what opened it, or to what took its place (a moved card is drawn anew in another column).

use leptos::prelude::*;

/// What can take focus inside a dialog, in document order.
#[cfg(feature = "hydrate")]
const FOCUSABLE: &str = "button:not([disabled]), [href], input:not([disabled]):not([type=hidden]), \
    select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

/// Whether the keyboard's focus is nowhere (on the page's body): the element that had it is gone.
#[cfg(feature = "hydrate")]
pub fn focus_lost() -> bool {
    document()
        .active_element()
        .is_none_or(|a| a.tag_name() == "BODY")
}

/// Gives an element the keyboard's focus.
#[cfg(feature = "hydrate")]
pub fn focus(el: &web_sys::Element) {
    use wasm_bindgen::JsCast;
    if let Some(el) = el.dyn_ref::<web_sys::HtmlElement>() {
        let _ = el.focus();
    }
}

/// After a refused submit: focus the first field marked invalid inside `container`.
pub fn focus_first_invalid(container: &'static str) {
    #[cfg(feature = "hydrate")]
    request_animation_frame(move || {
        let selector = format!("{container} [aria-invalid=true]");
        if let Ok(Some(el)) = document().query_selector(&selector) {
            focus(&el);
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = container;
}

/// Makes the element behind `node` a modal dialog. Returns the handler to put on the element's
/// `on:keydown` (Escape closes, Tab stays inside) and the dialog's own close, which every way out
/// of it must use (Cancel, the backdrop, a saved form): it runs `close` and gives focus back to what
/// opened the dialog, or, when that is gone (a moved card is drawn anew in another column), to what
/// the CSS selector `return_to` finds.
pub fn modal<E>(
    node: NodeRef<E>,
    close: impl Fn() + Copy + 'static,
    return_to: Option<String>,
) -> (
    impl Fn(leptos::ev::KeyboardEvent) + Copy + 'static,
    impl Fn() + Copy + 'static,
)
where
    E: leptos::html::ElementType + 'static,
    E::Output: leptos::wasm_bindgen::JsCast + Clone + 'static,
{
    #[cfg(feature = "hydrate")]
    let opener = StoredValue::new_local(
        document()
            .active_element()
            .filter(|el| el.tag_name() != "BODY"),
    );
    #[cfg(feature = "hydrate")]
    let return_to = StoredValue::new(return_to);
    #[cfg(feature = "hydrate")]
    Effect::new(move |done: Option<bool>| {
        use wasm_bindgen::JsCast;
        if done == Some(true) {
            return true;
        }
        let Some(el) = node.get() else { return false };
        let el: &web_sys::Element = el.unchecked_ref();
        // A field marked `autofocus` first, else the checked option, else the first control.
        let first = el
            .query_selector("[autofocus], input[type=radio]:checked:not([disabled])")
            .ok()
            .flatten()
            .or_else(|| el.query_selector(FOCUSABLE).ok().flatten());
        if let Some(first) = first {
            focus(&first);
        }
        true
    });
    let done = move || {
        #[cfg(feature = "hydrate")]
        {
            let opener = opener.try_get_value().flatten();
            let selector = return_to.try_get_value().flatten();
            let find = |sel: &str| document().query_selector(sel).ok().flatten();
            // After the board has drawn what the dialog changed. (A moved card keeps the focus
            // through later redraws by the board's own care: `board::keep_focus_on_moved_card`.)
            request_animation_frame(move || {
                let target = opener
                    .filter(|el| el.is_connected())
                    .or_else(|| selector.as_deref().and_then(find));
                if let Some(el) = target {
                    focus(&el);
                }
            });
        }
        close();
    };
    #[cfg(not(feature = "hydrate"))]
    let _ = (node, return_to);
    let keys = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            ev.stop_propagation();
            done();
        }
        #[cfg(feature = "hydrate")]
        if ev.key() == "Tab" {
            use wasm_bindgen::JsCast;
            let Some(container) = ev
                .current_target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            else {
                return;
            };
            let Ok(list) = container.query_selector_all(FOCUSABLE) else {
                return;
            };
            let items: Vec<web_sys::HtmlElement> = (0..list.length())
                .filter_map(|i| list.item(i))
                .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
                // Hidden controls (display: none) have no box.
                .filter(|el| el.offset_parent().is_some())
                .collect();
            let (Some(first), Some(last)) = (items.first(), items.last()) else {
                return;
            };
            let active = document().active_element();
            let at = |el: &web_sys::HtmlElement| {
                active
                    .as_ref()
                    .is_some_and(|a| a == el.unchecked_ref::<web_sys::Element>())
            };
            let inside = active.as_ref().is_some_and(|a| container.contains(Some(a)));
            if ev.shift_key() && (at(first) || !inside) {
                ev.prevent_default();
                let _ = last.focus();
            } else if !ev.shift_key() && (at(last) || !inside) {
                ev.prevent_default();
                let _ = first.focus();
            }
        }
    };
    (keys, done)
}
