import Foundation
import HummingbirdWSClient
import Logging
import Testing

/// A test's end of a `/rtc` WebSocket: send JSON, read JSON replies in order.
/// Unchecked Sendable: a test uses each socket from one task at a time (nested connections run
/// inside the outer one's handler, which waits for them).
final class SignalingSocket: @unchecked Sendable {
    private var iterator: WebSocketInboundMessageStream.AsyncIterator
    let outbound: WebSocketOutboundWriter

    init(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) {
        iterator = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
        self.outbound = outbound
    }

    func send(_ object: [String: Any]) async throws {
        try await send(text: String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
    }

    func send(text: String) async throws {
        try await outbound.write(.text(text))
    }

    /// The next message as a JSON object; nil once the server has closed the socket.
    func receive() async throws -> [String: Any]? {
        guard let message = try await iterator.next() else { return nil }
        guard case .text(let text) = message else {
            Issue.record("binary message from server")
            return [:]
        }
        return try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    }

    /// The next message of `type`, skipping others (room events may interleave with replies).
    func receive(_ type: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Any] {
        while let message = try await receive() {
            if message["type"] as? String == type { return message }
        }
        Issue.record("socket closed while waiting for \(type)", sourceLocation: sourceLocation)
        return [:]
    }

    /// Connects to the harness server; `body` runs while the socket is open. Returns the close
    /// frame the server sent, if any.
    @discardableResult
    static func connect(port: Int, query: String = "", maxFrameSize: Int = 1 << 20,
                        _ body: @escaping @Sendable (SignalingSocket) async throws -> Void) async throws -> WebSocketCloseFrame? {
        try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/rtc\(query)",
                                          configuration: .init(maxFrameSize: maxFrameSize),
                                          logger: Logger(label: "signaling-test-client")) { inbound, outbound, _ in
            try await body(SignalingSocket(inbound: inbound, outbound: outbound))
        }
    }
}
