//! Tab completion as bash with kubectl's completion script does it: the word under
//! the cursor is completed from the commands (first word), from
//! `kubectl __complete` ([`crate::kubectl::complete`]) after `kubectl`/`k`, or
//! from file names. One candidate is inserted (with a space, not after a directory
//! or when cobra says `NoSpace`); several insert their common prefix, and a second
//! Tab lists them under the line — kubectl's with their descriptions, in columns as
//! readline prints them. The page's console calls [`Shell::complete`] on Tab.

use super::commands::{self, COMMANDS};
use super::Shell;
use crate::kubectl::complete::{self as cobra, Completions};
use crate::vfs::Vfs;

/// What Tab did to the line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TabResult {
    pub line: String,
    /// The cursor, in characters.
    pub cursor: usize,
    /// A second Tab over several candidates: the lines bash lists under the prompt.
    pub listing: Vec<String>,
}

/// readline's `COMP_WORDBREAKS` that matter here: completion replaces the text
/// after the last of them (`--namespace=ku` completes `ku`).
const BREAKS: &[char] = &['=', ':'];

/// Programs that only exist in containers, offered at the first word there.
const CONTAINER_ONLY: &[&str] = &["ps", "sh", "bash"];

/// The candidates for the word being completed and how to insert them.
struct Candidates {
    /// Full replacements for the text from `start`, with descriptions.
    items: Vec<(String, String)>,
    /// Where the replaced text starts (a char index into the line).
    start: usize,
    no_space: bool,
    /// File names: the listing shows only their last component.
    files: bool,
}

impl Shell {
    /// Completes the word before `cursor` (a char index); `listing`: this is the
    /// second Tab in a row. `columns`: the terminal's width for the listing.
    pub fn complete(&self, line: &str, cursor: usize, listing: bool, columns: usize) -> TabResult {
        let chars: Vec<char> = line.chars().collect();
        let cursor = cursor.min(chars.len());
        let unchanged = TabResult { line: line.to_string(), cursor, listing: Vec::new() };
        let before: String = chars[..cursor].iter().collect();
        let mut cands = self.candidates(&before);
        crate::sorting::sort(&mut cands.items);
        cands.items.dedup_by(|a, b| a.0 == b.0);
        let typed: String = chars[cands.start..cursor].iter().collect();
        let after: String = chars[cursor..].iter().collect();
        let head: String = chars[..cands.start].iter().collect();
        let insert = |text: &str| {
            let line = format!("{head}{text}{after}");
            TabResult { cursor: head.chars().count() + text.chars().count(), line, listing: Vec::new() }
        };
        match cands.items.as_slice() {
            [] => unchanged,
            [(only, _)] => {
                let space = if cands.no_space || only.ends_with('/') || after.starts_with(' ') { "" } else { " " };
                insert(&format!("{only}{space}"))
            }
            many => {
                let common = common_prefix(many.iter().map(|(w, _)| w.as_str()));
                if common.chars().count() > typed.chars().count() && common.starts_with(typed.as_str()) {
                    return insert(&common);
                }
                if !listing {
                    return unchanged;
                }
                let shown: Vec<(String, String)> = many
                    .iter()
                    .map(|(w, d)| {
                        let w = if cands.files { file_label(w) } else { w.clone() };
                        (w, d.clone())
                    })
                    .collect();
                TabResult { listing: columns_of(&with_descriptions(&shown, columns), columns), ..unchanged }
            }
        }
    }

