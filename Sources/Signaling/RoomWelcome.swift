import Synchronization

/// What a room says to a member right after `joined` (the latest chat): set once by whoever
/// keeps that (the chat service, made after signaling), read on every join.
public final class RoomWelcome: Sendable {
    public typealias Provider = @Sendable (_ room: String, _ member: ParticipantInfo) async -> [String]

    private let provider = Mutex<Provider?>(nil)

    public init() {}

    public func set(_ provider: @escaping Provider) {
        self.provider.withLock { $0 = provider }
    }

    func messages(room: String, member: ParticipantInfo) async -> [String] {
        guard let provider = provider.withLock({ $0 }) else { return [] }
        return await provider(room, member)
    }
}
