//! bash's builtins (`cd`, `export`, `alias`, `history`, `echo` …) and the small
//! programs that read the shell's own state (`env`, `which`, `watch`, `date`), with
//! bash's and GNU's messages.

use super::commands::{self, Origin, Process};
use super::syntax::is_name;
use super::{CommandOutput, Effect, Shell, HOSTNAME};
use crate::time::SimTime;

const HELP: &str = "kubeplay: a simulated Kubernetes v1.34 cluster in your browser.

Commands:
  kubectl version                     client and server versions
  kubectl get nodes [-o wide]         the three nodes of the cluster
  kubectl get pods [-A | -n NS]       pods (po) of a namespace, or of all with -A
  kubectl get all                     pods and services of the namespace
  kubectl run NAME --image=IMAGE      start a pod (try subicura/whoami:1 or nginx)
  k ...                               alias for kubectl
  watch kubectl get pods              re-run a command every 2 seconds (Ctrl+C stops)
  sleep N                             wait N seconds
  clear                               clear the screen (also Ctrl+L)
  help                                this text

The shell is bash-like: pipes (| grep, | wc -l, | awk '{print $1}', | jq),
redirection (> file, >> file, 2>&1), here-documents (cat <<EOF | kubectl apply -f -),
variables ($X, export) and files (ls, cat, mkdir, rm, cp, mv) in /root.";

pub fn help(p: &mut Process, _args: &[String]) -> i32 {
    p.println(HELP);
    0
}

pub fn clear(p: &mut Process, _args: &[String]) -> i32 {
    p.effect = Some(Effect::Clear);
    0
}

pub fn true_(_p: &mut Process, _args: &[String]) -> i32 {
    0
}

pub fn false_(_p: &mut Process, _args: &[String]) -> i32 {
    1
}

pub fn exit(p: &mut Process, args: &[String]) -> i32 {
    p.exit = true;
    if let Some(c) = p.shell.container.as_deref() {
        if c.dialect == super::container::Dialect::Bash {
            p.eprintln("exit");
        }
    }
    // A child shell's exit returns to its parent; the container's own shell's ends
    // the session.
    if !p.shell.exit_child_shell() {
        if let Some(c) = p.shell.container.as_deref_mut() {
            c.exit_requested = true;
        }
    }
    match args.first() {
        None => p.shell.last_status,
        Some(a) => match a.parse::<i64>() {
            Ok(n) => (n & 0xff) as i32,
            Err(_) => {
                p.eprintln(&format!("bash: exit: {a}: numeric argument required"));
                2
            }
        },
    }
}

pub fn pwd(p: &mut Process, _args: &[String]) -> i32 {
    let cwd = p.shell.cwd.clone();
    p.println(&cwd);
    0
}

pub fn hostname(p: &mut Process, _args: &[String]) -> i32 {
    p.println(HOSTNAME);
    0
}

pub fn whoami(p: &mut Process, _args: &[String]) -> i32 {
    p.println("root");
    0
}

/// `echo [-neE] …`: options only while every letter is one of `n`, `e`, `E`.
pub fn echo(p: &mut Process, args: &[String]) -> i32 {
    let mut newline = true;
    let mut escapes = false;
    let mut i = 0;
    while let Some(a) = args.get(i) {
        let Some(flags) = a.strip_prefix('-').filter(|f| !f.is_empty() && f.chars().all(|c| "neE".contains(c))) else { break };
        for c in flags.chars() {
            match c {
                'n' => newline = false,
                'e' => escapes = true,
                _ => escapes = false,
            }
        }
        i += 1;
    }
    let mut text = args[i..].join(" ");
    if escapes {
        let (t, stop) = backslash_escapes(&text);
        text = t;
        if stop {
            newline = false;
        }
    }
    p.print(&text);
    if newline {
        p.print("\n");
    }
    0
}

