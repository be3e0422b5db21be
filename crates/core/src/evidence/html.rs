//! `transcript.html`: the transcript a person opens in any browser. Self-contained and inert:
//! a Content-Security-Policy that allows nothing but its own style and `data:` images, no
//! script, no remote address loaded (a message's links are shown as text, never as `href` or
//! `src`), pictures embedded as `data:` URIs, and every text from the room escaped.

use super::contents::PackContents;
use super::facts::facts;
use super::text::{media_line, provenance, who};
use super::time::{readable, utc};
use super::visible::visible;
use super::writer::PackedMedia;
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;

/// Pictures up to this size are embedded in the page; larger ones are only linked.
const EMBED_MAX_BYTES: u64 = 8 * 1024 * 1024;

/// Only rasters are embedded (an SVG can carry script; it is only linked).
const EMBEDDED_TYPES: [&str; 4] = ["image/png", "image/jpeg", "image/gif", "image/webp"];

const CSP: &str = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:52rem;padding:0 1rem;color:#111}\
h1{font-size:1.4rem}dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}\
dt{font-weight:600}dd{margin:0}ol.messages{list-style:none;padding:0}\
li.message{border-top:1px solid #ccc;padding:.6rem 0}li.out{background:#f3f7ff}\
.head{margin:0;font-weight:600}.meta{margin:0;color:#555;font-size:.85rem}\
.text{white-space:pre-wrap;overflow-wrap:anywhere;unicode-bidi:isolate;margin:.3rem 0}\
.media{font-size:.85rem;overflow-wrap:anywhere}img{max-width:100%;height:auto;border:1px solid #ccc}\
.failed{color:#a00}";

/// `raw` safe anywhere in HTML text or a quoted attribute.
pub(super) fn escape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Text from the room: hidden characters made visible, then escaped.
fn shown(raw: &str) -> String {
    escape(&visible(raw))
}

/// Writes the page; `pack` is the pack's folder, where saved pictures are read to embed them.
pub(super) fn write(
    out: &mut dyn Write,
    contents: &PackContents,
    media: &BTreeMap<i64, Result<PackedMedia, String>>,
    pack: &Path,
) -> io::Result<()> {
    let title = shown(&contents.room.title);
    write!(
        out,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <title>Evidence: {title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <h1>Evidence pack: {title}</h1>\n<dl class=\"facts\">\n"
    )?;
    for (label, value) in facts(contents) {
        writeln!(out, "<dt>{}</dt><dd>{}</dd>", escape(label), shown(&value))?;
    }
    writeln!(
        out,
        "</dl>\n<p class=\"meta\">Times are the server's as Parley read them, in UTC; each message also \
         shows the time exactly as the server sent it. Addresses in messages are shown as text and \
         were not opened by this page. <code>MANIFEST.sha256</code> and <code>pack.json</code> beside \
         this file prove that no file of the pack changed after export \
         (<code>parley-cli verify-pack</code>, or <code>sha256sum -c MANIFEST.sha256</code>).</p>\n\
         <ol class=\"messages\">"
    )?;
    for m in &contents.messages {
        let direction = if m.own { "out" } else { "in" };
        writeln!(
            out,
            "<li class=\"message {direction}\" id=\"m{}\">\n<p class=\"head\"><time datetime=\"{}\">{}</time> {}</p>\n<p class=\"meta\">{}</p>",
            m.local_id,
            utc(m.ts_ms),
            readable(m.ts_ms),
            shown(&who(m)),
            shown(&provenance(m)),
        )?;
        if !m.text.is_empty() {
            writeln!(out, "<div class=\"text\">{}</div>", shown(&m.text))?;
        }
        if let Some(card) = &m.card {
            write!(
                out,
                "<div class=\"text\">{}\n{}",
                shown(&card.title),
                shown(&card.description)
            )?;
            for button in &card.buttons {
                write!(out, "\n[{}] {}", shown(&button.label), shown(&button.url))?;
            }
            writeln!(out, "</div>")?;
        }
        let packed = media.get(&m.local_id);
        if let Some(line) = media_line(m, packed) {
            match packed {
                Some(Ok(saved)) => {
                    writeln!(out, "<figure>")?;
                    if EMBEDDED_TYPES.contains(&saved.mime.as_str())
                        && saved.size <= EMBED_MAX_BYTES
                    {
                        write!(
                            out,
                            "<img alt=\"{}\" src=\"data:{};base64,",
                            escape(&saved.file),
                            saved.mime
                        )?;
                        embed(out, &pack.join(&saved.file))?;
                        writeln!(out, "\">")?;
                    }
                    writeln!(
                        out,
                        "<figcaption class=\"media\"><a href=\"{}\">{}</a>: {}</figcaption>\n</figure>",
                        escape(&saved.file),
                        escape(&saved.file),
                        shown(&line)
                    )?;
                }
                _ => writeln!(out, "<p class=\"media failed\">{}</p>", shown(&line))?,
            }
        }
        writeln!(out, "</li>")?;
    }
    writeln!(out, "</ol>\n</body>\n</html>")
}

/// Streams a file's bytes as base64 (a picture is never held whole as text).
fn embed(out: &mut dyn Write, file: &Path) -> io::Result<()> {
    let mut encoder =
        base64::write::EncoderWriter::new(out, &base64::engine::general_purpose::STANDARD);
    io::copy(&mut std::fs::File::open(file)?, &mut encoder)?;
    encoder.finish()?;
    Ok(())
}
