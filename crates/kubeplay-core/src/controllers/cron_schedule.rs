//! CronJob schedules as Kubernetes reads them: a port of robfig/cron v3's standard
//! parser (`cron.ParseStandard`: five fields, names for months and weekdays, `*/n`,
//! ranges, lists, `?`, the `@hourly`-style descriptors and `@every`) with its exact
//! error texts, which the API server puts into `spec.schedule: Invalid value`.
//! Written here rather than taken from crates.io: `cron` wants a seconds field,
//! `croner` accepts extensions Kubernetes rejects (`L`, `#`, `W`, seconds) and words
//! its errors differently, and both pull in chrono; this is ~200 lines. Times are UTC.

use crate::time::SimTime;

/// A parsed schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Schedule {
    Spec(Spec),
    /// `@every 90s`: a constant delay (rounded to whole seconds, at least 1 s).
    Every { secs: i64 },
}

/// Bit sets per field, as robfig keeps them; `star` notes a `*`/`?` day field,
/// which switches day matching from OR to AND.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    minute: u64,
    hour: u64,
    dom: u64,
    month: u64,
    dow: u64,
    dom_star: bool,
    dow_star: bool,
}

struct Bounds {
    min: u32,
    max: u32,
    names: &'static [&'static str],
}

const MINUTES: Bounds = Bounds { min: 0, max: 59, names: &[] };
const HOURS: Bounds = Bounds { min: 0, max: 23, names: &[] };
const DOM: Bounds = Bounds { min: 1, max: 31, names: &[] };
const MONTHS: Bounds = Bounds {
    min: 1,
    max: 12,
    names: &["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
};
const DOW: Bounds = Bounds { min: 0, max: 6, names: &["sun", "mon", "tue", "wed", "thu", "fri", "sat"] };

/// `cron.ParseStandard`.
pub fn parse(spec: &str) -> Result<Schedule, String> {
    if spec.is_empty() {
        return Err("empty spec string".into());
    }
    if spec.starts_with("TZ=") || spec.starts_with("CRON_TZ=") {
        // The time zone prefix is parsed by robfig; Kubernetes rejects it separately.
        let rest = spec.split_once(' ').map(|x| x.1).unwrap_or("");
        return parse(rest.trim_start());
    }
    if spec.starts_with('@') {
        return descriptor(spec);
    }
    let fields: Vec<&str> = spec.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!("expected exactly 5 fields, found {}: [{}]", fields.len(), fields.join(" ")));
    }
    let (dom, dom_star) = field(fields[2], &DOM)?;
    let (dow, dow_star) = field(fields[4], &DOW)?;
    Ok(Schedule::Spec(Spec {
        minute: field(fields[0], &MINUTES)?.0,
        hour: field(fields[1], &HOURS)?.0,
        dom,
        month: field(fields[3], &MONTHS)?.0,
        dow,
        dom_star,
        dow_star,
    }))
}

fn descriptor(d: &str) -> Result<Schedule, String> {
    let all = |b: &Bounds| bits(b.min, b.max, 1);
    let spec = |minute: u64, hour: u64, dom: u64, month: u64, dow: u64, dom_star: bool, dow_star: bool| {
        Ok(Schedule::Spec(Spec { minute, hour, dom, month, dow, dom_star, dow_star }))
    };
    match d {
        "@yearly" | "@annually" => spec(1, 1, 1 << 1, 1 << 1, all(&DOW), false, true),
        "@monthly" => spec(1, 1, 1 << 1, all(&MONTHS), all(&DOW), false, true),
        "@weekly" => spec(1, 1, all(&DOM), all(&MONTHS), 1, true, false),
        "@daily" | "@midnight" => spec(1, 1, all(&DOM), all(&MONTHS), all(&DOW), true, true),
        "@hourly" => spec(1, all(&HOURS), all(&DOM), all(&MONTHS), all(&DOW), true, true),
        _ => match d.strip_prefix("@every ") {
            Some(dur) => match go_duration_ms(dur) {
                Some(ms) => Ok(Schedule::Every { secs: (ms / 1000).max(1) }),
                None => Err(format!("failed to parse duration {d}: time: invalid duration \"{dur}\"")),
            },
            None => Err(format!("unrecognized descriptor: {d}")),
        },
    }
}

