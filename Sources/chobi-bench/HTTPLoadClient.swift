#if canImport(Glibc)
import Glibc
#endif

/// One keep-alive HTTP/1.1 connection to a loopback server, with blocking POSIX sockets, for the
/// `api` benchmark's load threads. Deliberately small: it sends a prepared request, reads the
/// status line and headers up to `\r\n\r\n`, then exactly `Content-Length` body bytes. Anything
/// else (chunked bodies, `Connection: close`, a timeout) is an error, because a benchmark that
/// silently reconnects or mis-frames would report a figure for work the server did not do.
final class HTTPLoadClient {
    /// What came back for one request.
    struct Reply {
        var status: Int
        var body: ArraySlice<UInt8>
    }

    enum Failure: Error, CustomStringConvertible {
        case socket(String)
        case framing(String)

        var description: String {
            switch self {
            case .socket(let s): "socket: \(s)"
            case .framing(let s): "HTTP framing: \(s)"
            }
        }
    }

    /// Bounds on what we read, so a broken server cannot make the client allocate without limit.
    static let maxHeaderBytes = 16 << 10
    static let maxBodyBytes = 4 << 20

    private let fd: Int32
    /// Bytes read so far: `buffer[readIndex..<filled]` are unread; what lies past `filled` is free
    /// space that `recv` writes into (never zeroed or resized per read: that was a fifth of the
    /// client's time).
    private var buffer = [UInt8](repeating: 0, count: 64 << 10)
    private var filled = 0
    /// Start of unread bytes in `buffer` (bytes before it belonged to earlier replies).
    private var readIndex = 0

