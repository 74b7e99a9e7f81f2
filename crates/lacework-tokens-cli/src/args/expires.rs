//! `--expires WHEN`: an RFC 3339 time, a date, or a time from now, always in the future.

use chrono::{DateTime, Duration, NaiveDate, Utc};

/// Parses `--expires`, relative to the current time.
pub fn parse(text: &str) -> Result<DateTime<Utc>, String> {
    parse_at(text, Utc::now())
}

/// Parses `--expires` as if it were `now`: a token that expires in the past would be created
/// dead, which is never what the user meant.
fn parse_at(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    let at = if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        at.with_timezone(&Utc)
    } else if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        date.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc()
    } else if let Some(span) = span(text) {
        now.checked_add_signed(span?).ok_or("too far in the future")?
    } else {
        return Err("expected an RFC 3339 time (2025-12-31T23:59:59Z), a date (2025-12-31) or a time \
                    from now (90d, 12h, 30m, 2w, 90s)"
            .to_owned());
    };
    if at <= now {
        return Err(format!("{} is in the past", at.to_rfc3339()));
    }
    Ok(at)
}

/// A time as `--filter created:` takes it, in the grammar of `--expires` looking back: an RFC
/// 3339 time, a date (midnight UTC), or a span ago (`30d`: thirty days before now). `None` when
/// the text is none of these (it is then sent as it is, as the API allows).
pub(super) fn time_or_ago(text: &str) -> Option<DateTime<Utc>> {
    time_or_ago_at(text, Utc::now())
}

fn time_or_ago_at(text: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&Utc));
    }
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return date.and_hms_opt(0, 0, 0).map(|midnight| midnight.and_utc());
    }
    now.checked_sub_signed(span(text)?.ok()?)
}

/// `90d`-style spans (`s`, `m`, `h`, `d`, `w`), the one grammar of durations on the command
/// line: `None` when the text does not look like one, an error when it does but is out of range.
pub(super) fn span(text: &str) -> Option<Result<Duration, String>> {
    let unit = text.chars().last()?;
    let count: i64 = text[..text.len() - unit.len_utf8()].parse().ok()?;
    let span = match unit {
        's' => Duration::try_seconds(count),
        'm' => Duration::try_minutes(count),
        'h' => Duration::try_hours(count),
        'd' => Duration::try_days(count),
        'w' => Duration::try_weeks(count),
        _ => return None,
    };
    Some(span.filter(|span| *span > Duration::zero()).ok_or_else(|| format!("{text} is not a positive span")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2025-06-01T12:00:00Z").unwrap().with_timezone(&Utc)
    }

    #[test]
    fn every_form_gives_a_future_time() {
        let at = |text| parse_at(text, now()).unwrap().to_rfc3339();
        assert_eq!(at("2025-12-31T23:59:59+01:00"), "2025-12-31T22:59:59+00:00");
        assert_eq!(at("2025-12-31"), "2025-12-31T00:00:00+00:00");
        assert_eq!(at("90d"), "2025-08-30T12:00:00+00:00");
        assert_eq!(at("12h"), "2025-06-02T00:00:00+00:00");
        assert_eq!(at("30m"), "2025-06-01T12:30:00+00:00");
        assert_eq!(at("2w"), "2025-06-15T12:00:00+00:00");
    }

    #[test]
    fn filter_times_take_the_same_forms_looking_back() {
        let at = |text| time_or_ago_at(text, now()).map(|t| t.to_rfc3339());
        assert_eq!(at("30d").as_deref(), Some("2025-05-02T12:00:00+00:00"));
        assert_eq!(at("2025-01-01").as_deref(), Some("2025-01-01T00:00:00+00:00"));
        assert_eq!(at("2025-01-01T10:00:00+02:00").as_deref(), Some("2025-01-01T08:00:00+00:00"));
        assert_eq!(at("yesterday"), None);
    }

    #[test]
    fn past_and_unreadable_times_are_refused_with_the_reason() {
        let error = |text| parse_at(text, now()).unwrap_err();
        assert!(error("2020-01-01").contains("in the past"));
        assert!(error("0d").contains("not a positive span"));
        assert!(error("-3d").contains("not a positive span"));
        assert!(error("tomorrow").contains("expected an RFC 3339 time"));
        assert!(error("3y").contains("expected"));
        assert!(error("").contains("expected"));
    }
}
