//! Showing code that is loaded when first used (`#[lazy]` functions, `cargo leptos build --split`).

use leptos::prelude::*;

/// What a `#[lazy]` function's view shows once its code is there; nothing before.
#[cfg(feature = "hydrate")]
pub fn when_loaded(view: impl Future<Output = AnyView> + 'static) -> impl IntoView {
    // The split loader's future is the browser's (not `Send`); the browser has one thread.
    Suspend::new(send_wrapper::SendWrapper::new(view))
}

/// What a `#[lazy]` function's view shows once its code is there (on the server: at once).
#[cfg(not(feature = "hydrate"))]
pub fn when_loaded(view: impl Future<Output = AnyView> + Send + 'static) -> impl IntoView {
    Suspend::new(view)
}
