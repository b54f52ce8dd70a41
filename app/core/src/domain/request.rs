//! A request (the card's content): the Srikandi letter and what it asks for.
//!
//! Input arrives as [`RequestInput`] (plain strings, as a form or JSON sends them) and is parsed into a
//! [`Request`], whose every field is valid. A letter may be registered before all its data is at hand
//! (number, date, agency and subject are enough); the SOP's Warning says such a request fails, so
//! [`Request::check_complete`] must pass before step 5's "yes": no incomplete request gets past step 5.

use std::fmt;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, Text};

/// Western Indonesia Time (UTC+7). Indonesia has kept no daylight saving time since 1964, so a fixed
/// offset is exact and costs the browser bundle no time-zone database.
pub fn wib() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset")
}

/// The fields of a request, for error messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::EnumIter)]
#[strum(serialize_all = "snake_case")]
pub enum Field {
    LetterNumber,
    LetterDate,
    Agency,
    ContactName,
    ContactPhone,
    ContactEmail,
    Subject,
    Purpose,
    Cameras,
    WindowStart,
    WindowEnd,
    Documents,
    /// A step's output or a reason (used by mutations).
    Reason,
    Instruction,
    Addressee,
    Report,
    Schedule,
    Note,
    /// Step 6: whether the CCTV trial worked.
    Trial,
    /// Step 5a: the network's state.
    Network,
    /// Step 5a: the statement that a camera or the network is down.
    Faults,
    /// Step 6: why a confirmed window is longer than step 7's standard.
    OverStandard,
}

impl Field {
    pub fn label(self) -> Text {
        match self {
            Field::LetterNumber => Text::new("Nomor surat", "Letter number"),
            Field::LetterDate => Text::new("Tanggal surat", "Letter date"),
            Field::Agency => Text::new("Instansi pemohon", "Applicant agency"),
            Field::ContactName => Text::new("Narahubung", "Contact person"),
            Field::ContactPhone => Text::new("Nomor telepon", "Phone number"),
            Field::ContactEmail => Text::new("Pos-el (e-mail)", "E-mail"),
            Field::Subject => Text::new("Perihal", "Subject"),
            Field::Purpose => Text::new("Tujuan monitoring", "Purpose of the monitoring"),
            Field::Cameras => Text::new("Kamera / lokasi", "Cameras / locations"),
            Field::WindowStart => Text::new("Mulai monitoring", "Monitoring start"),
            Field::WindowEnd => Text::new("Selesai monitoring", "Monitoring end"),
            Field::Documents => Text::new("Dokumen lampiran", "Attached documents"),
            Field::Reason => Text::new("Alasan", "Reason"),
            Field::Instruction => Text::new("Instruksi", "Instruction"),
            Field::Addressee => Text::new("Tujuan disposisi", "Addressee"),
            Field::Report => Text::new("Laporan", "Report"),
            Field::Schedule => Text::new("Jadwal", "Schedule"),
            Field::Note => Text::new("Catatan", "Note"),
            Field::Trial => Text::new("Hasil uji coba CCTV", "CCTV trial result"),
            Field::Network => Text::new("Jaringan internet", "Internet network"),
            Field::Faults => Text::new("Perangkat mati", "Devices down"),
            Field::OverStandard => Text::new(
                "Alasan jadwal melebihi standar 120 menit",
                "Why the window exceeds the 120-minute standard",
            ),
        }
    }
}

/// What is wrong with a field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum Problem {
    Required,
    TooLong {
        max: usize,
    },
    TooMany {
        max: usize,
    },
    NotADate,
    InFuture,
    TooOld,
    NotADateTime,
    EndNotAfterStart,
    InPast,
    WindowTooLong {
        max_days: i64,
    },
    NotAPhone,
    NotAnEmail,
    Duplicate,
    /// Outputs: a check report must cover exactly the requested cameras.
    CamerasDoNotMatch,
    /// Outputs: a disposition goes to the next step's performer.
    WrongAddressee,
    /// A control character (NUL and the like) other than a line break or tab in a multi-line field.
    ControlCharacter,
    /// Step 5a: a camera or the network was reported down without saying so explicitly.
    FaultNotConfirmed,
}

/// One field's problem, with a message in either language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: Field,
    #[serde(flatten)]
    pub problem: Problem,
}

