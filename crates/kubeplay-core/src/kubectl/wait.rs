//! `kubectl wait --for=condition=Ready pod/x`, `--for=condition=complete job/x`,
//! `--for=delete pod/x` (kubectl/pkg/cmd/wait): each object in turn, with its own
//! `--timeout` (default 30 s), on the simulated clock; prints `pod/x condition met`
//! as each one gets there, or `error: timed out waiting for the condition on
//! pods/x`. A condition matches by type (case-insensitively) and status (`True`
//! unless `condition=Type=Value`).

use super::flags::{self, flag, FlagDef, FlagKind};
use super::selection::{Selection, NO_NAME_GIVEN};
use super::resources::{ResourceType, Want};
use super::{usage_error, Io, Outcome};
use crate::api::ObjectKey;
use crate::cluster::Cluster;
use crate::foreground::Foreground;
use crate::output::Output;
use crate::printers::duration::parse_go_duration;
use crate::time::SimTime;

const FLAGS: &[FlagDef] = &[
    flag("for", None, FlagKind::Value),
    flag("timeout", None, FlagKind::Value),
    flag("selector", Some('l'), FlagKind::Value),
    flag("all", None, FlagKind::Bool),
    flag("all-namespaces", Some('A'), FlagKind::Bool),
    flag("output", Some('o'), FlagKind::Value),
    flag("local", None, FlagKind::Bool),
    flag("field-selector", None, FlagKind::Value),
];

/// What is waited for.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Goal {
    Delete,
    Condition { type_: String, value: String },
}

/// One object being waited on.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Target {
    plural: &'static str,
    prefix: String,
    key: ObjectKey,
    uid: Option<String>,
}

/// A `kubectl wait` still running.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaitFor {
    goal: Goal,
    targets: Vec<Target>,
    timeout_ms: i64,
    /// When the current object's wait began.
    started: Option<SimTime>,
}

fn resource_type(plural: &str) -> Option<&'static ResourceType> {
    super::resources::by_plural(plural)
}

impl WaitFor {
    pub fn deadline(&self) -> SimTime {
        self.started.unwrap_or_default().plus_ms(self.timeout_ms)
    }

    fn met(&self, c: &Cluster, t: &Target) -> bool {
        let Some(rt) = resource_type(t.plural) else { return true };
        let item = (rt.get)(c, &t.key.namespace, &t.key.name, Want::CellsAndJson).ok();
        let json = item.and_then(|i| i.json);
        match &self.goal {
            Goal::Delete => match (&json, &t.uid) {
                (None, _) => true,
                (Some(j), Some(uid)) => j["metadata"]["uid"].as_str() != Some(uid.as_str()),
                (Some(_), None) => false,
            },
            Goal::Condition { type_, value } => json.is_some_and(|j| {
                j["status"]["conditions"].as_array().is_some_and(|cs| {
                    cs.iter().any(|c| {
                        c["type"].as_str().is_some_and(|t| t.eq_ignore_ascii_case(type_))
                            && c["status"].as_str().is_some_and(|s| s.eq_ignore_ascii_case(value))
                    })
                })
            }),
        }
    }

    pub fn poll(&mut self, c: &Cluster, out: &mut Output) -> Option<i32> {
        while let Some(t) = self.targets.first().cloned() {
            let started = *self.started.get_or_insert(c.now());
            if self.met(c, &t) {
                out.out(&format!("{}/{} condition met", t.prefix, t.key.name));
                self.targets.remove(0);
                self.started = None;
                continue;
            }
            if c.now() >= started.plus_ms(self.timeout_ms) {
                out.err(&format!("error: timed out waiting for the condition on {}/{}", t.plural, t.key.name));
                return Some(1);
            }
            return None;
        }
        Some(0)
    }
}

/// `--for` as `conditionFuncFor` reads it.
fn parse_for(s: &str) -> Result<Goal, String> {
    if s.eq_ignore_ascii_case("delete") {
        return Ok(Goal::Delete);
    }
    if let Some(rest) = s.strip_prefix("condition=") {
        let (type_, value) = match rest.split_once('=') {
            Some((t, v)) => (t, v),
            None => (rest, "true"),
        };
        return Ok(Goal::Condition { type_: type_.to_string(), value: value.to_string() });
    }
    Err(format!("unrecognized condition: \"{s}\""))
}

pub fn run(c: &mut Cluster, args: &[String], io: &mut Io, out: &mut Output) -> Outcome {
    let p = match flags::parse(args, FLAGS, io.kubeconfig) {
        Ok(p) => p,
        Err(e) => return Outcome::code(usage_error("wait", e.message(), out)),
    };
    let timeout_ms = match p.value("timeout") {
        None => 30_000,
        Some(t) => match parse_go_duration(t) {
            Some(ms) if ms < 0 => 7 * 24 * 3_600_000,
            Some(ms) => ms,
            None => return Outcome::code(usage_error("wait", &format!("invalid argument \"{t}\" for \"--timeout\" flag: time: invalid duration \"{t}\""), out)),
        },
    };
    let goal = match parse_for(p.value("for").unwrap_or("")) {
        Ok(g) => g,
        Err(e) => {
            out.err(&format!("error: {e}"));
            return Outcome::code(1);
        }
    };
    if p.args.is_empty() {
        out.err(super::NO_RESOURCES);
        return Outcome::code(1);
    }
    let selection = match Selection::parse(&p, &p.args) {
        Ok(s) => s,
        Err(msg) => {
            out.err(&msg);
            return Outcome::code(1);
        }
    };
    let mut targets = Vec::new();
    for req in &selection.requests {
        let target = |key: ObjectKey, uid: Option<String>| Target { plural: req.rt.plural, prefix: req.rt.name_prefix(), key, uid };
        if req.names.is_empty() {
            if selection.selector.is_none() && !p.bool("all") {
                out.err(NO_NAME_GIVEN);
                return Outcome::code(1);
            }
            for item in selection.listed(c, req.rt, Want::CellsAndJson) {
                let uid = item.json.as_ref().and_then(|j| j["metadata"]["uid"].as_str().map(String::from));
                targets.push(target(item.key, uid));
            }
            continue;
        }
        for name in &req.names {
            match (req.rt.get)(c, &selection.namespace, name, Want::CellsAndJson) {
                Ok(item) => {
                    let uid = item.json.as_ref().and_then(|j| j["metadata"]["uid"].as_str().map(String::from));
                    targets.push(target(item.key, uid));
                }
                // Waiting for something already gone to be deleted succeeds quietly.
                Err(_) if goal == Goal::Delete => {}
                Err(e) => {
                    out.err(&e.to_string());
                    return Outcome::code(1);
                }
            }
        }
    }
    if targets.is_empty() && goal != Goal::Delete {
        out.err("error: no matching resources found");
        return Outcome::code(1);
    }
    let mut wait = WaitFor { goal, targets, timeout_ms, started: None };
    let mut progress = Output::default();
    let done = wait.poll(c, &mut progress);
    out.lines.extend(progress.lines);
    match done {
        Some(code) => Outcome::code(code),
        None => Outcome { exit_code: 0, foreground: Some(Foreground::Wait(wait)) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn for_values() {
        assert_eq!(parse_for("delete"), Ok(Goal::Delete));
        assert_eq!(parse_for("condition=Ready"), Ok(Goal::Condition { type_: "Ready".into(), value: "true".into() }));
        assert_eq!(parse_for("condition=Ready=False"), Ok(Goal::Condition { type_: "Ready".into(), value: "False".into() }));
        assert_eq!(parse_for(""), Err("unrecognized condition: \"\"".into()));
    }
}
