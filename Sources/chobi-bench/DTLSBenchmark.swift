import DTLS

/// Full DTLS 1.2 handshakes in memory (both endpoints in this thread, ECDHE-ECDSA P-256), the
/// CPU a server spends per joining peer — roughly half of each figure is the server's share.
enum DTLSBenchmark {
    static func run() throws -> [BenchResult] {
        let serverCert = try DTLSCertificate()
        let clientCert = try DTLSCertificate()
        let handshakes = 300
        var now = Duration.seconds(1)
        let ns = try medianNanosPerIteration(rounds: 3, iterations: handshakes) { n in
            var connected: UInt64 = 0
            for _ in 0..<n {
                let server = try DTLSEndpoint(certificate: serverCert, role: .server, remoteFingerprint: clientCert.fingerprint)
                let client = try DTLSEndpoint(certificate: clientCert, role: .client, remoteFingerprint: serverCert.fingerprint)
                client.start(at: now)
                var done = 0
                // Shuttle datagrams until both report connected; bounded so a broken handshake ends the run.
                for _ in 0..<20 where done < 2 {
                    now += .milliseconds(1)
                    done += shuttle(from: client, to: server, at: now)
                    done += shuttle(from: server, to: client, at: now)
                }
                guard done == 2 else { throw BenchFailure.handshakeDidNotComplete }
                connected += 1
            }
            return connected
        }
        return [BenchResult(name: "dtls handshake (client+server, in memory)", value: 1e9 / ns,
                            unit: "handshakes/s", detail: "\(format2(ns / 1e6)) ms each")]
    }

    /// Moves everything `a` wants to send into `b`; returns how many `.connected` events `a` gave.
    private static func shuttle(from a: DTLSEndpoint, to b: DTLSEndpoint, at now: Duration) -> Int {
        var connected = 0
        while let out = a.pollOutput() {
            switch out {
            case .transmit(let bytes): b.handle(datagram: bytes, at: now)
            case .event(.connected): connected += 1
            case .event, .applicationData: break
            }
        }
        return connected
    }
}

enum BenchFailure: Error {
    case handshakeDidNotComplete
    case forwardedTooFew(expected: Int, got: Int)
}