/// `echo -e` / `printf` escapes; the flag is `\c` (stop printing).
fn backslash_escapes(s: &str) -> (String, bool) {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('a') => out.push('\x07'),
            Some('b') => out.push('\x08'),
            Some('f') => out.push('\x0c'),
            Some('v') => out.push('\x0b'),
            Some('e') | Some('E') => out.push('\x1b'),
            Some('\\') => out.push('\\'),
            Some('c') => return (out, true),
            Some('0') => {
                let mut n = 0u32;
                for _ in 0..3 {
                    match chars.peek().and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            n = n * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                out.extend(char::from_u32(n));
            }
            Some('x') => {
                let mut n = 0u32;
                let mut digits = 0;
                while digits < 2 {
                    match chars.peek().and_then(|c| c.to_digit(16)) {
                        Some(d) => {
                            n = n * 16 + d;
                            chars.next();
                            digits += 1;
                        }
                        None => break,
                    }
                }
                if digits == 0 {
                    out.push_str("\\x");
                } else {
                    out.extend(char::from_u32(n));
                }
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    (out, false)
}

/// `printf FORMAT [ARG]…`: `%s %d %i %u %x %o %c %f %b %%` with widths; the format is
/// reused while arguments remain.
pub fn printf(p: &mut Process, args: &[String]) -> i32 {
    let Some(format) = args.first() else {
        p.eprintln("printf: usage: printf [-v var] format [arguments]");
        return 2;
    };
    let mut rest = args[1..].iter();
    let mut out = String::new();
    let mut status = 0;
    loop {
        let mut consumed = false;
        let chars: Vec<char> = format.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == '\\' {
                let end = (i + 2).min(chars.len());
                let (t, _) = backslash_escapes(&chars[i..end].iter().collect::<String>());
                out.push_str(&t);
                i = end;
                continue;
            }
            if c != '%' {
                out.push(c);
                i += 1;
                continue;
            }
            let start = i;
            i += 1;
            while i < chars.len() && "-+ #0123456789.".contains(chars[i]) {
                i += 1;
            }
            let Some(&conv) = chars.get(i) else {
                out.push_str(&chars[start..].iter().collect::<String>());
                break;
            };
            i += 1;
            let spec: String = chars[start + 1..i - 1].iter().collect();
            if conv == '%' {
                out.push('%');
                continue;
            }
            let arg = rest.next();
            consumed |= arg.is_some();
            let arg = arg.map(String::as_str).unwrap_or("");
            let (left, width, precision) = parse_spec(&spec);
            let body = match conv {
                's' => precision.map(|pr| arg.chars().take(pr).collect()).unwrap_or_else(|| arg.to_string()),
                'b' => backslash_escapes(arg).0,
                'c' => arg.chars().next().map(String::from).unwrap_or_default(),
                'd' | 'i' | 'u' | 'x' | 'X' | 'o' => {
                    let n = match parse_int(arg) {
                        Some(n) => n,
                        None => {
                            p.eprintln(&format!("bash: printf: {arg}: invalid number"));
                            status = 1;
                            0
                        }
                    };
                    let zero = spec.starts_with('0') && !left;
                    let s = match conv {
                        'x' => format!("{n:x}"),
                        'X' => format!("{n:X}"),
                        'o' => format!("{n:o}"),
                        _ => n.to_string(),
                    };
                    if zero && s.len() < width {
                        format!("{}{s}", "0".repeat(width - s.len()))
                    } else {
                        s
                    }
                }
                'f' | 'e' | 'g' => {
                    let v: f64 = arg.trim().parse().unwrap_or(0.0);
                    format!("{v:.prec$}", prec = precision.unwrap_or(6))
                }
                other => {
                    p.eprintln(&format!("bash: printf: `{other}': invalid format character"));
                    return 1;
                }
            };
            let pad = width.saturating_sub(body.chars().count());
            if left {
                out.push_str(&body);
                out.push_str(&" ".repeat(pad));
            } else {
                out.push_str(&" ".repeat(pad));
                out.push_str(&body);
            }
        }
        if !consumed || rest.len() == 0 {
            break;
        }
    }
    p.print(&out);
    status
}

fn parse_spec(spec: &str) -> (bool, usize, Option<usize>) {
    let left = spec.contains('-');
    let digits: String = spec.trim_start_matches(['-', '+', ' ', '#', '0']).to_string();
    let (w, pr) = match digits.split_once('.') {
        Some((w, pr)) => (w, Some(pr.parse().unwrap_or(0))),
        None => (digits.as_str(), None),
    };
    (left, w.parse().unwrap_or(0), pr)
}

fn parse_int(s: &str) -> Option<i64> {
    let t = s.trim();
    if t.is_empty() {
        return Some(0);
    }
    if let Some(h) = t.strip_prefix("0x") {
        return i64::from_str_radix(h, 16).ok();
    }
    t.parse().ok()
}

pub fn sleep(p: &mut Process, args: &[String]) -> i32 {
    if args.is_empty() {
        p.eprintln("sleep: missing operand");
        p.eprintln("Try 'sleep --help' for more information.");
        return 1;
    }
    let mut total = 0i64;
    for a in args {
        match parse_sleep(a) {
            Some(ms) => total = total.saturating_add(ms),
            None => {
                p.eprintln(&format!("sleep: invalid time interval ‘{a}’"));
                p.eprintln("Try 'sleep --help' for more information.");
                return 1;
            }
        }
    }
    p.effect = Some(Effect::Sleep(total.min(MAX_SLEEP_MS as i64)));
    0
}

/// The longest one `sleep` may wait: a year of simulated time. Longer waits would
/// only make a headless run churn through a crash loop's restarts for nothing.
const MAX_SLEEP_MS: f64 = 366.0 * 86_400_000.0;

/// `sleep 10`, `sleep 1.5`, `sleep 2m` (GNU sleep suffixes s, m, h, d).
fn parse_sleep(s: &str) -> Option<i64> {
    let (num, mult) = match s.chars().last()? {
        's' => (&s[..s.len() - 1], 1_000.0),
        'm' => (&s[..s.len() - 1], 60_000.0),
        'h' => (&s[..s.len() - 1], 3_600_000.0),
        'd' => (&s[..s.len() - 1], 86_400_000.0),
        _ => (s, 1_000.0),
    };
    let v: f64 = num.parse().ok()?;
    (v >= 0.0 && !v.is_nan()).then(|| (v * mult).min(MAX_SLEEP_MS) as i64)
}

pub fn cd(p: &mut Process, args: &[String]) -> i32 {
    if args.len() > 1 {
        p.eprintln("bash: cd: too many arguments");
        return 1;
    }
    let (target, print) = match args.first().map(String::as_str) {
        None => match p.shell.var("HOME") {
            Some(h) => (h.to_string(), false),
            None => {
                p.eprintln("bash: cd: HOME not set");
                return 1;
            }
        },
        Some("-") => match p.shell.var("OLDPWD") {
            Some(o) => (o.to_string(), true),
            None => {
                p.eprintln("bash: cd: OLDPWD not set");
                return 1;
            }
        },
        Some(a) => (a.to_string(), false),
    };
    let abs = p.path(&target);
    if !p.shell.fs.is_dir(&abs) {
        let why = if p.shell.fs.is_file(&abs) { "Not a directory" } else { "No such file or directory" };
        p.eprintln(&format!("bash: cd: {target}: {why}"));
        return 1;
    }
    let old = std::mem::replace(&mut p.shell.cwd, abs.clone());
    p.shell.set_var("OLDPWD", old);
    p.shell.set_var("PWD", abs.clone());
    if print {
        p.println(&abs);
    }
    0
}

/// `alias` prints `alias NAME='VALUE'` (single quotes escaped as bash does).
pub fn alias(p: &mut Process, args: &[String]) -> i32 {
    let show = |k: &str, v: &str| format!("alias {k}='{}'", v.replace('\'', "'\\''"));
    let args: Vec<&String> = args.iter().filter(|a| a.as_str() != "-p").collect();
    if args.is_empty() {
        let lines: Vec<String> = p.shell.aliases.iter().map(|(k, v)| show(k, v)).collect();
        for l in lines {
            p.println(&l);
        }
        return 0;
    }
    let mut status = 0;
    for a in args {
        match a.split_once('=') {
            Some((k, _)) if k.is_empty() || k.contains(['/', '$', '`', '\'', '"', ' ']) => {
                p.eprintln(&format!("bash: alias: `{k}': invalid alias name"));
                status = 1;
            }
            Some((k, v)) => {
                p.shell.aliases.insert(k.to_string(), v.to_string());
            }
            None => match p.shell.aliases.get(a.as_str()) {
                Some(v) => {
                    let line = show(a, v);
                    p.println(&line);
                }
                None => {
                    p.eprintln(&format!("bash: alias: {a}: not found"));
                    status = 1;
                }
            },
        }
    }
    status
}

pub fn unalias(p: &mut Process, args: &[String]) -> i32 {
    if args.first().map(String::as_str) == Some("-a") {
        p.shell.aliases.clear();
        return 0;
    }
    if args.is_empty() {
        p.eprintln("unalias: usage: unalias [-a] name [name ...]");
        return 2;
    }
    let mut status = 0;
    for a in args {
        if p.shell.aliases.remove(a).is_none() {
            p.eprintln(&format!("bash: unalias: {a}: not found"));
            status = 1;
        }
    }
    status
}

/// `export NAME[=VALUE]…`, `export -p` / `export` (list as `declare -x`).
pub fn export(p: &mut Process, args: &[String]) -> i32 {
    let args: Vec<&String> = args.iter().filter(|a| a.as_str() != "-p").collect();
    if args.is_empty() {
        let lines: Vec<String> = p
            .shell
            .vars
            .iter()
            .filter(|(_, v)| v.exported)
            .map(|(k, v)| format!("declare -x {k}=\"{}\"", v.value.replace('\\', "\\\\").replace('"', "\\\"").replace('$', "\\$")))
            .collect();
        for l in lines {
            p.println(&l);
        }
        return 0;
    }
    let mut status = 0;
    for a in args {
        let (name, value) = match a.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (a.as_str(), None),
        };
        if !is_name(name) {
            p.eprintln(&format!("bash: export: `{a}': not a valid identifier"));
            status = 1;
            continue;
        }
        if let Some(v) = value {
            p.shell.set_var(name, v);
        }
        let var = p.shell.vars.entry(name.to_string()).or_insert(super::Var { value: String::new(), exported: true });
        var.exported = true;
    }
    status
}

