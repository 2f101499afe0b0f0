/// ssrc-audio-level (RFC 6464): voice activity flag and level in -dBov (0 loudest, 127 silence).
public struct AudioLevel: RTPHeaderExtensionValue {
    public let voiceActivity: Bool
    /// 0...127, meaning -level dBov.
    public let level: UInt8

    public var encodedLength: Int { 1 }

    public init(voiceActivity: Bool, level: UInt8) {
        self.voiceActivity = voiceActivity
        self.level = min(level, 127)
    }

    /// Reads the first byte; senders may pad the element, which RFC 6464 allows.
    @inlinable
    public init(parsing value: UnsafeRawBufferPointer) throws(RTPError) {
        guard value.count >= 1 else { throw .badExtensionLength(expected: 1, have: 0) }
        voiceActivity = value[0] & 0x80 != 0
        level = value[0] & 0x7F
    }

    public func write(into value: UnsafeMutableRawBufferPointer) {
        value[0] = (voiceActivity ? 0x80 : 0) | (level & 0x7F)
    }
}
