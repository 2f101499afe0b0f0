import CUsrsctpShims
import Synchronization

/// The process-wide side of usrsctp: it is started once, and its callbacks name an association
/// by the number we registered as its AF_CONN address. The registry maps those numbers to live
/// associations without owning them: a callback runs under the registry's lock, and an
/// association leaves the registry (taking that lock) before anything of it is torn down, so a
/// late callback — the SCTP timer thread may still fire — finds nothing, and an association is
/// never released (or deinitialized) on the timer thread inside a usrsctp callback.
enum SCTPRegistry {
    private static let live = Mutex<[UInt: Unmanaged<SCTPAssociation>]>([:])
    private static let counter = Atomic<UInt>(0)

    static func start() {
        chobi_sctp_start(onOutput, onUpcall)
    }

    /// Never 0: usrsctp treats a NULL address as none.
    static func nextID() -> UInt { counter.add(1, ordering: .relaxed).newValue }

    static func add(_ association: SCTPAssociation, as id: UInt) {
        live.withLock { $0[id] = .passUnretained(association) }
    }

    static func remove(_ id: UInt) {
        _ = live.withLock { $0.removeValue(forKey: id) }
    }

    /// Runs `body` with the live association `id`, under the registry's lock; nothing when gone.
    static func with(_ id: UInt, _ body: (SCTPAssociation) -> Void) {
        live.withLock { live in
            live[id]?._withUnsafeGuaranteedRef(body)
        }
    }
}

private let onOutput: chobi_sctp_output_fn = { conn, packet, length in
    guard let packet else { return }
    SCTPRegistry.with(conn) { $0.enqueueTransmit(UnsafeRawBufferPointer(start: packet, count: length)) }
}

private let onUpcall: chobi_sctp_upcall_fn = { conn, kind, stream, ppid, data, length, endOfRecord in
    SCTPRegistry.with(conn) {
        $0.enqueueUpcall(kind: kind, stream: stream, ppid: ppid,
                         data: UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : length),
                         endOfRecord: endOfRecord != 0)
    }
}
