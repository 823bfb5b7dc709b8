#if canImport(Glibc)
import Glibc
#endif

/// Turns the command-line sources (file paths, globs, `"-"`) into the concrete files to read,
/// and says which directories to watch for changes.
struct GlobResolver: Sendable {
    /// One source as the user gave it.
    enum Pattern: Hashable, Sendable {
        /// `"-"`: standard input.
        case stdin
        /// A plain path: followed by name even while it does not exist.
        case file(String)
        /// A pattern with `*`, `?` or `[`: rescanned for new matches.
        case glob(String)
    }

    let patterns: [Pattern]

    init(paths: [String]) {
        var seen = Set<Pattern>()
        patterns = paths.compactMap { path in
            let pattern: Pattern
            if path == "-" {
                pattern = .stdin
            } else if path.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" }) {
                pattern = .glob(path)
            } else {
                pattern = .file(path)
            }
            return seen.insert(pattern).inserted ? pattern : nil
        }
    }

    var hasGlobs: Bool { patterns.contains { if case .glob = $0 { true } else { false } } }

    /// The current matches of every glob, sorted, without duplicates (plain files are not included).
    func globMatches() -> [String] {
        var result: [String] = []
        var seen = Set<String>()
        for case .glob(let pattern) in patterns {
            for match in Self.expand(pattern) where seen.insert(match).inserted {
                result.append(match)
            }
        }
        return result
    }

    /// Directories whose changes can affect the sources: a file's directory, or a glob's directory part
    /// when that part has no wildcard (deeper wildcards are found by the periodic rescan only).
    func watchDirectories() -> [String] {
        var dirs: [String] = []
        for pattern in patterns {
            switch pattern {
            case .stdin:
                continue
            case .file(let path):
                dirs.append(Posix.directory(of: path))
            case .glob(let glob):
                let dir = Posix.directory(of: glob)
                if !dir.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" }) { dirs.append(dir) }
            }
        }
        var seen = Set<String>()
        return dirs.filter { seen.insert($0).inserted }
    }

    /// `glob(3)` with sorted results; directories are left out (only files can be tailed).
    static func expand(_ pattern: String) -> [String] {
        var g = glob_t()
        defer { globfree(&g) }
        guard Glibc.glob(pattern, GLOB_MARK, nil, &g) == 0 else { return [] }
        var matches: [String] = []
        for i in 0..<Int(g.gl_pathc) {
            guard let cString = g.gl_pathv[i] else { continue }
            let path = String(cString: cString)
            if path.hasSuffix("/") { continue } // GLOB_MARK flags directories
            matches.append(path)
        }
        return matches.sorted()
    }
}
