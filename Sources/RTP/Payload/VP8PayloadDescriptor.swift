/// The VP8 payload descriptor at the start of every VP8 RTP payload (RFC 7741 §4.2).
///
/// ```
///       +-+-+-+-+-+-+-+-+
///       |X|R|N|S|R| PID | (required)
///       +-+-+-+-+-+-+-+-+
///  X:   |I|L|T|K| RSV   | (present when X)
///       +-+-+-+-+-+-+-+-+
///  I:   |M| PictureID   | (present when I; M=1 adds a second byte: 15-bit id)
///       +-+-+-+-+-+-+-+-+
///       |   PictureID   |
///       +-+-+-+-+-+-+-+-+
///  L:   |   TL0PICIDX   | (present when L)
///       +-+-+-+-+-+-+-+-+
///  T/K: |TID|Y| KEYIDX  | (present when T or K)
///       +-+-+-+-+-+-+-+-+
/// ```
/// The fields decide the layout, so `headerLength` is exact and a parsed descriptor marshals
/// back to the same structure. Forwarders use it for keyframe detection and picture-id rewrite.
public struct VP8PayloadDescriptor: Sendable, Equatable {
    /// X: the extension byte is present (even if it announces no field).
    public var extended: Bool
    /// N: the frame can be discarded without affecting others.
    public var nonReference: Bool
    /// S: the payload starts a VP8 partition.
    public var startOfPartition: Bool
    /// PID: partition index (0...7).
    public var partitionIndex: UInt8
    /// Picture id (7 or 15 bits); nil when I=0.
    public var pictureID: UInt16?
    /// M: the picture id is 15 bits wide (two bytes).
    public var pictureIDIs15Bit: Bool
    /// TL0PICIDX; nil when L=0.
    public var tl0PictureIndex: UInt8?
    /// TID (0...3); nil when T=0.
    public var temporalLayer: UInt8?
    /// Y: the frame depends only on the base temporal layer (meaningful when T=1).
    public var layerSync: Bool
    /// KEYIDX (0...31); nil when K=0.
    public var keyIndex: UInt8?

    public init(extended: Bool = false, nonReference: Bool = false, startOfPartition: Bool, partitionIndex: UInt8 = 0,
                pictureID: UInt16? = nil, pictureIDIs15Bit: Bool = true, tl0PictureIndex: UInt8? = nil,
                temporalLayer: UInt8? = nil, layerSync: Bool = false, keyIndex: UInt8? = nil) {
        self.nonReference = nonReference
        self.startOfPartition = startOfPartition
        self.partitionIndex = partitionIndex & 0x07
        self.pictureID = pictureID.map { pictureIDIs15Bit ? $0 & 0x7FFF : $0 & 0x7F }
        self.pictureIDIs15Bit = pictureID != nil && pictureIDIs15Bit
        self.tl0PictureIndex = tl0PictureIndex
        self.temporalLayer = temporalLayer.map { $0 & 0x03 }
        self.layerSync = temporalLayer != nil && layerSync
        self.keyIndex = keyIndex.map { $0 & 0x1F }
        self.extended = extended || pictureID != nil || tl0PictureIndex != nil || temporalLayer != nil || keyIndex != nil
    }

    /// Bytes of the descriptor; the VP8 payload header starts right after.
    @inlinable public var headerLength: Int {
        guard extended else { return 1 }
        var length = 2
        if pictureID != nil { length += pictureIDIs15Bit ? 2 : 1 }
        if tl0PictureIndex != nil { length += 1 }
        if temporalLayer != nil || keyIndex != nil { length += 1 }
        return length
    }

    @usableFromInline var pictureIDOffset: Int { 2 }
    @usableFromInline var tl0PictureIndexOffset: Int { 2 + (pictureID == nil ? 0 : (pictureIDIs15Bit ? 2 : 1)) }

    /// Parses the descriptor at the start of a VP8 RTP payload.
    @inlinable
    public init(parsing payload: UnsafeRawBufferPointer) throws(RTPError) {
        guard payload.count >= 1 else { throw .truncated(needed: 1, have: 0) }
        let first = payload[0]
        extended = first & 0x80 != 0
        nonReference = first & 0x20 != 0
        startOfPartition = first & 0x10 != 0
        partitionIndex = first & 0x07
        pictureID = nil
        pictureIDIs15Bit = false
        tl0PictureIndex = nil
        temporalLayer = nil
        layerSync = false
        keyIndex = nil
        guard extended else { return }

        func byte(_ offset: Int) throws(RTPError) -> UInt8 {
            guard offset < payload.count else { throw .truncated(needed: offset + 1, have: payload.count) }
            return payload[offset]
        }
        let flags = try byte(1)
        var offset = 2
        if flags & 0x80 != 0 {  // I
            let high = try byte(offset)
            if high & 0x80 != 0 {  // M
                pictureID = UInt16(high & 0x7F) << 8 | UInt16(try byte(offset + 1))
                pictureIDIs15Bit = true
                offset += 2
            } else {
                pictureID = UInt16(high)
                offset += 1
            }
        }
        if flags & 0x40 != 0 {  // L
            tl0PictureIndex = try byte(offset)
            offset += 1
        }
        if flags & 0x30 != 0 {  // T or K
            let tk = try byte(offset)
            if flags & 0x20 != 0 {
                temporalLayer = tk >> 6
                layerSync = tk & 0x20 != 0
            }
            if flags & 0x10 != 0 { keyIndex = tk & 0x1F }
        }
    }

