//! GNU sed 4.9 on the node: `sed [OPTION]... {script} [FILE]...` with `-n`, `-e`,
//! `-f`, `-E`/`-r`, `-s`, `-z`, `-i[SUFFIX]` (in place on the virtual files), the
//! commands of `compile.c` ([`parse`]) run as `execute.c` does ([`exec`]), and
//! sed's messages and exit statuses (1 bad usage or script, 2 an input file that
//! could not be read, 4 an I/O error such as editing a directory).
//!
//! `kubectl edit` runs `KUBE_EDITOR='sed -i …'` through here, which is how
//! transcripts edit objects without a person at the editor.

pub mod exec;
pub mod parse;
pub mod regex;

use crate::shell::commands::Process;
use crate::vfs::VfsError;
use exec::{Input, Line, Machine, Output};
use parse::{Compiler, Source};

const USAGE: &str = include_str!("usage.txt");
const VERSION: &str = include_str!("version.txt");

/// The options of one invocation.
#[derive(Default)]
struct Options {
    quiet: bool,
    extended: bool,
    separate: bool,
    null_data: bool,
    /// `-i`: the backup suffix (empty: no backup).
    in_place: Option<String>,
    line_length: Option<usize>,
    /// `-e` texts and `-f` files, in order.
    scripts: Vec<ScriptArg>,
    operands: Vec<String>,
}

enum ScriptArg {
    Expression(String),
    File(String),
}

/// What parsing the arguments ended in, besides options to run with.
enum Parsed {
    Run(Options),
    /// `--help`, `--version`: printed, exit 0.
    Print(&'static str),
    /// A usage error: the message before the usage text.
    Usage(String),
}

/// (long name, takes a value: 0 no, 1 required, 2 optional, short equivalent)
const LONG: &[(&str, u8, char)] = &[
    ("quiet", 0, 'n'),
    ("silent", 0, 'n'),
    ("expression", 1, 'e'),
    ("file", 1, 'f'),
    ("in-place", 2, 'i'),
    ("line-length", 1, 'l'),
    ("regexp-extended", 0, 'E'),
    ("separate", 0, 's'),
    ("null-data", 0, 'z'),
    ("zero-terminated", 0, 'z'),
    ("unbuffered", 0, 'u'),
    ("binary", 0, 'b'),
    ("posix", 0, '\u{1}'),
    ("debug", 0, '\u{1}'),
    ("sandbox", 0, '\u{1}'),
    ("follow-symlinks", 0, '\u{1}'),
    ("help", 0, 'h'),
    ("version", 0, 'V'),
];

fn parse_args(args: &[String]) -> Parsed {
    let mut o = Options::default();
    let mut i = 0;
    let apply = |o: &mut Options, c: char, value: Option<String>| -> Option<Parsed> {
        match c {
            'n' => o.quiet = true,
            'E' | 'r' => o.extended = true,
            's' => o.separate = true,
            'z' => o.null_data = true,
            'i' => {
                o.in_place = Some(value.unwrap_or_default());
                o.separate = true;
            }
            'e' => o.scripts.push(ScriptArg::Expression(value.unwrap_or_default())),
            'f' => o.scripts.push(ScriptArg::File(value.unwrap_or_default())),
            'l' => {
                let v = value.unwrap_or_default();
                match v.parse() {
                    Ok(n) => o.line_length = Some(n),
                    Err(_) => return Some(Parsed::Usage(format!("sed: invalid line length: {v}"))),
                }
            }
            'h' => return Some(Parsed::Print(USAGE)),
            'V' => return Some(Parsed::Print(VERSION)),
            _ => {}
        }
        None
    };
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "--" {
            o.operands.extend(args[i..].iter().cloned());
            break;
        }
        if let Some(long) = a.strip_prefix("--") {
            let (name, attached) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let exact = LONG.iter().find(|(l, _, _)| *l == name);
            let prefixed: Vec<_> = LONG.iter().filter(|(l, _, _)| l.starts_with(name)).collect();
            let found = exact.or(if prefixed.len() == 1 { Some(prefixed[0]) } else { None });
            let Some(&(lname, arg, c)) = found else {
                return Parsed::Usage(format!("sed: unrecognized option '{a}'"));
            };
            let value = match (arg, attached) {
                (0, Some(_)) => return Parsed::Usage(format!("sed: option '--{lname}' doesn't allow an argument")),
                (1, None) if i < args.len() => {
                    i += 1;
                    Some(args[i - 1].clone())
                }
                (1, None) => return Parsed::Usage(format!("sed: option '--{lname}' requires an argument")),
                (_, v) => v,
            };
            if let Some(done) = apply(&mut o, c, value) {
                return done;
            }
            continue;
        }
        if a.len() < 2 || !a.starts_with('-') {
            o.operands.push(a.clone());
            continue;
        }
        let chars: Vec<char> = a[1..].chars().collect();
        let mut j = 0;
        while j < chars.len() {
            let c = chars[j];
            j += 1;
            let rest: String = chars[j..].iter().collect();
            let value = match c {
                'n' | 'r' | 'E' | 's' | 'z' | 'u' | 'b' => None,
                'i' => {
                    j = chars.len();
                    Some(rest)
                }
                'e' | 'f' | 'l' => {
                    j = chars.len();
                    if !rest.is_empty() {
                        Some(rest)
                    } else if i < args.len() {
                        i += 1;
                        Some(args[i - 1].clone())
                    } else {
                        return Parsed::Usage(format!("sed: option requires an argument -- '{c}'"));
                    }
                }
                _ => return Parsed::Usage(format!("sed: invalid option -- '{c}'")),
            };
            if let Some(done) = apply(&mut o, c, value) {
                return done;
            }
        }
    }
    Parsed::Run(o)
}

