/// What an account may do beyond its own sessions. Admins are made from the command line
/// (`chobi-server admin grant <username>`), never through the API.
public enum UserRole: String, Sendable, Codable, Equatable, Hashable, CaseIterable {
    case user
    /// May use the API's admin procedures (e.g. granting coins).
    case admin
}
