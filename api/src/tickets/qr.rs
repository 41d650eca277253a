//! The signed ticket as a QR code, drawn by the service itself as inline SVG (no script, no
//! CDN, no style attributes, so the page's content security policy holds).

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

use super::TicketError;

/// `text` as an SVG QR code (medium error correction, which survives a scratched phone screen
/// while a JWS of a few hundred bytes still fits a phone-sized code), without the XML prologue
/// so that it can sit inside HTML.
pub fn svg(text: &str) -> Result<String, TicketError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| TicketError::Qr(e.to_string()))?;
    let image = code
        .render::<svg::Color<'_>>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build();
    let start = image.find("<svg").unwrap_or(0);
    Ok(image[start..].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_is_bare_svg() {
        let image = svg("eyJhbGciOiJFZERTQSJ9.e30.sig").unwrap();
        assert!(image.starts_with("<svg"), "{image}");
        assert!(image.ends_with("</svg>"), "{image}");
        assert!(!image.contains("style="));
    }
}
