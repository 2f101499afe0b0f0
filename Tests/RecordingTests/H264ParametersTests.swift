import Testing
@testable import Recording

/// SPS and PPS as x264 (through Debian's ffmpeg) wrote them for 640x480 baseline, 1920x1080 high
/// (cropped from 1088 lines) and 1280x720 main.
@Suite struct H264ParametersTests {
    static let sps640: [UInt8] = [0x67, 0x42, 0xC0, 0x1E, 0xD9, 0x00, 0xA0, 0x3D, 0xB0, 0x11, 0x00, 0x00, 0x03, 0x00, 0x01,
                                  0x00, 0x00, 0x03, 0x00, 0x3C, 0x0F, 0x16, 0x2E, 0x48]
    static let pps640: [UInt8] = [0x68, 0xCB, 0x83, 0xCB, 0x20]
    static let sps1080: [UInt8] = [0x67, 0x64, 0x00, 0x28, 0xAC, 0xD9, 0x40, 0x78, 0x02, 0x27, 0xE5, 0xC0, 0x44, 0x00, 0x00,
                                   0x03, 0x00, 0x04, 0x00, 0x00, 0x03, 0x00, 0xF0, 0x3C, 0x60, 0xC6, 0x58]
    static let sps720: [UInt8] = [0x67, 0x4D, 0x40, 0x1F, 0xEC, 0xA0, 0x28, 0x02, 0xDD, 0x80, 0x88, 0x00, 0x00, 0x03, 0x00,
                                  0x08, 0x00, 0x00, 0x03, 0x01, 0xE0, 0x78, 0xC1, 0x8C, 0xB0]

    private func sample(_ units: [[UInt8]]) -> [UInt8] {
        units.flatMap { unit in [0, 0, UInt8(unit.count >> 8), UInt8(unit.count & 0xFF)] + unit }
    }

    @Test func picturesSizesComeFromTheSPS() {
        #expect(H264Parameters.pictureSize(sps: Self.sps640).map { [$0.width, $0.height] } == [640, 480])
        #expect(H264Parameters.pictureSize(sps: Self.sps1080).map { [$0.width, $0.height] } == [1920, 1080])
        #expect(H264Parameters.pictureSize(sps: Self.sps720).map { [$0.width, $0.height] } == [1280, 720])
    }

    @Test func aKeyframeGivesTheDecoderConfigurationRecord() throws {
        let idr: [UInt8] = [0x65, 0x88, 0x84, 0x00]
        let parameters = try #require(H264Parameters(keyframe: sample([Self.sps640, Self.pps640, idr])))
        #expect(parameters.width == 640 && parameters.height == 480)
        let record = parameters.decoderConfiguration
        #expect(Array(record.prefix(6)) == [1, 0x42, 0xC0, 0x1E, 0xFF, 0xE1])
        #expect(Array(record[6..<8]) == [0, UInt8(Self.sps640.count)])
        #expect(Array(record[8..<8 + Self.sps640.count]) == Self.sps640)
        #expect(Array(record.suffix(Self.pps640.count + 3)) == [1, 0, UInt8(Self.pps640.count)] + Self.pps640)
    }

    @Test func withoutSPSAndPPSThereIsNoConfiguration() {
        #expect(H264Parameters(keyframe: sample([[0x65, 1, 2, 3]])) == nil)
        #expect(H264Parameters(keyframe: sample([Self.sps640])) == nil)
        #expect(H264Parameters(keyframe: [0, 0, 0, 9, 0x67]) == nil)  // a length past the end
    }

    @Test func hostileSPSBytesNeverTrap() {
        var generator = SplitMix(seed: 264)
        var read = 0
        for _ in 0..<20_000 {
            var sps = (0..<Int.random(in: 1..<40, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            sps[0] = 0x67
            if let size = H264Parameters.pictureSize(sps: sps) {
                read += 1
                #expect((1...16_384).contains(size.width) && (1...16_384).contains(size.height))
            }
        }
        // Truncations of a real SPS: each either reads the true size or gives up.
        for length in 1..<Self.sps1080.count {
            if let size = H264Parameters.pictureSize(sps: Array(Self.sps1080.prefix(length))) {
                #expect(size.width == 1920 && size.height == 1080)
            }
        }
        #expect(read < 20_000)
    }
}
