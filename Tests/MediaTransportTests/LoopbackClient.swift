import DTLS
import ICE
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import RTP
import SDP
import SRTP
import STUN
import Testing

/// A minimal WebRTC client made of our own sans-I/O pieces over a real UDP socket on loopback:
/// it writes an offer, sends an ICE check with the server's credentials (a controlling full
/// agent, as browsers are), runs the DTLS client handshake, then sends and receives SRTP. Used
/// to drive `MediaTransportService` end to end without a browser.
final class LoopbackClient: @unchecked Sendable {
    // @unchecked: the test task owns the client; only `inbox` is shared with NIO's loop, and it
    // is a locked box.

    /// One m= section of the client's offer.
    struct Section {
        enum Kind { case audio, video }
        var kind: Kind
        var direction: MediaDirection
        /// Media SSRC (and RTX SSRC for video) announced when sending.
        var ssrc: UInt32?
        var rtxSSRC: UInt32?
        /// Simulcast layers sent (RFC 8853), announced by rid instead of SSRC.
        var rids: [String] = []
        /// Whether the section offers the sdes:mid header extension.
        var midExtension = true
        /// Whether a sending section announces a track (msid); false for a transceiver without one.
        var announcesTrack = true
        /// Further header extensions offered (id, URI), and feedback types for the codec.
        var extensions: [(id: UInt8, uri: String)] = []
        var feedback: [String] = []
    }

    let channel: any Channel
    private(set) var credentials: ICECredentials
    let certificate: DTLSCertificate
    private let inbox: NIOLockedValueBox<[[UInt8]]>
    private(set) var server: SocketAddress?
    private(set) var answer: SessionDescription?
    private(set) var dtls: DTLSEndpoint?
    private(set) var srtp: SRTPSession?
    /// Datagrams received that were neither STUN nor DTLS (SRTP/SRTCP), in arrival order.
    private(set) var media: [[UInt8]] = []
    private var rtcp: [[UInt8]] = []
    private(set) var stunResponses: [STUNMessage] = []

    static let videoPayloadType: UInt8 = 96
    static let audioPayloadType: UInt8 = 111
    static let midExtensionID: UInt8 = 4

    private init(channel: any Channel, inbox: NIOLockedValueBox<[[UInt8]]>, certificate: DTLSCertificate) {
        self.channel = channel
        self.inbox = inbox
        self.certificate = certificate
        credentials = ICECredentials.random()
    }

