//! FTS5's own tokenizer, called from Rust: the words of a text exactly as the search index holds
//! them. Search uses it to list the words under a typed prefix in the newest messages
//! (`search.rs`), so it must split and fold as the index does; it asks SQLite for the very
//! tokenizer the index was made with ([`INDEX_TOKENIZER`], migration 10) rather than copying its
//! rules.

use rusqlite::{ffi, Connection};
use std::ffi::{c_char, c_int, c_void, CStr};
use std::marker::PhantomData;
use std::ptr;

/// The `tokenize` option of `messages_fts` (migration 10), split: name, then arguments.
pub(super) const INDEX_TOKENIZER: (&CStr, [&CStr; 2]) =
    (c"unicode61", [c"remove_diacritics", c"2"]);

/// An instance of the index's tokenizer, living no longer than the connection it came from.
pub(super) struct Fts5Tokenizer<'c> {
    methods: ffi::fts5_tokenizer,
    instance: *mut ffi::Fts5Tokenizer,
    _connection: PhantomData<&'c Connection>,
}

/// Whether a text is a document (stored) or a query (typed): FTS5 tokenizes both the same way
/// with unicode61, but says which it is.
#[derive(Clone, Copy)]
pub(super) enum TokenizeAs {
    Document,
    Query,
}

impl<'c> Fts5Tokenizer<'c> {
    /// The index's tokenizer on `conn`; `None` if SQLite does not hand it out (search then
    /// does without it).
    pub(super) fn new(conn: &'c Connection) -> Option<Self> {
        let api = fts5_api(conn)?;
        let (name, args) = INDEX_TOKENIZER;
        let mut methods = ffi::fts5_tokenizer {
            xCreate: None,
            xDelete: None,
            xTokenize: None,
        };
        let mut user_data: *mut c_void = ptr::null_mut();
        // SAFETY: `api` is the connection's FTS5 API (valid while the connection is open); the
        // name is a C string; `user_data` and `methods` are written by the call.
        let found = unsafe {
            let find = (*api).xFindTokenizer?;
            find(api, name.as_ptr(), &mut user_data, &mut methods)
        };
        if found != ffi::SQLITE_OK {
            return None;
        }
        let create = methods.xCreate?;
        let mut argv: Vec<*const c_char> = args.iter().map(|a| a.as_ptr()).collect();
        let mut instance: *mut ffi::Fts5Tokenizer = ptr::null_mut();
        // SAFETY: the arguments are C strings outliving the call; `instance` is written by it.
        let created = unsafe {
            create(
                user_data,
                argv.as_mut_ptr(),
                argv.len() as c_int,
                &mut instance,
            )
        };
        if created != ffi::SQLITE_OK || instance.is_null() || methods.xTokenize.is_none() {
            return None;
        }
        Some(Fts5Tokenizer {
            methods,
            instance,
            _connection: PhantomData,
        })
    }

    /// Calls `each` with every token of `text`, folded as the index folds it.
    pub(super) fn tokens(&self, text: &str, as_: TokenizeAs, mut each: impl FnMut(&[u8])) {
        let Ok(length) = c_int::try_from(text.len()) else {
            return;
        };
        let Some(tokenize) = self.methods.xTokenize else {
            return;
        };
        let flags = match as_ {
            TokenizeAs::Document => ffi::FTS5_TOKENIZE_DOCUMENT,
            TokenizeAs::Query => ffi::FTS5_TOKENIZE_QUERY,
        };
        let mut sink: &mut dyn FnMut(&[u8]) = &mut each;
        // SAFETY: the instance is alive (deleted on drop); `text` outlives the call; the context
        // is a pointer to `sink`, which `on_token` turns back into it during the call only.
        unsafe {
            tokenize(
                self.instance,
                (&mut sink as *mut &mut dyn FnMut(&[u8])).cast(),
                flags,
                text.as_ptr().cast(),
                length,
                Some(on_token),
            );
        }
    }
}

impl Drop for Fts5Tokenizer<'_> {
    fn drop(&mut self) {
        if let Some(delete) = self.methods.xDelete {
            // SAFETY: the instance was made by this tokenizer's xCreate and is deleted once.
            unsafe { delete(self.instance) };
        }
    }
}

/// The tokenizer's callback: hands the token's bytes to the closure behind `context`.
unsafe extern "C" fn on_token(
    context: *mut c_void,
    _flags: c_int,
    token: *const c_char,
    length: c_int,
    _start: c_int,
    _end: c_int,
) -> c_int {
    if token.is_null() || length < 0 {
        return ffi::SQLITE_OK;
    }
    // SAFETY: `context` is the `&mut &mut dyn FnMut` of `tokens`, alive during the call; the
    // token is `length` bytes owned by the tokenizer until the callback returns.
    unsafe {
        let sink = &mut *context.cast::<&mut dyn FnMut(&[u8])>();
        sink(std::slice::from_raw_parts(
            token.cast::<u8>(),
            length as usize,
        ));
    }
    ffi::SQLITE_OK
}

/// The connection's FTS5 API: `SELECT fts5(?1)` with a pointer bound as "fts5_api_ptr" is how
/// SQLite hands it out.
fn fts5_api(conn: &Connection) -> Option<*mut ffi::fts5_api> {
    let mut api: *mut ffi::fts5_api = ptr::null_mut();
    // SAFETY: the handle is the live connection's, used on its own thread; the statement is
    // finalized before returning; `api` outlives the step that writes it.
    unsafe {
        let db = conn.handle();
        let mut statement: *mut ffi::sqlite3_stmt = ptr::null_mut();
        let sql = c"SELECT fts5(?1)";
        if ffi::sqlite3_prepare_v2(db, sql.as_ptr(), -1, &mut statement, ptr::null_mut())
            != ffi::SQLITE_OK
        {
            return None;
        }
        ffi::sqlite3_bind_pointer(
            statement,
            1,
            (&mut api as *mut *mut ffi::fts5_api).cast(),
            c"fts5_api_ptr".as_ptr(),
            None,
        );
        ffi::sqlite3_step(statement);
        ffi::sqlite3_finalize(statement);
    }
    (!api.is_null()).then_some(api)
}

#[cfg(test)]
mod tests {
    use super::{Fts5Tokenizer, TokenizeAs};
    use rusqlite::Connection;

    fn tokens(tokenizer: &Fts5Tokenizer, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        tokenizer.tokens(text, TokenizeAs::Document, |t| {
            out.push(String::from_utf8_lossy(t).into_owned())
        });
        out
    }

    #[test]
    fn words_are_split_and_folded_as_the_index_does() {
        let conn = Connection::open_in_memory().unwrap();
        let tokenizer = Fts5Tokenizer::new(&conn).unwrap();
        assert_eq!(
            tokens(&tokenizer, "Paid 1,250 EUR — Crème brûlée, ÇA!"),
            ["paid", "1", "250", "eur", "creme", "brulee", "ca"]
        );
        assert!(tokens(&tokenizer, "").is_empty());
        assert!(tokens(&tokenizer, "  -- !! ").is_empty());
    }
}
