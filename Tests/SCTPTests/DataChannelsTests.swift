// DCEP as a state machine (RFC 8832 §6): who opens which stream ids, the ACK, message payload
// protocols, closing by stream reset, and refusals that change nothing.

import SCTP
import Testing

@Suite struct DataChannelsTests {
    static let dcep = PayloadProtocol.dcep.rawValue

    static func open(_ label: String, on stream: UInt16) -> SCTPMessage {
        SCTPMessage(stream: stream, ppid: dcep, payload: DataChannelOpen(label: label).bytes)
    }

    static func drain(_ channels: inout DataChannels) -> [DataChannelOutput] {
        var out: [DataChannelOutput] = []
        while let o = channels.pollOutput() { out.append(o) }
        return out
    }

    @Test func aPeerOpenIsAcknowledgedAndAnnounced() throws {
        var server = DataChannels(isDTLSClient: false)
        try server.receive(Self.open("chat", on: 0))
        let chat = DataChannel(id: 0, label: "chat", protocol: "", ordered: true, reliability: .reliable)
        #expect(Self.drain(&server) == [
            .send(SCTPMessage(stream: 0, ppid: Self.dcep, payload: [0x02]), on: chat),
            .opened(chat),
        ])
        #expect(server.channels[0] == chat)
    }

    @Test func messagesKeepTheirKind() throws {
        var server = DataChannels(isDTLSClient: false)
        try server.receive(Self.open("chat", on: 2))
        _ = Self.drain(&server)
        try server.receive(SCTPMessage(stream: 2, ppid: 51, payload: Array("héllo".utf8)))
        try server.receive(SCTPMessage(stream: 2, ppid: 53, payload: [1, 2, 3]))
        try server.receive(SCTPMessage(stream: 2, ppid: 56, payload: [0]))
        try server.receive(SCTPMessage(stream: 2, ppid: 57, payload: [0]))
        #expect(Self.drain(&server) == [
            .message(channel: 2, .text("héllo")), .message(channel: 2, .binary([1, 2, 3])),
            .message(channel: 2, .text("")), .message(channel: 2, .binary([])),
        ])
    }

    @Test func refusalsLeaveNoTrace() throws {
        var server = DataChannels(isDTLSClient: false)
        #expect(throws: DataChannelError.noChannel(0)) { try server.receive(SCTPMessage(stream: 0, ppid: 51, payload: [0x41])) }
        #expect(throws: DataChannelError.wrongStreamParity(1)) { try server.receive(Self.open("x", on: 1)) }
        #expect(throws: DataChannelError.unknownPayloadProtocol(52)) { try server.receive(SCTPMessage(stream: 0, ppid: 52, payload: [1])) }
        #expect(throws: DataChannelError.truncated(needed: 1, have: 0)) { try server.receive(SCTPMessage(stream: 0, ppid: Self.dcep, payload: [])) }
        #expect(throws: DataChannelError.noChannel(0)) { try server.receive(SCTPMessage(stream: 0, ppid: Self.dcep, payload: [0x02])) }
        try server.receive(Self.open("chat", on: 0))
        _ = Self.drain(&server)
        #expect(throws: DataChannelError.channelExists(0)) { try server.receive(Self.open("again", on: 0)) }
        #expect(throws: DataChannelError.invalidUTF8) { try server.receive(SCTPMessage(stream: 0, ppid: 51, payload: [0xC3])) }
        #expect(Self.drain(&server).isEmpty)
        #expect(server.channels.count == 1)
    }

    @Test func ourOpensUseOurParityAndSkipTakenIds() throws {
        var client = DataChannels(isDTLSClient: true)
        var server = DataChannels(isDTLSClient: false)
        #expect(client.open(label: "a")?.id == 0)
        #expect(client.open(label: "b")?.id == 2)
        try server.receive(Self.open("peer", on: 2))  // the peer's view: no clash with our odd ids
        #expect(server.open(label: "c")?.id == 1)
        #expect(server.open(label: "d")?.id == 3)
        guard case .send(let open, let channel)? = client.pollOutput() else {
            Issue.record("the client's first open should be sent")
            return
        }
        #expect(channel.label == "a")
        #expect(try DataChannelOpen(parsing: open.payload) == DataChannelOpen(label: "a"))
        // The ACK to our OPEN is taken silently.
        _ = Self.drain(&client)
        try client.receive(SCTPMessage(stream: 0, ppid: Self.dcep, payload: [0x02]))
        #expect(client.pollOutput() == nil)
    }

    @Test func closingResetsOurStreamOnce() throws {
        var server = DataChannels(isDTLSClient: false)
        try server.receive(Self.open("chat", on: 4))
        _ = Self.drain(&server)
        server.close(4)  // the peer reset its stream
        #expect(Self.drain(&server) == [.resetStream(4), .closed(4)])
        server.close(4)  // our reset's echo
        #expect(server.pollOutput() == nil)
        #expect(throws: DataChannelError.noChannel(4)) { try server.send(.text("late"), on: 4) }
    }

    @Test func sendsUseThePayloadProtocolOfTheirKind() throws {
        #expect(DataChannels.message(.text("hi"), stream: 1) == SCTPMessage(stream: 1, ppid: 51, payload: [0x68, 0x69]))
        #expect(DataChannels.message(.text(""), stream: 1) == SCTPMessage(stream: 1, ppid: 56, payload: [0]))
        #expect(DataChannels.message(.binary([9]), stream: 1) == SCTPMessage(stream: 1, ppid: 53, payload: [9]))
        #expect(DataChannels.message(.binary([]), stream: 1) == SCTPMessage(stream: 1, ppid: 57, payload: [0]))
    }
}
