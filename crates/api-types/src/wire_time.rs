//! Dates and timestamps on the wire. The server reads them with chrono, as always; the browser
//! reads the forms the server writes (`2026-09-14`, `2026-09-14T08:30:00.123456Z`) by hand:
//! chrono's general parser cost the app 6.3 KB gzipped for these two fixed forms. Written
//! the same on both sides, by chrono.
//!
//! Each field of a body that holds a date says `#[serde(with = "crate::wire_time::date")]`
//! (`opt_date`, `timestamp`, `opt_timestamp` for the others).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Reads `YYYY-MM-DD`.
fn parse_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::from_ymd_opt(
        i32::try_from(digits(&b[0..4])?).ok()?,
        digits(&b[5..7])?,
        digits(&b[8..10])?,
    )
}

/// Reads `YYYY-MM-DDTHH:MM:SS`, an optional fraction of a second, then `Z` or `±HH:MM`.
fn parse_timestamp(text: &str) -> Option<DateTime<Utc>> {
    let b = text.as_bytes();
    if b.len() < 20 || !matches!(b[10], b'T' | b't' | b' ') || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let date = parse_date(text.get(..10)?)?;
    let (hour, minute, second) = (
        digits(&b[11..13])?,
        digits(&b[14..16])?,
        digits(&b[17..19])?,
    );
    let mut rest = &b[19..];
    let mut nanos = 0u32;
    if let Some(fraction) = rest.strip_prefix(b".") {
        let length = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
        if length == 0 {
            return None;
        }
        // Nanoseconds: the first nine digits, padded; finer ones dropped as chrono does.
        let kept = &fraction[..length.min(9)];
        nanos = digits(kept)? * 10u32.pow(9 - kept.len() as u32);
        rest = &fraction[length..];
    }
    let offset_seconds = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let seconds = i64::from(digits(&[*h1, *h2])? * 3600 + digits(&[*m1, *m2])? * 60);
            if *sign == b'+' { seconds } else { -seconds }
        }
        _ => return None,
    };
    let local = date.and_hms_nano_opt(hour, minute, second, nanos)?;
    let utc = local.checked_sub_signed(chrono::TimeDelta::seconds(offset_seconds))?;
    Some(DateTime::from_naive_utc_and_offset(utc, Utc))
}

/// The number written by `text`, all ASCII digits.
fn digits(text: &[u8]) -> Option<u32> {
    text.iter().try_fold(0u32, |n, c| {
        c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
    })
}

/// Reads a `T` as chrono does (the server) or with `parse` (the browser).
fn read<'de, D, T>(deserializer: D, parse: fn(&str) -> Option<T>, what: &str) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    #[cfg(target_arch = "wasm32")]
    {
        let text = String::deserialize(deserializer)?;
        parse(&text).ok_or_else(|| serde::de::Error::custom(format!("not {what}: {text}")))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (parse, what);
        T::deserialize(deserializer)
    }
}

/// Reads an optional `T` as [`read`] does.
fn read_option<'de, D, T>(
    deserializer: D,
    parse: fn(&str) -> Option<T>,
    what: &str,
) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    #[cfg(target_arch = "wasm32")]
    {
        Option::<String>::deserialize(deserializer)?
            .map(|text| {
                parse(&text).ok_or_else(|| serde::de::Error::custom(format!("not {what}: {text}")))
            })
            .transpose()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (parse, what);
        Option::<T>::deserialize(deserializer)
    }
}

/// A `NaiveDate` field.
pub mod date {
    use super::*;

    /// As chrono writes it.
    pub fn serialize<S: Serializer>(value: &NaiveDate, serializer: S) -> Result<S::Ok, S::Error> {
        value.serialize(serializer)
    }

    /// See the module.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
        read(deserializer, parse_date, "a date")
    }
}

/// An `Option<NaiveDate>` field (with `default`: absent is `None`).
pub mod opt_date {
    use super::*;

    /// As chrono writes it.
    pub fn serialize<S: Serializer>(
        value: &Option<NaiveDate>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value.serialize(serializer)
    }

    /// See the module.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<NaiveDate>, D::Error> {
        read_option(deserializer, parse_date, "a date")
    }
}

/// A `DateTime<Utc>` field.
pub mod timestamp {
    use super::*;

    /// As chrono writes it.
    pub fn serialize<S: Serializer>(
        value: &DateTime<Utc>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value.serialize(serializer)
    }

    /// See the module.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<DateTime<Utc>, D::Error> {
        read(deserializer, parse_timestamp, "a timestamp")
    }
}

/// An `Option<DateTime<Utc>>` field (with `default`: absent is `None`).
pub mod opt_timestamp {
    use super::*;

    /// As chrono writes it.
    pub fn serialize<S: Serializer>(
        value: &Option<DateTime<Utc>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value.serialize(serializer)
    }

    /// See the module.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<DateTime<Utc>>, D::Error> {
        read_option(deserializer, parse_timestamp, "a timestamp")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_reads_dates_and_timestamps_as_chrono_writes_them() {
        let date = NaiveDate::from_ymd_opt(2026, 9, 14).unwrap();
        assert_eq!(parse_date(&date.to_string()), Some(date));
        for at in [
            date.and_hms_nano_opt(8, 30, 0, 123_456_000)
                .unwrap()
                .and_utc(),
            date.and_hms_opt(23, 59, 59).unwrap().and_utc(),
        ] {
            let written = serde_json::to_value(at).unwrap();
            assert_eq!(parse_timestamp(written.as_str().unwrap()), Some(at));
        }
    }

    #[test]
    fn the_browser_reads_offsets_and_refuses_what_is_not_a_date() {
        let at = parse_timestamp("2026-09-14T10:30:00+02:00").unwrap();
        let eight_thirty = NaiveDate::from_ymd_opt(2026, 9, 14)
            .unwrap()
            .and_hms_opt(8, 30, 0);
        assert_eq!(Some(at.naive_utc()), eight_thirty);
        for wrong in ["2026-02-30", "2026-9-14", "14/09/2026", "2026-09-1x"] {
            assert_eq!(parse_date(wrong), None, "{wrong}");
        }
        for wrong in [
            "2026-09-14",
            "2026-09-14T08:30:00",
            "2026-09-14T08:30:00.Z",
            "2026-09-14T25:00:00Z",
        ] {
            assert_eq!(parse_timestamp(wrong), None, "{wrong}");
        }
    }
}
