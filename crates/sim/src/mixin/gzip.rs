//! Gzip as Blaze frames carry it (RFC 1952, level 3 as Mixin's Go SDK). Each thread reuses one
//! compressor: a fresh one allocates and zeroes its tables, which cost more than compressing a
//! chat message, and the simulators share the machine with the client measured.

use flate2::{Compress, Compression, Crc, FlushCompress, Status};
use std::cell::RefCell;

/// Deflate, no flags, no time, OS unknown.
const HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];

thread_local! {
    static COMPRESSOR: RefCell<Compress> = RefCell::new(Compress::new(Compression::new(3), false));
}

/// One gzip member holding `data`.
pub fn compress(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() / 2 + 64);
    out.extend_from_slice(&HEADER);
    COMPRESSOR.with(|compressor| {
        let mut compressor = compressor.borrow_mut();
        compressor.reset();
        loop {
            let used = compressor.total_in() as usize;
            out.reserve(64 + (data.len() - used) / 2);
            match compressor.compress_vec(&data[used..], &mut out, FlushCompress::Finish) {
                Ok(Status::StreamEnd) | Err(_) => break,
                Ok(_) => {}
            }
        }
    });
    let mut crc = Crc::new();
    crc.update(data);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    #[test]
    fn any_gzip_reader_reads_it_back() {
        for data in [&b""[..], b"{}", &vec![b'x'; 200_000]] {
            let mut read = Vec::new();
            flate2::read::GzDecoder::new(&super::compress(data)[..])
                .read_to_end(&mut read)
                .unwrap();
            assert_eq!(read, data);
        }
    }
}
