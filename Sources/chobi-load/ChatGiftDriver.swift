import Foundation
import LoadKit

/// Chat lines and gifts into one live session through the control API, at a steady rate for the
/// run: `chat.sendMessage` with a fresh `clientMessageId` (the room's `new_message` carries it
/// back), `gifts.sendGift` with a fresh idempotency key (the answer's transaction id is what the
/// room's `gift_animation` carries). Senders take turns; each request runs on its own task so a
/// slow answer does not hold the pace, at most `maxInFlight` at once. Latency runs from the first
/// attempt, so time spent waiting out a 429 counts: that is what the member waits too.
struct ChatGiftDriver {
    let api: TRPCClient
    let session: String
    let roomIndex: Int
    let runTag: String
    let chatters: [String]
    let gifters: [String]
    let giftID: String?
    let chatLog: DeliveryLog
    let giftLog: DeliveryLog
    static let maxInFlight = 16

    /// Sends `rate` a second of each for `seconds` (at most `rate × seconds` of each, rounded down).
    func run(chatPerSecond: Double, giftsPerSecond: Double, seconds: Double) async {
        await withTaskGroup(of: Void.self) { group in
            if chatPerSecond > 0, !chatters.isEmpty {
                group.addTask { await pace(rate: chatPerSecond, seconds: seconds) { await sendChat($0) } }
            }
            if giftsPerSecond > 0, !gifters.isEmpty, giftID != nil {
                group.addTask { await pace(rate: giftsPerSecond, seconds: seconds) { await sendGift($0) } }
            }
        }
    }

    private func pace(rate: Double, seconds: Double, _ send: @escaping @Sendable (Int) async -> Void) async {
        let count = Int(rate * seconds)
        let start = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            var inFlight = 0
            for sequence in 0..<count {
                try? await Task.sleep(until: start + .seconds(Double(sequence) / rate))
                if inFlight >= Self.maxInFlight {
                    await group.next()
                    inFlight -= 1
                }
                group.addTask { await send(sequence) }
                inFlight += 1
            }
        }
    }

    private func sendChat(_ sequence: Int) async {
        let key = "lc\(roomIndex)-\(sequence)-\(runTag)"
        let token = chatters[sequence % chatters.count]
        chatLog.sent(key, at: RunClock.milliseconds())
        do {
            _ = try await api.authorized(token).mutate("chat.sendMessage", [
                "sessionId": session, "text": "load line \(sequence) ✓", "clientMessageId": key,
            ], onRetry: { chatLog.retried() })
            chatLog.accepted(key, deliveryID: key)
        } catch let failure as TRPCClient.Failure {
            chatLog.failed(key, reason: failure.code)
        } catch {
            chatLog.failed(key, reason: "NETWORK")
        }
    }

    private func sendGift(_ sequence: Int) async {
        guard let giftID else { return }
        let key = "lg\(roomIndex)-\(sequence)-\(runTag)"
        let token = gifters[sequence % gifters.count]
        giftLog.sent(key, at: RunClock.milliseconds())
        do {
            let answer = try await api.authorized(token).mutate("gifts.sendGift", [
                "sessionId": session, "giftId": giftID, "idempotencyKey": key,
            ], onRetry: { giftLog.retried() })
            giftLog.accepted(key, deliveryID: try field(answer, "transaction", "id"))
        } catch let failure as TRPCClient.Failure {
            giftLog.failed(key, reason: failure.code)
        } catch {
            giftLog.failed(key, reason: "NETWORK")
        }
    }
}
