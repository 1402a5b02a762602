//! kubectl's documentation: the full help texts (`kubectl CMD --help`, `kubectl help`,
//! bare command groups) and explain's schemas. Together about 60 KB gzipped that only
//! a few commands print, so the page does not carry them in its first-load wasm.
//!
//! Two ways to have them:
//! - natively (the headless shell, every native test): compiled in, always there, so
//!   transcripts pin the exact texts;
//! - in wasm (the page): the site serves them as one file, `kubectl-docs.txt`
//!   ([`Bundle::text`], kept current by a test), which the page fetches the first time
//!   a command needs it and hands to [`install`].
//!
//! A command that looks the documentation up before it arrived is *noted*
//! ([`take_missed`]); kubectl then turns it into a [`DocsWait`] foreground that prints
//! the answer once the bundle is installed, or the reason it could not be loaded.
//!
//! What every command needs — the command tree, each command's flags, aliases and
//! the first line of each flag's usage — is not here: `kubectl/help/_skeleton.txt`,
//! derived from the same texts, stays in the wasm.

use std::cell::{Cell, RefCell};

/// Name of the file the site serves the bundle as (next to `index.html`).
pub const FILE_NAME: &str = "kubectl-docs.txt";

/// Starts each record of the bundle file (`\x0cNAME\n` then the text up to the next
/// record); no text contains it.
const RECORD: char = '\x0c';

/// The documentation: every command path's raw help text (with `@KEY` lines that
/// refer to blocks of `flags`), the shared flag blocks, explain's schemas (JSON).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Bundle {
    help: Vec<(&'static str, &'static str)>,
    flags: &'static str,
    explain: &'static str,
}

impl Bundle {
    /// Reads the bundle file: `help PATH`, `flags` and `explain` records.
    pub fn parse(text: &'static str) -> Result<Bundle, String> {
        let mut bundle = Bundle::default();
        let mut explain = None;
        for (name, body) in records(text) {
            if let Some(path) = name.strip_prefix("help ") {
                bundle.help.push((path, body));
            } else if name == "flags" {
                bundle.flags = body;
            } else if name == "explain" {
                explain = Some(body);
            }
        }
        bundle.explain = explain.ok_or("the file has no explain schemas")?;
        if bundle.help.is_empty() {
            return Err("the file has no help texts".into());
        }
        Ok(bundle)
    }

    /// The bundle as the site serves it.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for (path, body) in &self.help {
            s.push_str(&format!("{RECORD}help {path}\n{body}"));
        }
        s.push_str(&format!("{RECORD}flags\n{}{RECORD}explain\n{}", self.flags, self.explain));
        s
    }

    /// The texts compiled in (natively; a cfg rather than a feature, so that no
    /// workspace member's features can put them back into the page's wasm).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn embedded() -> &'static Bundle {
        static EMBEDDED: std::sync::OnceLock<Bundle> = std::sync::OnceLock::new();
        EMBEDDED.get_or_init(|| Bundle {
            help: include!("kubectl/help/index.rs").to_vec(),
            flags: include_str!("kubectl/help/_flags.txt"),
            explain: include_str!("kubectl/explain.json"),
        })
    }

    pub fn help(&self) -> &[(&'static str, &'static str)] {
        &self.help
    }

    pub fn flags(&self) -> &'static str {
        self.flags
    }
}

/// `(NAME, TEXT)` of each `\x0cNAME\n` record.
pub fn records(text: &'static str) -> impl Iterator<Item = (&'static str, &'static str)> {
    text.split(RECORD).skip(1).map(|r| r.split_once('\n').unwrap_or((r, "")))
}

/// Where the page's fetch stands.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
enum Fetch {
    #[default]
    Idle,
    /// A command waits: the page should fetch the file.
    Wanted,
    Fetching,
    Failed(String),
}

