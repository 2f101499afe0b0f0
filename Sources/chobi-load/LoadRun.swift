import DTLS
import Foundation
import LoadKit
import Signaling
import Synchronization
import SyntheticMedia
import SyntheticPeers

/// One run, start to end: the cast (accounts and sessions, minted tokens, or given URLs), then
/// the plan's joins and leaves on time, chat and gifts while it lasts, a progress line and a
/// sample of the server each second, and at the end the report. Every phase is bounded by the
/// run's end; nothing outlives it.
final class LoadRun: @unchecked Sendable {
    // @unchecked: the fields below are set before the concurrent phase starts, or are locked.
    let config: LoadConfiguration
    let plan: ScenarioPlan
    let runTag = String(UInt32.random(in: 0...UInt32.max), radix: 36)
    let chatLog = DeliveryLog()
    let giftLog = DeliveryLog()
    private let groups: [LoadViewers]
    private let registry = Mutex(Registry())
    private var publishers: [(room: Int, role: String, publisher: LoadPublisher, thread: PeerThread, resource: URL?, token: String?)] = []

    private let publishersLive = LiveCount()

    /// Viewers watching now, by "room/slot", and why joins failed.
    private struct Registry {
        var watching: [String: LoadViewer] = [:]
        var failures: [String: Int] = [:]
        var next = 0
    }

    init(_ config: LoadConfiguration) {
        self.config = config
        plan = ScenarioPlan(config.shape)
        groups = (0..<config.viewerThreads).map { _ in LoadViewers() }
    }

    func execute() async throws -> LoadReport {
        let setupStarted = RunClock.milliseconds()
        let (casts, giftID) = try await RoomCasting(config: config, plan: plan, runTag: runTag).cast()
        let setupSeconds = RunClock.seconds(since: setupStarted)
        say("cast ready in \(String(format: "%.1f", setupSeconds)) s: \(casts.count) room(s), mode \(config.mode.rawValue)")
        for (index, cast) in casts.enumerated() where !cast.room.isEmpty { say("room \(index): \(cast.room)") }

        let joiner = PeerJoiner(wish: WISHClient(), endpoints: config.endpoints, certificate: try DTLSCertificate(),
                                serverAddress: config.serverAddress, localAddress: config.localAddress,
                                transport: config.transport)
        let duration = config.shape.duration
        let startInstant = ContinuousClock.now
        let end = startInstant + .seconds(duration)
        let endNanos = monotonicNanos() + UInt64(duration * 1e9)
        let readers = groups.map { group in PeerThread { group.run(until: endNanos + 1_500_000_000) } }
        let sampler = ServerSampler(metricsURL: config.metricsURL, pid: config.serverPID)
        let progress = ProgressLine(groups: groups, sampler: sampler, chat: chatLog, gifts: giftLog,
                                    publishers: publishersLive)

        do {
            try await phases(casts: casts, giftID: giftID, joiner: joiner, progress: progress, start: startInstant, end: end)
        } catch {
            // A publisher could not join (or the run was cancelled): stop what runs, leave the
            // server as found, and say why.
            for group in groups { group.stop.store(true, ordering: .relaxed) }
            for entry in publishers { entry.publisher.stop.store(true, ordering: .relaxed) }
            for entry in publishers { entry.thread.join() }
            for reader in readers { reader.join() }
            await tearDown(casts: casts)
            throw error
        }
        for entry in publishers { entry.thread.join() }
        try? await Task.sleep(for: .milliseconds(500))
        for group in groups { group.stop.store(true, ordering: .relaxed) }
        for reader in readers { reader.join() }
        await tearDown(casts: casts)

        var report = LoadReportBuilder(config: config, setupSeconds: setupSeconds, duration: duration)
            .build(publishers: publishers.map { ($0.room, $0.role, $0.publisher) }, viewers: groups.flatMap(\.everyone),
                   joinFailures: registry.withLock { $0.failures }, chat: chatLog, gifts: giftLog,
                   series: progress.series, server: sampler.finish())
        report.failures = config.thresholds.failures(of: report)
        say(ReportSummary.table(report))
        try write(report)
        withExtendedLifetime(publishers) {}
        return report
    }