pub fn unset(p: &mut Process, args: &[String]) -> i32 {
    for a in args.iter().filter(|a| !a.starts_with('-')) {
        p.shell.vars.remove(a);
    }
    0
}

/// `history [N]`, `history -c`: numbered as bash numbers them (`%5d  %s`).
pub fn history(p: &mut Process, args: &[String]) -> i32 {
    match args.first().map(String::as_str) {
        Some("-c") => {
            p.shell.history.clear();
            return 0;
        }
        Some(a) if a.starts_with('-') => {
            p.eprintln(&format!("bash: history: {a}: invalid option"));
            p.eprintln("history: usage: history [-c] [-d offset] [n] or history -anrw [filename] or history -ps arg [arg...]");
            return 2;
        }
        _ => {}
    }
    let total = p.shell.history.len();
    let count = match args.first() {
        None => total,
        Some(n) => match n.parse::<usize>() {
            Ok(n) => n.min(total),
            Err(_) => {
                p.eprintln(&format!("bash: history: {n}: numeric argument required"));
                return 1;
            }
        },
    };
    let lines: Vec<String> = p.shell.history[total - count..].iter().enumerate().map(|(i, l)| format!("{:5}  {l}", total - count + i + 1)).collect();
    for l in lines {
        p.println(&l);
    }
    0
}

