import Foundation

/// The parsers of outside input that the libFuzzer targets (`Sources/MLWatchFuzzTargets`) reach and that
/// are not public API: a saved profile or a checkpoint from raw bytes. SPI (`@_spi(Fuzzing) import`), so
/// the public surface of MLWatchCore does not change.
@_spi(Fuzzing) public enum FuzzingEntryPoints {
    /// Decodes a saved profile from a file's bytes (binary or version-1 JSON), every field checked.
    public static func profile(_ data: Data) throws(ReferenceError) -> ReferenceProfile {
        try ReferenceProfile.decode(data, path: "fuzz.profile")
    }

    /// `data` with the checksum of a binary profile set to match its content, so that mutated inputs get
    /// past the CRC check to the header and the values; other data is returned as is.
    public static func withValidProfileChecksum(_ data: Data) -> Data {
        var bytes = [UInt8](data)
        let preamble = ReferenceProfileFile.preambleSize
        guard bytes.count >= preamble, ReferenceProfileFile.hasMagic(bytes.prefix(ReferenceProfileFile.magic.count)) else { return data }
        let crc = bytes.withUnsafeBufferPointer { ReferenceProfileFile.checksum(UnsafeBufferPointer(rebasing: $0[preamble...])) }
        withUnsafeBytes(of: crc.littleEndian) { for (i, b) in $0.enumerated() { bytes[24 + i] = b } }
        return Data(bytes)
    }

    /// Decodes and checks a checkpoint file's bytes: the offsets of the entries kept and the warnings
    /// about the others.
    public static func checkpoint(_ data: Data) throws(TailerError) -> (offsets: [Int64], warnings: [String]) {
        let (checkpoint, warnings) = try CheckpointStore.decode(data, path: "fuzz.json")
        return (checkpoint.files.map(\.offset), warnings)
    }
}
