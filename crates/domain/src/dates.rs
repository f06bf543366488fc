//! Calendar arithmetic the legal rules need, with the conventions of `reference/cerfa.md` §3:
//! whole years for ages, and 29 February read as 1 March in non-leap years.

use chrono::{Datelike, Months, NaiveDate};

/// The same day and month in `year`; 29 February becomes 1 March when `year` is not leap.
pub fn same_day_in_year(date: NaiveDate, year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, date.month(), date.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, 3, 1))
}

/// The `years`-th anniversary of `date` (a birthday, or a contract anniversary).
pub fn anniversary(date: NaiveDate, years: u32) -> Option<NaiveDate> {
    same_day_in_year(date, date.year().checked_add(i32::try_from(years).ok()?)?)
}

/// Age in whole years on `on`: a birthday counts from its own day.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - birth.year();
    if same_day_in_year(birth, on.year()).is_some_and(|birthday| birthday > on) {
        age -= 1;
    }
    age
}

/// `date` plus `months` calendar months (clamped to the end of shorter months).
pub fn add_months(date: NaiveDate, months: u32) -> Option<NaiveDate> {
    date.checked_add_months(Months::new(months))
}

/// `date` minus `months` calendar months.
pub fn sub_months(date: NaiveDate, months: u32) -> Option<NaiveDate> {
    date.checked_sub_months(Months::new(months))
}

/// The first day of the month after `date`: when a new age bracket starts to apply.
pub fn first_of_next_month(date: NaiveDate) -> Option<NaiveDate> {
    let (year, month) = if date.month() == 12 {
        (date.year() + 1, 1)
    } else {
        (date.year(), date.month() + 1)
    };
    NaiveDate::from_ymd_opt(year, month, 1)
}

/// The length of `start..=end` in whole months, counted inclusively: 1 September → 28 February is
/// 6 months (the end day belongs to the contract).
pub fn inclusive_months(start: NaiveDate, end: NaiveDate) -> u32 {
    let Some(after_end) = end.succ_opt() else {
        return 0;
    };
    let span =
        (after_end.year() - start.year()) * 12 + after_end.month() as i32 - start.month() as i32;
    let Ok(mut months) = u32::try_from(span) else {
        return 0;
    };
    // The month count is too high by one when the end day comes before the start day.
    if add_months(start, months).is_none_or(|d| d > after_end) {
        months = months.saturating_sub(1);
    }
    months
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_birthday_counts_from_its_own_day() {
        assert_eq!(age_on(d("2005-03-10"), d("2023-03-09")), 17);
        assert_eq!(age_on(d("2005-03-10"), d("2023-03-10")), 18);
    }

    #[test]
    fn someone_born_on_29_february_ages_on_1_march_in_common_years() {
        assert_eq!(age_on(d("2004-02-29"), d("2022-02-28")), 17);
        assert_eq!(age_on(d("2004-02-29"), d("2022-03-01")), 18);
        assert_eq!(age_on(d("2004-02-29"), d("2024-02-29")), 20);
    }

    #[test]
    fn a_contract_starting_on_29_february_has_its_anniversary_on_1_march() {
        assert_eq!(anniversary(d("2024-02-29"), 1), Some(d("2025-03-01")));
        assert_eq!(anniversary(d("2024-02-29"), 4), Some(d("2028-02-29")));
    }

    #[test]
    fn september_to_end_of_february_is_six_whole_months() {
        assert_eq!(inclusive_months(d("2025-09-01"), d("2026-02-28")), 6);
        assert_eq!(inclusive_months(d("2025-09-01"), d("2026-02-27")), 5);
        assert_eq!(inclusive_months(d("2025-09-01"), d("2028-08-31")), 36);
    }
}