/// `env`: the environment, then `_` as bash passes it; `env NAME=V… CMD` runs CMD.
pub fn env(p: &mut Process, args: &[String]) -> i32 {
    let mut i = 0;
    while let Some((k, v)) = args.get(i).and_then(|a| a.split_once('=')) {
        p.env.insert(k.to_string(), v.to_string());
        i += 1;
    }
    if let Some(name) = args.get(i) {
        return match commands::find(p.shell, name) {
            Some(c) => (c.run)(p, &args[i + 1..]),
            None => {
                p.eprintln(&format!("env: ‘{name}’: No such file or directory"));
                127
            }
        };
    }
    let mut lines: Vec<String> = p.env.iter().map(|(k, v)| format!("{k}={v}")).collect();
    lines.push("_=/usr/bin/env".into());
    for l in lines {
        p.println(&l);
    }
    0
}

/// `which NAME…`: the program's path; nothing (and status 1) for builtins-only.
pub fn which(p: &mut Process, args: &[String]) -> i32 {
    let mut status = 0;
    for a in args.iter().filter(|a| !a.starts_with('-')) {
        match commands::find(p.shell, a).map(|c| c.origin) {
            Some(Origin::File(path)) | Some(Origin::BuiltinAndFile(path)) => p.println(path),
            _ => status = 1,
        }
    }
    status
}

