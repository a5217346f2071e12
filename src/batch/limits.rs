//! Resource caps that turn hostile or broken inputs into a clean `failed` row instead of a
//! memory blow-up: the decompressed size of any one PDF stream, and the pixels of an image input.
//!
//! These are the first line of defence; the second is the worker process's address-space limit
//! (see `worker`), which catches whatever gets past them (lopdf decompresses object streams
//! while loading, before we can look).  The stream check inflates each Flate stream into a
//! counting sink with `flate2` (already in the tree through lopdf), so it needs no memory beyond
//! the decoder's window however large the stream expands.  Image dimensions are read from the
//! file header with `imagesize` (no decoding, a few hundred lines, no dependencies).

use std::io::Read;
use std::sync::OnceLock;

/// Caps in force in this process.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest decompressed size of one PDF stream, in bytes (0 = no cap).
    pub max_stream_bytes: u64,
    /// Largest image input, in pixels (0 = no cap).
    pub max_image_pixels: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_stream_bytes: 256 << 20,
            max_image_pixels: 200_000_000,
        }
    }
}

static LIMITS: OnceLock<Limits> = OnceLock::new();

/// Set the caps for this process (first call wins; later calls are ignored).
pub fn set(l: Limits) {
    let _ = LIMITS.set(l);
}

pub fn get() -> Limits {
    *LIMITS.get_or_init(Limits::default)
}

/// Check every Flate-compressed, non-image stream of a loaded PDF against the stream cap.
/// Returns the reason when one expands past it.
pub fn check_pdf_streams(doc: &pdf_extract::Document) -> Result<(), String> {
    let cap = get().max_stream_bytes;
    if cap == 0 {
        return Ok(());
    }
    for (id, obj) in &doc.objects {
        let pdf_extract::Object::Stream(s) = obj else {
            continue;
        };
        if s.dict
            .get(b"Subtype")
            .and_then(|o| o.as_name())
            .map(|n| n == b"Image")
            .unwrap_or(false)
        {
            // Images are never decoded by the text-layer producer.
            continue;
        }
        let filters = match s.filters() {
            Ok(f) => f,
            Err(_) => continue,
        };
        if filters.is_empty() || !filters.iter().all(|f| *f == b"FlateDecode" || *f == b"Fl") {
            continue;
        }
        let n = inflated_len(&s.content, filters.len(), cap);
        if n > cap {
            return Err(format!(
                "stream {} {} expands to more than {} MiB when decompressed (a decompression bomb?); {} if the file is genuine",
                id.0,
                id.1,
                cap >> 20,
                crate::settings::Knob::MaxStream.advice()
            ));
        }
    }
    Ok(())
}

/// Decompressed length of `data` through `layers` zlib decoders, counting at most `cap + 1` bytes.
pub fn inflated_len(data: &[u8], layers: usize, cap: u64) -> u64 {
    let mut r: Box<dyn Read + '_> = Box::new(data);
    for _ in 0..layers {
        r = Box::new(flate2::read::ZlibDecoder::new(r));
    }
    let mut limited = r.take(cap + 1);
    let mut buf = [0u8; 64 * 1024];
    let mut n: u64 = 0;
    loop {
        match limited.read(&mut buf) {
            Ok(0) => break,
            Ok(k) => n += k as u64,
            // A broken stream is not a bomb: the producer reports what it can't decode.
            Err(_) => break,
        }
    }
    n
}

/// Check an image file's header dimensions against the pixel cap.
pub fn check_image(bytes: &[u8]) -> Result<(), String> {
    let cap = get().max_image_pixels;
    match imagesize::blob_size(bytes) {
        Ok(sz) => {
            let px = sz.width as u64 * sz.height as u64;
            if cap > 0 && px > cap {
                Err(format!(
                    "image is {}x{} = {} Mpx, over the {} Mpx cap; {} if the file is genuine",
                    sz.width,
                    sz.height,
                    px / 1_000_000,
                    cap / 1_000_000,
                    crate::settings::Knob::MaxImage.advice()
                ))
            } else {
                Ok(())
            }
        }
        Err(e) => Err(format!("cannot read the image header: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn inflate_counts_without_storing() {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(&vec![b' '; 10 << 20]).unwrap();
        let c = z.finish().unwrap();
        assert_eq!(inflated_len(&c, 1, 100 << 20), 10 << 20);
        assert_eq!(inflated_len(&c, 1, 1 << 20), (1 << 20) + 1);
        let mut z2 = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z2.write_all(&c).unwrap();
        assert_eq!(inflated_len(&z2.finish().unwrap(), 2, 100 << 20), 10 << 20);
        assert_eq!(inflated_len(b"not zlib", 1, 100), 0);
    }
}
