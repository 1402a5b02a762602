use yew::prelude::*;

#[function_component]
fn App() -> Html {
    html! { <input id="console-input" data-ready="true" /> }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
