// Does URLSession (FoundationNetworking, libcurl underneath) keep a client's bounds on Linux? The
// measurement behind BoundedHTTPClient's own TLS transport (BENCHMARKS.md, "https"). Run by hand:
//   python3 scripts/hostile_http_server.py & swiftc -O scripts/urlsession_bounds.swift -o /tmp/urlsession_bounds
//   for c in A B C D E; do timeout 40 /tmp/urlsession_bounds $c; done
import Foundation
import FoundationNetworking
import Dispatch

final class D: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    var bytes = 0; let bound: Int; var done = DispatchSemaphore(value: 0); var err: String = ""
    init(bound: Int) { self.bound = bound }
    func urlSession(_ s: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        bytes += data.count
        if bytes > bound { dataTask.cancel() }
    }
    func urlSession(_ s: URLSession, task: URLSessionTask, didCompleteWithError e: Error?) { err = "\(String(describing: e))"; done.signal() }
}
func now() -> Double { Date().timeIntervalSince1970 }
func run(_ name: String, port: Int, resource: Double, request: Double, bound: Int, cancelAfter: Double?) {
    let cfg = URLSessionConfiguration.ephemeral
    cfg.timeoutIntervalForResource = resource
    cfg.timeoutIntervalForRequest = request
    let d = D(bound: bound)
    let s = URLSession(configuration: cfg, delegate: d, delegateQueue: nil)
    let t = s.dataTask(with: URL(string: "http://127.0.0.1:\(port)/")!)
    let start = now()
    t.resume()
    if let c = cancelAfter { DispatchQueue.global().asyncAfter(deadline: .now() + c) { t.cancel() } }
    let r = d.done.wait(timeout: .now() + 30)
    print(name, r == .timedOut ? "NOT DONE after 30 s" : String(format: "done after %.2f s", now() - start), "bytes", d.bytes, d.err.prefix(120))
}
let which = CommandLine.arguments[1]
switch which {
case "A": run("A huge body, resource 2 s, request 60 s, no bound", port: 18081, resource: 2, request: 60, bound: .max, cancelAfter: nil)
case "B": run("B huge body, bound 1 MB in delegate", port: 18081, resource: 60, request: 60, bound: 1 << 20, cancelAfter: nil)
case "C": run("C silent, cancel at 1 s", port: 18082, resource: 60, request: 60, bound: .max, cancelAfter: 1)
case "D": run("D drip, resource 2 s, request 60 s", port: 18083, resource: 2, request: 60, bound: .max, cancelAfter: nil)
case "E": run("E drip, cancel at 1 s", port: 18083, resource: 60, request: 60, bound: .max, cancelAfter: 1)
default: break
}