    fn candidates(&self, before: &str) -> Candidates {
        let chars: Vec<char> = before.chars().collect();
        let word_start = chars.iter().rposition(|c| c.is_whitespace() || matches!(c, '|' | ';' | '&' | '(' | '<' | '>')).map_or(0, |i| i + 1);
        let word: String = chars[word_start..].iter().collect();
        let segment_start = chars[..word_start].iter().rposition(|c| matches!(c, '|' | ';' | '&' | '(')).map_or(0, |i| i + 1);
        let segment: String = chars[segment_start..word_start].iter().collect();
        let mut words: Vec<String> = shell_words::split(&segment).unwrap_or_else(|_| segment.split_whitespace().map(str::to_string).collect());
        if let Some(expansion) = words.first().and_then(|w| self.aliases.get(w)) {
            let mut expanded: Vec<String> = expansion.split_whitespace().map(str::to_string).collect();
            expanded.extend(words.drain(1..));
            words = expanded;
        }
        let files = |dirs_only: bool| Candidates { items: self.file_names(&word, dirs_only, &[]), start: word_start, no_space: false, files: true };
        let Some(command) = words.first() else {
            if word.contains('/') {
                return files(false);
            }
            let items = self.command_names(&word).into_iter().map(|n| (n, String::new())).collect();
            return Candidates { items, start: word_start, no_space: false, files: false };
        };
        let kubectl = command == "kubectl" && commands::find(self, "kubectl").is_some();
        if !kubectl {
            return files(command == "cd");
        }
        let Completions { items, directive } = cobra::complete(&self.cluster, &self.kubeconfig, &words[1..], &word);
        // cobra answers a `--flag=value` word with values only.
        let value_start = match word.rfind(BREAKS) {
            Some(i) if items.iter().all(|(w, _)| !w.contains(&word[..=i])) => word_start + word[..=i].chars().count(),
            _ => word_start,
        };
        let value: String = word.chars().skip(value_start - word_start).collect();
        if directive & cobra::FILTER_FILE_EXT != 0 {
            let exts: Vec<String> = items.into_iter().map(|(w, _)| w).collect();
            return Candidates { items: self.file_names(&value, false, &exts), start: value_start, no_space: false, files: true };
        }
        if directive & cobra::FILTER_DIRS != 0 {
            return Candidates { items: self.file_names(&value, true, &[]), start: value_start, no_space: false, files: true };
        }
        if items.is_empty() && directive & (cobra::NO_FILE_COMP | cobra::ERROR) == 0 {
            return Candidates { items: self.file_names(&value, false, &[]), start: value_start, no_space: false, files: true };
        }
        Candidates { items, start: value_start, no_space: directive & cobra::NO_SPACE != 0, files: false }
    }

    /// Aliases and commands that start with `prefix`, where the shell runs.
    fn command_names(&self, prefix: &str) -> Vec<String> {
        let names = COMMANDS.iter().map(|c| c.name).chain(CONTAINER_ONLY.iter().copied());
        let mut out: Vec<String> = names.filter(|n| n.starts_with(prefix) && commands::find(self, n).is_some()).map(str::to_string).collect();
        out.extend(self.aliases.keys().filter(|a| a.starts_with(prefix)).cloned());
        out
    }

    /// bash's file name completion of `word` (`dir/pre`): entries of the directory
    /// starting with the last part, directories with `/`; hidden ones only for a
    /// leading `.`. `exts` keeps only files with these extensions (and directories).
    fn file_names(&self, word: &str, dirs_only: bool, exts: &[String]) -> Vec<(String, String)> {
        let (dir_part, prefix) = match word.rfind('/') {
            Some(i) => (&word[..=i], &word[i + 1..]),
            None => ("", word),
        };
        let dir = if dir_part.is_empty() { self.cwd.clone() } else { Vfs::resolve(&self.cwd, dir_part) };
        let Ok(entries) = self.fs.list(&dir) else { return Vec::new() };
        entries
            .into_iter()
            .filter(|e| e.starts_with(prefix) && (prefix.starts_with('.') || !e.starts_with('.')))
            .filter_map(|e| {
                let path = Vfs::resolve(&dir, &e);
                let is_dir = self.fs.is_dir(&path);
                let keep = is_dir || (!dirs_only && (exts.is_empty() || exts.iter().any(|x| e.ends_with(&format!(".{x}")))));
                keep.then(|| (format!("{dir_part}{e}{}", if is_dir { "/" } else { "" }), String::new()))
            })
            .collect()
    }
}

fn common_prefix<'a>(mut words: impl Iterator<Item = &'a str>) -> String {
    let Some(first) = words.next() else { return String::new() };
    let mut prefix: Vec<char> = first.chars().collect();
    for w in words {
        let n = prefix.iter().zip(w.chars()).take_while(|(a, b)| **a == *b).count();
        prefix.truncate(n);
    }
    prefix.into_iter().collect()
}

/// The last component of a path candidate (`dir/file` lists as `file`, `dir/` as `dir/`).
fn file_label(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    let base = trimmed.rsplit('/').next().unwrap_or(trimmed);
    if path.ends_with('/') { format!("{base}/") } else { base.to_string() }
}

