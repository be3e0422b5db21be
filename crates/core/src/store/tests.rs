//! Store behaviour a user would notice: history survives a restart, nothing shows twice, and
//! what was typed offline is still waiting to be sent after a restart.

use super::*;
use crate::account::AccountId;
use crate::message::{DeliveryState, IncomingMessage, MessageKind};

fn account() -> AccountId {
    AccountId("mockly-1".into())
}

fn incoming(id: Option<&str>, sender: &str, own: bool, text: &str) -> IncomingMessage {
    IncomingMessage {
        room: "public".into(),
        service_id: id.map(str::to_owned),
        sender_id: sender.into(),
        sender_name: None,
        own,
        kind: MessageKind::Text,
        text: text.into(),
        media: None,
        card: None,
        sender_avatar: None,
        ts_ms: 1_690_295_535_123,
        ts_raw: "2023-07-25T14:32:15.123456".into(),
        quote_id: None,
    }
}

async fn ingest(store: &Store, m: IncomingMessage) -> Ingested {
    store
        .run(move |c| messages::ingest(c, &account(), &m))
        .await
        .unwrap()
}

async fn history(store: &Store) -> Vec<crate::message::StoredMessage> {
    store
        .run(|c| messages::history(c, &account(), "public", None, 100))
        .await
        .unwrap()
}

#[tokio::test]
async fn history_survives_closing_and_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("parley.sqlite3");
    {
        let store = Store::open(&path).unwrap();
        ingest(&store, incoming(Some("msg_1"), "ann", false, "hello")).await;
        ingest(&store, incoming(Some("msg_2"), "bob", false, "hi ann")).await;
    }
    let reopened = Store::open(&path).unwrap();
    let texts: Vec<String> = history(&reopened)
        .await
        .into_iter()
        .map(|m| m.text)
        .collect();
    assert_eq!(texts, ["hello", "hi ann"]);
}

#[tokio::test]
async fn the_write_ahead_log_is_copied_into_the_database_in_the_background() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("parley.sqlite3");
    let store = Store::open(&path).unwrap();
    let burst: Vec<IncomingMessage> = (0..2000)
        .map(|i| incoming(Some(&format!("m{i}")), "ann", false, &"hello ".repeat(20)))
        .collect();
    store
        .run(move |c| messages::ingest_all(c, &account(), &burst))
        .await
        .unwrap();
    // The writer alone would leave these pages in the log (it checkpoints past 4,000 pages);
    // the checkpoint thread copies them into the database file within moments.
    let database_bytes = || std::fs::metadata(&path).unwrap().len();
    // Polled for up to a minute: a loaded machine may be slow, never wrong.
    for _ in 0..600 {
        if database_bytes() > 100 * 4096 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        database_bytes() > 100 * 4096,
        "the database file holds {} bytes",
        database_bytes()
    );
    assert_eq!(history(&store).await.len(), 100, "history reads as before");
}

/// `count` messages with 240-character texts, ids from `first` on.
fn burst(first: usize, count: usize) -> Vec<IncomingMessage> {
    (first..first + count)
        .map(|i| incoming(Some(&format!("m{i}")), "ann", false, &"hello ".repeat(40)))
        .collect()
}

/// Writes `messages` in one job; the bytes the page cache holds at its end.
async fn write_and_measure_cache(store: &Store, messages: Vec<IncomingMessage>) -> i64 {
    store
        .run(move |c| {
            messages::ingest_all(c, &account(), &messages)?;
            Ok(super::cache::cache_bytes(c))
        })
        .await
        .unwrap()
}

/// Polls until the writer let its cache go (a loaded machine may be slow, never wrong); the
/// bytes it holds then, or after ten seconds.
async fn cache_once_quiet(store: &Store, below: i64) -> i64 {
    let mut quiet = i64::MAX;
    for _ in 0..100 {
        tokio::time::sleep(super::cache::RELEASE_AFTER * 2).await;
        quiet = store
            .run(|c| Ok(super::cache::cache_bytes(c)))
            .await
            .unwrap();
        if quiet < below {
            break;
        }
    }
    quiet
}

