//! The client's kubeconfig (`/root/.kube/config`, kubeadm's `admin.conf`) and
//! `kubectl config`: view, get-contexts, current-context, set-context, use-context,
//! rename-context, delete-context, get-clusters, get-users
//! (kubectl/pkg/cmd/config/*.go).
//!
//! The cluster `kubernetes` and the user `kubernetes-admin` are fixed: every
//! context talks to the one simulated API server. Contexts are the learner's to
//! add, switch and point at a namespace, which then is the default namespace of
//! every command (see `flags::Parsed::namespace`).

use std::collections::BTreeMap;

use super::flags::{self, flag, FlagDef, FlagKind};
use super::usage_error;
use crate::output::Output;
use crate::printers::table::{get_table, row};

pub const CLUSTER_NAME: &str = "kubernetes";
pub const USER_NAME: &str = "kubernetes-admin";
pub const CONTEXT_NAME: &str = "kubernetes-admin@kubernetes";
/// The API server's URL: the control-plane node's address, kubeadm's port.
pub const SERVER: &str = "https://172.30.1.2:6443";
/// Where kubectl reads the kubeconfig from on the control-plane node.
pub const PATH: &str = "/root/.kube/config";

/// Stand-ins for the base64 PEM blocks of admin.conf, printed by `config view
/// --raw` (kubectl prints `DATA+OMITTED` otherwise). Recognisably not real keys.
const CA_DATA: &str = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCmt1YmVwbGF5IHNpbXVsYXRlZCBjbHVzdGVyIENBCi0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0K";
const CERT_DATA: &str = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCmt1YmVwbGF5IHNpbXVsYXRlZCBrdWJlcm5ldGVzLWFkbWluCi0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0K";
const KEY_DATA: &str = "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCmt1YmVwbGF5IHNpbXVsYXRlZDogbm8ga2V5Ci0tLS0tRU5EIFBSSVZBVEUgS0VZLS0tLS0K";

/// One context entry: which cluster and user, and optionally a namespace.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KubeContext {
    pub cluster: String,
    pub user: String,
    pub namespace: Option<String>,
}

/// The kubeconfig's contexts (ordered by name, as kubectl lists them) and the
/// current one (`""` when unset, e.g. after deleting it).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Kubeconfig {
    pub contexts: BTreeMap<String, KubeContext>,
    pub current_context: String,
}

impl Default for Kubeconfig {
    /// kubeadm's admin.conf: one context for the cluster's admin.
    fn default() -> Self {
        let admin = KubeContext { cluster: CLUSTER_NAME.into(), user: USER_NAME.into(), namespace: None };
        Kubeconfig { contexts: [(CONTEXT_NAME.to_string(), admin)].into(), current_context: CONTEXT_NAME.into() }
    }
}

impl Kubeconfig {
    /// The current context's namespace, if it names one.
    pub fn namespace(&self) -> Option<&str> {
        self.contexts.get(&self.current_context)?.namespace.as_deref().filter(|n| !n.is_empty())
    }

    /// The file kubectl would read, as YAML with the data shown (`config view --raw`).
    pub fn to_yaml(&self) -> String {
        crate::printers::yaml::to_yaml(&self.view_json(false, true))
    }

