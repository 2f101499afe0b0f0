import SCTP

// The driver's data channels: the SCTP association rides on DTLS (packets pass through the
// driver's record queue), DCEP opens channels on it, and text on the `chat` channel is checked
// here and handed to the loop, which relays it to the room. usrsctp may produce output on its
// timer thread; the association then wakes the loop, which runs the driver again.

extension PeerConnection {
    /// Starts the association once DTLS is connected and a data channel section is agreed
    /// (at connection, or when a renegotiation adds the section).
    func startDataChannelsIfReady() {
        guard sctp == nil, !isClosed, dtls.state == .connected, let remotePort = dataChannelRemotePort else { return }
        do {
            let association = try SCTPAssociation(remotePort: remotePort, maxMessageSize: SessionNegotiator.maxMessageSize,
                                                  wake: wakeDataChannels)
            sctp = association
            try association.connect()
        } catch {
            logger.notice("data channels not started", metadata: ["error": "\(error)"])
            stopDataChannels()
        }
    }

    /// The client's SCTP port when the session agreed a data channel section.
    var dataChannelRemotePort: UInt16? {
        for section in sections { if case .dataChannel(let port) = section.usage { return port } }
        return nil
    }

    /// Ends the association (aborted; the client sees its channels close) and forgets its channels.
    func stopDataChannels() {
        sctp?.close()
        sctp = nil
        chatChannel = nil
        dataChannels = DataChannels(isDTLSClient: dtls.role == .client)
    }

    /// Queues a message on the peer's chat channel; false when it has none open. The loop runs
    /// the driver afterwards to move it.
    func queueChat(_ message: SCTPMessage) -> Bool {
        guard let channel = chatChannel, sctp != nil else { return false }
        var message = message
        message.stream = channel
        return (try? dataChannels.send(message)) != nil
    }

    // MARK: drains (from `run`)

    /// usrsctp's output: packets for DTLS (queued as records), whole messages for DCEP.
    func drainSCTP(at now: Duration) -> Bool {
        guard let association = sctp else { return false }
        var progressed = false
        while let output = association.pollOutput() {
            progressed = true
            switch output {
            case .transmit(let packet):
                records.append(.toDTLS(packet))
            case .up:
                logger.debug("SCTP association up")
            case .down:
                logger.info("SCTP association down")
                stopDataChannels()
                return true
            case .message(let message):
                emit(.counted(.dataChannelMessage))
                do {
                    try dataChannels.receive(message)
                } catch {
                    emit(.counted(.dataChannelRefused))
                    noteDrop(.dataChannelRefused, "data channel message refused: \(error)")
                }
            case .streamReset(let stream):
                dataChannels.close(stream)
            case .droppedOversize(let stream):
                emit(.counted(.dataChannelRefused))
                noteDrop(.dataChannelRefused, "data channel message over the size limit on stream \(stream)")
            }
        }
        return progressed
    }

    /// DCEP's output: messages to send on SCTP, channels opened and closed, chat lines.
    func drainDataChannels(at now: Duration) -> Bool {
        guard let association = sctp else { return false }
        var progressed = false
        while let output = dataChannels.pollOutput() {
            progressed = true
            switch output {
            case .send(let message, let channel):
                do {
                    try association.send(message, ordered: channel.ordered, reliability: channel.reliability)
                } catch {
                    emit(.counted(.dataChannelSendFailed))
                    noteDrop(.dataChannelTransport, "data channel send failed: \(error)")
                }
            case .resetStream(let stream):
                try? association.resetStream(stream)
            case .opened(let channel):
                if channel.label == ChatConfiguration.label, chatChannel == nil {
                    chatChannel = channel.id
                    emit(.chatOpened)
                }
            case .message(let channel, let payload):
                if channel == chatChannel { readChat(payload, at: now) }
            case .closed(let channel):
                if channel == chatChannel { chatChannel = nil }
            }
        }
        return progressed
    }

    /// A line on the chat channel: text, not blank, within the transport's size limit and its
    /// flood guard (the chat service applies the room's own rules: length, mutes, slow mode).
    private func readChat(_ payload: DataChannelPayload, at now: Duration) {
        let refusal: ChatFrameRefusal?
        switch payload {
        case .binary: refusal = .binary
        case .text(let text) where text.allSatisfy(\.isWhitespace): refusal = .empty
        case .text(let text) where text.utf8.count > chat.maxTextBytes: refusal = .tooLong
        case .text:
            refusal = chatAllowance.take(at: now, perSecond: chat.messagesPerSecond, burst: chat.burst) ? nil : .tooFast
        }
        guard case .text(let text) = payload, refusal == nil else {
            emit(.counted(.chatRefused))
            noteDrop(.chatRefused, "chat message refused: \(refusal?.rawValue ?? "?")")
            return
        }
        emit(.chat(text))
    }
}
