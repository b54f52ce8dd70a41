//! "Permohonan baru": a request letter from Srikandi registered on the board (by TU, or by the
//! applicant's own staff), every field of the letter, each problem shown next to its field.

use leptos::prelude::*;

use super::screen::{NoticeKind, use_screen};
use super::{t, use_lang};
use crate::domain::request::{DocumentInput, Field, FieldError, Request, RequestInput};
use crate::domain::{CardId, Mutation, Role};
use crate::i18n::ui as txt;
use crate::i18n::{Lang, Text};

/// The role a new request is registered in: TU (the letter arrived: step 1 is done), else the
/// applicant (it starts at step 1), else an Admin registering for TU.
fn registering_role(held: &[Role]) -> Option<Role> {
    [Role::Tu, Role::Pemohon, Role::Admin]
        .into_iter()
        .find(|r| held.contains(r))
}

/// The "Permohonan baru" button, for those who may register a request.
#[component]
pub fn NewRequestButton() -> impl IntoView {
    let screen = use_screen();
    let open = RwSignal::new(false);
    let allowed = move || {
        screen.me.with(|me| {
            me.as_ref()
                .and_then(|m| registering_role(&m.roles))
                .is_some()
        })
    };
    view! {
        <Show when=allowed>
            <button type="button" class="primary new-request" data-testid="new-request" on:click=move |_| open.set(true)>
                {t(txt::NEW_REQUEST)}
            </button>
        </Show>
        <Show when=move || open.get()>
            {super::lazy::when_loaded(new_request_form(open))}
        </Show>
    }
}

/// The form's code, loaded when it is first opened (or the board is idle: [`preload`]).
#[leptos::lazy]
pub(super) fn new_request_form(open: RwSignal<bool>) -> AnyView {
    view! { <NewRequestForm open/> }.into_any()
}

#[component]
fn NewRequestForm(open: RwSignal<bool>) -> impl IntoView {
    let screen = use_screen();
    let lang = use_lang();
    let input = RwSignal::new(RequestInput::default());
    let cameras = RwSignal::new(String::new());
    let documents = RwSignal::new(String::new());
    let refusal = RwSignal::new(None::<String>);
    let node = NodeRef::<leptos::html::Form>::new();
    let (keys, close) = super::dialog::modal(node, move || open.set(false), None);
    // The letter as typed, in the domain's form.
    let typed = move || RequestInput {
        cameras: camera_lines(&cameras.get()),
        ..input.get()
    };
    // What step 5 will ask for that the letter does not give yet: said now, not at step 5.
    let missing_for_step_5 = move || {
        let now = screen.now.get_untracked();
        Request::parse(&typed(), now)
            .ok()
            .and_then(|r| r.check_complete(now).err())
            .unwrap_or_default()
    };
    // The whole letter to register, its documents read from their lines.
    let letter = move || RequestInput {
        documents: documents
            .get()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let (title, reference) = l.split_once('|').unwrap_or((l, l));
                DocumentInput {
                    title: title.trim().to_owned(),
                    reference: reference.trim().to_owned(),
                }
            })
            .collect(),
        ..typed()
    };
    // The letter's problems, shown from the first refused save on (each one read again at every
    // save): each goes as soon as its field is right.
    let refused_saves = RwSignal::new(0u32);
    let errors: Memo<Vec<FieldError>> = Memo::new(move |_| {
        if refused_saves.get() == 0 {
            return Vec::new();
        }
        let now = screen.now.get_untracked();
        Request::parse(&letter(), now).err().unwrap_or_default()
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = untrack(letter);
        let now = screen.now.get_untracked();
        if Request::parse(&request, now).is_err() {
            refused_saves.update(|n| *n += 1);
            super::dialog::focus_first_invalid("[data-testid=new-request-form]");
            return;
        }
        let Some(role) = registering_role(&screen.roles()) else {
            return;
        };
        let card = CardId(super::client::new_id());
        let mutation = Mutation::CreateRequest { card, request };
        let Some(envelope) = super::client::envelope(screen, role, None, mutation) else {
            return;
        };
        match super::client::submit(screen, envelope) {
            Ok(()) => {
                screen.notify(
                    txt::REQUEST_REGISTERED.id.to_owned(),
                    txt::REQUEST_REGISTERED.en.to_owned(),
                    NoticeKind::Done,
                );
                close();
            }
            Err(r) => refusal.set(Some(r.message(lang.get_untracked()))),
        }
    };
    let invalid = move |f: Field| errors.with(|e| e.iter().any(|e| e.field == f));
    let field = move |f: Field,
                      name: &'static str,
                      kind: &'static str,
                      get: fn(&RequestInput) -> &String,
                      set: fn(&mut RequestInput, String)| {
        let id = format!("new-{name}");
        let required = REQUIRED_AT_INTAKE.contains(&f);
        let aria_invalid = move || invalid(f).then_some("true");
        let described = move || invalid(f).then(|| error_id(f));
        view! {
            <label class="field" for=id.clone()>
                <span>{t(f.label())} <Requirement field=f/></span>
                {if kind == "textarea" {
                    view! {
                        <textarea id=id.clone() name=name required=required aria-required=required.to_string()
                            aria-invalid=aria_invalid aria-describedby=described
                            prop:value=move || input.with(|i| get(i).clone())
                            on:input=move |ev| input.update(|i| set(i, event_target_value(&ev)))></textarea>
                    }.into_any()
                } else {
                    view! {
                        <input id=id.clone() name=name type=kind required=required aria-required=required.to_string()
                            aria-invalid=aria_invalid aria-describedby=described
                            prop:value=move || input.with(|i| get(i).clone())
                            on:input=move |ev| input.update(|i| set(i, event_target_value(&ev)))/>
                    }.into_any()
                }}
                <FieldProblems field=f errors/>
            </label>
        }
    };
    let list = move |f: Field, name: &'static str, hint: Text, value: RwSignal<String>| {
        view! {
            <label class="field">
                <span>{t(f.label())} <Requirement field=f/></span>
                <small class="hint">{t(hint)}</small>
                <textarea name=name
                    aria-invalid=move || invalid(f).then_some("true")
                    aria-describedby=move || invalid(f).then(|| error_id(f))
                    prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))></textarea>
                <FieldProblems field=f errors/>
            </label>
        }
    };
    view! {
        <div class="dialog-backdrop" on:click=move |_| close()>
            <form
                class="move-dialog new-request-form"
                role="dialog"
                aria-modal="true"
                aria-labelledby="new-request-title"
                data-testid="new-request-form"
                novalidate
                node_ref=node
                on:click=|ev| ev.stop_propagation()
                on:submit=submit
                on:keydown=keys
            >
                <h2 id="new-request-title">{t(txt::NEW_REQUEST)}</h2>
                {field(Field::LetterNumber, "letter_number", "text", |i| &i.letter_number, |i, v| i.letter_number = v)}
                {field(Field::LetterDate, "letter_date", "date", |i| &i.letter_date, |i, v| i.letter_date = v)}
                {field(Field::Agency, "agency", "text", |i| &i.agency, |i, v| i.agency = v)}
                {field(Field::Subject, "subject", "text", |i| &i.subject, |i, v| i.subject = v)}
                {field(Field::ContactName, "contact_name", "text", |i| &i.contact_name, |i, v| i.contact_name = v)}
                {field(Field::ContactPhone, "contact_phone", "tel", |i| &i.contact_phone, |i, v| i.contact_phone = v)}
                {field(Field::ContactEmail, "contact_email", "email", |i| &i.contact_email, |i, v| i.contact_email = v)}
                {field(Field::Purpose, "purpose", "textarea", |i| &i.purpose, |i, v| i.purpose = v)}
                {list(Field::Cameras, "cameras", txt::ONE_PER_LINE, cameras)}
                {field(Field::WindowStart, "window_start", "datetime-local", |i| &i.window_start, |i, v| i.window_start = v)}
                {field(Field::WindowEnd, "window_end", "datetime-local", |i| &i.window_end, |i, v| i.window_end = v)}
                {list(Field::Documents, "documents", txt::DOCUMENTS_HINT, documents)}
                {move || {
                    let missing = missing_for_step_5();
                    (!missing.is_empty()).then(|| {
                        let lang = lang.get();
                        let names = missing
                            .iter()
                            .map(|e| e.message(lang))
                            .collect::<Vec<_>>()
                            .join("; ");
                        view! {
                            <p class="step-5-missing" role="status" data-testid="missing-for-step-5">
                                <strong>{txt::MISSING_FOR_STEP_5.get(lang)}</strong> " " {names}
                            </p>
                        }
                    })
                }}
                <p class="form-errors" role="alert">{move || refusal.get()}</p>
                <div class="dialog-actions">
                    <button type="button" class="secondary" on:click=move |_| close()>{t(txt::CANCEL)}</button>
                    <button type="submit" class="primary" data-testid="save-request">{t(txt::REGISTER)}</button>
                </div>
            </form>
        </div>
    }
}

