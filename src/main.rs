fn main() {
    yew::Renderer::<kubeplay::App>::new().render();
}
