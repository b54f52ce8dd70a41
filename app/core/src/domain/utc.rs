//! Reading UTC timestamps fast. A board of 2,000 cards holds some 20,000 of them, and chrono's
//! general RFC 3339 parser took a quarter of reading a saved board in the browser. The form this
//! app writes (`2026-11-27T10:00:00Z`, with up to nine digits of fraction, as chrono serializes a
//! `DateTime<Utc>`) is read directly; anything else goes to chrono, so what is accepted and what it
//! means do not change. Written as chrono writes it. Use as `#[serde(with = "utc")]`, or
//! `#[serde(with = "utc::option", default)]` for an `Option`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+00:00)`, or chrono's reading of anything else.
pub fn parse(text: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
    match parse_plain(text.as_bytes()) {
        Some(at) => Ok(at),
        None => text.parse::<DateTime<Utc>>(),
    }
}

/// The plain form; `None` for anything else (which chrono then reads or refuses).
fn parse_plain(b: &[u8]) -> Option<DateTime<Utc>> {
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let number = |from: usize, to: usize| -> Option<u32> {
        b[from..to].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let mut end = 19;
    let mut nanos = 0u32;
    if b[end] == b'.' {
        let digits = b[end + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if digits == 0 || digits > 9 {
            return None;
        }
        nanos = number(end + 1, end + 1 + digits)? * 10u32.pow(9 - digits as u32);
        end += 1 + digits;
    }
    if &b[end..] != b"Z" && &b[end..] != b"+00:00" {
        return None;
    }
    // Second 60 (a leap second) is left to chrono.
    NaiveDate::from_ymd_opt(number(0, 4)? as i32, number(5, 7)?, number(8, 10)?)?
        .and_hms_nano_opt(number(11, 13)?, number(14, 16)?, number(17, 19)?, nanos)
        .filter(|t| chrono::Timelike::second(t) < 60)
        .map(|t| t.and_utc())
}

pub fn serialize<S: Serializer>(at: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
    at.serialize(serializer)
}

pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
    deserializer.deserialize_str(Visitor)
}

struct Visitor;

impl serde::de::Visitor<'_> for Visitor {
    type Value = DateTime<Utc>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an RFC 3339 date and time")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<DateTime<Utc>, E> {
        parse(text).map_err(E::custom)
    }
}

/// The same for `Option<DateTime<Utc>>` (`null` for `None`).
pub mod option {
    use super::*;

    pub fn serialize<S: Serializer>(
        at: &Option<DateTime<Utc>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        at.serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<DateTime<Utc>>, D::Error> {
        #[derive(Deserialize)]
        struct Wrapped(#[serde(with = "super")] DateTime<Utc>);
        Ok(Option::<Wrapped>::deserialize(deserializer)?.map(|Wrapped(at)| at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{SecondsFormat, TimeZone};
    use proptest::prelude::*;

    fn chrono_reads(text: &str) -> Option<DateTime<Utc>> {
        text.parse::<DateTime<Utc>>().ok()
    }

    #[test]
    fn reads_what_chrono_reads_in_the_forms_the_app_writes() {
        for text in [
            "2026-11-27T10:00:00Z",
            "2026-11-27T10:00:00.5Z",
            "2026-11-27T10:00:00.123456789Z",
            "2026-11-27T10:00:00+00:00",
            "2024-02-29T23:59:59.000001Z",
            "0001-01-01T00:00:00Z",
        ] {
            assert_eq!(parse(text).ok(), chrono_reads(text), "{text}");
            assert!(
                parse_plain(text.as_bytes()).is_some(),
                "{text} read directly"
            );
        }
    }

    #[test]
    fn other_forms_are_chronos_to_read_or_refuse() {
        for text in [
            "2026-11-27T17:00:00+07:00",
            "2026-11-27 10:00:00Z",
            "2026-11-27t10:00:00z",
            "2026-06-30T23:59:60Z",
            "2026-02-30T10:00:00Z",
            "2026-11-27T24:00:00Z",
            "2026-11-27T10:00:00.Z",
            "2026-11-27T10:00:00.1234567890Z",
            "2026-11-27T10:00:00",
            "2026-11-27T10:00:00Zjunk",
            "+2026-11-27T10:00:00Z",
            "2026-1a-27T10:00:00Z",
            "",
        ] {
            assert_eq!(parse(text).ok(), chrono_reads(text), "{text:?}");
        }
    }

    #[test]
    fn a_bad_timestamp_in_json_is_an_error_not_a_panic() {
        #[derive(Deserialize, Debug)]
        struct At {
            #[serde(with = "super")]
            #[allow(dead_code)]
            at: DateTime<Utc>,
        }
        let error = serde_json::from_str::<At>(r#"{"at":"yesterday"}"#).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("input contains invalid characters"),
            "{error}"
        );
        assert!(serde_json::from_str::<At>(r#"{"at":5}"#).is_err());
    }

    proptest! {
        #[test]
        fn every_timestamp_reads_back_as_written(secs in -62_135_596_800i64..253_402_300_799, nanos in 0u32..1_000_000_000) {
            let at = Utc.timestamp_opt(secs, nanos).unwrap();
            for form in [SecondsFormat::AutoSi, SecondsFormat::Secs, SecondsFormat::Millis, SecondsFormat::Nanos] {
                let text = at.to_rfc3339_opts(form, true);
                prop_assert_eq!(parse(&text).ok(), chrono_reads(&text), "{}", text);
                let text = at.to_rfc3339_opts(form, false);
                prop_assert_eq!(parse(&text).ok(), chrono_reads(&text), "{}", text);
            }
            let json = serde_json::to_string(&at).unwrap();
            let read: DateTime<Utc> = deserialize(&mut serde_json::Deserializer::from_str(&json)).unwrap();
            prop_assert_eq!(read, at);
        }
    }
}
