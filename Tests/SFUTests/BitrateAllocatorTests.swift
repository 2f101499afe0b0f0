import SFU
import Testing
import TestSupport

@Suite("BitrateAllocator: audio first, speakers first, two passes, viewer limits")
struct BitrateAllocatorTests {
    /// A three-layer simulcast ladder with two temporal layers each (bitrates cumulative per layer).
    static let ladder: [VideoLayer] = [
        VideoLayer(spatial: 0, temporal: 0, width: 320, height: 180, bitrate: 100_000),
        VideoLayer(spatial: 0, temporal: 1, width: 320, height: 180, bitrate: 150_000),
        VideoLayer(spatial: 1, temporal: 0, width: 640, height: 360, bitrate: 350_000),
        VideoLayer(spatial: 1, temporal: 1, width: 640, height: 360, bitrate: 500_000),
        VideoLayer(spatial: 2, temporal: 0, width: 1280, height: 720, bitrate: 1_000_000),
        VideoLayer(spatial: 2, temporal: 1, width: 1280, height: 720, bitrate: 1_500_000),
    ]

    static let audio = [BitrateAllocator.AudioTrack(track: 100, bitrate: 40_000),
                        BitrateAllocator.AudioTrack(track: 101, bitrate: 40_000)]

    /// Track 1 by someone not speaking, track 2 by the dominant speaker, track 3 by the second one.
    static func room(layers: [VideoLayer] = ladder) -> [BitrateAllocator.VideoTrack] {
        [BitrateAllocator.VideoTrack(track: 1, publisher: 11, speakerRank: nil, layers: layers),
         BitrateAllocator.VideoTrack(track: 2, publisher: 12, speakerRank: 0, layers: layers),
         BitrateAllocator.VideoTrack(track: 3, publisher: 13, speakerRank: 1, layers: layers)]
    }

    static func choices(_ allocation: BitrateAllocation) -> [LayerChoice] { allocation.decisions.map(\.choice) }

    @Test("plenty of bandwidth: every track gets its best layer, decisions in the order given")
    func plenty() {
        let allocation = BitrateAllocator.allocate(available: 10_000_000, audio: Self.audio, video: Self.room())
        #expect(allocation.decisions.map(\.track) == [1, 2, 3])
        #expect(Self.choices(allocation) == Array(repeating: .layer(spatial: 2, temporal: 1), count: 3))
        #expect(allocation.audioBitrate == 80_000)
        #expect(allocation.videoBitrate == 4_500_000)
        #expect(allocation.spare == 10_000_000 - 4_580_000)
        #expect(!allocation.isDeficient)
    }

