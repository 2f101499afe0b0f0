/// One viewer receiving one published track: the viewer's `Forwarder`, its RTX encoder when it
/// negotiated RTX, its sender-report rewriter, and its pause flag. Owned by the `PublishedTrack`
/// (the parent); the viewer's `Participant` indexes it by SSRC for routing its feedback.
public final class Subscription {
    public let subscriberID: ParticipantID
    public let trackID: TrackID
    public let parameters: SubscriptionParameters
    public internal(set) var forwarder: Forwarder
    var rtx: RTXEncoder?
    var senderReports = SenderReportRewriter()
    /// The viewer turned the track off (it stays subscribed).
    public internal(set) var isPausedByViewer = false
    /// The last report block the viewer sent about this stream.
    public internal(set) var lastReceiverReport: ReportBlockSummary?

    init(subscriberID: ParticipantID, track: TrackDescriptor, parameters: SubscriptionParameters, historyCapacity: Int) {
        self.subscriberID = subscriberID
        self.trackID = track.id
        self.parameters = parameters
        forwarder = Forwarder(configuration: Forwarder.Configuration(track: track, parameters: parameters,
                                                                     historyCapacity: historyCapacity))
        if let ssrc = parameters.rtxSSRC, let payloadType = parameters.rtxPayloadType {
            rtx = RTXEncoder(ssrc: ssrc, payloadType: payloadType, initialSequenceNumber: parameters.initialRTXSequenceNumber)
        }
    }

    /// Applies the combined pause state (publisher mute or viewer pause) to the forwarder.
    func updatePaused(trackMuted: Bool) {
        let paused = trackMuted || isPausedByViewer
        if paused != forwarder.isPaused { forwarder.setPaused(paused) }
    }
}
