import CUsrsctpShims
import Synchronization

/// The process-wide side of usrsctp: it is started once, and its callbacks name an association
/// by the number we registered as its AF_CONN address. The registry maps those numbers to live
/// associations (weakly), so a callback for a closed one — the SCTP timer thread may still
/// fire — finds nothing and is dropped.
enum SCTPRegistry {
    private struct Weak {
        weak var association: SCTPAssociation?
    }

    private static let live = Mutex<[UInt: Weak]>([:])
    private static let counter = Atomic<UInt>(0)

    static func start() {
        chobi_sctp_start(onOutput, onUpcall)
    }

    /// Never 0: usrsctp treats a NULL address as none.
    static func nextID() -> UInt { counter.add(1, ordering: .relaxed).newValue }

    static func add(_ association: SCTPAssociation, as id: UInt) {
        live.withLock { $0[id] = Weak(association: association) }
    }

    static func remove(_ id: UInt) {
        _ = live.withLock { $0.removeValue(forKey: id) }
    }

    static func association(_ id: UInt) -> SCTPAssociation? {
        live.withLock { $0[id]?.association }
    }
}

private let onOutput: chobi_sctp_output_fn = { conn, packet, length in
    guard let packet, let association = SCTPRegistry.association(conn) else { return }
    association.enqueueTransmit(UnsafeRawBufferPointer(start: packet, count: length))
}

private let onUpcall: chobi_sctp_upcall_fn = { conn, kind, stream, ppid, data, length, endOfRecord in
    guard let association = SCTPRegistry.association(conn) else { return }
    association.enqueueUpcall(kind: kind, stream: stream, ppid: ppid,
                              data: UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : length),
                              endOfRecord: endOfRecord != 0)
}
