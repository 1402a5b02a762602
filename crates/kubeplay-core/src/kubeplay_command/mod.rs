//! `kubeplay ...`: the playground's own command for what happens to a cluster from
//! outside its API — machines stopping or joining (`node`), a container's process
//! dying (`container kill`), a registry losing an image (`image`), clients sending
//! requests (`traffic`, `load`). It is deliberately not a kubectl verb: real
//! clusters get these from systemctl, kubeadm, the cloud console, the registry or
//! their users; the UI's fault and traffic buttons type these same commands so the
//! learner sees their form.

mod snapshot;
mod traffic;

use crate::api::ObjectKey;
use crate::cluster::Cluster;
use crate::output::Output;

const USAGE: &str = "Usage: kubeplay COMMAND

  node stop NODE           stop the node's kubelet (the node turns NotReady after 50s)
  node start NODE          start it again
  node add                 join a new worker node
  node remove NODE         remove a node from the cluster
  container kill POD [-c CONTAINER] [-n NAMESPACE]
                           kill a running container (exit code 137); the kubelet restarts it
  image unpullable IMAGE   the registry stops serving IMAGE and the nodes forget their copies
  image pullable IMAGE     serve IMAGE again
  traffic [--from FROM] [--host HOST] [--rate N] URL
                           send one request and print its path, or N per second;
                           FROM is outside (the default), node/NAME or pod/NAME
  traffic                  list the steady streams of requests
  traffic stop [ID]        stop one stream, or all of them
  load SERVICE RPS [-n NAMESPACE]
                           send RPS requests per second to SERVICE (0 stops them)
  snapshot save FILE       save the whole session (cluster, files, shell) to FILE
  snapshot load FILE       replace the session with the one saved in FILE";

/// A command's result: the line to print, or the error.
type Outcome = Result<String, String>;

/// Runs `kubeplay <args>` with the whole shell at hand (`snapshot` saves and
/// replaces it); everything else acts on the cluster through [`run`].
pub fn run_in_shell(shell: &mut crate::shell::Shell, args: &[String], out: &mut Output) -> i32 {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    if let ["snapshot", rest @ ..] = words.as_slice() {
        return match snapshot::snapshot(shell, rest) {
            Some(result) => report(result, out),
            None => usage_error(out, &format!("unknown command: {}", words.join(" "))),
        };
    }
    let namespace = shell.kubeconfig.namespace().unwrap_or("default").to_string();
    run(&mut shell.cluster, &namespace, args, out)
}

/// Runs `kubeplay <args>`; `namespace` is the kubeconfig's current one. Returns the
/// exit status.
pub fn run(cluster: &mut Cluster, namespace: &str, args: &[String], out: &mut Output) -> i32 {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let result: Outcome = match words.as_slice() {
        ["node", "stop", name] => cluster.stop_kubelet(name).map(|_| format!("kubelet on {name} stopped")).map_err(|e| e.to_string()),
        ["node", "start", name] => cluster.start_kubelet(name).map(|_| format!("kubelet on {name} started")).map_err(|e| e.to_string()),
        ["node", "remove", name] => cluster.remove_node(name).map(|_| format!("{name} removed from the cluster")).map_err(|e| e.to_string()),
        ["node", "add"] => Ok(format!("{} joined the cluster", cluster.add_node())),
        ["container", "kill", rest @ ..] => kill(cluster, namespace, rest),
        ["image", "unpullable", image] => crate::controllers::kubelet::set_unpullable(cluster, image, true)
            .map(|canonical| format!("{canonical} can no longer be pulled; the next pull of it fails with ErrImagePull")),
        ["image", "pullable", image] => crate::controllers::kubelet::set_unpullable(cluster, image, false).map(|canonical| format!("{canonical} can be pulled again")),
        ["traffic", rest @ ..] => return traffic::traffic(cluster, namespace, rest, out),
        ["load", rest @ ..] => traffic::load(cluster, namespace, rest),
        [] | ["help"] | ["-h"] | ["--help"] | ["node" | "container" | "image"] => {
            out.out(USAGE);
            return 0;
        }
        _ => return usage_error(out, &format!("unknown command: {}", words.join(" "))),
    };
    report(result, out)
}

