//! `kubectl edit (RESOURCE/NAME | -f FILENAME)` (kubectl/pkg/cmd/util/editor/
//! editoptions.go, v1.34): the objects are written with kubectl's header comment to
//! `/tmp/kubectl-edit-NNN.yaml`, the editor (`$KUBE_EDITOR`, `$EDITOR`, else `vi`)
//! runs on that file, and once it exits the file is read back: unchanged →
//! `Edit cancelled, no changes made.`; changed → each object is patched (the
//! original → edited difference applied to the live object, through the same
//! update path as `replace`) → `deployment.apps/web edited`; refused by validation
//! → the file is reopened with the causes as comments at the top, and saving it
//! unchanged ends with `error: Edit cancelled, no valid changes were saved.`
//! `--output-patch` prints the strategic merge patch first ([`super::strategic`]).
//! `kubectl apply edit-last-applied` runs the same loop over the objects'
//! last-applied configurations and patches only that annotation.
//!
//! The loop is an [`EditSession`] driven by the shell (`shell::editing`), because
//! running the editor needs the terminal: a program such as `sed -i` runs at once,
//! `vi`/`nano` wait for the person at the page.

use serde_json::Value;

use super::builder::{self, EmptySelector};
use super::flags::{self, flag, FlagDef, FlagKind};
use super::resources::{self, ResourceType};
use super::{usage_error, Io, Outcome};
use crate::api::{ObjectKey, Reason};
use crate::cluster::Cluster;
use crate::output::Output;
use crate::printers::output_format::Printer;
use crate::vfs::Vfs;

const FLAGS: &[FlagDef] = &[
    flag("allow-missing-template-keys", None, FlagKind::Bool),
    flag("field-manager", None, FlagKind::Value),
    flag("filename", Some('f'), FlagKind::Value),
    flag("kustomize", Some('k'), FlagKind::Value),
    flag("output", Some('o'), FlagKind::Value),
    flag("output-patch", None, FlagKind::Bool),
    flag("recursive", Some('R'), FlagKind::Bool),
    flag("save-config", None, FlagKind::Bool),
    flag("show-managed-fields", None, FlagKind::Bool),
    flag("subresource", None, FlagKind::Value),
    flag("template", None, FlagKind::Value),
    flag("validate", None, FlagKind::Value),
    flag("windows-line-endings", None, FlagKind::Bool),
];

/// The header of the file to edit (`editHeader.writeTo`, normal edit mode).
const HEADER: &str = "# Please edit the object below. Lines beginning with a '#' will be ignored,
# and an empty file will abort the edit. If an error occurs while saving this file will be
# reopened with the relevant failures.
#
";

/// The header in `ApplyEditMode` (`kubectl apply edit-last-applied`).
const LAST_APPLIED_HEADER: &str = "# Please edit the 'last-applied-configuration' annotations below.
# Lines beginning with a '#' will be ignored, and an empty file will abort the edit.
#
";

/// The editor command line as `NewDefaultEditor` builds it from the environment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditorCommand {
    pub args: Vec<String>,
    /// Run through `$SHELL -c` (the value holds quotes or backslashes).
    pub shell: bool,
}

impl EditorCommand {
    /// `KUBE_EDITOR`, else `EDITOR`, else `vi`: a value without spaces is the program;
    /// with spaces but no quotes it is split on spaces; otherwise the shell runs it.
    pub fn from_env(kube_editor: Option<&str>, editor: Option<&str>, shell: &str) -> EditorCommand {
        let value = [kube_editor, editor].into_iter().flatten().find(|v| !v.is_empty()).unwrap_or("vi");
        if !value.contains(' ') {
            return EditorCommand { args: vec![value.to_string()], shell: false };
        }
        if !value.contains(['"', '\'', '\\']) {
            return EditorCommand { args: value.split(' ').map(str::to_string).collect(), shell: false };
        }
        EditorCommand { args: vec![shell.to_string(), "-c".into(), value.to_string()], shell: true }
    }

    /// How kubectl names the editor in its errors (`strings.Join(e.Args, " ")`).
    pub fn shown(&self) -> String {
        self.args.join(" ")
    }
}

