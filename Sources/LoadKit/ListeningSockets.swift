/// Reads `/proc/net/tcp` (and `tcp6`) text: the socket inodes listening on a local port, so the
/// tool can find the server's process by its HTTP port (then `/proc/<pid>/fd` links name
/// `socket:[inode]`). Lines that do not parse are skipped.
public enum ListeningSockets {
    /// Inodes of sockets in state LISTEN (0A) whose local port is `port`.
    public static func inodes(listeningOn port: UInt16, in table: String) -> [UInt64] {
        var out: [UInt64] = []
        for line in table.split(whereSeparator: \.isNewline).dropFirst() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
            guard fields.count >= 10, fields[3] == "0A",
                  let colon = fields[1].lastIndex(of: ":"),
                  let local = UInt16(fields[1][fields[1].index(after: colon)...], radix: 16), local == port,
                  let inode = UInt64(fields[9]), inode != 0 else { continue }
            out.append(inode)
        }
        return out
    }

    /// The inode in an fd link's target `socket:[12345]`, else nil.
    public static func socketInode(linkTarget: String) -> UInt64? {
        guard linkTarget.hasPrefix("socket:["), linkTarget.hasSuffix("]") else { return nil }
        return UInt64(linkTarget.dropFirst(8).dropLast())
    }
}
