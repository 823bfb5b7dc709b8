import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Host names to socket addresses within a deadline. `getaddrinfo(3)` blocks for as long as the system's
/// resolver takes (seconds per DNS server that does not answer, with retries), so a name is looked up on
/// a thread of its own while the caller waits in slices of at most 100 ms against its deadline and its
/// cancel flag; a lookup given up on finishes on its thread, which frees its result.
///
/// Bounded: callers of the same name at the same time share one lookup, and at most `maxInFlight`
/// lookups run at once (a dead DNS server cannot pile up threads: further names fail at once until one
/// ends). Numeric addresses (`127.0.0.1`, `::1`) are converted on the caller's thread without a lookup.
final class NameResolver: Sendable {
    /// One address to connect to.
    struct Address: Sendable, Equatable {
        var family: Int32
        var socketType: Int32
        var proto: Int32
        /// The `sockaddr` bytes.
        var bytes: [UInt8]
    }

    /// Why a name has no address (`gai_strerror`'s words).
    struct LookupError: Error, Sendable, Equatable {
        var message: String
    }

    /// What a lookup does (injected in tests): the addresses of `host`, or why there are none.
    typealias Lookup = @Sendable (_ host: String, _ port: Int) -> Result<[Address], LookupError>

    private final class Pending: Sendable {
        let done = DispatchGroup()
        let result = Mutex<Result<[Address], LookupError>?>(nil)
    }

    let maxInFlight: Int
    private let lookup: Lookup
    private let inFlight = Mutex<[String: Pending]>([:])

    init(maxInFlight: Int = 4, lookup: @escaping Lookup = NameResolver.system) {
        self.maxInFlight = maxInFlight
        self.lookup = lookup
    }

    /// Lookups running now (tests).
    var running: Int { inFlight.withLock { $0.count } }

    /// The addresses of `host`, by `deadline` (a `BoundedHTTPClient.now()` time); `.timeout` past it,
    /// `.cancelled` as soon as `isCancelled` says so.
    func resolve(_ host: String, port: Int, deadline: Double, isCancelled: () -> Bool)
        -> Result<[Address], BoundedHTTPClient.Failure>
    {
        if let numeric = Self.numeric(host, port: port) { return .success(numeric) }
        let key = "\(host)\u{0}\(port)"
        let joined: Pending? = inFlight.withLock { table in
            if let p = table[key] { return p }
            guard table.count < maxInFlight else { return nil }
            let p = Pending()
            p.done.enter()
            table[key] = p
            let lookup = self.lookup
            let thread = Thread { [self] in
                let r = lookup(host, port)
                p.result.withLock { $0 = r }
                inFlight.withLock { _ = $0.removeValue(forKey: key) }
                p.done.leave()
            }
            thread.stackSize = 256 * 1024
            thread.start()
            return p
        }
        guard let pending = joined else {
            return .failure(.connect("\(host): \(maxInFlight) name lookups still waiting for the DNS server"))
        }
        while true {
            if isCancelled() { return .failure(.cancelled) }
            let left = deadline - BoundedHTTPClient.now()
            if left <= 0 { return .failure(.timeout("looking up \(host) (no answer from the DNS server)")) }
            if pending.done.wait(timeout: .now() + min(left, 0.1)) == .success { break }
        }
        switch pending.result.withLock({ $0 }) {
        case .success(let addresses) where !addresses.isEmpty: return .success(addresses)
        case .success: return .failure(.connect("\(host): no address"))
        case .failure(let e): return .failure(.connect("\(host): \(e.message)"))
        case nil: return .failure(.connect("\(host): the lookup ended without an answer"))
        }
    }

    /// A numeric IPv4 or IPv6 address, without a lookup; nil for a name.
    static func numeric(_ host: String, port: Int) -> [Address]? {
        switch addresses(host, port: port, flags: AI_NUMERICHOST | AI_NUMERICSERV) {
        case .success(let a) where !a.isEmpty: return a
        default: return nil
        }
    }

    /// `getaddrinfo(3)`: blocking, for the lookup threads.
    static let system: Lookup = { host, port in addresses(host, port: port, flags: AI_NUMERICSERV) }

    private static func addresses(_ host: String, port: Int, flags: Int32) -> Result<[Address], LookupError> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = flags
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else { return .failure(LookupError(message: String(cString: gai_strerror(rc)))) }
        defer { freeaddrinfo(list) }
        var out: [Address] = []
        var ai: UnsafeMutablePointer<addrinfo>? = first
        while let a = ai {
            ai = a.pointee.ai_next
            guard let sa = a.pointee.ai_addr else { continue }
            let bytes = Array(UnsafeRawBufferPointer(start: sa, count: Int(a.pointee.ai_addrlen)))
            out.append(Address(family: a.pointee.ai_family, socketType: a.pointee.ai_socktype, proto: a.pointee.ai_protocol,
                               bytes: bytes))
        }
        return .success(out)
    }
}
