//! Any bytes as a frame from the mixin server: the codec may refuse them, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;

thread_local! {
    static CODEC: RefCell<Box<dyn parley_core::codec::Codec>> = RefCell::new(parley_fuzz::mixin());
}

fuzz_target!(|data: &[u8]| {
    CODEC.with(|c| parley_fuzz::feed(c.borrow_mut().as_mut(), true, data));
});
