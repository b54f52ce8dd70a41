//! Moving cards: the "Pindahkan / Move" button of a card, the dialog asking for the step's output,
//! dragging with mouse, pen or touch (pointer events), and the messages that say what happened.

use leptos::prelude::*;

use super::screen::{Drag, NoticeKind, Screen, use_screen};
use super::{t, use_lang};
use crate::domain::camera::Health;
use crate::domain::moves::{Exit, Move, MoveForm, move_to, suggested_instruction};
use crate::domain::{CardId, Refusal, StepId, Target};
use crate::i18n::ui as txt;
use crate::i18n::{Lang, Text};

/// A target's name: "5a · Cek jaringan & CCTV", "Dikembalikan".
pub fn target_label(target: Target, lang: Lang) -> String {
    match target {
        Target::Step(step) => format!("{} · {}", step.code(), step.def().name.get(lang)),
        Target::End(end) => end.label().get(lang).to_owned(),
    }
}

/// The card's "Pindahkan" button: opens the move dialog, or says why this person cannot move it.
/// `big`: the one large action of "Tugas saya", named after the step ("Kerjakan langkah 3").
#[component]
pub fn MoveButton(
    card: CardId,
    step: Option<StepId>,
    #[prop(optional)] big: bool,
) -> impl IntoView {
    let screen = use_screen();
    let lang = use_lang();
    // Why this person cannot move the card, if they cannot (the reason of the normal move). It
    // depends on the card's step (a card view is made anew when its card changes) and the roles.
    let blocked = Memo::new(move |_| {
        let moves = screen.moves_at(step?);
        if moves.iter().any(|(_, allowed)| allowed.is_ok()) {
            None
        } else {
            moves
                .into_iter()
                .next()
                .and_then(|(_, allowed)| allowed.err())
        }
    });
    let reason = move || blocked.get().map(|r| r.message(lang.get()));
    let open = move |ev: leptos::ev::MouseEvent| {
        ev.stop_propagation();
        match blocked.get_untracked() {
            None => screen.moving.set(Some((card, None))),
            Some(refusal) => screen.notify_refusal(&refusal),
        }
    };
    step.map(|_| {
        view! {
            <button
                type="button"
                class=if big { "card-move big" } else { "card-move" }
                data-testid="move"
                aria-disabled=move || blocked.get().is_some().to_string()
                title=reason
                on:click=open
                on:keydown=|ev| {
                    if ev.key() == "Enter" || ev.key() == " " {
                        // The card's own Enter opens the details; this key is the button's.
                        ev.stop_propagation();
                    }
                }
            >
                {move || match (big, step) {
                    (true, Some(step)) => format!("{} {}", txt::DO_STEP.get(lang.get()), step.code()),
                    _ => txt::MOVE.get(lang.get()).to_owned(),
                }}
                <span class="move-reason" role="tooltip">{reason}</span>
            </button>
        }
    })
}

/// The dialog of a move: the legal targets, then the step's output, in the role this person
/// holds; "Batal" changes nothing.
#[component]
pub fn MoveDialog() -> impl IntoView {
    let screen = use_screen();
    view! {
        {move || screen.moving.get().and_then(|(card, target)| {
            let card = screen.board.with_untracked(|b| b.card(card).cloned())?;
            // With the board's code, not lazy: it is what the board is for, and it must show in
            // the frame after the drop.
            Some(view! { <MoveDialogForm card target/> })
        })}
    }
}

/// The dialog's first values; a 5a check starts from the cameras' and the network's live state.
fn starting_form(screen: Screen, card: &crate::domain::Card, m: &Move) -> MoveForm {
    let form = MoveForm::for_move(card, m);
    if m.from == StepId::S5a && m.exit != Exit::Fail {
        let now = screen.now.get_untracked();
        screen
            .cameras
            .with_untracked(|feed| form.with_live(card, feed, now))
    } else {
        form
    }
}

/// A field's problem as the dialog shows it: the field it belongs to (marked `aria-invalid` and
/// linked to the message), or none for a problem of the whole move.
pub(super) type Shown = (Option<crate::domain::Field>, String);

