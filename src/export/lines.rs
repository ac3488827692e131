//! Reading CSV records with file line numbers, fast on the common case.
//!
//! Most exports hold no quoted cells: such a line is split on commas directly into the reused
//! [`csv::ByteRecord`] (a copy of the line's bytes, no allocation once the buffers have
//! grown). A line holding a quote is completed up to its balancing quote (a quoted cell may span
//! lines) and parsed by the `csv` crate itself, so quoting follows that crate (RFC 4180).
//! Line numbers are file lines, 1-based; a record spanning lines is numbered by its first.

use std::io::{self, BufRead, BufReader, Read};

use super::error::ExportError;

/// Bytes of input buffered at a time.
const BUFFER: usize = 1 << 18;

/// A record's first line and, for a line without quotes, its bytes (`None`: parsed into the
/// caller's record).
pub(crate) type RawRecord<'a> = (u64, Option<&'a [u8]>);

#[derive(Debug)]
pub(crate) struct RecordReader<R> {
    src: BufReader<R>,
    buf: Vec<u8>,
    /// File lines consumed so far.
    lines: u64,
}

fn io_error(line: u64, e: &io::Error) -> ExportError {
    ExportError::Csv {
        line,
        message: e.to_string(),
    }
}

impl<R: Read> RecordReader<R> {
    pub(crate) fn new(reader: R) -> Self {
        Self {
            src: BufReader::with_capacity(BUFFER, reader),
            buf: Vec::new(),
            lines: 0,
        }
    }

    /// Reads the next record into `record`; its first line, or `None` at the end. Empty lines
    /// are skipped (as the `csv` crate does); a UTF-8 byte-order mark before the header is
    /// dropped.
    pub(crate) fn read(
        &mut self,
        record: &mut csv::ByteRecord,
    ) -> Result<Option<u64>, ExportError> {
        let Some((line, plain)) = self.read_raw(record)? else {
            return Ok(None);
        };
        if let Some(plain) = plain {
            record.clear();
            for field in plain.split(|&b| b == b',') {
                record.push_field(field);
            }
        }
        Ok(Some(line))
    }

    /// The next record's first line and, for a line without quotes, its bytes (without the
    /// line end; split on commas to get the fields); for a quoted record `None`, with the
    /// fields parsed into `record`.
    pub(crate) fn read_raw(
        &mut self,
        record: &mut csv::ByteRecord,
    ) -> Result<Option<RawRecord<'_>>, ExportError> {
        loop {
            self.buf.clear();
            let n = self
                .src
                .read_until(b'\n', &mut self.buf)
                .map_err(|e| io_error(self.lines + 1, &e))?;
            if n == 0 {
                return Ok(None);
            }
            self.lines += 1;
            let start = self.lines;
            if start == 1 && self.buf.starts_with(b"\xEF\xBB\xBF") {
                self.buf.drain(..3);
            }
            if self.buf.contains(&b'"') {
                // complete a quoted cell that continues on the next lines
                #[allow(clippy::naive_bytecount)] // rare path; no dependency for it
                let open = |buf: &[u8]| buf.iter().filter(|&&b| b == b'"').count() % 2 == 1;
                while open(&self.buf) {
                    let more = self
                        .src
                        .read_until(b'\n', &mut self.buf)
                        .map_err(|e| io_error(self.lines + 1, &e))?;
                    if more == 0 {
                        break;
                    }
                    self.lines += 1;
                }
                let mut rdr = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .from_reader(&self.buf[..]);
                let got = rdr.read_byte_record(record).map_err(|e| ExportError::Csv {
                    line: start,
                    message: e.to_string(),
                })?;
                if got {
                    return Ok(Some((start, None)));
                }
                continue;
            }
            let mut end = self.buf.len();
            if self.buf[..end].ends_with(b"\n") {
                end -= 1;
            }
            if self.buf[..end].ends_with(b"\r") {
                end -= 1;
            }
            if end == 0 {
                continue;
            }
            return Ok(Some((start, Some(&self.buf[..end]))));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<(u64, Vec<String>)> {
        let mut r = RecordReader::new(text.as_bytes());
        let mut rec = csv::ByteRecord::new();
        let mut out = Vec::new();
        while let Some(line) = r.read(&mut rec).unwrap() {
            out.push((
                line,
                rec.iter()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect(),
            ));
        }
        out
    }

    #[test]
    fn plain_quoted_multiline_crlf_and_blank_lines() {
        let text =
            "\u{feff}a,b\r\n1,2\r\n\n\"x, y\",\"he said \"\"hi\"\"\"\n\"two\nlines\",3\n4,\n5";
        assert_eq!(
            all(text),
            [
                (1, vec!["a".into(), "b".into()]),
                (2, vec!["1".into(), "2".into()]),
                (4, vec!["x, y".into(), "he said \"hi\"".into()]),
                (5, vec!["two\nlines".into(), "3".into()]),
                (7, vec!["4".into(), String::new()]),
                (8, vec!["5".into()]),
            ]
        );
    }

    #[test]
    fn agrees_with_the_csv_crate() {
        let text = "id,v\n\"a\",1\nb,\"2\"\n c , 3 \n\"q\"\"\",\"\"\n";
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let want: Vec<Vec<String>> = rdr
            .byte_records()
            .map(|r| {
                r.unwrap()
                    .iter()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect()
            })
            .collect();
        let got: Vec<Vec<String>> = all(text).into_iter().map(|(_, f)| f).collect();
        assert_eq!(got, want);
    }
}
