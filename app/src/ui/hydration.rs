//! Taking over the server-rendered page. A lazy route's page is hydrated asynchronously (its code
//! may first have to be loaded: [`super::pages`]), and nothing may change what the server rendered
//! before the whole page is hydrated: the browser's saved board, the person, the remembered
//! language would otherwise make a part not yet hydrated differ from the HTML it takes over.
//! What needs them waits here ([`after_hydration`]) and runs once [`finished`] is called.

#[cfg(feature = "hydrate")]
use std::cell::RefCell;

/// Something to run once the page is hydrated.
#[cfg(feature = "hydrate")]
type Waiting = Box<dyn FnOnce()>;

#[cfg(feature = "hydrate")]
thread_local! {
    /// What waits for the page to be hydrated; `None` once it is.
    static WAITING: RefCell<Option<Vec<Waiting>>> = RefCell::new(Some(Vec::new()));
}

/// Runs `f` once, after the whole page is hydrated (at once if it already is), with the current
/// reactive owner and without tracking what it reads. On the server: never.
pub fn after_hydration(f: impl FnOnce() + 'static) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::prelude::{Owner, untrack};
        let owner = Owner::current();
        let run = move || match owner {
            Some(owner) => owner.with(|| untrack(f)),
            None => untrack(f),
        };
        let run_now = WAITING.with(|waiting| match waiting.borrow_mut().as_mut() {
            Some(list) => {
                list.push(Box::new(run));
                None
            }
            None => Some(run),
        });
        if let Some(run) = run_now {
            run();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = f;
}

/// The page is hydrated: runs what waited, in the order it asked.
#[cfg(feature = "hydrate")]
pub fn finished() {
    let waiting = WAITING.with(|waiting| waiting.borrow_mut().take());
    for run in waiting.into_iter().flatten() {
        run();
    }
}
