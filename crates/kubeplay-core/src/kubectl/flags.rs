//! Flag parsing as cobra/pflag does it: `--flag=v`, `--flag v`, `-n ns`, `-nns`,
//! `-n=ns`, combined boolean shorthands (`-it`), `--` ending the flags, and flags
//! anywhere among the arguments. Errors carry pflag's exact wording.

use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlagKind {
    /// `--watch`, `--watch=false`
    Bool,
    /// `--image nginx`, `--image=nginx`; repeatable (`--env a=1 --env b=2`).
    Value,
}

#[derive(Clone, Copy, Debug)]
pub struct FlagDef {
    pub long: &'static str,
    pub short: Option<char>,
    pub kind: FlagKind,
}

pub const fn flag(long: &'static str, short: Option<char>, kind: FlagKind) -> FlagDef {
    FlagDef { long, short, kind }
}

/// kubectl's persistent (global) flags, accepted by every command.
pub const GLOBAL_FLAGS: &[FlagDef] = &[
    flag("namespace", Some('n'), FlagKind::Value),
    flag("kubeconfig", None, FlagKind::Value),
    flag("context", None, FlagKind::Value),
    flag("cluster", None, FlagKind::Value),
    flag("user", None, FlagKind::Value),
    flag("server", Some('s'), FlagKind::Value),
    flag("request-timeout", None, FlagKind::Value),
    flag("v", Some('v'), FlagKind::Value),
    flag("warnings-as-errors", None, FlagKind::Bool),
    flag("help", Some('h'), FlagKind::Bool),
];

/// The result of parsing one command line.
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    /// Positional arguments before `--`.
    pub args: Vec<String>,
    /// Arguments after `--` (a container command), if `--` was given.
    pub after_dash: Option<Vec<String>>,
    values: BTreeMap<&'static str, Vec<String>>,
    /// Every flag given, in order, by long name (what `--record` writes down).
    pub given: Vec<(&'static str, String)>,
    /// The namespace of the kubeconfig's current context, if it names one.
    context_namespace: Option<String>,
}

impl Parsed {
    /// The last value given for a flag.
    pub fn value(&self, long: &str) -> Option<&str> {
        self.values.get(long).and_then(|v| v.last()).map(String::as_str)
    }

