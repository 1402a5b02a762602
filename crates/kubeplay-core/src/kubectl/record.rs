//! `--record` (cli-runtime genericclioptions `RecordFlags`, deprecated but still
//! there in v1.34): the command line is written into the object's
//! `kubernetes.io/change-cause` annotation, which the Deployment controller
//! copies to the new ReplicaSet, so `rollout history` shows it as CHANGE-CAUSE.

use serde_json::Value;

use super::flags::Parsed;
use super::rollout::CHANGE_CAUSE;
use crate::output::Output;

/// What pflag prints when the deprecated flag is used.
const DEPRECATED: &str = "Flag --record has been deprecated, --record will be removed in the future";

/// `parseCommandArguments`: `kubectl`, the positional words (the command path
/// first), then every flag given as `--name=value`, in the order given.
pub fn change_cause(path: &[&str], p: &Parsed) -> String {
    let mut words = vec!["kubectl".to_string()];
    words.extend(path.iter().map(|w| w.to_string()));
    words.extend(p.args.iter().cloned());
    words.extend(p.given.iter().map(|(name, value)| format!("--{name}={value}")));
    words.join(" ")
}

/// The recorder of this command line: `Some(cause)` when `--record` is true. Warns
/// on stderr whenever the flag was given.
pub fn recorder(path: &[&str], p: &Parsed, out: &mut Output) -> Option<String> {
    if p.is_set("record") {
        out.err(DEPRECATED);
    }
    p.bool("record").then(|| change_cause(path, p))
}

/// `ChangeCauseRecorder.Record`: sets the annotation on an object's JSON.
pub fn record(object: &mut Value, cause: &str) {
    let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut) else { return };
    let annotations = meta.entry("annotations").or_insert_with(|| Value::Object(Default::default()));
    if let Some(map) = annotations.as_object_mut() {
        map.insert(CHANGE_CAUSE.into(), Value::String(cause.into()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kubectl::flags::{flag, parse_flags, FlagKind};

    #[test]
    fn the_command_line_as_parse_command_arguments_writes_it() {
        let defs = [flag("record", None, FlagKind::Bool), flag("namespace", Some('n'), FlagKind::Value)];
        let args: Vec<String> = ["deployment/web", "nginx=nginx:1.26", "--record", "-n", "dev"].iter().map(|s| s.to_string()).collect();
        let p = parse_flags(&args, &defs).unwrap();
        assert_eq!(change_cause(&["set", "image"], &p), "kubectl set image deployment/web nginx=nginx:1.26 --record=true --namespace=dev");
    }
}
