// What the text and JSON handlers share: the metadata a line carries, and standard error.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import Synchronization

#if canImport(Glibc)
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
private let systemWrite = Darwin.write
#endif

/// Standard error shared by every handler (text and JSON): one lock, so lines from many threads never interleave.
enum StandardError {
    private static let lock = Mutex(())

    static func write(_ line: String) {
        let bytes = Array(line.utf8)
        lock.withLock { _ in
            bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let rest = UnsafeRawBufferPointer(rebasing: buffer[offset...])
                    let written = systemWrite(STDERR_FILENO, rest.baseAddress, rest.count)
                    if written > 0 {
                        offset += written
                    } else if written < 0, errno == EINTR {
                        continue
                    } else {
                        return  // stderr closed or full: a log line is not worth blocking or dying for
                    }
                }
            }
        }
    }
}

extension LogEvent {
    /// What a line carries, later wins: the handler's own metadata, then the provider's
    /// (task-local context), then what the call site passed.
    func metadata(over own: Logger.Metadata, provider: Logger.MetadataProvider?) -> Logger.Metadata {
        var merged = own
        if let provided = provider?.get() { merged.merge(provided) { _, new in new } }
        if let explicit = metadata { merged.merge(explicit) { _, new in new } }
        return merged
    }
}