impl FieldError {
    pub fn new(field: Field, problem: Problem) -> FieldError {
        FieldError { field, problem }
    }

    pub fn message(&self, lang: Lang) -> String {
        let label = self.field.label().get(lang);
        let id = lang == Lang::Id;
        match &self.problem {
            Problem::Required if id => format!("{label} wajib diisi"),
            Problem::Required => format!("{label} is required"),
            Problem::TooLong { max } if id => {
                format!("{label} terlalu panjang (paling banyak {max} karakter)")
            }
            Problem::TooLong { max } => format!("{label} is too long (at most {max} characters)"),
            Problem::TooMany { max } if id => format!("{label}: paling banyak {max}"),
            Problem::TooMany { max } => format!("{label}: at most {max}"),
            Problem::NotADate if id => format!("{label} bukan tanggal yang sah (TTTT-BB-HH)"),
            Problem::NotADate => format!("{label} is not a valid date (YYYY-MM-DD)"),
            Problem::InFuture if id => format!("{label} tidak boleh di masa depan"),
            Problem::InFuture => format!("{label} cannot be in the future"),
            Problem::TooOld if id => format!("{label} terlalu lama (sebelum tahun 2000)"),
            Problem::TooOld => format!("{label} is too old (before 2000)"),
            Problem::NotADateTime if id => format!("{label} bukan tanggal dan jam yang sah"),
            Problem::NotADateTime => format!("{label} is not a valid date and time"),
            Problem::EndNotAfterStart if id => format!("{label} harus setelah waktu mulai"),
            Problem::EndNotAfterStart => format!("{label} must be after the start"),
            Problem::InPast if id => format!("{label} sudah lewat"),
            Problem::InPast => format!("{label} is in the past"),
            Problem::WindowTooLong { max_days } if id => {
                format!("Jangka monitoring paling lama {max_days} hari")
            }
            Problem::WindowTooLong { max_days } => {
                format!("The monitoring window is at most {max_days} days")
            }
            Problem::NotAPhone if id => {
                format!(
                    "{label} bukan nomor Indonesia yang sah (contoh 0812-3456-7890 atau (0562) 631234)"
                )
            }
            Problem::NotAPhone => {
                format!(
                    "{label} is not a valid Indonesian number (e.g. 0812-3456-7890 or (0562) 631234)"
                )
            }
            Problem::NotAnEmail if id => {
                format!("{label} bukan alamat pos-el yang sah (contoh nama@dishub.go.id)")
            }
            Problem::NotAnEmail => {
                format!("{label} is not a valid e-mail address (e.g. name@dishub.go.id)")
            }
            Problem::Duplicate if id => format!("{label}: ada yang tercantum dua kali"),
            Problem::Duplicate => format!("{label}: an entry is listed twice"),
            Problem::CamerasDoNotMatch if id => {
                format!("{label}: laporan harus memuat tepat kamera yang diminta")
            }
            Problem::CamerasDoNotMatch => {
                format!("{label}: the report must cover exactly the requested cameras")
            }
            Problem::WrongAddressee if id => format!("{label} harus pelaksana langkah berikutnya"),
            Problem::WrongAddressee => format!("{label} must be the next step's performer"),
            Problem::ControlCharacter if id => {
                format!("{label} berisi karakter kendali yang tidak diizinkan (misalnya NUL)")
            }
            Problem::ControlCharacter => {
                format!("{label} contains a control character that is not allowed (such as NUL)")
            }
            Problem::FaultNotConfirmed if id => "Ada kamera atau jaringan yang mati: nyatakan \
                dengan mencentang \"Ada perangkat mati\", agar Subkor ILE memutuskan \
                (jadwal ulang setelah perbaikan, atau gagal)"
                .into(),
            Problem::FaultNotConfirmed => "A camera or the network is down: say so by ticking \
                \"A device is down\", so that Subkor ILE decides (reschedule after repair, or fail)"
                .into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} / {}", self.message(Lang::Id), self.message(Lang::En))
    }
}

/// Trimmed, non-empty text of at most `MAX` characters, the one form every text of the domain is
/// accepted in, from a browser, from the API and from storage alike. No control characters: in a
/// one-line field (`LINES = false`) a tab or line break becomes a space; in a multi-line field they
/// stay; any other (NUL, escape, the C1 range) is refused, so both databases store the same text
/// (PostgreSQL refuses NUL, SQLite would keep it).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Bounded<const MAX: usize, const LINES: bool = false>(String);