    static func make() async throws -> LoopbackClient {
        let inbox = NIOLockedValueBox<[[UInt8]]>([])
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Collector(inbox: inbox))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return LoopbackClient(channel: channel, inbox: inbox, certificate: try DTLSCertificate())
    }

    func close() async {
        try? await channel.close()
    }

    static var now: Duration { .nanoseconds(Int64(NIODeadline.now().uptimeNanoseconds)) }

    // MARK: offer / answer

    /// A Chrome-shaped offer (BUNDLE, rtcp-mux, actpass) for `sections`.
    func offer(_ sections: [Section]) -> String {
        Self.offerText(sections, credentials: credentials, fingerprint: certificate.fingerprint.sdpValue)
    }

    static func offerText(_ sections: [Section], credentials: ICECredentials, fingerprint: String) -> String {
        let mids = sections.indices.map(String.init)
        var lines = ["v=0", "o=- 4611731400430051336 2 IN IP4 127.0.0.1", "s=-", "t=0 0",
                     "a=group:BUNDLE \(mids.joined(separator: " "))", "a=msid-semantic: WMS"]
        for (index, section) in sections.enumerated() {
            let video = section.kind == .video
            let types = video ? "\(videoPayloadType) 97" : "\(audioPayloadType)"
            lines += ["m=\(video ? "video" : "audio") 9 UDP/TLS/RTP/SAVPF \(types)", "c=IN IP4 0.0.0.0",
                      "a=rtcp:9 IN IP4 0.0.0.0", "a=ice-ufrag:\(credentials.ufrag)", "a=ice-pwd:\(credentials.password)",
                      "a=ice-options:trickle", "a=fingerprint:\(fingerprint)", "a=setup:actpass", "a=mid:\(index)"]
            if section.midExtension { lines.append("a=extmap:\(midExtensionID) urn:ietf:params:rtp-hdrext:sdes:mid") }
            if !section.rids.isEmpty { lines.append("a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id") }
            for e in section.extensions { lines.append("a=extmap:\(e.id) \(e.uri)") }
            lines.append("a=\(section.direction.rawValue)")
            if section.direction.sends, section.announcesTrack { lines.append("a=msid:client track\(index)") }
            lines += ["a=rtcp-mux", "a=rtcp-rsize"]
            if video {
                lines += ["a=rtpmap:96 VP8/90000", "a=rtcp-fb:96 nack", "a=rtcp-fb:96 nack pli",
                          "a=rtpmap:97 rtx/90000", "a=fmtp:97 apt=96"]
            } else {
                lines += ["a=rtpmap:111 opus/48000/2", "a=fmtp:111 minptime=10;useinbandfec=1"]
            }
            for fb in section.feedback { lines.append("a=rtcp-fb:\(video ? videoPayloadType : audioPayloadType) \(fb)") }
            for rid in section.rids { lines.append("a=rid:\(rid) send") }
            if !section.rids.isEmpty { lines.append("a=simulcast:send \(section.rids.joined(separator: ";"))") }
            if section.direction.sends, let ssrc = section.ssrc {
                if let rtx = section.rtxSSRC {
                    lines += ["a=ssrc-group:FID \(ssrc) \(rtx)", "a=ssrc:\(ssrc) cname:client", "a=ssrc:\(rtx) cname:client"]
                } else {
                    lines.append("a=ssrc:\(ssrc) cname:client")
                }
            }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// New ICE credentials for an ICE restart (the next `offer` carries them).
    func restartICE() { credentials = ICECredentials.random() }

    /// Our answer to a server offer: the sections we offered ourselves (`own`, same order) keep
    /// their direction and SSRCs; new ones are answered with the reverse of what the server offers.
    func answer(toServerOffer text: String, own: [Section]) throws -> String {
        let offer = try SessionDescription(parsing: text)
        var lines = ["v=0", "o=- 4611731400430051336 3 IN IP4 127.0.0.1", "s=-", "t=0 0"]
        let bundled = offer.media.filter { !$0.isRejected }.compactMap(\.mid)
        lines.append("a=group:BUNDLE \(bundled.joined(separator: " "))")
        for (index, m) in offer.media.enumerated() {
            let mid = try #require(m.mid)
            guard !m.isRejected else {
                lines += ["m=\(m.kind.token) 0 \(m.proto) \(m.formats.joined(separator: " "))", "c=IN IP4 0.0.0.0", "a=mid:\(mid)"]
                continue
            }
            lines += ["m=\(m.kind.token) 9 \(m.proto) \(m.formats.joined(separator: " "))", "c=IN IP4 0.0.0.0",
                      "a=ice-ufrag:\(credentials.ufrag)", "a=ice-pwd:\(credentials.password)",
                      "a=fingerprint:\(certificate.fingerprint.sdpValue)", "a=setup:active", "a=mid:\(mid)"]
            let direction = index < own.count ? own[index].direction : m.direction.reversed
            lines.append("a=\(direction.rawValue)")
            if direction.sends { lines.append("a=msid:client track\(index)") }
            lines += ["a=rtcp-mux", "a=rtcp-rsize"]
            for codec in m.codecs { lines += codec.attributes.map { "a=\($0.lineValue)" } }
            if direction.sends, index < own.count, let ssrc = own[index].ssrc { lines.append("a=ssrc:\(ssrc) cname:client") }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// Reads the server's answer: where to send, and its ICE credentials and fingerprint.
    func accept(answer text: String) throws {
        let description = try SessionDescription(parsing: text)
        let index = try #require(description.media.firstIndex { !$0.isRejected })
        let candidate = try #require(description.media[index].candidates.first)
        server = try SocketAddress(ipAddress: candidate.address, port: Int(candidate.port))
        answer = description
    }

    /// The SSRC the server announced for the section at `index` (what it sends us there).
    func announcedSSRC(section index: Int) -> UInt32? { answer?.media[index].ssrcs.first }

    // MARK: ICE

    /// Sends a Binding request as the controlling agent and waits for the answer to it.
    @discardableResult
    func check(useCandidate: Bool = true, password: String? = nil, ufrag: String? = nil,
               awaitResponse: Bool = true) async throws -> STUNMessage? {
        let transport = try #require(answer?.transport(forMediaAt: 0))
        let serverUfrag = try #require(ufrag ?? transport.iceUfrag)
        let serverPassword = try #require(password ?? transport.icePwd)
        var attributes: [STUNAttribute] = [.username("\(serverUfrag):\(credentials.ufrag)"), .priority(1_853_817_087),
                                           .iceControlling(0x1234_5678_9ABC_DEF0)]
        if useCandidate { attributes.append(.useCandidate) }
        let request = STUNMessage(type: .bindingRequest, transactionID: .random(), attributes: attributes)
        let bytes = try request.encode(integrityKey: .shortTerm(password: serverPassword), fingerprint: true)
        try await send(bytes)
        guard awaitResponse else { return nil }
        // Retransmit like a real ICE agent (same transaction id) until answered: UDP may drop a
        // datagram when the machine is loaded, and one lost check must not fail a test.
        for _ in 0..<30 {
            if let response = try await waitFor(timeout: .milliseconds(500), {
                self.stunResponses.first { $0.transactionID == request.transactionID }
            }) {
                return response
            }
            try await send(bytes)
        }
        return nil
    }

    // MARK: DTLS

    /// Runs the DTLS client handshake against the server's fingerprint and keys SRTP.
    func connectDTLS() async throws {
        let fingerprint = try #require(answer?.transport(forMediaAt: 0)?.fingerprints.first)
        let endpoint = try DTLSEndpoint(certificate: certificate, role: .client,
                                        remoteFingerprint: try DTLSFingerprint(sdpValue: fingerprint.attributeValue))
        dtls = endpoint
        endpoint.start(at: Self.now)
        try await flushDTLS()
        let connected = try await waitFor(timeout: .seconds(15)) { () -> Bool? in
            if let deadline = endpoint.nextDeadline, deadline <= Self.now { endpoint.handleTimeout(at: Self.now) }
            try? self.flushDTLSNow()
            return self.srtp != nil ? true : nil
        }
        try #require(connected == true, "DTLS did not connect")
    }

    private func flushDTLS() async throws { try flushDTLSNow() }

    private func flushDTLSNow() throws {
        guard let dtls else { return }
        while let output = dtls.pollOutput() {
            switch output {
            case .transmit(let bytes):
                sendNow(bytes)
            case .event(.connected(let keys)):
                let profile = try #require(SRTPProfile(rawValue: keys.profile.rawValue))
                srtp = try SRTPSession(profile: profile, localKey: keys.localKey, localSalt: keys.localSalt,
                                       remoteKey: keys.remoteKey, remoteSalt: keys.remoteSalt)
            case .event, .applicationData:
                break
            }
        }
    }

    /// ICE check with nomination, then DTLS: the session is connected on the server's side.
    func connect() async throws {
        let response = try await check()
        try #require(response?.type == .bindingSuccess, "the server did not accept the check")
        try await connectDTLS()
    }

    // MARK: media

    /// Protects and sends one RTP packet.
    func sendRTP(_ packet: [UInt8]) async throws {
        let session = try #require(srtp)
        var bytes = packet
        try session.protectRTP(&bytes)
        try await send(bytes)
    }

    func sendRTCP(_ packet: [UInt8]) async throws {
        let session = try #require(srtp)
        var bytes = packet
        try session.protectRTCP(&bytes)
        try await send(bytes)
    }

    /// RTP packets received since the last call, decrypted (RTCP and undecryptable ones skipped;
    /// decrypted RTCP is kept for `takeRTCP`).
    func takeRTP() -> [[UInt8]] {
        pump()
        guard let srtp else { return [] }
        var out: [[UInt8]] = []
        for var datagram in media where datagram.count > 1 {
            if (192...223).contains(datagram[1]) {
                if (try? srtp.unprotectRTCP(&datagram)) != nil { rtcp.append(datagram) }
            } else if (try? srtp.unprotectRTP(&datagram)) != nil {
                out.append(datagram)
            }
        }
        media.removeAll()
        return out
    }

    /// RTCP packets received (decrypted) since the last call, each datagram's packets decoded.
    func takeRTCP() -> [RTCPPacket] {
        _ = takeRTP()
        defer { rtcp.removeAll() }
        return rtcp.flatMap { (try? RTCPCompoundPacket(parsing: $0).packets) ?? [] }
    }

    /// Waits until `count` RTP packets arrived (decrypted), or the timeout.
    func receiveRTP(count: Int, timeout: Duration = .seconds(3)) async throws -> [[UInt8]] {
        var got: [[UInt8]] = []
        _ = try await waitFor(timeout: timeout) { () -> Bool? in
            got += self.takeRTP()
            return got.count >= count ? true : nil
        }
        return got
    }

    /// A VP8 packet: keyframe start (S=1, PID=0, P=0) or a delta, with a MID header extension.
    static func vp8Packet(ssrc: UInt32, sequenceNumber: UInt16, timestamp: UInt32, keyframe: Bool,
                          payloadBytes: Int = 200) throws -> [UInt8] {
        var payload: [UInt8] = [0x10]
        payload += keyframe ? [0x50, 0x2A, 0x00, 0x9D, 0x01, 0x2A, 0x80, 0x02, 0xE0, 0x01] : [0x51, 0x2A, 0x00]
        payload += (0..<payloadBytes).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ Int(sequenceNumber)) }
        let builder = RTPPacketBuilder(payloadType: videoPayloadType, sequenceNumber: sequenceNumber, timestamp: timestamp,
                                       ssrc: ssrc, marker: true,
                                       extensions: [RTPHeaderExtension(id: midExtensionID, value: Array("0".utf8))])
        return try builder.build(payload: payload)
    }

    // MARK: socket

    func send(_ bytes: [UInt8]) async throws {
        let server = try #require(server)
        try await channel.writeAndFlush(AddressedEnvelope(remoteAddress: server, data: ByteBuffer(bytes: bytes)))
    }

    /// Sends to the server from this client's socket without waiting for the write.
    private func sendNow(_ bytes: [UInt8]) {
        guard let server else { return }
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: server, data: ByteBuffer(bytes: bytes)), promise: nil)
    }

    /// Moves received datagrams into their protocol: STUN responses, DTLS records, media.
    private func pump() {
        let datagrams = inbox.withLockedValue { box in defer { box.removeAll() }; return box }
        for datagram in datagrams {
            guard let first = datagram.first else { continue }
            switch first {
            case 0...3:
                if let message = try? STUNMessage.parse(datagram) { stunResponses.append(message) }
            case 20...63:
                dtls?.handle(datagram: datagram, at: Self.now)
            default:
                media.append(datagram)
            }
        }
    }

    /// Polls `probe` (after pumping the inbox) every few milliseconds until it gives a value.
    /// Polls until `probe` gives a value. The timeout is generous on purpose: it bounds a hang, it
    /// does not measure speed, and the suite runs beside CPU-heavy hostile-input tests on 2 cores.
    func waitFor<T>(timeout: Duration = .seconds(15), _ probe: () throws -> T?) async throws -> T? {
        let end = ContinuousClock.now + timeout
        while ContinuousClock.now < end {
            pump()
            if let value = try probe() { return value }
            try await Task.sleep(for: .milliseconds(5))
        }
        pump()
        return try probe()
    }

    private final class Collector: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let inbox: NIOLockedValueBox<[[UInt8]]>
        init(inbox: NIOLockedValueBox<[[UInt8]]>) { self.inbox = inbox }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let bytes = Array(unwrapInboundIn(data).data.readableBytesView)
            inbox.withLockedValue { $0.append(bytes) }
        }
    }
}
