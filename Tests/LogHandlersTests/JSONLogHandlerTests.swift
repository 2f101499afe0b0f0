import Foundation
import ISOTimestamp
import Logging
import Synchronization
import Testing
@testable import LogHandlers

/// Lines a handler wrote, in order.
private final class Captured: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    @Sendable func write(_ line: String) { lines.withLock { $0.append(line) } }
}

private func parse(_ line: String) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
    return try #require(object as? [String: Any], "not a JSON object: \(line)")
}

@Suite("JSON log lines")
struct JSONLogHandlerTests {
    static let hostile = [
        "plain",
        "quote \" backslash \\ slash / brace } bracket ]",
        "two\nlines\r\nand a tab\t",
        "nul \u{0} bell \u{7} escape \u{1b}[31m delete \u{7f}",
        "line separators \u{2028} \u{2029}",
        "café Ωμέγα 日本語 emoji 🎁👩‍👩‍👧 flags 🇧🇩",
        "\"}, {\"level\":\"critical\",\"message\":\"forged",
        "\\u0022 looks escaped \\\"",
        "",
    ]

    @Test("every hostile message is one line of ASCII JSON that gives the text back exactly", arguments: hostile)
    func hostileMessageRoundTrips(_ text: String) throws {
        let captured = Captured()
        var logger = Logger(label: "chobi.test \"label\"") { label in JSONLogHandler(label: label, write: captured.write) }
        logger.logLevel = .trace
        logger.warning("\(text)", metadata: ["user": "\(text)", "plain": "x"])

        let lines = captured.all
        #expect(lines.count == 1)
        let line = try #require(lines.first)
        #expect(line.hasSuffix("}\n"))
        #expect(line.dropLast().allSatisfy { $0 != "\n" && $0 != "\r" })
        #expect(line.unicodeScalars.allSatisfy { $0.isASCII })
        let object = try parse(line)
        #expect(object["message"] as? String == text)
        #expect(object["level"] as? String == "warning")
        #expect(object["label"] as? String == "chobi.test \"label\"")
        #expect(object["metadata"] as? [String: String] == ["user": text, "plain": "x"])
        #expect(object["file"] as? String == #fileID)
        #expect(object["line"] is Int)
        #expect(object["source"] is String)
    }

    @Test("metadata: the call site wins over the provider, the provider over the handler; values are strings")
    func metadataIsMergedAsStrings() throws {
        let captured = Captured()
        let provider = Logger.MetadataProvider { ["request": "from-provider", "task": "t1"] }
        var logger = Logger(label: "chobi") { label in
            JSONLogHandler(label: label, metadataProvider: provider, write: captured.write)
        }
        logger[metadataKey: "request"] = "from-handler"
        logger[metadataKey: "room"] = "r1"
        logger.info("hello", metadata: [
            "task": "from-call",
            "list": ["a", "b"],
            "nested": ["k": "v"],
            "count": .stringConvertible(42),
        ])
        let object = try parse(try #require(captured.all.first))
        let metadata = try #require(object["metadata"] as? [String: Any])
        #expect(metadata.values.allSatisfy { $0 is String })
        #expect(metadata["request"] as? String == "from-provider")
        #expect(metadata["task"] as? String == "from-call")
        #expect(metadata["room"] as? String == "r1")
        #expect(metadata["count"] as? String == "42")
        // Nested values as swift-log's own text of them, so they read the same in either format.
        #expect(metadata["list"] as? String == Logger.MetadataValue.array(["a", "b"]).description)
        #expect(metadata["nested"] as? String == Logger.MetadataValue.dictionary(["k": "v"]).description)
    }

    @Test("no metadata, no metadata field; an event's error is its own field")
    func optionalFields() throws {
        struct Refusal: Error, CustomStringConvertible { var description: String { "refused \"here\"" } }
        let event = LogEvent(level: .error, message: "failed", error: Refusal(), metadata: nil,
                             source: "Store", file: "Store/Store.swift", function: "open", line: 7)
        let line = JSONLogHandler.line(for: event, label: "chobi", metadata: [:],
                                       at: Date(timeIntervalSince1970: 1_700_000_000.123))
        #expect(line == #"{"timestamp":"2023-11-14T22:13:20.123Z","level":"error","label":"chobi","message":"failed","error":"refused \"here\"","source":"Store","file":"Store/Store.swift","line":7}"# + "\n")
        let object = try parse(line)
        #expect(object["metadata"] == nil)
        #expect(object["error"] as? String == "refused \"here\"")
    }

    @Test("the handler's level is its own: lowering it on one logger leaves a copy alone")
    func levelIsAValue() {
        let captured = Captured()
        var quiet = Logger(label: "a") { label in JSONLogHandler(label: label, write: captured.write) }
        var loud = quiet
        quiet.logLevel = .error
        loud.logLevel = .debug
        quiet.info("dropped")
        loud.debug("kept")
        #expect(captured.all.count == 1)
        #expect(captured.all.first?.contains("\"kept\"") == true)
    }
}

@Suite("ISO timestamps")
struct ISOTimestampTests {
    @Test("fixed instants, including before 1970, leap days and the last millisecond of a year")
    func fixedInstants() {
        #expect(ISOTimestamp.string(millisecondsSince1970: 0) == "1970-01-01T00:00:00.000Z")
        #expect(ISOTimestamp.string(millisecondsSince1970: -1) == "1969-12-31T23:59:59.999Z")
        #expect(ISOTimestamp.string(millisecondsSince1970: 1_700_000_000_123) == "2023-11-14T22:13:20.123Z")
        #expect(ISOTimestamp.string(millisecondsSince1970: 1_709_208_000_000) == "2024-02-29T12:00:00.000Z")
        #expect(ISOTimestamp.string(millisecondsSince1970: 1_798_761_599_999) == "2026-12-31T23:59:59.999Z")
        #expect(ISOTimestamp.string(millisecondsSince1970: 951_782_400_000) == "2000-02-29T00:00:00.000Z")
    }