/// Go's `time.ParseDuration` for the units a schedule uses (`90s`, `1h30m`, `500ms`).
fn go_duration_ms(s: &str) -> Option<i64> {
    let mut total = 0f64;
    let mut rest = s;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let value: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let unit = match &rest[..unit_len] {
            "ms" => 1.0,
            "s" => 1_000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += value * unit;
    }
    Some(total as i64)
}

fn bits(min: u32, max: u32, step: u32) -> u64 {
    (min..=max).step_by(step.max(1) as usize).fold(0, |acc, i| acc | (1 << i))
}

/// A comma-separated list of ranges; returns the bits and whether it was `*`/`?`.
fn field(text: &str, b: &Bounds) -> Result<(u64, bool), String> {
    let mut acc = 0;
    let mut star = false;
    for part in text.split(',') {
        let (v, s) = range(part, b)?;
        acc |= v;
        star |= s;
    }
    Ok((acc, star))
}

/// `number | number "-" number [ "/" number ]` or `*`/`?` [ "/" number ].
fn range(expr: &str, b: &Bounds) -> Result<(u64, bool), String> {
    let parts: Vec<&str> = expr.split('/').collect();
    let low_high: Vec<&str> = parts[0].split('-').collect();
    let single = low_high.len() == 1;
    let mut star = false;
    let (start, mut end) = if low_high[0] == "*" || low_high[0] == "?" {
        star = true;
        (b.min, b.max)
    } else {
        let start = int_or_name(low_high[0], b.names)?;
        let end = match low_high.len() {
            1 => start,
            2 => int_or_name(low_high[1], b.names)?,
            _ => return Err(format!("too many hyphens: {expr}")),
        };
        (start, end)
    };
    let step = match parts.len() {
        1 => 1,
        2 => {
            let step = must_parse_int(parts[1])?;
            // `N/step` means `N-max/step`.
            if single && !star {
                end = b.max;
            }
            if step > 1 {
                star = false;
            }
            step
        }
        _ => return Err(format!("too many slashes: {expr}")),
    };
    if start < b.min {
        return Err(format!("beginning of range ({start}) below minimum ({}): {expr}", b.min));
    }
    if end > b.max {
        return Err(format!("end of range ({end}) above maximum ({}): {expr}", b.max));
    }
    if start > end {
        return Err(format!("beginning of range ({start}) beyond end of range ({end}): {expr}"));
    }
    if step == 0 {
        return Err(format!("step of range should be a positive number: {expr}"));
    }
    Ok((bits(start, end, step), star))
}

fn int_or_name(expr: &str, names: &[&str]) -> Result<u32, String> {
    if let Some(i) = names.iter().position(|n| n.eq_ignore_ascii_case(expr)) {
        // Months count from 1, weekdays from 0.
        return Ok(if names.len() == 12 { i as u32 + 1 } else { i as u32 });
    }
    must_parse_int(expr)
}

fn must_parse_int(expr: &str) -> Result<u32, String> {
    match expr.parse::<i64>() {
        Ok(n) if n < 0 => Err(format!("negative number ({n}) not allowed: {expr}")),
        Ok(n) if n <= u32::MAX as i64 => Ok(n as u32),
        _ => Err(format!("failed to parse int from {expr}: strconv.Atoi: parsing \"{expr}\": invalid syntax")),
    }
}

/// Days since 1970-01-01 → (year, month 1-12, day 1-31) (H. Hinnant's civil_from_days).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

const MINUTE_MS: i64 = 60_000;
const DAY_MIN: i64 = 1_440;

