import Hummingbird
import MediaTransport
import Store

/// Liveness and readiness. `/health` answers while the process runs; `/ready` only once the media
/// sockets are bound and the store answers a query.
enum HealthRoutes {
    static func register(on router: Router<some RequestContext>, media: MediaTransportService, store: Store) {
        router.get("/health") { _, _ in
            "ok\n"
        }
        router.get("/ready") { _, _ -> Response in
            guard media.isReady else {
                return Response(status: .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: "media not bound\n")))
            }
            do {
                try await store.ping()
            } catch {
                return Response(status: .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: "store unavailable\n")))
            }
            let ports = media.boundPorts.map(String.init).joined(separator: ",")
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ready media=\(ports)\n")))
        }
    }
}