impl<const MAX: usize, const LINES: bool> Bounded<MAX, LINES> {
    pub fn parse(field: Field, raw: &str) -> Result<Self, FieldError> {
        let text = raw.trim();
        if text.is_empty() {
            return Err(FieldError::new(field, Problem::Required));
        }
        let mut count = 0;
        let mut clean = String::with_capacity(text.len());
        for c in text.chars() {
            count += 1;
            if count > MAX {
                return Err(FieldError::new(field, Problem::TooLong { max: MAX }));
            }
            match c {
                '\t' | '\n' | '\r' if LINES => clean.push(c),
                '\t' | '\n' | '\r' => clean.push(' '),
                c if c.is_control() => {
                    return Err(FieldError::new(field, Problem::ControlCharacter));
                }
                c => clean.push(c),
            }
        }
        Ok(Bounded(clean))
    }

    /// `None` for blank input.
    pub fn parse_optional(field: Field, raw: &str) -> Result<Option<Self>, FieldError> {
        if raw.trim().is_empty() {
            Ok(None)
        } else {
            Self::parse(field, raw).map(Some)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<const MAX: usize, const LINES: bool> fmt::Display for Bounded<MAX, LINES> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// Stored events are read back through the same rules: nothing invalid enters a board.
impl<'de, const MAX: usize, const LINES: bool> Deserialize<'de> for Bounded<MAX, LINES> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Bounded::parse(Field::Note, &raw).map_err(|e| serde::de::Error::custom(e.message(Lang::En)))
    }
}

pub type LetterNumber = Bounded<100>;
pub type AgencyName = Bounded<150>;
pub type PersonName = Bounded<100>;
pub type Subject = Bounded<300>;
/// Free text: purposes, reasons, instructions, notes, reports. Line breaks and tabs stay.
pub type LongText = Bounded<2000, true>;
pub type CameraRef = Bounded<120>;

pub const MAX_CAMERAS: usize = 50;
pub const MAX_DOCUMENTS: usize = 20;
pub const MAX_WINDOW_DAYS: i64 = 31;

/// An Indonesian phone number, kept in international form (`+62…`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Accepts the ways people write them: `0812-3456-7890`, `+62 812 3456 7890`, `62812…`,
    /// `(0562) 631234` (a landline with its area code).
    pub fn parse(raw: &str) -> Result<PhoneNumber, FieldError> {
        let bad = || FieldError::new(Field::ContactPhone, Problem::NotAPhone);
        let compact: String = raw
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
            .collect();
        let national = if let Some(rest) = compact.strip_prefix("+62") {
            rest
        } else if let Some(rest) = compact.strip_prefix("62") {
            rest
        } else if let Some(rest) = compact.strip_prefix('0') {
            rest
        } else {
            return Err(bad());
        };
        if !national.chars().all(|c| c.is_ascii_digit()) || national.starts_with('0') {
            return Err(bad());
        }
        let len = national.len();
        // Mobile numbers: 8xx, 9 to 12 digits after the country code. Landlines: a 2-3 digit area
        // code (not starting with 8) and a 5-8 digit subscriber number.
        let valid = if national.starts_with('8') {
            (9..=12).contains(&len)
        } else {
            (7..=11).contains(&len)
        };
        if valid {
            Ok(PhoneNumber(format!("+62{national}")))
        } else {
            Err(bad())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// As people in Indonesia write it: `0812 3456 7890`.
    pub fn national(&self) -> String {
        let digits = format!("0{}", self.0.trim_start_matches("+62"));
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                out.push(' ');
            }
            out.push(c);
        }
        out
    }
}

impl<'de> Deserialize<'de> for PhoneNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        PhoneNumber::parse(&raw).map_err(|e| serde::de::Error::custom(e.message(Lang::En)))
    }
}

