//! What the engine does for Realtime accounts beyond messages: the room directory, joining
//! and leaving (told to the running socket at once, no reconnect), creating, editing and
//! deleting rooms, typing, the ticker's symbols, and older history on scroll.

use super::{RealtimeRoom, RealtimeSettings, MAX_SYMBOLS};
use crate::account_id::AccountId;
use crate::codec::Signal;
use crate::engine::{Engine, EngineError};
use crate::event::Event;
use crate::services::realtime::catch_up::{load_older, OlderHistory};
use crate::services::realtime::rest::{
    Page, RealtimeCredentials, RealtimeRest, RoomDraft, RoomInfo,
};
use crate::store::rooms;
use crate::supervisor::Command;

fn check_room_id(room: &str) -> Result<(), EngineError> {
    if room.trim().is_empty() || room.len() > 256 || room.chars().any(char::is_control) {
        return Err(EngineError::Invalid("invalid room id".into()));
    }
    Ok(())
}

/// A symbol as the market channel names them (`EUR/USD`, `XAU/USD`, `BTCUSDT`).
fn valid_symbol(symbol: &str) -> bool {
    (1..=32).contains(&symbol.len())
        && symbol
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/:._-".contains(c))
}

impl Engine {
    /// The REST client and settings of a Realtime account.
    fn realtime(&self, id: &AccountId) -> Result<(RealtimeRest, RealtimeSettings), EngineError> {
        let account = self.running_account(id)?;
        let Some(settings) = account.settings.realtime() else {
            return Err(EngineError::Invalid(
                "this is not a Realtime account".into(),
            ));
        };
        let credentials = RealtimeCredentials::from_secret(&self.secret_of(&account)?)
            .map_err(EngineError::from)?;
        let rest = RealtimeRest::with_credentials(&settings.base_url, &credentials)
            .map_err(EngineError::from)?;
        Ok((rest, settings.clone()))
    }

    /// One page of the room directory, optionally only public, private or group rooms.
    pub async fn room_directory(
        &self,
        id: &AccountId,
        page: u32,
        limit: u32,
        kind: Option<&str>,
    ) -> Result<Page<RoomInfo>, EngineError> {
        if let Some(kind) = kind.filter(|k| !k.is_empty()) {
            if !["public", "private", "group"].contains(&kind) {
                return Err(EngineError::Invalid(format!("unknown room type `{kind}`")));
            }
        }
        let (rest, _) = self.realtime(id)?;
        rest.list_rooms(page, limit, kind)
            .await
            .map_err(EngineError::from)
    }

    pub async fn room_details(&self, id: &AccountId, room: &str) -> Result<RoomInfo, EngineError> {
        check_room_id(room)?;
        let (rest, _) = self.realtime(id)?;
        rest.room(room).await.map_err(EngineError::from)
    }

    /// Joins a room: on the server, in the sidebar, and on the open socket, whose catch-up
    /// then loads its recent history. Returns the room id.
    pub async fn join_room(&self, id: &AccountId, room: &str) -> Result<String, EngineError> {
        check_room_id(room)?;
        let (rest, settings) = self.realtime(id)?;
        if settings.rooms.iter().any(|r| r.id == room) {
            return Ok(room.to_owned());
        }
        match rest.join(room).await {
            // Already a member (e.g. the creator) is as good as joined.
            Err(e) if e.status() == Some(409) => {}
            Ok(()) => {}
            Err(e) => return Err(self.if_token_refused(id, e)),
        }
        let info = rest
            .room(room)
            .await
            .map_err(|e| self.if_token_refused(id, e))?;
        self.add_joined(
            id,
            RealtimeRoom {
                id: info.id.clone(),
                name: info.name.clone(),
            },
        )
        .await?;
        Ok(info.id)
    }

    /// A 401 on a REST call (an expired token) stops the account's connection with "sign in
    /// again", on the event stream as a refusal on the socket does, besides failing the call.
    fn if_token_refused(&self, id: &AccountId, e: crate::rest::RestError) -> EngineError {
        if e.status() == Some(401) {
            self.command(
                id,
                Command::Refuse(format!(
                    "the server refused the token ({e}); sign in again in settings"
                )),
            );
        }
        e.into()
    }

    async fn add_joined(&self, id: &AccountId, joined: RealtimeRoom) -> Result<(), EngineError> {
        self.edit_account(id, |s| {
            if let Some(r) = s.realtime_mut() {
                if !r.rooms.iter().any(|x| x.id == joined.id) {
                    r.rooms.push(joined.clone());
                }
            }
        })?;
        let (owner, room, title) = (id.clone(), joined.id.clone(), joined.name.clone());
        self.store
            .run(move |c| rooms::upsert(c, &owner, &room, &title))
            .await?;
        self.command(id, Command::Signal(Signal::Join(joined.id)));
        self.publish(Event::AccountsChanged);
        Ok(())
    }

    /// Leaves a room on the server and forgets it here (sidebar, subscription, history).
    pub async fn leave_room(&self, id: &AccountId, room: &str) -> Result<(), EngineError> {
        check_room_id(room)?;
        let (rest, _) = self.realtime(id)?;
        match rest.leave(room).await {
            // A room that no longer exists is left already.
            Err(e) if e.status() == Some(404) => {}
            Ok(()) => {}
            Err(e) => return Err(e.into()),
        }
        self.forget_room(id, room).await
    }

