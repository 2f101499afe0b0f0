import Testing
import TestSupport
@testable import RTP

@Suite("Hostile input: codec payload helpers")
struct PayloadHostileTests {
    @Test("100k hostile VP8 payloads: typed error or a descriptor that fits and re-encodes")
    func vp8() throws {
        let key = VP8PayloadDescriptorTests.keyframeHeader
        let seeds: [[UInt8]] = [
            [0x10] + key,
            [0x90, 0x80, 0x2A] + key,
            [0xB0, 0xF0, 0x92, 0x34, 0x05, 0x7F] + key,
            [0x83, 0x10, 0xDF, 0x01, 0x02],
            [0x90, 0xE0, 0x80, 0x01, 0xFF, 0x40] + Array(repeating: 0x11, count: 100),
        ]
        var valid = 0
        var invalid = 0
        var keyframes = 0
        for hostile in HostileInput(seeds: seeds, count: 100_000, seed: 0x5650_3800) {
            let bytes = hostile.bytes
            let descriptor: VP8PayloadDescriptor
            do {
                descriptor = try VP8PayloadDescriptor(parsing: bytes)
            } catch {
                invalid += 1
                continue
            }
            valid += 1
            #expect(descriptor.headerLength <= bytes.count)
            if let size = withBuffer(bytes, { descriptor.keyframeDimensions(payload: $0) }) {
                keyframes += 1
                #expect(withBuffer(bytes) { descriptor.isKeyframe(payload: $0) })
                #expect(size.width <= 0x3FFF && size.height <= 0x3FFF)
            }
            var out = [UInt8](repeating: 0, count: descriptor.headerLength)
            let written = try withMutableBuffer(&out) { (buffer) throws(RTPError) in try descriptor.marshal(into: buffer) }
            #expect(written == descriptor.headerLength)
            #expect(try VP8PayloadDescriptor(parsing: out) == descriptor, "\(hostile.kind) #\(hostile.index)")
        }
        #expect(valid > 1000 && invalid > 1000 && keyframes > 100)
    }

    @Test("100k hostile H.264 payloads: typed error or units that tile the payload")
    func h264() throws {
        let seeds: [[UInt8]] = [
            H264PayloadTests.stapAKey,
            [0x78, 0x00, 0x02, 0x41, 0x9A, 0x00, 0x01, 0x06],
            [0x65, 0x88, 0x84, 0x00, 0x33],
            [0x7C, 0x85] + Array(repeating: 0xAB, count: 50),
            [0x7C, 0x45, 0x01],
        ]
        var valid = 0
        var invalid = 0
        for hostile in HostileInput(seeds: seeds, count: 100_000, seed: 0x4832_3634) {
            let bytes = hostile.bytes
            let payload: H264Payload
            do {
                payload = try H264Payload(parsing: bytes)
            } catch {
                invalid += 1
                continue
            }
            valid += 1
            switch payload.kind {
            case .stapA(let count):
                let units = withBuffer(bytes) { Array(H264Payload.stapAUnits($0)) }
                #expect(units.count == count, "\(hostile.kind) #\(hostile.index)")
                // Header byte + (2-byte size + unit) each: exactly the payload.
                #expect(1 + units.reduce(0) { $0 + 2 + $1.range.count } == bytes.count)
                #expect(payload.isKeyframe == units.contains { $0.type == 5 || $0.type == 7 })
            case .fuA(let type, let start, let end):
                #expect(!(start && end))
                #expect(payload.isKeyframe == (start && (type == 5 || type == 7)))
            case .singleNALUnit(let type):
                #expect((1...23).contains(type))
                #expect(payload.isKeyframe == (type == 5 || type == 7))
            case .other:
                #expect(!payload.isKeyframe)
            }
        }
        #expect(valid > 1000 && invalid > 1000)
    }

    @Test("hostile Opus payloads: typed error or a TOC within the 120 ms limit")
    func opus() throws {
        let seeds: [[UInt8]] = [[0x78], [0xFC, 0xFF, 0xFE], [0x4B, 0x03, 0x00, 0x00], [0x81, 0x11, 0x22]]
        var valid = 0
        var invalid = 0
        for hostile in HostileInput(seeds: seeds, count: 100_000, seed: 0x4F50_5553) {
            do {
                let toc = try OpusTOC(parsing: hostile.bytes)
                valid += 1
                #expect(toc.duration <= .milliseconds(120) && toc.frameCount >= 1)
                #expect(toc.isDTX == (hostile.bytes.count <= 2))
            } catch {
                invalid += 1
            }
        }
        #expect(valid > 1000 && invalid > 100)
    }
}
