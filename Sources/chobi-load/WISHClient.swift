import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// WHIP/WHEP signaling for synthetic peers: POST the offer, read the answer (RFC 9725 and the WHEP
/// draft), the same requests a broadcaster or a player sends, so the load goes through the
/// server's real signaling path. `Retry-After` on 429/503 is honoured a bounded number of times.
struct WISHClient {
    let base: URL

    enum Failure: Error, CustomStringConvertible {
        case refused(status: Int, body: String)
        case noResponse(String)

        var description: String {
            switch self {
            case let .refused(status, body): "signaling answered \(status): \(body.prefix(200))"
            case .noResponse(let reason): "no answer: \(reason)"
            }
        }
    }

    /// POSTs `offer` to `/whip/{room}` (publish) or `/whep/{room}` (watch); returns the answer SDP.
    func exchange(offer: String, room: String, token: String, publish: Bool) async throws -> String {
        var request = URLRequest(url: base.appendingPathComponent(publish ? "whip" : "whep").appendingPathComponent(room))
        request.httpMethod = "POST"
        request.setValue("application/sdp", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.httpBody = Data(offer.utf8)
        request.timeoutInterval = 10
        for _ in 0..<5 {
            let (data, response) = try await URLSession.shared.data(for: request)
            guard let http = response as? HTTPURLResponse else { throw Failure.noResponse("not HTTP") }
            let body = String(decoding: data, as: UTF8.self)
            if http.statusCode == 201 || http.statusCode == 200 { return body }
            if http.statusCode == 429 || http.statusCode == 503,
               let wait = http.value(forHTTPHeaderField: "Retry-After").flatMap(Double.init), wait <= 10 {
                try await Task.sleep(for: .seconds(wait))
                continue
            }
            throw Failure.refused(status: http.statusCode, body: body)
        }
        throw Failure.noResponse("still refused after 5 tries")
    }
}