    async fn forget_room(&self, id: &AccountId, room: &str) -> Result<(), EngineError> {
        self.edit_account(id, |s| {
            if let Some(r) = s.realtime_mut() {
                r.rooms.retain(|x| x.id != room);
            }
        })?;
        self.command(id, Command::Signal(Signal::Leave(room.to_owned())));
        self.delete_room_history(id, room).await
    }

    /// Creates a room and joins it.
    pub async fn create_room(
        &self,
        id: &AccountId,
        draft: RoomDraft,
    ) -> Result<RoomInfo, EngineError> {
        let draft = checked_draft(draft)?;
        let (rest, _) = self.realtime(id)?;
        let created = rest.create_room(&draft).await.map_err(EngineError::from)?;
        self.join_room(id, &created.id).await?;
        Ok(created)
    }

    /// Edits a room's name, description or type (the server decides who may).
    pub async fn update_room(
        &self,
        id: &AccountId,
        room: &str,
        draft: RoomDraft,
    ) -> Result<RoomInfo, EngineError> {
        check_room_id(room)?;
        let draft = checked_draft(draft)?;
        let (rest, settings) = self.realtime(id)?;
        let updated = rest
            .update_room(room, &draft)
            .await
            .map_err(EngineError::from)?;
        if settings.rooms.iter().any(|r| r.id == room) {
            let name = updated.name.clone();
            self.edit_account(id, |s| {
                if let Some(r) = s.realtime_mut() {
                    for x in r.rooms.iter_mut().filter(|x| x.id == room) {
                        x.name = name.clone();
                    }
                }
            })?;
            let (owner, room, title) = (id.clone(), room.to_owned(), updated.name.clone());
            self.store
                .run(move |c| rooms::upsert(c, &owner, &room, &title))
                .await?;
            self.publish(Event::AccountsChanged);
        }
        Ok(updated)
    }

    /// Deletes a room on the server (its creator or an admin only) and forgets it here.
    pub async fn delete_room_on_server(
        &self,
        id: &AccountId,
        room: &str,
    ) -> Result<(), EngineError> {
        check_room_id(room)?;
        let (rest, settings) = self.realtime(id)?;
        rest.delete_room(room).await.map_err(EngineError::from)?;
        if settings.rooms.iter().any(|r| r.id == room) {
            self.forget_room(id, room).await?;
        }
        Ok(())
    }

    /// Tells the room the user is typing (or stopped). The page throttles; this only relays.
    pub fn set_typing(&self, id: &AccountId, room: &str, active: bool) -> Result<(), EngineError> {
        check_room_id(room)?;
        self.realtime_settings(id)?;
        self.command(
            id,
            Command::Signal(Signal::Typing {
                room: room.to_owned(),
                active,
            }),
        );
        Ok(())
    }

    /// The market symbols the ticker follows; saved and re-subscribed at once.
    pub fn set_symbols(
        &self,
        id: &AccountId,
        symbols: Vec<String>,
    ) -> Result<Vec<String>, EngineError> {
        let mut clean: Vec<String> = Vec::new();
        for symbol in symbols
            .iter()
            .map(|s| s.trim().to_uppercase())
            .filter(|s| !s.is_empty())
        {
            if !valid_symbol(&symbol) {
                return Err(EngineError::Invalid(format!(
                    "`{symbol}` is not a market symbol (like EUR/USD)"
                )));
            }
            if !clean.contains(&symbol) {
                clean.push(symbol);
            }
        }
        if clean.len() > MAX_SYMBOLS {
            return Err(EngineError::Invalid(format!(
                "follow at most {MAX_SYMBOLS} symbols"
            )));
        }
        self.realtime_settings(id)?;
        self.edit_account(id, |s| {
            if let Some(r) = s.realtime_mut() {
                r.symbols = clean.clone();
            }
        })?;
        self.command(id, Command::Signal(Signal::Symbols(clean.clone())));
        self.publish(Event::AccountsChanged);
        Ok(clean)
    }

    /// Fetches messages older than the oldest stored in a room (scrolling up).
    pub async fn load_older(
        &self,
        id: &AccountId,
        room: &str,
    ) -> Result<OlderHistory, EngineError> {
        check_room_id(room)?;
        let (rest, settings) = self.realtime(id)?;
        if !settings.rooms.iter().any(|r| r.id == room) {
            return Err(EngineError::Invalid(format!(
                "this account has not joined room {room}"
            )));
        }
        load_older(&rest, &self.store, id, room, &settings.user_id)
            .await
            .map_err(EngineError::Invalid)
    }

    fn realtime_settings(&self, id: &AccountId) -> Result<RealtimeSettings, EngineError> {
        self.running_account(id)?
            .settings
            .realtime()
            .cloned()
            .ok_or_else(|| EngineError::Invalid("this is not a Realtime account".into()))
    }
}

fn checked_draft(draft: RoomDraft) -> Result<RoomDraft, EngineError> {
    let name = draft.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(EngineError::Invalid(
            "a room name is 1 to 100 characters".into(),
        ));
    }
    if draft.description.chars().count() > 1000 {
        return Err(EngineError::Invalid(
            "a description is at most 1000 characters".into(),
        ));
    }
    if !["public", "private", "group"].contains(&draft.kind.as_str()) {
        return Err(EngineError::Invalid(
            "a room is public, private or group".into(),
        ));
    }
    Ok(RoomDraft {
        name,
        description: draft.description.trim().to_owned(),
        kind: draft.kind,
    })
}