    /// The run proper: the progress line, each room's chat and gifts, and the plan, until `end`.
    private func phases(casts: [RoomCast], giftID: String?, joiner: PeerJoiner, progress: ProgressLine,
                        start startInstant: ContinuousClock.Instant, end: ContinuousClock.Instant) async throws {
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await progress.run(from: startInstant, until: end) }
            let economy = config.chatPerSecond > 0 || config.giftsPerSecond > 0
            for (index, cast) in casts.enumerated() where economy {
                guard let session = cast.sessionID, let token = cast.listenerToken else { continue }
                tasks.addTask { [self] in
                    await self.economy(room: index, cast: cast, session: session, listenerToken: token, giftID: giftID,
                                       start: startInstant, end: end)
                }
            }
            try await self.follow(plan: plan, casts: casts, joiner: joiner, start: startInstant, end: end)
            try await Task.sleep(until: end)
            try await tasks.waitForAll()
        }
    }

    // MARK: the plan

    /// Joins and leaves at their times: publishers one by one (viewers bind the tracks that exist
    /// when they ask), viewers `joinConcurrency` at a time. Nothing starts in the last 1.5 s.
    private func follow(plan: ScenarioPlan, casts: [RoomCast], joiner: PeerJoiner, start: ContinuousClock.Instant,
                        end: ContinuousClock.Instant) async throws {
        let lastStart = end - .milliseconds(1500)
        try await withThrowingTaskGroup(of: Void.self) { joins in
            var inFlight = 0
            for step in plan.steps {
                let due = start + .seconds(step.at)
                guard due <= lastStart else { break }
                try await Task.sleep(until: due)
                switch step.action {
                case let .join(room, role, slot) where role != .viewer:
                    let token: String? = config.mode == .wish ? config.bearer
                        : role == .host ? casts[room].hostToken : casts[room].guestTokens[slot]
                    try await publish(room: room, role: role, room: casts[room].room, token: token, joiner: joiner,
                                      seconds: max(1, (end - ContinuousClock.now) / .seconds(1)))
                case let .join(room, _, slot):
                    if inFlight >= config.joinConcurrency {
                        try await joins.next()
                        inFlight -= 1
                    }
                    let cast = casts[room]
                    let token: String? = config.mode == .wish ? config.bearer : cast.viewerToken(slot: slot)
                    let at = step.at
                    joins.addTask { [self] in
                        await self.watch(room: room, slot: slot, cast: cast, token: token, joiner: joiner, at: at)
                    }
                    inFlight += 1
                case let .leave(room, slot):
                    await leave(room: room, slot: slot, at: ContinuousClock.now - start)
                }
            }
            try await joins.waitForAll()
        }
    }

    private func publish(room index: Int, role: ScenarioPlan.Role, room: String, token: String?, joiner: PeerJoiner,
                         seconds: Double) async throws {
        let ssrcs = MediaSetup.PublisherSSRCs()
        let joined = try await joiner.publisher(room: room, token: token, media: config.media, ssrcs: ssrcs)
        let publisher = try config.media.publisher(peer: joined.peer, ssrcs: ssrcs, width: config.width, height: config.height,
                                                   fps: config.fps, bitrate: config.bitrate, index: publishers.count)
        let thread = PeerThread { publisher.run(seconds: seconds) }
        publishers.append((index, role.rawValue, publisher, thread, joined.resource, token))
        publishersLive.value.add(1, ordering: .relaxed)
    }

    /// A viewer's share of the media options; its impairment draws from a seed of its own.
    private func viewerMedia(_ peer: SyntheticPeer, room: Int, slot: Int) -> LoadViewer.Media {
        let media = config.media
        return LoadViewer.Media(audioPayloadType: media.audio ? peer.answeredPayloadType(codec: "opus") : nil,
                                rembBitrate: media.rembBitrate,
                                transportCCExtensionID: media.transportCC ? peer.answeredExtensionID(ViewerOffer.transportCCURI) : nil,
                                roundTrip: media.viewerRoundTrip,
                                maxWaitMilliseconds: media.viewerMaxWaitMilliseconds,
                                impairment: media.viewerImpairment(index: room * ScenarioOptions.maxPeers + slot))
    }

    private func watch(room: Int, slot: Int, cast: RoomCast, token: String?, joiner: PeerJoiner, at: Double) async {
        let requestedAt = RunClock.milliseconds()
        let stamp = LoadClock.milliseconds()
        let publishersPerRoom = max(1, config.shape.publishersPerRoom)
        do {
            let joined = try await joiner.viewer(room: cast.room, token: token, publishers: publishersPerRoom, media: config.media)
            let decodes = config.shape.viewers == 0 ? true : slot % config.shape.viewers < config.decodingPerRoom
            let viewer = LoadViewer(peer: joined.peer, room: room, slot: slot, decodes: decodes, churned: slot >= config.shape.viewers,
                                    requestedAt: requestedAt, requestedAtStamp: stamp, joinedAt: at,
                                    expectedPublishers: ViewerOffer.boundSections(in: joined.answer), resource: joined.resource,
                                    token: token, media: viewerMedia(joined.peer, room: room, slot: slot))
            let group = registry.withLock { registry -> LoadViewers in
                registry.watching["\(room)/\(slot)"] = viewer
                registry.next += 1
                return groups[registry.next % groups.count]
            }
            group.add(viewer)
        } catch let failure as WISHClient.Failure {
            registry.withLock { $0.failures[failure.reason, default: 0] += 1 }
            say("viewer \(room)/\(slot): \(failure)")
        } catch {
            registry.withLock { $0.failures["\(type(of: error))", default: 0] += 1 }
            say("viewer \(room)/\(slot): \(error)")
        }
    }

    private func leave(room: Int, slot: Int, at elapsed: Duration) async {
        guard let viewer = registry.withLock({ $0.watching.removeValue(forKey: "\(room)/\(slot)") }) else { return }
        viewer.leftAt = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        viewer.leaving.store(true, ordering: .relaxed)
        if let resource = viewer.resource { await WISHClient().delete(resource: resource, token: viewer.token) }
    }

    // MARK: chat and gifts

    private func economy(room: Int, cast: RoomCast, session: String, listenerToken: String, giftID: String?,
                         start: ContinuousClock.Instant, end: ContinuousClock.Instant) async {
        let heard = LiveCount()
        let listener = RoomEventListener(base: config.base, token: listenerToken, chat: chatLog, gifts: giftLog)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await listener.listen(until: end + .seconds(2)) { heard.value.store(1, ordering: .relaxed) }
                } catch {
                    say("room \(room) listener: \(error)")
                }
            }
            // Send only once the member listens (at most 5 s of waiting), for a second less than
            // what is left, so the last messages can still arrive.
            for _ in 0..<100 where heard.value.load(ordering: .relaxed) == 0 { try? await Task.sleep(for: .milliseconds(50)) }
            let seconds = (end - ContinuousClock.now) / .seconds(1) - 1
            if seconds > 0 {
                let driver = ChatGiftDriver(api: TRPCClient(base: config.base), session: session, roomIndex: room, runTag: runTag,
                                            chatters: cast.chatterTokens, gifters: cast.gifterTokens, giftID: giftID,
                                            chatLog: chatLog, giftLog: giftLog)
                await driver.run(chatPerSecond: config.chatPerSecond, giftsPerSecond: config.giftsPerSecond, seconds: seconds)
            }
        }
    }

    // MARK: the end

    /// Closes what the run opened: every WHIP/WHEP resource still open, then (session mode) the
    /// sessions, so the server is left as it was found. A few requests at a time, best effort.
    private func tearDown(casts: [RoomCast]) async {
        let watching = registry.withLock { $0.watching.values.compactMap { v in v.resource.map { ($0, v.token) } } }
        let open = watching + publishers.compactMap { p in p.resource.map { ($0, p.token) } }
        await withTaskGroup(of: Void.self) { group in
            for (index, (resource, token)) in open.enumerated() {
                if index >= 8 { await group.next() }
                group.addTask { await WISHClient().delete(resource: resource, token: token) }
            }
        }
        guard config.mode == .session else { return }
        let api = TRPCClient(base: config.base)
        for cast in casts {
            guard let session = cast.sessionID, let token = cast.hostUserToken else { continue }
            _ = try? await api.authorized(token).mutate("streaming.endSession", ["sessionId": session])
        }
    }

    private func write(_ report: LoadReport) throws {
        if let path = config.jsonPath {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(report).write(to: URL(fileURLWithPath: path))
            say("report written to \(path)")
        }
        if let path = config.htmlPath {
            try Data(HTMLReport.render(report).utf8).write(to: URL(fileURLWithPath: path))
            say("HTML report written to \(path)")
        }
    }
}
