//! `kubectl explain` (placeholder while the field table is written).
use super::Io;
use crate::output::Output;

pub fn run(_args: &[String], _io: &Io, out: &mut Output) -> i32 {
    out.err("kubeplay: \"kubectl explain\" is not simulated yet");
    1
}
