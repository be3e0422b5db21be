//! Decodes one service's sample frame (the codec benchmark's) N times, for counting
//! instructions per frame: a figure the shared machine's noise does not move, unlike the
//! criterion times.
//!   cargo build --profile bench -p parley-core --example decode_count
//!   valgrind --tool=callgrind --callgrind-out-file=/tmp/cg $CARGO_TARGET_DIR/release/examples/decode_count mexc 20000
//! prints the instructions; run it with 0 frames too and divide the difference by N.

use parley_core::codec::{Env, InFrame};

#[path = "../tests/support/codecs.rs"]
mod codecs;
#[path = "../tests/support/sample_frames.rs"]
mod sample_frames;

fn main() {
    let mut args = std::env::args().skip(1);
    let service = args.next().unwrap_or_else(|| "mexc".into());
    let times: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let Some((_, mut codec, frame, binary)) = sample_frames::all()
        .into_iter()
        .find(|(name, ..)| *name == service)
    else {
        eprintln!("no sample frame named {service}");
        std::process::exit(2);
    };
    let text = String::from_utf8(frame.clone()).unwrap_or_default();
    let mut items = 0;
    let mut env = Env::fixed(0);
    for _ in 0..times {
        let input = if binary {
            InFrame::Binary(&frame)
        } else {
            InFrame::Text(&text)
        };
        items += std::hint::black_box(codec.decode(input, &mut env).expect("decodes")).len();
    }
    println!("{service}: {times} frames decoded into {items} items");
}
