import Hummingbird
import MediaTransport

/// Liveness and readiness. `/health` answers while the process runs; `/ready` only once the media
/// sockets are bound (and, later, the store is open).
enum HealthRoutes {
    static func register(on router: Router<some RequestContext>, media: MediaTransportService) {
        router.get("/health") { _, _ in
            "ok\n"
        }
        router.get("/ready") { _, _ -> Response in
            guard media.isReady else {
                return Response(status: .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: "media not bound\n")))
            }
            let ports = media.boundPorts.map(String.init).joined(separator: ",")
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ready media=\(ports)\n")))
        }
    }
}
