// Loads the captured offers in Fixtures/ (see Fixtures/README.md for how they were made).
import Foundation
@testable import SDP

enum Fixture {
    /// Offers captured from Chromium and aiortc.
    static let offers = [
        "chromium-sendrecv-datachannel", "chromium-sendonly-whip", "chromium-recvonly-whep", "chromium-simulcast",
        "aiortc-sendrecv-datachannel", "aiortc-recvonly",
    ]
    /// Our subscription offer (SDPOfferer output) and the answers Chromium and aiortc gave to it.
    static let serverOfferExchange = ["server-offer", "chromium-answer-to-server-offer", "aiortc-answer-to-server-offer"]

    static let names = offers + serverOfferExchange

    struct Missing: Error { let name: String }

    static func bytes(_ name: String) throws -> [UInt8] {
        guard let url = Bundle.module.url(forResource: name, withExtension: "sdp", subdirectory: "Fixtures") else {
            throw Missing(name: name)
        }
        return Array(try Data(contentsOf: url))
    }

    static func text(_ name: String) throws -> String { String(decoding: try bytes(name), as: UTF8.self) }

    static func parsed(_ name: String) throws -> SessionDescription { try SessionDescription(parsing: try text(name)) }
}
