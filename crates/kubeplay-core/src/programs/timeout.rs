//! `timeout DURATION COMMAND [ARG]…` (GNU coreutils): runs the command and ends it
//! with status 124 once DURATION has passed on the simulated clock. It is how a
//! script stops a command that otherwise runs until Ctrl+C (`kubectl logs -f`,
//! `get -w`, `port-forward`), and how the transcripts show such commands.

use crate::foreground::Foreground;
use crate::shell::commands::{self, Origin, Process};
use crate::shell::Effect;

/// A GNU duration: a number with an optional `s`, `m`, `h` or `d` suffix.
fn parse_interval(s: &str) -> Option<i64> {
    let (num, unit) = match s.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&s[..i], c),
        _ => (s, 's'),
    };
    let scale = match unit {
        's' => 1_000.0,
        'm' => 60_000.0,
        'h' => 3_600_000.0,
        'd' => 86_400_000.0,
        _ => return None,
    };
    let n: f64 = num.parse().ok().filter(|n: &f64| *n >= 0.0 && n.is_finite())?;
    Some((n * scale) as i64)
}

fn usage(p: &mut Process, message: &str) -> i32 {
    p.eprintln(&format!("timeout: {message}"));
    p.eprintln("Try 'timeout --help' for more information.");
    125
}

pub fn timeout(p: &mut Process, args: &[String]) -> i32 {
    let mut i = 0;
    while let Some(a) = args.get(i).filter(|a| a.starts_with('-') && a.len() > 1) {
        match a.as_str() {
            "-s" | "--signal" | "-k" | "--kill-after" => i += 2,
            "--" => {
                i += 1;
                break;
            }
            _ => i += 1,
        }
    }
    let Some(duration) = args.get(i) else { return usage(p, "missing operand") };
    let Some(ms) = parse_interval(duration) else { return usage(p, &format!("invalid time interval ‘{duration}’")) };
    let Some(name) = args.get(i + 1) else { return usage(p, &format!("missing operand after ‘{duration}’")) };
    let command = match commands::find(p.shell, name) {
        Some(c) if c.origin != Origin::Builtin => c,
        _ => {
            p.eprintln(&format!("timeout: failed to run command ‘{name}’: No such file or directory"));
            return 127;
        }
    };
    let code = (command.run)(p, &args[i + 2..]);
    let until = p.shell.cluster.now().plus_ms(ms);
    match p.effect.take() {
        Some(Effect::Foreground(fg)) => p.effect = Some(Effect::Foreground(Foreground::Timeout { inner: Box::new(fg), until })),
        Some(Effect::Sleep(slept)) if slept > ms => {
            p.effect = Some(Effect::Sleep(ms));
            return 124;
        }
        other => p.effect = other,
    }
    code
}

#[cfg(test)]
mod tests {
    use super::parse_interval;

    #[test]
    fn intervals() {
        assert_eq!(parse_interval("5"), Some(5_000));
        assert_eq!(parse_interval("1.5m"), Some(90_000));
        assert_eq!(parse_interval("2h"), Some(7_200_000));
        assert_eq!(parse_interval("x"), None);
        assert_eq!(parse_interval("5q"), None);
    }
}
