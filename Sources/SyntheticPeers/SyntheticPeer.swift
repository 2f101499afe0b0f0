#if canImport(Glibc)
import Glibc
#endif
import DTLS
import ICE
import RTP
import SDP
import SRTP
import STUN

/// A WebRTC peer for benchmarks and load tests, made of our own sans-I/O pieces over one plain
/// non-blocking UDP socket on 127.0.0.1 (the shape of the test suite's LoopbackClient, without
/// NIO: the benchmark reads a thousand of these from one thread with poll(2)). It writes a
/// one-section VP8 offer, sends an ICE check with USE-CANDIDATE as the controlling agent, runs
/// the DTLS client handshake and keys SRTP. Every wait is bounded by a deadline.
///
/// Over `.tcp` it is an ICE-TCP active client instead: one connection to the server's passive
/// candidate (the same port number), every packet framed with its RFC 4571 length both ways.
public final class SyntheticPeer {
    public enum Transport: Sendable { case udp, tcp }

    public let fd: Int32
    public let transport: Transport
    /// Whether the offer negotiates transport-wide congestion control and abs-send-time.
    public let transportWideCC: Bool
    /// TCP only: bytes read but not yet cut into frames, `streamStart..<streamEnd`.
    private var stream: [UInt8] = []
    private var streamStart = 0
    private var streamEnd = 0
    /// TCP only: where a frame's length and bytes are put together before one `send`.
    private var framed: [UInt8] = []
    public let credentials = ICECredentials.random()
    public let certificate: DTLSCertificate
    public private(set) var server = sockaddr_in()
    public private(set) var answer: SessionDescription?
    public private(set) var srtp: SRTPSession?
    /// The DTLS connection once `connect` returned (data channels ride on it).
    public private(set) var dtls: DTLSEndpoint?

    public static let midExtensionID: UInt8 = 4
    /// With `transportWideCC`: the transport-wide sequence number's id.
    public static let transportCCExtensionID: UInt8 = 3

    /// `localAddress` (IPv4, host order) is where the UDP socket binds: loopback by default; the
    /// any-address (0) when the server lives behind a network namespace's veth, so the kernel
    /// picks the source that reaches it.
    public init(certificate: DTLSCertificate, receiveBuffer: Int32 = 1 << 20, transport: Transport = .udp,
                transportWideCC: Bool = false, localAddress: UInt32 = 0x7F00_0001) throws(SyntheticPeerError) {
        self.certificate = certificate
        self.transport = transport
        self.transportWideCC = transportWideCC
        fd = socket(AF_INET, Int32((transport == .udp ? SOCK_DGRAM : SOCK_STREAM).rawValue), 0)
        guard fd >= 0 else { throw .socket("socket: errno \(errno)") }
        var size = receiveBuffer
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        if transport == .tcp {
            var on: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
            stream = [UInt8](repeating: 0, count: 256 << 10)
            framed = [UInt8](repeating: 0, count: 2 + 65_535)
            return
        }
        var local = Self.ipv4(localAddress, port: 0)
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == 0 else {
            throw .socket("bind/fcntl: errno \(errno)")
        }
    }

    deinit { close(fd) }

    public static func loopback(port: UInt16) -> sockaddr_in { ipv4(0x7F00_0001, port: port) }

    /// `address` in host byte order.
    public static func ipv4(_ address: UInt32, port: UInt16) -> sockaddr_in {
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = port.bigEndian
        socketAddress.sin_addr.s_addr = address.bigEndian
        return socketAddress
    }

