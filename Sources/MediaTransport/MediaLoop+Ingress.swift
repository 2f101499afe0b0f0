import DTLS
import ICE
import Logging
import NIOCore
import SFU
import SRTP
import STUN

// The packet path in: RFC 7983 demux, routing by 5-tuple (or by ufrag for STUN from an unbound
// address), then STUN and DTLS to the peer's driver, SRTP → room. Nothing here throws, locks or allocates per media
// packet; bad input is counted, logged once per peer (or rate-limited when no peer owns it) and
// dropped.

extension MediaLoop {
    /// One datagram from the socket, or one frame from an ICE-TCP connection.
    func receive(_ envelope: AddressedEnvelope<ByteBuffer>, overTCP: Bool = false) {
        counters.received += 1
        if !overTCP, !egress.tcpLinks.isEmpty, egress.tcpLinks[envelope.remoteAddress] != nil {
            counters.tcpShadowed += 1
            return
        }
        // The batch's first datagram stamps when the batch came off the socket: later ones in
        // the batch waited behind it, and that wait belongs to the forwarding delay.
        if egress.ingressNanoseconds == 0 { egress.ingressNanoseconds = Self.monotonicNanoseconds() }
        let count = envelope.data.readableBytes
        guard count > 0 else {
            counters.unknownClass += 1
            return
        }
        guard count <= ingress.count else {
            counters.oversized += 1
            return
        }
        guard let source = TransportAddress(envelope.remoteAddress) else {
            counters.unknownSource += 1
            return
        }
        // Copy out of NIO's batch buffer: SRTP decrypts in place, and nothing may keep a slice
        // of the batch alive.
        envelope.data.withUnsafeReadableBytes { ingress.copyMemory(from: $0) }
        let datagram = UnsafeMutableRawBufferPointer(rebasing: ingress[0..<count])
        switch PacketClass(firstByte: datagram[0]) {
        case .stun:
            receiveSTUN(UnsafeRawBufferPointer(datagram), from: source, socket: envelope.remoteAddress)
        case .dtls:
            receiveDTLS(UnsafeRawBufferPointer(datagram), from: source, socket: envelope.remoteAddress)
        case .rtpOrRTCP:
            receiveMedia(datagram, from: source)
        case .zrtp, .turnChannel:
            if peers.peer(for: source) == nil { dropUnknownSource(source) } else { counters.unknownClass += 1 }
        case .unknown:
            counters.unknownClass += 1
        }
    }

    // MARK: STUN

    private func receiveSTUN(_ datagram: UnsafeRawBufferPointer, from source: TransportAddress, socket: SocketAddress) {
        guard STUNPeek.isLikelySTUN(datagram) else {
            counters.notSTUN += 1
            return
        }
        let now = currentTime
        if let peer = peers.peer(for: source) {
            counters.stun += 1
            peer.receiveSTUN(datagram, from: source, socket: socket, at: now)
            drive(peer)
            return
        }
        let (route, owner) = peers.routeUnboundSTUN(datagram, from: source) { peer in
            peer.receiveSTUN(datagram, from: source, socket: socket, at: now)
        }
        switch route {
        case .unknownUfrag:
            counters.unknownUfrag += 1
            if unknownSourceLog.allow(at: now) {
                logger.debug("STUN naming no ufrag of ours dropped",
                             metadata: ["from": "\(source)", "suppressed": "\(unknownSourceLog.suppressed)"])
                unknownSourceLog.resetSuppressed()
            }
        case .rejected:
            counters.badSTUN += 1
            owner?.noteDrop(.badSTUN, "connectivity check refused from \(source)")
        case .bound:
            counters.stun += 1
            if let owner {
                owner.bound(source, socket: socket)
                owner.logger.debug("address bound", metadata: ["from": "\(source)"])
            }
        }
        if let owner { drive(owner) }
    }

    // MARK: DTLS

