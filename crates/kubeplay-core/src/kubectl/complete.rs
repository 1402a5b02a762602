//! `kubectl __complete ARGS… TOCOMPLETE`: cobra's completion request, which the
//! script `kubectl completion bash` prints calls on every Tab. The answer is one
//! `completion<TAB>description` line per candidate, then `:DIRECTIVE`
//! (cobra/completions.go), and the directive's name on stderr.
//!
//! Commands, subcommands and flags come from the real client's texts
//! ([`super::help`]); flag values and arguments follow kubectl's registered
//! completion functions (kubectl/pkg/util/completion/completion.go): resource types
//! as `api-resources -o name --verbs=get` lists them, object names from the store in
//! the namespace the line names, pods for logs/exec, containers for `-c`, output
//! formats for `-o`, manifest extensions for `-f`, kubeconfig contexts.

use super::config::Kubeconfig;
use super::help::{self, FlagUsage};
use crate::cluster::Cluster;
use crate::output::Output;

/// cobra's `ShellCompDirective` bits.
pub const ERROR: u32 = 1;
pub const NO_SPACE: u32 = 2;
pub const NO_FILE_COMP: u32 = 4;
pub const FILTER_FILE_EXT: u32 = 8;
pub const FILTER_DIRS: u32 = 16;

/// What cobra answers: candidates with descriptions, and how the shell treats them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completions {
    pub items: Vec<(String, String)>,
    pub directive: u32,
}

impl Completions {
    fn words(words: impl IntoIterator<Item = String>, directive: u32) -> Completions {
        Completions { items: words.into_iter().map(|w| (w, String::new())).collect(), directive }
    }
}

/// The types `kubectl rollout …`, `scale` … accept (`SpecifiedResourceTypeAndNameCompletionFunc`).
fn specified_types(path: &str) -> Option<&'static [&'static str]> {
    Some(match path {
        "rollout status" | "rollout history" | "rollout undo" | "rollout restart" => &["deployment", "daemonset", "statefulset"],
        "rollout pause" | "rollout resume" => &["deployment"],
        "scale" | "autoscale" => &["deployment", "replicaset", "replicationcontroller", "statefulset"],
        "expose" => &["pod", "service", "replicationcontroller", "deployment", "replicaset"],
        "set image" | "set env" | "set resources" => &["pod", "replicationcontroller", "deployment", "daemonset", "statefulset", "cronjob", "replicaset"],
        "taint" => &["node"],
        _ => return None,
    })
}

/// Flags marked required (`MarkFlagRequired`): cobra offers them before anything
/// else until they are given.
fn required_flags(path: &str) -> &'static [&'static str] {
    match path {
        "create clusterrolebinding" => &["clusterrole"],
        "create cronjob" => &["image", "schedule"],
        "create deployment" | "run" => &["image"],
        "create service externalname" => &["external-name"],
        "scale" => &["replicas"],
        "autoscale" => &["max"],
        _ => &[],
    }
}

/// Names of the objects of `type_` (as typed: `po`, `deployment`) in `namespace`
/// (`CompGetResource`).
fn object_names(c: &Cluster, type_: &str, namespace: &str, prefix: &str) -> Vec<String> {
    let Some(rt) = super::resources::resolve(type_) else { return Vec::new() };
    let ns = rt.namespaced.then_some(namespace);
    let mut names: Vec<String> = (rt.list)(c, ns, super::resources::Want::Cells).into_iter().map(|i| i.key.name).filter(|n| n.starts_with(prefix)).collect();
    crate::sorting::sort(&mut names);
    names.dedup();
    names
}

/// The flag named by `word` (`--namespace`, `-n`) among `flags`.
fn find_flag<'a>(flags: &'a [FlagUsage], word: &str) -> Option<&'a FlagUsage> {
    if let Some(long) = word.strip_prefix("--") {
        return flags.iter().find(|f| f.long == long);
    }
    let short = word.strip_prefix('-')?;
    let mut chars = short.chars();
    let c = chars.next()?;
    chars.next().is_none().then_some(())?;
    flags.iter().find(|f| f.short == Some(c))
}

