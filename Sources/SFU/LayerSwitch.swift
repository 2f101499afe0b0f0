/// What a `LayerSelector` tells its caller to do for one viewer's video track; the caller turns
/// `.layerChanged`, `.paused` and `.resumed` into messages to the viewer.
public enum LayerSwitch: Sendable, Equatable {
    /// Forward this layer from now on.
    case layerChanged(spatial: Int, temporal: Int)
    /// A switch to spatial layer `spatial` waits for one of its keyframes: ask the publisher for
    /// one (a PLI for that layer) and keep forwarding the current layer (nothing, when paused)
    /// until `keyframeArrived(spatial:)`.
    case keyframeNeeded(spatial: Int)
    /// Stop forwarding the track: the viewer's bandwidth does not carry even its lowest layer.
    case paused
    /// Forwarding starts again, with this layer, after a pause.
    case resumed(spatial: Int, temporal: Int)
}
