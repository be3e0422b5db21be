//! An empty Tauri window: the baseline the memory benchmark subtracts (issue 7, benchmark 4;
//! `bash scripts/bench-ui.sh memory`) and the start-up benchmark compares with (benchmark 5:
//! it prints when its page load started, as Parley logs its own). The same Tauri and WebKit as
//! Parley, drawing the same way (compositing or not), a blank page, nothing else.

#[path = "../src/rendering.rs"]
#[allow(dead_code)] // shares the app's decision; the log line is the app's
mod rendering;

#[path = "../src/launch_time.rs"]
#[allow(dead_code)] // only the time since start is used here
mod launch_time;

fn main() {
    rendering::choose();
    let mut context = tauri::generate_context!("../tauri.conf.json");
    context.config_mut().app.windows.clear();
    tauri::Builder::default()
        .on_page_load(|_, payload| {
            if payload.event() == tauri::webview::PageLoadEvent::Started {
                if let Some(after) = launch_time::since_start_ms() {
                    eprintln!("empty window: page load started after_start_ms={after}");
                }
            }
        })
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
