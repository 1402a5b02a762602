//! Fetches kubectl's documentation (help texts, explain's schemas) the first time a
//! command needs it: `kubectl-docs.txt`, which Trunk copies next to `index.html`
//! (`data-trunk rel="copy-file"`), resolved against the page's `<base>` (the site's
//! public URL, e.g. `/kubeplay/`). Kept out of the wasm to keep the first load small;
//! the waiting command is a `Foreground` of the core (`kubeplay_core::docs`).

use kubeplay_core::docs;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Starts the fetch if a command asked for the documentation since the last call.
pub fn start_if_wanted() {
    if !docs::take_request() {
        return;
    }
    wasm_bindgen_futures::spawn_local(async {
        let loaded = fetch_text(docs::FILE_NAME).await.and_then(docs::install);
        if let Err(reason) = loaded {
            docs::fail(&reason);
        }
    });
}

async fn fetch_text(url: &str) -> Result<String, String> {
    let window = web_sys::window().ok_or("no window")?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(url)).await.map_err(js_error)?.unchecked_into();
    if !response.ok() {
        return Err(format!("{url}: HTTP {} {}", response.status(), response.status_text()));
    }
    let text = JsFuture::from(response.text().map_err(js_error)?).await.map_err(js_error)?;
    text.as_string().ok_or_else(|| format!("{url}: not text"))
}

/// A rejected promise's reason as a line (a `TypeError: Failed to fetch` …).
fn js_error(e: wasm_bindgen::JsValue) -> String {
    js_sys::Error::from(e).to_string().into()
}
