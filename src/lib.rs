//! kubeplay's web app: renders the simulated cluster of `kubeplay-core` and turns
//! keystrokes into shell commands. Nothing here decides how the cluster behaves.

pub mod app;
pub mod clock;
pub mod console;
pub mod docs_fetch;
pub mod editor_panel;
pub mod event_stream;
pub mod history_store;
pub mod i18n;
pub mod inspector;
pub mod layout;
pub mod logical;
pub mod physical;
pub mod playground;
pub mod port_preview;
pub mod prefs;
pub mod time_controls;
pub mod traffic;
pub mod traffic_layout;

pub use app::App;