/// The messages of a refusal, each with its field where it has one.
pub(super) fn refusal_problems(refusal: &Refusal, lang: Lang) -> Vec<Shown> {
    match refusal {
        Refusal::InvalidOutput { errors }
        | Refusal::InvalidRequest { errors }
        | Refusal::Incomplete { errors } => {
            let mut shown: Vec<Shown> = errors
                .iter()
                .map(|e| (Some(e.field), e.message(lang)))
                .collect();
            if matches!(refusal, Refusal::Incomplete { .. }) {
                shown.insert(0, (None, refusal.message(lang)));
            }
            shown
        }
        _ => vec![(None, refusal.message(lang))],
    }
}

/// The id of a field's message, for `aria-describedby`.
pub(super) fn error_id(field: crate::domain::Field) -> String {
    format!("error-{}", field.as_str())
}

#[component]
fn MoveDialogForm(card: crate::domain::Card, target: Option<Target>) -> impl IntoView {
    let screen = use_screen();
    let lang = use_lang();
    let moves = screen.moves_of(&card);
    let first = target.and_then(|t| move_to(&card, t)).or_else(|| {
        moves
            .iter()
            .find(|(_, allowed)| allowed.is_ok())
            .map(|(m, _)| *m)
    });
    let chosen = RwSignal::new(first);
    let form = RwSignal::new(
        first
            .map(|m| starting_form(screen, &card, &m))
            .unwrap_or_default(),
    );
    let override_reason = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<Shown>::new());
    let card_id = card.id;
    let node = NodeRef::<leptos::html::Form>::new();
    let (keys, close) = super::dialog::modal(
        node,
        move || screen.moving.set(None),
        Some(format!("[data-card=\"{}\"]", card_id.0)),
    );
    let choose = {
        let card = card.clone();
        move |m: Move| {
            chosen.set(Some(m));
            form.set(starting_form(screen, &card, &m));
            errors.set(Vec::new());
        }
    };
    let acting = move || {
        chosen.get().map(|m| {
            screen
                .moves_of_card(card_id)
                .into_iter()
                .find(|(x, _)| *x == m)
                .map(|(_, allowed)| allowed)
                .unwrap_or(Err(Refusal::UnknownCard))
        })
    };
    let show = move |shown: Vec<Shown>| {
        errors.set(shown);
        super::dialog::focus_first_invalid("[data-testid=move-dialog]");
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lang = lang.get_untracked();
        let Some(mv) = chosen.get_untracked() else {
            return;
        };
        let (role, overriding) = match acting() {
            Some(Ok(acting)) => acting,
            Some(Err(refusal)) => return show(refusal_problems(&refusal, lang)),
            None => return,
        };
        let now = screen.now.get_untracked();
        let mutation = match form.with_untracked(|f| f.mutation(card_id, &mv, now)) {
            Ok(mutation) => mutation,
            Err(problems) => {
                return show(
                    problems
                        .iter()
                        .map(|e| (Some(e.field), e.message(lang)))
                        .collect(),
                );
            }
        };
        let override_reason = if overriding {
            match crate::domain::request::LongText::parse(
                crate::domain::Field::Reason,
                &override_reason.get_untracked(),
            ) {
                Ok(reason) => Some(reason),
                Err(e) => return show(vec![(None, e.message(lang))]),
            }
        } else {
            None
        };
        let Some(envelope) = super::client::envelope(screen, role, override_reason, mutation)
        else {
            return;
        };
        match super::client::submit(screen, envelope) {
            Ok(()) => {
                screen.focus_card.set_value(Some(card_id));
                screen.notify(
                    format!("{}: {}", txt::MOVED.id, target_label(mv.to, Lang::Id)),
                    format!("{}: {}", txt::MOVED.en, target_label(mv.to, Lang::En)),
                    NoticeKind::Done,
                );
                close();
            }
            Err(refusal) => show(refusal_problems(&refusal, lang)),
        }
    };
    let letter = card.request.letter_number.to_string();
    let option_buttons = moves
        .iter()
        .map(|(m, allowed)| {
            let m = *m;
            let choose = choose.clone();
            let why = allowed
                .clone()
                .err()
                .map(|r| r.message(lang.get_untracked()));
            let disabled = allowed.is_err();
            let title = why.clone();
            view! {
                <label class="move-option" title=title>
                    <input
                        type="radio"
                        name="move-target"
                        data-target=target_code(m.to)
                        prop:checked=move || chosen.get() == Some(m)
                        disabled=disabled
                        on:change=move |_| choose(m)
                    />
                    <span>{move || target_label(m.to, lang.get())}</span>
                    {why.map(|w| view! { <small class="why-not">{w}</small> })}
                </label>
            }
        })
        .collect_view();
    let fault = card.fault.clone();
    view! {
        <div class="dialog-backdrop" on:click=move |_| close()>
            <form
                class="move-dialog"
                role="dialog"
                aria-modal="true"
                aria-labelledby="move-title"
                data-testid="move-dialog"
                novalidate
                node_ref=node
                on:click=|ev| ev.stop_propagation()
                on:submit=submit
                on:keydown=keys
            >
                <h2 id="move-title">{t(txt::MOVE_CARD)} " " <span class="letter-number">{letter}</span></h2>
                {fault.map(|fault| view! { <FaultNotice fault/> })}
                <fieldset class="move-options">
                    <legend>{t(txt::MOVE_TO)}</legend>
                    {option_buttons}
                </fieldset>
                {move || {
                    acting().map(|a| match a {
                        Ok((role, overriding)) => view! {
                            <p class="acting-as">
                                {t(txt::AS_ROLE)} " " <strong>{t(role.label())}</strong>
                            </p>
                            {overriding.then(|| view! {
                                <label class="field">
                                    <span>{t(txt::OVERRIDE_REASON)}</span>
                                    <textarea
                                        name="override_reason"
                                        required
                                        prop:value=move || override_reason.get()
                                        on:input=move |ev| override_reason.set(event_target_value(&ev))
                                    ></textarea>
                                </label>
                            })}
                        }.into_any(),
                        Err(refusal) => view! {
                            <p class="why-not">{move || refusal.message(lang.get())}</p>
                        }.into_any(),
                    })
                }}
                {move || chosen.get().map(|m| view! { <OutputFields mv=m form errors/> })}
                <ul class="form-errors" role="alert">
                    {move || errors.get().into_iter().map(|(field, e)| view! {
                        <li id=field.map(error_id)>{e}</li>
                    }).collect_view()}
                </ul>
                <div class="dialog-actions">
                    <button type="button" class="secondary" on:click=move |_| close()>{t(txt::CANCEL)}</button>
                    <button type="submit" class="primary" data-testid="save-move" disabled=move || chosen.get().is_none()>
                        {t(txt::SAVE_MOVE)}
                    </button>
                </div>
            </form>
        </div>
    }
}

