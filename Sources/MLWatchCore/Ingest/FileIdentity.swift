/// Who a file is, independent of its name: device + inode, plus a fingerprint of its first bytes.
///
/// Device and inode follow a file through a rename (rotation), and the fingerprint tells a new file that
/// happens to reuse a freed inode from the old one, as Vector's file source does.
struct FileIdentity: Hashable, Codable, Sendable {
    var device: UInt64
    var inode: UInt64
    var fingerprint: Fingerprint

    /// Whether `other` (freshly read from disk) is the same file as `self` (recorded earlier, maybe when the
    /// file was shorter): same device and inode, and the bytes the recorded fingerprint covers are unchanged.
    func isSameFile(asCurrent other: FileIdentity, fd: Int32) -> Bool {
        guard device == other.device, inode == other.inode else { return false }
        return fingerprint.matches(fd: fd)
    }
}