/// The line's words parsed as cobra would before completing: the command path, its
/// positional arguments, and the flags given with their values.
struct Line {
    path: &'static str,
    args: Vec<String>,
    flags: Vec<(String, String)>,
}

fn parse_line(words: &[String]) -> Line {
    let verb_at = super::first_verb_index(words);
    let (path, rest) = match verb_at {
        Some(i) if super::COMMANDS.contains(&words[i].as_str()) || help::paths().any(|p| p == words[i]) => {
            let mut rest: Vec<String> = words[..i].to_vec();
            rest.extend(words[i + 1..].iter().cloned());
            help::find_command(&words[i], &rest)
        }
        _ => ("", words.to_vec()),
    };
    let (local, global) = help::flag_usages(path);
    let all: Vec<FlagUsage> = local.into_iter().chain(global).collect();
    let mut args = Vec::new();
    let mut flags = Vec::new();
    let mut i = 0;
    while i < rest.len() {
        let w = &rest[i];
        i += 1;
        if w == "--" {
            args.extend(rest[i..].iter().cloned());
            break;
        }
        if w.starts_with('-') && w.len() > 1 {
            if let Some((name, value)) = w.split_once('=') {
                flags.push((name.to_string(), value.to_string()));
            } else if find_flag(&all, w).is_some_and(|f| f.takes_value) {
                flags.push((w.clone(), rest.get(i).cloned().unwrap_or_default()));
                i += 1;
            } else {
                flags.push((w.clone(), String::new()));
            }
        } else {
            args.push(w.clone());
        }
    }
    Line { path, args, flags }
}

impl Line {
    fn flag(&self, long: &str, short: Option<char>) -> Option<&str> {
        let short = short.map(|c| format!("-{c}"));
        self.flags.iter().rev().find(|(n, _)| n == &format!("--{long}") || Some(n) == short.as_ref()).map(|(_, v)| v.as_str())
    }

    fn namespace(&self, kc: &Kubeconfig) -> String {
        self.flag("namespace", Some('n')).filter(|n| !n.is_empty()).map(str::to_string).unwrap_or_else(|| kc.namespace().unwrap_or("default").to_string())
    }
}

/// What `kubectl __complete WORDS… TO_COMPLETE` answers.
pub fn complete(c: &Cluster, kc: &Kubeconfig, words: &[String], to_complete: &str) -> Completions {
    let line = parse_line(words);
    let (local, global) = help::flag_usages(line.path);
    let all: Vec<FlagUsage> = local.iter().chain(global.iter()).cloned().collect();
    // A flag's value: `-n <Tab>` or `--namespace=<Tab>`.
    if let Some(last) = words.last().filter(|w| w.starts_with('-') && !w.contains('=')) {
        if let Some(f) = find_flag(&all, last).filter(|f| f.takes_value) {
            return flag_values(c, kc, &line, f, to_complete);
        }
    }
    if let Some((name, value)) = to_complete.split_once('=').filter(|(n, _)| n.starts_with('-')) {
        return match find_flag(&all, name).filter(|f| f.takes_value) {
            Some(f) => flag_values(c, kc, &line, f, value),
            None => Completions { items: Vec::new(), directive: NO_FILE_COMP },
        };
    }
    // Required flags not given yet come first, even without a leading `-`.
    let mut required: Vec<(String, String)> = Vec::new();
    for name in required_flags(line.path) {
        let long = format!("--{name}");
        let given = line.flags.iter().any(|(n, _)| *n == long || local.iter().any(|f| f.long == *name && f.short.is_some_and(|s| *n == format!("-{s}"))));
        if !given && long.starts_with(to_complete) {
            let usage = local.iter().find(|f| f.long == *name).map(|f| f.usage).unwrap_or("");
            required.push((long, usage.to_string()));
        }
    }
    if !required.is_empty() {
        let args = if to_complete.starts_with('-') { Completions { items: Vec::new(), directive: NO_FILE_COMP } } else { complete_positional(c, kc, &line, to_complete) };
        required.extend(args.items);
        return Completions { items: required, directive: args.directive };
    }
    if to_complete.starts_with('-') {
        let mut items = Vec::new();
        for f in global.iter().chain(local.iter()) {
            let usage = if f.long == "help" { format!("help for {}", line.path.rsplit(' ').next().filter(|s| !s.is_empty()).unwrap_or("kubectl")) } else { f.usage.to_string() };
            let long = format!("--{}", f.long);
            if long.starts_with(to_complete) {
                items.push((long, usage.clone()));
            }
            if let Some(s) = f.short.map(|s| format!("-{s}")).filter(|s| s.starts_with(to_complete)) {
                items.push((s, usage));
            }
        }
        return Completions { items, directive: NO_FILE_COMP };
    }
    complete_positional(c, kc, &line, to_complete)
}