    /// The `Config` object as `config view` prints it: every map key in the order
    /// the YAML printer sorts them into. `minify` keeps only the current context
    /// and what it refers to; without `raw` the key material is `DATA+OMITTED`.
    fn view_json(&self, minify: bool, raw: bool) -> serde_json::Value {
        use serde_json::json;
        let data = |d: &str| if raw { d.to_string() } else { "DATA+OMITTED".to_string() };
        let contexts: Vec<_> = self
            .contexts
            .iter()
            .filter(|(name, _)| !minify || **name == self.current_context)
            .map(|(name, c)| {
                let mut ctx = json!({"cluster": c.cluster, "user": c.user});
                if let Some(ns) = c.namespace.as_deref().filter(|n| !n.is_empty()) {
                    ctx["namespace"] = json!(ns);
                }
                json!({"name": name, "context": ctx})
            })
            .collect();
        let used = |name: &str, of: fn(&KubeContext) -> &str| !minify || self.contexts.get(&self.current_context).is_some_and(|c| of(c) == name);
        let cluster = json!({"name": CLUSTER_NAME, "cluster": {"certificate-authority-data": data(CA_DATA), "server": SERVER}});
        let user = json!({"name": USER_NAME, "user": {"client-certificate-data": data(CERT_DATA), "client-key-data": data(KEY_DATA)}});
        // Go marshals an empty list of these as null.
        let list = |items: Vec<serde_json::Value>| if items.is_empty() { serde_json::Value::Null } else { items.into() };
        let clusters = list(used(CLUSTER_NAME, |c| &c.cluster).then_some(cluster).into_iter().collect());
        let users = list(used(USER_NAME, |c| &c.user).then_some(user).into_iter().collect());
        let contexts = list(contexts);
        json!({
            "apiVersion": "v1",
            "clusters": clusters,
            "contexts": contexts,
            "current-context": self.current_context,
            "kind": "Config",
            "users": users,
        })
    }
}

/// `config view -o json`: the Go struct order of clientcmd's v1 `Config`, which
/// differs from the sorted keys of the YAML form.
fn view_as_go_json(v: &serde_json::Value) -> String {
    let s = |v: &serde_json::Value| serde_json::to_string(v).unwrap_or_default();
    let field = |obj: &serde_json::Value, keys: &[&str], indent: &str| -> String {
        let parts: Vec<String> =
            keys.iter().filter_map(|k| obj.get(*k).map(|val| format!("{indent}{}: {}", s(&(*k).into()), s(val)))).collect();
        parts.join(",\n")
    };
    let list = |key: &str, inner: &str, inner_keys: &[&str]| -> String {
        let items: Vec<String> = v[key]
            .as_array()
            .into_iter()
            .flatten()
            .map(|item| {
                format!(
                    "        {{\n            \"name\": {},\n            {}: {{\n{}\n            }}\n        }}",
                    s(&item["name"]),
                    s(&inner.into()),
                    field(&item[inner], inner_keys, "                ")
                )
            })
            .collect();
        if items.is_empty() {
            format!("    \"{key}\": null")
        } else {
            format!("    \"{key}\": [\n{}\n    ]", items.join(",\n"))
        }
    };
    [
        "{".to_string(),
        "    \"kind\": \"Config\",".into(),
        "    \"apiVersion\": \"v1\",".into(),
        list("clusters", "cluster", &["server", "certificate-authority-data"]) + ",",
        list("users", "user", &["client-certificate-data", "client-key-data"]) + ",",
        list("contexts", "context", &["cluster", "user", "namespace"]) + ",",
        format!("    \"current-context\": {}", s(&v["current-context"])),
        "}".into(),
    ]
    .join("\n")
}

/// The flags of the subcommands handled here (each accepts only its own).
const VIEW_FLAGS: &[FlagDef] = &[
    flag("output", Some('o'), FlagKind::Value),
    flag("minify", None, FlagKind::Bool),
    flag("raw", None, FlagKind::Bool),
    flag("flatten", None, FlagKind::Bool),
    flag("merge", None, FlagKind::Value),
    flag("allow-missing-template-keys", None, FlagKind::Bool),
    flag("show-managed-fields", None, FlagKind::Bool),
    flag("template", None, FlagKind::Value),
];
const GET_CONTEXTS_FLAGS: &[FlagDef] = &[flag("output", Some('o'), FlagKind::Value), flag("no-headers", None, FlagKind::Bool)];
const SET_CONTEXT_FLAGS: &[FlagDef] = &[
    flag("current", None, FlagKind::Bool),
    flag("namespace", None, FlagKind::Value),
    flag("cluster", None, FlagKind::Value),
    flag("user", None, FlagKind::Value),
];