#[tokio::test]
async fn the_page_cache_is_let_go_once_the_store_is_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("parley.sqlite3")).unwrap();
    // The first burst makes the cache large; the second is measured in its own job (the
    // writer may go quiet right after it).
    write_and_measure_cache(&store, burst(0, 2000)).await;
    let after_burst = write_and_measure_cache(&store, burst(2000, 8000)).await;
    assert!(
        after_burst > 3_000_000,
        "{after_burst} bytes cached after the burst"
    );
    let quiet = cache_once_quiet(&store, after_burst / 10).await;
    assert!(
        quiet < after_burst / 10,
        "{quiet} bytes still cached when quiet, {after_burst} after the burst"
    );
    assert_eq!(history(&store).await.len(), 100, "history reads as before");
}

#[tokio::test]
async fn scrolling_back_through_a_long_room_keeps_the_cache_small() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("parley.sqlite3")).unwrap();
    write_and_measure_cache(&store, burst(0, 20_000)).await;
    // A busy room: the store is never quiet for long, but no burst comes after the first.
    let since_burst = std::time::Instant::now();
    let mut next = 20_000;
    while since_burst.elapsed() < super::cache::RELEASE_AFTER * 2 {
        write_and_measure_cache(&store, burst(next, 1)).await;
        next += 1;
        tokio::time::sleep(super::cache::RELEASE_AFTER / 6).await;
    }
    // Back to the first message, 100 at a time, as the timeline pages history in (~6 MB of
    // rows read).
    let mut before = None;
    let mut read = 0;
    loop {
        let page = store
            .run(move |c| messages::history(c, &account(), "public", before, 100))
            .await
            .unwrap();
        let Some(oldest) = page.first() else { break };
        before = Some(oldest.local_id);
        read += page.len();
    }
    assert_eq!(read, next);
    let cached = store
        .run(|c| Ok(super::cache::cache_bytes(c)))
        .await
        .unwrap();
    // Alone, this test holds 2.1 MB at the end (7.9 MB with the burst's size kept); beside the
    // other tests, 2.8 MB.
    let limit = super::cache::READING_KIB * 1024 * 2;
    assert!(
        cached < limit,
        "{cached} bytes cached after reading the room back, more than {limit}"
    );
}

#[tokio::test]
async fn the_same_service_id_is_stored_once() {
    let store = Store::open_in_memory().unwrap();
    assert!(matches!(
        ingest(&store, incoming(Some("msg_1"), "ann", false, "hello")).await,
        Ingested::New(_)
    ));
    assert_eq!(
        ingest(&store, incoming(Some("msg_1"), "ann", false, "hello")).await,
        Ingested::Duplicate
    );
    // Messages without a service id (notices) cannot be de-duplicated and are all kept.
    ingest(&store, incoming(None, "system", false, "ann joined")).await;
    ingest(&store, incoming(None, "system", false, "ann joined")).await;
    assert_eq!(history(&store).await.len(), 3);
}

#[tokio::test]
async fn an_echo_confirms_the_oldest_pending_message_with_that_text() {
    let store = Store::open_in_memory().unwrap();
    let first = store
        .run(|c| messages::insert_own_pending(c, &account(), "public", "me", "same", 1))
        .await
        .unwrap();
    let second = store
        .run(|c| messages::insert_own_pending(c, &account(), "public", "me", "same", 2))
        .await
        .unwrap();
    assert_eq!(first.state, DeliveryState::Pending);

    let Ingested::Confirmed(confirmed) =
        ingest(&store, incoming(Some("msg_9"), "me", true, "same")).await
    else {
        panic!("the echo should confirm a pending message")
    };
    assert_eq!(confirmed.local_id, first.local_id);
    assert_eq!(confirmed.state, DeliveryState::Sent);
    assert_eq!(confirmed.service_id.as_deref(), Some("msg_9"));

    let left = store
        .run(|c| outbox::pending(c, &account(), None))
        .await
        .unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].local_id, second.local_id);
    assert_eq!(
        history(&store).await.len(),
        2,
        "an echo never adds a bubble"
    );
}

#[tokio::test]
async fn the_outbox_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("parley.sqlite3");
    {
        let store = Store::open(&path).unwrap();
        store
            .run(|c| {
                messages::insert_own_pending(c, &account(), "public", "me", "typed offline", 5)
            })
            .await
            .unwrap();
    }
    let reopened = Store::open(&path).unwrap();
    let pending = reopened
        .run(|c| outbox::pending(c, &account(), None))
        .await
        .unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].text, "typed offline");
}

