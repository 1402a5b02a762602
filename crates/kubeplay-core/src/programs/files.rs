//! GNU coreutils' file commands over the virtual file system: `cat`, `ls`, `mkdir`,
//! `rm`, `rmdir`, `touch`, `cp`, `mv`, `tee`, with their messages.

use super::getopt::{self, opt};
use crate::shell::commands::Process;
use crate::time::SimTime;
use crate::vfs::{Vfs, VfsError};

/// Prints getopt's error lines; the status coreutils exit with on bad usage.
fn usage(p: &mut Process, lines: Vec<String>, status: i32) -> i32 {
    for l in lines {
        p.eprintln(&l);
    }
    status
}

fn missing(p: &mut Process, cmd: &str, what: &str) -> i32 {
    p.eprintln(&format!("{cmd}: missing {what}"));
    p.eprintln(&format!("Try '{cmd} --help' for more information."));
    1
}

pub fn cat(p: &mut Process, args: &[String]) -> i32 {
    let opts = [opt('n', "number", false), opt('A', "show-all", false), opt('E', "show-ends", false)];
    let parsed = match getopt::parse("cat", args, &opts) {
        Ok(x) => x,
        Err(e) => return usage(p, e, 1),
    };
    let (inputs, failed) = p.inputs("cat", &parsed.operands);
    let mut text: String = inputs.into_iter().map(|(_, t)| t).collect();
    if parsed.has('E') || parsed.has('A') {
        text = text.split_inclusive('\n').map(|l| match l.strip_suffix('\n') {
            Some(body) => format!("{body}$\n"),
            None => l.to_string(),
        }).collect();
    }
    if parsed.has('n') {
        text = text.split_inclusive('\n').enumerate().map(|(i, l)| format!("{:6}\t{l}", i + 1)).collect();
    }
    p.print(&text);
    i32::from(failed)
}

/// `ls [-a] [-A] [-l] [-1] [-d] [FILE]…`: columns on a terminal (80 wide, as GNU
/// lays them out), one name per line into a pipe.
pub fn ls(p: &mut Process, args: &[String]) -> i32 {
    let opts = [
        opt('a', "all", false),
        opt('A', "almost-all", false),
        opt('l', "", false),
        opt('1', "", false),
        opt('d', "directory", false),
        opt('h', "human-readable", false),
    ];
    let parsed = match getopt::parse("ls", args, &opts) {
        Ok(x) => x,
        Err(e) => return usage(p, e, 2),
    };
    let long = parsed.has('l');
    let one_per_line = parsed.has('1') || !p.tty;
    let mut operands = parsed.operands.clone();
    if operands.is_empty() {
        operands.push(".".into());
    }
    let mut status = 0;
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for o in &operands {
        let abs = p.path(o);
        if p.fs().is_dir(&abs) && !parsed.has('d') {
            dirs.push((o.clone(), abs));
        } else if p.fs().is_file(&abs) || p.fs().is_dir(&abs) {
            files.push((o.clone(), abs));
        } else if p.busybox() {
            p.eprintln(&format!("ls: {o}: No such file or directory"));
            status = 1;
        } else {
            p.eprintln(&format!("ls: cannot access '{o}': No such file or directory"));
            status = 2;
        }
    }
    crate::sorting::sort(&mut files);
    crate::sorting::sort(&mut dirs);
    let mut sections = 0;
    let layout = if p.busybox() { Layout::Busybox } else { Layout::Gnu };
    if !files.is_empty() {
        let lines = listing(p.fs(), &files, long, one_per_line, layout, p.shell.cluster.now(), false);
        p.print(&lines);
        sections += 1;
    }
    let headers = operands.len() > 1;
    for (shown, abs) in dirs {
        if sections > 0 {
            p.print("\n");
        }
        if headers {
            p.println(&format!("{shown}:"));
        }
        let mut entries: Vec<(String, String)> = Vec::new();
        if parsed.has('a') {
            entries.push((".".into(), abs.clone()));
            entries.push(("..".into(), Vfs::resolve(&abs, "..")));
        }
        for name in p.fs().list(&abs).unwrap_or_default() {
            if name.starts_with('.') && !parsed.has('a') && !parsed.has('A') {
                continue;
            }
            let path = if abs == "/" { format!("/{name}") } else { format!("{abs}/{name}") };
            entries.push((name, path));
        }
        let text = listing(p.fs(), &entries, long, one_per_line, layout, p.shell.cluster.now(), true);
        p.print(&text);
        sections += 1;
    }
    status
}

