//! `kubectl completion SHELL`: the argument checks of kubectl/pkg/cmd/completion,
//! and short stand-ins for the scripts. The real ones (16 KB for bash) ask
//! `kubectl __complete` at every Tab, which the playground's console does not
//! do; these are still valid scripts that complete kubectl's commands.

use super::flags;
use super::{usage_error, Io, COMMANDS};
use crate::output::Output;

const SHELLS: &[&str] = &["bash", "zsh", "fish", "powershell"];

fn help_error(message: &str, out: &mut Output) -> i32 {
    out.err(&format!("error: {message}"));
    out.err("See 'kubectl completion -h' for help and examples");
    1
}

pub fn run(args: &[String], io: &Io, out: &mut Output) -> i32 {
    let p = match flags::parse(args, &[], io.kubeconfig) {
        Ok(p) => p,
        Err(e) => return usage_error("completion", e.message(), out),
    };
    let shell = match p.args.as_slice() {
        [] => return help_error("Shell not specified.", out),
        [shell] => shell.as_str(),
        _ => return help_error("Too many arguments. Expected only the shell type.", out),
    };
    if !SHELLS.contains(&shell) {
        return help_error(&format!("Unsupported shell type \"{shell}\"."), out);
    }
    let words = COMMANDS.join(" ");
    let script = match shell {
        "bash" => format!(
            "# bash completion for kubectl                              -*- shell-script -*-\n\
             # (kubeplay: a short stand-in for the real script; it completes kubectl's commands)\n\
             _kubectl()\n{{\n    local cur=\"${{COMP_WORDS[COMP_CWORD]}}\"\n    COMPREPLY=()\n    \
             if [[ ${{COMP_CWORD}} -eq 1 ]]; then\n        COMPREPLY=( $(compgen -W \"{words}\" -- \"$cur\") )\n    fi\n}}\n\n\
             complete -o default -F _kubectl kubectl"
        ),
        "zsh" => format!(
            "#compdef kubectl\ncompdef _kubectl kubectl\n\n\
             # (kubeplay: a short stand-in for the real script; it completes kubectl's commands)\n\
             _kubectl()\n{{\n    if (( CURRENT == 2 )); then\n        compadd -- {words}\n    fi\n}}"
        ),
        "fish" => format!(
            "# fish completion for kubectl                              -*- shell-script -*-\n\
             # (kubeplay: a short stand-in for the real script; it completes kubectl's commands)\n\
             complete -c kubectl -f -n '__fish_use_subcommand' -a '{words}'"
        ),
        _ => format!(
            "# powershell completion for kubectl                        -*- shell-script -*-\n\
             # (kubeplay: a short stand-in for the real script; it completes kubectl's commands)\n\
             Register-ArgumentCompleter -CommandName 'kubectl' -ScriptBlock {{\n    param($wordToComplete)\n    \
             '{}' | Where-Object {{ $_ -like \"$wordToComplete*\" }}\n}}",
            COMMANDS.join("','")
        ),
    };
    out.out(&script);
    0
}
