//! The programs installed on the control-plane node besides bash and kubectl: GNU
//! coreutils' file commands and text filters, grep, awk and jq, working on the
//! virtual file system and on what pipes feed them. Each is a
//! [`crate::shell::commands::CommandFn`] registered in the shell's command table.
//!
//! Messages quote as coreutils does in the node's `C.UTF-8` locale: `quote()` gives
//! ‘x’ (mkdir, head, sort, sleep), `quoteaf()` gives 'x' (rm, touch, ls, cp, mv).

pub mod awk;
pub mod editors;
pub mod files;
pub mod getopt;
pub mod grep;
pub mod jq;
pub mod text;
pub mod sed;
pub mod timeout;
