//! Text decoding for delimited files: BOM sniffing (UTF-8, UTF-16LE/BE are
//! transcoded to UTF-8 while streaming; UTF-16 without a BOM is recognised),
//! refusal of binary files, per-cell Windows-1252 fallback for
//! bytes that are not valid UTF-8, and delimiter sniffing (comma, semicolon, tab).

use std::io::{self, Read};

use encoding_rs::{Decoder, Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// Bytes looked at to find a BOM and the header line.
const SNIFF_LEN: usize = 64 * 1024;

/// A UTF-8 byte stream ready for the CSV reader, with its sniffed delimiter.
pub struct Sniffed {
    pub reader: Box<dyn Read + Send>,
    pub delimiter: u8,
}

/// Why a file cannot be read as delimited text.
#[derive(Debug)]
pub enum SniffError {
    Io(io::Error),
    /// Not text at all (binary data, a zip archive...): the reason says what it looks like.
    NotText(String),
}

/// What the first bytes say about a file's encoding.
enum Detected {
    /// A byte-order mark of this length.
    Bom(&'static Encoding, usize),
    /// UTF-16 without a BOM (ASCII text with every other byte NUL).
    Utf16(&'static Encoding),
    /// UTF-8 or a single-byte encoding (cells are decoded one by one).
    Text,
    NotText(String),
}

/// Bytes inspected to tell UTF-16 without a BOM from binary data.
const UTF16_SAMPLE: usize = 1024;

fn detect(prefix: &[u8]) -> Detected {
    if let Some((enc, len)) = Encoding::for_bom(prefix) {
        return Detected::Bom(enc, len);
    }
    let Some(nul_at) = prefix.iter().position(|&b| b == 0) else {
        return Detected::Text;
    };
    let sample = &prefix[..prefix.len().min(UTF16_SAMPLE) & !1];
    let pairs = sample.len() / 2;
    let share = |zero: usize| {
        let hits = sample
            .chunks_exact(2)
            .filter(|p| p[zero] == 0 && p[1 - zero] != 0)
            .count();
        pairs > 0 && hits * 10 >= pairs * 9
    };
    if share(1) {
        Detected::Utf16(UTF_16LE)
    } else if share(0) {
        Detected::Utf16(UTF_16BE)
    } else {
        Detected::NotText(not_text_reason(prefix, nul_at))
    }
}

/// What a binary file probably is, for the error message.
fn not_text_reason(prefix: &[u8], nul_at: usize) -> String {
    if prefix.starts_with(b"PK\x03\x04") {
        "it is a zip archive (an .xlsx workbook with another extension? name it .xlsx)".to_string()
    } else if prefix.starts_with(b"\xD0\xCF\x11\xE0") {
        "it is an old Office file (an .xls workbook? name it .xls)".to_string()
    } else {
        format!("it holds binary data (a NUL byte at offset {nul_at})")
    }
}

/// Reads the start of `inner`, strips or transcodes by BOM (or UTF-16
/// without one), refuses binary data, and sniffs the delimiter.
pub fn sniff(mut inner: Box<dyn Read + Send>) -> Result<Sniffed, SniffError> {
    let mut prefix = Vec::with_capacity(SNIFF_LEN);
    (&mut inner)
        .take(SNIFF_LEN as u64)
        .read_to_end(&mut prefix)
        .map_err(SniffError::Io)?;
    let (encoding, body_start) = match detect(&prefix) {
        Detected::NotText(reason) => return Err(SniffError::NotText(reason)),
        Detected::Bom(enc, len) => (enc, len),
        Detected::Utf16(enc) => (enc, 0),
        Detected::Text => (UTF_8, 0),
    };
    let rest = io::Cursor::new(prefix[body_start..].to_vec()).chain(inner);
    let (reader, head): (Box<dyn Read + Send>, String) = if encoding == UTF_8 {
        (
            Box::new(rest),
            String::from_utf8_lossy(&prefix[body_start..]).into_owned(),
        )
    } else {
        let head = encoding
            .decode_without_bom_handling(&prefix[body_start..])
            .0
            .into_owned();
        (
            Box::new(TranscodingReader::new(
                rest,
                encoding.new_decoder_without_bom_handling(),
            )),
            head,
        )
    };
    Ok(Sniffed {
        reader,
        delimiter: sniff_delimiter(&head),
    })
}

/// The candidate delimiter that occurs most often outside quotes in the header line.
pub fn sniff_delimiter(head: &str) -> u8 {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut in_quotes = false;
    for b in head.bytes() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' | b'\r' if !in_quotes => break,
            _ if !in_quotes => {
                if let Some(c) = counts.iter_mut().find(|(d, _)| *d == b) {
                    c.1 += 1;
                }
            }
            _ => {}
        }
    }
    counts
        .iter()
        .fold((b',', 0), |best, &c| if c.1 > best.1 { c } else { best })
        .0
}

/// A cell as text: its valid UTF-8 runs as they are, and each byte that is
/// not UTF-8 as Windows-1252 (flagged `true`), so a cell mixing the two
/// (text pasted from two systems) is not garbled.
pub fn decode_cell(bytes: &[u8]) -> (String, bool) {
    let mut text = String::with_capacity(bytes.len());
    let mut cp1252 = false;
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        let invalid = chunk.invalid();
        if !invalid.is_empty() {
            cp1252 = true;
            text.push_str(&WINDOWS_1252.decode_without_bom_handling(invalid).0);
        }
    }
    (text, cp1252)
}

