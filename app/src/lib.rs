#![recursion_limit = "256"]
//! Pantau's pages: the Leptos components ([`ui`]), rendered on the server (`ssr`) and hydrated in
//! the browser (`hydrate`). The rules and the texts they show are [`pantau_core`]'s.

// The UI reads the core's modules as `crate::domain`, `crate::api`, `crate::i18n`, `crate::account`.
use pantau_core::{account, api, domain, i18n};

pub mod ui;

pub use ui::{App, shell};

/// Entry point of the browser bundle: takes over the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    let body = leptos::prelude::document()
        .body()
        .expect("a page has a body");
    let path = leptos::prelude::window()
        .location()
        .pathname()
        .unwrap_or_default();
    if ui::pages::is_lazy(&path) {
        // Asynchronously: the page's code may first have to be loaded (`ui::pages`).
        wasm_bindgen_futures::spawn_local(async move {
            leptos::mount::hydrate_from_async(body.clone(), App)
                .await
                .forget();
            hydrated(&body);
        });
    } else {
        // At once: the page's code is here, and a synchronous hydration is the faster (the
        // 2,000-card board interactive in 261 ms, 340-371 asynchronously, session 19).
        leptos::mount::hydrate_from(body.clone(), App).forget();
        hydrated(&body);
    }
    // The bundle's memory and the bytes its allocator holds, for the wall's soak test (which
    // prints them over simulated days). Only in the tests' build (`soak`).
    #[cfg(feature = "soak")]
    expose_memory();
}

/// The page is taken over: what waited for it runs (`ui::hydration`), and the body says so.
#[cfg(feature = "hydrate")]
fn hydrated(body: &web_sys::HtmlElement) {
    ui::hydration::finished();
    // Tells tests (and curious humans in devtools) that the page is now interactive.
    let _ = body.set_attribute("data-hydrated", "true");
}

#[cfg(all(feature = "hydrate", feature = "soak"))]
fn expose_memory() {
    let window = leptos::prelude::window();
    let _ = js_sys::Reflect::set(&window, &"__pantauMemory".into(), &wasm_bindgen::memory());
    let allocated = wasm_bindgen::closure::Closure::<dyn Fn() -> f64>::new(|| {
        counted::IN_USE.load(std::sync::atomic::Ordering::Relaxed) as f64
    });
    let _ = js_sys::Reflect::set(
        &window,
        &"__pantauAllocated".into(),
        &allocated.into_js_value(),
    );
}

/// The browser bundle's allocator, counting the bytes it holds: the memory's size only grows, to
/// the most the page ever needed, so a small leak hides in it; this count shows one. Only in the
/// tests' build (`soak`): what users load allocates with the system allocator, uncounted.
#[cfg(all(feature = "hydrate", feature = "soak"))]
mod counted {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

    pub static IN_USE: AtomicUsize = AtomicUsize::new(0);

    struct Counted;

    // SAFETY: every call is passed to the system allocator unchanged; only a count is kept.
    unsafe impl GlobalAlloc for Counted {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            // SAFETY: the caller's contract for `alloc`, passed on.
            let ptr = unsafe { System.alloc(layout) };
            if !ptr.is_null() {
                IN_USE.fetch_add(layout.size(), Relaxed);
            }
            ptr
        }

        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            // SAFETY: the caller's contract for `alloc_zeroed`, passed on.
            let ptr = unsafe { System.alloc_zeroed(layout) };
            if !ptr.is_null() {
                IN_USE.fetch_add(layout.size(), Relaxed);
            }
            ptr
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            // SAFETY: the caller's contract for `dealloc`, passed on.
            unsafe { System.dealloc(ptr, layout) };
            IN_USE.fetch_sub(layout.size(), Relaxed);
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            // SAFETY: the caller's contract for `realloc`, passed on.
            let moved = unsafe { System.realloc(ptr, layout, new_size) };
            if !moved.is_null() {
                IN_USE.fetch_add(new_size, Relaxed);
                IN_USE.fetch_sub(layout.size(), Relaxed);
            }
            moved
        }
    }

    #[global_allocator]
    static ALLOCATOR: Counted = Counted;
}