/// Whose `ls` lays out the short listing's columns.
#[derive(Clone, Copy)]
enum Layout {
    Gnu,
    Busybox,
}

/// The lines of one listing (`total` first for a directory in long format).
fn listing(fs: &Vfs, entries: &[(String, String)], long: bool, one_per_line: bool, layout: Layout, now: SimTime, total: bool) -> String {
    if long {
        let rows: Vec<[String; 4]> = entries.iter().map(|(name, abs)| long_fields(fs, name, abs, now)).collect();
        let links_w = rows.iter().map(|r| r[1].len()).max().unwrap_or(1);
        let size_w = rows.iter().map(|r| r[2].len()).max().unwrap_or(1);
        let mut out = String::new();
        if total {
            let blocks: u64 = entries.iter().map(|(_, abs)| blocks_kib(fs, abs)).sum();
            out.push_str(&format!("total {blocks}\n"));
        }
        for r in rows {
            out.push_str(&format!("{} {:>links_w$} root root {:>size_w$} {}\n", r[0], r[1], r[2], r[3]));
        }
        return out;
    }
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    if one_per_line {
        return names.iter().map(|n| format!("{n}\n")).collect();
    }
    match layout {
        Layout::Gnu => columns(&names, 80),
        Layout::Busybox => busybox_columns(&names, 80),
    }
}

/// BusyBox ls's `display_files`: every column as wide as the longest name + 2,
/// as many as fit the width, filled down then across; spaces before each name
/// but the first, none after the last.
fn busybox_columns(names: &[&str], width: usize) -> String {
    let column_width = names.iter().map(|s| s.chars().count()).max().unwrap_or(0) + 2;
    let cols = (width / column_width).max(1);
    let rows = names.len().div_ceil(cols);
    let mut out = String::new();
    for r in 0..rows {
        let mut column = 0;
        let mut next = 0;
        for c in 0..cols {
            let Some(name) = names.get(c * rows + r) else { continue };
            if column > 0 {
                out.push_str(&" ".repeat(next - column));
                column = next;
            }
            next = column + column_width;
            out.push_str(name);
            column += name.chars().count();
        }
        out.push('\n');
    }
    out
}

/// mode, links, size, "date name" of `ls -l`.
fn long_fields(fs: &Vfs, name: &str, abs: &str, now: SimTime) -> [String; 4] {
    let is_dir = fs.is_dir(abs);
    let mode = if abs == "/tmp" {
        "drwxrwxrwt"
    } else if is_dir {
        "drwxr-xr-x"
    } else {
        "-rw-r--r--"
    };
    let links = if is_dir { 2 + fs.list(abs).unwrap_or_default().iter().filter(|n| fs.is_dir(&Vfs::resolve(abs, n))).count() } else { 1 };
    let size = if is_dir { 4096 } else { fs.read(abs).map(|s| s.len()).unwrap_or(0) };
    let mtime = fs.mtime(abs);
    // GNU ls shows the time for files from the last six months, else the year.
    let recent = mtime <= now && now.millis_since(mtime) < 183 * SimTime::DAY;
    let format = if recent { "%b %e %H:%M" } else { "%b %e  %Y" };
    let date = crate::shell::builtins::format_time(mtime, format);
    [mode.to_string(), links.to_string(), size.to_string(), format!("{date} {name}")]
}

/// Disk usage in KiB on a 4 KiB-block file system.
fn blocks_kib(fs: &Vfs, abs: &str) -> u64 {
    if fs.is_dir(abs) {
        return 4;
    }
    let size = fs.read(abs).map(|s| s.len() as u64).unwrap_or(0);
    size.div_ceil(4096) * 4
}

