/// The saved reading position of every file a tailer followed: the JSON content of a checkpoint file.
///
/// Entries are keyed by ``FileIdentity`` rather than by name, so a file renamed by rotation is found again
/// under its new name, and a new file reusing the name (or the inode) is not mistaken for the old one.
struct Checkpoint: Codable, Equatable, Sendable {
    struct Entry: Codable, Equatable, Sendable {
        /// The path the file was last read under (to spot a rotation that happened while mlwatch was down).
        var path: String
        var device: UInt64
        var inode: UInt64
        var fingerprint: Fingerprint
        /// Offset just after the last line delivered and processed (uncompressed offset for `.gz`).
        var offset: Int64
        var gzip: Bool

        var identity: FileIdentity { FileIdentity(device: device, inode: inode, fingerprint: fingerprint) }

        init(path: String, identity: FileIdentity, offset: Int64, gzip: Bool) {
            self.path = path
            self.device = identity.device
            self.inode = identity.inode
            self.fingerprint = identity.fingerprint
            self.offset = offset
            self.gzip = gzip
        }
    }

    static let currentVersion = 1

    var version: Int = Checkpoint.currentVersion
    var files: [Entry] = []
}
