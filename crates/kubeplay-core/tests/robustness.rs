//! No input may panic or freeze the shell, and a failing command loses nothing: every
//! odd line below runs against one cluster, which must still hold exactly what it
//! held before, and still answer.

use kubeplay_core::{ClusterConfig, Shell};

const ODD_INPUTS: &[&str] = &[
    "", "   ", "\t", "#", "# just a comment", "k", "kubectl", "kubectl --", "kubectl -", "kubectl -n",
    "kubectl -n kube-system", "kubectl --namespace", "kubectl get", "kubectl get ,", "kubectl get ,,pods",
    "kubectl get pods/", "kubectl get /x", "kubectl get pods//", "kubectl get pods -o", "kubectl get pods -o=",
    "kubectl get pods -l", "kubectl get pods -l '!'", "kubectl get pods -l 'a in ('", "kubectl get pods -l ===",
    "kubectl get pods -A=maybe", "kubectl get pods --show-labels=", "kubectl get all,nodes -A -o wide",
    "kubectl get po -o json -n nosuch", "kubectl get nodes.apps", "kubectl get pods.v1", "kubectl get pod.v1.",
    "kubectl run", "kubectl run ''", "kubectl run '' --image=nginx", "kubectl run x --image=",
    "kubectl run x --image", "kubectl run x --image=nginx --port=abc", "kubectl run x --image=nginx --restart=",
    "kubectl run x --image=nginx --dry-run=client -o bogus", "kubectl run -- --image=nginx",
    "kubectl run 名前 --image=nginx", "kubectl run x --image=nginx -n ' '", "kubectl run x --image=nginx --labels=,,=,",
    "kubectl run x --image=nginx --env", "kubectl run x --image=nginx --env==", "kubectl ✓", "kubectl \u{0}",
    "kubectl get pods \u{1b}[31m", "echo '", "echo \"", "echo \\", "'", "\"", "sleep -1", "sleep 1e400", "sleep nan",
    "sleep ''", "alias =", "alias ''", "alias x", "x | y", "kubectl get pods | grep x || true", "a > b", "cat <<EOF", "ls |", "echo $((1/0))", "echo ${x", "echo $(", "exit x", "awk '{'", "jq .[", "grep '['", "sort -k 0", "cut -f 0", "head -c -x", "tr", "base64 -w x", "cd ///", "cp / /", "mv /root /root/x", "rm -r /",
];

#[test]
fn odd_inputs_do_not_panic_and_lose_nothing() {
    let mut sh = Shell::new(ClusterConfig::default());
    sh.execute("kubectl run keep --image=nginx");
    let before: Vec<String> = sh.cluster.store.pods.keys().map(|k| format!("{}/{}", k.namespace, k.name)).collect();
    for input in ODD_INPUTS {
        let out = sh.execute(input);
        // Every failing command says something about why (on stderr), never nothing.
        if out.exit_code != 0 {
            assert!(out.lines.iter().any(|l| !l.text.is_empty()), "silent failure for {input:?}");
        }
    }
    let long = format!("kubectl get pods {}", "x".repeat(100_000));
    sh.execute(&long);
    // Deep nesting is refused before the recursive parsers could exhaust the stack.
    for deep in [format!("echo $(({}1{}))", "(".repeat(5_000), ")".repeat(5_000)), format!("echo {}x{}", "$(".repeat(5_000), ")".repeat(5_000)), format!("jq -n '{}{}'", "[".repeat(5_000), "]".repeat(5_000))] {
        let out = sh.execute(&deep);
        assert_eq!(out.exit_code, 2, "{}", &deep[..20]);
    }
    let after: Vec<String> = sh.cluster.store.pods.keys().map(|k| format!("{}/{}", k.namespace, k.name)).collect();
    // `kubectl run 名前` and friends fail validation; nothing else was created or lost.
    assert_eq!(before, after);
    let out = sh.execute("kubectl get pod keep -o name");
    assert_eq!(out.lines[0].text, "pod/keep");
}

#[test]
fn a_long_sleep_over_a_crash_loop_finishes() {
    let mut sh = Shell::new(ClusterConfig::default());
    sh.execute("kubectl run crash --image=busybox");
    let out = sh.execute("sleep 1e400");
    let Some(kubeplay_core::Effect::Sleep(ms)) = out.effect else { panic!("sleep is an effect") };
    assert_eq!(ms, 366 * 86_400_000, "clamped to a year");
    // A week of restarts every five minutes must settle quickly and keep events bounded.
    sh.cluster.advance_by(7 * 86_400_000);
    assert!(sh.cluster.store.events.len() < 100, "events expire after an hour");
    let out = sh.execute("kubectl get pod crash --no-headers");
    assert!(out.lines[0].text.contains("CrashLoopBackOff") || out.lines[0].text.contains("Completed"), "{:?}", out.lines);
}
