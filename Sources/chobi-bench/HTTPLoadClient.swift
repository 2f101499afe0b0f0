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
    private var buffer: [UInt8] = []
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
        buffer.reserveCapacity(64 << 10)
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
        // Drop what earlier replies used; keep bytes that already arrived for this one.
        if readIndex > 0 {
            buffer.removeFirst(readIndex)
            readIndex = 0
        }
        var headerEnd: Int?
        while true {
            headerEnd = Self.find(crlfcrlf: buffer)
            if headerEnd != nil { break }
            guard buffer.count < Self.maxHeaderBytes else { throw .framing("no end of headers in \(buffer.count) bytes") }
            try receiveMore()
        }
        guard let headerEnd else { throw .framing("no end of headers") }
        let head = try Self.parseHead(buffer[0..<headerEnd])
        let bodyStart = headerEnd + 4
        while buffer.count - bodyStart < head.contentLength { try receiveMore() }
        readIndex = bodyStart + head.contentLength
        return Reply(status: head.status, body: buffer[bodyStart..<readIndex])
    }

    private func receiveMore() throws(Failure) {
        let chunk = 16 << 10
        let old = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: chunk))
        var n: Int
        repeat {
            n = buffer.withUnsafeMutableBytes { raw in recv(fd, raw.baseAddress.map { $0 + old }, chunk, 0) }
        } while n < 0 && errno == EINTR
        let code = errno
        buffer.removeLast(chunk - max(n, 0))
        if n == 0 { throw .socket("server closed the connection") }
        if n < 0 { throw .socket(code == EAGAIN || code == EWOULDBLOCK ? "receive timed out" : "recv: errno \(code)") }
    }

    private struct Head {
        var status: Int
        var contentLength: Int
    }

    /// Status code and body length from the status line and headers (`bytes` without the final
    /// blank line).
    private static func parseHead(_ bytes: ArraySlice<UInt8>) throws(Failure) -> Head {
        let text = String(decoding: bytes, as: UTF8.self)
        let lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)
        guard let statusLine = lines.first else { throw .framing("empty head") }
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0] == "HTTP/1.1", let status = Int(parts[1]) else {
            throw .framing("bad status line \"\(statusLine.prefix(80))\"")
        }
        var contentLength: Int?
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingSpaces
            switch name {
            case "content-length":
                guard let length = Int(value), length >= 0 else { throw .framing("bad Content-Length \"\(value)\"") }
                contentLength = length
            case "transfer-encoding":
                throw .framing("Transfer-Encoding \(value) (this client reads Content-Length bodies only)")
            case "connection" where value.lowercased() == "close":
                throw .framing("server asked to close the connection (status \(status))")
            default:
                break
            }
        }
        guard let contentLength else { throw .framing("no Content-Length (status \(status))") }
        guard contentLength <= maxBodyBytes else { throw .framing("Content-Length \(contentLength) over \(maxBodyBytes)") }
        return Head(status: status, contentLength: contentLength)
    }

    private static func find(crlfcrlf bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0...(bytes.count - 4) where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
            return i
        }
        return nil
    }
}

private extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return s
    }
}