/// Subcommands, or the command's arguments.
fn complete_positional(c: &Cluster, kc: &Kubeconfig, line: &Line, to_complete: &str) -> Completions {
    if line.args.is_empty() && help::subcommands(line.path).next().is_some() {
        let subs = help::subcommands(line.path).filter(|(n, _)| n.starts_with(to_complete)).map(|(n, d)| (n.to_string(), d.to_string())).collect();
        return Completions { items: subs, directive: NO_FILE_COMP };
    }
    arguments(c, kc, line, to_complete)
}

/// A flag's values (`RegisterFlagCompletionFunc`s and `MarkFlagFilename`).
fn flag_values(c: &Cluster, kc: &Kubeconfig, line: &Line, f: &FlagUsage, prefix: &str) -> Completions {
    let filter = |v: Vec<String>| v.into_iter().filter(|x| x.starts_with(prefix)).collect::<Vec<_>>();
    match f.long {
        "namespace" => Completions::words(object_names(c, "namespaces", "", prefix), NO_FILE_COMP),
        "context" => Completions::words(filter(kc.contexts.keys().cloned().collect()), NO_FILE_COMP),
        "cluster" => Completions::words(filter(kc.contexts.values().map(|x| x.cluster.clone()).collect()), NO_FILE_COMP),
        "user" => Completions::words(filter(kc.contexts.values().map(|x| x.user.clone()).collect()), NO_FILE_COMP),
        "filename" => Completions::words(["json", "yaml", "yml"].map(String::from), FILTER_FILE_EXT),
        "container" => {
            let Some(pod) = line.args.first() else { return Completions { items: Vec::new(), directive: NO_FILE_COMP } };
            let ns = line.namespace(kc);
            let name = pod.strip_prefix("pod/").or_else(|| pod.strip_prefix("pods/")).unwrap_or(pod);
            let ctrs = c.store.get::<k8s_openapi::api::core::v1::Pod>(&ns, name).and_then(|p| p.spec.clone()).map(|s| s.containers.into_iter().map(|x| x.name).collect()).unwrap_or_default();
            Completions::words(filter(ctrs), NO_FILE_COMP)
        }
        "output" => match output_formats(f.usage) {
            Some(formats) => Completions::words(filter(formats), NO_FILE_COMP),
            None => Completions::default(),
        },
        _ => Completions::default(),
    }
}

/// The formats an `-o` usage lists: `One of: (json, yaml, …)` or `One of: json|yaml`.
fn output_formats(usage: &str) -> Option<Vec<String>> {
    let list = usage.split_once("One of: ")?.1;
    let list = match list.strip_prefix('(') {
        Some(inner) => inner.split_once(')')?.0.to_string(),
        None => list.split(['.', ' ']).next()?.replace('|', ", "),
    };
    Some(list.split(", ").map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect())
}