/// One object being edited, as fetched.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Edited {
    /// Index into [`resources::RESOURCE_TYPES`].
    rt: usize,
    key: ObjectKey,
    original: Value,
}

impl Edited {
    fn rt(&self) -> &'static ResourceType {
        &resources::RESOURCE_TYPES[self.rt]
    }
}

/// A reason the file is opened again, shown in its header.
#[derive(Clone, Debug, PartialEq, Eq)]
struct EditReason {
    head: String,
    other: Vec<String>,
}

/// What the shell must do next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Run the editor on this file, then call [`EditSession::after_editor`].
    Launch(String),
    /// The command ends with this status.
    Done(i32),
}

/// `kubectl edit`'s loop between runs of the editor (`editFn`'s variables).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditSession {
    objects: Vec<Edited>,
    /// `kubectl apply edit-last-applied`: the objects' last-applied configurations
    /// are edited, and only that annotation is patched.
    last_applied: bool,
    /// `--output-patch`: print each patch before sending it.
    output_patch: bool,
    namespace: String,
    /// `-o json` edits JSON (no header); `-o yaml|json` also prints the result so.
    output: Option<String>,
    pub editor: EditorCommand,
    original: String,
    edited: String,
    contains_error: bool,
    reasons: Vec<EditReason>,
    /// The file of the previous pass (removed once the next one is launched).
    previous_file: Option<String>,
    /// The file being edited now.
    pub file: String,
}

/// `kubectl edit …`: finds the objects; the session is run by the shell
/// ([`crate::foreground::Foreground::Edit`]).
pub fn run(cluster: &mut Cluster, args: &[String], io: &mut Io, out: &mut Output) -> Outcome {
    begin(cluster, args, io, out, false)
}

/// `kubectl apply edit-last-applied …`: the same loop over the objects'
/// last-applied configurations (`ApplyEditMode`).
pub fn run_last_applied(cluster: &mut Cluster, args: &[String], io: &mut Io, out: &mut Output) -> Outcome {
    begin(cluster, args, io, out, true)
}

fn begin(cluster: &mut Cluster, args: &[String], io: &mut Io, out: &mut Output, last_applied: bool) -> Outcome {
    let verb = if last_applied { "apply edit-last-applied" } else { "edit" };
    let p = match flags::parse(args, FLAGS, io.kubeconfig) {
        Ok(p) => p,
        Err(e) => return Outcome::code(usage_error(verb, e.message(), out)),
    };
    if last_applied && p.bool("output-patch") {
        out.err("error: unknown flag: --output-patch");
        out.err("See 'kubectl apply edit-last-applied --help' for usage.");
        return Outcome::code(1);
    }
    let output = p.value("output").map(str::to_string);
    if let Some(o) = output.as_deref() {
        if o != "yaml" && o != "json" && o != "name" {
            out.err(&format!("error: unable to match a printer suitable for the output format \"{o}\", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml"));
            return Outcome::code(1);
        }
    }
    if p.args.is_empty() && p.values("filename").is_empty() {
        out.err(super::NO_RESOURCES);
        return Outcome::code(1);
    }
    let found = match builder::visit(cluster, &p, &p.args, io, EmptySelector::SelectsAll) {
        Ok(f) => f,
        Err(e) => {
            out.err(&e);
            return Outcome::code(1);
        }
    };
    if let Some(e) = found.error_text() {
        out.err(&e);
        return Outcome::code(1);
    }
    if found.infos.is_empty() {
        out.err("error: edit cancelled, no objects found");
        return Outcome::code(1);
    }
    let rt_index = |rt: &ResourceType| resources::RESOURCE_TYPES.iter().position(|r| std::ptr::eq(r, rt)).unwrap_or(0);
    let objects: Vec<Edited> = if last_applied {
        // Objects without the annotation are left out (GetOriginalConfiguration).
        found
            .infos
            .into_iter()
            .filter_map(|i| {
                let text = i.json.pointer("/metadata/annotations").and_then(|a| a.get(super::apply::LAST_APPLIED)).and_then(Value::as_str)?;
                let config: Value = serde_json::from_str(text).ok()?;
                Some(Edited { rt: rt_index(i.rt), key: i.key, original: config })
            })
            .collect()
    } else {
        found.infos.into_iter().map(|i| Edited { rt: rt_index(i.rt), key: i.key, original: i.json }).collect()
    };
    if objects.is_empty() {
        out.err("error: no last-applied-configuration annotation found on resources, to create the annotation, use command `kubectl apply set-last-applied --create-annotation`");
        return Outcome::code(1);
    }
    let session = EditSession {
        objects,
        last_applied,
        output_patch: p.bool("output-patch"),
        namespace: p.namespace().to_string(),
        output,
        editor: EditorCommand { args: vec!["vi".into()], shell: false },
        original: String::new(),
        edited: String::new(),
        contains_error: false,
        reasons: Vec::new(),
        previous_file: None,
        file: String::new(),
    };
    Outcome { exit_code: 0, foreground: Some(crate::foreground::Foreground::Edit(Box::new(session))) }
}

