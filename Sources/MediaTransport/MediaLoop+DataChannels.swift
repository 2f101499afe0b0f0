#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import SCTP
import SFU

// Data channels on the loop: the session's SCTP association rides on its DTLS connection, DCEP
// opens channels, and text on a `chat` channel is relayed to the room (ChatRelay.swift).
// usrsctp may produce output on the SCTP timer thread; the association then wakes the loop, which
// drains it here. Sessions with data to move are drained from one work list, so relaying one
// message to N members never recurses into a session already being drained.

extension MediaLoop {
    /// Starts the session's association once DTLS is connected and a data channel section is agreed.
    func startDataChannelsIfReady(_ peer: PeerConnection) {
        guard peer.sctp == nil, !peer.isClosed, peer.dtls.state == .connected,
              let remotePort = peer.dataChannelRemotePort else { return }
        let loop = NIOLoopBound(self, eventLoop: eventLoop)
        let id = peer.id
        let eventLoop = eventLoop
        do {
            let sctp = try SCTPAssociation(remotePort: remotePort, maxMessageSize: SessionNegotiator.maxMessageSize,
                                           wake: { eventLoop.execute { loop.value.drainDataChannels(of: id) } })
            peer.sctp = sctp
            try sctp.connect()
        } catch {
            logger.notice("data channels not started", metadata: ["session": "\(peer.id)", "error": "\(error)"])
            peer.stopDataChannels()
            return
        }
        scheduleDataChannels(peer)
    }

    /// usrsctp queued output outside one of our calls (on the SCTP timer thread).
    func drainDataChannels(of id: PeerSessionID) {
        guard let peer = peers[id] else { return }
        scheduleDataChannels(peer)
        finishBatch()
    }

    /// Puts a session on the work list and drains the list unless a drain is already running.
    func scheduleDataChannels(_ peer: PeerConnection) {
        if !peer.isDataChannelWorkQueued {
            peer.isDataChannelWorkQueued = true
            dataChannelWork.append(peer)
        }
        guard !isDrainingDataChannels else { return }
        isDrainingDataChannels = true
        defer { isDrainingDataChannels = false }
        var next = 0
        while next < dataChannelWork.count {
            let peer = dataChannelWork[next]
            next += 1
            peer.isDataChannelWorkQueued = false
            drainSCTP(peer)
        }
        dataChannelWork.removeAll(keepingCapacity: true)
    }

    /// Moves everything between usrsctp, DCEP and DTLS for one session until both are quiet.
    private func drainSCTP(_ peer: PeerConnection) {
        guard let sctp = peer.sctp else { return }
        let now = currentTime
        var progressed = true
        while progressed, !peer.isClosed, peer.sctp != nil {
            progressed = false
            while let output = sctp.pollOutput() {
                progressed = true
                switch output {
                case .transmit(let packet):
                    do {
                        try peer.dtls.send(applicationData: packet, at: now)
                    } catch {
                        logDataChannelDrop(peer, .dataChannelTransport, "SCTP packet not sent over DTLS: \(error)")
                    }
                    drainDTLS(peer, at: now)
                    if peer.isClosed { return }
                case .up:
                    logger.debug("SCTP association up", metadata: ["session": "\(peer.id)"])
                case .down:
                    logger.info("SCTP association down", metadata: ["session": "\(peer.id)"])
                    peer.stopDataChannels()
                    return
                case .message(let message):
                    counters.dataChannelMessages += 1
                    do {
                        try peer.dataChannels.receive(message)
                    } catch {
                        counters.dataChannelRefused += 1
                        logDataChannelDrop(peer, .dataChannelRefused, "data channel message refused: \(error)")
                    }
                case .streamReset(let stream):
                    peer.dataChannels.close(stream)
                case .droppedOversize(let stream):
                    counters.dataChannelRefused += 1
                    logDataChannelDrop(peer, .dataChannelRefused, "data channel message over the size limit on stream \(stream)")
                }
            }
            while let output = peer.dataChannels.pollOutput() {
                progressed = true
                switch output {
                case .send(let message, let channel):
                    do {
                        try sctp.send(message, ordered: channel.ordered, reliability: channel.reliability)
                    } catch {
                        counters.dataChannelSendFailed += 1
                        logDataChannelDrop(peer, .dataChannelTransport, "data channel send failed: \(error)")
                    }
                case .resetStream(let stream):
                    try? sctp.resetStream(stream)
                case .opened(let channel):
                    if channel.label == ChatConfiguration.label, peer.chatChannel == nil { peer.chatChannel = channel.id }
                case .message(let channel, let payload):
                    if channel == peer.chatChannel { relayChat(payload, from: peer, at: now) }
                case .closed(let channel):
                    if channel == peer.chatChannel { peer.chatChannel = nil }
                }
            }
        }
        touch(peer)
    }

    /// Stamps a chat message with its sender and queues it on every member's chat channel.
    private func relayChat(_ payload: DataChannelPayload, from peer: PeerConnection, at now: Duration) {
        let chat = settings.chat
        let refusal: ChatRefusal?
        switch payload {
        case .binary: refusal = .binary
        case .text(let text) where text.allSatisfy(\.isWhitespace): refusal = .empty
        case .text(let text) where text.utf8.count > chat.maxTextBytes: refusal = .tooLong
        case .text:
            refusal = peer.chatAllowance.take(at: now, perSecond: chat.messagesPerSecond, burst: chat.burst) ? nil : .tooFast
        }
        guard case .text(let text) = payload, refusal == nil else {
            counters.chatRefused += 1
            logDataChannelDrop(peer, .chatRefused, "chat message refused: \(refusal?.rawValue ?? "?")")
            return
        }
        let envelope = ChatEnvelope.json(participant: peer.participantName, user: peer.user, name: peer.displayName,
                                         role: peer.role, text: text, sentAtMilliseconds: Self.wallClockMilliseconds())
        counters.chatRelayed += 1
        chatCounts[peer.room.name, default: 0] += 1
        // The bytes are made once; each member's message shares them.
        var message = DataChannels.message(.text(envelope), stream: 0)
        for member in peer.room.members.values {
            guard let channel = member.chatChannel, member.sctp != nil else { continue }
            message.stream = channel
            try? member.dataChannels.send(message)
            scheduleDataChannels(member)
        }
    }

    /// Hands out the chat counts gathered so far and starts again from zero.
    func takeChatCounts() -> [String: Int] {
        defer { chatCounts = [:] }
        return chatCounts
    }

    private func logDataChannelDrop(_ peer: PeerConnection, _ reason: DropReason, _ message: @autoclosure () -> String) {
        guard peer.shouldLog(reason) else { return }
        logger.notice("\(message())", metadata: ["session": "\(peer.id)"])
    }

    static func wallClockMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000 + Int64(now.tv_nsec) / 1_000_000
    }
}