    @Test("agrees with Foundation's ISO 8601 formatter on 2,000 seeded instants from 1900 to 2200")
    func agreesWithFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<2000 {
            // splitmix64: the same instants on every run.
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            let span: UInt64 = 9_467_280_000_000  // 300 years of milliseconds
            let ms = Int64(z % span) - 2_208_988_800_000  // from 1900-01-01
            // A quarter millisecond in, so Foundation's truncating and a rounding formatter agree.
            let expected = formatter.string(from: Date(timeIntervalSince1970: (Double(ms) + 0.25) / 1000))
            #expect(ISOTimestamp.string(millisecondsSince1970: ms) == expected, "\(ms)")
        }
    }
}

@Suite("text log lines")
struct TextLogHandlerTests {
    @Test("StreamLogHandler's format: time, level, label, sorted metadata (set on the logger and at the call), source, message")
    func format() throws {
        let captured = Captured()
        var logger = Logger(label: "chobi") { label in TextLogHandler(label: label, write: captured.write) }
        logger[metadataKey: "zeta"] = "last"
        logger[metadataKey: "client"] = "127.0.0.1"
        logger.info("started", metadata: ["client": "10.0.0.1", "port": "8080"], source: "API")
        logger.debug("below the level")
        let lines = captured.all
        try #require(lines.count == 1)
        let line = lines[0]
        #expect(line.hasSuffix(" info chobi: client=10.0.0.1 port=8080 zeta=last [API] started\n"), "\(line)")
        // 2026-12-06T21:40:00+0000: local time to the second and the zone's offset.
        let stamp = String(line.prefix(while: { $0 != " " }))
        #expect(stamp.count == 24, "\(stamp)")
        #expect(stamp.dropFirst(4).first == "-" && stamp.dropFirst(10).first == "T", "\(stamp)")
        #expect(stamp.dropFirst(19).first == "+" || stamp.dropFirst(19).first == "-", "\(stamp)")
    }

    @Test("an error rides along as metadata")
    func error() throws {
        struct Boom: Error {}
        let captured = Captured()
        let logger = Logger(label: "") { label in TextLogHandler(label: label, write: captured.write) }
        logger.error("failed", error: Boom())
        let line = try #require(captured.all.first)
        #expect(line.contains(" error: error.message=Boom() error.type=LogHandlersTests."), "\(line)")
        #expect(line.contains(".Boom [LogHandlersTests] "), "\(line)")
        #expect(line.hasSuffix("] failed\n"), "\(line)")
    }
}
