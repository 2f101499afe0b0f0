import Testing
@testable import RTP

@Suite("H.264 payload (RFC 6184)")
struct H264PayloadTests {
    static let stapAKey: [UInt8] = [
        0x78,                          // STAP-A header: F=0 NRI=3 type 24
        0x00, 0x04, 0x67, 0x42, 0x00, 0x1F,  // size 4: SPS (type 7)
        0x00, 0x02, 0x68, 0xCE,        // size 2: PPS (type 8)
        0x00, 0x03, 0x65, 0x88, 0x84,  // size 3: IDR slice (type 5)
    ]

    @Test("single NAL units: IDR and SPS are keyframes, a non-IDR slice is not")
    func singleNAL() throws {
        let idr = try H264Payload(parsing: [0x65, 0x88, 0x84])
        #expect(idr.kind == .singleNALUnit(type: 5) && idr.isKeyframe)
        #expect(try H264Payload(parsing: [0x67, 0x42]).isKeyframe)
        let slice = try H264Payload(parsing: [0x41, 0x9A])
        #expect(slice.kind == .singleNALUnit(type: 1) && !slice.isKeyframe)
    }

    @Test("STAP-A: units are walked in place with exact ranges")
    func stapA() throws {
        let payload = try H264Payload(parsing: Self.stapAKey)
        #expect(payload.kind == .stapA(count: 3) && payload.isKeyframe)
        let units = withBuffer(Self.stapAKey) { Array(H264Payload.stapAUnits($0)) }
        #expect(units == [H264NALUnit(type: 7, range: 3..<7), H264NALUnit(type: 8, range: 9..<11),
                          H264NALUnit(type: 5, range: 13..<16)])
        let delta: [UInt8] = [0x78, 0x00, 0x02, 0x41, 0x9A, 0x00, 0x01, 0x06]
        let deltaPayload = try H264Payload(parsing: delta)
        #expect(deltaPayload.kind == .stapA(count: 2) && !deltaPayload.isKeyframe)
    }

    @Test("FU-A: only the start fragment of an IDR is a keyframe start")
    func fuA() throws {
        let start = try H264Payload(parsing: [0x7C, 0x85, 0xAA])  // FU indicator type 28 | S=1 type 5
        #expect(start.kind == .fuA(type: 5, start: true, end: false) && start.isKeyframe)
        let middle = try H264Payload(parsing: [0x7C, 0x05, 0xAA])
        #expect(middle.kind == .fuA(type: 5, start: false, end: false) && !middle.isKeyframe)
        let end = try H264Payload(parsing: [0x7C, 0x45, 0xAA])
        #expect(end.kind == .fuA(type: 5, start: false, end: true) && !end.isKeyframe)
        #expect(try !H264Payload(parsing: [0x7C, 0x81]).isKeyframe)  // start of a non-IDR slice
    }

    @Test("STAP-B and other types are reported, not rejected")
    func otherTypes() throws {
        #expect(try H264Payload(parsing: [0x79, 0x00]).kind == .other(type: 25))
    }

    @Test("malformed payloads are typed errors", arguments: [
        ([UInt8](), RTPError.truncated(needed: 1, have: 0)),
        ([0xE5, 0x00], RTPError.badPayload("H.264 forbidden zero bit set")),
        ([0x78], RTPError.badPayload("H.264 STAP-A without units")),
        ([0x78, 0x00, 0x05, 0x67, 0x42], RTPError.truncated(needed: 8, have: 5)),
        ([0x78, 0x00, 0x01, 0x67, 0x00], RTPError.truncated(needed: 6, have: 5)),
        ([0x78, 0x00, 0x00], RTPError.badPayload("H.264 STAP-A unit of size 0")),
        ([0x7C], RTPError.truncated(needed: 2, have: 1)),
        ([0x7C, 0xC5], RTPError.badPayload("H.264 FU-A with both start and end bits")),
    ])
    func malformed(bytes: [UInt8], error: RTPError) {
        #expect(throws: error) { try H264Payload(parsing: bytes) }
    }

    @Test("the STAP-A walker stops at a unit that does not fit and ignores non-STAP payloads")
    func walkerBounds() {
        let cut: [UInt8] = [0x78, 0x00, 0x01, 0x67, 0x00, 0x09, 0x68]
        #expect(withBuffer(cut) { Array(H264Payload.stapAUnits($0)) } == [H264NALUnit(type: 7, range: 3..<4)])
        #expect(withBuffer([0x65, 0x00, 0x01, 0x67]) { Array(H264Payload.stapAUnits($0)) }.isEmpty)
    }
}
