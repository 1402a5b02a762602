//! kubeplay's web app: renders the simulated cluster of `kubeplay-core` and turns
//! keystrokes into shell commands. Nothing here decides how the cluster behaves.

pub mod app;
pub mod console;
pub mod layout;
pub mod physical;
pub mod playground;

pub use app::App;
