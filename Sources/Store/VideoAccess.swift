import Foundation

/// Who may see a video, as private sessions decide it: public to anyone, followers-only to the
/// owner and the owner's followers, private to the owner alone.
public enum VideoAccess: Sendable, Equatable {
    case allowed
    case denied
    /// Allowed when this viewer follows the owner (the caller looks that up).
    case ifFollower(UUID)

    public static func decide(visibility: VideoVisibility, ownerId: UUID, viewerId: UUID?) -> VideoAccess {
        if viewerId == ownerId { return .allowed }
        switch visibility {
        case .public: return .allowed
        case .private: return .denied
        case .followers: return viewerId.map { .ifFollower($0) } ?? .denied
        }
    }
}
