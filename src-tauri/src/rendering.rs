//! How WebKitGTK draws the window. Its compositing mode renders through OpenGL; without a GPU
//! (a VM, a remote or virtual display) that GL is a software rasterizer, and every scroll and
//! new row then costs a multiple of drawing directly: measured under Xvfb with a 1,000 messages/s
//! flood, push-to-paint p99 was 362 ms with compositing and 86 ms without, and the page got 66
//! frames instead of 152 (`bash scripts/bench-ui.sh load`). So without a GPU render node,
//! compositing is turned off, unless the user set `WEBKIT_DISABLE_COMPOSITING_MODE` themselves.

const SWITCH: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// Decides before any thread starts (it sets an environment variable WebKit reads).
pub fn choose() {
    if std::env::var_os(SWITCH).is_some() {
        return;
    }
    if !has_gpu() {
        std::env::set_var(SWITCH, "1");
    }
}

/// Whether the kernel offers a GPU render node (DRM), which hardware OpenGL needs.
fn has_gpu() -> bool {
    std::fs::read_dir("/dev/dri")
        .map(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
        })
        .unwrap_or(false)
}

/// What was decided, for the log.
pub fn describe() -> String {
    match std::env::var(SWITCH) {
        Ok(value) => format!("{SWITCH}={value}"),
        Err(_) => "compositing (GPU render node present)".into(),
    }
}
