/// Why a certificate and key pair could not be used. Each case names the file, because the
/// operator's next step is to look at that file.
public enum TLSCertificateError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case noCertificate(path: String)
    case badCertificate(path: String, reason: String)
    case badKey(path: String, reason: String)
    /// The key is fine and the certificate is fine, but they are not a pair (one was replaced and
    /// the other not yet, typically).
    case keyDoesNotMatchCertificate(certificate: String, key: String)
    case contextRefused(reason: String)
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
        case .noCertificate(let path): "\(path) holds no PEM certificate"
        case .badCertificate(let path, let reason): "\(path) is not a usable certificate: \(reason)"
        case .badKey(let path, let reason): "\(path) is not a usable private key: \(reason)"
        case .keyDoesNotMatchCertificate(let certificate, let key): "the key in \(key) does not match the certificate in \(certificate)"
        case .contextRefused(let reason): "the TLS library refused the pair: \(reason)"
        case .cannotWrite(let path, let reason): "cannot write \(path): \(reason)"
        }
    }
}
