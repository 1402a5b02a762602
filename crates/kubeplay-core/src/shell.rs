//! The bash-like shell around kubectl: splits a line into words with bash quoting,
//! expands aliases (`k` is `kubectl`), and runs builtins. The prompt and the host
//! name (`controlplane`) are those of a kubeadm control-plane node.

use std::collections::BTreeMap;

use crate::cluster::{Cluster, ClusterConfig};
use crate::kubectl::{self, Kubeconfig};
use crate::vfs::Vfs;
use crate::output::{Output, OutputLine};

pub const PROMPT: &str = "controlplane:~$ ";

/// What the caller (page or headless runner) must do after a command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// `clear` / Ctrl+L: wipe the screen.
    Clear,
    /// `sleep N`: let the simulated clock run for this many milliseconds before
    /// accepting the next command.
    Sleep(i64),
    /// The command keeps running over simulated time: poll it after every clock
    /// advance until it reports its exit status (Ctrl+C drops it).
    Foreground(crate::foreground::Foreground),
}

#[derive(Clone, Debug, Default)]
pub struct CommandOutput {
    pub lines: Vec<OutputLine>,
    pub effect: Option<Effect>,
    pub exit_code: i32,
}

/// One user's shell session on the control-plane node, owning the cluster.
#[derive(Clone, Debug)]
pub struct Shell {
    pub cluster: Cluster,
    aliases: BTreeMap<String, String>,
    pub fs: Vfs,
    pub cwd: String,
    pub kubeconfig: Kubeconfig,
}

const HELP: &str = "kubeplay: a simulated Kubernetes v1.34 cluster in your browser.

Commands:
  kubectl version                     client and server versions
  kubectl get nodes [-o wide]         the three nodes of the cluster
  kubectl get pods [-A | -n NS]       pods (po) of a namespace, or of all with -A
  kubectl get all                     pods and services of the namespace
  kubectl run NAME --image=IMAGE      start a pod (try subicura/whoami:1 or nginx)
  k ...                               alias for kubectl
  sleep N                             wait N seconds
  clear                               clear the screen (also Ctrl+L)
  help                                this text";

impl Shell {
    pub fn new(config: ClusterConfig) -> Shell {
        Shell::with_cluster(Cluster::new(config))
    }

    pub fn with_cluster(cluster: Cluster) -> Shell {
        let aliases = [("k".to_string(), "kubectl".to_string())].into();
        Shell { cluster, aliases, fs: Vfs::default(), cwd: crate::vfs::HOME.to_string(), kubeconfig: Kubeconfig::default() }
    }

