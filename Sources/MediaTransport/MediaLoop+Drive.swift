#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import SCTP
import SFU

// Driving peers: after input reaches a peer (a datagram, a timer, usrsctp waking from its timer
// thread, a chat line queued for it) the loop runs the peer's driver and acts on what it
// produced. Peers are run from one work list, so queueing one line to N members never runs a
// peer from inside its own run. Chat lines go to the chat service (`onChatInput`), which keeps
// them and sends them back to the room through `sendOnChatChannels`.

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
            counters.chatRelayed += 1
            onChatInput(.line(room: peer.roomName, participant: peer.participantName, user: peer.user,
                              name: peer.displayName, role: peer.role, text: text))
        case .chatOpened:
            onChatInput(.opened(room: peer.roomName, participant: peer.participantName, user: peer.user))
        case .counted(let counter):
            switch counter {
            case .dataChannelMessage: counters.dataChannelMessages += 1
            case .dataChannelRefused: counters.dataChannelRefused += 1
            case .dataChannelSendFailed: counters.dataChannelSendFailed += 1
            case .chatRefused: counters.chatRefused += 1
            }
        }
    }

    /// Queues `text` on the chat channel of the room's members that have one (of `participants`
    /// when given), and returns who it went to. The bytes are made once; each member's message
    /// shares them.
    func sendOnChatChannels(_ text: String, in room: String, to participants: Set<String>?) -> Set<String> {
        let message = DataChannels.message(.text(text), stream: 0)
        var sent: Set<String> = []
        peers.forEachMember(ofRoom: room) { member in
            guard participants?.contains(member.participantName) ?? true, member.queueChat(message) else { return }
            sent.insert(member.participantName)
            drive(member)
        }
        finishBatch()
        return sent
    }

    static func wallClockMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000 + Int64(now.tv_nsec) / 1_000_000
    }
}
