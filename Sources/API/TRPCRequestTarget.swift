/// What a tRPC request asks for, read from its URL: the procedure names (comma-separated when
/// batching), whether it is a batch, and the `input` query parameter still percent-encoded.
struct TRPCRequestTarget: Sendable, Equatable {
    var names: [String]
    var isBatch: Bool
    var rawInput: Substring?

    /// `path` is the URL path (`/api/trpc/users.get,users.list`), `prefix` the mount point.
    init(path: String, prefix: String, query: String?) {
        var procedurePath = Substring(path)
        if procedurePath.hasPrefix(prefix) { procedurePath = procedurePath.dropFirst(prefix.count) }
        if procedurePath.first == "/" { procedurePath = procedurePath.dropFirst() }
        // tRPC decodes the whole path first, so an encoded comma also separates calls.
        let decoded = String(decoding: PercentDecoding.decode(procedurePath, plusAsSpace: false), as: UTF8.self)

        var batch: [UInt8]?
        var input: Substring?
        for pair in (query ?? "").split(separator: "&", omittingEmptySubsequences: true) {
            let equals = pair.firstIndex(of: "=")
            let key = PercentDecoding.decode(pair[..<(equals ?? pair.endIndex)], plusAsSpace: true)
            let value = equals.map { pair[pair.index(after: $0)...] } ?? ""
            // The first occurrence wins, as with `URLSearchParams.get`.
            if batch == nil, key == Array("batch".utf8) {
                batch = PercentDecoding.decode(value, plusAsSpace: true)
            } else if input == nil, key == Array("input".utf8) {
                input = value
            }
        }
        isBatch = batch == Array("1".utf8)
        names = isBatch ? decoded.split(separator: ",", omittingEmptySubsequences: false).map(String.init) : [decoded]
        rawInput = input
    }

    /// The decoded `input` parameter; nil when absent or empty (tRPC treats both as no input).
    func decodedInput() -> [UInt8]? {
        guard let rawInput, !rawInput.isEmpty else { return nil }
        return PercentDecoding.decode(rawInput, plusAsSpace: true)
    }
}
