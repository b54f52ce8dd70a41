//! What every modal dialog of the app does (the WAI-ARIA dialog pattern): focus moves into it when
//! it opens, Tab and Shift+Tab stay inside it, Escape closes it, and when it closes focus goes back
//! to what opened it, or to what took its place (a moved card is drawn anew in another column).

use leptos::prelude::*;

/// What can take focus inside a dialog, in document order.
#[cfg(feature = "hydrate")]
const FOCUSABLE: &str = "button:not([disabled]), [href], input:not([disabled]):not([type=hidden]), \
    select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

#[cfg(feature = "hydrate")]
thread_local! {
    /// What had focus when each open dialog opened, the innermost last (a browser has one thread).
    static OPENERS: std::cell::RefCell<Vec<Option<web_sys::Element>>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Makes the element behind `node` a modal dialog: call it in the dialog's component and put the
/// returned handler on the element's `on:keydown`. `close` runs on Escape. `return_to` is a CSS
/// selector of what gets focus back when the dialog goes, when it is not what opened it.
pub fn modal<E>(
    node: NodeRef<E>,
    close: impl Fn() + Copy + 'static,
    return_to: Option<String>,
) -> impl Fn(leptos::ev::KeyboardEvent) + Copy + 'static
where
    E: leptos::html::ElementType + 'static,
    E::Output: leptos::wasm_bindgen::JsCast + Clone + 'static,
{
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        // What had focus when the dialog opened: the button or the card.
        let opener = document()
            .active_element()
            .filter(|el| el.tag_name() != "BODY");
        OPENERS.with(|o| o.borrow_mut().push(opener));
        Effect::new(move |done: Option<bool>| {
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
            if let Some(first) = first.and_then(|f| f.dyn_into::<web_sys::HtmlElement>().ok()) {
                let _ = first.focus();
            }
            true
        });
        on_cleanup(move || {
            let opener = OPENERS.with(|o| o.borrow_mut().pop()).flatten();
            // After the board has drawn what the dialog changed.
            request_animation_frame(move || {
                let target = return_to
                    .as_deref()
                    .and_then(|sel| document().query_selector(sel).ok().flatten())
                    .or(opener.filter(|el| el.is_connected()));
                if let Some(el) = target.and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
                    let _ = el.focus();
                }
            });
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (node, return_to);
    move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            ev.stop_propagation();
            close();
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
    }
}
