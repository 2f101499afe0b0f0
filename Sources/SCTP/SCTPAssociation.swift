import CUsrsctpShims
import OutputQueue
import Synchronization

/// What an association gives back, in order.
public enum SCTPOutput: Sendable, Equatable {
    /// An SCTP packet for the peer (to be sent as DTLS application data).
    case transmit([UInt8])
    /// The association is established: messages may flow.
    case up
    /// The association is gone (lost, shut down, or never established); nothing more follows.
    case down
    /// A whole message from the peer.
    case message(SCTPMessage)
    /// The peer reset its outgoing stream (the channel on it closes).
    case streamReset(UInt16)
    /// A message over the size limit was dropped whole.
    case droppedOversize(stream: UInt16)
}

/// One SCTP association over usrsctp (AF_CONN): packets in, packets and messages out.
///
/// usrsctp answers synchronously inside `handle`, `connect` and `send`, but its timers
/// (retransmissions, delayed SACKs, heartbeats), run by the process's one SCTP timer thread,
/// can produce output at any time. Everything usrsctp hands over is queued under a lock, and
/// when it arrives outside a call of ours the association calls `wake` once, so the owner drains
/// with `pollOutput` on its own loop (after each of its own calls it drains anyway). The lock
/// guards the queue only; usrsctp is never called with it held.
public final class SCTPAssociation: @unchecked Sendable {
    public let localPort: UInt16
    public let remotePort: UInt16
    public let maxMessageSize: Int
    private let conn: UInt
    private let socket: OpaquePointer
    private let inbox: Mutex<Inbox>
    private let wake: @Sendable () -> Void
    private var isClosed = false

    struct Inbox {
        var outputs = OutputQueue<SCTPOutput>()
        /// A call of ours is running: whatever usrsctp queues now is drained after it.
        var inCall = false
        var wakePending = false
        var assembler: MessageAssembler
    }

    /// Opens the association's socket; `connect` starts the handshake.
    public init(localPort: UInt16 = 5000, remotePort: UInt16 = 5000, maxMessageSize: Int = 262_144,
                streams: UInt16 = 1024, mtu: UInt32 = 1200, wake: @escaping @Sendable () -> Void) throws(SCTPError) {
        SCTPRegistry.start()
        self.localPort = localPort
        self.remotePort = remotePort
        self.maxMessageSize = maxMessageSize
        self.wake = wake
        inbox = Mutex(Inbox(assembler: MessageAssembler(limit: maxMessageSize)))
        conn = SCTPRegistry.nextID()
        guard let socket = chobi_sctp_open(conn, localPort, streams, mtu) else { throw .setupFailed }
        self.socket = socket
        SCTPRegistry.add(self, as: conn)
    }

    deinit { close() }

    /// Sends our INIT (both WebRTC ends connect; SCTP sorts out the collision).
    public func connect() throws(SCTPError) {
        guard !isClosed else { throw .closed }
        let error = call { chobi_sctp_connect(socket, conn, remotePort) }
        if error != 0 { throw .system(error) }
    }

    /// One packet from the peer. Garbage is usrsctp's to drop (it checks the CRC32c first).
    public func handle(packet: some Collection<UInt8>) {
        guard !isClosed else { return }
        let bytes = Array(packet)
        call { bytes.withUnsafeBytes { chobi_sctp_input(conn, $0.baseAddress, $0.count) } }
    }

    /// Queues one message with the given delivery.
    public func send(_ message: SCTPMessage, ordered: Bool, reliability: DataChannelReliability) throws(SCTPError) {
        guard !isClosed else { throw .closed }
        guard message.payload.count <= maxMessageSize else { throw .messageTooLarge(message.payload.count) }
        var retransmits = -1
        var lifetime = -1
        switch reliability {
        case .reliable: break
        case .maxRetransmits(let n): retransmits = Int(n)
        case .maxLifetime(let ms): lifetime = Int(ms)
        }
        let result = call {
            message.payload.withUnsafeBytes {
                chobi_sctp_send(socket, message.stream, message.ppid, $0.baseAddress, $0.count, ordered ? 0 : 1,
                                retransmits, lifetime)
            }
        }
        if result < 0 {
            let errno = Int32(-result)
            throw errno == Int32(CHOBI_SCTP_EAGAIN) ? .wouldBlock : .system(errno)
        }
    }

    /// Resets our outgoing stream (closes the channel on it).
    public func resetStream(_ stream: UInt16) throws(SCTPError) {
        guard !isClosed else { throw .closed }
        let error = call { chobi_sctp_reset_stream(socket, stream) }
        if error != 0 { throw .system(error) }
    }

    /// Aborts the association; nothing is queued after this. Idempotent.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        SCTPRegistry.remove(conn)
        chobi_sctp_close(socket, conn)
    }

    public func pollOutput() -> SCTPOutput? {
        inbox.withLock { box in
            guard let output = box.outputs.next() else {
                box.wakePending = false
                return nil
            }
            return output
        }
    }

    /// Runs a usrsctp call with `inCall` set, so output it queues is drained by the caller
    /// rather than announced with `wake`.
    private func call<T>(_ body: () -> T) -> T {
        inbox.withLock { $0.inCall = true }
        defer { inbox.withLock { $0.inCall = false } }
        return body()
    }

    // MARK: from usrsctp (any thread)

    func enqueueTransmit(_ packet: UnsafeRawBufferPointer) {
        deliver(.transmit(Array(packet)))
    }

    func enqueueUpcall(kind: Int32, stream: UInt16, ppid: UInt32, data: UnsafeRawBufferPointer, endOfRecord: Bool) {
        switch kind {
        case Int32(CHOBI_SCTP_DATA.rawValue):
            deliverData(stream: stream, ppid: ppid, data: data, endOfRecord: endOfRecord)
        case Int32(CHOBI_SCTP_UP.rawValue):
            deliver(.up)
        case Int32(CHOBI_SCTP_DOWN.rawValue):
            deliver(.down)
        case Int32(CHOBI_SCTP_STREAM_RESET.rawValue):
            deliver(.streamReset(stream))
        default:
            break
        }
    }

    private func deliverData(stream: UInt16, ppid: UInt32, data: UnsafeRawBufferPointer, endOfRecord: Bool) {
        let shouldWake = inbox.withLock { box -> Bool in
            guard let output = box.assembler.add(data, stream: stream, ppid: ppid, endOfRecord: endOfRecord) else {
                return false
            }
            return Self.append(output, to: &box)
        }
        if shouldWake { wake() }
    }

    private func deliver(_ output: SCTPOutput) {
        let shouldWake = inbox.withLock { Self.append(output, to: &$0) }
        if shouldWake { wake() }
    }

    /// Queues one output; true when the owner must be woken (outside its calls, once per drain).
    private static func append(_ output: SCTPOutput, to box: inout Inbox) -> Bool {
        box.outputs.append(output)
        guard !box.inCall, !box.wakePending else { return false }
        box.wakePending = true
        return true
    }
}