/// GNU ls's vertical columns: the most columns whose widths (name + 2, the last
/// column without the 2) stay under the line width; padding with tabs (tab size 8)
/// where a tab reaches the next column, as ls's `indent` does.
fn columns(names: &[&str], width: usize) -> String {
    if names.is_empty() {
        return String::new();
    }
    let n = names.len();
    let lens: Vec<usize> = names.iter().map(|s| s.chars().count()).collect();
    let mut best: (usize, Vec<usize>) = (1, vec![lens.iter().copied().max().unwrap_or(0)]);
    for cols in (1..=n.min(width / 3).max(1)).rev() {
        let rows = n.div_ceil(cols);
        let mut widths = vec![0; cols];
        for (i, len) in lens.iter().enumerate() {
            let c = i / rows;
            let w = len + if c == cols - 1 { 0 } else { 2 };
            widths[c] = widths[c].max(w);
        }
        if widths.iter().sum::<usize>() < width {
            best = (cols, widths);
            break;
        }
    }
    let (cols, widths) = best;
    let rows = n.div_ceil(cols);
    let mut out = String::new();
    for r in 0..rows {
        let mut pos = 0;
        let mut target = 0;
        for (c, width) in widths.iter().enumerate() {
            let i = c * rows + r;
            if i >= n {
                break;
            }
            // Pad from the end of the previous name to this column.
            while pos < target {
                if target / 8 > (pos + 1) / 8 {
                    out.push('\t');
                    pos += 8 - pos % 8;
                } else {
                    out.push(' ');
                    pos += 1;
                }
            }
            out.push_str(names[i]);
            pos += lens[i];
            target += width;
        }
        out.push('\n');
    }
    out
}

pub fn mkdir(p: &mut Process, args: &[String]) -> i32 {
    let opts = [opt('p', "parents", false), opt('v', "verbose", false)];
    let parsed = match getopt::parse("mkdir", args, &opts) {
        Ok(x) => x,
        Err(e) => return usage(p, e, 1),
    };
    if parsed.operands.is_empty() {
        return missing(p, "mkdir", "operand");
    }
    let mut status = 0;
    for o in &parsed.operands {
        let abs = p.path(o);
        if parsed.has('p') {
            let mut path = String::new();
            for comp in abs.split('/').filter(|c| !c.is_empty()) {
                path.push('/');
                path.push_str(comp);
                if p.fs().is_dir(&path) {
                    continue;
                }
                if let Err(e) = p.shell.fs.mkdir(&path) {
                    p.eprintln(&format!("mkdir: cannot create directory ‘{o}’: {e}"));
                    status = 1;
                    break;
                }
            }
            continue;
        }
        if let Err(e) = p.shell.fs.mkdir(&abs) {
            let e = if e == VfsError::NotFound && p.fs().is_file(parent(&abs)) { VfsError::NotADirectory } else { e };
            p.eprintln(&format!("mkdir: cannot create directory ‘{o}’: {e}"));
            status = 1;
        }
    }
    status
}

fn parent(abs: &str) -> &str {
    match abs.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &abs[..i],
    }
}

pub fn rm(p: &mut Process, args: &[String]) -> i32 {
    let opts = [opt('f', "force", false), opt('r', "recursive", false), opt('R', "", false), opt('i', "", false), opt('v', "verbose", false)];
    let parsed = match getopt::parse("rm", args, &opts) {
        Ok(x) => x,
        Err(e) => return usage(p, e, 1),
    };
    let force = parsed.has('f');
    let recursive = parsed.has('r') || parsed.has('R');
    if parsed.operands.is_empty() {
        return if force { 0 } else { missing(p, "rm", "operand") };
    }
    let mut status = 0;
    for o in &parsed.operands {
        let abs = p.path(o);
        if p.fs().is_dir(&abs) {
            if !recursive {
                p.eprintln(&format!("rm: cannot remove '{o}': Is a directory"));
                status = 1;
            } else if abs == "/" {
                p.eprintln("rm: it is dangerous to operate recursively on '/'");
                p.eprintln("rm: use --no-preserve-root to override this failsafe");
                status = 1;
            } else {
                p.shell.fs.remove_tree(&abs);
                if p.shell.cwd == abs || p.shell.cwd.starts_with(&format!("{abs}/")) {
                    // The working directory is gone; bash keeps its name.
                }
            }
            continue;
        }
        if let Err(e) = p.shell.fs.remove_file(&abs) {
            if !(force && e == VfsError::NotFound) {
                p.eprintln(&format!("rm: cannot remove '{o}': {e}"));
                status = 1;
            }
        }
    }
    status
}

