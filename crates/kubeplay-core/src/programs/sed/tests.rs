//! sed's behaviour pinned against GNU sed 4.9 (outputs taken from the real program).

use crate::shell::Shell;
use crate::ClusterConfig;

fn run(sh: &mut Shell, cmd: &str) -> (String, i32) {
    let o = sh.execute(cmd);
    (o.lines.iter().map(|l| format!("{}\n", l.text)).collect(), o.exit_code)
}

fn out(cmd: &str) -> String {
    run(&mut Shell::new(ClusterConfig::default()), cmd).0
}

#[test]
fn substitutions_and_flags() {
    assert_eq!(out("echo hello | sed 's/l/L/'"), "heLlo\n");
    assert_eq!(out("echo hello | sed 's/l/L/g'"), "heLLo\n");
    assert_eq!(out("echo hello | sed 's/l/L/2g'"), "helLo\n");
    assert_eq!(out("echo Hello | sed 's/h/J/I'"), "Jello\n");
    assert_eq!(out("echo abc | sed -n 's/b/B/p'"), "aBc\n");
    assert_eq!(out("echo abc | sed -E 's/(a)(b)/\\2\\1 [&]/'"), "ba [ab]c\n");
    assert_eq!(out("echo abc | sed 's/\\(a\\)\\(b\\)/\\2\\1/'"), "bac\n");
    assert_eq!(out("echo 'a/b' | sed 's|/|\\||'"), "a|b\n");
    assert_eq!(out("echo baaac | sed 's/a*/x/g'"), "xbxcx\n");
    assert_eq!(out("echo 'replicas: 1' | sed -e 's/1/2/' -e 's/2/3/'"), "replicas: 3\n");
}

#[test]
fn addresses_ranges_and_commands() {
    let five = "printf '1\\n2\\n3\\n4\\n5\\n' | sed";
    assert_eq!(out(&format!("{five} -n '2,4p'")), "2\n3\n4\n");
    assert_eq!(out(&format!("{five} -n '$p'")), "5\n");
    assert_eq!(out(&format!("{five} '2,$d'")), "1\n");
    assert_eq!(out(&format!("{five} -n '/2/,/4/p'")), "2\n3\n4\n");
    assert_eq!(out(&format!("{five} -n '0,/1/p'")), "1\n");
    assert_eq!(out(&format!("{five} -n '3,+1p'")), "3\n4\n");
    assert_eq!(out(&format!("{five} -n '1~2p'")), "1\n3\n5\n");
    assert_eq!(out(&format!("{five} '3!d'")), "3\n");
    assert_eq!(out(&format!("{five} -n '2{{p;p}}'")), "2\n2\n");
    assert_eq!(out(&format!("{five} '2q'")), "1\n2\n");
    assert_eq!(out(&format!("{five} -n '$='")), "5\n");
    assert_eq!(out(&format!("{five} 'N;P;D'")), "1\n2\n3\n4\n5\n");
    assert_eq!(out(&format!("{five} ':a;N;$!ba;s/\\n/,/g'")), "1,2,3,4,5\n");
    assert_eq!(out(&format!("{five} -n '1!G;h;$p'")), "5\n4\n3\n2\n1\n");
    assert_eq!(out(&format!("{five} '2i\\\nbefore' | head -3")), "1\nbefore\n2\n");
    assert_eq!(out(&format!("{five} '4a after' | tail -3")), "4\nafter\n5\n");
    assert_eq!(out(&format!("{five} '2,4c\\\nmiddle'")), "1\nmiddle\n5\n");
    assert_eq!(out("echo abc | sed 'y/abc/xyz/'"), "xyz\n");
    assert_eq!(out("printf 'a\\tb\\n' | sed -n l"), "a\\tb$\n");
}

#[test]
fn a_missing_last_newline_stays_missing() {
    let mut sh = Shell::new(ClusterConfig::default());
    run(&mut sh, "printf 'a\\nb' > f; sed p f > g");
    assert_eq!(sh.fs.read("/root/g"), Ok("a\na\nb\nb"));
}