/// What step 5a found down, on a card waiting for Subkor ILE's decision.
#[component]
pub fn FaultNotice(fault: crate::domain::flow::Fault) -> impl IntoView {
    let lang = use_lang();
    let what = move || fault_text(&fault, lang.get());
    view! {
        <p class="fault-notice" data-testid="fault">
            <strong>{t(txt::FAULT_BADGE)} ": "</strong>
            {what}
            <span class="fault-decide">{t(txt::DECIDE_FAULT)}</span>
        </p>
    }
}

/// "jaringan, Jl. Niaga": what was found down.
pub fn fault_text(fault: &crate::domain::flow::Fault, lang: Lang) -> String {
    let mut parts: Vec<String> = Vec::new();
    if fault.network_down {
        parts.push(txt::NETWORK_DOWN.get(lang).to_owned());
    }
    parts.extend(fault.cameras.iter().map(ToString::to_string));
    parts.join(", ")
}

fn target_code(target: Target) -> &'static str {
    match target {
        Target::Step(step) => step.code(),
        Target::End(end) => end.as_str(),
    }
}

/// A field's `aria-invalid` and `aria-describedby`, from the dialog's problems.
fn invalid(
    errors: RwSignal<Vec<Shown>>,
    field: crate::domain::Field,
) -> impl Fn() -> Option<&'static str> + Copy {
    move || errors.with(|e| e.iter().any(|(f, _)| *f == Some(field)).then_some("true"))
}

