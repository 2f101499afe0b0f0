// SDP: session descriptions for WebRTC (RFC 8866 syntax, RFC 8829 JSEP unified plan, RFC 8843
// BUNDLE, RFC 8839 ICE candidates, RFC 8853 simulcast, RFC 8851 rid, RFC 8285 extmap).
//
// What it does: parses offers/answers into value types (unknown lines and attributes kept in
// order, so parse → serialize reproduces the input), gives typed accessors and builders for the
// attributes WebRTC uses, and builds answers to client offers and offers for server-originated
// subscriptions. Pure functions over values: no I/O, no clock, no randomness (the caller passes
// ids, credentials and candidates in).
//
// Parsing is strict and bounded: characters first (no NUL, CR only before LF, UTF-8, line and
// size limits from `SDPLimits`), then RFC 8866 line order, then every attribute this module
// has a type for; any failure is an `SDPError` with its line number. Unknown attributes are kept.
//
// What it does not: ICE, DTLS or RTP themselves; trickle signaling; SDP for non-WebRTC use
// (multicast c= lists, multiple transports without BUNDLE).

/// Bounds the parser enforces before and while reading, so hostile input can't make it allocate
/// or loop without limit. Real offers are far smaller (Chromium's full audio+video+data offer
/// is ~6.5 KB, 150 lines).
public enum SDPLimits {
    /// Largest whole description accepted, in bytes.
    public static let maxInputBytes = 64 * 1024
    /// Longest single line (without its line ending), in bytes.
    public static let maxLineBytes = 4 * 1024
    /// Most m= sections in one description.
    public static let maxMediaSections = 64
    /// Most attributes at session level or in one media section.
    public static let maxAttributesPerSection = 1024
    /// Most formats (payload types) on one m= line; RTP has only 128 payload types.
    public static let maxFormats = 128
    /// Most values in one list-valued attribute (group ids, ssrc-group members, simulcast ids).
    public static let maxListItems = 64
}
