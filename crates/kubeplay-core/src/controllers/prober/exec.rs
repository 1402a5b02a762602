//! An exec probe's command run in its container: the program is looked up in the
//! image ([`ImageView`]) and reads the container's files as they are now
//! ([`super::super::container_files`]), with the error words of the image's userland
//! (BusyBox's `cat: can't open 'x': No such file or directory`, coreutils'
//! `cat: x: No such file or directory`). `sh -c` scripts run their simple commands
//! with `;`, `&&` and `||`.
//!
//! The programs that decide a probe by what is on disk are modelled (`cat`, `ls`,
//! `test`/`[`, `true`, `false`, `echo`, `sleep`, `exit`, `sh -c`); any other program
//! the image has (a database's own health check) answers success.

use crate::controllers::process::{simple_commands, Join};
use crate::shell::container::image_view::{ImageView, Userland};
use crate::vfs::{Vfs, VfsError};

/// How the command ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExecEnd {
    /// It exited with `code`; `output` is stdout and stderr as written.
    Exited { code: i32, output: String },
    /// It ran past the probe's timeout.
    TimedOut,
    /// The runtime could not start it: the program is not in the image.
    NotFound(String),
}

struct Run<'a> {
    view: &'a ImageView,
    fs: &'a Vfs,
    timeout_ms: i64,
    /// Time the command has used so far.
    spent_ms: i64,
    output: String,
}

/// Runs `argv` in a container whose image is `view` and whose files are `fs`.
pub fn run(view: &ImageView, fs: &Vfs, argv: &[String], timeout_seconds: i32) -> ExecEnd {
    let Some(first) = argv.first() else { return ExecEnd::Exited { code: 0, output: String::new() } };
    let program = first.rsplit('/').next().unwrap_or(first);
    if !view.has(program) {
        return ExecEnd::NotFound(first.clone());
    }
    let mut r = Run { view, fs, timeout_ms: i64::from(timeout_seconds.max(1)) * 1000, spent_ms: 0, output: String::new() };
    match r.command(argv) {
        Some(code) => ExecEnd::Exited { code, output: r.output },
        None => ExecEnd::TimedOut,
    }
}