/// An e-mail address: one `@`, a dotted domain, no spaces or control characters, at most 254
/// characters (RFC 5321's limit). Not proof that it exists; the mail server says that.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// The address as typed, without the spaces around it; `field` names it in the error.
    pub fn parse(field: Field, raw: &str) -> Result<EmailAddress, FieldError> {
        let email = raw.trim();
        let ok = email.chars().count() <= 254
            && !email.chars().any(|c| c.is_whitespace() || c.is_control())
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && local.len() <= 64
                    && !domain.contains('@')
                    && domain.contains('.')
                    && domain
                        .split('.')
                        .all(|label| !label.is_empty() && !label.starts_with('-'))
            });
        if ok {
            Ok(EmailAddress(email.to_owned()))
        } else {
            Err(FieldError::new(field, Problem::NotAnEmail))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for EmailAddress {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        EmailAddress::parse(Field::ContactEmail, &raw)
            .map_err(|e| serde::de::Error::custom(e.message(Lang::En)))
    }
}

/// A span of time: the wished monitoring window, or the confirmed schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Window {
    #[serde(with = "crate::domain::utc")]
    pub start: DateTime<Utc>,
    #[serde(with = "crate::domain::utc")]
    pub end: DateTime<Utc>,
}

impl Window {
    /// Parses a start and an end. Times without an offset (as `<input type="datetime-local">` gives
    /// them) are read as WIB. The window must end after it starts, start no earlier than `now`, and
    /// last at most [`MAX_WINDOW_DAYS`].
    pub fn parse(start: &str, end: &str, now: DateTime<Utc>) -> Result<Window, Vec<FieldError>> {
        let mut errors = Vec::new();
        let start = parse_date_time(Field::WindowStart, start)
            .map_err(|e| errors.push(e))
            .ok();
        let end = parse_date_time(Field::WindowEnd, end)
            .map_err(|e| errors.push(e))
            .ok();
        if let (Some(start), Some(end)) = (start, end) {
            let window = Window { start, end };
            if let Err(e) = window.check(now) {
                errors.push(e);
            }
            if errors.is_empty() {
                return Ok(window);
            }
        }
        Err(errors)
    }

    /// The rules a window must keep at `now`.
    pub fn check(&self, now: DateTime<Utc>) -> Result<(), FieldError> {
        if self.end <= self.start {
            Err(FieldError::new(Field::WindowEnd, Problem::EndNotAfterStart))
        } else if self.start < now {
            Err(FieldError::new(Field::WindowStart, Problem::InPast))
        } else if self.end - self.start > Duration::days(MAX_WINDOW_DAYS) {
            Err(FieldError::new(
                Field::WindowEnd,
                Problem::WindowTooLong {
                    max_days: MAX_WINDOW_DAYS,
                },
            ))
        } else {
            Ok(())
        }
    }

    pub fn seconds(&self) -> i64 {
        (self.end - self.start).num_seconds()
    }

    /// Longer than step 7's standard session (SOP.md, "Reading of step 7's standard"): confirmed
    /// only with a reason, and shown as exceeding the standard.
    pub fn exceeds_step_7_standard(&self) -> bool {
        self.seconds() > super::sop::StepId::S7.def().standard_seconds()
    }
}

/// `2026-12-01T08:00` (read as WIB), `2026-12-01T08:00:00`, or RFC 3339 with an offset.
pub fn parse_date_time(field: Field, raw: &str) -> Result<DateTime<Utc>, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(FieldError::new(field, Problem::Required));
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Ok(t.with_timezone(&Utc));
    }
    [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
    ]
    .iter()
    .find_map(|fmt| NaiveDateTime::parse_from_str(raw, fmt).ok())
    .and_then(|local| wib().from_local_datetime(&local).single())
    .map(|t| t.with_timezone(&Utc))
    .ok_or_else(|| FieldError::new(field, Problem::NotADateTime))
}

/// A document attached to the letter: its title and where it is (a Srikandi reference, a file name).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DocumentRef {
    pub title: Bounded<200>,
    pub reference: Bounded<500>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DocumentInput {
    pub title: String,
    pub reference: String,
}

/// A request as a form or a JSON body sends it: every field a string.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RequestInput {
    pub letter_number: String,
    /// `YYYY-MM-DD`.
    pub letter_date: String,
    pub agency: String,
    pub contact_name: String,
    pub contact_phone: String,
    /// Optional; the applicant's reply and reminder go there too when e-mail is on.
    #[serde(default)]
    pub contact_email: String,
    pub subject: String,
    pub purpose: String,
    pub cameras: Vec<String>,
    /// `YYYY-MM-DDTHH:MM` in WIB, or RFC 3339. Both blank: not known yet.
    pub window_start: String,
    pub window_end: String,
    pub documents: Vec<DocumentInput>,
}

