//! Codec throughput per service (issue 7, benchmark 1): decoding one small frame of each
//! service's most common kind, and encoding one outgoing message. Figures are frames per
//! second (criterion prints time per frame and elements/s).
//!   cargo bench -p parley-core --bench codecs

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use parley_core::codec::{Env, InFrame, Outgoing};
use parley_core::message::MessageKind;

#[path = "../tests/support/codecs.rs"]
mod codecs;
#[path = "../tests/support/sample_frames.rs"]
mod sample_frames;

fn decode(c: &mut Criterion) {
    let frames = sample_frames::all();
    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Elements(1));
    for (name, mut codec, frame, binary) in frames {
        let text = String::from_utf8(frame.clone()).unwrap_or_default();
        let mut env = Env::fixed(0);
        group.bench_function(name, |b| {
            b.iter(|| {
                let input = if binary {
                    InFrame::Binary(&frame)
                } else {
                    InFrame::Text(&text)
                };
                codec.decode(input, &mut env).expect("decodes")
            })
        });
    }
    group.finish();
}

fn encode(c: &mut Criterion) {
    let out = |room: &str| Outgoing {
        local_id: 1,
        room: room.into(),
        kind: MessageKind::Text,
        text: "Desk is open: 5,000 USDT at 1.002.".into(),
        media: None,
        client_id: Some("aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee".into()),
        quote_id: None,
    };
    let mut group = c.benchmark_group("encode");
    group.throughput(Throughput::Elements(1));
    for (name, mut codec, room) in [
        ("mockly", codecs::mockly(), "public"),
        ("mexc", codecs::mexc(), "50012"),
        ("realtime", codecs::realtime(), "room_1"),
        (
            "mixin_gzip",
            codecs::mixin(),
            "89576cee-9216-3d39-9483-e828a5a95fd3",
        ),
    ] {
        let message = out(room);
        let mut env = Env::fixed(0);
        group.bench_function(name, |b| {
            b.iter(|| codec.encode(&message, &mut env).expect("encodes"))
        });
    }
    group.finish();
}

criterion_group!(benches, decode, encode);
criterion_main!(benches);
