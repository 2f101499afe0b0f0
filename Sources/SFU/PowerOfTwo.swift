/// The smallest power of two that is at least `value` (and at least 2): ring buffers index by
/// masking the low bits of an unwrapped sequence number.
func powerOfTwo(atLeast value: Int) -> Int {
    var size = 2
    while size < value, size < 1 << 30 { size <<= 1 }
    return size
}
