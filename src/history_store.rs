//! The shell history kept across reloads in localStorage (`kubeplay.history`, a JSON
//! array, newest last), so Up and Ctrl+R still find yesterday's commands.

use gloo::storage::{LocalStorage, Storage};

const KEY: &str = "kubeplay.history";

pub fn load() -> Vec<String> {
    LocalStorage::get(KEY).unwrap_or_default()
}

pub fn save(history: &[String]) {
    // A full or disabled storage only costs the history, never the session.
    let _ = LocalStorage::set(KEY, history);
}