fn described(
    errors: RwSignal<Vec<Shown>>,
    field: crate::domain::Field,
) -> impl Fn() -> Option<String> + Copy {
    move || {
        errors.with(|e| {
            e.iter()
                .any(|(f, _)| *f == Some(field))
                .then(|| error_id(field))
        })
    }
}

/// The fields of the chosen move's output. What the SOP asks a person to decide starts empty.
#[component]
fn OutputFields(mv: Move, form: RwSignal<MoveForm>, errors: RwSignal<Vec<Shown>>) -> impl IntoView {
    use crate::domain::Field;
    let text_field = move |label: Text,
                           field: Field,
                           name: &'static str,
                           get: fn(&MoveForm) -> &String,
                           set: fn(&mut MoveForm, String),
                           long: bool,
                           required: bool| {
        let value = move || form.with(|f| get(f).clone());
        let input = move |ev| form.update(|f| set(f, event_target_value(&ev)));
        let id = format!("move-{name}");
        view! {
            <div class="field">
                <label for=id.clone()>
                    {t(label)}
                    {required.then(|| view! { <span class="required">" (" {t(txt::REQUIRED)} ")"</span> })}
                </label>
                {if long {
                    view! { <textarea id=id name=name required=required aria-required=required.to_string()
                        aria-invalid=invalid(errors, field) aria-describedby=described(errors, field)
                        prop:value=value on:input=input></textarea> }.into_any()
                } else {
                    view! { <input id=id name=name required=required aria-required=required.to_string()
                        aria-invalid=invalid(errors, field) aria-describedby=described(errors, field)
                        prop:value=value on:input=input/> }.into_any()
                }}
            </div>
        }
    };
    let instruction = move || {
        let suggestion = suggested_instruction(&mv);
        view! {
            {text_field(txt::INSTRUCTION, Field::Instruction, "instruction", |f| &f.instruction, |f, v| f.instruction = v, true, true)}
            {suggestion.map(|s| view! {
                <p class="suggestion">
                    <button type="button" class="chip" data-testid="use-suggestion"
                        on:click=move |_| form.update(|f| f.instruction = s.to_owned())>
                        {t(txt::SUGGESTION)} ": “" {s} "”"
                    </button>
                </p>
            })}
        }
    };
    let note = text_field(
        txt::NOTE,
        Field::Note,
        "note",
        |f| &f.note,
        |f, v| f.note = v,
        true,
        false,
    );
    let fields = match (mv.exit, mv.from, mv.to) {
        (Exit::Fail, _, _) => text_field(txt::REASON, Field::Reason, "reason", |f| &f.reason, |f, v| f.reason = v, true, true).into_any(),
        (_, StepId::S1, _) => view! { <p>{t(txt::SUBMITTED)}</p> }.into_any(),
        (_, StepId::S2, _) => text_field(txt::AGENDA_NUMBER, Field::Note, "agenda_number", |f| &f.agenda_number, |f, v| f.agenda_number = v, false, false).into_any(),
        (_, StepId::S3 | StepId::S4, Target::Step(next)) => view! {
            <p class="addressee">{t(txt::ADDRESSEE)} ": " <strong>{t(next.def().performer.label())}</strong></p>
            {instruction()}
        }.into_any(),
        (_, StepId::S5, Target::End(_)) => text_field(txt::REASON, Field::Reason, "reason", |f| &f.reason, |f, v| f.reason = v, true, true).into_any(),
        (_, StepId::S5, _) => instruction().into_any(),
        (_, StepId::S5a, _) => view! { <CheckFields form errors/> }.into_any(),
        (_, StepId::S6, _) => view! { <ScheduleFields form errors/> }.into_any(),
        (_, StepId::S7, _) => text_field(txt::SUMMARY, Field::Report, "summary", |f| &f.summary, |f, v| f.summary = v, true, true).into_any(),
        _ => ().into_any(),
    };
    let with_note = !matches!(mv.exit, Exit::Fail) && !matches!(mv.from, StepId::S1);
    view! {
        <div class="output-fields">
            {fields}
            {with_note.then_some(note)}
        </div>
    }
}

