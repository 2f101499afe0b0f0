import SyntheticMedia
import SyntheticPeers

/// What the media options make of a peer: a publisher's offer and tracks (simulcast layers,
/// Opus), a viewer's offer and its impairment. Resolved once from the command line so the
/// scenario code only asks for them.
struct MediaSetup: Sendable {
    var audio = true
    var simulcast = 1
    /// Every viewer's receive path (and, with `impairHost`, each publisher's send path).
    var impairment = NetworkImpairment.Settings()
    var impairHost = false
    var seed: UInt64 = 1
    /// `--burst-loss` as given, for the report.
    var burstLoss: String?
    /// Viewers negotiate transport-wide congestion control and send its feedback (`--transport-cc`).
    var transportCC = false

    /// The simulcast layers' RTP stream ids, lowest first, and each one's size divisor.
    static let layers: [(rid: String, divisor: Int)] = [("q", 4), ("h", 2), ("f", 1)]

    /// The sizes a publisher encodes, lowest first (one when there is no simulcast).
    static func layerSizes(simulcast: Int, width: Int, height: Int) -> [(rid: String?, width: Int, height: Int)] {
        guard simulcast > 1 else { return [(nil, width, height)] }
        return layers.suffix(simulcast).map { ($0.rid, (width / $0.divisor) & ~1, (height / $0.divisor) & ~1) }
    }

    /// A publisher's SSRCs, chosen before the offer (simulcast layers are named by rid instead).
    struct PublisherSSRCs: Sendable {
        var video = UInt32.random(in: 1...UInt32.max)
        var layers = (0..<3).map { _ in UInt32.random(in: 1...UInt32.max) }
        var audio = UInt32.random(in: 1...UInt32.max)
    }

    func publisherOffer(_ peer: SyntheticPeer, ssrcs: PublisherSSRCs) -> String {
        peer.offer(MediaOffer(sends: true, videoSSRC: ssrcs.video,
                              rids: simulcast > 1 ? Self.layers.suffix(simulcast).map(\.rid) : [],
                              audio: audio, audioSSRC: ssrcs.audio))
    }

    /// The publisher once the answer is in: its layers (the full one last), stamped alike, each
    /// with its share of `bitrate` by area (as browsers split theirs), and its audio track, on
    /// the payload types the server answered. `index` picks its impairment's seed.
    func publisher(peer: SyntheticPeer, ssrcs: PublisherSSRCs, width: Int, height: Int, fps: Int, bitrate: Int,
                   index: Int) throws -> LoadPublisher {
        let videoType = peer.answeredPayloadType(codec: "VP8") ?? MediaOffer.videoPayloadType
        var tracks: [VideoPublisherTrack] = []
        for (position, layer) in Self.layerSizes(simulcast: simulcast, width: width, height: height).enumerated() {
            var settings = VideoPublisherTrack.Settings(ssrc: layer.rid == nil ? ssrcs.video : ssrcs.layers[position])
            (settings.width, settings.height, settings.fps, settings.payloadType) = (layer.width, layer.height, fps, videoType)
            let share = Double(layer.width * layer.height) / Double(max(1, width * height))
            settings.bitrate = max(50_000, Int(Double(bitrate) * share))
            settings.rid = layer.rid
            settings.ridExtensionID = MediaOffer.ridExtensionID
            settings.midExtensionID = SyntheticPeer.midExtensionID
            tracks.append(try VideoPublisherTrack(settings))
        }
        var audioTrack: AudioPublisherTrack?
        if audio {
            var settings = AudioPublisherTrack.Settings(ssrc: ssrcs.audio)
            settings.payloadType = peer.answeredPayloadType(codec: "opus") ?? MediaOffer.audioPayloadType
            audioTrack = try AudioPublisherTrack(settings)
        }
        let full = tracks.removeLast()
        let publisher = LoadPublisher(peer: peer, track: full, fps: fps, lowerLayers: tracks, audio: audioTrack)
        // Publishers draw below the seed, viewers above it: no two paths share their draws.
        if impairHost, impairment.isActive { publisher.impairment = NetworkImpairment(impairment, seed: seed &- 1 &- UInt64(index)) }
        return publisher
    }

    /// Viewer `index`'s receive-path impairment; nil on a clean path.
    func viewerImpairment(index: Int) -> NetworkImpairment? {
        impairment.isActive ? NetworkImpairment(impairment, seed: seed &+ UInt64(index)) : nil
    }

    /// How long a viewer's jitter buffer waits for a missing packet: long enough for a NACKed
    /// packet to come back through the impaired path.
    var viewerMaxWaitMilliseconds: UInt32 { 100 + UInt32(2 * (impairment.delayMilliseconds + impairment.jitterMilliseconds)) }

    /// The round trip a viewer's NACK retries wait for (the impairment's delay is on it).
    var viewerRoundTrip: Duration { .milliseconds(Int64(impairment.delayMilliseconds + impairment.jitterMilliseconds) + 10) }

    /// REMB's value, only where it changes something: the SFU allocates simulcast layers to
    /// viewers that tell it an estimate, and a generous one gets every layer the cap allows.
    /// With transport-wide feedback the SFU has its own estimate, as with a browser: no REMB.
    var rembBitrate: UInt64? {
        simulcast > 1 && !transportCC ? UInt64(impairment.capBitsPerSecond ?? 100_000_000) : nil
    }
}