fn print_usage(p: &mut Process, message: &str) -> i32 {
    if !message.is_empty() {
        p.eprintln(message);
    }
    p.write(crate::output::Stream::Stderr, USAGE);
    1
}

pub fn sed(p: &mut Process, args: &[String]) -> i32 {
    let mut o = match parse_args(args) {
        Parsed::Run(o) => o,
        Parsed::Print(text) => {
            p.print(text);
            return 0;
        }
        Parsed::Usage(message) => return print_usage(p, &message),
    };
    if o.scripts.is_empty() {
        if o.operands.is_empty() {
            return print_usage(p, "");
        }
        let script = o.operands.remove(0);
        o.scripts.push(ScriptArg::Expression(script));
    }
    let mut compiler = Compiler::new(o.extended);
    let mut expressions = 0;
    let mut last = Source::Expression(1);
    for s in &o.scripts {
        let (text, source) = match s {
            ScriptArg::Expression(t) => {
                expressions += 1;
                (t.clone(), Source::Expression(expressions))
            }
            ScriptArg::File(f) => {
                let text = if f == "-" { Ok(p.stdin_text().to_string()) } else { p.fs().read(&p.path(f)).map(str::to_string) };
                match text {
                    Ok(t) => (t, Source::File(f.clone())),
                    Err(e) => {
                        p.eprintln(&format!("sed: couldn't open file {f}: {e}"));
                        return 1;
                    }
                }
            }
        };
        if let Err(e) = compiler.piece(&text, &source) {
            p.eprintln(&format!("sed: {e}"));
            return 1;
        }
        last = source;
    }
    let program = match compiler.finish(&last) {
        Ok(prog) => prog,
        Err(e) => {
            p.eprintln(&format!("sed: {e}"));
            // A jump to a missing label is a `panic` in GNU sed (status 4).
            return if e.starts_with("can't find label") { 4 } else { 1 };
        }
    };
    let delim = if o.null_data { '\0' } else { '\n' };
    let fs = p.shell.fs.clone();
    let cwd = p.shell.cwd.clone();
    let read_file = move |name: &str| fs.read(&crate::vfs::Vfs::resolve(&cwd, name)).ok().map(str::to_string);
    let mut machine = Machine::new(&program, o.quiet, &read_file);
    if let Some(n) = o.line_length {
        machine.line_length = n;
    }
    let mut status = 0;
    // `w` files are created (emptied) before any input is read, as GNU opens them
    // while compiling.
    let mut written: std::collections::BTreeMap<String, String> = program.write_files().into_iter().map(|f| (f, String::new())).collect();
    let emit = |p: &mut Process, out: Output, written: &mut std::collections::BTreeMap<String, String>| {
        let mut at = 0;
        for (pos, message) in &out.messages {
            p.print(&out.text[at..*pos]);
            p.eprintln(message);
            at = *pos;
        }
        p.print(&out.text[at..]);
        p.write(crate::output::Stream::Stderr, &out.stderr);
        for (f, t) in out.files {
            written.entry(f).or_default().push_str(&t);
        }
    };
    if let Some(suffix) = o.in_place.clone() {
        if o.operands.is_empty() {
            p.eprintln("sed: no input files");
            return 4;
        }
        for name in o.operands.clone() {
            if machine.quit.is_some() {
                break;
            }
            let path = p.path(&name);
            let text = match p.fs().read(&path) {
                Ok(t) => t.to_string(),
                Err(VfsError::IsADirectory) => {
                    p.eprintln(&format!("sed: couldn't edit {name}: not a regular file"));
                    status = 4;
                    continue;
                }
                Err(e) => {
                    p.eprintln(&format!("sed: can't read {name}: {e}"));
                    status = 2;
                    continue;
                }
            };
            let lines = exec::lines(&text, delim);
            let mut out = Output::new(delim);
            machine.reset_ranges();
            machine.run(&mut Input { lines: &lines, next: 0, line_number: 0, file_name: &name, errors: Vec::new() }, &mut out);
            if !suffix.is_empty() {
                let backup = backup_name(&name, &suffix);
                let _ = p.shell.fs.write(&p.path(&backup), text.clone());
            }
            let new = std::mem::take(&mut out.text);
            let _ = p.shell.fs.write(&path, new);
            emit(p, out, &mut written);
        }
    } else {
        let names = if o.operands.is_empty() { vec!["-".to_string()] } else { o.operands.clone() };
        let groups: Vec<Vec<String>> = if o.separate { names.iter().map(|n| vec![n.clone()]).collect() } else { vec![names] };
        for group in groups {
            if machine.quit.is_some() {
                break;
            }
            let mut lines: Vec<Line> = Vec::new();
            let mut errors = Vec::new();
            for name in &group {
                let text = if name == "-" { Ok(p.stdin_text().to_string()) } else { p.fs().read(&p.path(name)).map(str::to_string) };
                match text {
                    Ok(t) => lines.extend(exec::lines(&t, delim)),
                    Err(VfsError::IsADirectory) => {
                        errors.push((lines.len(), format!("sed: read error on {name}: Is a directory")));
                        status = 4;
                    }
                    Err(e) => {
                        errors.push((lines.len(), format!("sed: can't read {name}: {e}")));
                        status = status.max(2);
                    }
                }
            }
            let mut out = Output::new(delim);
            machine.reset_ranges();
            let file_name = if group.len() == 1 { group[0].as_str() } else { "-" };
            machine.run(&mut Input { lines: &lines, next: 0, line_number: 0, file_name, errors }, &mut out);
            emit(p, out, &mut written);
        }
    }
    for (f, text) in written {
        if let Err(e) = p.shell.fs.write(&p.path(&f), text) {
            p.eprintln(&format!("sed: couldn't open file {f}: {e}"));
            status = 4;
        }
    }
    match machine.quit {
        Some(code) if code != 0 => code,
        _ => status,
    }
}

/// `-i.bak` appends the suffix; a suffix with `*` is a pattern for the whole name.
fn backup_name(name: &str, suffix: &str) -> String {
    if suffix.contains('*') {
        let (dir, base) = match name.rsplit_once('/') {
            Some((d, b)) => (format!("{d}/"), b),
            None => (String::new(), name),
        };
        format!("{dir}{}", suffix.replace('*', base))
    } else {
        format!("{name}{suffix}")
    }
}

#[cfg(test)]
mod tests;
