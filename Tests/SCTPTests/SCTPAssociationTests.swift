// Two usrsctp associations in one process, wired back to back: the handshake, data channels
// opened over DCEP, messages both ways (one far larger than a packet), the size limit, stream
// resets, garbage packets, and that a closed association leaves nothing registered.

import SCTP
import Synchronization
import TestSupport
import Testing

/// Counts `wake` calls: output that usrsctp produced outside our calls (on the timer thread).
final class WakeCounter: Sendable {
    let count = Atomic<Int>(0)
}

/// One end: its association, its channels and everything it reported.
final class SCTPEnd {
    let association: SCTPAssociation
    var channels: DataChannels
    var events: [DataChannelOutput] = []
    var isUp = false
    var isDown = false
    var oversize = 0
    var refused: [DataChannelError] = []
    var outbound: [[UInt8]] = []
    let wakes = WakeCounter()

    init(isDTLSClient: Bool, maxMessageSize: Int = 262_144) throws {
        let wakes = self.wakes
        association = try SCTPAssociation(maxMessageSize: maxMessageSize, wake: { wakes.count.add(1, ordering: .relaxed) })
        channels = DataChannels(isDTLSClient: isDTLSClient)
    }

    /// Moves usrsctp's output into our lists, and channel sends into usrsctp.
    func drain() throws {
        var progressed = true
        while progressed {
            progressed = false
            while let output = association.pollOutput() {
                progressed = true
                switch output {
                case .transmit(let packet): outbound.append(packet)
                case .up: isUp = true
                case .down: isDown = true
                case .message(let message):
                    do { try channels.receive(message) } catch { refused.append(error) }
                case .streamReset(let stream): channels.close(stream)
                case .droppedOversize: oversize += 1
                }
            }
            while let output = channels.pollOutput() {
                progressed = true
                switch output {
                case .send(let message, let channel):
                    try association.send(message, ordered: channel.ordered, reliability: channel.reliability)
                case .resetStream(let stream):
                    try association.resetStream(stream)
                case .opened, .message, .closed:
                    events.append(output)
                }
            }
        }
    }
}

/// Delivers each end's packets to the other until both are quiet (bounded).
func pump(_ a: SCTPEnd, _ b: SCTPEnd, rounds: Int = 200) throws {
    for _ in 0..<rounds {
        try a.drain()
        try b.drain()
        if a.outbound.isEmpty, b.outbound.isEmpty { return }
        let toB = a.outbound
        let toA = b.outbound
        a.outbound = []
        b.outbound = []
        for p in toB { b.association.handle(packet: p) }
        for p in toA { a.association.handle(packet: p) }
    }
}

func connectedPair(serverMax: Int = 262_144) throws -> (client: SCTPEnd, server: SCTPEnd) {
    let client = try SCTPEnd(isDTLSClient: true)
    let server = try SCTPEnd(isDTLSClient: false, maxMessageSize: serverMax)
    try client.association.connect()
    try server.association.connect()
    try pump(client, server)
    return (client, server)
}

@Suite(.serialized) struct SCTPAssociationTests {
    @Test func bothEndsComeUp() throws {
        let (client, server) = try connectedPair()
        #expect(client.isUp)
        #expect(server.isUp)
        #expect(!client.isDown && !server.isDown)
    }

    @Test func aChannelOpensAndCarriesMessagesBothWays() throws {
        let (client, server) = try connectedPair()
        let opened = client.channels.open(label: "chat")
        let chat = try #require(opened)
        try client.channels.send(.text("hello"), on: chat.id)
        try pump(client, server)
        let seen = DataChannel(id: chat.id, label: "chat", protocol: "", ordered: true, reliability: .reliable)
        #expect(server.events == [.opened(seen), .message(channel: chat.id, .text("hello"))])

        let big = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try server.channels.send(.binary(big), on: chat.id)
        try server.channels.send(.text(""), on: chat.id)
        try pump(client, server)
        #expect(client.events == [.message(channel: chat.id, .binary(big)), .message(channel: chat.id, .text(""))])
        #expect(client.refused.isEmpty && server.refused.isEmpty)
    }

