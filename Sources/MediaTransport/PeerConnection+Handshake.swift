import DTLS
import ICE
import NIOCore
import STUN

// The driver's ICE and DTLS: input from the loop, the drains its run calls, and its timers.

extension PeerConnection {
    /// A STUN datagram from `source`; true when the agent holds the address authorized after it
    /// (the routing table binds an unbound address only then).
    @discardableResult
    func receiveSTUN(_ datagram: UnsafeRawBufferPointer, from source: TransportAddress, socket: SocketAddress,
                     at now: Duration) -> Bool {
        stunReturn = (source, socket)
        ice.handle(datagram: datagram, from: source, at: now)
        return ice.isAuthorized(source)
    }

    /// The routing table bound `address` to this peer after a valid check from it.
    func bound(_ address: TransportAddress, socket: SocketAddress) {
        if socketAddresses[address] == nil { socketAddresses[address] = socket }
    }

    /// The connection behind `address` closed (ICE-TCP): nothing can be sent there any more.
    func lostAddress(_ address: TransportAddress) {
        guard let socket = socketAddresses.removeValue(forKey: address) else { return }
        if destination == socket { destination = nil }
        if dtlsReturnAddress == socket { dtlsReturnAddress = nil }
        if stunReturn?.address == address { stunReturn = nil }
        emit(.addressRevoked(address))
    }

    /// A DTLS record from a bound address (answers go back there until ICE selects).
    func receiveDTLS(_ datagram: UnsafeRawBufferPointer, socket: SocketAddress, at now: Duration) {
        dtlsReturnAddress = socket
        dtls.handle(datagram: datagram, at: now)
    }

    /// Fires whatever is due: the connect deadline, ICE checks and consent, DTLS retransmission.
    /// Addresses whose consent ran out are revoked.
    func handleTimeout(at now: Duration) {
        if let deadline = connectDeadline, deadline <= now {
            fail("not connected within \(now - openedAt)")
            return
        }
        if let deadline = ice.nextDeadline, deadline <= now {
            ice.handleTimeout(at: now)
            for address in socketAddresses.keys where !ice.isAuthorized(address) {
                socketAddresses[address] = nil
                emit(.addressRevoked(address))
            }
        }
        if let deadline = dtls.nextDeadline, deadline <= now { dtls.handleTimeout(at: now) }
    }

    /// An ICE restart: new credentials on both sides; the addresses bound so far stay until
    /// their consent runs out.
    func restartICE(local: ICECredentials, remote: ICECredentials?, identity: LocalIdentity) {
        ice.restart(localCredentials: local, remote: remote)
        self.identity = identity
    }

    // MARK: drains (from `run`)

    /// Responses, the selection (which starts DTLS when we are its client) and consent expiry.
    func drainICE(at now: Duration) -> Bool {
        var progressed = false
        while let output = ice.pollOutput() {
            progressed = true
            switch output {
            case .transmit(let bytes, let to):
                let socket = stunReturn?.address == to ? stunReturn?.socket : socketAddresses[to]
                if let socket { emit(.transmit(bytes, to: socket)) }
            case .event(.selected(let address)):
                destination = socketAddresses[address]
                logger.debug("ICE selected", metadata: ["address": "\(address)"])
                if dtls.role == .client, dtls.state == .new { dtls.start(at: now) }
                reportConnectedIfReady()
            case .event(.consentExpired):
                destination = nil
                fail("ICE consent expired")
                return true
            case .event(.stateChanged(let state)):
                logger.debug("ICE state", metadata: ["state": "\(state)"])
            }
        }
        return progressed
    }

    /// Flights out, keys into SRTP, application data to SCTP (through the record queue).
    func drainDTLS(at now: Duration) -> Bool {
        var progressed = false
        while let output = dtls.pollOutput() {
            progressed = true
            switch output {
            case .transmit(let bytes):
                if let to = destination ?? dtlsReturnAddress { emit(.transmit(bytes, to: to)) }
            case .event(.connected(let keys)):
                do {
                    try startSRTP(keys)
                } catch {
                    fail("SRTP setup failed: \(error)")
                    return true
                }
                logger.debug("DTLS connected", metadata: ["profile": "\(keys.profile)"])
                reportConnectedIfReady()
                startDataChannelsIfReady()
            case .event(.failed(let error)):
                fail("DTLS failed: \(error)")
                return true
            case .event(.closed):
                fail("DTLS closed by the peer")
                return true
            case .applicationData(let packet):
                if sctp != nil {
                    records.append(.toSCTP(packet))
                } else {
                    noteDrop(.dtlsApplicationData, "DTLS application data ignored (no data channel section)")
                }
            }
        }
        return progressed
    }
}