    private func receiveDTLS(_ datagram: UnsafeRawBufferPointer, from source: TransportAddress, socket: SocketAddress) {
        guard let peer = peers.peer(for: source) else {
            counters.dtlsBeforeICE += 1
            let now = currentTime
            if unknownSourceLog.allow(at: now) {
                logger.debug("DTLS from an unchecked address dropped",
                             metadata: ["from": "\(source)", "suppressed": "\(unknownSourceLog.suppressed)"])
                unknownSourceLog.resetSuppressed()
            }
            return
        }
        counters.dtls += 1
        peer.receiveDTLS(datagram, socket: socket, at: currentTime)
        drive(peer)
    }

    // MARK: SRTP

    private func receiveMedia(_ datagram: UnsafeMutableRawBufferPointer, from source: TransportAddress) {
        guard let peer = peers.peer(for: source) else {
            dropUnknownSource(source)
            return
        }
        guard let srtp = peer.srtp else {
            counters.rtpBeforeDTLS += 1
            peer.noteDrop(.rtpBeforeDTLS, "RTP before DTLS dropped")
            return
        }
        let now = currentTime
        let room = peer.room
        if datagram.count >= 2, PacketClass.isRTCP(secondByte: datagram[1]) {
            let length: Int
            do {
                length = try srtp.unprotectRTCP(datagram, length: datagram.count)
            } catch {
                dropUnprotectable(error, from: peer)
                return
            }
            counters.rtcp += 1
            readViewerFeedback(UnsafeRawBufferPointer(rebasing: datagram[0..<length]), from: peer, at: now)
            room.room.handleRTCP(from: peer.participantID, packet: UnsafeRawBufferPointer(rebasing: datagram[0..<length]), at: now)
        } else {
            let length: Int
            do {
                length = try srtp.unprotectRTP(datagram, length: datagram.count)
            } catch {
                dropUnprotectable(error, from: peer)
                return
            }
            counters.rtp += 1
            let packet = UnsafeMutableRawBufferPointer(rebasing: datagram[0..<length])
            peer.recordIngress(UnsafeRawBufferPointer(packet), at: now)
            if peer.sendsCongestionFeedback { touch(peer) }
            room.room.handleRTP(from: peer.participantID, packet: packet, at: now)
        }
        touch(room)
    }

    private func dropUnprotectable(_ error: SRTPError, from peer: PeerConnection) {
        let reason: DropReason
        switch error {
        case .authFail:
            counters.srtpAuthFail += 1
            reason = .srtpAuthFail
        case .replayFail, .replayOld:
            counters.srtpReplay += 1
            reason = .srtpReplay
        default:
            counters.srtpOther += 1
            reason = .srtpOther
        }
        peer.noteDrop(reason, "SRTP packet dropped: \(error)")
    }

    private func dropUnknownSource(_ source: TransportAddress) {
        counters.unknownSource += 1
        let now = currentTime
        if unknownSourceLog.allow(at: now) {
            logger.debug("datagram from an unknown address dropped",
                         metadata: ["from": "\(source)", "suppressed": "\(unknownSourceLog.suppressed)"])
            unknownSourceLog.resetSuppressed()
        }
    }
}

extension TransportAddress {
    /// The address of a NIO socket address, read without allocating; nil for Unix sockets. An
    /// IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, what a dual-stack socket bound to `::` reports
    /// for IPv4 peers) is the IPv4 address it carries: the peer is the same, and STUN must tell it
    /// the address it knows itself by.
    init?(_ address: SocketAddress) {
        switch address {
        case .v4(let v4):
            let sin = v4.address
            self.init(ip: .v4(UInt32(bigEndian: sin.sin_addr.s_addr)), port: UInt16(bigEndian: sin.sin_port))
        case .v6(let v6):
            let sin6 = v6.address
            var high: UInt64 = 0
            var low: UInt64 = 0
            withUnsafeBytes(of: sin6.sin6_addr) { bytes in
                for i in 0..<8 { high = high << 8 | UInt64(bytes[i]) }
                for i in 8..<16 { low = low << 8 | UInt64(bytes[i]) }
            }
            if high == 0, low >> 32 == 0xFFFF {
                self.init(ip: .v4(UInt32(truncatingIfNeeded: low)), port: UInt16(bigEndian: sin6.sin6_port))
                return
            }
            self.init(ip: .v6(high: high, low: low), port: UInt16(bigEndian: sin6.sin6_port))
        case .unixDomainSocket:
            return nil
        }
    }
}
