// swift-tools-version:6.2
// Chobi Live: WebRTC SFU, signaling and control API. Map of the targets: docs/DESIGN in ../shared.
import PackageDescription

let package = Package(
    name: "ChobiLive",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "chobi-server", targets: ["chobi-server"]),
        .executable(name: "chobi-bench", targets: ["chobi-bench"]),
        .executable(name: "chobi-load", targets: ["chobi-load"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-crypto.git", "4.5.2"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
    ],
    targets: [
        // C libraries from Debian, one module map each.
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSRTP", pkgConfig: "libsrtp2", providers: [.apt(["libsrtp2-dev"])]),
        .systemLibrary(name: "CUsrsctp", pkgConfig: "usrsctp", providers: [.apt(["libusrsctp-dev"])]),
        .systemLibrary(name: "COpus", pkgConfig: "opus", providers: [.apt(["libopus-dev"])]),
        .systemLibrary(name: "CVPX", pkgConfig: "vpx", providers: [.apt(["libvpx-dev"])]),
        // Country by address from Debian's geoip-database files (GeoIP.dat, GeoIPv6.dat).
        .systemLibrary(name: "CGeoIP", pkgConfig: "geoip", providers: [.apt(["libgeoip-dev"])]),
        // Wrappers for C macros and variadics that Swift cannot call.
        .target(
            name: "CChobiShims",
            dependencies: ["COpenSSL", "COpus", "CVPX"],
            linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto"),
                             .linkedLibrary("vpx"), .linkedLibrary("opus")]
        ),

        // Protocol cores: sans-I/O, time is a parameter; each queues its outputs in an OutputQueue.
        .target(name: "OutputQueue"),
        .target(name: "STUN", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "ICE", dependencies: ["STUN", "OutputQueue"]),
        .target(name: "SDP"),
        .target(name: "RTP"),
        // Recording: a WebM muxer of our own, sans-I/O (issue 16).
        .target(name: "MatroskaFormat"),
        .target(name: "Recording", dependencies: ["RTP", "MatroskaFormat"]),
        .target(name: "DTLS", dependencies: ["COpenSSL", "CChobiShims", "OutputQueue"]),
        // libsrtp2's crypto types over OpenSSL, installed into libsrtp at start (no per-packet allocation).
        .target(name: "CSRTPCrypto", dependencies: ["CSRTP", "COpenSSL"], linkerSettings: [.linkedLibrary("crypto")]),
        .target(name: "SRTP", dependencies: ["CSRTP", "CSRTPCrypto"]),
        // Data channels: usrsctp (AF_CONN) behind a few plain C calls, DCEP in Swift.
        .target(name: "CUsrsctpShims", dependencies: ["CUsrsctp"], linkerSettings: [.linkedLibrary("usrsctp")]),
        .target(name: "SCTP", dependencies: ["CUsrsctpShims", "OutputQueue"]),
        // Congestion control: transport-wide feedback for publishers, estimators per viewer,
        // pacing and probing budgets. Sans-I/O, virtual time in tests.
        .target(name: "Congestion", dependencies: ["RTP"]),
        // Rooms and forwarding: pure logic on one event loop, virtual time in tests.
        .target(name: "SFU", dependencies: ["RTP", "OutputQueue", "Congestion"]),

        // Synthetic media for chobi-load: a stamped test pattern and VP8 through libvpx, a tone
        // through Opus, RTP framing, a jitter buffer.
        .target(name: "SyntheticMedia", dependencies: ["CChobiShims", "CVPX", "COpus", "RTP"]),

        // What an uploaded or recorded video is: a sans-I/O WebM/Matroska reader (tracks, codecs, duration).
        .target(name: "MediaProbe", dependencies: ["MatroskaFormat"]),
        // A video's thumbnail: its first VP8 keyframe decoded with libvpx, scaled, written as PNG.
        .target(name: "Thumbnails", dependencies: ["CChobiShims", "CVPX"]),

        // The embedded store: SQLite through GRDB.
        // An SQLite VFS that writes each WAL commit in one write (see its header).
        .target(name: "CWALWriter", linkerSettings: [.linkedLibrary("sqlite3")]),
        .target(name: "Store", dependencies: [.product(name: "GRDB", package: "GRDB.swift"),
                                             .product(name: "GRDBSQLite", package: "GRDB.swift"), "CWALWriter"]),
        // swift-log handlers for `serve --log-format`: text lines for people, JSON lines for log collectors.
        .target(name: "LogHandlers", dependencies: ["ISOTimestamp", .product(name: "Logging", package: "swift-log")]),
        .target(name: "ISOTimestamp"),

        // I/O.
        .target(
            name: "MediaTransport",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                "STUN", "ICE", "SDP", "RTP", "DTLS", "SRTP", "SCTP", "SFU", "Congestion", "OutputQueue", "Recording",
            ]
        ),
        .target(
            name: "Signaling",
            dependencies: [
                "SFU", "SDP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            // The browser client, read once at start (WebClient.swift).
            resources: [.copy("Web")]
        ),
        // The control API: tRPC's wire format, user tokens, passwords, rate limits, CORS.
        .target(
            name: "API",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // HTTPS for the HTTP server: certificate files, the development certificate, reloading on change.
        .target(
            name: "ServerTLS",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Analytics' pure parts: User-Agent parsing, client address to country (libGeoIP), audience
        // arithmetic. Sans-I/O except for reading the GeoIP files once.
        .target(name: "Analytics", dependencies: ["CGeoIP"]),
        // The product: accounts and live sessions on the API, the store and signaling.
        .target(
            name: "LiveSessions",
            dependencies: [
                "API", "Store", "Signaling", "SFU", "Analytics", "MediaProbe", "Thumbnails", "ISOTimestamp",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "chobi-server",
            dependencies: [
                "MediaTransport", "Signaling", "SFU", "API", "Store", "LiveSessions", "LogHandlers", "ServerTLS", "Analytics",
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The load tool: synthetic hosts and viewers with real VP8 against a running server.
        .executableTarget(name: "chobi-load", dependencies: [
            "SyntheticPeers", "SyntheticMedia", "RTP", "SRTP", "DTLS", "SDP", "SFU", "Signaling", "LoadKit", "API", "Store", "Congestion",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // chobi-load's pure parts: scenario schedules, percentiles and time series, the report
        // and its HTML/SVG, thresholds, Retry-After, target checks, /proc and Prometheus parsing.
        .target(name: "LoadKit"),
        // Counts heap allocations for benchmarks; linked into chobi-bench only.
        .target(name: "CAllocationCounter"),
        // WebRTC peers made of our own ICE/DTLS/SRTP over plain sockets: the benchmarks' and chobi-load's.
        .target(name: "SyntheticPeers", dependencies: ["STUN", "ICE", "SDP", "DTLS", "SRTP", "RTP"]),
        .executableTarget(name: "chobi-bench", dependencies: [
            "RTP", "SRTP", "DTLS", "SFU", "CAllocationCounter", "MediaTransport", "STUN", "ICE", "SDP", "SyntheticPeers",
            "API", "Store", "LiveSessions", "Signaling", "SCTP", "Congestion", "LogHandlers", "Recording",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // Tests. TestSupport holds what every suite shares: seeded randomness, hostile inputs, virtual time.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "STUNTests", dependencies: ["STUN", "TestSupport"]),
        .testTarget(name: "ICETests", dependencies: ["ICE", "STUN", "TestSupport"]),
        .testTarget(name: "SDPTests", dependencies: ["SDP", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "RTPTests", dependencies: ["RTP", "TestSupport"]),
        .testTarget(name: "RecordingTests", dependencies: ["Recording", "MediaProbe", "MatroskaFormat"]),
        .testTarget(name: "CongestionTests", dependencies: ["Congestion", "RTP", "TestSupport"]),
        .testTarget(name: "DTLSTests", dependencies: ["DTLS", "SRTP", "TestSupport"]),
        .testTarget(name: "SCTPTests", dependencies: ["SCTP", "TestSupport"]),
        .testTarget(name: "SRTPTests", dependencies: ["SRTP", "TestSupport", "COpenSSL", "CSRTPCrypto"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "TestSupport", "CWALWriter",
                                                    .product(name: "GRDBSQLite", package: "GRDB.swift")]),
        .testTarget(name: "LogHandlersTests", dependencies: [
            "LogHandlers", "ISOTimestamp", .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "APITests", dependencies: [
            "API", "TestSupport",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "JWTKit", package: "jwt-kit"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .testTarget(name: "SFUTests", dependencies: ["SFU", "RTP", "OutputQueue", "TestSupport"]),
        .testTarget(name: "SignalingTests", dependencies: [
            "Signaling", "SFU", "SDP", "TestSupport",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
            .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
            .product(name: "JWTKit", package: "jwt-kit"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .testTarget(name: "LiveSessionsTests", dependencies: [
            "LiveSessions", "Store", "Signaling", "API", "SFU", "TestSupport", "MediaProbe",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "ServerTLSTests", dependencies: [
            "ServerTLS",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOTLS", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "MediaTransportTests", dependencies: [
            "MediaTransport", "TestSupport", "STUN", "ICE", "SDP", "RTP", "DTLS", "SRTP", "SFU",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "SyntheticMediaTests", dependencies: ["SyntheticMedia", "RTP"]),
        .testTarget(name: "LoadKitTests", dependencies: ["LoadKit"]),
        .testTarget(name: "AnalyticsTests", dependencies: [
            "Analytics", "TestSupport", "LiveSessions", "Store", "API",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "SyntheticPeersTests", dependencies: ["SyntheticPeers", "SDP", "DTLS"]),
        .testTarget(name: "MediaProbeTests", dependencies: ["MediaProbe", "TestSupport"]),
        .testTarget(name: "ThumbnailsTests", dependencies: ["Thumbnails", "SyntheticMedia", "TestSupport"]),
    ]
)
