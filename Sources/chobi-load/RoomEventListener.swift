import Foundation
import HummingbirdWSClient
import LoadKit
import Logging

/// A member of a room on `/rtc` (the WebSocket protocol of docs/signaling.md) that only listens:
/// each `new_message` carrying a `clientMessageId` and each `gift_animation` is timed on arrival
/// into the run's delivery logs, so chat and gift latency is measured where a member sees them.
/// Ends at `deadline` or when the server closes the socket.
struct RoomEventListener {
    let base: URL
    let token: String
    let chat: DeliveryLog
    let gifts: DeliveryLog

    func listen(until deadline: ContinuousClock.Instant, joined: @escaping @Sendable () -> Void) async throws {
        guard var components = URLComponents(url: base.appendingPathComponent("rtc"), resolvingAgainstBaseURL: false) else { return }
        components.scheme = components.scheme == "https" ? "wss" : "ws"
        components.queryItems = [URLQueryItem(name: "token", value: token)]
        guard let url = components.url?.absoluteString else { return }
        let (chat, gifts) = (chat, gifts)
        try await WebSocketClient.connect(url: url, configuration: .init(maxFrameSize: 1 << 20),
                                          logger: Logger(label: "chobi-load.listener")) { inbound, outbound, _ in
            try await outbound.write(.text(#"{"type":"join","id":"listen"}"#))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try? await Task.sleep(until: deadline)
                    try? await outbound.close(.normalClosure, reason: "run over")
                }
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    guard case .text(let text) = message else { continue }
                    let at = RunClock.milliseconds()
                    guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any],
                          let type = object["type"] as? String else { continue }
                    switch type {
                    case "joined":
                        joined()
                    case "new_message":
                        if let id = object["clientMessageId"] as? String { chat.arrived(id, at: at) }
                    case "gift_animation":
                        if let id = object["transactionId"] as? String { gifts.arrived(id, at: at) }
                    default:
                        break
                    }
                }
                group.cancelAll()
            }
        }
    }
}
