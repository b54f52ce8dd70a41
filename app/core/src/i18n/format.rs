//! Durations and times as people read them, in either language.

use chrono::{DateTime, Datelike, FixedOffset, Timelike, Utc};

use super::Lang;

/// `12 mnt`, `2 j 05 mnt`, `3 hr 4 j` (ID) / `12 min`, `2 h 05 min`, `3 d 4 h` (EN). Seconds are dropped.
pub fn duration(seconds: i64, lang: Lang) -> String {
    let (m, h, d) = match lang {
        Lang::Id => ("mnt", "j", "hr"),
        Lang::En => ("min", "h", "d"),
    };
    let minutes = seconds.abs() / 60;
    if minutes < 60 {
        format!("{minutes} {m}")
    } else if minutes < 24 * 60 {
        format!("{} {h} {:02} {m}", minutes / 60, minutes % 60)
    } else {
        format!("{} {d} {} {h}", minutes / (24 * 60), (minutes / 60) % 24)
    }
}

/// What is left of a standard: `sisa 18 mnt` / `18 min left`, or `lewat 15 mnt` / `15 min over`.
pub fn remaining(seconds: i64, lang: Lang) -> String {
    match (seconds >= 0, lang) {
        (true, Lang::Id) => format!("sisa {}", duration(seconds, lang)),
        (true, Lang::En) => format!("{} left", duration(seconds, lang)),
        (false, Lang::Id) => format!("lewat {}", duration(seconds, lang)),
        (false, Lang::En) => format!("{} over", duration(seconds, lang)),
    }
}

const MONTHS_ID: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des",
];
const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `28 Nov 2026, 16.05 WIB` (Indonesian style: a dot between hours and minutes) / `28 Nov 2026, 16:05 WIB`.
pub fn date_time(t: DateTime<Utc>, offset: FixedOffset, lang: Lang) -> String {
    let local = t.with_timezone(&offset);
    let (months, sep) = match lang {
        Lang::Id => (MONTHS_ID, '.'),
        Lang::En => (MONTHS_EN, ':'),
    };
    format!(
        "{} {} {}, {:02}{sep}{:02} {}",
        local.day(),
        months[local.month0() as usize],
        local.year(),
        local.hour(),
        local.minute(),
        zone_name(offset)
    )
}

const DAYS_ID: [&str; 7] = [
    "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu",
];
const DAYS_EN: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// `Sabtu, 28 Nov 2026` / `Saturday, 28 Nov 2026`.
pub fn day_date(t: DateTime<Utc>, offset: FixedOffset, lang: Lang) -> String {
    let local = t.with_timezone(&offset);
    let (days, months) = match lang {
        Lang::Id => (DAYS_ID, MONTHS_ID),
        Lang::En => (DAYS_EN, MONTHS_EN),
    };
    format!(
        "{}, {} {} {}",
        days[local.weekday().num_days_from_monday() as usize],
        local.day(),
        months[local.month0() as usize],
        local.year()
    )
}

const MONTHS_ID_LONG: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

/// `1 Desember 2026`: a date as Indonesian official letters write it.
pub fn letter_date(date: chrono::NaiveDate) -> String {
    format!(
        "{} {} {}",
        date.day(),
        MONTHS_ID_LONG[date.month0() as usize],
        date.year()
    )
}

/// `Selasa, 1 Desember 2026` in the office's time zone.
pub fn letter_day_date(t: DateTime<Utc>, offset: FixedOffset) -> String {
    let local = t.with_timezone(&offset);
    format!(
        "{}, {}",
        DAYS_ID[local.weekday().num_days_from_monday() as usize],
        letter_date(local.date_naive())
    )
}