pub fn rmdir(p: &mut Process, args: &[String]) -> i32 {
    let parsed = match getopt::parse("rmdir", args, &[opt('p', "parents", false)]) {
        Ok(x) => x,
        Err(e) => return usage(p, e, 1),
    };
    if parsed.operands.is_empty() {
        return missing(p, "rmdir", "operand");
    }
    let mut status = 0;
    for o in &parsed.operands {
        let abs = p.path(o);
        if let Err(e) = p.shell.fs.remove_dir(&abs) {
            p.eprintln(&format!("rmdir: failed to remove '{o}': {e}"));
            status = 1;
        }
    }
    status
}

pub fn touch(p: &mut Process, args: &[String]) -> i32 {
    let parsed = match getopt::parse("touch", args, &[opt('c', "no-create", false)]) {
        Ok(x) => x,
        Err(e) => return usage(p, e, 1),
    };
    if parsed.operands.is_empty() {
        return missing(p, "touch", "file operand");
    }
    let mut status = 0;
    for o in &parsed.operands {
        let abs = p.path(o);
        if p.fs().is_file(&abs) || p.fs().is_dir(&abs) {
            p.shell.fs.touch(&abs);
        } else if !parsed.has('c') {
            if let Err(e) = p.shell.fs.write(&abs, String::new()) {
                p.eprintln(&format!("touch: cannot touch '{o}': {e}"));
                status = 1;
            }
        }
    }
    status
}

/// The destination path of copying/moving `src` to `dst` (into it if a directory).
fn destination(fs: &Vfs, src_abs: &str, dst_abs: &str) -> String {
    if fs.is_dir(dst_abs) {
        let name = src_abs.rsplit('/').next().unwrap_or_default();
        Vfs::resolve(dst_abs, name)
    } else {
        dst_abs.to_string()
    }
}

/// Copies a file or (with `recursive`) a tree; `Err` is the message.
fn copy(p: &mut Process, cmd: &str, src: &str, dst: &str, recursive: bool) -> Result<String, String> {
    let src_abs = p.path(src);
    let dst_abs = p.path(dst);
    if !p.fs().is_file(&src_abs) && !p.fs().is_dir(&src_abs) {
        return Err(format!("{cmd}: cannot stat '{src}': No such file or directory"));
    }
    let target = destination(p.fs(), &src_abs, &dst_abs);
    if p.fs().is_dir(&src_abs) {
        if !recursive {
            return Err(format!("{cmd}: -r not specified; omitting directory '{src}'"));
        }
        if target == src_abs || target.starts_with(&format!("{src_abs}/")) {
            return Err(format!("{cmd}: cannot copy a directory, '{src}', into itself, '{dst}'"));
        }
        if !p.fs().is_dir(&target) {
            p.shell.fs.mkdir(&target).map_err(|e| format!("{cmd}: cannot create directory '{dst}': {e}"))?;
        }
        for path in p.fs().descendants(&src_abs) {
            let to = format!("{target}{}", &path[src_abs.len()..]);
            if p.fs().is_dir(&path) {
                let _ = p.shell.fs.mkdir(&to);
            } else if let Ok(text) = p.fs().read(&path).map(str::to_string) {
                let _ = p.shell.fs.write(&to, text);
            }
        }
        return Ok(target);
    }
    if target == src_abs {
        return Err(format!("{cmd}: '{src}' and '{dst}' are the same file"));
    }
    let text = p.fs().read(&src_abs).map(str::to_string).map_err(|e| format!("{cmd}: cannot open '{src}' for reading: {e}"))?;
    p.shell.fs.write(&target, text).map_err(|e| format!("{cmd}: cannot create regular file '{dst}': {e}"))?;
    Ok(target)
}