/// A parsed request. Every field present is valid; some may still be missing (see
/// [`Request::check_complete`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    pub letter_number: LetterNumber,
    pub letter_date: NaiveDate,
    pub agency: AgencyName,
    pub contact_name: Option<PersonName>,
    pub contact_phone: Option<PhoneNumber>,
    /// Absent in letters registered before it existed.
    #[serde(default)]
    pub contact_email: Option<EmailAddress>,
    pub subject: Subject,
    pub purpose: Option<LongText>,
    pub cameras: Vec<CameraRef>,
    pub window: Option<Window>,
    pub documents: Vec<DocumentRef>,
}

impl Request {
    /// Parses every field, collecting every problem. `now` decides "future" and "past".
    pub fn parse(input: &RequestInput, now: DateTime<Utc>) -> Result<Request, Vec<FieldError>> {
        let mut errors = Vec::new();

        let letter_number = keep(
            &mut errors,
            LetterNumber::parse(Field::LetterNumber, &input.letter_number),
        );
        let letter_date = keep(&mut errors, parse_letter_date(&input.letter_date, now));
        let agency = keep(&mut errors, AgencyName::parse(Field::Agency, &input.agency));
        let contact_name = keep(
            &mut errors,
            PersonName::parse_optional(Field::ContactName, &input.contact_name),
        );
        let contact_phone = keep(
            &mut errors,
            if input.contact_phone.trim().is_empty() {
                Ok(None)
            } else {
                PhoneNumber::parse(&input.contact_phone).map(Some)
            },
        );
        let contact_email = keep(
            &mut errors,
            if input.contact_email.trim().is_empty() {
                Ok(None)
            } else {
                EmailAddress::parse(Field::ContactEmail, &input.contact_email).map(Some)
            },
        );
        let subject = keep(&mut errors, Subject::parse(Field::Subject, &input.subject));
        let purpose = keep(
            &mut errors,
            LongText::parse_optional(Field::Purpose, &input.purpose),
        );
        let cameras = keep(&mut errors, parse_cameras(&input.cameras));
        let documents = keep(&mut errors, parse_documents(&input.documents));

        let window = if input.window_start.trim().is_empty() && input.window_end.trim().is_empty() {
            Some(None)
        } else {
            Window::parse(&input.window_start, &input.window_end, now)
                .map(Some)
                .map_err(|e| errors.extend(e))
                .ok()
        };

        match (
            letter_number,
            letter_date,
            agency,
            contact_name,
            contact_phone,
            contact_email,
            subject,
            purpose,
            cameras,
            window,
            documents,
        ) {
            (
                Some(letter_number),
                Some(letter_date),
                Some(agency),
                Some(contact_name),
                Some(contact_phone),
                Some(contact_email),
                Some(subject),
                Some(purpose),
                Some(cameras),
                Some(window),
                Some(documents),
            ) if errors.is_empty() => Ok(Request {
                letter_number,
                letter_date,
                agency,
                contact_name,
                contact_phone,
                contact_email,
                subject,
                purpose,
                cameras,
                window,
                documents,
            }),
            _ => Err(errors),
        }
    }

    /// What is still missing for step 5's "yes": a contact person and phone, the purpose, at least
    /// one camera, and a monitoring window that has not yet ended.
    pub fn check_complete(&self, now: DateTime<Utc>) -> Result<(), Vec<FieldError>> {
        let mut missing = Vec::new();
        let required = |field| FieldError::new(field, Problem::Required);
        if self.contact_name.is_none() {
            missing.push(required(Field::ContactName));
        }
        if self.contact_phone.is_none() {
            missing.push(required(Field::ContactPhone));
        }
        if self.purpose.is_none() {
            missing.push(required(Field::Purpose));
        }
        if self.cameras.is_empty() {
            missing.push(required(Field::Cameras));
        }
        match self.window {
            None => missing.push(required(Field::WindowStart)),
            Some(w) if w.end <= now => {
                missing.push(FieldError::new(Field::WindowEnd, Problem::InPast))
            }
            Some(_) => {}
        }
        if missing.is_empty() {
            Ok(())
        } else {
            Err(missing)
        }
    }

