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

use super::getopt::{self, opt, opt_optional, Opt};
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

/// GNU sed's options (`bsnrzuEe:f:l:i::` and the long ones); `\u{1}` marks the
/// accepted ones that change nothing here (`--posix`, `--debug`, `--sandbox` …).
const OPTIONS: &[Opt] = &[
    opt('n', "quiet", false),
    opt('n', "silent", false),
    opt('e', "expression", true),
    opt('f', "file", true),
    opt_optional('i', "in-place"),
    opt('l', "line-length", true),
    opt('E', "regexp-extended", false),
    opt('r', "", false),
    opt('s', "separate", false),
    opt('z', "null-data", false),
    opt('z', "zero-terminated", false),
    opt('u', "unbuffered", false),
    opt('b', "binary", false),
    opt('\u{1}', "posix", false),
    opt('\u{1}', "debug", false),
    opt('\u{1}', "sandbox", false),
    opt('\u{1}', "follow-symlinks", false),
    opt('h', "help", false),
    opt('V', "version", false),
];

fn parse_args(args: &[String]) -> Parsed {
    let parsed = match getopt::parse("sed", args, OPTIONS) {
        Ok(p) => p,
        // getopt's message, then sed's usage instead of "Try --help".
        Err(lines) => return Parsed::Usage(lines.into_iter().next().unwrap_or_default()),
    };
    let mut o = Options { operands: parsed.operands, ..Options::default() };
    for (c, value) in parsed.opts {
        match c {
            'n' => o.quiet = true,
            'E' | 'r' => o.extended = true,
            's' => o.separate = true,
            'z' => o.null_data = true,
            'i' => {
                o.in_place = Some(value);
                o.separate = true;
            }
            'e' => o.scripts.push(ScriptArg::Expression(value)),
            'f' => o.scripts.push(ScriptArg::File(value)),
            'l' => match value.parse() {
                Ok(n) => o.line_length = Some(n),
                Err(_) => return Parsed::Usage(format!("sed: invalid line length: {value}")),
            },
            'h' => return Parsed::Print(USAGE),
            'V' => return Parsed::Print(VERSION),
            _ => {}
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
    let mut written = crate::sorting::btree_map(program.write_files().into_iter().map(|f| (f, String::new())));
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
