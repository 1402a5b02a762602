//! The control loops. Each is a small reconcile function from observed state (the
//! store) to intended changes, as in Kubernetes; none writes status "because a command
//! said so".

pub mod bootstrap;
pub mod kubelet;
pub mod resources;
pub mod scheduler;