    /// A dotted-quad IPv4 address in host byte order.
    public static func ipv4(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).compactMap { UInt8($0) }
        guard parts.count == 4 else { return nil }
        return parts.reduce(0) { $0 << 8 | UInt32($1) }
    }

    // MARK: offer / answer

    /// A Chrome-shaped one-section VP8 offer: sendonly with `ssrc` for the publisher, recvonly
    /// otherwise; with `dataChannel`, a bundled SCTP section follows (mid 1).
    public func offer(sendingSSRC ssrc: UInt32?, dataChannel: Bool = false) -> String {
        var lines = ["v=0", "o=- 4611731400430051336 2 IN IP4 127.0.0.1", "s=-", "t=0 0",
                     dataChannel ? "a=group:BUNDLE 0 1" : "a=group:BUNDLE 0",
                     "a=msid-semantic: WMS", "m=video 9 UDP/TLS/RTP/SAVPF 96", "c=IN IP4 0.0.0.0",
                     "a=rtcp:9 IN IP4 0.0.0.0", "a=ice-ufrag:\(credentials.ufrag)", "a=ice-pwd:\(credentials.password)",
                     "a=fingerprint:\(certificate.fingerprint.sdpValue)", "a=setup:actpass", "a=mid:0",
                     "a=extmap:\(Self.midExtensionID) urn:ietf:params:rtp-hdrext:sdes:mid"]
        if transportWideCC {
            lines += ["a=extmap:\(Self.transportCCExtensionID) http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
                      "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"]
        }
        lines.append(ssrc == nil ? "a=recvonly" : "a=sendonly")
        if ssrc != nil { lines.append("a=msid:bench track0") }
        lines += ["a=rtcp-mux", "a=rtcp-rsize", "a=rtpmap:96 VP8/90000", "a=rtcp-fb:96 nack", "a=rtcp-fb:96 nack pli"]
        if transportWideCC { lines.append("a=rtcp-fb:96 transport-cc") }
        if let ssrc { lines.append("a=ssrc:\(ssrc) cname:bench") }
        if dataChannel {
            lines += ["m=application 9 UDP/DTLS/SCTP webrtc-datachannel", "c=IN IP4 0.0.0.0",
                      "a=ice-ufrag:\(credentials.ufrag)", "a=ice-pwd:\(credentials.password)",
                      "a=fingerprint:\(certificate.fingerprint.sdpValue)", "a=setup:actpass", "a=mid:1",
                      "a=sctp-port:5000", "a=max-message-size:262144"]
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// Takes the server's answer: where to send, and its ICE credentials and fingerprint. Only a
    /// candidate at `serverAddress` (the address the tool was allowed to reach) of this peer's
    /// transport is used: UDP, or over TCP a passive one (the server listens, we connect).
    public func accept(answer text: String, serverAddress: String = "127.0.0.1") throws(SyntheticPeerError) {
        let wanted: (SDPCandidate) -> Bool = { [transport] candidate in
            guard candidate.address == serverAddress else { return false }
            switch transport {
            case .udp: return candidate.isUDP
            case .tcp: return !candidate.isUDP && candidate.extensions.contains { $0.name == "tcptype" && $0.value == "passive" }
            }
        }
        guard let description = try? SessionDescription(parsing: text),
              let candidate = description.media.first?.candidates.first(where: wanted),
              let port = UInt16(exactly: candidate.port), let address = Self.ipv4(serverAddress)
        else { throw .handshake("answer without a \(transport == .udp ? "UDP" : "passive TCP") candidate at \(serverAddress)") }
        server = Self.ipv4(address, port: port)
        answer = description
    }

    /// Sends to `port` on loopback without signaling (the plain-UDP baseline).
    public func aim(at port: UInt16) { server = Self.loopback(port: port) }

    /// The port this socket is bound to.
    public var port: UInt16 {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return UInt16(bigEndian: address.sin_port)
    }

    // MARK: connect

    /// ICE check with nomination, then the DTLS client handshake; returns when SRTP is keyed.
    public func connect(timeout: Duration = .seconds(10)) throws(SyntheticPeerError) {
        guard let transport = answer?.transport(forMediaAt: 0), let ufrag = transport.iceUfrag, let password = transport.icePwd,
              let fingerprintText = transport.fingerprints.first?.attributeValue,
              let fingerprint = try? DTLSFingerprint(sdpValue: fingerprintText)
        else { throw .handshake("answer lacks ICE credentials or fingerprint") }
        let deadline = Self.now + timeout
        if self.transport == .tcp { try connectStream() }
        let request = STUNMessage(type: .bindingRequest, transactionID: .random(), attributes: [
            .username("\(ufrag):\(credentials.ufrag)"), .priority(1_853_817_087),
            .iceControlling(0x1234_5678_9ABC_DEF0), .useCandidate,
        ])
        guard let check = try? request.encode(integrityKey: .shortTerm(password: password), fingerprint: true) else {
            throw .handshake("cannot encode the check")
        }
        var checked = false
        var nextCheck = Self.now
        var buffer = [UInt8](repeating: 0, count: 2048)
        while !checked {
            guard Self.now < deadline else { throw .handshake("no answer to the connectivity check") }
            if Self.now >= nextCheck {
                send(check)
                nextCheck = Self.now + .milliseconds(200)
            }
            waitReadable(milliseconds: 5)
            while let n = receive(into: &buffer) {
                if let m = try? STUNMessage.parse(buffer[0..<n]), m.transactionID == request.transactionID {
                    guard m.type == .bindingSuccess else { throw .handshake("check refused: \(m.type)") }
                    checked = true
                }
            }
        }
        guard let dtls = try? DTLSEndpoint(certificate: certificate, role: .client, remoteFingerprint: fingerprint) else {
            throw .handshake("DTLS endpoint")
        }
        dtls.start(at: Self.now)
        while srtp == nil {
            while let output = dtls.pollOutput() {
                switch output {
                case .transmit(let bytes):
                    send(bytes)
                case .event(.connected(let keys)):
                    guard let profile = SRTPProfile(rawValue: keys.profile.rawValue),
                          let session = try? SRTPSession(profile: profile, localKey: keys.localKey, localSalt: keys.localSalt,
                                                         remoteKey: keys.remoteKey, remoteSalt: keys.remoteSalt)
                    else { throw .handshake("SRTP keying failed") }
                    srtp = session
                    self.dtls = dtls
                case .event(.failed(let error)):
                    throw .handshake("DTLS failed: \(error)")
                case .event, .applicationData:
                    break
                }
            }
            if srtp != nil { break }
            guard Self.now < deadline else { throw .handshake("DTLS did not connect") }
            waitReadable(milliseconds: 5)
            // One DTLS datagram at a time, its output read before the next: the server keys
            // SRTP on our Finished and at once replays its cached keyframe, which must stay in
            // the socket for the reader rather than be drained here with the handshake.
            while let n = receive(into: &buffer), n > 0 {
                guard (20...63).contains(buffer[0]) else { continue }
                dtls.handle(datagram: buffer[0..<n], at: Self.now)
                break
            }
            if let due = dtls.nextDeadline, due <= Self.now { dtls.handleTimeout(at: Self.now) }
        }
    }

    // MARK: socket

    public static var now: Duration { .nanoseconds(Int64(monotonicNanos())) }

    public func send(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { self.send($0) }
    }

    public func send(_ bytes: UnsafeRawBufferPointer) {
        if transport == .tcp {
            sendFramed(bytes)
            return
        }
        var to = server
        _ = withUnsafePointer(to: &to) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(fd, bytes.baseAddress, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
    }

    /// One datagram (or, over TCP, one whole frame) if one is waiting (non-blocking), else nil.
    public func receive(into buffer: inout [UInt8]) -> Int? {
        guard transport == .tcp else {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            return n >= 0 ? n : nil
        }
        while true {
            if streamEnd - streamStart >= 2 {
                let length = Int(stream[streamStart]) << 8 | Int(stream[streamStart + 1])
                if streamEnd - streamStart >= 2 + length {
                    let start = streamStart + 2
                    streamStart = start + length
                    // Empty frames are framing only; one larger than any packet we read is skipped.
                    guard length > 0, length <= buffer.count else { continue }
                    buffer.withUnsafeMutableBytes { out in
                        stream.withUnsafeBytes { source in
                            UnsafeMutableRawBufferPointer(rebasing: out[0..<length])
                                .copyMemory(from: UnsafeRawBufferPointer(rebasing: source[start..<(start + length)]))
                        }
                    }
                    return length
                }
            }
            // Not a whole frame: keep the partial one at the front and read more.
            if streamStart > 0 {
                let kept = streamEnd - streamStart
                let from = streamStart
                stream.withUnsafeMutableBytes { raw in
                    // Overlapping ranges: copyMemory moves like memmove.
                    UnsafeMutableRawBufferPointer(rebasing: raw[0..<kept])
                        .copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[from..<(from + kept)]))
                }
                streamStart = 0
                streamEnd = kept
            }
            let n = stream.withUnsafeMutableBytes {
                recv(fd, UnsafeMutableRawBufferPointer(rebasing: $0[streamEnd...]).baseAddress, $0.count - streamEnd, Int32(MSG_DONTWAIT))
            }
            guard n > 0 else { return nil }
            streamEnd += n
        }
    }

    /// Connects to the server's passive TCP candidate (blocking, loopback), then goes non-blocking
    /// for reads; sends stay whole (`sendFramed` waits for room).
    private func connectStream() throws(SyntheticPeerError) {
        var to = server
        let connected = withUnsafePointer(to: &to) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw .socket("connect: errno \(errno)") }
    }

    /// Writes the RFC 4571 length and the packet as one frame; a full send buffer makes it wait
    /// (poll), which is the server setting the pace.
    private func sendFramed(_ bytes: UnsafeRawBufferPointer) {
        let length = min(bytes.count, 65_535)
        framed[0] = UInt8(length >> 8)
        framed[1] = UInt8(length & 0xFF)
        framed.withUnsafeMutableBytes {
            UnsafeMutableRawBufferPointer(rebasing: $0[2..<(2 + length)]).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0..<length]))
        }
        var sent = 0
        while sent < length + 2 {
            let n = framed.withUnsafeBytes {
                Glibc.send(fd, UnsafeRawBufferPointer(rebasing: $0[sent..<(length + 2)]).baseAddress, length + 2 - sent,
                           Int32(MSG_DONTWAIT | MSG_NOSIGNAL))
            }
            if n > 0 {
                sent += n
            } else if errno == EAGAIN || errno == EINTR {
                var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&p, 1, 5)
            } else {
                return
            }
        }
    }

    public func waitReadable(milliseconds: Int32) {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        _ = poll(&p, 1, milliseconds)
    }
}

/// CLOCK_MONOTONIC in nanoseconds: the same clock NIO's `NIODeadline.now()` reads on Linux, so
/// stamps taken here and on the server's loop compare.
public func monotonicNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

/// CPU time of the calling thread in nanoseconds.
public func threadCPUNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

/// Why a synthetic peer could not connect.
public enum SyntheticPeerError: Error, CustomStringConvertible {
    case socket(String)
    case handshake(String)

    public var description: String {
        switch self {
        case .socket(let s): "socket: \(s)"
        case .handshake(let s): "handshake: \(s)"
        }
    }
}
