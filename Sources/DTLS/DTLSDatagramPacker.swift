// OpenSSL writes DTLS records back to back into the memory BIO, each already sized to fit the
// MTU (it fragments handshake messages itself). On a real socket each record would be its own
// datagram; we pack consecutive whole records into datagrams up to the MTU, which sends a whole
// flight in as few datagrams as the path allows (RFC 6347 §4.1.1 allows several records per
// datagram) and never splits a record.

enum DTLSDatagramPacker {
    /// DTLS record header: type(1) version(2) epoch(2) sequence(6) length(2).
    static let recordHeaderLength = 13

    static func split(_ bytes: UnsafeRawBufferPointer, mtu: Int, emit: ([UInt8]) -> Void) {
        var datagramStart = 0
        var offset = 0
        while offset < bytes.count {
            let recordLength: Int
            if bytes.count - offset >= recordHeaderLength {
                recordLength = recordHeaderLength + Int(bytes[offset + 11]) << 8 + Int(bytes[offset + 12])
            } else {
                recordLength = bytes.count - offset
            }
            // OpenSSL wrote these bytes, so a record never runs past the end; if one ever did,
            // send the remainder as it is rather than cut it.
            let end = min(offset + recordLength, bytes.count)
            if end - datagramStart > mtu && offset > datagramStart {
                emit(Array(bytes[datagramStart..<offset]))
                datagramStart = offset
            }
            offset = end
        }
        if offset > datagramStart {
            emit(Array(bytes[datagramStart..<offset]))
        }
    }
}
