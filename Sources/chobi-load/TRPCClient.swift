import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LoadKit

/// The control API as the tool calls it (tRPC's wire format, docs/api.md): mutations by POST with
/// a JSON body, queries by GET with `?input=`. A 429 or 503 is waited out as `Retry-After` says
/// (`RetryPolicy`), and each wait is told to `onRetry` so the report can count them.
struct TRPCClient: Sendable {
    let base: URL
    var token: String?
    var policy = RetryPolicy()

    enum Failure: Error, CustomStringConvertible {
        /// The API answered an error envelope: its `data.code` (BAD_REQUEST, TOO_MANY_REQUESTS…).
        case refused(procedure: String, status: Int, code: String, message: String)
        case unreadable(procedure: String, String)

        var code: String {
            switch self {
            case .refused(_, _, let code, _): code
            case .unreadable: "UNREADABLE"
            }
        }

        var description: String {
            switch self {
            case let .refused(procedure, status, code, message): "\(procedure): \(status) \(code): \(message.prefix(200))"
            case let .unreadable(procedure, reason): "\(procedure): \(reason)"
            }
        }
    }

    func authorized(_ token: String) -> TRPCClient {
        var copy = self
        copy.token = token
        return copy
    }

    func mutate(_ procedure: String, _ input: [String: Any], onRetry: @Sendable () -> Void = {}) async throws -> [String: Any] {
        var request = URLRequest(url: base.appendingPathComponent("api/trpc/\(procedure)"))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: input)
        return try await send(request, procedure: procedure, onRetry: onRetry)
    }

    func query(_ procedure: String, _ input: [String: Any]? = nil) async throws -> [String: Any] {
        var components = URLComponents(url: base.appendingPathComponent("api/trpc/\(procedure)"), resolvingAgainstBaseURL: false)
        if let input {
            let json = String(decoding: try JSONSerialization.data(withJSONObject: input), as: UTF8.self)
            components?.queryItems = [URLQueryItem(name: "input", value: json)]
        }
        guard let url = components?.url else { throw Failure.unreadable(procedure: procedure, "bad URL") }
        var request = URLRequest(url: url)
        request.httpMethod = "GET"
        return try await send(request, procedure: procedure, onRetry: {})
    }

    private func send(_ original: URLRequest, procedure: String, onRetry: @Sendable () -> Void) async throws -> [String: Any] {
        var request = original
        request.timeoutInterval = 15
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        var attempt = 1
        while true {
            let (data, response) = try await URLSession.shared.data(for: request)
            guard let http = response as? HTTPURLResponse else { throw Failure.unreadable(procedure: procedure, "not HTTP") }
            let envelope = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            if http.statusCode == 200, let result = envelope?["result"] as? [String: Any] {
                return result["data"] as? [String: Any] ?? [:]
            }
            if case .retry(let seconds) = policy.decide(status: http.statusCode,
                                                        retryAfter: http.value(forHTTPHeaderField: "Retry-After"),
                                                        attempt: attempt) {
                onRetry()
                attempt += 1
                try await Task.sleep(for: .seconds(seconds))
                continue
            }
            let error = envelope?["error"] as? [String: Any]
            let code = (error?["data"] as? [String: Any])?["code"] as? String ?? "HTTP_\(http.statusCode)"
            throw Failure.refused(procedure: procedure, status: http.statusCode, code: code,
                                  message: error?["message"] as? String ?? String(decoding: data.prefix(200), as: UTF8.self))
        }
    }
}

/// A JSON object's string field, or a typed failure naming what was missing.
func field(_ object: [String: Any], _ path: String...) throws -> String {
    var current: Any = object
    for key in path {
        guard let next = (current as? [String: Any])?[key] else {
            throw TRPCClient.Failure.unreadable(procedure: path.joined(separator: "."), "answer lacks \(key)")
        }
        current = next
    }
    guard let text = current as? String else {
        throw TRPCClient.Failure.unreadable(procedure: path.joined(separator: "."), "not a string")
    }
    return text
}
