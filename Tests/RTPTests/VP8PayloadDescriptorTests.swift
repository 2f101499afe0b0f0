import Testing
@testable import RTP

@Suite("VP8 payload descriptor (RFC 7741 §4.2)")
struct VP8PayloadDescriptorTests {
    /// A VP8 keyframe header after the descriptor: frame tag (P bit 0), start code, 640×480.
    static let keyframeHeader: [UInt8] = [0x50, 0x42, 0x00, 0x9D, 0x01, 0x2A, 0x80, 0x02, 0xE0, 0x01]

    @Test("one-byte descriptor: S=1, PID=0, no extension")
    func minimal() throws {
        let descriptor = try VP8PayloadDescriptor(parsing: [0x10, 0x51])
        #expect(descriptor == VP8PayloadDescriptor(startOfPartition: true))
        #expect(descriptor.headerLength == 1)
        #expect(descriptor.pictureID == nil)
    }

    @Test("7-bit picture id (M=0)")
    func sevenBitPictureID() throws {
        let bytes: [UInt8] = [
            0x90,  // X=1 N=0 S=1 PID=0
            0x80,  // I=1 L=0 T=0 K=0
            0x2A,  // M=0, picture id 42
        ]
        let descriptor = try VP8PayloadDescriptor(parsing: bytes)
        #expect(descriptor.pictureID == 42 && !descriptor.pictureIDIs15Bit)
        #expect(descriptor.headerLength == 3)
        #expect(try marshal(descriptor) == bytes)
    }

