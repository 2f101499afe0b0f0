#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import API
import ArgumentParser
import Hummingbird
import HummingbirdWebSocket
import Logging
import MediaTransport
import ServiceLifecycle
import Signaling
import Store
import LiveSessions
import ServerTLS
import Analytics

/// `chobi-server serve`: HTTP (health, metrics, WHIP/WHEP, the web page, the /rtc WebSocket) plus
/// the media UDP ports, in one ServiceGroup so SIGTERM shuts everything down in order.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the server.")

    @Option(help: "HTTP listen address (env CHOBI_HTTP_HOST).")
    var httpHost: String = Environment.string("CHOBI_HTTP_HOST") ?? "127.0.0.1"

    @Option(help: "HTTP port (env CHOBI_HTTP_PORT).")
    var httpPort: Int = Environment.int("CHOBI_HTTP_PORT") ?? 8080

    @Option(help: "Media bind address, UDP and TCP; 0.0.0.0 or :: for every interface, which needs --announce-ip (env CHOBI_MEDIA_HOST).")
    var mediaHost: String = Environment.string("CHOBI_MEDIA_HOST") ?? "127.0.0.1"

    @Option(help: "First media UDP port; one port per event loop (env CHOBI_MEDIA_PORT).")
    var mediaPort: Int = Environment.int("CHOBI_MEDIA_PORT") ?? 50000

    @Option(help: "Media event loops, one UDP port each (env CHOBI_MEDIA_LOOPS; default: cores).")
    var mediaLoops: Int?

    @Option(help: "Addresses announced in ICE candidates, comma-separated, IPv4 and IPv6, most preferred first (env CHOBI_ANNOUNCE_IP; default: the media host).")
    var announceIP: String?

    @Flag(inversion: .prefixedNo, help: "ICE over TCP on the media port numbers, for networks that block UDP (env CHOBI_MEDIA_TCP=0 turns it off).")
    var mediaTCP: Bool = Environment.string("CHOBI_MEDIA_TCP") != "0"

    /// The announce addresses as a list (the option or its environment variable).
    var announceAddresses: [String] {
        (announceIP ?? Environment.string("CHOBI_ANNOUNCE_IP") ?? "")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    @Option(help: "Data directory: jwt.key and, by default, chobi.sqlite (env CHOBI_DATA_DIR).")
    var dataDir: String = Environment.string("CHOBI_DATA_DIR") ?? "./data"

    @Option(help: "SQLite database file (env CHOBI_DATABASE; default: <data-dir>/chobi.sqlite).")
    var database: String = Environment.string("CHOBI_DATABASE") ?? ""

    @Option(help: "Origins allowed to call /api/trpc from another site, comma-separated (env CHOBI_API_ORIGINS; default: none, same-origin only).")
    var apiOrigins: String = Environment.string("CHOBI_API_ORIGINS") ?? ""

    @Option(help: "Guests on stage at once per session (env CHOBI_MAX_GUESTS).")
    var maxGuests: Int = Environment.int("CHOBI_MAX_GUESTS") ?? 8

    @Option(help: "Seconds a live session waits for a host with no connection before it ends (env CHOBI_HOST_ABSENCE_LIMIT).")
    var hostAbsenceLimit: Int = Environment.int("CHOBI_HOST_ABSENCE_LIMIT") ?? 60

    @Option(help: "Access-Control-Allow-Origin for WHIP/WHEP (env CHOBI_CORS_ORIGIN).")
    var corsOrigin: String = Environment.string("CHOBI_CORS_ORIGIN") ?? "*"

    @Option(help: "Proxies whose X-Forwarded-For names the client, addresses or CIDRs, comma-separated (env CHOBI_TRUSTED_PROXIES; default: none, the TCP peer is the client).")
    var trustedProxies: String = Environment.string("CHOBI_TRUSTED_PROXIES") ?? ""

    @Option(help: "API requests per second per client address, sustained (env CHOBI_RATE_PER_ADDRESS; 0 turns the limit off).")
    var ratePerAddress: Double = Environment.string("CHOBI_RATE_PER_ADDRESS").flatMap(Double.init) ?? 20

    @Option(help: "API requests per client address back to back (env CHOBI_BURST_PER_ADDRESS).")
    var burstPerAddress: Int = Environment.int("CHOBI_BURST_PER_ADDRESS") ?? 60

    @Option(help: "API requests per second per signed-in user, sustained (env CHOBI_RATE_PER_USER; 0 turns the limit off).")
    var ratePerUser: Double = Environment.string("CHOBI_RATE_PER_USER").flatMap(Double.init) ?? 10

    @Option(help: "API requests per signed-in user back to back (env CHOBI_BURST_PER_USER).")
    var burstPerUser: Int = Environment.int("CHOBI_BURST_PER_USER") ?? 30

    @Option(help: "Largest API request body in bytes (env CHOBI_MAX_BODY_BYTES).")
    var maxBodyBytes: Int = Environment.int("CHOBI_MAX_BODY_BYTES") ?? 64 * 1024

    @Option(help: "Largest video upload in bytes (env CHOBI_MAX_UPLOAD_BYTES; default 2 GiB).")
    var maxUploadBytes: Int64 = Environment.int("CHOBI_MAX_UPLOAD_BYTES").map(Int64.init) ?? VideoLibrary.defaultMaxUploadBytes

    @Option(help: "Directory for video files (env CHOBI_VIDEOS_DIR; default: <data-dir>/videos).")
    var videosDir: String = Environment.string("CHOBI_VIDEOS_DIR") ?? ""

    @Option(help: "Words masked in chat, one per line, # for comments (env CHOBI_CHAT_FILTER; default: none).")
    var chatFilter: String = Environment.string("CHOBI_CHAT_FILTER") ?? ""

    @Option(help: "Chat lines per second per user, sustained (env CHOBI_CHAT_RATE; hosts and moderators are exempt).")
    var chatRate: Double = Environment.string("CHOBI_CHAT_RATE").flatMap(Double.init) ?? 1

    @Option(help: "Chat lines per user back to back (env CHOBI_CHAT_BURST).")
    var chatBurst: Int = Environment.int("CHOBI_CHAT_BURST") ?? 5

    @Option(help: "GeoIP country database for IPv4 clients (Debian's geoip-database; env CHOBI_GEOIP_DB; empty: no lookups). Missing: every country is \"unknown\".")
    var geoipDb: String = Environment.string("CHOBI_GEOIP_DB") ?? CountryResolver.defaultIPv4Path

    @Option(help: "GeoIP country database for IPv6 clients (env CHOBI_GEOIP_DB_V6; empty: no lookups).")
    var geoipDbV6: String = Environment.string("CHOBI_GEOIP_DB_V6") ?? CountryResolver.defaultIPv6Path

    @Option(help: "Seconds between analytics samples of live sessions (env CHOBI_ANALYTICS_INTERVAL).")
    var analyticsInterval: Double = Environment.string("CHOBI_ANALYTICS_INTERVAL").flatMap(Double.init) ?? 10

    @OptionGroup(title: "HTTPS")
    var tls: TLSOptions

    @Option(help: "Log level: trace, debug, info, notice, warning, error (env CHOBI_LOG_LEVEL).")
    var logLevel: String = Environment.string("CHOBI_LOG_LEVEL") ?? "info"

    @Option(help: "Log format: text, or json (one object per line on stderr) (env CHOBI_LOG_FORMAT).")
    var logFormat: String = Environment.string("CHOBI_LOG_FORMAT") ?? LogFormat.text.rawValue

    func validate() throws {
        guard LogFormat(rawValue: logFormat) != nil else {
            throw ValidationError("--log-format: expected text or json, not \"\(logFormat)\"")
        }
        guard analyticsInterval.isFinite, analyticsInterval >= 0.1, analyticsInterval <= 3600 else {
            throw ValidationError("--analytics-interval: expected seconds between 0.1 and 3600")
        }
        guard maxUploadBytes > 0 else { throw ValidationError("--max-upload-bytes: must be positive") }
    }

    func run() async throws {
        // Before the first Logger: one made earlier would keep the default handler.
        LogFormat(rawValue: logFormat)?.bootstrap()
        var logger = Logger(label: "chobi")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let mediaConfiguration = MediaTransportConfiguration(
            bindAddress: mediaHost, firstPort: mediaPort, announceAddresses: announceAddresses, tcp: mediaTCP,
            loops: mediaLoops ?? Environment.int("CHOBI_MEDIA_LOOPS") ?? MediaTransportConfiguration.defaultLoops)
        // Addresses no client could use stop the start before anything is opened or bound.
        try mediaConfiguration.validate()

        let key = try JWTKeyStore(dataDirectory: dataDir).loadKey()
        let tokens = await RoomTokenVerifier(key: key)

        let databasePath = database.isEmpty ? dataDir + "/chobi.sqlite" : database
        let store = try Store.open(path: databasePath)
        // A previous process that died (kill -9, power loss) left its sessions live: end them now,
        // with their reports, before anyone can see them in the list.
        let orphans = try await store.sessions.endOrphanedSessions(now: Date())
        if !orphans.isEmpty {
            logger.notice("ended sessions left live by a previous run", metadata: ["count": "\(orphans.count)"])
        }

        let media = MediaTransportService(configuration: mediaConfiguration, logger: logger)
        let signalingConfiguration = SignalingConfiguration(allowedOrigin: corsOrigin)
        // Reads the web page's files: a broken install stops here, before any port is bound.
        let signaling = try SignalingService(mediaPlane: media, tokens: tokens, configuration: signalingConfiguration)
        // Bind before serving HTTP so a taken port fails start-up instead of a later /ready.
        try await media.bind()
        let router = Router(context: ServerRequestContext.self)
        HealthRoutes.register(on: router, media: media, store: store)
        signaling.registerAllRoutes(on: router)

        let liveSessions = LiveSessionsConfiguration(maxGuests: maxGuests, hostAbsenceLimit: .seconds(hostAbsenceLimit))
        let origins = apiOrigins.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let proxies: TrustedProxies
        do {
            proxies = try TrustedProxies(parsing: trustedProxies)
        } catch {
            throw ValidationError("--trusted-proxies: \(error)")
        }
        let apiConfiguration = TRPCConfiguration(
            maxInputBytes: maxBodyBytes,
            perAddressLimit: ratePerAddress > 0 ? RateLimit(ratePerSecond: ratePerAddress, burst: burstPerAddress) : nil,
            perUserLimit: ratePerUser > 0 ? RateLimit(ratePerSecond: ratePerUser, burst: burstPerUser) : nil,
            clientAddress: proxies.isEmpty ? .connection : .forwardedFor(proxies),
            cors: CORSAllowList(origins: Set(origins)))
        let userTokens = await UserTokenVerifier(key: key.bytes)
        var api = TRPCRouter(tokens: userTokens, configuration: apiConfiguration)
        let events = EventsHub()
        let notifier = Notifier(store: store, hub: events, logger: logger)
        let progress = ProgressTracker(store: store, notifier: notifier, logger: logger)
        let activity = Activity(notifier: notifier, progress: progress, events: events)
        UserProcedures(store: store, hasher: PasswordHasher(), tokens: await UserTokenSigner(key: key.bytes),
                       activity: activity)
            .register(on: &api)
        ProfileProcedures(store: store, activity: activity).register(on: &api)
        NotificationProcedures(store: store, activity: activity).register(on: &api)
        EventsRoute(store: store, hub: events, tokens: userTokens).register(on: router)
        let countries = CountryResolver(ipv4Path: geoipDb, ipv6Path: geoipDbV6)
        for problem in countries.problems {
            logger.warning("GeoIP database not used: viewers' countries are \"unknown\"", metadata: ["problem": "\(problem)"])
        }
        let viewerFacts = ViewerFactsRecorder(countries: countries)
        let videos = VideoLibrary(store: store, directory: videosDir.isEmpty ? dataDir + "/videos" : videosDir,
                                  maxUploadBytes: maxUploadBytes, notifier: notifier)
        let recordings = SessionRecordings(library: videos, media: media, logger: logger)
        // Before anyone can watch: a recording a crash cut short is listed again.
        await recordings.recoverInterrupted()
        StreamingProcedures(store: store, signaling: signaling, roomTokens: await RoomTokenSigner(key: key),
                            configuration: liveSessions, activity: activity, viewerFacts: viewerFacts,
                            recordings: recordings)
            .register(on: &api)
        AnalyticsProcedures(store: store, facts: viewerFacts).register(on: &api)
        let filter: ChatFilter
        do {
            filter = chatFilter.isEmpty ? .none : try ChatFilter(contentsOfFile: chatFilter)
        } catch {
            throw ValidationError("--chat-filter: \(error)")
        }
        let chat = ChatService(store: store, signaling: signaling, filter: filter,
                               rate: RateLimit(ratePerSecond: chatRate, burst: chatBurst), logger: logger,
                               activity: activity)
        ChatProcedures(chat: chat).register(on: &api)
        GiftProcedures(chat: chat).register(on: &api)
        VideoProcedures(library: videos).register(on: &api)
        UploadRoute(library: videos, tokens: userTokens).register(on: router)
        PlaybackRoute(library: videos, tokens: userTokens).register(on: router)
        let uploadSweeper = UploadSweeper(library: videos, logger: logger)
        api.mount(on: router)
        MetricsRoutes.register(on: router, media: media, api: api.metrics, hub: signaling.hub)
        let recorder = LiveSessionRecorder(store: store, hub: signaling.hub, logger: logger)
        let watchdog = LiveSessionWatchdog(store: store, signaling: signaling, configuration: liveSessions, logger: logger,
                                           recordings: recordings)
        let sampler = AnalyticsSampler(store: store, facts: viewerFacts,
                                       interval: .milliseconds(Int64((analyticsInterval * 1000).rounded())), logger: logger)

        let announced = announceAddresses.isEmpty ? [mediaHost] : announceAddresses
        let certificates = try tls.makeReloader(hosts: announced + [httpHost], logger: logger)
        let app = Application(
            router: router,
            server: try .http1WebSocketUpgrade(
                webSocketRouter: router,
                configuration: SignalingService.webSocketServerConfiguration(signalingConfiguration))
                .overTLS(certificates),
            configuration: .init(address: .hostname(httpHost, port: httpPort), serverName: "chobi"),
            logger: logger)

        // With TLS, the reloader polls the certificate files until shutdown.
        let certificateServices: [any Service] = certificates.map { [$0] } ?? []
        let group = ServiceGroup(configuration: .init(
            // Shut down in reverse: live sessions end first, while their sockets can still be
            // told; then HTTP stops taking requests, signaling closes its sessions while the
            // media plane is still up to free them, media goes last. The analytics sampler stops
            // right after the watchdog, to take the final samples of the sessions it ended.
            services: [media, signaling, chat, recorder, notifier, progress, app, sampler, watchdog, uploadSweeper]
                + certificateServices,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
    }
}
