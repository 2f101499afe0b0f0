import Foundation
import LoadKit
import SyntheticPeers

/// Everything a run needs, checked and resolved from the command line (`ChobiLoad`): who to
/// talk to, the scenario's shape, the media, chat and gifts, and what to write at the end.
struct LoadConfiguration: Sendable {
    enum Mode: String, Sendable {
        /// Accounts and live sessions through the control API (chat and gifts possible).
        case session
        /// Room tokens minted from the server's key, plain rooms, no control API.
        case minted
        /// WHIP/WHEP only, to given URLs, with an optional bearer token: any server.
        case wish
    }

    var mode: Mode
    var base: URL
    var serverAddress: String
    var localAddress: UInt32
    var endpoints: PeerJoiner.Endpoints
    /// How every peer reaches the server's media port (`--ice-tcp`).
    var transport: SyntheticPeer.Transport
    var bearer: String?
    var roomPrefix: String
    var shape: ScenarioPlan.Shape
    /// Viewers per room that decode (the first slots; churn joins follow the same share).
    var decodingPerRoom: Int
    var width: Int
    var height: Int
    var fps: Int
    var bitrate: Int
    /// Audio, simulcast and the impaired network.
    var media: MediaSetup
    var chatPerSecond: Double
    var giftsPerSecond: Double
    var dataDirectory: String
    var database: String?
    var admin: (username: String, password: String)?
    var viewerThreads: Int
    var joinConcurrency: Int
    var metricsURL: URL?
    var serverPID: Int?
    var thresholds: Thresholds
    var jsonPath: String?
    var htmlPath: String?

    var databasePath: String { database ?? (dataDirectory as NSString).appendingPathComponent("chobi.sqlite") }
}