    /// Every value given for a repeatable flag.
    pub fn values(&self, long: &str) -> &[String] {
        self.values.get(long).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn is_set(&self, long: &str) -> bool {
        self.values.contains_key(long)
    }

    /// The namespace a namespaced command works in: `-n/--namespace`, else the
    /// kubeconfig context's namespace, else `default` (clientcmd's
    /// `DirectClientConfig.Namespace`). An empty `-n ""` counts as not given.
    pub fn namespace(&self) -> &str {
        self.namespace_flag().or(self.context_namespace.as_deref()).unwrap_or("default")
    }

    /// The namespace the user named on the command line, if any. kubectl writes
    /// it into objects it builds (`--dry-run=client -o yaml` shows it) only then:
    /// a namespace from the context is not "enforced".
    pub fn namespace_flag(&self) -> Option<&str> {
        self.value("namespace").filter(|ns| !ns.is_empty())
    }

    fn set(&mut self, long: &'static str, value: String) {
        self.given.push((long, value.clone()));
        self.values.entry(long).or_default().push(value);
    }

    /// A boolean flag's value (`--all-namespaces`, `-A`, `--watch=false`).
    pub fn bool(&self, long: &str) -> bool {
        self.value(long).is_some_and(|v| v == "true")
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FlagError {
    /// pflag's message, e.g. `unknown flag: --foo`.
    Usage(String),
}

impl FlagError {
    pub fn message(&self) -> &str {
        match self {
            FlagError::Usage(m) => m,
        }
    }
}

/// How pflag names a flag in value errors: `-A, --all-namespaces` or `--watch`.
fn flag_name(def: &FlagDef) -> String {
    match def.short {
        Some(c) => format!("-{c}, --{}", def.long),
        None => format!("--{}", def.long),
    }
}

fn parse_bool(v: &str, name: &str) -> Result<String, FlagError> {
    match v {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Ok("true".into()),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Ok("false".into()),
        _ => Err(FlagError::Usage(format!(
            "invalid argument \"{v}\" for \"{name}\" flag: strconv.ParseBool: parsing \"{v}\": invalid syntax"
        ))),
    }
}

/// Parses `args` against the command's flags plus the global ones; the namespace
/// falls back to the kubeconfig context's.
pub fn parse(args: &[String], defs: &[FlagDef], kubeconfig: &super::config::Kubeconfig) -> Result<Parsed, FlagError> {
    let all: Vec<FlagDef> = defs.iter().chain(GLOBAL_FLAGS.iter()).copied().collect();
    let mut parsed = parse_flags(args, &all)?;
    parsed.context_namespace = kubeconfig.namespace().map(String::from);
    Ok(parsed)
}

/// Parses `args` against exactly these flags, as pflag would.
pub fn parse_flags(args: &[String], all: &[FlagDef]) -> Result<Parsed, FlagError> {
    let by_long = |name: &str| all.iter().find(|d| d.long == name).copied();
    let by_short = |c: char| all.iter().find(|d| d.short == Some(c)).copied();
    let mut out = Parsed::default();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "--" {
            out.after_dash = Some(args[i..].to_vec());
            break;
        }
        if let Some(body) = a.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let Some(def) = by_long(name) else {
                return Err(FlagError::Usage(format!("unknown flag: --{name}")));
            };
            let value = match (def.kind, inline) {
                (FlagKind::Bool, None) => "true".to_string(),
                (FlagKind::Bool, Some(v)) => parse_bool(&v, &flag_name(&def))?,
                (FlagKind::Value, Some(v)) => v,
                (FlagKind::Value, None) => {
                    let Some(v) = args.get(i) else {
                        return Err(FlagError::Usage(format!("flag needs an argument: --{name}")));
                    };
                    i += 1;
                    v.clone()
                }
            };
            out.set(def.long, value);
            continue;
        }
        if a.len() > 1 && a.starts_with('-') {
            // A run of shorthands: booleans may be combined, a value flag takes the
            // rest of the word (`-nkube-system`, `-n=kube-system`) or the next argument.
            let chars: Vec<char> = a[1..].chars().collect();
            let mut j = 0;
            while j < chars.len() {
                let c = chars[j];
                let Some(def) = by_short(c) else {
                    return Err(FlagError::Usage(format!("unknown shorthand flag: '{c}' in {a}")));
                };
                j += 1;
                match def.kind {
                    FlagKind::Bool => {
                        let value = if chars.get(j) == Some(&'=') {
                            let v: String = chars[j + 1..].iter().collect();
                            j = chars.len();
                            parse_bool(&v, &flag_name(&def))?
                        } else {
                            "true".into()
                        };
                        out.set(def.long, value);
                    }
                    FlagKind::Value => {
                        let rest: String = chars[j..].iter().collect();
                        let value = if !rest.is_empty() {
                            rest.strip_prefix('=').unwrap_or(&rest).to_string()
                        } else if let Some(v) = args.get(i) {
                            i += 1;
                            v.clone()
                        } else {
                            return Err(FlagError::Usage(format!("flag needs an argument: '{c}' in {a}")));
                        };
                        out.set(def.long, value);
                        j = chars.len();
                    }
                }
            }
            continue;
        }
        out.args.push(a.clone());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFS: &[FlagDef] = &[
        flag("image", None, FlagKind::Value),
        flag("all-namespaces", Some('A'), FlagKind::Bool),
        flag("stdin", Some('i'), FlagKind::Bool),
        flag("tty", Some('t'), FlagKind::Bool),
        flag("output", Some('o'), FlagKind::Value),
        flag("env", None, FlagKind::Value),
    ];

    fn p(s: &str) -> Result<Parsed, FlagError> {
        let args: Vec<String> = s.split_whitespace().map(String::from).collect();
        parse(&args, DEFS, &super::super::config::Kubeconfig::default())
    }

    #[test]
    fn long_forms() {
        let r = p("web --image=nginx").unwrap();
        assert_eq!(r.args, vec!["web"]);
        assert_eq!(r.value("image"), Some("nginx"));
        assert_eq!(p("--image nginx web").unwrap().value("image"), Some("nginx"));
    }

    #[test]
    fn short_forms() {
        assert_eq!(p("-n dev").unwrap().value("namespace"), Some("dev"));
        assert_eq!(p("-ndev").unwrap().value("namespace"), Some("dev"));
        assert_eq!(p("-n=dev").unwrap().value("namespace"), Some("dev"));
        assert_eq!(p("-n=").unwrap().namespace_flag(), None);
        assert_eq!(p("-n=").unwrap().namespace(), "default");
        assert_eq!(p("-owide").unwrap().value("output"), Some("wide"));
        let r = p("-it pod").unwrap();
        assert!(r.bool("stdin") && r.bool("tty"));
        assert!(p("-A").unwrap().bool("all-namespaces"));
    }

    #[test]
    fn repeatable_and_dash_dash() {
        let r = p("x --env a=1 --env b=2 -- sleep 10").unwrap();
        assert_eq!(r.values("env"), ["a=1", "b=2"]);
        assert_eq!(r.after_dash.unwrap(), vec!["sleep", "10"]);
    }

    #[test]
    fn pflag_error_texts() {
        assert_eq!(p("--foo").unwrap_err().message(), "unknown flag: --foo");
        assert_eq!(p("-z").unwrap_err().message(), "unknown shorthand flag: 'z' in -z");
        assert_eq!(p("--image").unwrap_err().message(), "flag needs an argument: --image");
        assert_eq!(p("-n").unwrap_err().message(), "flag needs an argument: 'n' in -n");
        assert_eq!(
            p("--all-namespaces=maybe").unwrap_err().message(),
            "invalid argument \"maybe\" for \"-A, --all-namespaces\" flag: strconv.ParseBool: parsing \"maybe\": invalid syntax"
        );
    }
}
