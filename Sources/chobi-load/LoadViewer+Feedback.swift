import RTP
import LoadKit
import SFU
import SyntheticMedia
import SyntheticPeers

// What a viewer does beyond video frames, as a browser's receiver does: decodes the Opus
// streams, reads the sender reports, and queues in `outbox` its NACKs (retried, spaced by the
// round trip), a receiver report every 250 ms (the SFU learns each viewer's round trip from
// their LSR/DLSR and spaces its retransmissions by it; a browser reports about once a second,
// we report sooner so the SFU's estimate leaves its 100 ms starting guess within a short run),
// and, when negotiated, REMB with a generous estimate so the SFU's allocator gives it every
// simulcast layer it can use.
extension LoadViewer {
    static let senderSSRC: UInt32 = 1
    static let reportInterval: Duration = .milliseconds(250)
    static let rembInterval: Duration = .milliseconds(500)

    /// One plain Opus RTP packet of stream `ssrc`.
    func receiveAudio(_ packet: UnsafeRawBufferPointer, ssrc: UInt32, sequence: UInt16, timestamp: UInt32, at arrival: Duration) {
        if audioStreams[ssrc] == nil {
            guard audioStreams.count < Self.maxStreams, let track = try? AudioViewerTrack(decodes: decodes) else { return }
            audioStreams[ssrc] = AudioStream(track: track)
        }
        audioStreams[ssrc]?.reception.record(sequenceNumber: sequence, timestamp: timestamp, arrival: arrival)
        audioStreams[ssrc]?.track.receive(packet)
    }

    /// One plain RTCP compound packet from the server: its sender reports, for LSR/DLSR.
    func receiveRTCP(_ packet: UnsafeRawBufferPointer, now: Duration) {
        var reader = RTCPReader(packet)
        while let slice = try? reader.next() {
            guard slice.header.packetType == .senderReport,
                  let report = try? SenderReport(parsing: UnsafeRawBufferPointer(rebasing: packet[slice.range])) else { continue }
            streams[report.ssrc]?.reception.recordSenderReport(compactNTP: report.compactNTPTimestamp, at: now)
            audioStreams[report.ssrc]?.reception.recordSenderReport(compactNTP: report.compactNTPTimestamp, at: now)
        }
    }

    /// NACKs, the receiver report and REMB that are due at `now`.
    func tick(now: Duration) {
        guard !streams.isEmpty || !audioStreams.isEmpty else { return }
        for ssrc in streams.keys {
            guard let due = streams[ssrc]?.nack.nextDeadline, due <= now,
                  let request = streams[ssrc]?.nack.pollNACK(at: now, rtt: media.roundTrip, senderSSRC: Self.senderSSRC,
                                                             mediaSSRC: ssrc) else { continue }
            nackPacketsSent += 1
            nacksSent += 1
            outbox.append(.nack(request))
        }
        if lastReport.map({ now - $0 >= Self.reportInterval }) ?? true {
            lastReport = now
            var blocks: [ReportBlock] = []
            for ssrc in streams.keys { if let block = streams[ssrc]?.reception.reportBlock(ssrc: ssrc, at: now) { blocks.append(block) } }
            for ssrc in audioStreams.keys {
                if let block = audioStreams[ssrc]?.reception.reportBlock(ssrc: ssrc, at: now) { blocks.append(block) }
            }
            outbox.append(.receiverReport(ReceiverReport(ssrc: Self.senderSSRC, reports: Array(blocks.prefix(31)))))
        }
        if let mediaSSRC = streams.keys.first ?? audioStreams.keys.first,
           let feedback = transportFeedback?.poll(at: now, senderSSRC: Self.senderSSRC, mediaSSRC: mediaSSRC) {
            transportFeedbackSent += 1
            outbox.append(.transportWideFeedback(feedback))
        }
        if let bitrate = media.rembBitrate, !streams.isEmpty, lastREMB.map({ now - $0 >= Self.rembInterval }) ?? true {
            lastREMB = now
            outbox.append(.receiverEstimatedMaxBitrate(
                ReceiverEstimatedMaxBitrate(senderSSRC: Self.senderSSRC, bitrate: bitrate, ssrcs: Array(streams.keys))))
        }
    }
}

extension LoadViewer {
    /// Its audio, loss repair, simulcast layers and impaired path, for its line in the report.
    func mediaReport() -> LoadReport.ViewerMedia {
        var media = LoadReport.ViewerMedia()
        let audio = audioStreams.values.map(\.track)
        if self.media.audioPayloadType != nil {
            var a = LoadReport.ViewerMedia.Audio()
            a.packets = audio.map(\.packets).reduce(0, +)
            a.lost = audio.map(\.lost).reduce(0, +)
            let expected = audio.map(\.expected).reduce(0, +)
            a.lossPercent = expected == 0 ? 0 : 100 * Double(a.lost) / Double(expected)
            a.opusDecodeErrors = audio.map(\.decodeErrors).reduce(0, +)
            a.framesDecoded = audio.map(\.framesDecoded).reduce(0, +)
            a.framesConcealed = audio.map(\.framesConcealed).reduce(0, +)
            a.toneFrames = audio.map(\.toneFrames).reduce(0, +)
            a.latePackets = audio.map(\.latePackets).reduce(0, +)
            media.audio = a
        }
        let video = streams.values
        media.repair.nackPacketsSent = nackPacketsSent
        media.transportFeedbackSent = transportFeedbackSent
        media.repair.packetsNacked = video.map(\.nack.requested).reduce(0, +)
        media.repair.packetsRecovered = video.map(\.nack.recovered).reduce(0, +)
        media.repair.plisSent = plisSent
        media.repair.videoPackets = video.map(\.track.packets).reduce(0, +)
        media.repair.framesIncomplete = video.map(\.track.framesIncomplete).reduce(0, +)
        media.repair.framesSkippedUntilKeyframe = video.map(\.track.framesSkipped).reduce(0, +)
        media.lastWidth = video.compactMap(\.track.lastWidth).min()
        for stream in video {
            for (width, frames) in stream.track.framesByWidth { media.framesByWidth[String(width), default: 0] += frames }
        }
        media.network = impairment.map(LoadReport.Network.init)
        return media
    }
}