    init(port: Int, timeoutSeconds: Int = 10) throws(Failure) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw .socket("socket(): errno \(errno)") }
        var one: Int32 = 1
        // Requests are one small write each; Nagle would add the delayed-ACK wait to every latency.
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        // A stuck server must fail the benchmark, not hang it.
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(truncatingIfNeeded: port)).bigEndian
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let code = errno
            close(fd)
            throw .socket("connect to 127.0.0.1:\(port): errno \(code)")
        }
    }

    deinit { close(fd) }

    /// Sends `request` (a complete HTTP/1.1 request) and reads one reply.
    func exchange(_ request: [UInt8]) throws(Failure) -> Reply {
        try send(request)
        return try readReply()
    }

    private func send(_ bytes: [UInt8]) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                Glibc.send(fd, raw.baseAddress.map { $0 + offset }, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw .socket("send: errno \(errno)") }
            offset += n
        }
    }

    private func readReply() throws(Failure) -> Reply {
        // Move what already arrived for this reply to the front; earlier replies' bytes go.
        if readIndex > 0 {
            let unread = filled - readIndex
            if unread > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    guard let base = raw.baseAddress else { return }
                    memmove(base, base + readIndex, unread)
                }
            }
            filled = unread
            readIndex = 0
        }
        var searched = 0
        var headerEnd: Int?
        while true {
            headerEnd = Self.find(crlfcrlf: buffer, in: max(0, searched - 3)..<filled)
            if headerEnd != nil { break }
            guard filled < Self.maxHeaderBytes else { throw .framing("no end of headers in \(filled) bytes") }
            searched = filled
            try receiveMore()
        }
        guard let headerEnd else { throw .framing("no end of headers") }
        let head = try Self.parseHead(buffer[0..<headerEnd])
        let bodyStart = headerEnd + 4
        let end = bodyStart + head.contentLength
        while filled < end { try receiveMore() }
        readIndex = end
        return Reply(status: head.status, body: buffer[bodyStart..<end])
    }

    private func receiveMore() throws(Failure) {
        let chunk = 16 << 10
        if buffer.count - filled < chunk {
            buffer.append(contentsOf: repeatElement(0, count: max(chunk, buffer.count)))
        }
        let start = filled
        var n: Int
        repeat {
            n = buffer.withUnsafeMutableBytes { raw in recv(fd, raw.baseAddress.map { $0 + start }, raw.count - start, 0) }
        } while n < 0 && errno == EINTR
        let code = errno
        if n == 0 { throw .socket("server closed the connection") }
        if n < 0 { throw .socket(code == EAGAIN || code == EWOULDBLOCK ? "receive timed out" : "recv: errno \(code)") }
        filled += n
    }

    private struct Head {
        var status: Int
        var contentLength: Int
    }

    /// Status code and body length from the status line and headers (`bytes` without the final
    /// blank line), read as bytes: names compared without case, values trimmed of spaces and tabs.
    private static func parseHead(_ bytes: ArraySlice<UInt8>) throws(Failure) -> Head {
        var lines = Lines(bytes)
        guard let statusLine = lines.next() else { throw .framing("empty head") }
        let prefix = Array("HTTP/1.1 ".utf8)
        guard statusLine.count >= prefix.count + 3, statusLine.starts(with: prefix),
              let status = decimal(statusLine.dropFirst(prefix.count).prefix(3)),
              statusLine.count == prefix.count + 3 || statusLine[statusLine.startIndex + prefix.count + 3] == UInt8(ascii: " ")
        else {
            throw .framing("bad status line \"\(String(decoding: statusLine.prefix(80), as: UTF8.self))\"")
        }
        var contentLength: Int?
        while let line = lines.next() {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let name = line[..<colon]
            let value = trimmed(line[(colon + 1)...])
            if equalsIgnoringCase(name, "content-length") {
                guard let length = decimal(value) else {
                    throw .framing("bad Content-Length \"\(String(decoding: value, as: UTF8.self))\"")
                }
                contentLength = length
            } else if equalsIgnoringCase(name, "transfer-encoding") {
                throw .framing("Transfer-Encoding \(String(decoding: value, as: UTF8.self)) (this client reads Content-Length bodies only)")
            } else if equalsIgnoringCase(name, "connection"), equalsIgnoringCase(value, "close") {
                throw .framing("server asked to close the connection (status \(status))")
            }
        }
        guard let contentLength else { throw .framing("no Content-Length (status \(status))") }
        guard contentLength <= maxBodyBytes else { throw .framing("Content-Length \(contentLength) over \(maxBodyBytes)") }
        return Head(status: status, contentLength: contentLength)
    }

    /// The lines of a head, split at CRLF.
    private struct Lines: IteratorProtocol {
        var rest: ArraySlice<UInt8>
        var done = false

        init(_ bytes: ArraySlice<UInt8>) { rest = bytes }

        mutating func next() -> ArraySlice<UInt8>? {
            guard !done else { return nil }
            var i = rest.startIndex
            while i + 1 < rest.endIndex {
                if rest[i] == 13 && rest[i + 1] == 10 {
                    defer { rest = rest[(i + 2)...] }
                    return rest[..<i]
                }
                i += 1
            }
            done = true
            return rest
        }
    }

    /// A non-negative decimal of at most 18 digits, else nil.
    private static func decimal(_ digits: ArraySlice<UInt8>) -> Int? {
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        var value = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var s = bytes
        while let first = s.first, first == 32 || first == 9 { s = s.dropFirst() }
        while let last = s.last, last == 32 || last == 9 { s = s.dropLast() }
        return s
    }

    /// ASCII bytes equal to a lowercase literal, ignoring case.
    private static func equalsIgnoringCase(_ bytes: ArraySlice<UInt8>, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        return lowercase.withUTF8Buffer { literal in
            zip(bytes, literal).allSatisfy { byte, expected in
                (byte >= 65 && byte <= 90 ? byte + 32 : byte) == expected
            }
        }
    }

    private static func find(crlfcrlf bytes: [UInt8], in range: Range<Int>) -> Int? {
        guard range.count >= 4 else { return nil }
        for i in range.lowerBound...(range.upperBound - 4)
        where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
            return i
        }
        return nil
    }
}