#[test]
fn in_place_edits_the_virtual_files() {
    let mut sh = Shell::new(ClusterConfig::default());
    run(&mut sh, "printf 'replicas: 1\\nimage: nginx\\n' > d.yaml");
    assert_eq!(run(&mut sh, "sed -i 's/replicas: 1/replicas: 3/' d.yaml"), (String::new(), 0));
    assert_eq!(sh.fs.read("/root/d.yaml"), Ok("replicas: 3\nimage: nginx\n"));
    assert_eq!(run(&mut sh, "sed -i.bak '/image/d' d.yaml; cat d.yaml d.yaml.bak").0, "replicas: 3\nreplicas: 3\nimage: nginx\n");
    assert_eq!(run(&mut sh, "sed -n -i p d.yaml nope; echo $?").0, "sed: can't read nope: No such file or directory\n2\n");
    assert_eq!(run(&mut sh, "sed -i p; echo $?").0, "sed: no input files\n4\n");
    assert_eq!(run(&mut sh, "sed -i p /tmp; echo $?").0, "sed: couldn't edit /tmp: not a regular file\n4\n");
    assert_eq!(run(&mut sh, "sed -n '1w out.txt' d.yaml; cat out.txt").0, "replicas: 3\n");
}

#[test]
fn gnu_error_messages() {
    let cases = [
        ("s/a/b", "sed: -e expression #1, char 5: unterminated `s' command", 1),
        ("s/a/b/q", "sed: -e expression #1, char 7: unknown option to `s'", 1),
        ("k", "sed: -e expression #1, char 1: unknown command: `k'", 1),
        ("p;k", "sed: -e expression #1, char 3: unknown command: `k'", 1),
        ("/a", "sed: -e expression #1, char 2: unterminated address regex", 1),
        ("1,", "sed: -e expression #1, char 2: unexpected `,'", 1),
        ("{p", "sed: -e expression #1, char 0: unmatched `{'", 1),
        ("}", "sed: -e expression #1, char 1: unexpected `}'", 1),
        ("y/ab/c/", "sed: -e expression #1, char 7: strings for `y' command are different lengths", 1),
        ("s/\\(a\\)/\\2/", "sed: -e expression #1, char 11: invalid reference \\2 on `s' command's RHS", 1),
        ("b foo", "sed: can't find label for jump to `foo'", 4),
        ("a", "sed: -e expression #1, char 1: expected \\ after `a', `c' or `i'", 1),
        ("p x", "sed: -e expression #1, char 3: extra characters after command", 1),
        ("0p", "sed: -e expression #1, char 2: invalid usage of line address 0", 1),
        ("3,1!!p", "sed: -e expression #1, char 5: multiple `!'s", 1),
        ("s/a/b/gg", "sed: -e expression #1, char 8: multiple `g' options to `s' command", 1),
        ("s/a/b/0", "sed: -e expression #1, char 7: number option to `s' command may not be zero", 1),
        (": ", "sed: -e expression #1, char 2: \":\" lacks a label", 1),
        ("s/a/b/w", "sed: -e expression #1, char 7: missing filename in r/R/w/W commands", 1),
    ];
    for (script, message, code) in cases {
        let mut sh = Shell::new(ClusterConfig::default());
        let (text, status) = run(&mut sh, &format!("echo a | sed '{script}'"));
        assert_eq!((text.as_str(), status), (format!("{message}\n").as_str(), code), "script {script:?}");
    }
    assert_eq!(out("echo a | sed -e p -e 's/a/b'"), "sed: -e expression #2, char 5: unterminated `s' command\n");
    assert_eq!(out("sed p nofile; echo $?"), "sed: can't read nofile: No such file or directory\n2\n");
    assert_eq!(out("echo a | sed p - nofile"), "a\na\nsed: can't read nofile: No such file or directory\n");
    let usage = out("sed 2>&1 | head -1; sed -x 2>&1 | head -2");
    assert_eq!(usage, "Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\nsed: invalid option -- 'x'\nUsage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n");
    assert_eq!(out("sed --version | head -1"), "sed (GNU sed) 4.9\n");
}