    /// Runs one command line.
    pub fn execute(&mut self, line: &str) -> CommandOutput {
        let mut out = Output::default();
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            return CommandOutput::default();
        }
        let mut words = match shell_words::split(trimmed) {
            Ok(w) => w,
            Err(_) => {
                let quote = if trimmed.matches('\'').count() % 2 == 1 { '\'' } else { '"' };
                out.err(&format!("bash: unexpected EOF while looking for matching `{quote}'"));
                return CommandOutput { lines: out.lines, effect: None, exit_code: 2 };
            }
        };
        if words.iter().any(|w| w == "|" || w == ">" || w == ">>") {
            out.err("kubeplay: pipes and redirection are not simulated yet");
            return CommandOutput { lines: out.lines, effect: None, exit_code: 2 };
        }
        if let Some(expansion) = self.aliases.get(&words[0]) {
            let mut expanded: Vec<String> = expansion.split_whitespace().map(String::from).collect();
            expanded.extend(words.drain(1..));
            words = expanded;
        }
        let mut effect = None;
        let code = match words[0].as_str() {
            "kubectl" => {
                let mut io = kubectl::Io { stdin: None, fs: &self.fs, cwd: &self.cwd, kubeconfig: &mut self.kubeconfig };
                let outcome = kubectl::run(&mut self.cluster, &words[1..], &mut io, &mut out);
                effect = outcome.foreground.map(Effect::Foreground);
                outcome.exit_code
            }
            "clear" => {
                effect = Some(Effect::Clear);
                0
            }
            "help" => {
                out.out(HELP);
                0
            }
            "echo" => {
                out.out(&words[1..].join(" "));
                0
            }
            "sleep" => match words.get(1).map(|s| parse_sleep(s)) {
                Some(Some(ms)) => {
                    effect = Some(Effect::Sleep(ms));
                    0
                }
                Some(None) => {
                    out.err(&format!("sleep: invalid time interval '{}'", words[1]));
                    out.err("Try 'sleep --help' for more information.");
                    1
                }
                None => {
                    out.err("sleep: missing operand");
                    out.err("Try 'sleep --help' for more information.");
                    1
                }
            },
            "alias" => self.alias(&words[1..], &mut out),
            "kubeplay" => crate::kubeplay_command::run(&mut self.cluster, &words[1..], &mut out),
            other => {
                out.err(&format!("bash: {other}: command not found"));
                127
            }
        };
        CommandOutput { lines: out.lines, effect, exit_code: code }
    }

    fn alias(&mut self, args: &[String], out: &mut Output) -> i32 {
        if args.is_empty() {
            for (k, v) in &self.aliases {
                out.out(&format!("alias {k}='{v}'"));
            }
            return 0;
        }
        for a in args {
            match a.split_once('=') {
                Some((k, v)) => {
                    self.aliases.insert(k.to_string(), v.to_string());
                }
                None => match self.aliases.get(a) {
                    Some(v) => out.out(&format!("alias {a}='{v}'")),
                    None => {
                        out.err(&format!("bash: alias: {a}: not found"));
                        return 1;
                    }
                },
            }
        }
        0
    }
}

/// The longest one `sleep` may wait: a year of simulated time. Longer waits would
/// only make a headless run churn through a crash loop's restarts for nothing.
const MAX_SLEEP_MS: f64 = 366.0 * 86_400_000.0;

/// `sleep 10`, `sleep 1.5`, `sleep 2m` (GNU sleep suffixes s, m, h, d).
fn parse_sleep(s: &str) -> Option<i64> {
    let (num, mult) = match s.chars().last()? {
        's' => (&s[..s.len() - 1], 1_000.0),
        'm' => (&s[..s.len() - 1], 60_000.0),
        'h' => (&s[..s.len() - 1], 3_600_000.0),
        'd' => (&s[..s.len() - 1], 86_400_000.0),
        _ => (s, 1_000.0),
    };
    let v: f64 = num.parse().ok()?;
    (v >= 0.0 && !v.is_nan()).then(|| (v * mult).min(MAX_SLEEP_MS) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(o: &CommandOutput) -> String {
        o.lines.iter().map(|l| format!("{}\n", l.text)).collect()
    }

    #[test]
    fn alias_k_is_kubectl() {
        let mut sh = Shell::new(ClusterConfig::default());
        let o = sh.execute("k version --client");
        assert_eq!(text(&o), "Client Version: v1.34.5\nKustomize Version: v5.7.1\n");
    }

    #[test]
    fn unknown_command_and_quotes() {
        let mut sh = Shell::new(ClusterConfig::default());
        assert_eq!(text(&sh.execute("foo")), "bash: foo: command not found\n");
        assert_eq!(sh.execute("foo").exit_code, 127);
        assert_eq!(text(&sh.execute("echo 'a  b' \"c\"")), "a  b c\n");
        assert_eq!(text(&sh.execute("echo 'oops")), "bash: unexpected EOF while looking for matching `''\n");
    }

    #[test]
    fn sleep_is_an_effect() {
        let mut sh = Shell::new(ClusterConfig::default());
        assert_eq!(sh.execute("sleep 10").effect, Some(Effect::Sleep(10_000)));
        assert_eq!(sh.execute("sleep 1.5").effect, Some(Effect::Sleep(1_500)));
        assert_eq!(sh.execute("clear").effect, Some(Effect::Clear));
        assert_eq!(text(&sh.execute("sleep x")), "sleep: invalid time interval 'x'\nTry 'sleep --help' for more information.\n");
    }
}