#[derive(Default)]
struct State {
    installed: Option<&'static Bundle>,
    fetch: Fetch,
    /// A lookup found nothing since [`take_missed`] was last called.
    missed: Cell<bool>,
    /// Tests: behave as the page does before the file arrived.
    #[cfg(test)]
    hide_embedded: bool,
}

thread_local! {
    // The page has one thread; natively each test thread has its own state.
    static STATE: RefCell<State> = RefCell::default();
}

/// The documentation, if it is here; otherwise the lookup is noted as missed.
fn bundle() -> Option<&'static Bundle> {
    STATE.with_borrow(|s| {
        let found = s.installed.or_else(|| embedded(s));
        if found.is_none() {
            s.missed.set(true);
        }
        found
    })
}

#[cfg(not(target_arch = "wasm32"))]
fn embedded(_s: &State) -> Option<&'static Bundle> {
    #[cfg(test)]
    if _s.hide_embedded {
        return None;
    }
    Some(Bundle::embedded())
}

#[cfg(target_arch = "wasm32")]
fn embedded(_s: &State) -> Option<&'static Bundle> {
    None
}

/// A command path's raw help text (`@KEY` lines refer to [`shared_flags`]).
pub fn help_text(path: &str) -> Option<&'static str> {
    bundle()?.help.iter().find(|(p, _)| *p == path).map(|(_, t)| *t)
}

/// The flag blocks several help texts share (`@KEY` then the lines).
pub fn shared_flags() -> Option<&'static str> {
    bundle().map(|b| b.flags)
}

/// explain's schemas, as JSON.
pub fn explain_json() -> Option<&'static str> {
    bundle().map(|b| b.explain)
}

/// Whether a lookup found the documentation missing since the last call.
pub fn take_missed() -> bool {
    STATE.with_borrow(|s| s.missed.replace(false))
}

/// A command waits for the documentation: the page should fetch it (again, after a
/// failure).
pub fn request() {
    STATE.with_borrow_mut(|s| {
        if matches!(s.fetch, Fetch::Idle | Fetch::Failed(_)) {
            s.fetch = Fetch::Wanted;
        }
    });
}

/// For the page: true once per request, when the fetch should start.
pub fn take_request() -> bool {
    STATE.with_borrow_mut(|s| {
        let wanted = s.fetch == Fetch::Wanted;
        if wanted {
            s.fetch = Fetch::Fetching;
        }
        wanted
    })
}

/// For the page: the fetched file. It stays for the rest of the page's life.
pub fn install(text: String) -> Result<(), String> {
    let bundle = Bundle::parse(Box::leak(text.into_boxed_str()))?;
    STATE.with_borrow_mut(|s| {
        s.installed = Some(Box::leak(Box::new(bundle)));
        s.fetch = Fetch::Idle;
    });
    Ok(())
}

/// For the page: the fetch failed; waiting commands print why.
pub fn fail(reason: &str) {
    STATE.with_borrow_mut(|s| s.fetch = Fetch::Failed(reason.to_string()));
}

/// Where a waiting command stands.
#[derive(Debug, PartialEq, Eq)]
pub enum Status {
    Here,
    Pending,
    /// The error line a waiting command prints.
    Failed(String),
}

pub fn status() -> Status {
    if STATE.with_borrow(|s| s.installed.is_some() || embedded(s).is_some()) {
        return Status::Here;
    }
    STATE.with_borrow(|s| match &s.fetch {
        Fetch::Failed(reason) => Status::Failed(format!("kubeplay: kubectl's documentation (help texts, explain) could not be loaded: {reason}")),
        _ => Status::Pending,
    })
}

