//! An empty Tauri window: the baseline the memory benchmark subtracts (issue 7, benchmark 4;
//! `bash scripts/bench-ui.sh memory`). The same Tauri and WebKit as Parley, a blank page,
//! nothing else.

fn main() {
    let mut context = tauri::generate_context!("../tauri.conf.json");
    context.config_mut().app.windows.clear();
    tauri::Builder::default()
        .setup(|app| {
            // Through the app's own protocol, as every Tauri page loads; nothing is there.
            let blank = tauri::WebviewUrl::App("empty-window.html".into());
            tauri::WebviewWindowBuilder::new(app, "main", blank)
                .title("Empty window")
                .inner_size(1100.0, 720.0)
                .build()?;
            Ok(())
        })
        .run(context)
        .unwrap_or_else(|e| eprintln!("empty window: {e}"));
}