/// Prints `kubeplay: <line>` or the error; 0 or 1.
fn report(result: Outcome, out: &mut Output) -> i32 {
    match result {
        Ok(msg) => {
            out.out(&format!("kubeplay: {msg}"));
            0
        }
        Err(e) => {
            out.err(&format!("kubeplay: {e}"));
            1
        }
    }
}

fn usage_error(out: &mut Output, msg: &str) -> i32 {
    out.err(&format!("kubeplay: {msg}"));
    out.err(USAGE);
    2
}

/// Flags shared by the subcommands, read in any order: `-n/--namespace`, `-c`,
/// `--from`, `--host`, `--rate`, each as `--flag value` or `--flag=value`.
#[derive(Default)]
struct Flags<'a> {
    namespace: Option<&'a str>,
    container: Option<&'a str>,
    from: Option<&'a str>,
    host: Option<&'a str>,
    rate: Option<&'a str>,
    positional: Vec<&'a str>,
}

fn parse_flags<'a>(words: &[&'a str]) -> Result<Flags<'a>, String> {
    let mut f = Flags::default();
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        let (name, inline) = match w.split_once('=') {
            Some((n, v)) if n.starts_with('-') => (n, Some(v)),
            _ => (w, None),
        };
        let slot = match name {
            "-n" | "--namespace" => &mut f.namespace,
            "-c" | "--container" => &mut f.container,
            "--from" => &mut f.from,
            "--host" => &mut f.host,
            "--rate" => &mut f.rate,
            _ if w.starts_with('-') && w.len() > 1 => return Err(format!("unknown flag: {w}")),
            _ => {
                f.positional.push(w);
                i += 1;
                continue;
            }
        };
        let value = match inline {
            Some(v) => v,
            None => {
                i += 1;
                *words.get(i).ok_or_else(|| format!("flag needs an argument: {name}"))?
            }
        };
        *slot = Some(value);
        i += 1;
    }
    Ok(f)
}

/// `kubeplay container kill POD [-c CONTAINER] [-n NAMESPACE]`
fn kill(cluster: &mut Cluster, namespace: &str, words: &[&str]) -> Outcome {
    let f = parse_flags(words)?;
    let [pod] = f.positional.as_slice() else { return Err("container kill needs exactly one POD".into()) };
    let pod = pod.strip_prefix("pod/").or_else(|| pod.strip_prefix("pods/")).unwrap_or(pod);
    let key = ObjectKey::new(f.namespace.unwrap_or(namespace), pod);
    let name = crate::controllers::kubelet::kill_container(cluster, &key, f.container)?;
    Ok(format!("killed container {name} of pod {pod} (exit code 137); the kubelet restarts it by the pod's restartPolicy"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::SimTime;
    use crate::ClusterConfig;

    fn run_words(c: &mut Cluster, line: &str) -> (i32, String) {
        let args: Vec<String> = line.split_whitespace().map(str::to_string).collect();
        let mut out = Output::default();
        let code = run(c, "default", &args, &mut out);
        (code, out.lines.iter().map(|l| l.text.clone()).collect::<Vec<_>>().join("\n"))
    }

    #[test]
    fn errors_name_the_problem() {
        let mut c = Cluster::new(ClusterConfig { seed: 1, start: SimTime(1_700_000_000_000) });
        assert_eq!(run_words(&mut c, "container kill nosuch"), (1, "kubeplay: pods \"nosuch\" not found".into()));
        assert_eq!(run_words(&mut c, "image unpullable no-such-image:1").1, "kubeplay: image no-such-image:1 is not in the registry");
        let (code, text) = run_words(&mut c, "container kill --bogus x");
        assert_eq!((code, text.as_str()), (1, "kubeplay: unknown flag: --bogus"));
        assert_eq!(run_words(&mut c, "frobnicate").0, 2);
        assert!(run_words(&mut c, "help").1.contains("container kill POD"));
    }
}
