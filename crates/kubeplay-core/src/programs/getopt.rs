//! Option parsing as GNU getopt_long does it for coreutils: short options may be
//! bundled (`-la`), take a value attached or as the next word (`-n5`, `-n 5`),
//! options and operands may mix, `--` ends options, and errors use getopt's words.

/// One option: its short letter, long name, and whether it takes a value.
pub struct Opt {
    pub short: char,
    pub long: &'static str,
    pub value: bool,
    /// The value may only be attached (`-i.bak`, `--in-place=.bak`): getopt's `::`.
    pub optional: bool,
}

pub const fn opt(short: char, long: &'static str, value: bool) -> Opt {
    Opt { short, long, value, optional: false }
}

/// An option whose value is optional and must be attached (`i::` in getopt).
pub const fn opt_optional(short: char, long: &'static str) -> Opt {
    Opt { short, long, value: false, optional: true }
}

/// The options found (by short letter, in order) and the operands.
#[derive(Debug, Default)]
pub struct Parsed {
    pub opts: Vec<(char, String)>,
    pub operands: Vec<String>,
}

impl Parsed {
    pub fn has(&self, c: char) -> bool {
        self.opts.iter().any(|(o, _)| *o == c)
    }

    /// The last value given for an option.
    pub fn value(&self, c: char) -> Option<&str> {
        self.opts.iter().rev().find(|(o, _)| *o == c).map(|(_, v)| v.as_str())
    }
}

/// Parses `args`; the error is the message lines getopt and the program print.
pub fn parse(cmd: &str, args: &[String], opts: &[Opt]) -> Result<Parsed, Vec<String>> {
    let try_help = format!("Try '{cmd} --help' for more information.");
    let mut parsed = Parsed::default();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "--" {
            parsed.operands.extend(args[i..].iter().cloned());
            break;
        }
        if let Some(long) = a.strip_prefix("--") {
            let (name, attached) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let candidates: Vec<&Opt> = opts.iter().filter(|o| !o.long.is_empty() && o.long.starts_with(name)).collect();
            let found = candidates.iter().find(|o| o.long == name).copied().or(if candidates.len() == 1 { Some(candidates[0]) } else { None });
            let Some(o) = found else {
                return Err(vec![format!("{cmd}: unrecognized option '{a}'"), try_help]);
            };
            let value = if o.optional {
                attached.unwrap_or_default()
            } else if o.value {
                match attached {
                    Some(v) => v,
                    None if i < args.len() => {
                        i += 1;
                        args[i - 1].clone()
                    }
                    None => return Err(vec![format!("{cmd}: option '--{}' requires an argument", o.long), try_help]),
                }
            } else {
                if attached.is_some() {
                    return Err(vec![format!("{cmd}: option '--{}' doesn't allow an argument", o.long), try_help]);
                }
                String::new()
            };
            parsed.opts.push((o.short, value));
            continue;
        }
        if a.len() < 2 || !a.starts_with('-') {
            parsed.operands.push(a.clone());
            continue;
        }
        let chars: Vec<char> = a[1..].chars().collect();
        let mut j = 0;
        while j < chars.len() {
            let c = chars[j];
            j += 1;
            let Some(o) = opts.iter().find(|o| o.short == c) else {
                return Err(vec![format!("{cmd}: invalid option -- '{c}'"), try_help]);
            };
            if o.optional {
                let value: String = chars[j..].iter().collect();
                j = chars.len();
                parsed.opts.push((c, value));
            } else if o.value {
                let value = if j < chars.len() {
                    let v: String = chars[j..].iter().collect();
                    j = chars.len();
                    v
                } else if i < args.len() {
                    i += 1;
                    args[i - 1].clone()
                } else {
                    return Err(vec![format!("{cmd}: option requires an argument -- '{c}'"), try_help]);
                };
                parsed.opts.push((c, value));
            } else {
                parsed.opts.push((c, String::new()));
            }
        }
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn bundles_values_and_errors() {
        let opts = [opt('l', "", false), opt('a', "all", false), opt('n', "lines", true)];
        let p = parse("x", &s(&["-la", "f", "-n5", "--lines", "7", "--", "-a"]), &opts).unwrap();
        assert!(p.has('l') && p.has('a'));
        assert_eq!(p.value('n'), Some("7"));
        assert_eq!(p.operands, s(&["f", "-a"]));
        assert_eq!(parse("x", &s(&["-z"]), &opts).unwrap_err()[0], "x: invalid option -- 'z'");
        assert_eq!(parse("x", &s(&["-n"]), &opts).unwrap_err()[0], "x: option requires an argument -- 'n'");
        assert_eq!(parse("x", &s(&["--bogus"]), &opts).unwrap_err()[0], "x: unrecognized option '--bogus'");
        assert_eq!(parse("x", &s(&["--al"]), &opts).unwrap().opts[0].0, 'a');
    }
}
