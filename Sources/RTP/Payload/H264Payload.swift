/// What an H.264 RTP payload (RFC 6184) carries: a single NAL unit, an aggregation (STAP-A), or a
/// fragment (FU-A), and whether it starts a keyframe.
///
/// ```
/// NAL unit header:  |F|NRI|  Type   |      F must be 0
/// STAP-A (24):      [hdr] ([size:16] [NAL unit])+
/// FU-A (28):        [FU indicator: F|NRI|28] [FU header: S|E|R| Type] [fragment]
/// ```
public struct H264Payload: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// One complete NAL unit of type 1...23.
        case singleNALUnit(type: UInt8)
        /// STAP-A with `count` NAL units (walk them with `H264Payload.stapAUnits`).
        case stapA(count: Int)
        /// A fragment of a NAL unit of `type`; `start`/`end` mark the first and last fragment.
        case fuA(type: UInt8, start: Bool, end: Bool)
        /// STAP-B, MTAP, FU-B or reserved types: valid RTP, but not used by WebRTC.
        case other(type: UInt8)
    }

    public static let stapAType: UInt8 = 24
    public static let fuAType: UInt8 = 28
    public static let idrType: UInt8 = 5
    public static let spsType: UInt8 = 7
    public static let ppsType: UInt8 = 8

    public let kind: Kind
    /// The payload contains an IDR slice or an SPS at its start (for FU-A: the first fragment).
    public let isKeyframe: Bool

    @inlinable
    static func startsKeyframe(_ type: UInt8) -> Bool { type == idrType || type == spsType }

    /// Parses and bounds-checks the payload (every STAP-A unit must fit, with no bytes left over).
    @inlinable
    public init(parsing payload: UnsafeRawBufferPointer) throws(RTPError) {
        guard payload.count >= 1 else { throw .truncated(needed: 1, have: 0) }
        let header = payload[0]
        guard header & 0x80 == 0 else { throw .badPayload("H.264 forbidden zero bit set") }
        let type = header & 0x1F
        switch type {
        case 1...23:
            kind = .singleNALUnit(type: type)
            isKeyframe = H264Payload.startsKeyframe(type)
        case H264Payload.stapAType:
            var count = 0
            var keyframe = false
            var offset = 1
            while offset < payload.count {
                guard offset + 2 <= payload.count else { throw .truncated(needed: offset + 2, have: payload.count) }
                let size = Int(payload.beUInt16(at: offset))
                guard size > 0 else { throw .badPayload("H.264 STAP-A unit of size 0") }
                let end = offset + 2 + size
                guard end <= payload.count else { throw .truncated(needed: end, have: payload.count) }
                keyframe = keyframe || H264Payload.startsKeyframe(payload[offset + 2] & 0x1F)
                count += 1
                offset = end
            }
            guard count > 0 else { throw .badPayload("H.264 STAP-A without units") }
            kind = .stapA(count: count)
            isKeyframe = keyframe
        case H264Payload.fuAType:
            guard payload.count >= 2 else { throw .truncated(needed: 2, have: payload.count) }
            let fuHeader = payload[1]
            let start = fuHeader & 0x80 != 0
            let end = fuHeader & 0x40 != 0
            guard !(start && end) else { throw .badPayload("H.264 FU-A with both start and end bits") }
            let fragmentType = fuHeader & 0x1F
            kind = .fuA(type: fragmentType, start: start, end: end)
            isKeyframe = start && H264Payload.startsKeyframe(fragmentType)
        default:
            kind = .other(type: type)
            isKeyframe = false
        }
    }

    public init(parsing bytes: [UInt8]) throws(RTPError) {
        let result: Result<H264Payload, RTPError> = bytes.withUnsafeBytes { buffer in
            Result { () throws(RTPError) in try H264Payload(parsing: buffer) }
        }
        self = try result.get()
    }

    /// The NAL units of a STAP-A payload, in place. Stops at the first unit that does not fit.
    public static func stapAUnits(_ payload: UnsafeRawBufferPointer) -> H264STAPAUnits {
        H264STAPAUnits(payload: payload)
    }
}

/// One NAL unit inside an aggregation packet: its type and where its bytes are.
public struct H264NALUnit: Sendable, Equatable {
    public let type: UInt8
    /// Offsets of the NAL unit (header byte included) in the payload.
    public let range: Range<Int>
}

/// The NAL units of a STAP-A payload, walked without allocating.
public struct H264STAPAUnits: Sequence, IteratorProtocol {
    let payload: UnsafeRawBufferPointer
    var offset = 1

    init(payload: UnsafeRawBufferPointer) {
        self.payload = payload
        if payload.isEmpty || payload[0] & 0x1F != H264Payload.stapAType { offset = payload.count }
    }

    public mutating func next() -> H264NALUnit? {
        guard offset + 2 <= payload.count else { return nil }
        let size = Int(payload.beUInt16(at: offset))
        let start = offset + 2
        guard size > 0, start + size <= payload.count else {
            offset = payload.count
            return nil
        }
        offset = start + size
        return H264NALUnit(type: payload[start] & 0x1F, range: start..<start + size)
    }
}
