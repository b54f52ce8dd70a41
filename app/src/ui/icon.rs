//! Small inline SVG icons: they need no emoji font, which a TV box on a closed network may lack.

use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Icon {
    Check,
    Warning,
    Alarm,
    Pause,
    Calendar,
    Camera,
}

impl Icon {
    fn path(self) -> &'static str {
        match self {
            Icon::Check => "M3 8.5l3.2 3.2L13 5",
            Icon::Warning => "M8 1.8L15 14H1L8 1.8zM8 6v4M8 11.6v.4",
            Icon::Alarm => {
                "M8 3.5a5.5 5.5 0 1 0 0 11a5.5 5.5 0 1 0 0-11zM8 6v3.2l2 1.3M2 3.5L4 1.8M14 3.5L12 1.8"
            }
            Icon::Pause => "M5.5 3v10M10.5 3v10",
            Icon::Calendar => "M2 4h12v10H2zM2 7h12M5 2v3M11 2v3",
            Icon::Camera => {
                "M1.5 5h3l1.2-2h4.6l1.2 2h3v8h-13zM8 6.5a2.5 2.5 0 1 0 0 5a2.5 2.5 0 1 0 0-5z"
            }
        }
    }
}

#[component]
pub fn IconView(icon: Icon) -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
            <path d=icon.path()/>
        </svg>
    }
}