/// `kubectl config SUBCOMMAND`. `args` starts with the subcommand word (the
/// group without one, or with an unknown one, is answered by `help`).
pub fn run(args: &[String], kubeconfig: &mut Kubeconfig, out: &mut Output) -> i32 {
    let (path, rest) = super::help::find_command("config", args);
    let sub = path.strip_prefix("config ").unwrap_or_default();
    let defs: &[FlagDef] = match sub {
        "view" => VIEW_FLAGS,
        "get-contexts" => GET_CONTEXTS_FLAGS,
        "set-context" => SET_CONTEXT_FLAGS,
        "current-context" | "use-context" | "rename-context" | "delete-context" | "get-clusters" | "get-users" => &[],
        "" => {
            // `kubectl config` alone (help answers it before the verb runs).
            out.err(&super::help::text("config").unwrap_or_default());
            return 1;
        }
        other => {
            // The cluster and user entries, and arbitrary properties, stay as kubeadm wrote them.
            out.err(&format!("kubeplay: \"kubectl config {other}\" is not simulated: the cluster and user entries are fixed"));
            return 1;
        }
    };
    let p = match flags::parse(&rest, defs, kubeconfig) {
        Ok(p) => p,
        Err(e) => return usage_error(path, e.message(), out),
    };
    match sub {
        "view" => view(&p, kubeconfig, out),
        "get-contexts" => get_contexts(&p, kubeconfig, out),
        "current-context" => {
            if kubeconfig.current_context.is_empty() {
                out.err("error: current-context is not set");
                return 1;
            }
            out.out(&kubeconfig.current_context);
            0
        }
        "set-context" => set_context(&p, kubeconfig, out),
        "use-context" => {
            let [name] = p.args.as_slice() else {
                return unexpected_args("config use-context", &p.args, out);
            };
            if !kubeconfig.contexts.contains_key(name) {
                out.err(&format!("error: no context exists with the name: \"{name}\""));
                return 1;
            }
            kubeconfig.current_context = name.clone();
            out.out(&format!("Switched to context \"{name}\"."));
            0
        }
        "rename-context" => {
            let [old, new] = p.args.as_slice() else {
                return unexpected_args("config rename-context", &p.args, out);
            };
            if !kubeconfig.contexts.contains_key(old) {
                out.err(&format!("error: cannot rename the context \"{old}\", it's not in {PATH}"));
                return 1;
            }
            if kubeconfig.contexts.contains_key(new) {
                out.err(&format!("error: cannot rename the context \"{old}\", the context \"{new}\" already exists in {PATH}"));
                return 1;
            }
            if let Some(ctx) = kubeconfig.contexts.remove(old) {
                kubeconfig.contexts.insert(new.clone(), ctx);
            }
            if kubeconfig.current_context == *old {
                kubeconfig.current_context = new.clone();
            }
            out.out(&format!("Context \"{old}\" renamed to \"{new}\"."));
            0
        }
        "delete-context" => {
            let [name] = p.args.as_slice() else {
                // delete_context.go prints its usage and succeeds.
                out.out(&super::help::text("config delete-context").unwrap_or_default());
                return 0;
            };
            if kubeconfig.contexts.remove(name).is_none() {
                out.err(&format!("error: cannot delete context {name}, not in {PATH}"));
                return 1;
            }
            if kubeconfig.current_context == *name {
                out.err("warning: this removed your active context, use \"kubectl config use-context\" to select a different one");
            }
            out.out(&format!("deleted context {name} from {PATH}"));
            0
        }
        "get-clusters" => {
            out.out(&format!("NAME\n{CLUSTER_NAME}"));
            0
        }
        "get-users" => {
            out.out(&format!("NAME\n{USER_NAME}"));
            0
        }
        // Every other word returned above.
        _ => 1,
    }
}

/// A wrong number of arguments: the command's help on stdout, then the error.
fn unexpected_args(path: &str, args: &[String], out: &mut Output) -> i32 {
    out.out(&super::help::text(path).unwrap_or_default());
    out.err(&format!("error: Unexpected args: [{}]", args.join(" ")));
    1
}

