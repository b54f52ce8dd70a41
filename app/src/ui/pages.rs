//! Code the browser loads when it is first needed, not with every page (`cargo leptos build
//! --split`, each part its own WebAssembly files):
//! - the pages most visits never open (cameras, reports, settings, deliveries, a card's own page):
//!   each a lazy route. The server renders them like any other and names the files the page needs
//!   (`<link rel="preload">`), so a first visit fetches them with the main bundle;
//! - the new-request form (TU's, a few times a day): a `#[lazy]` function
//!   (`new_request::new_request_form`, shown through [`super::lazy::when_loaded`]).
//!
//! Not the board, the wall, "Tugas saya", the move dialog or a card's details: what is open all
//! day. The splitter makes a file of each set of parts sharing code (118 for the board when it was
//! lazy), each fetched and compiled apart: a repeat visit of the board took 645 ms against 261.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

/// The lazy routes: for each, a type that shows `$page` at the address `/$segment…`, and
/// [`is_lazy`], which the browser asks before it takes over the page.
macro_rules! lazy_pages {
    ($($(#[$doc:meta])* $route:ident at $segment:literal => $page:path;)*) => {
        $(
            $(#[$doc])*
            pub struct $route;

            impl $route {
                /// The first segment of its address.
                pub const SEGMENT: &'static str = $segment;
            }

            #[lazy_route]
            impl LazyRoute for $route {
                fn data() -> Self {
                    #[cfg(feature = "ssr")]
                    preload_own_code(stringify!($route));
                    $route
                }

                fn view(_this: Self) -> AnyView {
                    $page().into_any()
                }
            }
        )*

        /// Whether the page at `path` is a lazy route's (its code may first have to be loaded).
        pub fn is_lazy(path: &str) -> bool {
            let first = path.trim_start_matches('/').split('/').next().unwrap_or_default();
            [$($segment),*].contains(&first)
        }
    };
}

lazy_pages! {
    /// The cameras and their admin form.
    Cameras at "kamera" => super::cameras::CamerasPage;
    /// The reports.
    Reports at "laporan" => super::reports::ReportsPage;
    /// One card's page.
    CardPage at "kartu" => super::card_page::CardPage;
    /// The settings.
    Settings at "pengaturan" => super::settings::SettingsPage;
    /// The deliveries of notifications.
    Deliveries at "pengiriman" => super::deliveries::DeliveriesPage;
}

/// On the server, for the page being rendered: a `<link rel="preload">` in the head for each of
/// its lazy route's files (the split manifest's list for `__<route in snake case>_view_…`), so the
/// browser fetches them with the main bundle instead of after it has started.
#[cfg(feature = "ssr")]
fn preload_own_code(route: &str) {
    use std::collections::HashMap;
    use std::sync::OnceLock;

    static MANIFEST: OnceLock<HashMap<String, Vec<String>>> = OnceLock::new();
    let Some(options) = use_context::<LeptosOptions>() else {
        return;
    };
    let pkg = format!("/{}", options.site_pkg_dir);
    let manifest = MANIFEST.get_or_init(|| {
        let file = std::path::Path::new(options.site_root.as_ref())
            .join(options.site_pkg_dir.as_ref())
            .join("__wasm_split_manifest.json");
        std::fs::read_to_string(file)
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    });
    let prefix = format!("__{}_view_", snake_case(route));
    let Some(files) = manifest
        .iter()
        .find_map(|(name, files)| name.starts_with(&prefix).then_some(files))
    else {
        return;
    };
    for file in files {
        let _ = view! {
            <leptos_meta::Link
                rel="preload"
                href=format!("{pkg}/{file}.wasm")
                as_="fetch"
                type_="application/wasm"
                crossorigin="anonymous"
            />
        }
        .to_html();
    }
    // The loader of those files (cargo-leptos names it so when file hashing is off, as here).
    let _ = view! {
        <leptos_meta::Link
            rel="modulepreload"
            href=format!("{pkg}/__wasm_split.______________________.js")
            crossorigin="anonymous"
        />
    }
    .to_html();
}

/// `MyWork` → `my_work`: the name `#[lazy_route]` gives a route's code.
#[cfg(any(feature = "ssr", test))]
fn snake_case(name: &str) -> String {
    let mut snake = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            snake.push('_');
        }
        snake.extend(c.to_lowercase());
    }
    snake
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_the_lazy_routes_addresses_are_lazy() {
        assert!(super::is_lazy("/kamera"));
        assert!(super::is_lazy(
            "/kartu/2b0c7a8e-0000-4000-8000-000000000000"
        ));
        assert!(!super::is_lazy("/"));
        assert!(!super::is_lazy("/tugas"));
        assert!(!super::is_lazy("/kameraku"));
    }

    #[test]
    fn a_route_is_named_in_snake_case() {
        assert_eq!(super::snake_case("MyWork"), "my_work");
        assert_eq!(super::snake_case("Board"), "board");
        assert_eq!(super::snake_case("CardPage"), "card_page");
    }
}
