//! kubectl's `PrintFlags` for commands that write an object (create, scale, set,
//! rollout): the name printer's `<kind>[.<group>]/<name> <operation>` line by
//! default, or `-o name|yaml|json` (cli-runtime/pkg/genericclioptions/print_flags.go,
//! cli-runtime/pkg/printers/name.go), and the `--dry-run` strategies.

use crate::api::ApiKind;
use crate::output::Output;
use crate::printers::go_json::to_go_json;

/// `--dry-run=none|client|server` (kubectl/pkg/cmd/util/helpers.go `GetDryRunStrategy`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DryRun {
    None,
    Client,
    Server,
}

impl DryRun {
    pub fn parse(value: Option<&str>) -> Result<DryRun, String> {
        match value {
            None | Some("none") | Some("false") => Ok(DryRun::None),
            Some("client") | Some("true") => Ok(DryRun::Client),
            Some("server") => Ok(DryRun::Server),
            Some(other) => Err(format!("Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\".")),
        }
    }

    /// What the name printer appends to the operation.
    fn suffix(self) -> &'static str {
        match self {
            DryRun::None => "",
            DryRun::Client => " (dry run)",
            DryRun::Server => " (server dry run)",
        }
    }
}

/// The formats a mutating command accepts besides the default line.
pub const ALLOWED_FORMATS: &str = "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml";

/// Rejects an `-o` value the command cannot print, with kubectl's message.
pub fn check_output(output: Option<&str>) -> Result<(), String> {
    match output {
        None | Some("") | Some("name") | Some("yaml") | Some("json") => Ok(()),
        Some(other) => Err(format!(
            "unable to match a printer suitable for the output format \"{other}\", allowed formats are: {ALLOWED_FORMATS}"
        )),
    }
}

/// `deployment.apps`, `pod`: what the name printer puts before the slash.
pub fn kind_prefix<K: ApiKind>() -> String {
    let kind = K::KIND.to_lowercase();
    if K::GROUP.is_empty() {
        kind
    } else {
        format!("{kind}.{}", K::GROUP)
    }
}

/// Prints an object a command wrote (or would write). Client-side dry-run objects are
/// printed as kubectl built them: a typed object, so JSON keys in Go order.
pub fn print_object<K: ApiKind>(obj: &K, output: Option<&str>, operation: &str, dry_run: DryRun, out: &mut Output) {
    let name = obj.metadata().name.clone().unwrap_or_default();
    match output.unwrap_or("") {
        "" => out.out(&format!("{}/{name} {operation}{}", kind_prefix::<K>(), dry_run.suffix())),
        "name" => out.out(&format!("{}/{name}", kind_prefix::<K>())),
        format => {
            let mut v = super::resources::to_json(obj);
            if let serde_json::Value::Object(m) = &mut v {
                m.entry("status").or_insert_with(|| serde_json::json!({}));
            }
            if format == "json" && dry_run == DryRun::Client {
                out.out(&to_go_json(&v));
            } else {
                super::get::print_structured(&v, format, out);
            }
        }
    }
}