    /// Back to the form's shape, for editing.
    pub fn to_input(&self) -> RequestInput {
        let local = |t: DateTime<Utc>| t.with_timezone(&wib()).format("%Y-%m-%dT%H:%M").to_string();
        RequestInput {
            letter_number: self.letter_number.to_string(),
            letter_date: self.letter_date.format("%Y-%m-%d").to_string(),
            agency: self.agency.to_string(),
            contact_name: self
                .contact_name
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            contact_phone: self
                .contact_phone
                .as_ref()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
            contact_email: self
                .contact_email
                .as_ref()
                .map(|e| e.as_str().to_owned())
                .unwrap_or_default(),
            subject: self.subject.to_string(),
            purpose: self
                .purpose
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            cameras: self.cameras.iter().map(ToString::to_string).collect(),
            window_start: self.window.map(|w| local(w.start)).unwrap_or_default(),
            window_end: self.window.map(|w| local(w.end)).unwrap_or_default(),
            documents: self
                .documents
                .iter()
                .map(|d| DocumentInput {
                    title: d.title.to_string(),
                    reference: d.reference.to_string(),
                })
                .collect(),
        }
    }
}

/// The value, or `None` with its error added to `errors`.
fn keep<T>(errors: &mut Vec<FieldError>, result: Result<T, FieldError>) -> Option<T> {
    result.map_err(|e| errors.push(e)).ok()
}

fn parse_letter_date(raw: &str, now: DateTime<Utc>) -> Result<NaiveDate, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(FieldError::new(Field::LetterDate, Problem::Required));
    }
    let date = NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map_err(|_| FieldError::new(Field::LetterDate, Problem::NotADate))?;
    let today = now.with_timezone(&wib()).date_naive();
    if date > today {
        Err(FieldError::new(Field::LetterDate, Problem::InFuture))
    } else if date < NaiveDate::from_ymd_opt(2000, 1, 1).expect("valid date") {
        Err(FieldError::new(Field::LetterDate, Problem::TooOld))
    } else {
        Ok(date)
    }
}

fn parse_cameras(raw: &[String]) -> Result<Vec<CameraRef>, FieldError> {
    let named: Vec<&String> = raw.iter().filter(|c| !c.trim().is_empty()).collect();
    if named.len() > MAX_CAMERAS {
        return Err(FieldError::new(
            Field::Cameras,
            Problem::TooMany { max: MAX_CAMERAS },
        ));
    }
    let mut cameras: Vec<CameraRef> = Vec::with_capacity(named.len());
    for raw in named {
        let camera = CameraRef::parse(Field::Cameras, raw)?;
        if cameras
            .iter()
            .any(|c| c.as_str().eq_ignore_ascii_case(camera.as_str()))
        {
            return Err(FieldError::new(Field::Cameras, Problem::Duplicate));
        }
        cameras.push(camera);
    }
    Ok(cameras)
}

