/// The two RFC 8285 layouts of an RTP header-extension block.
public enum RTPHeaderExtensionForm: Sendable, Equatable {
    /// Profile 0xBEDE: 4-bit id (1...14) and 4-bit length-1, values of 1...16 bytes.
    case oneByte
    /// Profile 0x100X: 8-bit id (1...255) and 8-bit length, values of 0...255 bytes.
    case twoByte

    public static let oneByteProfile: UInt16 = 0xBEDE
    public static let twoByteProfile: UInt16 = 0x1000

    /// The form for a block profile, or nil for profiles that are not RFC 8285.
    @inlinable public init?(profile: UInt16) {
        if profile == 0xBEDE {
            self = .oneByte
        } else if profile & 0xFFF0 == 0x1000 {
            self = .twoByte  // the low 4 bits are "appbits", free for the application
        } else {
            return nil
        }
    }

    /// The profile this writer puts in the block header.
    @inlinable public var profile: UInt16 { self == .oneByte ? 0xBEDE : 0x1000 }

    /// Whether an element with this id and value length can be carried in this form.
    @inlinable public func canCarry(id: UInt8, length: Int) -> Bool {
        switch self {
        case .oneByte: return (1...14).contains(id) && (1...16).contains(length)
        case .twoByte: return id >= 1 && (0...255).contains(length)
        }
    }

    /// The smallest form that carries every element (one-byte when it can).
    public static func fitting(_ elements: [RTPHeaderExtension]) -> RTPHeaderExtensionForm {
        elements.allSatisfy { RTPHeaderExtensionForm.oneByte.canCarry(id: $0.id, length: $0.value.count) }
            ? .oneByte : .twoByte
    }
}

/// One extension element found in a packet: its local id and the offsets of its value.
public struct RTPHeaderExtensionElement: Sendable, Equatable {
    public let id: UInt8
    public let range: Range<Int>

    @inlinable public init(id: UInt8, range: Range<Int>) {
        self.id = id
        self.range = range
    }
}

/// An extension element as owned bytes: what a builder is given.
public struct RTPHeaderExtension: Sendable, Equatable {
    public var id: UInt8
    public var value: [UInt8]

    public init(id: UInt8, value: [UInt8]) {
        self.id = id
        self.value = value
    }
}

/// The elements of an RFC 8285 extension block, walked in place without allocating.
///
/// Padding bytes (id 0) are skipped. In the one-byte form id 15 ends the walk (RFC 8285 §4.2).
/// A malformed element ends the walk; `RTPHeader(parsing:)` has already rejected such packets,
/// so this only matters for a buffer other than the one the header came from.
public struct RTPHeaderExtensions: Sequence, IteratorProtocol {
    @usableFromInline let buffer: UnsafeRawBufferPointer
    @usableFromInline let form: RTPHeaderExtensionForm?
    @usableFromInline var cursor: Int
    @usableFromInline let end: Int

    @inlinable
    init(buffer: UnsafeRawBufferPointer, range: Range<Int>, form: RTPHeaderExtensionForm?) {
        self.buffer = buffer
        self.form = form
        // Clamp so a range from another buffer can never read outside this one.
        self.end = Swift.min(range.upperBound, buffer.count)
        self.cursor = Swift.min(Swift.max(range.lowerBound, 0), self.end)
    }

    @inlinable
    public mutating func next() -> RTPHeaderExtensionElement? {
        guard let form else { return nil }
        switch RTPHeaderExtensions.step(buffer, at: cursor, end: end, form: form) {
        case .element(let element, let next):
            cursor = next
            return element
        case .end, .malformed:
            cursor = end
            return nil
        }
    }

    @usableFromInline
    enum Step {
        case element(RTPHeaderExtensionElement, next: Int)
        case end
        case malformed(offset: Int)
    }

    /// Reads the element at `offset`, skipping padding; shared by iteration and validation so
    /// both agree on what a well-formed block is.
    @inlinable
    static func step(_ buffer: UnsafeRawBufferPointer, at offset: Int, end: Int,
                     form: RTPHeaderExtensionForm) -> Step {
        var cursor = offset
        while cursor < end {
            let first = buffer[cursor]
            if first == 0 {
                cursor += 1  // padding byte
                continue
            }
            switch form {
            case .oneByte:
                let id = first >> 4
                if id == 0 {
                    cursor += 1  // id 0 is padding whatever its length nibble says
                    continue
                }
                if id == 15 { return .end }  // reserved: stop processing (RFC 8285 §4.2)
                let start = cursor + 1
                let stop = start + Int(first & 0x0F) + 1
                guard stop <= end else { return .malformed(offset: cursor) }
                return .element(RTPHeaderExtensionElement(id: id, range: start..<stop), next: stop)
            case .twoByte:
                guard cursor + 2 <= end else { return .malformed(offset: cursor) }
                let start = cursor + 2
                let stop = start + Int(buffer[cursor + 1])
                guard stop <= end else { return .malformed(offset: cursor) }
                return .element(RTPHeaderExtensionElement(id: first, range: start..<stop), next: stop)
            }
        }
        return .end
    }

    /// Throws when an element of the block overruns it.
    @inlinable
    static func validate(_ buffer: UnsafeRawBufferPointer, _ range: Range<Int>,
                         form: RTPHeaderExtensionForm) throws(RTPError) {
        var cursor = range.lowerBound
        while true {
            switch step(buffer, at: cursor, end: range.upperBound, form: form) {
            case .element(_, let next): cursor = next
            case .end: return
            case .malformed(let offset): throw .badExtensionElement(offset: offset)
            }
        }
    }
}
