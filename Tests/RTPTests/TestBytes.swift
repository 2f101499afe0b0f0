// Small adapters so tests can call the buffer-based APIs on array literals.
@testable import RTP

/// Runs `body` with a read-only view of `bytes`, forwarding its typed error.
func withBuffer<T, E: Error>(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(E) -> T) throws(E) -> T {
    let result: Result<T, E> = bytes.withUnsafeBytes { buffer in Result { () throws(E) in try body(buffer) } }
    return try result.get()
}

/// Runs `body` with a mutable view of `bytes`, forwarding its typed error.
func withMutableBuffer<T, E: Error>(_ bytes: inout [UInt8],
                                    _ body: (UnsafeMutableRawBufferPointer) throws(E) -> T) throws(E) -> T {
    let result: Result<T, E> = bytes.withUnsafeMutableBytes { buffer in Result { () throws(E) in try body(buffer) } }
    return try result.get()
}

extension Array where Element == UInt8 {
    /// The bytes of `range` as a new array (for comparing extension values and payloads).
    func bytes(in range: Range<Int>) -> [UInt8] { Array(self[range]) }
}
