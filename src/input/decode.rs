//! Text decoding for delimited files: BOM sniffing (UTF-8, UTF-16LE/BE are
//! transcoded to UTF-8 while streaming), per-cell Windows-1252 fallback for
//! bytes that are not valid UTF-8, and delimiter sniffing (comma, semicolon, tab).

use std::io::{self, Read};

use encoding_rs::{Decoder, Encoding, UTF_8, WINDOWS_1252};

/// Bytes looked at to find a BOM and the header line.
const SNIFF_LEN: usize = 64 * 1024;

/// A UTF-8 byte stream ready for the CSV reader, with its sniffed delimiter.
pub struct Sniffed {
    pub reader: Box<dyn Read + Send>,
    pub delimiter: u8,
}

/// Reads the start of `inner`, strips or transcodes by BOM, and sniffs the delimiter.
pub fn sniff(mut inner: Box<dyn Read + Send>) -> io::Result<Sniffed> {
    let mut prefix = Vec::with_capacity(SNIFF_LEN);
    (&mut inner)
        .take(SNIFF_LEN as u64)
        .read_to_end(&mut prefix)?;
    let bom = Encoding::for_bom(&prefix);
    let body_start = bom.map_or(0, |(_, len)| len);
    let rest = io::Cursor::new(prefix[body_start..].to_vec()).chain(inner);
    let (reader, head): (Box<dyn Read + Send>, String) = match bom {
        Some((enc, _)) if enc != UTF_8 => {
            let head = enc
                .decode_without_bom_handling(&prefix[body_start..])
                .0
                .into_owned();
            (
                Box::new(TranscodingReader::new(
                    rest,
                    enc.new_decoder_without_bom_handling(),
                )),
                head,
            )
        }
        _ => (
            Box::new(rest),
            String::from_utf8_lossy(&prefix[body_start..]).into_owned(),
        ),
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

/// A cell as text: UTF-8 when valid, else Windows-1252 (flagged `true`).
pub fn decode_cell(bytes: &[u8]) -> (String, bool) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), false),
        Err(_) => (
            WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
                .into_owned(),
            true,
        ),
    }
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
        let mut s = sniff(Box::new(io::Cursor::new(bytes))).expect("sniff");
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
    fn windows_1252_cells_are_flagged() {
        assert_eq!(decode_cell(b"caf\xE9"), ("caf\u{e9}".to_string(), true));
        assert_eq!(decode_cell("café".as_bytes()), ("café".to_string(), false));
    }
}