/// The sources and the destination of `cp`/`mv`, or the usage error.
fn sources_and_dest(p: &mut Process, cmd: &str, operands: &[String]) -> Option<(Vec<String>, String)> {
    match operands {
        [] => {
            missing(p, cmd, "file operand");
            None
        }
        [one] => {
            p.eprintln(&format!("{cmd}: missing destination file operand after '{one}'"));
            p.eprintln(&format!("Try '{cmd} --help' for more information."));
            None
        }
        [srcs @ .., dst] => {
            if srcs.len() > 1 && !p.fs().is_dir(&p.path(dst)) {
                p.eprintln(&format!("{cmd}: target '{dst}': Not a directory"));
                return None;
            }
            Some((srcs.to_vec(), dst.clone()))
        }
    }
}

pub fn cp(p: &mut Process, args: &[String]) -> i32 {
    let opts = [opt('r', "recursive", false), opt('R', "", false), opt('f', "force", false), opt('a', "archive", false), opt('v', "verbose", false)];
    let parsed = match getopt::parse("cp", args, &opts) {
        Ok(x) => x,
        Err(e) => return usage(p, e, 1),
    };
    let Some((srcs, dst)) = sources_and_dest(p, "cp", &parsed.operands) else { return 1 };
    let recursive = parsed.has('r') || parsed.has('R') || parsed.has('a');
    let mut status = 0;
    for s in srcs {
        if let Err(m) = copy(p, "cp", &s, &dst, recursive) {
            p.eprintln(&m);
            status = 1;
        }
    }
    status
}

pub fn mv(p: &mut Process, args: &[String]) -> i32 {
    let opts = [opt('f', "force", false), opt('v', "verbose", false)];
    let parsed = match getopt::parse("mv", args, &opts) {
        Ok(x) => x,
        Err(e) => return usage(p, e, 1),
    };
    let Some((srcs, dst)) = sources_and_dest(p, "mv", &parsed.operands) else { return 1 };
    let mut status = 0;
    for s in srcs {
        let src_abs = p.path(&s);
        if destination(p.fs(), &src_abs, &p.path(&dst)) == src_abs {
            p.eprintln(&format!("mv: '{s}' and '{dst}' are the same file"));
            status = 1;
            continue;
        }
        match copy(p, "mv", &s, &dst, true) {
            Ok(_) => {
                if p.fs().is_dir(&src_abs) {
                    p.shell.fs.remove_tree(&src_abs);
                } else {
                    let _ = p.shell.fs.remove_file(&src_abs);
                }
            }
            Err(m) => {
                p.eprintln(&m);
                status = 1;
            }
        }
    }
    status
}

pub fn tee(p: &mut Process, args: &[String]) -> i32 {
    let parsed = match getopt::parse("tee", args, &[opt('a', "append", false)]) {
        Ok(x) => x,
        Err(e) => return usage(p, e, 1),
    };
    let text = p.stdin_text().to_string();
    let mut status = 0;
    for o in &parsed.operands {
        let abs = p.path(o);
        let result = if parsed.has('a') { p.shell.fs.append(&abs, &text) } else { p.shell.fs.write(&abs, text.clone()) };
        if let Err(e) = result {
            p.eprintln(&format!("tee: {o}: {e}"));
            status = 1;
        }
    }
    p.print(&text);
    status
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_like_gnu_ls() {
        let names = ["a", "bb", "ccc-long-name-here.txt", "d1", "dir", "nginx-deployment.yaml", "nginx-service.yaml", "simple-pod.yaml"];
        assert_eq!(
            columns(&names, 80),
            "a   ccc-long-name-here.txt  dir\t\t\t   nginx-service.yaml\nbb  d1\t\t\t    nginx-deployment.yaml  simple-pod.yaml\n"
        );
        assert_eq!(columns(&["x.yaml", "y.yaml"], 80), "x.yaml\ty.yaml\n");
    }

    #[test]
    fn columns_like_busybox_ls() {
        let root = ["bin", "dev", "etc", "home", "lib", "lib64", "proc", "root", "sys", "tmp", "usr", "var"];
        assert_eq!(
            busybox_columns(&root, 80),
            "bin    etc    lib    proc   sys    usr\ndev    home   lib64  root   tmp    var\n"
        );
        assert_eq!(busybox_columns(&["hostname", "hosts", "resolv.conf"], 80), "hostname     hosts        resolv.conf\n");
    }
}