impl Run<'_> {
    fn busybox(&self) -> bool {
        self.view.userland == Userland::Busybox
    }

    fn say(&mut self, line: &str) {
        self.output.push_str(line);
        self.output.push('\n');
    }

    /// Runs one command; `None` when the time ran out.
    fn command(&mut self, argv: &[String]) -> Option<i32> {
        let Some(first) = argv.first() else { return Some(0) };
        let program = first.rsplit('/').next().unwrap_or(first).to_string();
        let args = &argv[1..];
        let code = match program.as_str() {
            "sh" | "ash" | "bash" if args.first().map(String::as_str) == Some("-c") => return self.script(args.get(1).map(String::as_str).unwrap_or("")),
            "cat" => self.cat(args),
            "ls" => self.ls(args),
            "test" => i32::from(!self.test(args)),
            "[" if args.last().map(String::as_str) == Some("]") => i32::from(!self.test(&args[..args.len() - 1])),
            "true" => 0,
            "false" => 1,
            "echo" => {
                let line = args.join(" ");
                self.say(&line);
                0
            }
            "sleep" => {
                let secs = args.first().and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0);
                self.spent_ms += if secs.is_finite() { (secs * 1000.0) as i64 } else { i64::MAX / 2 };
                if self.spent_ms >= self.timeout_ms {
                    return None;
                }
                0
            }
            _ if !self.view.has(&program) => {
                let msg = if self.busybox() { format!("sh: {program}: not found") } else { format!("sh: 1: {program}: not found") };
                self.say(&msg);
                127
            }
            _ => 0,
        };
        Some(code)
    }

    /// `sh -c SCRIPT`: simple commands in turn, `exit N` ends the script.
    fn script(&mut self, script: &str) -> Option<i32> {
        let mut status = 0;
        for (join, part) in simple_commands(script) {
            let skip = match join {
                Join::Then => false,
                Join::And => status != 0,
                Join::Or => status == 0,
            };
            if skip {
                continue;
            }
            let Ok(words) = shell_words::split(&part) else {
                self.say("sh: syntax error: unterminated quoted string");
                return Some(2);
            };
            if words.first().map(String::as_str) == Some("exit") {
                return Some(words.get(1).and_then(|n| n.parse().ok()).unwrap_or(status));
            }
            status = self.command(&words)?;
        }
        Some(status)
    }

    fn path(arg: &str) -> String {
        Vfs::resolve("/", arg)
    }

    fn cat(&mut self, args: &[String]) -> i32 {
        let mut code = 0;
        for f in args.iter().filter(|a| !a.starts_with('-')) {
            match self.fs.read(&Self::path(f)) {
                Ok(text) => self.output.push_str(text),
                Err(e) => {
                    code = 1;
                    let msg = match (self.busybox(), e) {
                        (true, VfsError::IsADirectory) => "cat: read error: Is a directory".to_string(),
                        (true, e) => format!("cat: can't open '{f}': {e}"),
                        (false, e) => format!("cat: {f}: {e}"),
                    };
                    self.say(&msg);
                }
            }
        }
        code
    }

    fn ls(&mut self, args: &[String]) -> i32 {
        let mut code = 0;
        let operands: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
        for f in operands {
            let abs = Self::path(f);
            if self.fs.is_file(&abs) {
                self.say(f);
            } else if let Ok(names) = self.fs.list(&abs) {
                for n in names {
                    self.say(&n);
                }
            } else {
                code = if self.busybox() { 1 } else { 2 };
                let msg = if self.busybox() { format!("ls: {f}: No such file or directory") } else { format!("ls: cannot access '{f}': No such file or directory") };
                self.say(&msg);
            }
        }
        code
    }

    fn test(&self, args: &[String]) -> bool {
        match args {
            [flag, f] => {
                let abs = Self::path(f);
                match flag.as_str() {
                    "-e" => self.fs.is_file(&abs) || self.fs.is_dir(&abs),
                    "-f" => self.fs.is_file(&abs),
                    "-d" => self.fs.is_dir(&abs),
                    "-s" => self.fs.read(&abs).is_ok_and(|t| !t.is_empty()),
                    "-n" => !f.is_empty(),
                    "-z" => f.is_empty(),
                    _ => false,
                }
            }
            [a, op, b] => match op.as_str() {
                "=" | "==" => a == b,
                "!=" => a != b,
                _ => false,
            },
            [one] => !one.is_empty(),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn cat_speaks_the_userland_of_the_image() {
        let mut fs = Vfs::default();
        let busybox = ImageView::of("registry.k8s.io/busybox:1.27.2");
        let nginx = ImageView::of("nginx:1.27");
        assert_eq!(
            run(&busybox, &fs, &argv(&["cat", "/tmp/healthy"]), 1),
            ExecEnd::Exited { code: 1, output: "cat: can't open '/tmp/healthy': No such file or directory\n".into() }
        );
        assert_eq!(
            run(&nginx, &fs, &argv(&["cat", "/tmp/healthy"]), 1),
            ExecEnd::Exited { code: 1, output: "cat: /tmp/healthy: No such file or directory\n".into() }
        );
        fs.write("/tmp/healthy", String::new()).unwrap();
        assert_eq!(run(&busybox, &fs, &argv(&["cat", "/tmp/healthy"]), 1), ExecEnd::Exited { code: 0, output: String::new() });
    }

    #[test]
    fn scripts_timeouts_and_missing_programs() {
        let fs = Vfs::default();
        let busybox = ImageView::of("busybox:1.36");
        assert_eq!(run(&busybox, &fs, &argv(&["sh", "-c", "test -f /tmp/x || exit 3"]), 1), ExecEnd::Exited { code: 3, output: String::new() });
        assert_eq!(run(&busybox, &fs, &argv(&["sh", "-c", "[ -d /tmp ] && echo ok"]), 1), ExecEnd::Exited { code: 0, output: "ok\n".into() });
        assert_eq!(run(&busybox, &fs, &argv(&["sleep", "5"]), 1), ExecEnd::TimedOut);
        assert_eq!(run(&busybox, &fs, &argv(&["curl", "localhost"]), 1), ExecEnd::NotFound("curl".into()));
    }
}