/// Step 5a: the network and each camera as found, each to choose; Pantau's live status offered.
#[component]
fn CheckFields(form: RwSignal<MoveForm>, errors: RwSignal<Vec<Shown>>) -> impl IntoView {
    use crate::domain::Field;
    let live = form.with_untracked(|f| f.live.clone());
    let has_live = live.is_some();
    let cameras = form.with_untracked(|f| f.cameras.clone());
    view! {
        {live.map(|live| view! { <super::cameras::LiveCheckView live/> })}
        {has_live.then(|| view! {
            <p class="suggestion">
                <button type="button" class="chip" data-testid="use-live" on:click=move |_| form.update(MoveForm::take_live)>
                    {t(txt::USE_LIVE)}
                </button>
            </p>
        })}
        <HealthSelect label=txt::NETWORK.into() name="network".into() field=Field::Network errors
            get=Signal::derive(move || form.with(|f| f.network))
            set=Callback::new(move |h| form.update(|f| f.network = h))/>
        <fieldset class="camera-checks">
            <legend>{t(txt::CAMERAS_FOUND)} <span class="required">" (" {t(txt::REQUIRED)} ")"</span></legend>
            {cameras.into_iter().enumerate().map(|(i, (name, _))| view! {
                <HealthSelect label=Label::Plain(name.clone()) name=format!("camera-{i}") field=Field::Cameras errors
                    get=Signal::derive(move || form.with(|f| f.cameras.get(i).and_then(|c| c.1)))
                    set=Callback::new(move |h| form.update(|f| if let Some(c) = f.cameras.get_mut(i) { c.1 = h }))/>
            }).collect_view()}
        </fieldset>
        <Show when=move || form.with(MoveForm::finds_fault)>
            <label class="field check fault-confirm">
                <input type="checkbox" name="faults_confirmed"
                    aria-invalid=invalid(errors, Field::Faults) aria-describedby=described(errors, Field::Faults)
                    prop:checked=move || form.with(|f| f.faults_confirmed)
                    on:change=move |ev| form.update(|f| f.faults_confirmed = event_target_checked(&ev))/>
                <span>{t(txt::FAULTS_CONFIRM)}</span>
            </label>
        </Show>
    }
}

/// Step 6: the confirmed window (from the request), the trial's result to choose, and why a
/// window longer than step 7's standard is needed.
#[component]
fn ScheduleFields(form: RwSignal<MoveForm>, errors: RwSignal<Vec<Shown>>) -> impl IntoView {
    use crate::domain::Field;
    let over_standard = move || {
        form.with(|f| {
            let now = chrono::Utc::now() - chrono::Duration::days(1);
            crate::domain::request::Window::parse(&f.schedule_start, &f.schedule_end, now)
                .is_ok_and(|w| w.exceeds_step_7_standard())
        })
    };
    let trial = move |value: bool, label: Text| {
        view! {
            <label class="move-option">
                <input type="radio" name="trial_ok" value=value.to_string()
                    aria-invalid=invalid(errors, Field::Trial) aria-describedby=described(errors, Field::Trial)
                    prop:checked=move || form.with(|f| f.trial_ok == Some(value))
                    on:change=move |_| form.update(|f| f.trial_ok = Some(value))/>
                <span>{t(label)}</span>
            </label>
        }
    };
    let when = move |label: Text,
                     name: &'static str,
                     field: Field,
                     get: fn(&MoveForm) -> &String,
                     set: fn(&mut MoveForm, String)| {
        let id = format!("move-{name}");
        view! {
            <div class="field">
                <label for=id.clone()>{t(label)}</label>
                <input type="datetime-local" id=id name=name required
                    aria-invalid=invalid(errors, field) aria-describedby=described(errors, field)
                    prop:value=move || form.with(|f| get(f).clone())
                    on:input=move |ev| form.update(|f| set(f, event_target_value(&ev)))/>
            </div>
        }
    };
    view! {
        {when(txt::SCHEDULE_START, "schedule_start", Field::WindowStart, |f| &f.schedule_start, |f, v| f.schedule_start = v)}
        {when(txt::SCHEDULE_END, "schedule_end", Field::WindowEnd, |f| &f.schedule_end, |f, v| f.schedule_end = v)}
        <Show when=over_standard>
            <div class="field">
                <label for="move-over-standard">{t(txt::OVER_STANDARD_HINT)}</label>
                <textarea id="move-over-standard" name="over_standard" required
                    aria-invalid=invalid(errors, Field::OverStandard) aria-describedby=described(errors, Field::OverStandard)
                    prop:value=move || form.with(|f| f.over_standard.clone())
                    on:input=move |ev| form.update(|f| f.over_standard = event_target_value(&ev))></textarea>
            </div>
        </Show>
        <fieldset class="trial">
            <legend>{t(txt::TRIAL)} <span class="required">" (" {t(txt::REQUIRED)} ")"</span></legend>
            {trial(true, txt::TRIAL_OK)}
            {trial(false, txt::TRIAL_FAILED)}
        </fieldset>
    }
}

