import RTP

// Active speakers: every audio packet's RFC 6464 level (from the publisher's ssrc-audio-level
// extension) feeds the room's detector; the detector's changed list goes out as an event at most
// four times a second, and the allocator gives the speakers' video the bandwidth first.

extension Room {
    /// Reads the audio level of an accepted audio packet, when the publisher writes one.
    func recordAudioLevel(of track: PublishedTrack, header: RTPHeader, packet: UnsafeRawBufferPointer, at now: Duration) {
        let id = track.descriptor.headerExtensions.audioLevel
        guard id != 0, let range = header.extensionValueRange(id: id, in: packet), !range.isEmpty else { return }
        let byte = packet[range.lowerBound]
        activeSpeakers.record(participant: track.publisherID, level: byte & 0x7F, voiceActivity: byte & 0x80 != 0, at: now)
    }

    /// Who speaks now, loudest first.
    public var speakers: [ParticipantID] { activeSpeakers.activeSpeakers }

    /// The detector's report, when its list changed (called from the room's timer).
    func pollActiveSpeakers(at now: Duration) {
        guard let deadline = activeSpeakers.nextDeadline, deadline <= now,
              let list = activeSpeakers.poll(at: now) else { return }
        emit(.activeSpeakersChanged(list))
        reallocateAll(at: now)
    }
}