/// The cameras of the letter, one per line.
fn camera_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// What the letter must have to be registered at all.
const REQUIRED_AT_INTAKE: [Field; 4] = [
    Field::LetterNumber,
    Field::LetterDate,
    Field::Agency,
    Field::Subject,
];

/// What step 5 needs before it can say yes (the letter may be registered without it).
const NEEDED_FOR_STEP_5: [Field; 5] = [
    Field::ContactName,
    Field::ContactPhone,
    Field::Purpose,
    Field::Cameras,
    Field::WindowStart,
];

/// "(wajib)" or "(perlu untuk langkah 5)" after a field's label.
#[component]
fn Requirement(field: Field) -> impl IntoView {
    let text = if REQUIRED_AT_INTAKE.contains(&field) {
        Some(txt::REQUIRED)
    } else if NEEDED_FOR_STEP_5.contains(&field) {
        Some(txt::FOR_STEP_5)
    } else {
        None
    };
    text.map(|text| view! { <span class="required">"(" {t(text)} ")"</span> })
}

fn error_id(field: Field) -> String {
    format!("new-error-{}", field.as_str())
}

/// The problems of one field, next to it.
#[component]
fn FieldProblems(field: Field, errors: Memo<Vec<FieldError>>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <span class="field-error" role="alert" id=error_id(field)>
            {move || {
                let lang: Lang = lang.get();
                errors.with(|e| {
                    e.iter()
                        .filter(|e| e.field == field)
                        .map(|e| e.message(lang))
                        .collect::<Vec<_>>()
                        .join("; ")
                })
            }}
        </span>
    }
}

/// Fetches the form's code once the page has been idle a while: the form opens at once, and a slow
/// phone's first seconds are not spent on it.
pub fn preload() {
    super::hydration::after_hydration(|| {
        set_timeout(
            || {
                request_idle_callback(|| {
                    leptos::lazy_preload!(new_request_form);
                })
            },
            std::time::Duration::from_secs(2),
        );
    });
}