    @Test("two passes: everyone's lowest layer first, then upgrades in speaker order")
    func twoPasses() {
        // 1.68 Mb/s: audio 80 k, three base layers 300 k, 1.3 M left for upgrades.
        let allocation = BitrateAllocator.allocate(available: 1_680_000, audio: Self.audio, video: Self.room())
        // The dominant speaker gets 720p at the base rate (1.0 M of the 1.4 M it may reach), the
        // second speaker 360p (500 k of the 500 k it may reach), the silent one stays at its base.
        #expect(Self.choices(allocation) == [.layer(spatial: 0, temporal: 0), .layer(spatial: 2, temporal: 0),
                                             .layer(spatial: 1, temporal: 1)])
        #expect(allocation.totalBitrate == 1_680_000)
        #expect(allocation.spare == 0)
        #expect(allocation.isDeficient)
        #expect(allocation.decision(for: 2)?.wantedBitrate == 1_500_000)
        // A one-pass greedy allocator would give the speaker 1.5 M and leave a track with nothing.
        #expect(allocation.decisions.allSatisfy { $0.reason == .allocated })

        // One bit less: the second speaker's 500 k no longer fits; it drops a temporal layer, and
        // the 150 k that frees upgrades the silent one's frame rate.
        let short = BitrateAllocator.allocate(available: 1_679_999, audio: Self.audio, video: Self.room())
        #expect(Self.choices(short) == [.layer(spatial: 0, temporal: 1), .layer(spatial: 2, temporal: 0),
                                        .layer(spatial: 1, temporal: 0)])
        #expect(short.spare == 99_999)
    }

    @Test("too little for every base layer: the least important tracks are paused, audio is kept")
    func tight() {
        // 340 k: audio 80 k, two base layers 200 k; the 60 k left cannot carry a third base layer
        // but upgrades the dominant speaker's frame rate.
        let two = BitrateAllocator.allocate(available: 340_000, audio: Self.audio, video: Self.room())
        #expect(Self.choices(two) == [.paused, .layer(spatial: 0, temporal: 1), .layer(spatial: 0, temporal: 0)])
        #expect(two.decision(for: 1)?.reason == .insufficientBandwidth)
        #expect(two.decision(for: 1)?.bitrate == 0)

        // Less than the audio: audio is still forwarded, video is not.
        let none = BitrateAllocator.allocate(available: 50_000, audio: Self.audio, video: Self.room())
        #expect(none.audioBitrate == 80_000)
        #expect(Self.choices(none) == [.paused, .paused, .paused])
        #expect(none.decisions.allSatisfy { $0.reason == .insufficientBandwidth && $0.budget == 0 })
        #expect(none.totalBitrate == 80_000)

        let zero = BitrateAllocator.allocate(available: 0, audio: [], video: Self.room())
        #expect(Self.choices(zero) == [.paused, .paused, .paused])
    }

    @Test("a cheaper track further down still gets a layer when a more important one cannot fit")
    func cheaperLowerPriorityFits() {
        let thumbnail = [VideoLayer(spatial: 0, temporal: 0, width: 160, height: 90, bitrate: 60_000)]
        let video = [BitrateAllocator.VideoTrack(track: 1, publisher: 11, speakerRank: 0, layers: [Self.ladder[4]]),
                     BitrateAllocator.VideoTrack(track: 2, publisher: 12, layers: thumbnail)]
        let allocation = BitrateAllocator.allocate(available: 500_000, audio: [], video: video)
        #expect(Self.choices(allocation) == [.paused, .layer(spatial: 0, temporal: 0)])
        #expect(allocation.decision(for: 1)?.reason == .insufficientBandwidth)
    }

    @Test("never above the viewer's height or layer limits; paused and empty tracks take nothing")
    func limits() {
        var video = Self.room()
        video[1].maxHeight = 360          // the speaker's tile is small
        video[2].maxSpatial = 0           // asked for the smallest layer
        video[2].maxTemporal = 0          // at the base frame rate
        video[0].pausedByViewer = true    // scrolled out of view
        let allocation = BitrateAllocator.allocate(available: 10_000_000, audio: [], video: video)
        #expect(Self.choices(allocation) == [.paused, .layer(spatial: 1, temporal: 1), .layer(spatial: 0, temporal: 0)])
        #expect(allocation.decision(for: 1)?.reason == .pausedByViewer)
        #expect(allocation.decision(for: 1)?.budget == 0)
        #expect(allocation.decision(for: 2)?.wantedBitrate == 500_000)
        #expect(!allocation.isDeficient)

        // A layer not flowing (the publisher dropped 720p) is never chosen; no layer at all: noLayer.
        var layers = Self.ladder
        layers[4].bitrate = 0
        layers[5].bitrate = 0
        let degraded = BitrateAllocator.allocate(available: 10_000_000, audio: [], video: [
            .init(track: 1, publisher: 1, layers: layers),
            .init(track: 2, publisher: 2, layers: []),
            .init(track: 3, publisher: 3, layers: Self.ladder, maxHeight: 100),
        ])
        #expect(Self.choices(degraded) == [.layer(spatial: 1, temporal: 1), .paused, .paused])
        #expect(degraded.decision(for: 2)?.reason == .noLayer)
        #expect(degraded.decision(for: 3)?.reason == .noLayer)
    }

    @Test("usable fraction and budget: the track's budget is its layer plus what nobody used")
    func budget() {
        var configuration = BitrateAllocator.Configuration()
        configuration.usableFraction = 0.5
        let allocation = BitrateAllocator.allocate(available: 2_000_000, audio: [],
                                                   video: [.init(track: 1, publisher: 1, layers: Self.ladder)],
                                                   configuration: configuration)
        #expect(allocation.decisions.first?.choice == .layer(spatial: 2, temporal: 0))
        #expect(allocation.decisions.first?.budget == 1_000_000)
        let exact = BitrateAllocator.allocate(available: 1_200_000, audio: [],
                                              video: [.init(track: 1, publisher: 1, layers: Self.ladder)])
        #expect(exact.decisions.first?.bitrate == 1_000_000)
        #expect(exact.decisions.first?.budget == 1_200_000)

        var allocator = BitrateAllocator()
        #expect(allocator.lastAllocation == nil)
        let kept = allocator.allocate(available: 1_200_000, audio: [], video: [.init(track: 1, publisher: 1, layers: Self.ladder)])
        #expect(allocator.lastAllocation == kept)
    }

    @Test("random rooms: choices respect limits, fit the estimate, follow priority, and leave no usable spare")
    func randomRooms() {
        var random = SeededGenerator(seed: 0xA110C)
        for _ in 0..<2_000 {
            var video: [BitrateAllocator.VideoTrack] = []
            for index in 0..<Int(random.next() % 6) {
                var layers: [VideoLayer] = []
                for _ in 0..<Int(random.next() % 7) {
                    let spatial = Int(random.next() % 3)
                    layers.append(VideoLayer(spatial: spatial, temporal: Int(random.next() % 3), width: 320 << spatial,
                                             height: 180 << spatial, bitrate: random.next() % 4 == 0 ? 0 : random.next() % 2_000_000))
                }
                video.append(.init(track: TrackID(UInt64(index)), publisher: ParticipantID(UInt64(index)),
                                   speakerRank: random.next() % 3 == 0 ? nil : Int(random.next() % 4), layers: layers,
                                   maxHeight: random.next() % 2 == 0 ? nil : Int(random.next() % 800),
                                   maxSpatial: random.next() % 3 == 0 ? Int(random.next() % 3) : nil,
                                   maxTemporal: random.next() % 3 == 0 ? Int(random.next() % 3) : nil,
                                   pausedByViewer: random.next() % 8 == 0))
            }
            let audio = (0..<Int(random.next() % 3)).map { BitrateAllocator.AudioTrack(track: TrackID(UInt64(100 + $0)),
                                                                                     bitrate: random.next() % 100_000) }
            let available = random.next() % 6_000_000
            let allocation = BitrateAllocator.allocate(available: available, audio: audio, video: video)
            #expect(allocation.decisions.count == video.count)
            if allocation.audioBitrate <= available { #expect(allocation.totalBitrate <= available) }
            for (track, decision) in zip(video, allocation.decisions) {
                guard case let .layer(spatial, temporal) = decision.choice else {
                    #expect(decision.bitrate == 0)
                    continue
                }
                let layer = track.layers.first { $0.spatial == spatial && $0.temporal == temporal && $0.bitrate == decision.bitrate }
                #expect(layer.map(track.allows) == true)
                #expect(!track.pausedByViewer)
                // Nothing better for this track fits in what was left over.
                let better = track.layers.contains { track.allows($0) && $0.choice > decision.choice
                    && $0.bitrate <= decision.bitrate + allocation.spare }
                #expect(!better)
            }
            // A track paused for bandwidth could not have had its cheapest layer from what was left.
            for (track, decision) in zip(video, allocation.decisions) where decision.reason == .insufficientBandwidth {
                let cheapest = track.layers.filter(track.allows).map(\.bitrate).min() ?? 0
                #expect(cheapest > allocation.spare)
            }
        }
    }
}