    public init(parsing bytes: [UInt8]) throws(RTPError) {
        let result: Result<VP8PayloadDescriptor, RTPError> = bytes.withUnsafeBytes { buffer in
            Result { () throws(RTPError) in try VP8PayloadDescriptor(parsing: buffer) }
        }
        self = try result.get()
    }

    /// Writes the descriptor at the start of `buffer`; returns `headerLength`.
    public func marshal(into buffer: UnsafeMutableRawBufferPointer) throws(RTPError) -> Int {
        let length = headerLength
        guard buffer.count >= length else { throw .bufferTooSmall(needed: length, have: buffer.count) }
        buffer[0] = (extended ? 0x80 : 0) | (nonReference ? 0x20 : 0) | (startOfPartition ? 0x10 : 0)
            | (partitionIndex & 0x07)
        guard extended else { return 1 }
        buffer[1] = (pictureID != nil ? 0x80 : 0) | (tl0PictureIndex != nil ? 0x40 : 0)
            | (temporalLayer != nil ? 0x20 : 0) | (keyIndex != nil ? 0x10 : 0)
        var offset = 2
        if let pictureID {
            if pictureIDIs15Bit {
                buffer[offset] = 0x80 | UInt8(truncatingIfNeeded: pictureID >> 8) & 0x7F
                buffer[offset + 1] = UInt8(truncatingIfNeeded: pictureID)
                offset += 2
            } else {
                buffer[offset] = UInt8(truncatingIfNeeded: pictureID) & 0x7F
                offset += 1
            }
        }
        if let tl0PictureIndex {
            buffer[offset] = tl0PictureIndex
            offset += 1
        }
        if temporalLayer != nil || keyIndex != nil {
            buffer[offset] = (temporalLayer ?? 0) << 6 | (layerSync ? 0x20 : 0) | (keyIndex ?? 0) & 0x1F
            offset += 1
        }
        return offset
    }

    // MARK: keyframes

    /// Whether the payload starts a keyframe: S=1, PID=0, and the VP8 frame tag's P bit (inverse
    /// key frame flag, RFC 6386 §9.1) is 0.
    @inlinable
    public func isKeyframe(payload: UnsafeRawBufferPointer) -> Bool {
        let start = headerLength
        return startOfPartition && partitionIndex == 0 && payload.count > start && payload[start] & 0x01 == 0
    }

    /// Width and height from a keyframe's header (RFC 6386 §9.1: 3-byte frame tag, start code
    /// 9d 01 2a, then 14-bit little-endian width and height); nil when not a keyframe or short.
    public func keyframeDimensions(payload: UnsafeRawBufferPointer) -> (width: Int, height: Int)? {
        guard isKeyframe(payload: payload) else { return nil }
        let start = headerLength
        guard payload.count >= start + 10,
              payload[start + 3] == 0x9D, payload[start + 4] == 0x01, payload[start + 5] == 0x2A else { return nil }
        let width = (Int(payload[start + 7]) << 8 | Int(payload[start + 6])) & 0x3FFF
        let height = (Int(payload[start + 9]) << 8 | Int(payload[start + 8])) & 0x3FFF
        return (width, height)
    }

    // MARK: in-place rewrite

    /// Overwrites the picture id of the payload this descriptor was parsed from, keeping its
    /// width: a 7-bit id keeps 7 bits (the value is truncated), a 15-bit id keeps 15.
    @inlinable
    public func rewritePictureID(_ pictureID: UInt16, in payload: UnsafeMutableRawBufferPointer) throws(RTPError) {
        guard self.pictureID != nil else { throw .badPayload("VP8 descriptor has no picture id") }
        guard payload.count >= headerLength else { throw .truncated(needed: headerLength, have: payload.count) }
        let offset = pictureIDOffset
        if pictureIDIs15Bit {
            payload[offset] = 0x80 | UInt8(truncatingIfNeeded: pictureID >> 8) & 0x7F
            payload[offset + 1] = UInt8(truncatingIfNeeded: pictureID)
        } else {
            payload[offset] = UInt8(truncatingIfNeeded: pictureID) & 0x7F
        }
    }

    /// Overwrites TL0PICIDX of the payload this descriptor was parsed from.
    @inlinable
    public func rewriteTL0PictureIndex(_ index: UInt8, in payload: UnsafeMutableRawBufferPointer) throws(RTPError) {
        guard tl0PictureIndex != nil else { throw .badPayload("VP8 descriptor has no TL0PICIDX") }
        guard payload.count >= headerLength else { throw .truncated(needed: headerLength, have: payload.count) }
        payload[tl0PictureIndexOffset] = index
    }
}