/// Why `config view --minify` cannot keep only the current context's entries
/// (clientcmd `MinifyConfig`).
fn minify_error(kubeconfig: &Kubeconfig) -> Option<String> {
    if kubeconfig.current_context.is_empty() {
        return Some("current-context must exist in order to minify".into());
    }
    let Some(ctx) = kubeconfig.contexts.get(&kubeconfig.current_context) else {
        return Some(format!("cannot locate context {}", kubeconfig.current_context));
    };
    if ctx.cluster != CLUSTER_NAME {
        return Some(format!("cannot locate cluster {}", ctx.cluster));
    }
    if !ctx.user.is_empty() && ctx.user != USER_NAME {
        return Some(format!("cannot locate user {}", ctx.user));
    }
    None
}

fn view(p: &flags::Parsed, kubeconfig: &Kubeconfig, out: &mut Output) -> i32 {
    let minify = p.bool("minify");
    if let Some(e) = minify.then(|| minify_error(kubeconfig)).flatten() {
        out.err(&format!("error: {e}"));
        return 1;
    }
    let v = kubeconfig.view_json(minify, p.bool("raw") || p.bool("flatten"));
    let template = p.value("template").unwrap_or("");
    match p.value("output").unwrap_or(if template.is_empty() { "yaml" } else { "" }) {
        "yaml" => out.out(&crate::printers::yaml::to_yaml(&v)),
        "json" => out.out(&view_as_go_json(&v)),
        "name" => out.out("config/<unknown>"),
        other if other.starts_with("jsonpath") || other.contains("template") || (other.is_empty() && !template.is_empty()) => {
            // jsonpath and go-template work on the Config object as on any other.
            use crate::printers::output_format::{PrintFlags, Printer};
            let flags = PrintFlags {
                output: other,
                template,
                allow_missing_keys: p.value("allow-missing-template-keys").is_none_or(|v| v == "true"),
                no_headers: false,
            };
            let printed = Printer::from_flags(&flags, &|path| Err(format!("open {path}: no such file or directory")))
                .and_then(|printer| printer.print_generic(&v).map_err(|f| f.message));
            match printed {
                Ok(text) if text.is_empty() => {}
                Ok(text) => out.out(&text),
                Err(e) => {
                    out.err(&format!("error: {e}"));
                    return 1;
                }
            }
        }
        other => {
            out.err(&format!("error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml"));
            return 1;
        }
    }
    0
}

fn get_contexts(p: &flags::Parsed, kubeconfig: &Kubeconfig, out: &mut Output) -> i32 {
    let output = p.value("output").unwrap_or("");
    if !output.is_empty() && output != "name" {
        out.err(&format!("error: --output {output} is not available in kubectl config get-contexts; resetting to default output format"));
        return 1;
    }
    let mut missing = Vec::new();
    let chosen: Vec<(&String, &KubeContext)> = if p.args.is_empty() {
        kubeconfig.contexts.iter().collect()
    } else {
        let mut found = Vec::new();
        for name in &p.args {
            match kubeconfig.contexts.get_key_value(name) {
                Some(entry) => found.push(entry),
                None => missing.push(name),
            }
        }
        found
    };
    if output == "name" {
        for (name, _) in &chosen {
            out.out(name);
        }
    } else {
        let mut lines = Vec::new();
        if !p.bool("no-headers") {
            lines.push(row(&["CURRENT", "NAME", "CLUSTER", "AUTHINFO", "NAMESPACE"]));
        }
        for (name, c) in &chosen {
            let current = if **name == kubeconfig.current_context { "*" } else { "" };
            lines.push(row(&[current, name, &c.cluster, &c.user, c.namespace.as_deref().unwrap_or("")]));
        }
        if !lines.is_empty() {
            out.out(&get_table(&lines));
        }
    }
    for name in &missing {
        out.err(&format!("error: context {name} not found"));
    }
    i32::from(!missing.is_empty())
}

