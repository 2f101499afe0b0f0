/// Room membership summed over the server: rooms with members, member connections, and distinct
/// users present in each role (a user in two rooms counts in both).
public struct RoomTotals: Sendable, Equatable {
    public var rooms = 0
    public var connections = 0
    public var viewers = 0
    public var guests = 0
    public var hosts = 0

    public init() {}
}
