import Testing
@testable import MediaTransport

@Suite("RFC 7983 first-byte demux")
struct PacketClassTests {
    @Test("every first byte maps to the class RFC 7983 §7 gives it")
    func ranges() {
        for b in 0...255 {
            let cls = PacketClass(firstByte: UInt8(b))
            let expected: PacketClass
            switch b {
            case 0...3: expected = .stun
            case 16...19: expected = .zrtp
            case 20...63: expected = .dtls
            case 64...79: expected = .turnChannel
            case 128...191: expected = .rtpOrRTCP
            default: expected = .unknown
            }
            #expect(cls == expected, "byte \(b)")
        }
    }

    @Test("an empty datagram is unknown, a STUN header is STUN")
    func datagrams() {
        #expect(PacketClass(datagram: [UInt8]()) == .unknown)
        #expect(PacketClass(datagram: [0x00, 0x01, 0x00, 0x00]) == .stun)
        #expect(PacketClass(datagram: [0x16, 0xFE, 0xFD]) == .dtls)
        #expect(PacketClass(datagram: [0x80, 0x60]) == .rtpOrRTCP)
    }
}