impl EditSession {
    fn json(&self) -> bool {
        self.output.as_deref() == Some("json")
    }

    /// The objects as the editor shows them: one object, or a `v1` `List`.
    fn document(&self) -> Value {
        let strip = |v: &Value| {
            let mut v = v.clone();
            if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
                m.remove("managedFields");
            }
            v
        };
        match self.objects.as_slice() {
            [one] => strip(&one.original),
            many => serde_json::json!({
                "apiVersion": "v1",
                "items": many.iter().map(|o| strip(&o.original)).collect::<Vec<_>>(),
                "kind": "List",
                "metadata": {},
            }),
        }
    }

    /// The header with the reasons of the last failed pass.
    fn header(&self) -> String {
        let mut h = if self.last_applied { LAST_APPLIED_HEADER } else { HEADER }.to_string();
        for r in &self.reasons {
            if r.other.is_empty() {
                h.push_str(&format!("# {}\n", hash_on_line_break(&r.head)));
            } else {
                h.push_str(&format!("# {}:\n", hash_on_line_break(&r.head)));
            }
            for o in &r.other {
                h.push_str(&format!("# * {}\n", hash_on_line_break(o)));
            }
            h.push_str("#\n");
        }
        h
    }

    /// Writes the next file to edit and asks for the editor on it.
    pub fn start(&mut self, cluster: &mut Cluster, fs: &mut Vfs) -> Step {
        let mut buf = if self.json() { String::new() } else { self.header() };
        if self.contains_error {
            buf.push_str(&manual_strip(&self.edited));
        } else {
            let printer = if self.json() { Printer::Json } else { Printer::Yaml };
            buf.push_str(&printer.print_generic(&self.document()).unwrap_or_default());
            self.original = buf.clone();
        }
        let ext = if self.json() { "json" } else { "yaml" };
        // os.CreateTemp: the pattern's `*` becomes a random uint32 in decimal.
        let path = loop {
            let n = cluster.rng().below(u32::MAX as usize);
            let candidate = format!("/tmp/kubectl-edit-{n}.{ext}");
            if !fs.is_file(&candidate) {
                break candidate;
            }
        };
        let _ = fs.write(&path, buf);
        self.file = path.clone();
        Step::Launch(path)
    }

    /// The editor could not run: kubectl's error, with where the changes were kept.
    pub fn editor_failed(&self, message: &str, fs: &Vfs, out: &mut Output) -> Step {
        self.preserved(self.previous_file.as_deref(), fs, out);
        out.err(&format!("error: {message}"));
        Step::Done(1)
    }

    fn preserved(&self, path: Option<&str>, fs: &Vfs, out: &mut Output) {
        if let Some(p) = path.filter(|p| fs.is_file(p)) {
            out.err(&format!("A copy of your changes has been stored to \"{p}\""));
        }
    }

    /// The editor exited: reads the file and goes on as `editFn`'s loop does.
    pub fn after_editor(&mut self, cluster: &mut Cluster, fs: &mut Vfs, out: &mut Output) -> Step {
        let file = self.file.clone();
        let previous_edit = std::mem::take(&mut self.edited);
        self.edited = fs.read(&file).unwrap_or_default().to_string();
        if self.contains_error && strip_comments(&previous_edit) == strip_comments(&self.edited) {
            self.preserved(Some(&file), fs, out);
            out.err("error: Edit cancelled, no valid changes were saved.");
            return Step::Done(1);
        }
        if let Some(prev) = self.previous_file.take() {
            let _ = fs.remove_file(&prev);
        }
        if strip_comments(&self.original) == strip_comments(&self.edited) {
            let _ = fs.remove_file(&file);
            out.err("Edit cancelled, no changes made.");
            return Step::Done(0);
        }
        if !has_lines(&self.edited) {
            let _ = fs.remove_file(&file);
            out.err("Edit cancelled, saved file was empty.");
            return Step::Done(0);
        }
        self.previous_file = Some(file.clone());
        self.reasons.clear();
        let docs = match super::manifest::parse("edited-file", &self.edited) {
            Ok(d) => d,
            Err(e) => {
                self.contains_error = true;
                let e = e.strip_prefix("error: ").unwrap_or(&e);
                self.reasons.push(EditReason { head: format!("The edited file had a syntax error: {e}"), other: Vec::new() });
                return self.start(cluster, fs);
            }
        };
        self.contains_error = false;
        for d in &docs {
            if let Some(ns) = d.namespace().filter(|ns| d.rt.namespaced && *ns != self.namespace) {
                self.preserved(Some(&file), fs, out);
                out.err(&format!(
                    "error: the namespace from the provided object \"{ns}\" does not match the namespace \"{}\". You must pass '--namespace={ns}' to perform this operation.",
                    self.namespace
                ));
                return Step::Done(1);
            }
        }
        let (mut invalid, mut retryable, mut notfound) = (0, 0, 0);
        for d in docs {
            let uid = d.value.pointer("/metadata/uid").and_then(Value::as_str).unwrap_or("");
            let Some(orig) = self.objects.iter().find(|o| o.original.pointer("/metadata/uid").and_then(Value::as_str).unwrap_or("") == uid).cloned() else {
                self.preserved(Some(&file), fs, out);
                out.err(&format!("error: no original object found for {}/{}", d.rt.name_prefix(), d.name()));
                return Step::Done(1);
            };
            let rt = orig.rt();
            let name = orig.key.name.clone();
            let prefix = rt.name_prefix();
            if d.value == orig.original {
                out.out(&format!("{prefix}/{name} skipped"));
                continue;
            }
            let changed_identity = ["/apiVersion", "/kind", "/metadata/name"].iter().any(|f| d.value.pointer(f) != orig.original.pointer(f));
            if changed_identity {
                self.preserved(Some(&file), fs, out);
                out.err("error: At least one of apiVersion, kind and name was changed");
                return Step::Done(1);
            }
            // The two-way patch original → edited, applied to the object as it is now.
            let current = match (rt.get)(cluster, &orig.key.namespace, &name, resources::Want::CellsAndJson) {
                Ok(item) => item.json.unwrap_or(Value::Null),
                Err(_) => {
                    notfound += 1;
                    out.err(&format!("error: {} \"{name}\" could not be found on the server", rt.qualified()));
                    continue;
                }
            };
            let mut patched = current;
            if self.last_applied {
                // annotationPatch: the edited configuration becomes the annotation;
                // nothing else of the object changes.
                let text = format!("{}\n", crate::printers::go_format::marshal(&d.value));
                patched = super::apply::with_annotation(&patched, super::apply::LAST_APPLIED, text);
            } else {
                if self.output_patch {
                    let patch = super::strategic::two_way(&orig.original, &d.value);
                    out.out(&format!("Patch: {}", crate::printers::go_format::marshal(&patch)));
                }
                super::apply::three_way(&mut patched, Some(&orig.original), &d.value);
            }
            match (rt.update)(cluster, &orig.key.namespace, &name, &patched) {
                Ok(_) => {
                    cluster.settle();
                    self.print_result(cluster, rt, &orig.key, out);
                }
                Err(e) if e.reason == Reason::Invalid => {
                    invalid += 1;
                    let causes = e.invalid.as_ref().map(|(_, _, c)| c.iter().map(|c| format!("{}: {}", c.field, c.detail)).collect()).unwrap_or_default();
                    self.reasons.push(EditReason { head: format!("{} \"{name}\" was not valid", rt.qualified()), other: causes });
                    out.err(&format!("error: {} \"{name}\" is invalid", rt.qualified()));
                }
                Err(e) if e.reason == Reason::NotFound => {
                    notfound += 1;
                    out.err(&format!("error: {} \"{name}\" could not be found on the server", rt.qualified()));
                }
                Err(e) => {
                    retryable += 1;
                    out.err(&format!("error: {} \"{name}\" could not be patched: {}", rt.qualified(), e.message));
                }
            }
        }
        if retryable > 0 {
            out.err(&format!("You can run `kubectl replace -f {file}` to try this update again."));
            return Step::Done(1);
        }
        if notfound > 0 {
            out.err(&format!("The edits you made on deleted resources have been saved to \"{file}\""));
            return Step::Done(1);
        }
        if invalid == 0 {
            let _ = fs.remove_file(&file);
            self.previous_file = None;
            return Step::Done(0);
        }
        self.contains_error = true;
        self.start(cluster, fs)
    }

    /// `deployment.apps/web edited`, or the object with `-o yaml|json`.
    fn print_result(&self, cluster: &Cluster, rt: &ResourceType, key: &ObjectKey, out: &mut Output) {
        let printer = match self.output.as_deref() {
            Some("yaml") => Printer::Yaml,
            Some("json") => Printer::Json,
            _ => {
                out.out(&format!("{}/{} edited", rt.name_prefix(), key.name));
                return;
            }
        };
        if let Ok(item) = (rt.get)(cluster, &key.namespace, &key.name, resources::Want::CellsAndJson) {
            let text = printer.print_generic(&item.json.unwrap_or(Value::Null)).unwrap_or_default();
            out.out(text.trim_end_matches('\n'));
        }
    }
}