fn parse_documents(raw: &[DocumentInput]) -> Result<Vec<DocumentRef>, FieldError> {
    if raw.len() > MAX_DOCUMENTS {
        return Err(FieldError::new(
            Field::Documents,
            Problem::TooMany { max: MAX_DOCUMENTS },
        ));
    }
    raw.iter()
        .filter(|d| !(d.title.trim().is_empty() && d.reference.trim().is_empty()))
        .map(|d| {
            Ok(DocumentRef {
                title: Bounded::parse(Field::Documents, &d.title)?,
                reference: Bounded::parse(Field::Documents, &d.reference)?,
            })
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn at(s: &str) -> DateTime<Utc> {
        parse_date_time(Field::WindowStart, s).unwrap()
    }

    /// A complete, valid request as of 2026-11-28 10:00 WIB.
    pub fn complete_input() -> RequestInput {
        RequestInput {
            letter_number: "000.8.3.3/123/Dishub".into(),
            letter_date: "2026-11-27".into(),
            agency: "Dinas Perhubungan".into(),
            contact_name: "Budi Santoso".into(),
            contact_phone: "0812-3456-7890".into(),
            contact_email: "budi.santoso@dishub.singkawangkota.go.id".into(),
            subject: "Permohonan monitoring CCTV Cap Go Meh".into(),
            purpose: "Memantau arus lalu lintas selama perayaan".into(),
            cameras: vec!["Simpang Tugu Naga".into(), "Jl. Diponegoro".into()],
            window_start: "2026-12-01T08:00".into(),
            window_end: "2026-12-01T12:00".into(),
            documents: vec![DocumentInput {
                title: "Surat permohonan".into(),
                reference: "SRIKANDI-2026-0042".into(),
            }],
        }
    }

    fn now() -> DateTime<Utc> {
        at("2026-11-28T10:00")
    }

    fn problems(input: &RequestInput) -> Vec<(Field, Problem)> {
        Request::parse(input, now())
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.problem))
            .collect()
    }

    #[test]
    fn complete_request_parses_and_is_complete() {
        let request = Request::parse(&complete_input(), now()).unwrap();
        assert_eq!(
            request.contact_phone.as_ref().unwrap().as_str(),
            "+6281234567890"
        );
        assert_eq!(request.cameras.len(), 2);
        assert_eq!(request.window.unwrap().start, at("2026-12-01T01:00:00Z"));
        assert_eq!(request.check_complete(now()), Ok(()));
    }

    #[test]
    fn empty_letter_number_is_refused() {
        let input = RequestInput {
            letter_number: "   ".into(),
            ..complete_input()
        };
        assert_eq!(problems(&input), [(Field::LetterNumber, Problem::Required)]);
    }

    #[test]
    fn letter_dated_in_the_future_is_refused() {
        let input = RequestInput {
            letter_date: "2026-11-29".into(),
            ..complete_input()
        };
        assert_eq!(problems(&input), [(Field::LetterDate, Problem::InFuture)]);
        // Today in WIB is fine even while it is still yesterday in UTC.
        let input = RequestInput {
            letter_date: "2026-11-28".into(),
            ..complete_input()
        };
        assert!(Request::parse(&input, at("2026-11-28T00:30")).is_ok());
    }

    #[test]
    fn window_ending_before_it_starts_is_refused() {
        let input = RequestInput {
            window_end: "2026-12-01T07:00".into(),
            ..complete_input()
        };
        assert_eq!(
            problems(&input),
            [(Field::WindowEnd, Problem::EndNotAfterStart)]
        );
    }

    #[test]
    fn window_in_the_past_is_refused() {
        let input = RequestInput {
            window_start: "2026-11-27T08:00".into(),
            window_end: "2026-11-27T09:00".into(),
            ..complete_input()
        };
        assert_eq!(problems(&input), [(Field::WindowStart, Problem::InPast)]);
    }

    #[test]
    fn window_longer_than_a_month_is_refused() {
        let input = RequestInput {
            window_end: "2027-01-05T08:00".into(),
            ..complete_input()
        };
        assert_eq!(
            problems(&input),
            [(Field::WindowEnd, Problem::WindowTooLong { max_days: 31 })]
        );
    }

    #[test]
    fn phone_numbers_are_read_the_ways_people_write_them() {
        for (raw, e164) in [
            ("0812-3456-7890", "+6281234567890"),
            ("+62 812 3456 7890", "+6281234567890"),
            ("6281234567890", "+6281234567890"),
            ("(0562) 631234", "+62562631234"),
            ("0562.631234", "+62562631234"),
        ] {
            assert_eq!(PhoneNumber::parse(raw).unwrap().as_str(), e164, "{raw}");
        }
        for raw in [
            "12345",
            "0812",
            "+1 415 555 0100",
            "0812-abcd-7890",
            "00812345678",
            "08123456789012345",
        ] {
            assert!(PhoneNumber::parse(raw).is_err(), "{raw} should be refused");
        }
    }

    #[test]
    fn a_contact_email_is_optional_trimmed_and_refused_when_it_is_no_address() {
        let with = |email: &str| {
            Request::parse(
                &RequestInput {
                    contact_email: email.into(),
                    ..complete_input()
                },
                now(),
            )
        };
        assert_eq!(with("").unwrap().contact_email, None);
        assert_eq!(
            with("  humas@dishub.go.id ").unwrap().contact_email,
            Some(EmailAddress("humas@dishub.go.id".into()))
        );
        let long = format!("{}@dishub.go.id", "a".repeat(250));
        for bad in [
            "humas",
            "humas@",
            "@dishub.go.id",
            "humas@dishub",
            "humas@@dishub.go.id",
            "hu mas@dishub.go.id",
            "humas@dishub..go.id",
            "humas\0@dishub.go.id",
            long.as_str(),
        ] {
            let errors = with(bad).unwrap_err();
            assert_eq!(errors.len(), 1, "{bad:?}");
            assert_eq!(errors[0].field, Field::ContactEmail, "{bad:?}");
            assert!(errors[0].message(Lang::Id).contains("bukan alamat pos-el"));
            assert!(errors[0].message(Lang::En).contains("not a valid e-mail"));
        }
        // A stored letter is read back through the same rule.
        let json = serde_json::json!("x@");
        assert!(serde_json::from_value::<EmailAddress>(json).is_err());
    }

    #[test]
    fn phone_not_indonesian_is_refused_with_an_example_in_both_languages() {
        let input = RequestInput {
            contact_phone: "+1 415 555 0100".into(),
            ..complete_input()
        };
        let errors = Request::parse(&input, now()).unwrap_err();
        assert_eq!(errors[0].field, Field::ContactPhone);
        assert!(
            errors[0]
                .message(Lang::Id)
                .contains("bukan nomor Indonesia yang sah")
        );
        assert!(
            errors[0]
                .message(Lang::En)
                .contains("not a valid Indonesian number")
        );
    }

    #[test]
    fn over_long_text_is_refused_with_its_limit() {
        let input = RequestInput {
            subject: "x".repeat(301),
            ..complete_input()
        };
        let errors = Request::parse(&input, now()).unwrap_err();
        assert_eq!(errors[0].problem, Problem::TooLong { max: 300 });
        assert_eq!(
            errors[0].message(Lang::Id),
            "Perihal terlalu panjang (paling banyak 300 karakter)"
        );
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let input = RequestInput {
            letter_number: String::new(),
            letter_date: "kemarin".into(),
            agency: String::new(),
            subject: String::new(),
            ..complete_input()
        };
        let fields: Vec<Field> = problems(&input).into_iter().map(|(f, _)| f).collect();
        assert_eq!(
            fields,
            [
                Field::LetterNumber,
                Field::LetterDate,
                Field::Agency,
                Field::Subject
            ]
        );
    }

    #[test]
    fn the_same_camera_twice_is_refused() {
        let input = RequestInput {
            cameras: vec!["Simpang Tugu Naga".into(), "simpang tugu naga".into()],
            ..complete_input()
        };
        assert_eq!(problems(&input), [(Field::Cameras, Problem::Duplicate)]);
    }

    #[test]
    fn letter_may_be_registered_before_all_its_data_is_known_but_is_then_incomplete() {
        let input = RequestInput {
            contact_name: String::new(),
            contact_phone: String::new(),
            purpose: String::new(),
            cameras: vec![],
            window_start: String::new(),
            window_end: String::new(),
            ..complete_input()
        };
        let request = Request::parse(&input, now()).unwrap();
        let missing: Vec<Field> = request
            .check_complete(now())
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            missing,
            [
                Field::ContactName,
                Field::ContactPhone,
                Field::Purpose,
                Field::Cameras,
                Field::WindowStart
            ]
        );
        assert_eq!(
            FieldError::new(Field::Cameras, Problem::Required).message(Lang::Id),
            "Kamera / lokasi wajib diisi"
        );
    }

    #[test]
    fn a_window_that_has_ended_makes_the_request_incomplete() {
        let request = Request::parse(&complete_input(), now()).unwrap();
        let later = at("2026-12-01T12:00");
        assert_eq!(
            request.check_complete(later).unwrap_err(),
            [FieldError::new(Field::WindowEnd, Problem::InPast)]
        );
    }

    #[test]
    fn unknown_fields_in_json_are_refused() {
        let json = r#"{"letter_number":"1","hacker":true}"#;
        let err = serde_json::from_str::<RequestInput>(json).unwrap_err();
        assert!(err.to_string().contains("unknown field `hacker`"), "{err}");
    }

    #[test]
    fn a_request_round_trips_through_its_form() {
        let request = Request::parse(&complete_input(), now()).unwrap();
        assert_eq!(Request::parse(&request.to_input(), now()).unwrap(), request);
    }

    #[test]
    fn stored_requests_are_validated_when_read_back() {
        let request = Request::parse(&complete_input(), now()).unwrap();
        let mut json: serde_json::Value = serde_json::to_value(&request).unwrap();
        json["subject"] = serde_json::Value::String(String::new());
        assert!(serde_json::from_value::<Request>(json.clone()).is_err());
        json["subject"] = "ok".into();
        json["contact_phone"] = "123".into();
        assert!(serde_json::from_value::<Request>(json).is_err());
    }
}
