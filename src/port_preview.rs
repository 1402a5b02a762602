//! The port-forward preview: while `kubectl port-forward` runs (in the foreground
//! or as a job), the page offers `http://localhost:PORT` of each forwarded port and
//! shows what the model answers to a browser's GET. An HTML answer is drawn in an
//! `<iframe sandbox="">` from `srcdoc` (no scripts, no same-origin access, so the
//! served page can never touch the app); anything else is shown as text.

use std::rc::Rc;

use kubeplay_core::network::loopback::Preview;
use yew::prelude::*;

use crate::i18n::Lang;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub ports: Vec<u16>,
    pub preview: Option<Rc<Preview>>,
    pub lang: Lang,
    pub on_open: Callback<u16>,
    pub on_close: Callback<()>,
}

#[function_component(PortPreview)]
pub fn port_preview(props: &Props) -> Html {
    let t = props.lang.texts();
    if props.ports.is_empty() {
        return html! {};
    }
    let shown = props.preview.as_ref().filter(|p| props.ports.iter().any(|port| p.url == format!("http://localhost:{port}/")));
    html! {
        <section id="preview-panel" aria-label={t.preview}>
            <div class="preview-bar">
                <span class="preview-label">{t.preview_forwarded}</span>
                { for props.ports.iter().map(|port| {
                    let on_open = props.on_open.clone();
                    let port = *port;
                    html! {
                        <button class="preview-open" data-port={port.to_string()} onclick={Callback::from(move |_| on_open.emit(port))}>
                            { format!("http://localhost:{port}") }
                        </button>
                    }
                }) }
                if shown.is_some() {
                    <button class="preview-close" aria-label="×" onclick={props.on_close.reform(|_| ())}>{"×"}</button>
                }
            </div>
            { match shown {
                None => html! { <p class="preview-hint">{t.preview_hint}</p> },
                Some(p) => html! {
                    <div class="preview-body">
                        <div class="preview-status"><span class="preview-url">{p.url.clone()}</span>{" "}<span>{p.status.clone()}</span></div>
                        if p.html {
                            <iframe class="preview-frame" sandbox="" srcdoc={p.body.clone()} title={t.preview_frame}></iframe>
                        } else {
                            <pre class="preview-text">{p.body.clone()}</pre>
                        }
                    </div>
                },
            } }
        </section>
    }
}