/// `hashOnLineBreak`: continues a multi-line reason as comments.
fn hash_on_line_break(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' && chars.peek().is_some_and(|n| *n != '#') {
            out.push_str("\n# ");
        } else {
            out.push(c);
        }
    }
    out
}

/// `cmdutil.ManualStrip`: the file without its comment lines (`#!` is kept).
fn manual_strip(file: &str) -> String {
    let lines: Vec<&str> = file.split('\n').collect();
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        if t.starts_with('#') && !t.starts_with("#!") {
            continue;
        }
        out.push_str(line);
        if i + 1 < lines.len() {
            out.push('\n');
        }
    }
    out
}

/// `cmdutil.StripComments`: the YAML as JSON (comments and layout do not count), or
/// the manually stripped text when it is not valid YAML.
fn strip_comments(file: &str) -> String {
    match yaml_serde::from_str::<Value>(file) {
        Ok(v) => v.to_string(),
        Err(_) => manual_strip(file),
    }
}

/// Whether some line is neither blank nor a comment.
fn has_lines(file: &str) -> bool {
    file.lines().any(|l| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with('#')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_editor_comes_from_the_environment_as_kubectl_reads_it() {
        let e = EditorCommand::from_env(Some("sed -i \"s/a/b/\""), Some("nano"), "/bin/bash");
        assert_eq!(e.args, ["/bin/bash", "-c", "sed -i \"s/a/b/\""]);
        assert!(e.shell);
        assert_eq!(EditorCommand::from_env(None, Some("nano -w"), "/bin/bash").args, ["nano", "-w"]);
        assert_eq!(EditorCommand::from_env(Some(""), None, "/bin/bash").args, ["vi"]);
    }

    #[test]
    fn comments_and_blank_files() {
        assert_eq!(manual_strip("# a\nb: 1\n  # c\n#!x\n"), "b: 1\n#!x\n");
        assert_eq!(strip_comments("# x\na: 1\n"), strip_comments("a:   1 # trailing\n"));
        assert!(!has_lines("# only\n\n  \n"));
        assert_eq!(hash_on_line_break("a\nb\n#c"), "a\n# b\n#c");
    }
}