#[tokio::test]
async fn failed_messages_leave_the_outbox_and_can_be_retried() {
    let store = Store::open_in_memory().unwrap();
    let m = store
        .run(|c| messages::insert_own_pending(c, &account(), "public", "me", "x", 1))
        .await
        .unwrap();
    let id = m.local_id;
    let failed = store
        .run(move |c| messages::mark_failed(c, id, "too long"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(failed.state, DeliveryState::Failed);
    assert_eq!(failed.error.as_deref(), Some("too long"));
    assert!(store
        .run(|c| outbox::pending(c, &account(), None))
        .await
        .unwrap()
        .is_empty());

    let retried = store
        .run(move |c| messages::retry(c, id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(retried.state, DeliveryState::Pending);
    assert_eq!(
        store
            .run(|c| outbox::pending(c, &account(), None))
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn a_room_lists_who_wrote_its_last_message_and_what_it_is() {
    let store = Store::open_in_memory().unwrap();
    let named = IncomingMessage {
        sender_name: Some("Ann Buyer".into()),
        ..incoming(Some("1"), "ann", false, "paid")
    };
    ingest(&store, named).await;
    let room = &store.run(rooms::list).await.unwrap()[0];
    assert_eq!(room.last_sender.as_deref(), Some("Ann Buyer"));
    assert!(!room.last_own);
    assert_eq!(room.last_kind.as_deref(), Some("text"));
    let image = IncomingMessage {
        kind: MessageKind::Image,
        ..incoming(Some("2"), "me", true, "")
    };
    ingest(&store, image).await;
    let room = &store.run(rooms::list).await.unwrap()[0];
    assert_eq!(room.last_sender.as_deref(), Some("me"), "no name: the id");
    assert!(room.last_own);
    assert_eq!(room.last_kind.as_deref(), Some("image"));
}

#[tokio::test]
async fn unread_counts_messages_from_others_until_read() {
    let store = Store::open_in_memory().unwrap();
    ingest(&store, incoming(Some("1"), "ann", false, "a")).await;
    ingest(&store, incoming(Some("2"), "bob", false, "b")).await;
    let notice = IncomingMessage {
        kind: MessageKind::System,
        ..incoming(None, "system", false, "carol joined")
    };
    ingest(&store, notice).await;
    let rooms = store.run(rooms::list).await.unwrap();
    assert_eq!(rooms[0].unread, 2, "notices do not count as unread");
    assert_eq!(rooms[0].last_text.as_deref(), Some("carol joined"));
    store
        .run(|c| rooms::mark_read(c, &account(), "public"))
        .await
        .unwrap();
    assert_eq!(store.run(rooms::list).await.unwrap()[0].unread, 0);
}

/// Issue 21: a failed own message can be deleted; a sent one, or someone else's, cannot.
#[tokio::test]
async fn only_a_failed_own_message_can_be_deleted() {
    let store = Store::open_in_memory().unwrap();
    ingest(&store, incoming(Some("1"), "ann", false, "theirs")).await;
    let theirs = store
        .run(|c| crate::store::messages::history(c, &account(), "public", None, 10))
        .await
        .unwrap()[0]
        .local_id;
    assert!(store
        .run(move |c| crate::store::messages::delete_failed(c, theirs))
        .await
        .unwrap()
        .is_none());
    let draft = crate::message::Draft::text("mine");
    let own = store
        .run(move |c| {
            crate::store::messages::insert_own_draft(c, &account(), "public", "me", &draft, None, 1)
        })
        .await
        .unwrap();
    let id = own.local_id;
    assert!(
        store
            .run(move |c| crate::store::messages::delete_failed(c, id))
            .await
            .unwrap()
            .is_none(),
        "a pending message stays"
    );
    store
        .run(move |c| crate::store::messages::mark_failed(c, id, "refused"))
        .await
        .unwrap();
    let deleted = store
        .run(move |c| crate::store::messages::delete_failed(c, id))
        .await
        .unwrap();
    assert_eq!(deleted.map(|m| m.text), Some("mine".into()));
    let left = store
        .run(|c| crate::store::messages::history(c, &account(), "public", None, 10))
        .await
        .unwrap();
    assert_eq!(left.len(), 1, "only theirs is left");
    assert!(store
        .run(|c| crate::store::outbox::pending(c, &account(), None))
        .await
        .unwrap()
        .is_empty());
}

/// Issue 21: unread falls as messages are seen (up to one), never back up for an older one,
/// and the room says where the user stopped reading.
#[tokio::test]
async fn reading_up_to_a_message_lowers_unread_by_what_was_seen() {
    let store = Store::open_in_memory().unwrap();
    let mut ids = Vec::new();
    for (i, text) in ["a", "b", "c", "d"].iter().enumerate() {
        ingest(&store, incoming(Some(&i.to_string()), "ann", false, text)).await;
        ids.push(store.run(rooms::list).await.unwrap()[0].unread);
    }
    let first = store.run(rooms::list).await.unwrap()[0].clone();
    assert_eq!((first.unread, first.last_read_local_id), (4, 0));
    let history = store
        .run(|c| crate::store::messages::history(c, &account(), "public", None, 10))
        .await
        .unwrap();
    let second = history[1].local_id;
    store
        .run(move |c| rooms::mark_read_up_to(c, &account(), "public", second))
        .await
        .unwrap();
    let room = store.run(rooms::list).await.unwrap()[0].clone();
    assert_eq!((room.unread, room.last_read_local_id), (2, second));
    let first_id = history[0].local_id;
    store
        .run(move |c| rooms::mark_read_up_to(c, &account(), "public", first_id))
        .await
        .unwrap();
    assert_eq!(
        store.run(rooms::list).await.unwrap()[0].unread,
        2,
        "an older id never makes seen messages unread again"
    );
}

#[tokio::test]
async fn a_failing_job_does_not_undo_the_others_in_its_batch() {
    let store = Store::open_in_memory().unwrap();
    let bad = store.run(|c| {
        c.execute("INSERT INTO no_such_table VALUES (1)", [])?;
        Ok(())
    });
    let good = ingest(&store, incoming(Some("ok"), "ann", false, "kept"));
    let (bad, _) = tokio::join!(bad, good);
    assert!(bad.is_err());
    assert_eq!(history(&store).await.len(), 1);
}

#[tokio::test]
async fn a_write_is_reported_stored_only_once_its_batch_is_committed() {
    let store = Store::open_in_memory().unwrap();
    // A constraint checked at COMMIT stands in for a commit that fails (a full disk).
    store
        .run(|c| {
            c.execute_batch(
                "CREATE TABLE parent (id INTEGER PRIMARY KEY);
                 CREATE TABLE child (parent INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);",
            )?;
            Ok(())
        })
        .await
        .unwrap();
    // The writer is held busy until both next jobs are queued, so they share one batch.
    let writer = store.clone();
    let (started, writer_busy) = tokio::sync::oneshot::channel();
    let (release, held) = std::sync::mpsc::channel::<()>();
    let busy = tokio::spawn(async move {
        writer
            .run(move |_| {
                let _ = started.send(());
                let _ = held.recv_timeout(std::time::Duration::from_secs(60));
                Ok(())
            })
            .await
    });
    writer_busy.await.unwrap();
    let mut dooms_the_commit = Box::pin(store.run(|c| {
        c.execute("INSERT INTO child VALUES (42)", [])?;
        Ok(())
    }));
    let mut message = Box::pin(store.run(|c| {
        messages::ingest(
            c,
            &account(),
            &incoming(Some("m1"), "ann", false, "lost with its batch"),
        )
    }));
    // Polling each once hands its job to the writer (still held), then the writer goes on.
    std::future::poll_fn(|cx| {
        let _ = std::future::Future::poll(dooms_the_commit.as_mut(), cx);
        let _ = std::future::Future::poll(message.as_mut(), cx);
        std::task::Poll::Ready(())
    })
    .await;
    release.send(()).unwrap();
    let (doomed, message) = tokio::join!(dooms_the_commit, message);
    busy.await.unwrap().unwrap();
    assert!(matches!(doomed, Err(StoreError::NotSaved(_))), "{doomed:?}");
    assert!(
        matches!(message, Err(StoreError::NotSaved(_))),
        "the message's caller is not told it is stored: {message:?}"
    );
    assert!(history(&store).await.is_empty());
    // The store goes on: the same message is stored when it comes again.
    assert!(matches!(
        ingest(
            &store,
            incoming(Some("m1"), "ann", false, "lost with its batch")
        )
        .await,
        Ingested::New(_)
    ));
    assert_eq!(history(&store).await.len(), 1);
}

#[tokio::test]
async fn deleting_an_account_forgets_its_rooms_and_messages() {
    let store = Store::open_in_memory().unwrap();
    ingest(&store, incoming(Some("1"), "ann", false, "a")).await;
    store
        .run(|c| messages::delete_account(c, &account()))
        .await
        .unwrap();
    assert!(history(&store).await.is_empty());
    assert!(store.run(rooms::list).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_version_1_database_is_upgraded_without_losing_messages() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("parley.sqlite3");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(schema::MIGRATIONS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute(
            "INSERT INTO messages (account_id, room_id, service_id, sender_id, own, kind, text, ts_ms, ts_raw, state)
             VALUES ('mockly-1', 'public', 'msg_1', 'ann', 0, 'text', 'from v1', 1, '', 'sent')",
            [],
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    let messages = history(&store).await;
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].text, "from v1");
    assert_eq!(messages[0].media, None);
    // Messages stored before search existed are found too.
    assert_eq!(find(&store, "v1", None).await, ["from v1"]);
}

#[tokio::test]
async fn a_quiet_room_is_searched_in_full_behind_thousands_of_newer_matches_elsewhere_in_the_store()
{
    let store = Store::open_in_memory().unwrap();
    let mut old = incoming(Some("quiet-1"), "ann", false, "usdt in the quiet room");
    old.room = "quiet".into();
    ingest(&store, old).await;
    // Its one match lies behind 2,100 newer matches in another room: a room search that stopped
    // early among the newest matches anywhere would miss it.
    store
        .run(|c| {
            for i in 0..2_100 {
                messages::ingest(
                    c,
                    &account(),
                    &incoming(
                        Some(&format!("busy-{i}")),
                        "bob",
                        false,
                        &format!("usdt {i}"),
                    ),
                )?;
            }
            Ok(())
        })
        .await
        .unwrap();
    for typed in ["usdt", "us", "usdt "] {
        assert_eq!(
            find(&store, typed, Some("quiet")).await,
            ["usdt in the quiet room"],
            "{typed:?}"
        );
    }
    let busy = find(&store, "usdt", Some("public")).await;
    assert_eq!(busy.len(), 50);
    assert_eq!(busy[0], "usdt 2099");
    assert_eq!(busy[49], "usdt 2050");
    assert!(find(&store, "nothing", Some("quiet")).await.is_empty());
}

#[tokio::test]
async fn the_upgrade_that_puts_rooms_in_the_search_index_indexes_every_message_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("parley.sqlite3");
    {
        // A version-9 store: one message indexed, one queued (older history), one above the
        // index's mark (written after the last batch was indexed), in two rooms.
        let conn = rusqlite::Connection::open(&path).unwrap();
        for step in &schema::MIGRATIONS[..9] {
            conn.execute_batch(step).unwrap();
        }
        conn.pragma_update(None, "user_version", 9).unwrap();
        let insert = |id: i64, room: &str, text: &str| {
            conn.execute(
                "INSERT INTO messages (local_id, account_id, room_id, service_id, sender_id, own, kind, text, ts_ms, ts_raw, state)
                 VALUES (?1, 'mockly-1', ?2, ?1, 'ann', 0, 'text', ?3, ?1, '', 'sent')",
                rusqlite::params![id, room, text],
            )
            .unwrap();
        };
        insert(10, "public", "usdt indexed");
        conn.execute_batch(
            "INSERT INTO messages_fts (rowid, text) VALUES (10, 'usdt indexed');
             UPDATE fts_indexed SET up_to = 10;",
        )
        .unwrap();
        insert(5, "desk", "usdt queued");
        conn.execute_batch("INSERT INTO fts_queue (local_id) VALUES (5)")
            .unwrap();
        insert(11, "public", "usdt waiting");
    }
    let store = Store::open(&path).unwrap();
    for typed in ["us", "usdt", "usdt "] {
        assert_eq!(
            find(&store, typed, None).await,
            ["usdt waiting", "usdt indexed", "usdt queued"],
            "{typed:?}"
        );
        assert_eq!(
            find(&store, typed, Some("public")).await,
            ["usdt waiting", "usdt indexed"]
        );
        assert_eq!(find(&store, typed, Some("desk")).await, ["usdt queued"]);
    }
    // New messages are indexed once with their room, and deletes keep the index consistent.
    ingest(&store, incoming(Some("12"), "ann", false, "usdt new")).await;
    assert_eq!(find(&store, "usdt", Some("public")).await.len(), 3);
    store
        .run(|c| messages::delete_room(c, &account(), "public"))
        .await
        .unwrap();
    assert_eq!(find(&store, "us", None).await, ["usdt queued"]);
    assert_search_index_matches_the_messages(&store).await;
}

#[tokio::test]
async fn a_room_search_matches_words_of_the_text_never_the_rooms_token_whatever_the_ids_hold() {
    let store = Store::open_in_memory().unwrap();
    // Room ids as services hand them out, and hostile ones: quotes, FTS5 syntax, other scripts.
    let rooms = [
        "public",
        "89576cee-9216-3d39",
        "a\" OR \"b",
        "x) AND (y",
        "Комната 1",
        "",
    ];
    for (i, room) in rooms.iter().enumerate() {
        let mut m = incoming(
            Some(&format!("m{i}")),
            "ann",
            false,
            &format!("usdt in room {i}"),
        );
        m.room = (*room).into();
        ingest(&store, m).await;
    }
    for (i, room) in rooms.iter().enumerate() {
        assert_eq!(
            find(&store, "usdt", Some(room)).await,
            [format!("usdt in room {i}")],
            "room {room:?}"
        );
    }
    // The room's token is not text: typing it (or its start) finds nothing.
    let token: String = store
        .run(|c| {
            Ok(c.query_row(
                "SELECT search_room FROM messages WHERE room_id = 'public'",
                [],
                |r| r.get(0),
            )?)
        })
        .await
        .unwrap();
    assert!(find(&store, &token, None).await.is_empty());
    assert!(find(&store, &token[..3], Some("public")).await.is_empty());
    assert!(find(&store, "search_room", None).await.is_empty());
}

/// The full-text index agrees with the messages row for row (FTS5 checks it against the content).
async fn assert_search_index_matches_the_messages(store: &Store) {
    store
        .run(|c| {
            Ok(c.execute_batch(
                "INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)",
            )?)
        })
        .await
        .expect("the full-text index matches the messages");
}

/// Texts of the messages a search finds, newest first.
async fn find(store: &Store, typed: &str, room: Option<&str>) -> Vec<String> {
    let (typed, room) = (typed.to_owned(), room.map(str::to_owned));
    store
        .run(move |c| {
            let account = account();
            search::search(c, &typed, room.as_deref().map(|r| (&account, r)), 50)
        })
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.text)
        .collect()
}

#[tokio::test]
async fn search_finds_words_and_prefixes_newest_first_and_forgets_deleted_rooms() {
    let store = Store::open_in_memory().unwrap();
    ingest(
        &store,
        incoming(Some("1"), "ann", false, "Selling USDT at 1.002"),
    )
    .await;
    ingest(
        &store,
        incoming(Some("2"), "bob", false, "Café opens at nine"),
    )
    .await;
    ingest(&store, incoming(Some("3"), "ann", false, "usdt is gone")).await;
    let mut elsewhere = incoming(Some("4"), "cy", false, "usdt in another room");
    elsewhere.room = "desk".into();
    ingest(&store, elsewhere).await;

    assert_eq!(
        find(&store, "usdt", None).await,
        [
            "usdt in another room",
            "usdt is gone",
            "Selling USDT at 1.002"
        ]
    );
    assert_eq!(find(&store, "sell", None).await, ["Selling USDT at 1.002"]);
    assert!(
        find(&store, "sell ", None).await.is_empty(),
        "a finished word is not a prefix"
    );
    assert_eq!(find(&store, "cafe", None).await, ["Café opens at nine"]);
    assert_eq!(find(&store, "usdt gone", None).await, ["usdt is gone"]);
    assert_eq!(
        find(&store, "usdt", Some("public")).await,
        ["usdt is gone", "Selling USDT at 1.002"]
    );
    // Query syntax typed by the user is plain text, never an error.
    assert!(find(&store, "\"usdt\" OR NEAR(", None).await.is_empty());

    store
        .run(|c| messages::delete_room(c, &account(), "public"))
        .await
        .unwrap();
    assert_eq!(find(&store, "usdt", None).await, ["usdt in another room"]);
}

#[tokio::test]
async fn older_history_and_messages_written_between_searches_are_found_and_deleted_ones_are_not() {
    let store = Store::open_in_memory().unwrap();
    ingest(&store, incoming(Some("1"), "ann", false, "usdt first")).await;
    assert_eq!(find(&store, "usdt", None).await, ["usdt first"]);
    // History fetched when scrolling up goes below every stored id (below the index's mark).
    let older = vec![incoming(Some("0"), "bob", false, "usdt from long ago")];
    store
        .run(move |c| messages::ingest_older(c, &account(), &older))
        .await
        .unwrap();
    // Written and deleted in one batch, before the index caught up: never found.
    store
        .run(|c| {
            messages::ingest(
                c,
                &account(),
                &incoming(Some("2"), "cy", false, "usdt gone"),
            )?;
            let mut elsewhere = incoming(Some("3"), "cy", false, "usdt elsewhere");
            elsewhere.room = "desk".into();
            messages::ingest(c, &account(), &elsewhere)?;
            messages::delete_room(c, &account(), "desk")
        })
        .await
        .unwrap();
    assert_eq!(
        find(&store, "usdt", None).await,
        ["usdt gone", "usdt first", "usdt from long ago"]
    );
    store
        .run(|c| messages::delete_room(c, &account(), "public"))
        .await
        .unwrap();
    assert!(find(&store, "usdt", None).await.is_empty());
    assert_search_index_matches_the_messages(&store).await;
}

#[tokio::test]
async fn what_ingest_returns_is_what_the_store_reads_back() {
    let store = Store::open_in_memory().unwrap();
    let mut m = incoming(Some("9"), "ann", false, "see the chart");
    m.kind = MessageKind::Image;
    m.sender_name = Some("Ann".into());
    m.sender_avatar = Some("https://example.com/a.png".into());
    m.media = Some(crate::message::Media::at("https://example.com/chart.png"));
    m.card = Some(crate::message::Card {
        title: "Chart".into(),
        ..Default::default()
    });
    let Ingested::New(returned) = ingest(&store, m).await else {
        panic!("a new message")
    };
    let id = returned.local_id;
    let read = store.run(move |c| messages::get(c, id)).await.unwrap();
    assert_eq!(read, Some(returned));
}

#[tokio::test]
async fn media_is_stored_and_read_back() {
    let store = Store::open_in_memory().unwrap();
    let image = IncomingMessage {
        kind: MessageKind::Image,
        media: Some(crate::message::Media {
            url: "https://cdn.example.com/proof.png".into(),
            thumb_url: Some("https://cdn.example.com/proof_thumb.jpg".into()),
            ..Default::default()
        }),
        card: None,
        sender_avatar: None,
        ..incoming(Some("7"), "buyer", false, "payment proof")
    };
    ingest(&store, image.clone()).await;
    let stored = &history(&store).await[0];
    assert_eq!(stored.kind, MessageKind::Image);
    assert_eq!(stored.media, image.media);
}

#[tokio::test]
async fn an_accepted_send_takes_its_id_from_the_later_echo_without_a_duplicate() {
    let store = Store::open_in_memory().unwrap();
    let mine = store
        .run(|c| messages::insert_own_pending(c, &account(), "public", "me", "paid", 1))
        .await
        .unwrap();
    let id = mine.local_id;
    let accepted = store
        .run(move |c| messages::mark_accepted(c, id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(accepted.state, DeliveryState::Sent);
    assert!(store
        .run(|c| outbox::pending(c, &account(), None))
        .await
        .unwrap()
        .is_empty());
    let Ingested::Confirmed(echo) = ingest(&store, incoming(Some("88"), "me", true, "paid")).await
    else {
        panic!("the echo should attach to the accepted message")
    };
    assert_eq!(echo.local_id, id);
    assert_eq!(echo.service_id.as_deref(), Some("88"));
    assert_eq!(history(&store).await.len(), 1);
}

/// Ids of what FTS5's own prefix query finds for `typed` (the answer before the search looked at
/// the newest messages' words first), newest first, at most 50.
fn prefix_query_ids(c: &rusqlite::Connection, typed: &str, room: Option<&str>) -> Vec<i64> {
    let Some(query) = search::fts_query(typed) else {
        return Vec::new();
    };
    let matching = match room {
        None => format!("text : ({query})"),
        Some(room) => format!(
            "(text : ({query})) AND search_room : \"r{}x{}\"",
            hex::encode_upper(account().0),
            hex::encode_upper(room)
        ),
    };
    let mut statement = c
        .prepare("SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?1 ORDER BY rowid DESC LIMIT 50")
        .unwrap();
    let ids = statement
        .query_map([matching], |r| r.get(0))
        .unwrap()
        .collect::<Result<Vec<i64>, _>>()
        .unwrap();
    ids
}

/// A typed prefix is looked for as the words under it in the newest messages (FTS5 merges a
/// prefix's postings in full). The answer must be exactly the prefix query's: for words in many
/// of the newest messages, in few of them, only in old ones, in several rooms, folded (case,
/// accents), after other words, and for a prefix with too many words to list.
#[tokio::test]
async fn prefix_search_answers_exactly_what_the_prefix_query_answers() {
    let store = Store::open_in_memory().unwrap();
    store
        .run(|c| {
            for i in 0..2_500u32 {
                let mut text = match i {
                    // Only in the oldest messages.
                    0..=9 => format!("usury case {i}"),
                    // Under "usa" too, only in messages older than the newest 1,000.
                    1_000..=1_400 if i % 10 == 3 => format!("usage note {i}"),
                    _ if i % 2 == 0 => format!("USDT offer {i}"),
                    _ if i % 40 == 1 => format!("usable Ünit {i}"),
                    _ => format!("bank transfer {i}"),
                };
                // 300 different words under "zz" in the newest messages.
                if i >= 2_200 {
                    text.push_str(&format!(" zz{i}"));
                }
                // The newest are long: the first window stops at its bytes, not its count.
                if i >= 2_480 {
                    text.push_str(&" pad".repeat(12_000));
                }
                let mut m = incoming(Some(&i.to_string()), "ann", false, &text);
                m.room = ["public", "desk", "otc"][i as usize % 3].into();
                messages::ingest(c, &account(), &m)?;
            }
            Ok(())
        })
        .await
        .unwrap();
    let typed_texts = [
        "us", "usd", "usdt", "usa", "usu", "usury", "un", "uni", "ünit", "USDT of", "offer us",
        "bank tr", "zz", "zz22", "nothing", "usdt ", "u",
    ];
    for typed in typed_texts {
        for room in [None, Some("public"), Some("desk")] {
            let (owned, room_owned) = (typed.to_owned(), room.map(str::to_owned));
            let (found, expected) = store
                .run(move |c| {
                    let account = account();
                    let found: Vec<i64> = search::search(
                        c,
                        &owned,
                        room_owned.as_deref().map(|r| (&account, r)),
                        50,
                    )?
                    .into_iter()
                    .map(|m| m.local_id)
                    .collect();
                    Ok((found, prefix_query_ids(c, &owned, room_owned.as_deref())))
                })
                .await
                .unwrap();
            assert_eq!(found, expected, "{typed:?} in {room:?}");
            if ["usury", "usu", "zz", "usdt", "usa"].contains(&typed) {
                assert!(!found.is_empty(), "{typed:?} finds something");
            }
        }
    }
}

/// The room list counts unread messages from the index of messages that count: a room with
/// thousands of unread notices (a payment bot's transfers) costs no more than its cap. A wider
/// room index carrying `own` and `kind` instead made each count step over every notice after
/// the read mark (200,000 of them: 0.1 → 17 ms a room, on the writer, at every badge recount).
#[tokio::test]
async fn unread_counts_read_only_messages_that_count() {
    let store = Store::open_in_memory().unwrap();
    let plan = store
        .run(|c| {
            Ok(c.prepare(&format!("EXPLAIN QUERY PLAN {}", rooms::LIST))?
                .query_map([rooms::UNREAD_COUNTED_UP_TO], |r| r.get::<_, String>(3))?
                .collect::<Result<Vec<_>, _>>()?)
        })
        .await
        .unwrap();
    assert!(
        plan.iter().any(|step| step
            .contains("INDEX messages_unread (account_id=? AND room_id=? AND local_id>?)")),
        "{plan:?}"
    );
}

/// Start-up opens the history file early, beside the window, but leaves a file that a
/// migration would rewrite to the launch that runs (never a second launch turned away).
#[test]
fn only_a_file_from_an_older_parley_needs_a_migration() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("parley.sqlite3");
    assert!(
        !Store::needs_migration(&path),
        "no file yet: created by open"
    );
    drop(Store::open(&path).unwrap());
    assert!(!Store::needs_migration(&path), "this build's schema");
    let older = dir.path().join("older.sqlite3");
    rusqlite::Connection::open(&older)
        .unwrap()
        .pragma_update(None, "user_version", 5)
        .unwrap();
    assert!(Store::needs_migration(&older));
    std::fs::write(dir.path().join("junk.sqlite3"), b"not a database").unwrap();
    assert!(
        !Store::needs_migration(&dir.path().join("junk.sqlite3")),
        "open reports it"
    );
}
