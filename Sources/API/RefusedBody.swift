import Hummingbird
import NIOCore

/// The answer to a request whose body is too large, and what becomes of the body.
///
/// A client that writes its whole body before it reads (Python's urllib) never sees an answer
/// sent early: it is stuck writing into a socket nobody reads, and with `Connection: close` the
/// server would not read the rest either. So the answer goes out at once (a client that reads
/// early, like curl, has it), then the body is read and thrown away, up to a bound in bytes and
/// time, so the writer finishes and reads the answer; then the connection is closed (where the
/// request context can), so nobody can make us read forever.
public enum RefusedBody {
    /// Read and dropped at most, after the answer went out.
    static let maxDiscardBytes = 16 << 20
    static let maxDiscardTime: Duration = .seconds(2)

    /// The answer, then (when `request` is a body nobody has read yet) the discard, then the close.
    public static func response<Body: AsyncSequence & Sendable>(status: HTTPResponse.Status, headers: HTTPFields, body: [UInt8],
                                                         discarding request: Body?,
                                                         closing connection: (any ConnectionClosingRequestContext)?) -> Response
        where Body.Element == ByteBuffer {
        var headers = headers
        headers[.connection] = "close"
        let answer = ByteBuffer(bytes: body)
        return Response(status: status, headers: headers, body: ResponseBody(contentLength: answer.readableBytes) { writer in
            try await writer.write(answer)
            if let request { await discard(request, maxBytes: maxDiscardBytes, within: maxDiscardTime) }
            connection?.closeConnection()
            try await writer.finish(nil)
        })
    }

    /// Reads `body` to its end, or until `maxBytes` or `limit` is reached, keeping nothing.
    static func discard<Body: AsyncSequence & Sendable>(_ body: Body, maxBytes: Int, within limit: Duration) async
        where Body.Element == ByteBuffer {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                var seen = 0
                do {
                    for try await chunk in body {
                        seen += chunk.readableBytes
                        if seen > maxBytes || Task.isCancelled { return }
                    }
                } catch {
                    return
                }
            }
            group.addTask { try? await Task.sleep(for: limit) }
            await group.next()
            group.cancelAll()
        }
    }
}

/// A request context that can end its connection (the server's own; test contexts cannot).
public protocol ConnectionClosingRequestContext: Sendable {
    func closeConnection()
}
