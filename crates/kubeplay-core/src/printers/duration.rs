//! Durations as kubectl prints them (apimachinery/pkg/util/duration).

/// `duration.HumanDuration`: the AGE column. Integer truncation everywhere.
pub fn human_duration(ms: i64) -> String {
    let secs = ms / 1000; // truncates toward zero, as Go's int(d.Seconds())
    if secs < -1 {
        return "<invalid>".into();
    }
    if secs < 0 {
        return "0s".into();
    }
    if secs < 60 * 2 {
        return format!("{secs}s");
    }
    let minutes = secs / 60;
    if minutes < 10 {
        let s = secs % 60;
        return if s == 0 { format!("{minutes}m") } else { format!("{minutes}m{s}s") };
    }
    if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = secs / 3600;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 { format!("{hours}h") } else { format!("{hours}h{m}m") };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        let d = hours / 24;
        return if h == 0 { format!("{d}d") } else { format!("{d}d{h}h") };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        let y = hours / 24 / 365;
        return if dy == 0 { format!("{y}y") } else { format!("{y}y{dy}d") };
    }
    format!("{}y", hours / 24 / 365)
}

/// Go's `time.Duration.String()` for whole seconds: `10s`, `5m0s`, `1h0m0s`.
pub fn go_seconds(secs: i64) -> String {
    if secs < 60 {
        return format!("{secs}s");
    }
    if secs < 3600 {
        return format!("{}m{}s", secs / 60, secs % 60);
    }
    format!("{}h{}m{}s", secs / 3600, (secs % 3600) / 60, secs % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(secs: i64) -> String {
        human_duration(secs * 1000)
    }

    #[test]
    fn human_duration_table_from_the_reference() {
        assert_eq!(human_duration(-1900), "0s");
        assert_eq!(s(-3), "<invalid>");
        assert_eq!(s(0), "0s");
        assert_eq!(s(9), "9s");
        assert_eq!(s(119), "119s");
        assert_eq!(s(120), "2m");
        assert_eq!(s(125), "2m5s");
        assert_eq!(s(599), "9m59s");
        assert_eq!(s(600), "10m");
        assert_eq!(s(179 * 60 + 59), "179m");
        assert_eq!(s(3 * 3600), "3h");
        assert_eq!(s(3 * 3600 + 7 * 60), "3h7m");
        assert_eq!(s(8 * 3600), "8h");
        assert_eq!(s(47 * 3600), "47h");
        assert_eq!(s(48 * 3600), "2d");
        assert_eq!(s(53 * 3600), "2d5h");
        assert_eq!(s(15 * 86400), "15d");
        assert_eq!(s(400 * 86400), "400d");
        assert_eq!(s(730 * 86400), "2y");
        assert_eq!(s((3 * 365 + 45) * 86400), "3y45d");
        assert_eq!(s(9 * 365 * 86400), "9y");
    }

    #[test]
    fn go_durations() {
        assert_eq!(go_seconds(10), "10s");
        assert_eq!(go_seconds(300), "5m0s");
        assert_eq!(go_seconds(3600), "1h0m0s");
    }
}

/// Go's `time.ParseDuration` for what users type (`30s`, `1m30s`, `500ms`, `2h`,
/// `1.5s`, `0`), in milliseconds; `None` if it is not a duration.
pub fn parse_go_duration(s: &str) -> Option<i64> {
    if s == "0" {
        return Some(0);
    }
    let mut rest = s;
    let mut total = 0f64;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        if num_len == 0 {
            return None;
        }
        let value: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let factor = match &rest[..unit_len] {
            "ns" => 1e-6,
            "us" | "µs" => 1e-3,
            "ms" => 1.0,
            "s" => 1_000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            _ => return None,
        };
        total += value * factor;
        rest = &rest[unit_len..];
    }
    Some(total as i64)
}

#[cfg(test)]
mod parse_tests {
    use super::parse_go_duration;

    #[test]
    fn go_durations_parse() {
        assert_eq!(parse_go_duration("30s"), Some(30_000));
        assert_eq!(parse_go_duration("1m30s"), Some(90_000));
        assert_eq!(parse_go_duration("500ms"), Some(500));
        assert_eq!(parse_go_duration("0"), Some(0));
        assert_eq!(parse_go_duration("10"), None);
        assert_eq!(parse_go_duration("x"), None);
    }
}