/// The commands' `ValidArgsFunction`s.
fn arguments(c: &Cluster, kc: &Kubeconfig, line: &Line, prefix: &str) -> Completions {
    let ns = line.namespace(kc);
    let names = |type_: &str| Completions::words(object_names(c, type_, &ns, prefix), NO_FILE_COMP);
    match line.path {
        "get" | "describe" | "delete" | "edit" | "label" | "annotate" | "patch" | "wait" => type_and_name(c, line, &ns, prefix),
        "explain" if line.args.is_empty() => Completions::words(super::api_resources::names_with_verb("get").into_iter().filter(|r| r.starts_with(prefix)), NO_FILE_COMP),
        "logs" | "exec" | "attach" | "port-forward" if line.args.is_empty() => {
            if let Some((t, n)) = prefix.split_once('/') {
                return Completions::words(object_names(c, t, &ns, n).into_iter().map(|x| format!("{t}/{x}")), NO_FILE_COMP);
            }
            names("pods")
        }
        "cp" if line.args.is_empty() => copy_source(c, &ns, prefix),
        "logs" if line.args.len() == 1 => {
            let pod = c.store.get::<k8s_openapi::api::core::v1::Pod>(&ns, &line.args[0]).and_then(|p| p.spec.clone());
            Completions::words(pod.map(|s| s.containers.into_iter().map(|x| x.name).filter(|n| n.starts_with(prefix)).collect::<Vec<_>>()).unwrap_or_default(), NO_FILE_COMP)
        }
        "cordon" | "uncordon" | "drain" | "top node" => names("nodes"),
        "top pod" => names("pods"),
        "config use-context" | "config delete-context" | "config rename-context" | "config set-context" | "config get-contexts" if line.args.is_empty() => {
            Completions::words(kc.contexts.keys().filter(|k| k.starts_with(prefix)).cloned(), NO_FILE_COMP)
        }
        "completion" if line.args.is_empty() => Completions::words(["bash", "zsh", "fish", "powershell"].iter().filter(|s| s.starts_with(prefix)).map(|s| s.to_string()), NO_FILE_COMP),
        "help" => Completions { items: help::subcommands("").filter(|(n, _)| n.starts_with(prefix)).map(|(n, d)| (n.to_string(), d.to_string())).collect(), directive: NO_FILE_COMP },
        "logs" | "exec" | "attach" | "port-forward" | "cp" => Completions { items: Vec::new(), directive: NO_FILE_COMP },
        p => match specified_types(p) {
            Some(types) => specified(c, line, &ns, prefix, types),
            // No completion function: the shell completes file names.
            None => Completions::default(),
        },
    }
}

/// `kubectl cp`'s first argument: `namespace/`, `pod:` or a hint that a local
/// path works too (cp.go).
fn copy_source(c: &Cluster, ns: &str, prefix: &str) -> Completions {
    let mut comps = Vec::new();
    if prefix.find(['/', '.', '~']) == Some(0) || prefix.contains(':') {
        // A local path, or a path in the pod (not completed by kubectl either).
    } else if let Some((namespace, pod)) = prefix.split_once('/') {
        comps.extend(object_names(c, "pods", namespace, pod).into_iter().map(|p| format!("{namespace}/{p}:")));
    } else {
        comps.extend(object_names(c, "namespaces", "", prefix).into_iter().map(|n| format!("{n}/")));
        comps.extend(object_names(c, "pods", ns, prefix).into_iter().map(|p| format!("{p}:")));
        if prefix.is_empty() {
            comps.extend(["./".to_string(), "/".to_string()]);
        }
    }
    Completions::words(comps, NO_SPACE)
}

