//! The `switchboard-app` binary: starts the desktop app.

// Release builds on Windows get no console window beside the app's own.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    switchboard_app::run();
}
