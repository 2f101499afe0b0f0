import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Signaling

/// The web client's files: shipped as package resources, served as they are in the repository,
/// with a content tag browsers revalidate against.
@Suite struct WebClientTests {
    /// `Sources/Signaling/Web` in the checkout these tests were built from.
    static let sourceDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/Signaling/Web")

    static let files: [(uri: String, name: String, type: String)] = [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/app.css", "app.css", "text/css; charset=utf-8"),
        ("/app.js", "app.js", "text/javascript; charset=utf-8"),
        ("/live.js", "live.js", "text/javascript; charset=utf-8"),
        ("/social.js", "social.js", "text/javascript; charset=utf-8"),
        ("/videos.js", "videos.js", "text/javascript; charset=utf-8"),
    ]

    @Test func everyFileIsServedAsItIsInTheRepository() async throws {
        let harness = try await SignalingHarness()
        try await harness.application().test(.router) { client async throws in
            var tags: Set<String> = []
            for file in Self.files {
                let response = try await client.execute(uri: file.uri, method: .get) { $0 }
                #expect(response.status == .ok, "\(file.uri)")
                #expect(response.headers[.contentType] == file.type, "\(file.uri)")
                #expect(response.headers[.cacheControl] == "no-cache", "\(file.uri)")
                let bytes = try Data(contentsOf: Self.sourceDirectory.appendingPathComponent(file.name))
                #expect([UInt8](buffer: response.body) == [UInt8](bytes), "\(file.uri)")
                let tag = try #require(response.headers[.eTag], "\(file.uri)")
                #expect(tag == WebClient.entityTag(of: bytes))
                #expect(tag.wholeMatch(of: #/"[0-9a-f]{32}"/#) != nil, "\(tag)")
                tags.insert(tag)
            }
            #expect(tags.count == Self.files.count)
        }
    }

    @Test func pageLoadsItsStylesheetAndScripts() async throws {
        let html = try String(contentsOf: Self.sourceDirectory.appendingPathComponent("index.html"), encoding: .utf8)
        for reference in [#"<link rel="stylesheet" href="/app.css">"#, #"<script src="/app.js">"#, #"<script src="/live.js">"#,
                          #"<script src="/social.js">"#, #"<script src="/videos.js">"#] {
            #expect(html.contains(reference), "\(reference)")
        }
    }

    @Test func entityTagIsTheSHA256Prefix() {
        // FIPS 180-2 example: SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223 b00361a3...
        #expect(WebClient.entityTag(of: Array("abc".utf8)) == #""ba7816bf8f01cfea414140de5dae2223""#)
    }

    @Test(arguments: [
        (#""TAG""#, true), (#"W/"TAG""#, true), (#""other", "TAG""#, true), ("*", true),
        (#""other""#, false), (#""TAG"x"#, false), ("", false),
    ])
    func ifNoneMatchComparesTagsWeakly(header: String, matches: Bool) {
        #expect(WebClient.matches([header], #""TAG""#) == matches)
    }

    @Test func matchingIfNoneMatchGets304() async throws {
        let harness = try await SignalingHarness()
        try await harness.application().test(.router) { client async throws in
            for file in Self.files {
                let first = try await client.execute(uri: file.uri, method: .get) { $0 }
                let tag = try #require(first.headers[.eTag])
                for header in [tag, "W/\(tag)", #""stale", "# + tag] {
                    let again = try await client.execute(uri: file.uri, method: .get, headers: [.ifNoneMatch: header]) { $0 }
                    #expect(again.status == .notModified, "\(file.uri) \(header)")
                    #expect(again.headers[.eTag] == tag)
                    #expect(again.headers[.cacheControl] == "no-cache")
                    #expect(again.body.readableBytes == 0)
                }
                let stale = try await client.execute(uri: file.uri, method: .get, headers: [.ifNoneMatch: #""stale""#]) { $0 }
                #expect(stale.status == .ok)
                #expect(stale.body == first.body)
            }
        }
    }

    @Test func turnedOffServesNothingAndReadsNothing() async throws {
        let harness = try await SignalingHarness(configuration: .init(servesWebClient: false, now: { SignalingHarness.now }))
        #expect(harness.service.webClient == nil)
        try await harness.application().test(.router) { client async throws in
            for file in Self.files {
                #expect(try await client.execute(uri: file.uri, method: .get) { $0.status } == .notFound, "\(file.uri)")
            }
        }
    }

    /// A bundle directory holding `Web/` with the given files (each one a line of text).
    private func bundle(with names: [String], directories: [String] = []) throws -> Bundle {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("chobi-web-\(UUID().uuidString)")
        let web = root.appendingPathComponent("Web")
        try FileManager.default.createDirectory(at: web, withIntermediateDirectories: true)
        for name in names {
            try Data("\(name)\n".utf8).write(to: web.appendingPathComponent(name))
        }
        for name in directories {
            try FileManager.default.createDirectory(at: web.appendingPathComponent(name), withIntermediateDirectories: true)
        }
        return try #require(Bundle(path: root.path))
    }

    @Test func aMissingFileFailsTheLoadByName() throws {
        let bundle = try bundle(with: ["index.html", "app.css", "app.js"])
        defer { try? FileManager.default.removeItem(atPath: bundle.bundlePath) }
        let error = #expect(throws: WebClientError.self) { try WebClient(bundle: bundle) }
        guard case .missingFile(let name, _)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(name == "live.js")
        #expect(error?.description.contains("Web/live.js") == true)
    }

    @Test func anUnreadableFileFailsTheLoadByName() throws {
        let bundle = try bundle(with: ["index.html", "app.css", "live.js"], directories: ["app.js"])
        defer { try? FileManager.default.removeItem(atPath: bundle.bundlePath) }
        let error = #expect(throws: WebClientError.self) { try WebClient(bundle: bundle) }
        guard case .unreadableFile(let name, _, _)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(name == "app.js")
    }

    @Test func aCompleteBundleLoadsEveryFile() throws {
        let bundle = try bundle(with: WebClient.manifest.map(\.name))
        defer { try? FileManager.default.removeItem(atPath: bundle.bundlePath) }
        let client = try WebClient(bundle: bundle)
        #expect(client.files.map(\.route) == ["/", "/app.css", "/app.js", "/live.js", "/social.js", "/videos.js"])
        #expect(client.files.map { String(buffer: $0.body) } == WebClient.manifest.map { "\($0.name)\n" })
    }
}
