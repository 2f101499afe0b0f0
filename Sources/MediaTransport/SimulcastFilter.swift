import RTP
import SFU

/// Picks one layer of each simulcast section before the room sees the packets: the room has no
/// layer selection yet, so it gets a single stream per section. The layer's SSRC is not in the
/// SDP (RFC 8853 senders announce rids, not SSRCs); it is learned from the first packet whose
/// rtp-stream-id extension (RFC 8852) names the chosen rid. Packets of the other layers are
/// dropped by SSRC once seen. Repair (RTX) streams of simulcast layers are dropped too.
struct SimulcastFilter: Sendable {
    struct Layer: Sendable, Equatable {
        var rid: String
        var track: TrackID
        var ssrc: UInt32?
    }

    enum Verdict: Equatable {
        /// Not a simulcast concern, or the chosen layer's known SSRC: hand it to the room.
        case pass
        /// Another layer (or its repair stream): drop.
        case drop
        /// The chosen layer's first packet from `ssrc`: bind the track to it, then hand it on.
        case bind(TrackID, ssrc: UInt32)
    }

    private(set) var layers: [Layer] = []
    let ridExtensionID: UInt8?
    let repairedRIDExtensionID: UInt8?
    /// SSRCs of layers we do not forward (bounded ring).
    private var ignored = [UInt32](repeating: 0, count: 16)
    private var ignoredCount = 0
    /// Recent SSRCs with no rid at all (other sections): skip the extension scan for them.
    private var plain = [UInt32](repeating: 0, count: 8)
    private var plainCount = 0

    init(ridExtensionID: UInt8?, repairedRIDExtensionID: UInt8?) {
        self.ridExtensionID = ridExtensionID
        self.repairedRIDExtensionID = repairedRIDExtensionID
    }

    var isEmpty: Bool { layers.isEmpty }

    mutating func add(_ layer: Layer) { layers.append(layer) }

    mutating func remove(track: TrackID) { layers.removeAll { $0.track == track } }

    /// Judges one decrypted RTP packet. Allocation-free.
    mutating func inspect(_ packet: UnsafeRawBufferPointer) -> Verdict {
        guard !layers.isEmpty, let header = try? RTPHeader(parsing: packet) else { return .pass }
        let ssrc = header.ssrc
        for layer in layers where layer.ssrc == ssrc { return .pass }
        if contains(ssrc, in: ignored, count: ignoredCount) { return .drop }
        if contains(ssrc, in: plain, count: plainCount) { return .pass }
        if let id = repairedRIDExtensionID, header.extensionValueRange(id: id, in: packet) != nil {
            remember(ssrc, ignoring: true)
            return .drop
        }
        guard let id = ridExtensionID, let range = header.extensionValueRange(id: id, in: packet) else {
            remember(ssrc, ignoring: false)
            return .pass
        }
        let value = UnsafeRawBufferPointer(rebasing: packet[range])
        for index in layers.indices where StreamIdentifier(layers[index].rid).matches(value) {
            layers[index].ssrc = ssrc
            return .bind(layers[index].track, ssrc: ssrc)
        }
        remember(ssrc, ignoring: true)
        return .drop
    }

    private func contains(_ ssrc: UInt32, in ring: [UInt32], count: Int) -> Bool {
        for i in 0..<min(count, ring.count) where ring[i] == ssrc { return true }
        return false
    }

    private mutating func remember(_ ssrc: UInt32, ignoring: Bool) {
        if ignoring {
            ignored[ignoredCount % ignored.count] = ssrc
            ignoredCount += 1
        } else {
            plain[plainCount % plain.count] = ssrc
            plainCount += 1
        }
    }
}