/// Tests: this thread behaves as the page before the file arrived (or again with the
/// embedded texts).
#[cfg(test)]
pub(crate) fn hide_embedded(hide: bool) {
    STATE.with_borrow_mut(|s| {
        s.hide_embedded = hide;
        s.installed = None;
        s.fetch = Fetch::Idle;
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    /// The file the site serves and the skeleton the wasm keeps are derived from the
    /// imported texts; `KUBEPLAY_RECORD=1` writes them again.
    #[test]
    fn generated_files_are_current() {
        let bundle = Bundle::embedded();
        for (path, text) in &bundle.help {
            assert!(!text.contains(RECORD) && !path.contains('\n'), "{path}");
        }
        let files = [
            (root().join("static").join(FILE_NAME), bundle.text()),
            (root().join("crates/kubeplay-core/src/kubectl/help/_skeleton.txt"), crate::kubectl::help::skeleton_file(bundle)),
        ];
        for (file, expected) in files {
            if std::env::var("KUBEPLAY_RECORD").is_ok() {
                std::fs::write(&file, &expected).unwrap();
            }
            let on_disk = std::fs::read_to_string(&file).unwrap_or_default();
            assert!(on_disk == expected, "{} is out of date: KUBEPLAY_RECORD=1 cargo test -p kubeplay-core --lib docs", file.display());
        }
    }

    #[test]
    fn the_file_reads_back_as_the_embedded_texts() {
        let text: &'static str = Box::leak(Bundle::embedded().text().into_boxed_str());
        assert_eq!(&Bundle::parse(text).unwrap(), Bundle::embedded());
        assert!(Bundle::parse("").is_err());
        assert!(Bundle::parse("\x0chelp get\nx").is_err());
    }

    #[test]
    fn missing_until_installed_then_failed_fetches_retry() {
        hide_embedded(true);
        assert_eq!(status(), Status::Pending);
        assert!(help_text("get").is_none() && take_missed() && !take_missed());
        assert!(!take_request());
        request();
        assert!(take_request() && !take_request());
        fail("404 Not Found");
        assert_eq!(status(), Status::Failed("kubeplay: kubectl's documentation (help texts, explain) could not be loaded: 404 Not Found".into()));
        request();
        assert_eq!(status(), Status::Pending);
        assert!(take_request());
        install(Bundle::embedded().text()).unwrap();
        assert_eq!(status(), Status::Here);
        assert_eq!(help_text("get"), Bundle::embedded().help.iter().find(|(p, _)| *p == "get").map(|(_, t)| *t));
        assert!(!take_missed());
        hide_embedded(false);
    }

    /// Runs `line` before the documentation arrived; `arrives` then installs it or
    /// fails the fetch. Returns what the terminal showed after that.
    fn waiting(line: &str, arrives: impl FnOnce()) -> String {
        hide_embedded(true);
        let mut sh = crate::Shell::new(crate::ClusterConfig::default());
        let started = sh.execute(line);
        assert!(started.lines.is_empty(), "{line}: {:?}", started.lines);
        let Some(crate::Effect::Foreground(mut fg)) = started.effect else { panic!("{line} did not wait") };
        assert!(fg.poll(&sh.cluster).exit.is_none() && take_request());
        arrives();
        let progress = fg.poll(&sh.cluster);
        let mut lines = sh.deliver(progress.out).lines;
        sh.last_status = progress.exit.expect("answered");
        lines.extend(sh.resume().lines);
        hide_embedded(false);
        lines.iter().map(|l| format!("{}\n", l.text)).collect()
    }

    #[test]
    fn commands_wait_for_the_documentation_then_print_through_their_pipeline() {
        let install_it = || install(Bundle::embedded().text()).unwrap();
        assert_eq!(waiting("kubectl run --help | head -1; echo $?", install_it), "Create and run a particular image in a pod.\n0\n");
        let explained = waiting("kubectl explain pods | head -3", install_it);
        assert_eq!(explained, "KIND:       Pod\nVERSION:    v1\n\n");
        let group = waiting("kubectl config 2>&1 | head -1", install_it);
        assert_eq!(group, "Modify kubeconfig files using subcommands like \"kubectl config set current-context my-context\".\n");
        let failed = waiting("kubectl explain pods.spec; echo $?", || fail("404 Not Found"));
        assert_eq!(failed, "kubeplay: kubectl's documentation (help texts, explain) could not be loaded: 404 Not Found\n1\n");
    }
}