/// `type NAME…`: alias, builtin or file, in bash's words.
pub fn type_(p: &mut Process, args: &[String]) -> i32 {
    let mut status = 0;
    for a in args {
        if let Some(v) = p.shell.aliases.get(a) {
            let line = format!("{a} is aliased to `{v}'");
            p.println(&line);
            continue;
        }
        match commands::find(p.shell, a).map(|c| c.origin) {
            Some(Origin::Builtin) | Some(Origin::BuiltinAndFile(_)) => p.println(&format!("{a} is a shell builtin")),
            Some(Origin::File(path)) => p.println(&format!("{a} is {path}")),
            None => {
                p.eprintln(&format!("bash: type: {a}: not found"));
                status = 1;
            }
        }
    }
    status
}

/// `date [+FORMAT]`: the simulated clock, in UTC as on the node.
pub fn date(p: &mut Process, args: &[String]) -> i32 {
    let mut format = "%a %b %e %H:%M:%S UTC %Y".to_string();
    for a in args {
        match a.as_str() {
            "-u" | "--utc" => {}
            f if f.starts_with('+') => format = f[1..].to_string(),
            other => {
                p.eprintln(&format!("date: invalid date ‘{other}’"));
                return 1;
            }
        }
    }
    let text = format_time(p.shell.cluster.now(), &format);
    p.println(&text);
    0
}

/// Formats a simulated instant in UTC with strftime directives.
pub fn format_time(t: SimTime, format: &str) -> String {
    let ts = t.to_k8s().0;
    let format = format.replace("%Z", "UTC");
    let mut s = String::new();
    let zoned = ts.to_zoned(k8s_openapi::jiff::tz::TimeZone::UTC);
    match k8s_openapi::jiff::fmt::strtime::format(format.as_bytes(), &zoned) {
        Ok(text) => s.push_str(&text),
        Err(_) => s.push_str(&format),
    }
    s
}

/// `watch [-n SECONDS] [-t] COMMAND…`: the first screen now; the page re-runs it.
pub fn watch(p: &mut Process, args: &[String]) -> i32 {
    let mut interval_ms = 2_000;
    let mut title = true;
    let mut i = 0;
    while let Some(a) = args.get(i) {
        let value = if a == "-n" || a == "--interval" {
            i += 1;
            Some(args.get(i).cloned().unwrap_or_default())
        } else if let Some(v) = a.strip_prefix("--interval=") {
            Some(v.to_string())
        } else if let Some(v) = a.strip_prefix("-n").filter(|v| !v.is_empty() && !a.starts_with("--")) {
            Some(v.to_string())
        } else if a == "-t" || a == "--no-title" {
            title = false;
            None
        } else if a.starts_with('-') && a.len() > 1 && a != "--" {
            p.eprintln(&format!("watch: invalid option -- '{}'", a.trim_start_matches('-').chars().next().unwrap_or('-')));
            p.eprintln(WATCH_USAGE);
            return 1;
        } else {
            if a == "--" {
                i += 1;
            }
            break;
        };
        if let Some(v) = value {
            match v.replace(',', ".").parse::<f64>() {
                Ok(s) if s.is_finite() => interval_ms = ((s.max(0.1)) * 1000.0) as i64,
                _ => {
                    p.eprintln(&format!("watch: failed to parse argument: '{v}'"));
                    return 1;
                }
            }
        }
        i += 1;
    }
    if i >= args.len() {
        p.eprintln(WATCH_USAGE);
        return 1;
    }
    let command = args[i..].join(" ");
    let command = if title { command } else { format!("{NO_TITLE}{command}") };
    let frame = watch_frame(p.shell, &command, interval_ms);
    for l in &frame.lines {
        p.write(l.stream, &l.text);
        p.write(l.stream, "\n");
    }
    p.effect = Some(Effect::Watch { command, interval_ms });
    0
}

/// The terminal width watch lays its header out in.
const WATCH_WIDTH: usize = 80;
const WATCH_USAGE: &str = "\nUsage:\n watch [options] command";
/// Marks a `watch -t` command (no header) inside [`Effect::Watch`].
const NO_TITLE: &str = "\u{0}";

