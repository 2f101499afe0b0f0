/// What a viewer gets of one video track: one (spatial, temporal) layer, or nothing.
///
/// Ordered by quality: `.paused` below every layer, layers by spatial index, then temporal index
/// (a bigger picture beats a higher frame rate).
public enum LayerChoice: Sendable, Hashable, Comparable, CustomStringConvertible {
    case paused
    case layer(spatial: Int, temporal: Int)

    public var spatial: Int? {
        if case .layer(let spatial, _) = self { return spatial }
        return nil
    }

    public var temporal: Int? {
        if case .layer(_, let temporal) = self { return temporal }
        return nil
    }

    public static func < (lhs: LayerChoice, rhs: LayerChoice) -> Bool {
        switch (lhs, rhs) {
        case (.paused, .paused): false
        case (.paused, .layer): true
        case (.layer, .paused): false
        case let (.layer(ls, lt), .layer(rs, rt)): (ls, lt) < (rs, rt)
        }
    }

    public var description: String {
        switch self {
        case .paused: "paused"
        case let .layer(spatial, temporal): "S\(spatial)T\(temporal)"
        }
    }
}