    @Test("15-bit picture id with TL0PICIDX, TID and Y")
    func fifteenBitPictureID() throws {
        let bytes: [UInt8] = [
            0xB0,        // X=1 N=1 S=1 PID=0
            0xE0,        // I=1 L=1 T=1 K=0
            0x92, 0x34,  // M=1, picture id 0x1234
            0x05,        // TL0PICIDX 5
            0x60,        // TID=1 Y=1 KEYIDX=0
        ]
        let descriptor = try VP8PayloadDescriptor(parsing: bytes)
        #expect(descriptor == VP8PayloadDescriptor(nonReference: true, startOfPartition: true, pictureID: 0x1234,
                                                   pictureIDIs15Bit: true, tl0PictureIndex: 5, temporalLayer: 1,
                                                   layerSync: true))
        #expect(descriptor.headerLength == 6)
        #expect(try marshal(descriptor) == bytes)
    }

    @Test("KEYIDX without TID; partition index and S=0")
    func keyIndexOnly() throws {
        let bytes: [UInt8] = [0x83, 0x10, 0xDF]  // X=1 S=0 PID=3 | K=1 | TID bits 11 ignored, Y ignored, KEYIDX 31
        let descriptor = try VP8PayloadDescriptor(parsing: bytes)
        #expect(descriptor.keyIndex == 31 && descriptor.temporalLayer == nil && !descriptor.layerSync)
        #expect(descriptor.partitionIndex == 3 && !descriptor.startOfPartition)
        #expect(try marshal(descriptor) == [0x83, 0x10, 0x1F])
    }

    @Test("an X byte that announces nothing still counts in the header length")
    func emptyExtension() throws {
        let descriptor = try VP8PayloadDescriptor(parsing: [0x90, 0x00, 0xAA])
        #expect(descriptor.extended && descriptor.headerLength == 2)
        #expect(try marshal(descriptor) == [0x90, 0x00])
    }

    @Test("keyframe: S=1, PID=0 and frame tag P bit 0; dimensions from the keyframe header")
    func keyframes() throws {
        let key: [UInt8] = [0x90, 0x80, 0x01] + Self.keyframeHeader
        let descriptor = try VP8PayloadDescriptor(parsing: key)
        #expect(withBuffer(key) { descriptor.isKeyframe(payload: $0) })
        let size = withBuffer(key) { descriptor.keyframeDimensions(payload: $0) }
        #expect(size?.width == 640 && size?.height == 480)

        var scaled = key
        scaled[10] |= 0x40  // horizontal scale bits are not part of the width
        #expect(withBuffer(scaled) { descriptor.keyframeDimensions(payload: $0) }?.width == 640)

        var delta = key
        delta[3] |= 0x01  // P=1: interframe
        #expect(!withBuffer(delta) { descriptor.isKeyframe(payload: $0) })
        #expect(withBuffer(delta) { descriptor.keyframeDimensions(payload: $0) } == nil)

        let continuation = try VP8PayloadDescriptor(parsing: [0x80, 0x80, 0x01] + Self.keyframeHeader)  // S=0
        #expect(!withBuffer([0x80, 0x80, 0x01] + Self.keyframeHeader) { continuation.isKeyframe(payload: $0) })

        let secondPartition: [UInt8] = [0x11] + Self.keyframeHeader  // S=1 PID=1
        let partition = try VP8PayloadDescriptor(parsing: secondPartition)
        #expect(!withBuffer(secondPartition) { partition.isKeyframe(payload: $0) })

        let noStartCode: [UInt8] = [0x10, 0x50, 0x42, 0x00, 0x00, 0x00, 0x00, 0, 0, 0, 0]
        let truncatedKey = try VP8PayloadDescriptor(parsing: noStartCode)
        #expect(withBuffer(noStartCode) { truncatedKey.isKeyframe(payload: $0) })
        #expect(withBuffer(noStartCode) { truncatedKey.keyframeDimensions(payload: $0) } == nil)
    }

    @Test("picture id rewrite keeps the 7- or 15-bit width; TL0PICIDX rewrite")
    func rewrite() throws {
        var wide: [UInt8] = [0x90, 0xC0, 0x92, 0x34, 0x05, 0xEE]
        let wideDescriptor = try VP8PayloadDescriptor(parsing: wide)
        try withMutableBuffer(&wide) { (buffer) throws(RTPError) in
            try wideDescriptor.rewritePictureID(0x8001, in: buffer)  // 15 bits keep 0x0001
            try wideDescriptor.rewriteTL0PictureIndex(0xFE, in: buffer)
        }
        #expect(wide == [0x90, 0xC0, 0x80, 0x01, 0xFE, 0xEE])
        #expect(try VP8PayloadDescriptor(parsing: wide).pictureID == 1)

        var narrow: [UInt8] = [0x90, 0x80, 0x2A, 0xEE]
        let narrowDescriptor = try VP8PayloadDescriptor(parsing: narrow)
        try withMutableBuffer(&narrow) { (buffer) throws(RTPError) in try narrowDescriptor.rewritePictureID(200, in: buffer) }
        #expect(narrow == [0x90, 0x80, 0x48, 0xEE])  // 200 & 0x7F = 72, M stays 0

        #expect(throws: RTPError.badPayload("VP8 descriptor has no TL0PICIDX")) {
            try withMutableBuffer(&narrow) { (buffer) throws(RTPError) in
                try narrowDescriptor.rewriteTL0PictureIndex(1, in: buffer)
            }
        }
        var plain: [UInt8] = [0x10, 0x00]
        let plainDescriptor = try VP8PayloadDescriptor(parsing: plain)
        #expect(throws: RTPError.badPayload("VP8 descriptor has no picture id")) {
            try withMutableBuffer(&plain) { (buffer) throws(RTPError) in try plainDescriptor.rewritePictureID(1, in: buffer) }
        }
    }

    @Test("truncated descriptors are typed errors", arguments: [
        ([UInt8](), 1, 0), ([0x90], 2, 1), ([0x90, 0x80], 3, 2), ([0x90, 0x80, 0x80], 4, 3),
        ([0x90, 0x40], 3, 2), ([0x90, 0x20], 3, 2),
    ])
    func truncated(bytes: [UInt8], needed: Int, have: Int) {
        #expect(throws: RTPError.truncated(needed: needed, have: have)) { try VP8PayloadDescriptor(parsing: bytes) }
    }

    func marshal(_ descriptor: VP8PayloadDescriptor) throws(RTPError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: descriptor.headerLength)
        let written = try withMutableBuffer(&out) { (buffer) throws(RTPError) in try descriptor.marshal(into: buffer) }
        #expect(written == descriptor.headerLength)
        return out
    }
}
