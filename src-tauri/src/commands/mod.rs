//! The commands the page may call, one file per area. Each is a few lines: its arguments
//! check themselves when deserialized (`crate::models`, the forms in `parley_core::services`),
//! and it calls the engine. Failures reach the page as `crate::error::CommandError`.

pub mod accounts;
pub mod evidence;
pub mod inspector;
pub mod messages;
pub mod mixin;
pub mod notify;
pub mod page;
pub mod realtime;
pub mod rooms;
pub mod templates;
