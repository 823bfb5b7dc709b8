/// A `HOST:PORT` to listen on (`--metrics-listen`, `metrics_listen:`): an IPv4 address, `localhost`
/// (127.0.0.1), `[IPv6]`, or an empty host for every IPv4 interface (`:9464` = `0.0.0.0:9464`).
/// Port 0 picks a free port (tests).
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public enum Host: Sendable, Equatable {
        case ipv4(String)
        case ipv6(String)
    }

    public var host: Host
    public var port: UInt16

    public init(host: Host, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`; nil when it is not one (the caller says what is expected).
    public init?(_ text: String) {
        let hostPart: Substring
        let portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            hostPart = text[text.index(after: text.startIndex)..<close]
            portPart = text[text.index(close, offsetBy: 2)...]
            guard !hostPart.isEmpty else { return nil }
            host = .ipv6(String(hostPart))
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
            switch hostPart {
            case "": host = .ipv4("0.0.0.0")
            case "localhost": host = .ipv4("127.0.0.1")
            default:
                let parts = hostPart.split(separator: ".", omittingEmptySubsequences: false)
                guard parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }) else { return nil }
                host = .ipv4(String(hostPart))
            }
        }
        guard let port = UInt16(portPart) else { return nil }
        self.port = port
    }

    public var description: String {
        switch host {
        case .ipv4(let a): return "\(a):\(port)"
        case .ipv6(let a): return "[\(a)]:\(port)"
        }
    }
}
