#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import SCTP
import SFU

// Driving peers: after input reaches a peer (a datagram, a timer, usrsctp waking from its timer
// thread, a chat line queued by another peer) the loop runs the peer's driver and acts on what
// it produced. Peers are run from one work list, so relaying one line to N members never runs a
// peer from inside its own run.

extension MediaLoop {
    /// Runs `peer` (now, or after the peers already waiting when a drive is in progress).
    func drive(_ peer: PeerConnection) {
        if !peer.isDriveQueued {
            peer.isDriveQueued = true
            driveQueue.append(peer)
        }
        guard !isDriving else { return }
        isDriving = true
        defer { isDriving = false }
        var next = 0
        while next < driveQueue.count {
            let peer = driveQueue[next]
            next += 1
            peer.isDriveQueued = false
            guard !peer.isClosed else { continue }
            peer.run(at: currentTime)
            while let output = peer.pollOutput() { act(on: output, of: peer) }
            touch(peer)
        }
        driveQueue.removeAll(keepingCapacity: true)
    }

    /// The factory for a peer's usrsctp wake-up: it hops to the loop and drives the peer there.
    func dataChannelWaker(for id: PeerSessionID) -> @Sendable () -> Void {
        let loop = NIOLoopBound(self, eventLoop: eventLoop)
        let eventLoop = eventLoop
        return { eventLoop.execute { loop.value.wake(id) } }
    }

    private func wake(_ id: PeerSessionID) {
        guard let peer = peers.peer(session: id) else { return }
        drive(peer)
        finishBatch()
    }

    private func act(on output: PeerOutput, of peer: PeerConnection) {
        switch output {
        case .transmit(let bytes, let to):
            egress.send(bytes, to: to)
        case .connected:
            reportConnected(peer, at: currentTime)
        case .addressRevoked(let address):
            peers.unbind(address, of: peer)
        case .failed(let reason):
            close(peer, reason: reason)
        case .chat(let text):
            relayChat(text, from: peer)
        case .counted(let counter):
            switch counter {
            case .dataChannelMessage: counters.dataChannelMessages += 1
            case .dataChannelRefused: counters.dataChannelRefused += 1
            case .dataChannelSendFailed: counters.dataChannelSendFailed += 1
            case .chatRefused: counters.chatRefused += 1
            }
        }
    }

    /// Stamps a chat line with its sender and queues it on every member's chat channel.
    private func relayChat(_ text: String, from peer: PeerConnection) {
        let envelope = ChatEnvelope.json(participant: peer.participantName, user: peer.user, name: peer.displayName,
                                         role: peer.role, text: text, sentAtMilliseconds: Self.wallClockMilliseconds())
        counters.chatRelayed += 1
        chatCounts[peer.roomName, default: 0] += 1
        // The bytes are made once; each member's message shares them.
        let message = DataChannels.message(.text(envelope), stream: 0)
        peers.forEachMember(ofRoom: peer.roomName) { member in
            if member.queueChat(message) { drive(member) }
        }
    }

    /// Hands out the chat counts gathered so far and starts again from zero.
    func takeChatCounts() -> [String: Int] {
        defer { chatCounts = [:] }
        return chatCounts
    }

    static func wallClockMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000 + Int64(now.tv_nsec) / 1_000_000
    }
}
