import RTP
import Testing
@testable import SyntheticMedia

@Suite("Synthetic audio: the tone through libopus and RTP, and back")
struct OpusTests {
    @Test("a 440 Hz tone through Opus at 32 kbit/s decodes to a 440 Hz tone at the level it went in")
    func toneRoundTrip() throws {
        var tone = ToneSource(frequency: 440, amplitude: 0.3)
        let encoder = try OpusEncoder(channels: 1, bitrate: 32_000)
        let decoder = try OpusDecoder(channels: 2)
        let detector = ToneDetector(frequency: 440)
        let elsewhere = ToneDetector(frequency: 1000)
        var readings: [ToneDetector.Reading] = []
        for _ in 0..<50 {
            let packet = try encoder.encode(tone.next())
            #expect(!packet.isEmpty && packet.count <= OpusEncoder.maxPacketBytes)
            #expect(try decoder.decode(packet) == OpusEncoder.frameSamples)
            readings.append(decoder.pcm.withUnsafeBufferPointer { detector.read($0, samples: decoder.samplesDecoded, channels: 2) })
            let off = decoder.pcm.withUnsafeBufferPointer { elsewhere.read($0, samples: decoder.samplesDecoded, channels: 2) }
            #expect(off.share < 0.1, "1 kHz carries \(off.share) of the power")
        }
        // The codec's start-up frames aside, every frame is the tone at about 0.3 / √2 RMS.
        for reading in readings.dropFirst(5) {
            #expect(detector.isTone(reading), "\(reading)")
            #expect(reading.share > 0.8)
            #expect(abs(reading.rms - 0.3 / 2.0.squareRoot()) < 0.03, "\(reading.rms)")
        }
        // Silence is not the tone.
        let silence = try encoder.encode([Int16](repeating: 0, count: OpusEncoder.frameSamples))
        for _ in 0..<10 { _ = try decoder.decode(silence) }
        let quiet = decoder.pcm.withUnsafeBufferPointer { detector.read($0, samples: decoder.samplesDecoded, channels: 2) }
        #expect(!detector.isTone(quiet))
    }

    @Test("packetization: RTP version 2, the answered payload type, the SSRC, +1 sequence and +960 timestamp a packet, marker on the first, NACK history")
    func packetizationVectors() throws {
        var settings = AudioPublisherTrack.Settings(ssrc: 0xCAFE_F00D)
        settings.payloadType = 109
        let track = try AudioPublisherTrack(settings, firstSequenceNumber: 0xFFFE, firstTimestamp: 0xFFFF_FC00)
        var packets: [[UInt8]] = []
        for _ in 0..<4 { packets.append(try track.nextPacket()) }
        // The first header byte by byte: V=2, no padding/extension/CSRC; M=1, PT 109; seq; ts; SSRC.
        #expect(Array(packets[0][0..<12]) == [0x80, 0x80 | 109, 0xFF, 0xFE, 0xFF, 0xFF, 0xFC, 0x00, 0xCA, 0xFE, 0xF0, 0x0D])
        let headers = try packets.map { try RTPHeader(parsing: $0) }
        #expect(headers.map(\.sequenceNumber) == [0xFFFE, 0xFFFF, 0x0000, 0x0001])
        #expect(headers.map(\.timestamp) == [0xFFFF_FC00, 0xFFFF_FFC0, 0x0000_0380, 0x0000_0740])
        #expect(headers.map(\.marker) == [true, false, false, false])
        #expect(headers.allSatisfy { $0.payloadType == 109 && $0.ssrc == 0xCAFE_F00D })
        // Each payload is one Opus frame: a 20 ms TOC (config with 20 ms frames, code 0) that decodes to 960 samples.
        let decoder = try OpusDecoder(channels: 1)
        for (packet, header) in zip(packets, headers) {
            #expect(try decoder.decode(Array(packet[header.payloadRange])) == 960)
        }
        #expect(track.retransmission(of: 0x0000) == packets[2])
        #expect(track.retransmission(of: 0x1234) == nil)
        #expect(track.packetsSent == 4 && track.retransmitted == 1)
    }

    @Test("hostile input to the decoder: empty, truncated, random and oversized payloads are errors or bounded decodes, never a trap")
    func hostileDecoderInput() throws {
        let decoder = try OpusDecoder(channels: 2)
        #expect(throws: SyntheticMediaError.badPayload("empty Opus packet")) { try decoder.decode([UInt8]()) }
        #expect(throws: SyntheticMediaError.self) { try decoder.decode([UInt8](repeating: 0, count: 10_000)) }
        // Code 3 (arbitrary frame count) with a count of zero, and a code-2 packet whose first
        // frame length runs past the end: both malformed per RFC 6716 §3.4.
        #expect(throws: SyntheticMediaError.self) { try decoder.decode([0x03, 0x00]) }
        #expect(throws: SyntheticMediaError.self) { try decoder.decode([0x02, 0xFB, 0x01]) }
        // A real packet cut short: an error or a decode, and the decoder still works after it.
        var tone = ToneSource()
        let encoder = try OpusEncoder()
        let good = try encoder.encode(tone.next())
        var errors = 0
        for cut in 1..<good.count {
            do { _ = try decoder.decode(Array(good[0..<cut])) } catch { errors += 1 }
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let junk = (0..<Int.random(in: 1...400, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            do {
                let samples = try decoder.decode(junk)
                #expect(samples > 0 && samples <= OpusDecoder.maxFrameSamples)
            } catch {
                errors += 1
            }
        }
        #expect(errors > 0, "some of the junk must be refused")
        #expect(try decoder.decode(good) == 960)
        #expect(decoder.conceal() == 960)
    }

    @Test("the viewer's audio: loss counted from sequence gaps and concealed, duplicates late, junk counted, the tone recognised")
    func viewerCountsLossAndConcealment() throws {
        let publisher = try AudioPublisherTrack(.init(ssrc: 7), firstSequenceNumber: 65_500)
        let viewer = try AudioViewerTrack()
        var sent: [[UInt8]] = []
        for _ in 0..<100 { sent.append(try publisher.nextPacket()) }
        let dropped: Set<Int> = [10, 11, 12, 40, 77]
        for (index, packet) in sent.enumerated() where !dropped.contains(index) { viewer.receive(packet) }
        viewer.receive(sent[50])  // a duplicate
        viewer.receive([0x80, 0x6F, 0x00])  // too short for RTP
        #expect(viewer.expected == 100)
        #expect(viewer.lost == 4, "5 lost, less the duplicate that hides one (as in RFC 3550); the junk is not received")
        #expect(viewer.framesConcealed == 5)
        #expect(viewer.framesDecoded == 95 && viewer.decodeErrors == 0)
        #expect(viewer.latePackets == 1 && viewer.badPackets == 1)
        #expect(viewer.toneFrames >= 85, "\(viewer.toneFrames) frames read as the tone")
    }
}
