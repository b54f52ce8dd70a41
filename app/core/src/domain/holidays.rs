//! Indonesia's national holidays (libur nasional) and collective leave days (cuti bersama), as the
//! joint decree of the Minister of Religious Affairs, the Minister of Manpower and the Minister of
//! Administrative Reform (SKB 3 Menteri) sets them each year. The office-hours clock is closed on
//! them unless `[sla] holidays` replaces the list (`extra_holidays` adds to it).
//!
//! - **2026**: SKB Nomor 1497 Tahun 2025, Nomor 2 Tahun 2025, Nomor 5 Tahun 2025: 17 national
//!   holidays and 8 days of cuti bersama. Complete.
//! - **2027**: the SKB for 2027 could not be read where this list was made. Only the holidays whose
//!   date follows from a fixed rule are here (New Year, Good Friday and Easter, Labour Day,
//!   Ascension, Pancasila, Independence, Christmas). The lunar holidays (Isra Mi'raj, Imlek, Nyepi,
//!   Idul Fitri, Waisak, Idul Adha, 1 Muharram, Maulid) and 2027's cuti bersama must be added from
//!   the SKB with `extra_holidays`; the server warns at start while a year is thin ([`thin_years`]).

use chrono::{Datelike, NaiveDate};

use crate::i18n::Text;

/// One day off: its date and what it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Holiday {
    pub date: (i32, u32, u32),
    pub name: Text,
    /// Cuti bersama (collective leave) rather than a national holiday.
    pub collective_leave: bool,
}

const fn day(y: i32, m: u32, d: u32, id: &'static str, en: &'static str) -> Holiday {
    Holiday {
        date: (y, m, d),
        name: Text::new(id, en),
        collective_leave: false,
    }
}

const fn leave(y: i32, m: u32, d: u32, id: &'static str, en: &'static str) -> Holiday {
    Holiday {
        date: (y, m, d),
        name: Text::new(id, en),
        collective_leave: true,
    }
}

/// Every day off shipped, in date order.
pub const INDONESIA: [Holiday; 33] = [
    // 2026: libur nasional.
    day(2026, 1, 1, "Tahun Baru 2026 Masehi", "New Year's Day"),
    day(2026, 1, 16, "Isra Mikraj Nabi Muhammad SAW", "Isra Mi'raj"),
    leave(
        2026,
        2,
        16,
        "Cuti bersama Tahun Baru Imlek",
        "Chinese New Year leave",
    ),
    day(
        2026,
        2,
        17,
        "Tahun Baru Imlek 2577 Kongzili",
        "Chinese New Year",
    ),
    leave(2026, 3, 18, "Cuti bersama Hari Suci Nyepi", "Nyepi leave"),
    day(
        2026,
        3,
        19,
        "Hari Suci Nyepi (Tahun Baru Saka 1948)",
        "Nyepi",
    ),
    leave(2026, 3, 20, "Cuti bersama Idul Fitri", "Eid al-Fitr leave"),
    day(2026, 3, 21, "Idul Fitri 1447 H", "Eid al-Fitr"),
    day(2026, 3, 22, "Idul Fitri 1447 H", "Eid al-Fitr"),
    leave(2026, 3, 23, "Cuti bersama Idul Fitri", "Eid al-Fitr leave"),
    leave(2026, 3, 24, "Cuti bersama Idul Fitri", "Eid al-Fitr leave"),
    day(2026, 4, 3, "Wafat Yesus Kristus", "Good Friday"),
    day(2026, 4, 5, "Kebangkitan Yesus Kristus (Paskah)", "Easter"),
    day(2026, 5, 1, "Hari Buruh Internasional", "Labour Day"),
    day(2026, 5, 14, "Kenaikan Yesus Kristus", "Ascension Day"),
    leave(
        2026,
        5,
        15,
        "Cuti bersama Kenaikan Yesus Kristus",
        "Ascension leave",
    ),
    day(2026, 5, 27, "Idul Adha 1447 H", "Eid al-Adha"),
    leave(2026, 5, 28, "Cuti bersama Idul Adha", "Eid al-Adha leave"),
    day(2026, 5, 31, "Hari Raya Waisak 2570 BE", "Vesak"),
    day(2026, 6, 1, "Hari Lahir Pancasila", "Pancasila Day"),
    day(
        2026,
        6,
        16,
        "1 Muharam Tahun Baru Islam 1448 H",
        "Islamic New Year",
    ),
    day(2026, 8, 17, "Proklamasi Kemerdekaan", "Independence Day"),
    day(2026, 8, 25, "Maulid Nabi Muhammad SAW", "Mawlid"),
    leave(
        2026,
        12,
        24,
        "Cuti bersama Kelahiran Yesus Kristus",
        "Christmas leave",
    ),
    day(2026, 12, 25, "Kelahiran Yesus Kristus", "Christmas Day"),
    // 2027: the holidays set by a fixed rule only (see the module's note).
    day(2027, 1, 1, "Tahun Baru 2027 Masehi", "New Year's Day"),
    day(2027, 3, 26, "Wafat Yesus Kristus", "Good Friday"),
    day(2027, 3, 28, "Kebangkitan Yesus Kristus (Paskah)", "Easter"),
    day(2027, 5, 1, "Hari Buruh Internasional", "Labour Day"),
    day(2027, 5, 6, "Kenaikan Yesus Kristus", "Ascension Day"),
    day(2027, 6, 1, "Hari Lahir Pancasila", "Pancasila Day"),
    day(2027, 8, 17, "Proklamasi Kemerdekaan", "Independence Day"),
    day(2027, 12, 25, "Kelahiran Yesus Kristus", "Christmas Day"),
];

/// Every shipped day off, as dates.
pub fn dates() -> impl Iterator<Item = NaiveDate> {
    INDONESIA
        .iter()
        .filter_map(|h| NaiveDate::from_ymd_opt(h.date.0, h.date.1, h.date.2))
}

/// The years of `today` and the next whose list looks short: Indonesia has at least 17 national
/// holidays a year, so fewer than 15 days listed means the year's SKB is not in yet.
pub fn thin_years(holidays: &std::collections::BTreeSet<NaiveDate>, today: NaiveDate) -> Vec<i32> {
    (today.year()..=today.year() + 1)
        .filter(|y| holidays.iter().filter(|d| d.year() == *y).count() < 15)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_2026_list_is_the_skbs_seventeen_holidays_and_eight_days_of_leave() {
        let in_2026: Vec<&Holiday> = INDONESIA.iter().filter(|h| h.date.0 == 2026).collect();
        assert_eq!(in_2026.iter().filter(|h| !h.collective_leave).count(), 17);
        assert_eq!(in_2026.iter().filter(|h| h.collective_leave).count(), 8);
    }

    #[test]
    fn every_date_is_real_and_the_list_is_in_order() {
        let dates: Vec<NaiveDate> = dates().collect();
        assert_eq!(dates.len(), INDONESIA.len());
        assert!(dates.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn a_year_without_its_skb_is_named_at_start() {
        let shipped: std::collections::BTreeSet<NaiveDate> = dates().collect();
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(thin_years(&shipped, today), [2027]);
    }

    #[test]
    fn christmas_and_independence_day_are_off() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let off: std::collections::BTreeSet<NaiveDate> = dates().collect();
        assert!(off.contains(&d(2026, 12, 25)));
        assert!(off.contains(&d(2027, 12, 25)));
        assert!(off.contains(&d(2026, 8, 17)));
        assert!(!off.contains(&d(2026, 12, 1)));
    }
}
