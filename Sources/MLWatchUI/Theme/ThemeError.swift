/// Why a theme could not be loaded; `description` is meant for the user.
public enum ThemeError: Error, Equatable, CustomStringConvertible {
    /// No `NAME.yaml` in any of the searched folders.
    case notFound(name: String, searched: [String])
    /// The file is not valid YAML or not a mapping.
    case invalidFile(path: String, reason: String)
    /// A role name, colour or attribute in the file is not recognised.
    case invalidValue(path: String, key: String, value: String)

    public var description: String {
        switch self {
        case .notFound(let name, let searched):
            return "theme \"\(name)\" not found (looked in: \(searched.joined(separator: ", ")))"
        case .invalidFile(let path, let reason):
            return "theme file \(path) is invalid: \(reason)"
        case .invalidValue(let path, let key, let value):
            return "theme file \(path): invalid value \"\(value)\" for \(key)"
        }
    }
}
