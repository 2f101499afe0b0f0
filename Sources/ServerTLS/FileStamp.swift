#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What changes when a file is rewritten in place (mtime, size) or replaced by a rename (inode):
/// enough to notice a renewed certificate without reading it every second.
struct FileStamp: Equatable, Sendable {
    var inode: UInt64
    var size: Int64
    var modifiedSeconds: Int
    var modifiedNanoseconds: Int

    /// nil when the file cannot be stat'ed (gone for a moment during a replace, say).
    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        #if canImport(Darwin)
        modifiedSeconds = Int(info.st_mtimespec.tv_sec)
        modifiedNanoseconds = Int(info.st_mtimespec.tv_nsec)
        #else
        modifiedSeconds = Int(info.st_mtim.tv_sec)
        modifiedNanoseconds = Int(info.st_mtim.tv_nsec)
        #endif
    }
}

/// The stamps of a certificate file and its key file together: a change to either is a new pair.
struct PairStamp: Equatable, Sendable {
    var certificate: FileStamp?
    var key: FileStamp?

    init(certificatePath: String, keyPath: String) {
        certificate = FileStamp(path: certificatePath)
        key = FileStamp(path: keyPath)
    }
}
