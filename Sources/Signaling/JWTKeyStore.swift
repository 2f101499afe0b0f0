#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the room-token key comes from: the `CHOBI_JWT_SECRET` environment variable if set,
/// else a key file (default `./data/jwt.key`) made once with 32 random bytes (as 64 hex
/// characters, mode 0600, directory created 0700) and read on every later start, so tokens
/// minted by `chobi-server token` stay valid across restarts.
public struct JWTKeyStore: Sendable {
    public static let environmentVariable = "CHOBI_JWT_SECRET"
    public static let defaultPath = "./data/jwt.key"
    /// Key files larger than this are not key files.
    static let maxFileBytes = 4096

    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// `CHOBI_JWT_SECRET` is set but shorter than `RoomTokenKey.minimumLength`.
        case secretTooShort
        /// The key file exists but holds fewer than `RoomTokenKey.minimumLength` characters.
        case keyFileTooShort(path: String)
        case keyFileTooLarge(path: String)
        /// A system call failed; `errno` as reported by the C library.
        case io(operation: String, path: String, errno: Int32)

        public var description: String {
            switch self {
            case .secretTooShort:
                "\(JWTKeyStore.environmentVariable) must be at least \(RoomTokenKey.minimumLength) bytes"
            case .keyFileTooShort(let path):
                "key file \(path) holds fewer than \(RoomTokenKey.minimumLength) characters"
            case .keyFileTooLarge(let path):
                "key file \(path) is larger than \(JWTKeyStore.maxFileBytes) bytes"
            case .io(let operation, let path, let code):
                "\(operation) \(path): \(String(cString: strerror(code)))"
            }
        }
    }

    public var path: String

    public init(path: String = JWTKeyStore.defaultPath) {
        self.path = path
    }

    /// The key file inside a data directory (`<directory>/jwt.key`).
    public init(dataDirectory: String) {
        self.path = dataDirectory.hasSuffix("/") ? dataDirectory + "jwt.key" : dataDirectory + "/jwt.key"
    }

    /// `CHOBI_JWT_SECRET` from the process environment, nil when unset or empty.
    public static func secretFromEnvironment() -> String? {
        guard let raw = getenv(environmentVariable) else { return nil }
        let value = String(cString: raw)
        return value.isEmpty ? nil : value
    }

    /// The key: from `environmentSecret` when given, else from the key file, creating it first if
    /// it does not exist.
    public func loadKey(environmentSecret: String? = JWTKeyStore.secretFromEnvironment()) throws(Failure) -> RoomTokenKey {
        if let environmentSecret {
            guard let key = RoomTokenKey(secret: environmentSecret) else { throw .secretTooShort }
            return key
        }
        let secret: String
        if let existing = try readKeyFile() {
            secret = existing
        } else {
            secret = try createKeyFile()
        }
        guard let key = RoomTokenKey(secret: secret) else { throw .keyFileTooShort(path: path) }
        return key
    }

    /// The file's text without surrounding whitespace, or nil if there is no file.
    private func readKeyFile() throws(Failure) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let code = errno
            if code == ENOENT { return nil }
            throw .io(operation: "open", path: path, errno: code)
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                throw .io(operation: "read", path: path, errno: code)
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            guard bytes.count <= Self.maxFileBytes else { throw .keyFileTooLarge(path: path) }
        }
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        let trimmed = bytes.drop(while: isSpace).reversed().drop(while: isSpace).reversed()
        return String(decoding: Array(trimmed), as: UTF8.self)
    }

    /// Writes a new key with O_EXCL, so two processes starting at once cannot both create one:
    /// the loser reads the winner's file.
    private func createKeyFile() throws(Failure) -> String {
        try makeParentDirectories()
        let secret = RandomIdentifier.hex(byteCount: 32)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd < 0 {
            let code = errno
            if code == EEXIST, let existing = try readKeyFile() { return existing }
            throw .io(operation: "create", path: path, errno: code)
        }
        defer { close(fd) }
        // The umask may have taken bits away, never added them; set the mode exactly anyway.
        guard fchmod(fd, 0o600) == 0 else { throw .io(operation: "fchmod", path: path, errno: errno) }
        let line = Array((secret + "\n").utf8)
        var written = 0
        while written < line.count {
            let count = line[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                throw .io(operation: "write", path: path, errno: code)
            }
            written += count
        }
        guard fsync(fd) == 0 else { throw .io(operation: "fsync", path: path, errno: errno) }
        return secret
    }

    /// `mkdir -p` of the file's directory, new directories 0700 (they hold a secret).
    private func makeParentDirectories() throws(Failure) {
        guard let slash = path.lastIndex(of: "/") else { return }
        let directory = String(path[..<slash])
        guard !directory.isEmpty else { return }
        var prefix = directory.hasPrefix("/") ? "/" : ""
        for component in directory.split(separator: "/") {
            prefix += component
            if component != ".", component != ".." {
                if mkdir(prefix, 0o700) != 0 {
                    let code = errno
                    guard code == EEXIST else { throw .io(operation: "mkdir", path: prefix, errno: code) }
                }
            }
            prefix += "/"
        }
    }
}