/// A select's label: a text in both languages, or a name as it is (a camera's).
#[derive(Clone)]
pub enum Label {
    Text(Text),
    Plain(String),
}

impl From<Text> for Label {
    fn from(text: Text) -> Label {
        Label::Text(text)
    }
}

#[component]
fn HealthSelect(
    label: Label,
    name: String,
    field: crate::domain::Field,
    errors: RwSignal<Vec<Shown>>,
    get: Signal<Option<Health>>,
    set: Callback<Option<Health>>,
) -> impl IntoView {
    let value = move || get.get().map(|h| h.as_str()).unwrap_or_default();
    let missing = move || get.get().is_none() && invalid(errors, field)().is_some();
    let id = format!("move-{name}");
    view! {
        <div class="field">
            <label for=id.clone()>
                {match label {
                    Label::Text(text) => t(text).into_any(),
                    Label::Plain(name) => name.into_any(),
                }}
            </label>
            <select id=id name=name.clone() required
                aria-invalid=move || missing().then_some("true")
                aria-describedby=move || missing().then(|| error_id(field))
                prop:value=value on:change=move |ev| {
                let h = match event_target_value(&ev).as_str() {
                    "ok" => Some(Health::Ok),
                    "degraded" => Some(Health::Degraded),
                    "down" => Some(Health::Down),
                    _ => None,
                };
                set.run(h);
            }>
                <option value="">{t(txt::CHOOSE)}</option>
                {[Health::Ok, Health::Degraded, Health::Down].into_iter().map(|h| view! {
                    <option value=h.as_str()>{t(h.label())}</option>
                }).collect_view()}
            </select>
        </div>
    }
}

/// Messages about moves, read out by screen readers (aria-live).
#[component]
pub fn Notices() -> impl IntoView {
    let screen = use_screen();
    let lang = use_lang();
    view! {
        <div class="notices" aria-live="polite" role="status" data-testid="notices">
            <For each=move || screen.notices.get() key=|n| n.id let:notice>
                <p class=match notice.kind {
                    NoticeKind::Done => "notice",
                    NoticeKind::Blocked => "notice blocked",
                    NoticeKind::Refused => "notice refused",
                    NoticeKind::Held => "notice held",
                }>
                    {(notice.kind == NoticeKind::Refused).then(|| view! { <strong>{t(txt::REFUSED)} ": "</strong> })}
                    {(notice.kind == NoticeKind::Held).then(|| view! { <strong>{t(txt::HELD)} ": "</strong> })}
                    {move || if lang.get() == Lang::Id { notice.text_id.clone() } else { notice.text_en.clone() }}
                </p>
            </For>
        </div>
    }
}