/// A span of time for a letter: `Selasa, 1 Desember 2026, pukul 08.00–12.00 WIB` within a day,
/// `Selasa, 1 Desember 2026 pukul 08.00 WIB s.d. Rabu, 2 Desember 2026 pukul 12.00 WIB` across days.
pub fn letter_span(start: DateTime<Utc>, end: DateTime<Utc>, offset: FixedOffset) -> String {
    let zone = zone_name(offset);
    let (a, b) = (start.with_timezone(&offset), end.with_timezone(&offset));
    if a.date_naive() == b.date_naive() {
        format!(
            "{}, pukul {}–{} {zone}",
            letter_day_date(start, offset),
            clock(start, offset, Lang::Id),
            clock(end, offset, Lang::Id)
        )
    } else {
        format!(
            "{} pukul {} {zone} s.d. {} pukul {} {zone}",
            letter_day_date(start, offset),
            clock(start, offset, Lang::Id),
            letter_day_date(end, offset),
            clock(end, offset, Lang::Id)
        )
    }
}

/// `16.05` / `16:05`.
pub fn clock(t: DateTime<Utc>, offset: FixedOffset, lang: Lang) -> String {
    let local = t.with_timezone(&offset);
    let sep = if lang == Lang::Id { '.' } else { ':' };
    format!("{:02}{sep}{:02}", local.hour(), local.minute())
}

/// WIB, WITA, WIT for Indonesia's zones; `UTC+h` otherwise.
pub fn zone_name(offset: FixedOffset) -> String {
    match offset.local_minus_utc() {
        25_200 => "WIB".into(),
        28_800 => "WITA".into(),
        32_400 => "WIT".into(),
        s => format!("UTC{:+}", s / 3600),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::request::wib;

    #[test]
    fn letters_write_dates_and_spans_the_indonesian_official_way() {
        let at = crate::domain::request::tests::at;
        assert_eq!(
            letter_date(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()),
            "1 Desember 2026"
        );
        assert_eq!(
            letter_span(at("2026-12-01T08:00"), at("2026-12-01T12:00"), wib()),
            "Selasa, 1 Desember 2026, pukul 08.00–12.00 WIB"
        );
        assert_eq!(
            letter_span(at("2026-12-01T20:00"), at("2026-12-02T02:00"), wib()),
            "Selasa, 1 Desember 2026 pukul 20.00 WIB s.d. Rabu, 2 Desember 2026 pukul 02.00 WIB"
        );
    }

    #[test]
    fn durations_read_naturally_in_both_languages() {
        assert_eq!(duration(12 * 60 + 59, Lang::Id), "12 mnt");
        assert_eq!(duration(125 * 60, Lang::Id), "2 j 05 mnt");
        assert_eq!(duration(125 * 60, Lang::En), "2 h 05 min");
        assert_eq!(duration((3 * 24 + 4) * 3600, Lang::Id), "3 hr 4 j");
        assert_eq!(remaining(18 * 60, Lang::Id), "sisa 18 mnt");
        assert_eq!(remaining(-15 * 60, Lang::Id), "lewat 15 mnt");
        assert_eq!(remaining(-15 * 60, Lang::En), "15 min over");
    }

    #[test]
    fn dates_are_written_the_indonesian_way_in_wib() {
        let t = DateTime::parse_from_rfc3339("2026-11-28T09:05:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(date_time(t, wib(), Lang::Id), "28 Nov 2026, 16.05 WIB");
        assert_eq!(date_time(t, wib(), Lang::En), "28 Nov 2026, 16:05 WIB");
        let may = DateTime::parse_from_rfc3339("2027-05-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(date_time(may, wib(), Lang::Id), "1 Mei 2027, 07.00 WIB");
        assert_eq!(clock(t, wib(), Lang::Id), "16.05");
        assert_eq!(day_date(t, wib(), Lang::Id), "Sabtu, 28 Nov 2026");
        // 23.30 UTC on Sunday is already Monday in WIB.
        let late = DateTime::parse_from_rfc3339("2026-11-29T23:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(day_date(late, wib(), Lang::En), "Monday, 30 Nov 2026");
        assert_eq!(zone_name(FixedOffset::east_opt(8 * 3600).unwrap()), "WITA");
    }
}
