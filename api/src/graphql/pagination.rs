//! Relay connections: opaque cursors over a read model's paging key, and page-size limits.

use async_graphql::connection::{Connection, CursorType, Edge};
use async_graphql::OutputType;

use super::ApiError;

/// The most items one page may hold.
pub const MAX_PAGE_SIZE: i32 = 100;
/// The page size when `first` is not given.
pub const DEFAULT_PAGE_SIZE: i32 = 20;

/// A position in a list; opaque to clients (hex of a tagged number).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageCursor(pub i64);

const TAG: &str = "bb1:";

impl CursorType for PageCursor {
    type Error = ApiError;

    fn decode_cursor(text: &str) -> Result<Self, ApiError> {
        let invalid = || ApiError::bad_input("after", "not a cursor from this list");
        if text.len() > 64 || text.len() & 1 == 1 {
            return Err(invalid());
        }
        // Pairs of bytes, never `str` slices: a multi-byte character must not split a slice.
        let hex = |b: u8| char::from(b).to_digit(16).ok_or_else(invalid);
        let bytes = text
            .as_bytes()
            .chunks_exact(2)
            .map(|pair| u8::try_from(hex(pair[0])? * 16 + hex(pair[1])?).map_err(|_| invalid()))
            .collect::<Result<Vec<u8>, ApiError>>()?;
        let decoded = String::from_utf8(bytes).map_err(|_| invalid())?;
        decoded
            .strip_prefix(TAG)
            .and_then(|n| n.parse().ok())
            .map(PageCursor)
            .ok_or_else(invalid)
    }

    fn encode_cursor(&self) -> String {
        format!("{TAG}{}", self.0)
            .bytes()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// A validated page request: after which key, and how many.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    /// The paging key to start after.
    pub after: Option<i64>,
    /// How many items.
    pub first: i64,
}

impl Page {
    /// Checks `first` (1-100, default 20) and decodes `after`.
    pub fn new(first: Option<i32>, after: Option<&str>) -> Result<Self, ApiError> {
        let first = first.unwrap_or(DEFAULT_PAGE_SIZE);
        if !(1..=MAX_PAGE_SIZE).contains(&first) {
            return Err(ApiError::bad_input(
                "first",
                format!("a page holds 1-{MAX_PAGE_SIZE} items"),
            ));
        }
        let after = after.map(PageCursor::decode_cursor).transpose()?;
        Ok(Self {
            after: after.map(|c| c.0),
            first: i64::from(first),
        })
    }

    /// How many rows to fetch: one more than asked, to know whether there is a next page.
    pub fn fetch(&self) -> i64 {
        self.first + 1
    }

    /// The connection of `rows` (fetched with [`Page::fetch`]), keyed by `key`.
    pub fn connection<R, N: OutputType>(
        &self,
        rows: Vec<R>,
        key: impl Fn(&R) -> i64,
        node: impl Fn(R) -> N,
    ) -> Connection<PageCursor, N> {
        let has_next = rows.len() as i64 > self.first;
        let mut connection = Connection::new(self.after.is_some(), has_next);
        connection.edges.extend(
            rows.into_iter()
                .take(self.first as usize)
                .map(|row| Edge::new(PageCursor(key(&row)), node(row))),
        );
        connection
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_foreign_text_is_refused() {
        let cursor = PageCursor(42);
        let text = cursor.encode_cursor();
        assert_eq!(PageCursor::decode_cursor(&text).unwrap(), cursor);
        for bad in [
            "",
            "zz",
            "42",
            "6262313a78",
            "aæb",
            "æø",
            "a\u{10348}b",
            "6\u{e9}",
        ] {
            assert!(PageCursor::decode_cursor(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn page_sizes_are_bounded() {
        assert!(Page::new(Some(0), None).is_err());
        assert!(Page::new(Some(101), None).is_err());
        assert_eq!(Page::new(None, None).unwrap().first, 20);
    }
}
