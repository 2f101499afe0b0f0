import ArgumentParser
import Hummingbird
import Logging
import MediaTransport
import ServiceLifecycle

/// `chobi-server serve`: HTTP (health now; API and signaling later) plus the media UDP ports.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the server.")

    @Option(help: "HTTP listen address (env CHOBI_HTTP_HOST).")
    var httpHost: String = Environment.string("CHOBI_HTTP_HOST") ?? "127.0.0.1"

    @Option(help: "HTTP port (env CHOBI_HTTP_PORT).")
    var httpPort: Int = Environment.int("CHOBI_HTTP_PORT") ?? 8080

    @Option(help: "Media UDP bind address (env CHOBI_MEDIA_HOST).")
    var mediaHost: String = Environment.string("CHOBI_MEDIA_HOST") ?? "127.0.0.1"

    @Option(help: "First media UDP port; one port per event loop (env CHOBI_MEDIA_PORT).")
    var mediaPort: Int = Environment.int("CHOBI_MEDIA_PORT") ?? 50000

    @Option(help: "Media event loops, one UDP port each (env CHOBI_MEDIA_LOOPS; default: cores).")
    var mediaLoops: Int?

    @Option(help: "Address announced in ICE candidates (env CHOBI_ANNOUNCE_IP; default: media host).")
    var announceIP: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error (env CHOBI_LOG_LEVEL).")
    var logLevel: String = Environment.string("CHOBI_LOG_LEVEL") ?? "info"

    func run() async throws {
        var logger = Logger(label: "chobi")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info

        let media = MediaTransportService(
            configuration: .init(bindAddress: mediaHost, firstPort: mediaPort,
                                 announceAddress: announceIP ?? Environment.string("CHOBI_ANNOUNCE_IP"),
                                 loops: mediaLoops ?? Environment.int("CHOBI_MEDIA_LOOPS")
                                     ?? MediaTransportConfiguration.defaultLoops),
            logger: logger)
        // Bind before serving HTTP so a taken port fails start-up instead of a later /ready.
        try await media.bind()

        let app = Application(
            router: HealthRoutes.router(media: media),
            configuration: .init(address: .hostname(httpHost, port: httpPort), serverName: "chobi"),
            logger: logger)

        let group = ServiceGroup(configuration: .init(
            services: [app, media],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
    }
}
