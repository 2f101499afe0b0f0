/// Joins the parts usrsctp hands a large message over in, per stream, and refuses a message
/// past the size limit whole (its remaining parts are skipped until its end of record).
struct MessageAssembler {
    let limit: Int
    private var parts: [UInt16: [UInt8]] = [:]
    private var skipping: Set<UInt16> = []

    init(limit: Int) { self.limit = limit }

    /// One part; the whole message (or its refusal) once `endOfRecord` comes, else nil.
    mutating func add(_ data: UnsafeRawBufferPointer, stream: UInt16, ppid: UInt32, endOfRecord: Bool) -> SCTPOutput? {
        if !skipping.contains(stream) {
            var buffer = parts.removeValue(forKey: stream) ?? []
            if buffer.count + data.count <= limit {
                buffer += data
                guard endOfRecord else {
                    parts[stream] = buffer
                    return nil
                }
                return .message(SCTPMessage(stream: stream, ppid: ppid, payload: buffer))
            }
            skipping.insert(stream)
        }
        guard endOfRecord else { return nil }
        skipping.remove(stream)
        return .droppedOversize(stream: stream)
    }
}