/// Drag handlers of a card: a press that moves more than a few pixels drags the card (mouse, pen
/// or finger); legal targets light up; a drop on one opens the move dialog, a drop elsewhere snaps
/// back and says why. The last one tells whether a click is a click (the click a browser sends
/// after a drag ends is not: it must not open the card's details).
#[expect(
    clippy::type_complexity,
    reason = "the four handlers a card's element takes, as closures"
)]
pub fn drag_handlers(
    screen: Screen,
    card: CardId,
) -> (
    impl Fn(leptos::ev::PointerEvent) + Copy,
    impl Fn(leptos::ev::PointerEvent) + Copy,
    impl Fn(leptos::ev::PointerEvent) + Copy,
    impl Fn() -> bool + Copy,
) {
    let start = StoredValue::new(None::<(f64, f64)>);
    let dragged = StoredValue::new(false);
    let read_only = use_context::<super::screen::ReadOnly>().is_some();
    let down = move |ev: leptos::ev::PointerEvent| {
        if read_only || ev.button() != 0 || on_control(&ev) {
            return;
        }
        dragged.set_value(false);
        start.set_value(Some((ev.client_x() as f64, ev.client_y() as f64)));
    };
    let moved = move |ev: leptos::ev::PointerEvent| {
        let Some((x0, y0)) = start.get_value() else {
            return;
        };
        let (dx, dy) = (ev.client_x() as f64 - x0, ev.client_y() as f64 - y0);
        let dragging = screen
            .drag
            .with_untracked(|d| d.is_some_and(|d| d.card == card));
        if !dragging && dx.hypot(dy) < 6.0 {
            return;
        }
        if !dragging {
            capture(&ev);
            dragged.set_value(true);
        }
        let over = target_at(ev.client_x(), ev.client_y());
        screen.drag.set(Some(Drag { card, dx, dy, over }));
    };
    let up = move |_ev: leptos::ev::PointerEvent| {
        start.set_value(None);
        let Some(drag) = screen.drag.get_untracked().filter(|d| d.card == card) else {
            return;
        };
        screen.drag.set(None);
        let Some(over) = drag.over else { return };
        let here = screen
            .board
            .with_untracked(|b| b.card(card).map(|c| c.stage));
        if here == Some(over.into()) {
            return; // dropped where it was
        }
        match screen.can_drop(card, over) {
            Ok(()) => screen.moving.set(Some((card, Some(over)))),
            Err(refusal) => screen.notify(
                format!("{}: {}", txt::CANNOT_DROP.id, refusal.message(Lang::Id)),
                format!("{}: {}", txt::CANNOT_DROP.en, refusal.message(Lang::En)),
                NoticeKind::Blocked,
            ),
        }
    };
    let is_click = move || !dragged.get_value();
    (down, moved, up, is_click)
}

/// Whether the press began on a button or link of the card (those keep their own meaning).
fn on_control(ev: &leptos::ev::PointerEvent) -> bool {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        ev.target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| {
                el.closest("button, a, input, select, textarea")
                    .ok()
                    .flatten()
            })
            .is_some()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ev;
        false
    }
}

fn capture(ev: &leptos::ev::PointerEvent) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(el) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        {
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ev;
}

/// The column (`data-step`) or end lane (`data-end`) under a point, by their boxes (the dragged
/// card itself is under the pointer, so asking for the element there would find the card).
fn target_at(x: i32, y: i32) -> Option<Target> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let (x, y) = (f64::from(x), f64::from(y));
        let zones = document()
            .query_selector_all("[data-step], [data-end]")
            .ok()?;
        for i in 0..zones.length() {
            let Some(zone) = zones
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            else {
                continue;
            };
            let r = zone.get_bounding_client_rect();
            if x < r.left() || x > r.right() || y < r.top() || y > r.bottom() {
                continue;
            }
            if let Some(code) = zone.get_attribute("data-step") {
                return StepId::ALL
                    .into_iter()
                    .find(|s| s.code() == code)
                    .map(Target::Step);
            }
            let end = zone.get_attribute("data-end")?;
            return crate::domain::EndState::ALL
                .into_iter()
                .find(|e| e.as_str() == end)
                .map(Target::End);
        }
        None
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (x, y);
        None
    }
}

/// For a column or lane while a card is dragged: "drop-ok", "drop-no", or nothing.
pub fn drop_class(screen: Screen, target: Target) -> &'static str {
    match screen.drag.get() {
        None => "",
        Some(drag) => {
            let legal = screen.can_drop(drag.card, target).is_ok()
                && screen
                    .board
                    .with_untracked(|b| b.card(drag.card).map(|c| c.stage))
                    != Some(target.into());
            match (legal, drag.over == Some(target)) {
                (true, true) => "drop-ok drop-over",
                (true, false) => "drop-ok",
                (false, true) => "drop-no drop-over",
                (false, false) => "drop-no",
            }
        }
    }
}