fn set_context(p: &flags::Parsed, kubeconfig: &mut Kubeconfig, out: &mut Output) -> i32 {
    let current = p.bool("current");
    let name = match (p.args.as_slice(), current) {
        ([], true) => kubeconfig.current_context.clone(),
        ([name], false) if !name.is_empty() => name.clone(),
        ([_], true) => {
            out.err("error: you cannot specify both a context name and --current");
            return 1;
        }
        ([], false) => {
            out.err("error: you must specify a non-empty context name or --current");
            return 1;
        }
        _ => return unexpected_args("config set-context", &p.args, out),
    };
    if name.is_empty() {
        out.err("error: no current context is set");
        return 1;
    }
    let exists = kubeconfig.contexts.contains_key(&name);
    let ctx = kubeconfig.contexts.entry(name.clone()).or_default();
    if let Some(c) = p.value("cluster") {
        ctx.cluster = c.to_string();
    }
    if let Some(u) = p.value("user") {
        ctx.user = u.to_string();
    }
    if let Some(ns) = p.value("namespace") {
        ctx.namespace = Some(ns.to_string()).filter(|n| !n.is_empty());
    }
    let verb = if exists { "modified" } else { "created" };
    out.out(&format!("Context \"{name}\" {verb}."));
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(kc: &mut Kubeconfig, line: &str) -> (String, i32) {
        let args: Vec<String> = line.split_whitespace().map(String::from).collect();
        let mut out = Output::default();
        let code = run(&args, kc, &mut out);
        (out.text(), code)
    }

    #[test]
    fn view_omits_key_material() {
        let mut kc = Kubeconfig::default();
        let (text, code) = config(&mut kc, "view");
        assert_eq!(code, 0);
        assert!(text.starts_with("apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: DATA+OMITTED\n    server: https://172.30.1.2:6443\n  name: kubernetes\n"));
        assert!(text.ends_with("users:\n- name: kubernetes-admin\n  user:\n    client-certificate-data: DATA+OMITTED\n    client-key-data: DATA+OMITTED\n"));
        assert!(config(&mut kc, "view --raw").0.contains(&format!("client-key-data: {KEY_DATA}\n")));
    }

    #[test]
    fn set_context_namespace_is_the_default_namespace() {
        let mut kc = Kubeconfig::default();
        assert_eq!(kc.namespace(), None);
        let (text, _) = config(&mut kc, "set-context --current --namespace=dev");
        assert_eq!(text, "Context \"kubernetes-admin@kubernetes\" modified.\n");
        assert_eq!(kc.namespace(), Some("dev"));
        let p = flags::parse(&[], &[], &kc).unwrap();
        assert_eq!(p.namespace(), "dev");
        assert_eq!(p.namespace_flag(), None);
        let p = flags::parse(&["-n".into(), "x".into()], &[], &kc).unwrap();
        assert_eq!(p.namespace(), "x");
    }

    #[test]
    fn contexts_are_created_switched_and_listed() {
        let mut kc = Kubeconfig::default();
        assert_eq!(config(&mut kc, "set-context dev --cluster=kubernetes --user=kubernetes-admin --namespace=dev").0, "Context \"dev\" created.\n");
        assert_eq!(config(&mut kc, "use-context dev").0, "Switched to context \"dev\".\n");
        assert_eq!(config(&mut kc, "current-context").0, "dev\n");
        assert_eq!(
            config(&mut kc, "get-contexts").0,
            "CURRENT   NAME                          CLUSTER      AUTHINFO           NAMESPACE\n\
             *         dev                           kubernetes   kubernetes-admin   dev\n          \
             kubernetes-admin@kubernetes   kubernetes   kubernetes-admin   \n"
        );
        assert_eq!(config(&mut kc, "use-context nope"), ("error: no context exists with the name: \"nope\"\n".into(), 1));
    }
}
