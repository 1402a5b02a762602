//! `kubectl patch` (kubectl/pkg/cmd/patch/patch.go): `-p/--patch` or
//! `--patch-file`, `--type strategic` (default; lists of named items merge by
//! name, as the strategic merge patch does for containers, env, ports and
//! volumes), `merge` (RFC 7386) and `json` (RFC 6902, via the `json-patch`
//! crate). Prints `patched`, or `patched (no change)`.

use serde_json::Value;

use super::apply::{three_way, Write};
use super::flags::{self, flag, FlagDef, FlagKind, Parsed};
use super::selection::parse_requests;
use super::manifest::Document;
use super::resources::Want;
use super::{usage_error, Io, Outcome};
use crate::cluster::Cluster;
use crate::output::Output;
use crate::vfs::Vfs;

const FLAGS: &[FlagDef] = &[
    flag("patch", Some('p'), FlagKind::Value),
    flag("patch-file", None, FlagKind::Value),
    flag("type", None, FlagKind::Value),
    flag("filename", Some('f'), FlagKind::Value),
    flag("local", None, FlagKind::Bool),
    flag("output", Some('o'), FlagKind::Value),
    flag("dry-run", None, FlagKind::Value),
    flag("subresource", None, FlagKind::Value),
    flag("field-manager", None, FlagKind::Value),
];

pub fn run(cluster: &mut Cluster, args: &[String], io: &mut Io, out: &mut Output) -> Outcome {
    let p = match flags::parse(args, FLAGS, io.kubeconfig) {
        Ok(p) => p,
        Err(e) => return Outcome::code(usage_error("patch", e.message(), out)),
    };
    match patch(cluster, &p, io, out) {
        Ok(()) => Outcome::code(0),
        Err(msg) => {
            out.err(&msg);
            Outcome::code(1)
        }
    }
}

fn patch(cluster: &mut Cluster, p: &Parsed, io: &Io, out: &mut Output) -> Result<(), String> {
    let kind = p.value("type").unwrap_or("strategic");
    if !matches!(kind, "strategic" | "merge" | "json") {
        return Err(format!("error: --type must be one of [\"json\" \"merge\" \"strategic\"], not \"{kind}\""));
    }
    let text = match (p.value("patch"), p.value("patch-file")) {
        (Some(t), _) => t.to_string(),
        (None, Some(f)) => io.fs.read(&Vfs::resolve(io.cwd, f)).map(String::from).map_err(|_| format!("error: unable to read patch file: open {f}: no such file or directory"))?,
        (None, None) => return Err("error: must specify --patch or --patch-file containing the contents of the patch".into()),
    };
    if p.args.is_empty() {
        return Err(super::NO_RESOURCES.into());
    }
    // kubectl accepts YAML as well as JSON for the patch (yaml.ToJSON).
    let patch: Value = yaml_serde::from_str(&text).map_err(|e| format!("error: unable to parse \"{text}\": yaml: {e}"))?;
    let requests = parse_requests(&p.args)?;
    let namespace = p.namespace().to_string();
    for req in requests {
        for name in &req.names {
            let item = (req.rt.get)(cluster, &namespace, name, Want::CellsAndJson).map_err(|e| e.to_string())?;
            let current = item.json.unwrap_or(Value::Null);
            let mut patched = current.clone();
            match kind {
                "json" => {
                    let ops: json_patch::Patch = serde_json::from_value(patch.clone()).map_err(|e| format!("error: unable to parse \"{text}\": {e}"))?;
                    json_patch::patch(&mut patched, &ops).map_err(|e| format!("Error from server (UnprocessableEntity): {e}"))?;
                }
                "merge" => json_patch::merge(&mut patched, &patch),
                _ => three_way(&mut patched, None, &patch),
            }
            let prefix = req.rt.name_prefix();
            let dry_run = p.value("dry-run").is_some_and(|v| v != "none");
            if patched == current {
                out.out(&format!("{prefix}/{name} patched (no change)"));
                continue;
            }
            if !dry_run {
                let doc = Document { source: String::new(), value: patched, rt: req.rt };
                (req.rt.write)(cluster, &doc, Write::Replace).map_err(|e| e.replace("error when replacing \"\": ", ""))?;
                cluster.settle();
            }
            let suffix = if dry_run { " (dry run)" } else { "" };
            out.out(&format!("{prefix}/{name} patched{suffix}"));
        }
    }
    Ok(())
}