/// One screen of `watch`: procps's header (`Every 2.0s: CMD` and, right-aligned in
/// 80 columns, `host: date`), an empty line, then the command's output.
pub fn watch_frame(sh: &mut Shell, command: &str, interval_ms: i64) -> CommandOutput {
    let (title, command) = match command.strip_prefix(NO_TITLE) {
        Some(c) => (false, c),
        None => (true, command),
    };
    let mut lines = Vec::new();
    if title {
        let header = format!("Every {:.1}s: ", interval_ms as f64 / 1000.0);
        let right = format!("{HOSTNAME}: {}", format_time(sh.cluster.now(), "%a %b %e %H:%M:%S %Y"));
        let (hlen, rlen, clen) = (header.chars().count(), right.chars().count(), command.chars().count());
        // A command too long for the line is cut and marked with "..." (procps 4).
        let left = if hlen + clen + 1 + rlen <= WATCH_WIDTH {
            format!("{header}{command}")
        } else {
            let keep = WATCH_WIDTH.saturating_sub(hlen + rlen + 4);
            format!("{header}{}...", command.chars().take(keep).collect::<String>())
        };
        let gap = WATCH_WIDTH.saturating_sub(left.chars().count() + rlen).max(1);
        lines.push(crate::output::OutputLine { stream: crate::output::Stream::Stdout, text: format!("{left}{}{right}", " ".repeat(gap)) });
        lines.push(crate::output::OutputLine { stream: crate::output::Stream::Stdout, text: String::new() });
    }
    let saved_status = sh.last_status;
    lines.extend(super::exec::run_nested(sh, command));
    sh.last_status = saved_status;
    CommandOutput { lines, effect: None, exit_code: 0 }
}

/// `jobs`: the background jobs, as bash lists them.
pub fn jobs(p: &mut Process, _args: &[String]) -> i32 {
    for line in p.shell.jobs_listing() {
        p.println(&line);
    }
    0
}

/// `fg [JOB]`: prints the job's command and runs it in the foreground (Ctrl+C ends it).
pub fn fg(p: &mut Process, args: &[String]) -> i32 {
    let spec = args.first().map_or("%+", String::as_str);
    if p.shell.jobs().is_empty() {
        p.eprintln("bash: fg: current: no such job");
        return 1;
    }
    match p.shell.take_job(spec) {
        Ok((command, Some(running))) => {
            p.println(&command);
            p.effect = Some(Effect::Foreground(running));
            0
        }
        Ok((_, None)) => {
            p.eprintln("bash: fg: job has terminated");
            1
        }
        Err(m) => {
            p.eprintln(&format!("bash: fg: {m}"));
            1
        }
    }
}

/// `bg [JOB]`: every job here already runs in the background.
pub fn bg(p: &mut Process, args: &[String]) -> i32 {
    let spec = args.first().map_or("%+", String::as_str);
    match p.shell.job_number(spec) {
        Some(n) => {
            p.eprintln(&format!("bash: bg: job {n} already in background"));
            0
        }
        None if args.is_empty() => {
            p.eprintln("bash: bg: current: no such job");
            1
        }
        None => {
            p.eprintln(&format!("bash: bg: {spec}: no such job"));
            1
        }
    }
}

/// `kill [-SIGNAL] JOB|PID…`: ends background jobs; bash reports each before the
/// next prompt with the signal's name.
pub fn kill(p: &mut Process, args: &[String]) -> i32 {
    let mut signal = "Terminated";
    let mut targets = Vec::new();
    for a in args {
        match a.as_str() {
            "-9" | "-KILL" | "-SIGKILL" => signal = "Killed",
            "-15" | "-TERM" | "-SIGTERM" => signal = "Terminated",
            "-2" | "-INT" | "-SIGINT" => signal = "Interrupt",
            "-1" | "-HUP" | "-SIGHUP" => signal = "Hangup",
            s if s.starts_with('-') && targets.is_empty() && s.len() > 1 => {
                p.eprintln(&format!("bash: kill: {}: invalid signal specification", &s[1..]));
                return 1;
            }
            s => targets.push(s.to_string()),
        }
    }
    if targets.is_empty() {
        p.eprintln("kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]");
        return 2;
    }
    let mut code = 0;
    for t in targets {
        if !t.starts_with('%') && t.parse::<u32>().is_err() {
            p.eprintln(&format!("bash: kill: {t}: arguments must be process or job IDs"));
            code = 1;
            continue;
        }
        if let Err(m) = p.shell.signal_job(&t, signal) {
            p.eprintln(&format!("bash: kill: {m}"));
            code = 1;
        }
    }
    code
}