/// Streams any encoding_rs encoding as UTF-8.
struct TranscodingReader<R> {
    inner: R,
    decoder: Decoder,
    input: Vec<u8>,
    output: Vec<u8>,
    pos: usize,
    done: bool,
}

impl<R: Read> TranscodingReader<R> {
    fn new(inner: R, decoder: Decoder) -> Self {
        TranscodingReader {
            inner,
            decoder,
            input: vec![0; 16 * 1024],
            output: Vec::new(),
            pos: 0,
            done: false,
        }
    }

    fn refill(&mut self) -> io::Result<()> {
        let n = self.inner.read(&mut self.input)?;
        let last = n == 0;
        let cap = self.decoder.max_utf8_buffer_length(n).unwrap_or(n * 3 + 16);
        self.output.resize(cap, 0);
        let (_, _, written, _) =
            self.decoder
                .decode_to_utf8(&self.input[..n], &mut self.output, last);
        self.output.truncate(written);
        self.pos = 0;
        self.done = last;
        Ok(())
    }
}

impl<R: Read> Read for TranscodingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.output.len() {
            if self.done {
                return Ok(0);
            }
            self.refill()?;
        }
        let n = buf.len().min(self.output.len() - self.pos);
        buf[..n].copy_from_slice(&self.output[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(bytes: Vec<u8>) -> (String, u8) {
        let Ok(mut s) = sniff(Box::new(io::Cursor::new(bytes))) else {
            panic!("sniff failed")
        };
        let mut out = String::new();
        s.reader.read_to_string(&mut out).expect("utf-8");
        (out, s.delimiter)
    }

    #[test]
    fn strips_utf8_bom_and_sniffs_delimiters() {
        assert_eq!(
            decode_all(b"\xEF\xBB\xBFa;b;c\n1;2;3\n".to_vec()),
            ("a;b;c\n1;2;3\n".into(), b';')
        );
        assert_eq!(decode_all(b"a\tb\n".to_vec()).1, b'\t');
        assert_eq!(decode_all(b"\"x;y\",b\n".to_vec()).1, b',');
        assert_eq!(decode_all(b"single\n".to_vec()).1, b',');
    }

    #[test]
    fn transcodes_utf16_with_bom() {
        let text = "id;note\n1;caf\u{e9} \u{2014} ok\n";
        for (bom, le) in [([0xFF, 0xFE], true), ([0xFE, 0xFF], false)] {
            let mut bytes = bom.to_vec();
            for unit in text.encode_utf16() {
                bytes.extend(if le {
                    unit.to_le_bytes()
                } else {
                    unit.to_be_bytes()
                });
            }
            assert_eq!(decode_all(bytes), (text.to_string(), b';'));
        }
    }

    #[test]
    fn utf16_without_bom_is_recognised() {
        let text = "id,note\n1,caf\u{e9}\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decode_all(le), (text.to_string(), b','));
        assert_eq!(decode_all(be), (text.to_string(), b','));
    }

    #[test]
    fn binary_data_is_refused_with_what_it_looks_like() {
        let reason = |bytes: &[u8]| match sniff(Box::new(io::Cursor::new(bytes.to_vec()))) {
            Err(SniffError::NotText(r)) => r,
            _ => String::from("read as text"),
        };
        assert!(reason(b"PK\x03\x04\x14\x00\x06\x00").contains("zip archive"));
        assert!(reason(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00").contains(".xls"));
        assert_eq!(
            reason(b"id,a\n\x00\x00\x01\x02"),
            "it holds binary data (a NUL byte at offset 5)"
        );
    }

    #[test]
    fn windows_1252_cells_are_flagged() {
        assert_eq!(decode_cell(b"caf\xE9"), ("caf\u{e9}".to_string(), true));
        assert_eq!(decode_cell("café".as_bytes()), ("café".to_string(), false));
        assert_eq!(
            decode_cell(b"caf\xC3\xA9 \x93ok\x94"),
            ("café \u{201c}ok\u{201d}".to_string(), true),
            "each part of a mixed cell in its own encoding"
        );
    }
}
