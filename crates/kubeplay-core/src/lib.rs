//! kubeplay-core: the simulated Kubernetes cluster, `kubectl` and the bash-like shell.
//!
//! This crate is pure Rust and deliberately depends on no browser crate, so that the
//! very same code runs in the web page (compiled to wasm), in native tests and in the
//! headless `kubeplay-sh` binary. Time and randomness are inputs: the simulated clock
//! ([`time::SimTime`]) and a seeded RNG live inside [`cluster::Cluster`]; nothing here
//! reads the host clock or host entropy.
//!
//! Data flow of one command: [`shell`] (parse, builtins) → [`kubectl`] (flags, verbs,
//! printers) → [`api`] (validation, defaults, versioned store) → [`controllers`]
//! (scheduler, kubelet) settle → new state, which the UI reads through [`view`].

pub mod api;
pub mod cluster;
pub mod controllers;
pub mod docs;
pub mod editor;
pub mod foreground;
pub mod images;
pub mod json;
pub mod kubectl;
pub mod kubeplay_command;
pub mod metrics;
pub mod names;
pub mod network;
pub mod output;
pub mod printers;
pub mod programs;
pub mod script;
pub mod snapshot;
pub mod shell;
pub mod sorting;
pub mod time;
pub mod vfs;
pub mod view;

pub use cluster::{Cluster, ClusterConfig};
pub use output::{Output, OutputLine, Stream};
pub use shell::{CommandOutput, Effect, Shell};
