/// Copies a publisher's RTP packet into an egress buffer with a header-extension block made for
/// one viewer: the pass-through extensions (audio level, abs-capture-time, playout delay, video
/// orientation) under the viewer's ids, then the SFU's own abs-send-time and transport-wide
/// sequence number. Everything else the publisher wrote (its MID, RID, its own abs-send-time and
/// transport-wide number, unknown ids) is left out: it describes the publisher's transport, not
/// the viewer's, or is an id the viewer never negotiated.
///
/// One pass, no allocation: elements are read in place from the source and written straight
/// into the destination, in the one-byte form when every element fits it (RFC 8285 §4.2),
/// else the two-byte form. The CSRC list and payload (with its padding) follow unchanged.
public enum HeaderExtensionTranslator {
    /// The most an extension block written here can add to a packet: every pass-through value
    /// at its largest (abs-capture-time 16, playout delay 3, level 1, orientation 1), the two
    /// stamps (3 + 2), a two-byte element header each and the block header and padding.
    public static let maxBlockLength = 4 + (2 + 16) + (2 + 3) + (2 + 4) + (2 + 1) + (2 + 3) + (2 + 2) + 3

    /// Writes the translated packet at the start of `destination`; returns its length.
    /// Throws on a malformed source or a destination without room for
    /// `source.count + maxBlockLength` bytes.
    public static func translate(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer,
                                 from publisher: HeaderExtensionIDs, to viewer: HeaderExtensionIDs,
                                 absSendTime: AbsSendTime?, transportSequenceNumber: UInt16?) throws(RTPError) -> Int {
        let header = try RTPHeader(parsing: source)
        guard destination.count >= source.count + maxBlockLength else {
            throw .bufferTooSmall(needed: source.count + maxBlockLength, have: destination.count)
        }
        guard let to = destination.baseAddress, let from = source.baseAddress else { throw .truncated(needed: 12, have: 0) }
        let fixed = RTPHeader.fixedLength + 4 * header.csrcCount
        to.copyMemory(from: from, byteCount: fixed)

        // Pick the form: one-byte unless an id over 14 or a value over 16 bytes needs two.
        var needsTwoByte = false
        var elementCount = 0
        func consider(id: UInt8, length: Int) {
            elementCount += 1
            if !RTPHeaderExtensionForm.oneByte.canCarry(id: id, length: length) { needsTwoByte = true }
        }
        // Each pass-through kind once (the first), so repeated ids cannot grow the packet.
        var seen: UInt8 = 0
        for element in header.extensions(in: source) {
            guard let id = passedID(element, from: publisher, to: viewer, seen: &seen) else { continue }
            consider(id: id, length: element.range.count)
        }
        if let _ = absSendTime, viewer.absSendTime != 0 { consider(id: viewer.absSendTime, length: 3) }
        if let _ = transportSequenceNumber, viewer.transportSequenceNumber != 0 {
            consider(id: viewer.transportSequenceNumber, length: 2)
        }

        var cursor = fixed
        if elementCount > 0 {
            var writer = try RTPHeaderExtensionWriter(form: needsTwoByte ? .twoByte : .oneByte, buffer: destination, at: fixed)
            seen = 0
            for element in header.extensions(in: source) {
                guard let id = passedID(element, from: publisher, to: viewer, seen: &seen) else { continue }
                try writer.append(id: id, value: UnsafeRawBufferPointer(rebasing: source[element.range]))
            }
            if let absSendTime, viewer.absSendTime != 0 { try writer.append(id: viewer.absSendTime, absSendTime) }
            if let transportSequenceNumber, viewer.transportSequenceNumber != 0 {
                try writer.append(id: viewer.transportSequenceNumber, TransportSequenceNumber(transportSequenceNumber))
            }
            cursor += try writer.finish()
            destination[0] |= 0x10
        } else {
            destination[0] &= ~0x10
        }
        let rest = source.count - header.headerLength
        guard cursor + rest <= destination.count else {
            throw .bufferTooSmall(needed: cursor + rest, have: destination.count)
        }
        (to + cursor).copyMemory(from: from + header.headerLength, byteCount: rest)
        return cursor + rest
    }

    /// The viewer's id for a source element that passes through, nil for one that does not.
    @inline(__always)
    private static func passedID(_ element: RTPHeaderExtensionElement, from publisher: HeaderExtensionIDs,
                                 to viewer: HeaderExtensionIDs, seen: inout UInt8) -> UInt8? {
        guard let kind = publisher.passthrough(for: element.id), element.range.count <= kind.maxLength else { return nil }
        let bit: UInt8 = switch kind {
        case .audioLevel: 1
        case .absCaptureTime: 2
        case .playoutDelay: 4
        case .videoOrientation: 8
        }
        guard seen & bit == 0 else { return nil }
        seen |= bit
        let id = viewer.id(of: kind)
        return id == 0 ? nil : id
    }
}
