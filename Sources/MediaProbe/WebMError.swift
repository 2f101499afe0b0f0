/// Why a file is not a playable WebM/Matroska video. Every message is fit to show the uploader.
public enum WebMError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file does not start with an EBML header (`sniffed` names what it looks like instead).
    case notMatroska(sniffed: String?)
    /// The EBML header names a document type other than webm or matroska.
    case unsupportedDocType(String)
    case invalidVarInt(kind: String)
    /// An element claims more bytes than its parent (or the file) has.
    case elementOverflows(id: UInt32, offset: UInt64)
    /// The file ends inside an element.
    case truncated(offset: UInt64)
    /// A leaf element's payload is larger than its type allows (a 2 KiB float, a 1 MiB codec id).
    case oversizedElement(id: UInt32, size: UInt64)
    /// Unknown size where the format does not allow it.
    case unknownSizeNotAllowed(id: UInt32)
    case tooDeep
    case tooManyElements
    case noSegment
    case noTracks
    /// No video track: audio alone, or subtitles, is not a video.
    case noVideoTrack
    case unsupportedCodec(String)
    case invalidDimensions
    case noFrames
    case invalidTimecodeScale

    public var description: String {
        switch self {
        case .notMatroska(let sniffed):
            "not a WebM or Matroska file" + (sniffed.map { " (it looks like \($0))" } ?? "")
        case .unsupportedDocType(let type): "unsupported Matroska document type \"\(type.prefix(32))\""
        case .invalidVarInt(let kind): "corrupt file: invalid \(kind)"
        case let .elementOverflows(id, offset):
            "corrupt file: element 0x\(String(id, radix: 16)) at byte \(offset) is larger than what contains it"
        case .truncated(let offset): "the file is truncated (it ends inside the element at byte \(offset))"
        case let .oversizedElement(id, size): "corrupt file: element 0x\(String(id, radix: 16)) has an absurd size (\(size) bytes)"
        case .unknownSizeNotAllowed(let id): "corrupt file: element 0x\(String(id, radix: 16)) has an unknown size"
        case .tooDeep: "corrupt file: elements nested too deeply"
        case .tooManyElements: "corrupt file: too many elements"
        case .noSegment: "no Matroska segment in the file"
        case .noTracks: "the file has no tracks"
        case .noVideoTrack: "the file has no video track"
        case .unsupportedCodec(let codec): "unsupported codec \"\(codec.prefix(32))\""
        case .invalidDimensions: "the video track has no valid width and height"
        case .noFrames: "the file has no frames"
        case .invalidTimecodeScale: "corrupt file: invalid timecode scale"
        }
    }
}