impl Schedule {
    /// The first activation strictly after `t` (robfig `Next`), or `None` if there
    /// is none within five years (e.g. `0 0 30 2 *`).
    pub fn next(&self, t: SimTime) -> Option<SimTime> {
        let spec = match self {
            Schedule::Every { secs } => {
                // robfig rounds to the second and adds the delay.
                let base = t.0.div_euclid(1000) * 1000;
                return Some(SimTime(base + secs * 1000));
            }
            Schedule::Spec(s) => s,
        };
        let mut m = t.0.div_euclid(MINUTE_MS) + 1;
        let limit = m + 5 * 366 * DAY_MIN;
        while m < limit {
            let days = m.div_euclid(DAY_MIN);
            let (_, month, day) = civil(days);
            if spec.month & (1 << month) == 0 {
                // Skip to the first day of the next month.
                let mut d = days + 1;
                while civil(d).2 != 1 {
                    d += 1;
                }
                m = d * DAY_MIN;
                continue;
            }
            let weekday = (days + 4).rem_euclid(7) as u32; // 1970-01-01 was a Thursday.
            let dom_ok = spec.dom & (1 << day) != 0;
            let dow_ok = spec.dow & (1 << weekday) != 0;
            let day_ok = if spec.dom_star || spec.dow_star { dom_ok && dow_ok } else { dom_ok || dow_ok };
            if !day_ok {
                m = (days + 1) * DAY_MIN;
                continue;
            }
            let minute_of_day = m.rem_euclid(DAY_MIN);
            if spec.hour & (1 << (minute_of_day / 60)) == 0 {
                m = m - minute_of_day % 60 + 60;
                continue;
            }
            if spec.minute & (1 << (minute_of_day % 60)) == 0 {
                m += 1;
                continue;
            }
            return Some(SimTime(m * MINUTE_MS));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2025-09-22T10:00:00Z, a Monday.
    const MON_10H: i64 = 1_758_535_200_000;

    fn next(spec: &str, t: i64) -> i64 {
        parse(spec).unwrap().next(SimTime(t)).unwrap().0
    }

    #[test]
    fn every_minute_and_steps() {
        assert_eq!(next("*/1 * * * *", MON_10H), MON_10H + 60_000);
        assert_eq!(next("* * * * *", MON_10H + 30_000), MON_10H + 60_000);
        assert_eq!(next("*/5 * * * *", MON_10H + 60_000), MON_10H + 5 * 60_000);
        assert_eq!(next("7/15 * * * *", MON_10H), MON_10H + 7 * 60_000);
        assert_eq!(next("0,30 * * * *", MON_10H), MON_10H + 30 * 60_000);
    }

    #[test]
    fn descriptors_hours_days_and_names() {
        assert_eq!(next("@hourly", MON_10H), MON_10H + 3_600_000);
        assert_eq!(next("@daily", MON_10H), MON_10H + 14 * 3_600_000);
        assert_eq!(next("0 9 * * tue", MON_10H), MON_10H + 23 * 3_600_000);
        assert_eq!(next("30 8 1 jan *", MON_10H), 1_767_256_200_000); // 2026-01-01T08:30Z
        assert_eq!(next("@every 90s", MON_10H), MON_10H + 90_000);
    }

    #[test]
    fn day_of_month_or_weekday() {
        // Both restricted: either matches (the 1st, or a Sunday). Sun 2025-09-28.
        assert_eq!(next("0 0 1 * 0", MON_10H), MON_10H + 6 * 86_400_000 - 10 * 3_600_000);
        // Weekday starred: only the 1st. 2025-10-01.
        assert_eq!(next("0 0 1 * *", MON_10H), MON_10H + 9 * 86_400_000 - 10 * 3_600_000);
        assert_eq!(parse("0 0 30 2 *").unwrap().next(SimTime(MON_10H)), None);
    }

    #[test]
    fn errors_are_robfigs() {
        assert_eq!(parse("bad").unwrap_err(), "expected exactly 5 fields, found 1: [bad]");
        assert_eq!(parse("").unwrap_err(), "empty spec string");
        assert_eq!(parse("61 * * * *").unwrap_err(), "end of range (61) above maximum (59): 61");
        assert_eq!(parse("* * 0 * *").unwrap_err(), "beginning of range (0) below minimum (1): 0");
        assert_eq!(parse("5-1 * * * *").unwrap_err(), "beginning of range (5) beyond end of range (1): 5-1");
        assert_eq!(parse("x * * * *").unwrap_err(), "failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax");
        assert_eq!(parse("@fortnightly").unwrap_err(), "unrecognized descriptor: @fortnightly");
        assert_eq!(parse("*/0 * * * *").unwrap_err(), "step of range should be a positive number: */0");
    }
}
