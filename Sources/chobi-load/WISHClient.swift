import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LoadKit

/// WHIP/WHEP signaling for synthetic peers: POST the offer, read the answer and the resource's
/// `Location` (RFC 9725 and the WHEP draft), DELETE the resource to leave: the same requests a
/// broadcaster or a player sends, so the load goes through the server's real signaling path.
/// `Retry-After` on 429/503 is honoured (`RetryPolicy`).
struct WISHClient: Sendable {
    var policy = RetryPolicy(maxAttempts: 5, ceiling: 10)

    enum Failure: Error, CustomStringConvertible {
        case refused(status: Int, body: String)
        case noResponse(String)

        /// A short reason for the report's failure counts.
        var reason: String {
            switch self {
            case .refused(let status, _): "HTTP \(status)"
            case .noResponse: "no answer"
            }
        }

        var description: String {
            switch self {
            case let .refused(status, body): "signaling answered \(status): \(body.prefix(200))"
            case .noResponse(let reason): "no answer: \(reason)"
            }
        }
    }

    /// Chobi's endpoints: `/whip/{room}` (publish) or `/whep/{room}` (watch) under `base`.
    static func endpoint(base: URL, room: String, publish: Bool) -> URL {
        base.appendingPathComponent(publish ? "whip" : "whep").appendingPathComponent(room)
    }

    /// POSTs `offer` to `endpoint`; returns the answer SDP and the session's resource URL.
    func exchange(offer: String, endpoint: URL, token: String?) async throws -> (answer: String, resource: URL?) {
        var request = URLRequest(url: endpoint)
        request.httpMethod = "POST"
        request.setValue("application/sdp", forHTTPHeaderField: "Content-Type")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        request.httpBody = Data(offer.utf8)
        request.timeoutInterval = 10
        var attempt = 1
        while true {
            let (data, response) = try await URLSession.shared.data(for: request)
            guard let http = response as? HTTPURLResponse else { throw Failure.noResponse("not HTTP") }
            let body = String(decoding: data, as: UTF8.self)
            if http.statusCode == 201 || http.statusCode == 200 {
                let resource = http.value(forHTTPHeaderField: "Location").flatMap { URL(string: $0, relativeTo: endpoint)?.absoluteURL }
                return (body, resource)
            }
            if case .retry(let seconds) = policy.decide(status: http.statusCode,
                                                        retryAfter: http.value(forHTTPHeaderField: "Retry-After"),
                                                        attempt: attempt) {
                attempt += 1
                try await Task.sleep(for: .seconds(seconds))
                continue
            }
            throw Failure.refused(status: http.statusCode, body: body)
        }
    }

    /// Ends a session (best effort: a viewer that leaves does not wait on the server).
    func delete(resource: URL, token: String?) async {
        var request = URLRequest(url: resource)
        request.httpMethod = "DELETE"
        request.timeoutInterval = 5
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        _ = try? await URLSession.shared.data(for: request)
    }
}
