import RTP

// The timer path: one deadline for the whole room (the earliest of every track's NACK and
// keyframe-request timers and every publisher's receiver-report schedule), and one handler that
// runs whatever is due. An empty or idle room has no deadline.

extension Room {
    /// When `handleTimeout` should next run; nil when nothing is scheduled.
    public var nextDeadline: Duration? {
        var earliest: Duration?
        func consider(_ deadline: Duration?) {
            guard let deadline else { return }
            earliest = min(earliest ?? deadline, deadline)
        }
        consider(activeSpeakers.nextDeadline)
        for participant in participantList {
            consider(participant.reportGenerator.nextDeadline)
            consider(participant.allocationDeadline(refresh: configuration.allocationRefresh))
            for track in participant.tracks {
                consider(track.nackGenerator.nextDeadline)
                consider(track.keyframeRequester.nextDeadline)
            }
        }
        return earliest
    }

    /// Runs everything due at `now`: NACKs and pending keyframe requests upstream, receiver reports.
    public func handleTimeout(at now: Duration) {
        pollActiveSpeakers(at: now)
        allocateDue(at: now)
        for participant in participantList {
            for track in participant.tracks {
                if let deadline = track.nackGenerator.nextDeadline, deadline <= now {
                    let givenUpBefore = track.nackGenerator.givenUp
                    if let nack = track.nackGenerator.pollNACK(at: now, rtt: participant.roundTripTime,
                                                               senderSSRC: participant.options.feedbackSSRC,
                                                               mediaSSRC: track.inbound.ssrc),
                       sendRTCP(.nack(nack), to: participant.id) {
                        counters.nacksSent += 1
                    }
                    // Packets that will never come: a fresh keyframe is the only way forward.
                    if track.nackGenerator.givenUp > givenUpBefore, track.descriptor.kind == .video,
                       !track.subscriptions.isEmpty {
                        requestKeyframe(track, at: now)
                    }
                }
                if let request = track.keyframeRequester.handleTimeout(at: now) {
                    sendKeyframeRequest(request, for: track)
                }
            }
            if participant.reportGenerator.isDue(at: now) { sendReceiverReport(of: participant, at: now) }
        }
    }

    private func sendReceiverReport(of participant: Participant, at now: Duration) {
        var blocks: [ReportBlock] = []
        for track in participant.tracks where track.statistics.hasReceived {
            guard blocks.count < ReceiverReportGenerator.maxBlocks else { break }
            blocks.append(track.statistics.makeReportBlock(ssrc: track.inbound.ssrc, at: now))
        }
        guard !blocks.isEmpty else { return }
        let report = ReceiverReportGenerator.report(senderSSRC: participant.options.feedbackSSRC, blocks: blocks)
        if sendRTCP(.receiverReport(report), to: participant.id) { counters.receiverReportsSent += 1 }
    }
}
