/// Names what a file that is not Matroska looks like, from its first bytes, so that the refusal
/// tells the uploader something useful ("a ZIP archive") rather than only "not a video".
public enum FileSniffer {
    public static func describe(_ bytes: ArraySlice<UInt8>) -> String? {
        let head = Array(bytes.prefix(12))
        func starts(_ magic: [UInt8]) -> Bool { head.starts(with: magic) }
        if head.isEmpty { return "an empty file" }
        if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) { return "a ZIP archive" }
        if head.count >= 8, Array(head[4..<8]) == Array("ftyp".utf8) { return "MP4/QuickTime" }
        if starts(Array("%PDF".utf8)) { return "a PDF document" }
        if starts([0x89, 0x50, 0x4E, 0x47]) { return "a PNG image" }
        if starts([0xFF, 0xD8, 0xFF]) { return "a JPEG image" }
        if starts(Array("GIF8".utf8)) { return "a GIF image" }
        if starts(Array("RIFF".utf8)) { return "a RIFF file (AVI or WAV)" }
        if starts(Array("OggS".utf8)) { return "an Ogg file" }
        if starts(Array("ID3".utf8)) { return "an MP3 file" }
        if starts([0x1F, 0x8B]) { return "a gzip archive" }
        if head.allSatisfy({ $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || (0x20...0x7E).contains($0) || $0 >= 0x80 }) {
            return "a text file"
        }
        return nil
    }

    /// An MP4/QuickTime file (`ftyp` box first): the server asks ffprobe about these.
    public static func isMP4(_ bytes: ArraySlice<UInt8>) -> Bool {
        let head = Array(bytes.prefix(8))
        return head.count == 8 && Array(head[4..<8]) == Array("ftyp".utf8)
    }
}