    @Test func messagesOverTheLimitAreDroppedWhole() throws {
        let (client, server) = try connectedPair(serverMax: 4_096)
        let opened = client.channels.open(label: "chat")
        let chat = try #require(opened)
        try client.channels.send(.binary([UInt8](repeating: 7, count: 20_000)), on: chat.id)
        try client.channels.send(.text("after"), on: chat.id)
        try pump(client, server)
        #expect(server.oversize == 1)
        #expect(server.events.last == .message(channel: chat.id, .text("after")))
        #expect(!server.events.contains { if case .message(_, .binary) = $0 { true } else { false } })
        // And the sender's own limit refuses at once.
        #expect(throws: SCTPError.messageTooLarge(4_097)) {
            try server.association.send(SCTPMessage(stream: 1, ppid: 53, payload: [UInt8](repeating: 0, count: 4_097)),
                                        ordered: true, reliability: .reliable)
        }
    }

    @Test func aStreamResetClosesTheChannelOnBothSides() throws {
        let (client, server) = try connectedPair()
        let opened = client.channels.open(label: "chat")
        let chat = try #require(opened)
        try pump(client, server)
        client.channels.close(chat.id)
        try pump(client, server)
        #expect(client.events.last == .closed(chat.id))
        #expect(server.events.last == .closed(chat.id))
        #expect(server.channels.channels.isEmpty)
        #expect(client.channels.channels.isEmpty)
    }

    @Test func garbagePacketsChangeNothing() throws {
        let (client, server) = try connectedPair()
        let opened = client.channels.open(label: "chat")
        let chat = try #require(opened)
        try client.channels.send(.text("seed"), on: chat.id)
        try client.drain()
        let seeds = client.outbound
        try pump(client, server)
        for hostile in HostileInput(seeds: seeds, count: 5_000, seed: 0x5C7B, maxLength: 4_000) {
            server.association.handle(packet: hostile.bytes)
        }
        try server.drain()
        server.outbound = []  // ABORTs or errors for the forged packets, if any: not for the client
        try client.channels.send(.text("still here"), on: chat.id)
        try pump(client, server)
        #expect(server.events.last == .message(channel: chat.id, .text("still here")))
        #expect(!server.isDown)
    }

    @Test func aLostPacketIsSentAgainByTheTimerThreadWhichWakesTheOwner() async throws {
        let (client, server) = try connectedPair()
        let opened = client.channels.open(label: "chat")
        let chat = try #require(opened)
        try pump(client, server)
        try client.channels.send(.text("lost once"), on: chat.id)
        try client.drain()
        #expect(!client.outbound.isEmpty)
        client.outbound = []  // the network lost it
        let before = client.wakes.count.load(ordering: .relaxed)
        // usrsctp's retransmission timer (RTO at least 1 s) fires on the timer thread; bounded wait.
        for _ in 0..<200 where client.wakes.count.load(ordering: .relaxed) == before {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(client.wakes.count.load(ordering: .relaxed) > before, "the timer thread should wake the owner")
        try pump(client, server)
        #expect(server.events.last == .message(channel: chat.id, .text("lost once")))
    }

    @Test func aClosedAssociationRefusesWorkAndStaysQuiet() throws {
        let (client, server) = try connectedPair()
        let opened = client.channels.open(label: "chat")
        let chat = try #require(opened)
        try pump(client, server)
        server.association.close()
        server.association.close()  // idempotent
        #expect(throws: SCTPError.closed) { try server.association.connect() }
        #expect(throws: SCTPError.closed) { try server.association.resetStream(chat.id) }
        #expect(throws: SCTPError.closed) {
            try server.association.send(SCTPMessage(stream: chat.id, ppid: 51, payload: [0x41]), ordered: true, reliability: .reliable)
        }
        // Packets for it are ignored: the client's message finds no one and nothing is queued.
        try client.channels.send(.text("anyone?"), on: chat.id)
        try pump(client, server)
        #expect(server.association.pollOutput() == nil)
        #expect(!server.events.contains(.message(channel: chat.id, .text("anyone?"))))
    }
}
