/// The packets of the latest complete keyframe of one video track, so a new viewer can start
/// at once (the room replays them through the viewer's `Forwarder`) instead of waiting for the
/// publisher to answer a PLI.
///
/// Two banks of `packetCapacity` slots are allocated at init: one holds the latest complete
/// keyframe, the other collects the next one. Collection starts at a packet that starts a
/// keyframe, takes every packet of the same timestamp (same frame) by its offset from the first,
/// and completes when the marker packet and every packet before it are in; then the banks swap.
/// A keyframe larger than a bank, or one whose start arrives after later packets of the frame,
/// is not cached (new viewers then wait for a fresh keyframe instead). No allocation after init.
public final class KeyframeCache {
    public let packetCapacity: Int
    public let slotSize: Int
    private let storage: UnsafeMutableRawBufferPointer
    /// Per bank, per slot: the analysis of the packet held there.
    private var metadata: [IncomingPacket?]

    private struct Frame {
        var bank: Int
        var epoch: UInt32
        var firstSequenceNumber: Int64
        var timestamp: Int64
        var markerIndex: Int?
    }

    private var building: Frame?
    private var complete: Frame?
    private var completeCount = 0

    /// Whether a packet starting a keyframe was ever recorded (complete or not).
    public private(set) var hasSeenKeyframe = false
    /// Keyframes collected completely.
    public private(set) var completedKeyframes = 0
    /// Keyframes abandoned (too large, or not collectable).
    public private(set) var abandonedKeyframes = 0

    public init(packetCapacity: Int = 128, slotSize: Int = 1500) {
        self.packetCapacity = max(packetCapacity, 1)
        self.slotSize = max(slotSize, 12)
        storage = UnsafeMutableRawBufferPointer.allocate(byteCount: 2 * self.packetCapacity * self.slotSize, alignment: 16)
        storage.initializeMemory(as: UInt8.self, repeating: 0)
        metadata = Array(repeating: nil, count: 2 * self.packetCapacity)
    }

    deinit { storage.deallocate() }

    /// The source epoch of the complete keyframe, if any.
    public var epoch: UInt32? { complete?.epoch }
    /// Sequence number of the complete keyframe's first packet.
    public var firstSequenceNumber: Int64? { complete?.firstSequenceNumber }
    /// Sequence number of the complete keyframe's last (marker) packet.
    public var lastSequenceNumber: Int64? { complete.map { $0.firstSequenceNumber + Int64(completeCount) - 1 } }
    /// Packets of the complete keyframe (0 when none).
    public var packetCount: Int { complete == nil ? 0 : completeCount }

    /// Offers a packet of the track (every packet may be offered; only keyframe packets stay).
    public func record(_ packet: IncomingPacket, bytes: UnsafeRawBufferPointer) {
        guard !packet.isPaddingOnly else { return }
        if packet.isKeyframe {
            hasSeenKeyframe = true
            if let frame = building, frame.epoch == packet.epoch, frame.timestamp == packet.timestamp,
               packet.sequenceNumber >= frame.firstSequenceNumber {
                // H.264 marks several packets of one IDR frame (SPS/PPS aggregate, IDR start).
                collect(packet, bytes: bytes)
            } else {
                if building != nil { abandonedKeyframes += 1 }
                let bank = complete.map { 1 - $0.bank } ?? 0
                for index in bank * packetCapacity..<(bank + 1) * packetCapacity { metadata[index] = nil }
                building = Frame(bank: bank, epoch: packet.epoch, firstSequenceNumber: packet.sequenceNumber,
                                 timestamp: packet.timestamp, markerIndex: nil)
                collect(packet, bytes: bytes)
            }
        } else if let frame = building, frame.epoch == packet.epoch, frame.timestamp == packet.timestamp {
            collect(packet, bytes: bytes)
        }
    }

    private func collect(_ packet: IncomingPacket, bytes: UnsafeRawBufferPointer) {
        guard var frame = building else { return }
        let offset = packet.sequenceNumber - frame.firstSequenceNumber
        guard offset >= 0, offset < Int64(packetCapacity), bytes.count <= slotSize else {
            building = nil
            abandonedKeyframes += 1
            return
        }
        let slot = frame.bank * packetCapacity + Int(offset)
        let start = slot * slotSize
        UnsafeMutableRawBufferPointer(rebasing: storage[start..<start + bytes.count]).copyMemory(from: bytes)
        var stored = packet
        stored.size = bytes.count
        metadata[slot] = stored
        if packet.marker { frame.markerIndex = Int(offset) }
        building = frame
        guard let markerIndex = frame.markerIndex else { return }
        let base = frame.bank * packetCapacity
        for index in base...base + markerIndex where metadata[index] == nil { return }
        complete = frame
        completeCount = markerIndex + 1
        building = nil
        completedKeyframes += 1
    }

    /// The packet of the complete keyframe with `sequenceNumber`, or nil (for NACKs about a
    /// replayed keyframe whose packets the packet cache no longer holds). Bytes valid until the
    /// next `record`.
    public func packet(at sequenceNumber: Int64) -> (packet: IncomingPacket, bytes: UnsafeRawBufferPointer)? {
        guard let frame = complete else { return nil }
        let offset = sequenceNumber - frame.firstSequenceNumber
        guard offset >= 0, offset < Int64(completeCount) else { return nil }
        let slot = frame.bank * packetCapacity + Int(offset)
        guard let packet = metadata[slot], packet.sequenceNumber == sequenceNumber else { return nil }
        let start = slot * slotSize
        return (packet, UnsafeRawBufferPointer(rebasing: storage[start..<start + packet.size]))
    }

    /// Calls `body` with each packet of the complete keyframe, in sequence order. The bytes are
    /// valid during the call only.
    public func forEachPacket(_ body: (IncomingPacket, UnsafeRawBufferPointer) -> Void) {
        guard let frame = complete else { return }
        let base = frame.bank * packetCapacity
        for slot in base..<base + completeCount {
            guard let packet = metadata[slot] else { continue }
            let start = slot * slotSize
            body(packet, UnsafeRawBufferPointer(rebasing: storage[start..<start + packet.size]))
        }
    }
}
