//! Parley's desktop shell: a thin Tauri layer over `parley-core`. It parses the command
//! line, starts the engine (and the Demo workspace when there is nothing else), exposes a
//! handful of commands, and streams core events to the page in batches.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod alerts;
mod args;
mod bridge;
mod commands;
mod deadlines;
mod demo;
mod downloads;
mod error;
mod launch_time;
mod media;
mod models;
mod notifier;
mod quit_signals;
mod rendering;
mod startup;
mod tray;
mod window_reveal;

use tauri::Manager;

fn main() {
    let args = match args::Args::parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("parley: {message}\n\n{}", args::USAGE);
            std::process::exit(2);
        }
    };
    if args.help {
        // A reader that stops early (`parley --help | head -1`) is not an error.
        use std::io::Write;
        let _ = writeln!(std::io::stdout(), "{}", args::USAGE);
        return;
    }
    rendering::choose();
    // An explicit profile runs one Parley too (the default profile has the single-instance
    // plugin below): a second launch on the same folder brings the first to the front.
    let mut show_requests = None;
    let _instance = match args.profile.as_deref().map(parley_core::profile::claim) {
        None => None,
        Some(Ok(parley_core::profile::Claim::First { lock, listener })) => {
            show_requests = listener;
            Some(lock)
        }
        Some(Ok(parley_core::profile::Claim::Running)) => {
            let dir = args.profile.as_deref().unwrap_or(std::path::Path::new("."));
            if parley_core::profile::ask_to_show(dir).is_ok() {
                eprintln!("parley: already running with this profile; its window is brought up");
                return;
            }
            if !parley_core::profile::is_closing(dir) {
                // Running, with no socket to ask on (a folder path too long for one, or the
                // file removed): nothing to wait for.
                eprintln!("parley: already running with this profile; bring its window up from the tray or the taskbar");
                return;
            }
            // It no longer answers: it is closing (the window was just closed). This launch
            // runs once it has ended, rather than doing nothing.
            eprintln!("parley: the Parley on this profile is closing; starting once it has ended");
            match parley_core::profile::wait_for_closing(dir, parley_core::profile::CLOSING_WAIT) {
                Ok(parley_core::profile::Claim::First { lock, listener }) => {
                    show_requests = listener;
                    Some(lock)
                }
                Ok(parley_core::profile::Claim::Running) => {
                    eprintln!("parley: the Parley on this profile neither answers nor ends");
                    std::process::exit(1);
                }
                Err(e) => {
                    eprintln!("parley: the profile folder cannot be used: {e}");
                    std::process::exit(1);
                }
            }
        }
        Some(Err(e)) => {
            eprintln!("parley: the profile folder cannot be used: {e}");
            std::process::exit(1);
        }
    };
    let profile = parley_core::profile::Profile::from_arg(args.profile.as_deref());
    // Dropped in the Exit event below: `app.run` ends the process without returning, and the
    // log's last lines (the shutdown's "listenKey deleted") are written only when it drops.
    let log_guard = match parley_core::logging::init_file(&profile.logs_dir) {
        Ok(guard) => Some(guard),
        Err(e) => {
            eprintln!("parley: logging disabled: {e}");
            None
        }
    };
    tracing::info!(config = %profile.config_file.display(), rendering = %rendering::describe(), "starting Parley");
    launch_time::log_milestone("logging on");
    // Before anything connects (see quit_signals.rs).
    let quit_signal = quit_signals::listen();
    // The default profile's data folder: locked below once the single-instance check passed.
    let default_dir = args
        .profile
        .is_none()
        .then(|| {
            profile
                .store_file
                .parent()
                .map(std::path::Path::to_path_buf)
        })
        .flatten();
    let starting = startup::Starting::spawn(profile, args.demo);
    let go = starting.go_signal();

    // The default profile runs once: launching Parley again brings the running window to the
    // front. Explicit profiles (tests, side-by-side setups) stay independent.
    let single_instance = args.profile.is_none();
    let mut builder = tauri::Builder::default();
    if single_instance {
        builder = builder.plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            tray::show_window(app);
        }));
    }
    let app = builder
        // Size, position and maximized state are restored; whether the window shows is Parley's
        // decision (start hidden in the tray), never a leftover of how it was last closed.
        .plugin(
            tauri_plugin_window_state::Builder::default()
                .with_state_flags(
                    tauri_plugin_window_state::StateFlags::all()
                        - tauri_plugin_window_state::StateFlags::VISIBLE,
                )
                .build(),
        )
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            Some(vec!["--autostart"]),
        ))
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_opener::init())
        .setup(move |app| {
            launch_time::log_milestone("window set up");
            let startup::Started {
                state,
                alert_events,
                notifier_events,
            } = starting.join()?;
            quit_signal.quit_app(app.handle().clone());
            alerts::watch(app.handle().clone(), alert_events, state.alerts.clone());
            notifier::watch(
                app.handle().clone(),
                state.engine.clone(),
                notifier_events,
                state.focus.clone(),
            );
            deadlines::watch(app.handle().clone(), state.engine.clone());
            let desktop = state.engine.desktop_prefs();
            let paused = state.engine.notification_prefs().paused;
            app.manage(state);
            let mut start_hidden = false;
            let tray = tray::create(app.handle(), paused);
            if tray.is_some() {
                if let Some(state) = app.try_state::<startup::AppState>() {
                    state
                        .has_tray
                        .store(true, std::sync::atomic::Ordering::SeqCst);
                }
                start_hidden = args.autostart && desktop.start_hidden;
            }
            // The window title carries the unread count too, with or without a tray.
            tray::follow_unread(app.handle().clone(), tray);
            // The window was created hidden; the page shows it once it has drawn its first
            // screen (see window_reveal.rs), unless Parley starts hidden in the tray.
            app.manage(window_reveal::Reveal::new(!start_hidden));
            if !start_hidden {
                window_reveal::reveal_later(app.handle().clone());
            }
            launch_time::log_milestone("engine started");
            Ok(())
        })
        .on_page_load(|_, payload| {
            if payload.event() == tauri::webview::PageLoadEvent::Started {
                launch_time::log_milestone("page load started");
            }
        })
        .on_window_event(|window, event| {
            let Some(state) = window.try_state::<startup::AppState>() else {
                return;
            };
            match event {
                tauri::WindowEvent::Focused(focused) => {
                    state.focus.update(|f| f.window_focused = *focused);
                }
                // With a tray, closing hides the window and Parley keeps running (if chosen).
                tauri::WindowEvent::CloseRequested { api, .. }
                    if state.has_tray.load(std::sync::atomic::Ordering::SeqCst)
                        && state.engine.desktop_prefs().close_to_tray =>
                {
                    api.prevent_close();
                    window_reveal::settle(window.app_handle());
                    let _ = window.hide();
                    state.focus.update(|f| f.window_focused = false);
                }
                _ => {}
            }
        })
        .register_asynchronous_uri_scheme_protocol(media::SCHEME, |ctx, request, responder| {
            media::handle(ctx.app_handle(), request, responder)
        })
        .invoke_handler(tauri::generate_handler![
            commands::page::subscribe,
            commands::page::events_drawn,
            commands::page::rooms_shown,
            commands::page::page_ready,
            commands::page::snapshot,
            commands::messages::history,
            commands::messages::search_messages,
            commands::messages::send_message,
            commands::messages::retry_message,
            commands::messages::delete_message,
            commands::messages::cancel_upload,
            commands::messages::send_file,
            commands::messages::mark_read,
            commands::messages::mark_read_up_to,
            commands::notify::clear_alerts,
            commands::notify::set_room_sound,
            commands::templates::set_templates,
            commands::templates::export_templates,
            commands::accounts::add_account,
            commands::accounts::remove_account,
            commands::accounts::update_account,
            commands::accounts::test_mockly,
            commands::accounts::reconnect_now,
            commands::accounts::dismiss_demo,
            commands::rooms::add_mexc_chat,
            commands::rooms::remove_room,
            commands::rooms::refresh_order,
            commands::rooms::open_orders,
            commands::evidence::export_evidence,
            media::prepare_media,
            media::save_media,
            commands::realtime::test_realtime,
            commands::mixin::check_mixin_keystore,
            commands::mixin::open_link,
            commands::notify::set_muted,
            commands::notify::set_hide_text,
            commands::notify::set_open_room,
            commands::notify::set_desktop_prefs,
            commands::inspector::inspector_frames,
            commands::inspector::export_inspector,
            commands::page::keep_secrets_for_session,
            commands::notify::set_auto_media,
            commands::realtime::room_directory,
            commands::realtime::join_room,
            commands::realtime::create_room,
            commands::realtime::update_room,
            commands::realtime::delete_room,
            commands::realtime::set_typing,
            commands::realtime::set_symbols,
            commands::realtime::load_older,
        ])
        .build(tauri::generate_context!("../tauri.conf.json"));
    let app = match app {
        Ok(app) => app,
        Err(e) => {
            tracing::error!(error = %e, "the window could not be created");
            eprintln!("parley: the window could not be created: {e}");
            std::process::exit(1);
        }
    };
    // The single-instance check ran while the app was built: this is the instance that runs.
    // A Parley on the default profile lets the check go as it starts to exit; its data folder's
    // lock then keeps this one waiting until it has ended (its last writes, its goodbyes).
    let _default_lock = default_dir.as_deref().and_then(lock_default_profile);
    // The engine may start while the window opens.
    let _ = go.send(());
    launch_time::log_milestone("app built");
    // An explicit profile: its socket, if it has one, answers later launches; as Parley exits,
    // the profile is marked closing so they wait for it (`profile::stop_answering`).
    let explicit_profile = args.profile.clone();
    if let Some(listener) = show_requests {
        let handle = app.handle().clone();
        std::thread::spawn(move || {
            // Each connection is another launch on this profile asking for the window.
            for _ in listener.incoming().flatten() {
                tray::show_window(&handle);
            }
        });
    }
    let log_guard = std::sync::Mutex::new(log_guard);
    app.run(move |handle, event| {
        if let tauri::RunEvent::Exit = event {
            // First: a launch from now on waits for this one to end instead of asking it.
            if let Some(dir) = &explicit_profile {
                parley_core::profile::stop_answering(dir);
            }
            if single_instance {
                tauri_plugin_single_instance::destroy(handle);
            }
            if let Some(state) = handle.try_state::<startup::AppState>() {
                tauri::async_runtime::block_on(state.engine.shutdown());
            }
            drop(log_guard.lock().unwrap_or_else(|p| p.into_inner()).take());
        }
    });
}

/// Locks the default profile's data folder, waiting for a Parley that is still closing on it;
/// `None` (and a log line) if the folder cannot be locked. Ends the process if that Parley
/// neither ends nor lets go.
fn lock_default_profile(dir: &std::path::Path) -> Option<parley_core::profile::InstanceLock> {
    use parley_core::profile::{wait_for_lock, CLOSING_WAIT};
    match wait_for_lock(dir, CLOSING_WAIT) {
        Ok(Some(lock)) => Some(lock),
        Ok(None) => {
            tracing::error!("the Parley closing on the default profile did not end");
            eprintln!("parley: the Parley closing on the default profile did not end");
            std::process::exit(1);
        }
        Err(e) => {
            tracing::warn!(error = %e, "the default profile's folder cannot be locked");
            None
        }
    }
}
