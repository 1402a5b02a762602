//! What a looping shell one-liner prints over time, so `kubectl logs [-f]` of the
//! docs' counter pod (`i=0; while true; do echo "$i: $(date)"; i=$((i+1)); sleep 1;
//! done`) or a `while true; do echo hello; sleep 5; done` container shows a line
//! per period, stamped with the simulated clock. The script is read as the shell
//! would run it: assignments before the loop, then per iteration its `echo`s (with
//! `$i`, `$(date)`, `$HOSTNAME` expanded), counter increments and the `sleep` that
//! sets the period; `while sleep N; do …` sleeps before the first line.

use crate::network::LogLine;
use crate::time::SimTime;

/// Most iterations listed at once (the runtime's log rotation keeps no more either).
const MAX_ITERATIONS: i64 = 10_000;

/// A `while` loop that prints: its statements and its period.
#[derive(Clone, Debug, PartialEq)]
struct Loop {
    /// Counter variable and its start value (`i=0`).
    counter: Option<(String, i64)>,
    /// Each iteration's statements in order.
    body: Vec<Statement>,
    period_ms: i64,
    /// `while sleep N`: the sleep comes before the body.
    sleep_first: bool,
}

#[derive(Clone, Debug, PartialEq)]
enum Statement {
    Echo(String),
    Increment,
}

/// The script a container runs: `sh -c SCRIPT`, or its words.
fn script_of(command: &[String]) -> String {
    match command {
        [sh, flag, script, ..] if sh.ends_with("sh") && flag == "-c" => script.clone(),
        _ => command.join(" "),
    }
}

fn parse(script: &str) -> Option<Loop> {
    let (before, rest) = script.split_once("while")?;
    let (cond, rest) = rest.split_once("do")?;
    let body_text = rest.rsplit_once("done").map(|(b, _)| b).unwrap_or(rest);
    let seconds = |s: &str| s.trim().trim_end_matches('s').parse::<f64>().ok().map(|x| (x * 1000.0) as i64);
    let mut counter = None;
    for stmt in before.split([';', '\n']).map(str::trim) {
        if let Some((name, value)) = stmt.split_once('=') {
            if let Ok(v) = value.trim().parse::<i64>() {
                counter = Some((name.trim().to_string(), v));
            }
        }
    }
    let cond = cond.trim().trim_end_matches(';').trim();
    let (mut period_ms, sleep_first) = match cond.strip_prefix("sleep ") {
        Some(n) => (seconds(n)?, true),
        None if matches!(cond, "true" | ":" | "[ 1 ]") => (0, false),
        None => return None,
    };
    let mut body = Vec::new();
    for stmt in body_text.split([';', '\n']).map(str::trim).filter(|s| !s.is_empty()) {
        if let Some(n) = stmt.strip_prefix("sleep ") {
            period_ms += seconds(n)?;
        } else if stmt.starts_with("echo ") {
            let words = shell_words::split(stmt).ok()?;
            body.push(Statement::Echo(words[1..].join(" ")));
        } else if counter.as_ref().is_some_and(|(name, _)| stmt.starts_with(&format!("{name}=")) || stmt == format!("{name}=$(({name}+1))")) {
            body.push(Statement::Increment);
        }
    }
    let prints = body.iter().any(|s| matches!(s, Statement::Echo(_)));
    (prints && period_ms > 0).then_some(Loop { counter, body, period_ms, sleep_first })
}

/// `$i`, `${i}`, `$(date)`, `$HOSTNAME` in an echo's text.
fn expand(text: &str, counter: Option<(&str, i64)>, at: SimTime, hostname: &str) -> String {
    let date = crate::shell::builtins::format_time(at, "%a %b %e %H:%M:%S UTC %Y");
    let mut s = text.replace("$(date)", &date).replace("${HOSTNAME}", hostname).replace("$HOSTNAME", hostname);
    if let Some((name, value)) = counter {
        s = s.replace(&format!("${{{name}}}"), &value.to_string()).replace(&format!("${name}"), &value.to_string());
    }
    s
}

/// The lines a looping script printed from `started` until `until`, only those at
/// or after `from`. Empty for scripts without such a loop.
pub fn loop_lines(command: &[String], hostname: &str, started: SimTime, from: SimTime, until: SimTime) -> Vec<LogLine> {
    let Some(lp) = parse(&script_of(command)) else { return Vec::new() };
    let first_at = |k: i64| started.plus_ms(k * lp.period_ms + if lp.sleep_first { lp.period_ms } else { 0 });
    let elapsed = until.millis_since(started);
    let last = (elapsed - if lp.sleep_first { lp.period_ms } else { 0 }).div_euclid(lp.period_ms);
    if last < 0 {
        return Vec::new();
    }
    let skip_to = (from.millis_since(started) / lp.period_ms - 1).max(0).max(last - MAX_ITERATIONS);
    let mut lines = Vec::new();
    for k in skip_to..=last {
        let at = first_at(k);
        if at < from || at > until {
            continue;
        }
        // The counter's value at the start of iteration k.
        let increments = lp.body.iter().filter(|s| matches!(s, Statement::Increment)).count() as i64;
        let mut value = lp.counter.as_ref().map(|(_, v)| v + k * increments);
        for stmt in &lp.body {
            match stmt {
                Statement::Echo(text) => {
                    let text = expand(text, lp.counter.as_ref().map(|(n, _)| n.as_str()).zip(value), at, hostname);
                    lines.push(LogLine { at, text });
                }
                Statement::Increment => value = value.map(|v| v + 1),
            }
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(script: &str) -> Vec<String> {
        vec!["/bin/sh".into(), "-c".into(), script.into()]
    }

    #[test]
    fn the_docs_counter_prints_a_numbered_date_each_second() {
        let t0 = SimTime(1_758_535_200_000);
        let cmd = words("i=0; while true; do echo \"$i: $(date)\"; i=$((i+1)); sleep 1; done");
        let lines = loop_lines(&cmd, "counter", t0, t0, t0.plus_ms(2_500));
        let text: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(text, ["0: Mon Sep 22 10:00:00 UTC 2025", "1: Mon Sep 22 10:00:01 UTC 2025", "2: Mon Sep 22 10:00:02 UTC 2025"]);
        let later = loop_lines(&cmd, "counter", t0, t0.plus_ms(2_000), t0.plus_ms(3_000));
        assert_eq!(later.iter().map(|l| l.text.as_str()).collect::<Vec<_>>(), ["2: Mon Sep 22 10:00:02 UTC 2025", "3: Mon Sep 22 10:00:03 UTC 2025"]);
    }

    #[test]
    fn while_sleep_sleeps_first_and_scripts_without_loops_print_nothing_here() {
        let t0 = SimTime(0);
        let lines = loop_lines(&words("while sleep 5; do echo hello from $HOSTNAME; done"), "box", t0, t0, t0.plus_ms(11_000));
        assert_eq!(lines.iter().map(|l| (l.at.millis_since(t0), l.text.as_str())).collect::<Vec<_>>(), [(5_000, "hello from box"), (10_000, "hello from box")]);
        assert!(loop_lines(&words("echo once"), "box", t0, t0, t0.plus_ms(10_000)).is_empty());
        assert!(loop_lines(&words("while true; do echo spin; done"), "box", t0, t0, t0.plus_ms(10_000)).is_empty());
    }
}