/// `ResourceTypeAndNameCompletionFunc`: a type first (or `type/name`), then names.
fn type_and_name(c: &Cluster, line: &Line, ns: &str, prefix: &str) -> Completions {
    if let Some(first) = line.args.first().filter(|a| !a.contains('/')) {
        let names = object_names(c, first, ns, prefix).into_iter().filter(|n| !line.args[1..].contains(n));
        return Completions::words(names, NO_FILE_COMP);
    }
    if let Some((t, n)) = prefix.split_once('/') {
        return Completions::words(object_names(c, t, ns, n).into_iter().map(|x| format!("{t}/{x}")), NO_FILE_COMP);
    }
    let (head, last) = prefix.rsplit_once(',').map(|(h, l)| (format!("{h},"), l)).unwrap_or((String::new(), prefix));
    Completions::words(super::api_resources::names_with_verb("get").into_iter().filter(|r| r.starts_with(last)).map(|r| format!("{head}{r}")), NO_FILE_COMP)
}

/// `SpecifiedResourceTypeAndNameCompletionFunc`: one of `types`, then names.
fn specified(c: &Cluster, line: &Line, ns: &str, prefix: &str, types: &[&str]) -> Completions {
    if let Some(first) = line.args.first().filter(|a| !a.contains('/')) {
        return Completions::words(object_names(c, first, ns, prefix).into_iter().filter(|n| !line.args[1..].contains(n)), NO_FILE_COMP);
    }
    if let Some((t, n)) = prefix.split_once('/') {
        return Completions::words(object_names(c, t, ns, n).into_iter().map(|x| format!("{t}/{x}")), NO_FILE_COMP);
    }
    Completions::words(types.iter().filter(|t| t.starts_with(prefix)).map(|t| t.to_string()), NO_FILE_COMP)
}

fn directive_name(d: u32) -> String {
    if d == 0 {
        return "ShellCompDirectiveDefault".into();
    }
    let names = [(ERROR, "ShellCompDirectiveError"), (NO_SPACE, "ShellCompDirectiveNoSpace"), (NO_FILE_COMP, "ShellCompDirectiveNoFileComp"), (FILTER_FILE_EXT, "ShellCompDirectiveFilterFileExt"), (FILTER_DIRS, "ShellCompDirectiveFilterDirs")];
    names.iter().filter(|(bit, _)| d & bit != 0).map(|(_, n)| *n).collect::<Vec<_>>().join(", ")
}

/// `kubectl __complete …` (and `__completeNoDesc`): prints the answer as cobra does.
pub fn run(c: &Cluster, kc: &Kubeconfig, args: &[String], descriptions: bool, out: &mut Output) -> i32 {
    let (words, to_complete) = match args.split_last() {
        Some((last, words)) => (words, last.as_str()),
        None => (args, ""),
    };
    let comps = complete(c, kc, words, to_complete);
    for (w, d) in &comps.items {
        if descriptions && !d.is_empty() {
            out.out(&format!("{w}\t{d}"));
        } else {
            out.out(w);
        }
    }
    out.out(&format!(":{}", comps.directive));
    out.err(&format!("Completion ended with directive: {}", directive_name(comps.directive)));
    0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::ClusterConfig;

    fn words(c: &Cluster, line: &[&str], last: &str) -> Vec<String> {
        let w: Vec<String> = line.iter().map(|s| s.to_string()).collect();
        complete(c, &Kubeconfig::default(), &w, last).items.into_iter().map(|(w, _)| w).collect()
    }

    #[test]
    fn verbs_flags_types_and_names() {
        let c = Cluster::new(ClusterConfig::default());
        assert_eq!(words(&c, &[], "ge"), ["get"]);
        assert_eq!(words(&c, &["rollout"], "st"), ["status"]);
        assert_eq!(words(&c, &["get"], "--all-n"), ["--all-namespaces"]);
        assert!(words(&c, &["get"], "deploy").contains(&"deployments.apps".to_string()));
        assert_eq!(words(&c, &["get", "-n"], "kube-p"), ["kube-public"]);
        assert_eq!(words(&c, &["get", "nodes"], "c"), ["controlplane"]);
        assert_eq!(words(&c, &["-n", "kube-system", "logs"], "etcd"), ["etcd-controlplane"]);
        assert_eq!(words(&c, &["get", "-o"], "ya"), ["yaml"]);
        assert_eq!(words(&c, &["scale"], "st"), ["statefulset"]);
    }
}