/// cobra's bash V2 `__kubectl_format_comp_descriptions`: candidates padded to the
/// longest, then `  (description)`, cut with `…` at the terminal's width.
fn with_descriptions(items: &[(String, String)], columns: usize) -> Vec<String> {
    let longest = items.iter().map(|(w, _)| w.chars().count()).max().unwrap_or(0);
    items
        .iter()
        .map(|(w, d)| {
            if d.is_empty() {
                return w.clone();
            }
            let mut comp = w.clone();
            let mut max_desc = columns as i64 - longest as i64 - 4;
            if max_desc > 8 {
                comp.push_str(&" ".repeat(longest - w.chars().count()));
            } else {
                max_desc = columns as i64 - w.chars().count() as i64 - 4;
            }
            if max_desc > 0 {
                let desc: String = if d.chars().count() as i64 > max_desc {
                    let cut: String = d.chars().take(max_desc as usize - 1).collect();
                    format!("{cut}…")
                } else {
                    d.clone()
                };
                comp.push_str(&format!("  ({desc})"));
            }
            comp
        })
        .collect()
}

/// readline's `rl_display_match_list`: sorted items down the columns, each column
/// as wide as the longest item plus two.
fn columns_of(items: &[String], columns: usize) -> Vec<String> {
    let width = items.iter().map(|i| i.chars().count()).max().unwrap_or(0) + 2;
    let per_line = (columns / width).max(1);
    let rows = items.len().div_ceil(per_line);
    (0..rows)
        .map(|r| {
            let mut line = String::new();
            let mut i = r;
            while i < items.len() {
                let item = &items[i];
                line.push_str(item);
                i += rows;
                if i < items.len() {
                    line.push_str(&" ".repeat(width - item.chars().count()));
                }
            }
            line
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::cluster::ClusterConfig;
    use crate::shell::Shell;

    fn tab(sh: &Shell, line: &str) -> String {
        sh.complete(line, line.chars().count(), false, 80).line
    }

    #[test]
    fn first_word_kubectl_and_files() {
        let sh = Shell::new(ClusterConfig::default());
        assert_eq!(tab(&sh, "kubec"), "kubectl ");
        assert_eq!(tab(&sh, "kubectl ge"), "kubectl get ");
        assert_eq!(tab(&sh, "k get nam"), "k get namespaces ");
        // `nodes` and `nodes.metrics.k8s.io`: the common prefix, no space.
        assert_eq!(tab(&sh, "k get no"), "k get nodes");
        assert_eq!(tab(&sh, "kubectl get nodes con"), "kubectl get nodes controlplane ");
        assert_eq!(tab(&sh, "kubectl -n kube-system get pods etcd"), "kubectl -n kube-system get pods etcd-controlplane ");
        assert_eq!(tab(&sh, "kubectl get pods --namespace=kube-sy"), "kubectl get pods --namespace=kube-system ");
        assert_eq!(tab(&sh, "kubectl apply -f nginx-d"), "kubectl apply -f nginx-deployment.yaml ");
        assert_eq!(tab(&sh, "cat simple"), "cat simple-pod.yaml ");
        assert_eq!(tab(&sh, "kubectl get --all-n"), "kubectl get --all-namespaces ");
        // Several candidates: the common prefix, then the list on a second Tab.
        assert_eq!(tab(&sh, "kubectl de"), "kubectl de");
        let listed = sh.complete("kubectl de", 10, true, 80).listing;
        assert_eq!(listed, ["debug     (Create debugging sessions for troubleshooting workloads and nodes)", "delete    (Delete resources by file names, stdin, resources and names, or by r…)", "describe  (Show details of a specific resource or group of resources)"]);
        assert_eq!(tab(&sh, "kubectl get deploy"), "kubectl get deployments.apps ");
        assert_eq!(tab(&sh, "ls /e"), "ls /etc/");
    }

    #[test]
    fn lists_in_columns_like_readline() {
        let sh = Shell::new(ClusterConfig::default());
        let listing = sh.complete("wh", 2, true, 80).listing;
        assert_eq!(listing, ["which   whoami"]);
        let listing = sh.complete("t", 1, true, 20).listing;
        assert_eq!(listing, ["tail     tr", "tee      true", "timeout  type", "touch"]);
    }
}
