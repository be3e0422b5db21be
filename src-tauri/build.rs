//! Generates the Tauri context from the root `tauri.conf.json` and declares the app's own
//! commands, so that capabilities can grant the window exactly the ones it uses.

fn main() {
    let commands = &[
        "subscribe",
        "events_drawn",
        "rooms_shown",
        "page_ready",
        "snapshot",
        "history",
        "search_messages",
        "send_message",
        "retry_message",
        "delete_message",
        "cancel_upload",
        "send_file",
        "mark_read",
        "mark_read_up_to",
        "clear_alerts",
        "set_templates",
        "set_room_sound",
        "export_templates",
        "add_account",
        "remove_account",
        "update_account",
        "test_mockly",
        "reconnect_now",
        "dismiss_demo",
        "add_mexc_chat",
        "remove_room",
        "refresh_order",
        "open_orders",
        "export_evidence",
        "prepare_media",
        "save_media",
        "test_realtime",
        "room_directory",
        "join_room",
        "create_room",
        "update_room",
        "delete_room",
        "set_typing",
        "set_symbols",
        "load_older",
        "check_mixin_keystore",
        "open_link",
        "set_muted",
        "set_hide_text",
        "set_open_room",
        "set_desktop_prefs",
        "inspector_frames",
        "export_inspector",
        "keep_secrets_for_session",
        "set_auto_media",
    ];
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .config_path("../tauri.conf.json")
            .app_manifest(tauri_build::AppManifest::new().commands(commands)),
    )
    .expect("tauri build step");
}
