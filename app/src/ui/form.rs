//! What the forms share: each field's problems as the server named them (shown under the field,
//! the field marked invalid and described by its problem), and a labelled input bound to a form.

use leptos::prelude::*;

use super::{t, use_lang};
use crate::i18n::{Both, Text};

/// The problems of a form's fields, by field name; `prefix` makes their element ids unique.
#[derive(Clone, Copy)]
pub struct FieldErrors {
    pub list: RwSignal<Vec<(String, Both)>>,
    prefix: &'static str,
}

impl FieldErrors {
    pub fn new(prefix: &'static str) -> FieldErrors {
        FieldErrors {
            list: RwSignal::new(Vec::new()),
            prefix,
        }
    }

    pub fn invalid(self, name: &str) -> bool {
        self.list.with(|e| e.iter().any(|(f, _)| f == name))
    }

    /// The id of the element that says what is wrong with `name`.
    pub fn id(self, name: &str) -> String {
        format!("{}-error-{name}", self.prefix)
    }

    /// What is wrong with `name`, in the screen's language (nothing when it is fine).
    pub fn problem(self, name: &'static str) -> impl Fn() -> AnyView + Send + Sync + 'static {
        let lang = use_lang();
        move || {
            self.list.with(|e| {
                e.iter()
                    .filter(|(f, _)| f == name)
                    .map(|(_, m)| view! { <small class="field-error" id=self.id(name)>{m.get(lang.get()).to_owned()}</small> })
                    .collect_view()
                    .into_any()
            })
        }
    }
}

/// How a [`text_field`] reads and writes its value in the form.
pub struct Binding<F: 'static> {
    pub get: fn(&F) -> String,
    pub set: fn(&mut F, String),
}

/// A labelled input of `form`'s field `name` (`kind`: `text`, `email`, `tel`, `time`…).
pub fn text_field<F: Send + Sync + 'static>(
    form: RwSignal<F>,
    errors: FieldErrors,
    label: Text,
    name: &'static str,
    kind: &'static str,
    autocomplete: &'static str,
    binding: Binding<F>,
) -> impl IntoView {
    let Binding { get, set } = binding;
    view! {
        <label class="field">
            <span>{t(label)}</span>
            <input
                type=kind
                name=name
                autocomplete=autocomplete
                aria-invalid=move || errors.invalid(name).then_some("true")
                aria-describedby=move || errors.invalid(name).then(|| errors.id(name))
                prop:value=move || form.with(get)
                on:input=move |ev| form.update(|f| set(f, event_target_value(&ev)))
            />
            {errors.problem(name)}
        </label>
    }
}
