#if canImport(Glibc)
import SyntheticPeers
import Glibc
#endif
import DTLS
import SCTP

/// A room member for the chat benchmark: a `SyntheticPeer` (ICE + DTLS client) with an SCTP
/// association over its DTLS connection and the `chat` channel opened, as a browser does. All of
/// it is driven from one thread (the benchmark's), so nothing here locks beyond usrsctp's own.
final class ChatMember {
    let peer: SyntheticPeer
    let sctp: SCTPAssociation
    var channels = DataChannels(isDTLSClient: true)
    private(set) var chat: DataChannel?
    private(set) var isUp = false
    private(set) var acknowledged = false
    /// Chat lines received (their `text`, as sent), in order.
    private(set) var received: [Int] = []
    var onLine: ((Int) -> Void)?
    private var buffer = [UInt8](repeating: 0, count: 2048)

    init(peer: SyntheticPeer) throws {
        self.peer = peer
        sctp = try SCTPAssociation(wake: {})
    }

    /// SCTP handshake and DCEP open of `chat`, until the server's ACK came (bounded).
    func openChat(timeout: Duration = .seconds(10)) throws(ForwardBenchFailure) {
        do { try sctp.connect() } catch { throw .handshake("SCTP connect: \(error)") }
        let deadline = SyntheticPeer.now + timeout
        while !acknowledged {
            if isUp, chat == nil { chat = channels.open(label: "chat") }
            pump()
            guard SyntheticPeer.now < deadline else { throw .handshake("chat channel not acknowledged (SCTP up: \(isUp))") }
            peer.waitReadable(milliseconds: 2)
        }
    }

    func send(_ text: String) throws {
        guard let chat else { throw ForwardBenchFailure.check("no chat channel") }
        try channels.send(.text(text), on: chat.id)
        pump()
    }

    /// Reads what the socket holds and moves everything between socket, DTLS, SCTP and DCEP.
    func pump() {
        guard let dtls = peer.dtls else { return }
        let now = SyntheticPeer.now
        while let n = peer.receive(into: &buffer), n > 0 {
            if (20...63).contains(buffer[0]) { dtls.handle(datagram: buffer[0..<n], at: now) }
        }
        var progressed = true
        while progressed {
            progressed = false
            while let output = dtls.pollOutput() {
                progressed = true
                switch output {
                case .transmit(let bytes): peer.send(bytes)
                case .applicationData(let packet): sctp.handle(packet: packet)
                case .event: break
                }
            }
            while let output = sctp.pollOutput() {
                progressed = true
                switch output {
                case .transmit(let packet): try? dtls.send(applicationData: packet, at: now)
                case .up: isUp = true
                case .message(let message):
                    if message.ppid == PayloadProtocol.dcep.rawValue, message.payload == [DataChannelOpen.ackType] {
                        acknowledged = true
                    }
                    try? channels.receive(message)
                case .down, .streamReset, .droppedOversize: break
                }
            }
            while let output = channels.pollOutput() {
                progressed = true
                switch output {
                case .send(let message, let channel):
                    try? sctp.send(message, ordered: channel.ordered, reliability: channel.reliability)
                case .message(_, .text(let json)):
                    if let line = Self.line(in: json) {
                        received.append(line)
                        onLine?(line)
                    }
                case .message, .opened, .closed, .resetStream: break
                }
            }
        }
    }

    /// The line number the benchmark put in `text` (the relay wraps it in its JSON envelope).
    static func line(in json: String) -> Int? {
        guard let range = json.firstRange(of: #""text":""#) else { return nil }
        return Int(json[range.upperBound...].prefix { $0.isNumber })
    }
}
