import DequeModule
import Dispatch
import Foundation
import Synchronization

/// Reads logs to their end on two cores: while the calling thread ingests a batch, a parser thread parses the
/// next one and a reader thread reads and splits the one after (`mlwatch check`).
///
/// Why one parser rather than parsers per core: the parser is stateful (the feature-schema catalog,
/// interned strings, remembered keys and values, which features are free text), and what it decides
/// depends on the order it reads lines in. One parser reading the log in order, handing its batches over
/// in that order, makes exactly the events the serial path makes, in the same order, whatever the thread
/// timing. Parsing is most of the work, so it gets a core to itself; the reader (a few percent: reads,
/// line splitting) and the engine share the other.
public enum ParallelIngest {
    /// Reads `tailer` to its end. Batches are parsed on a thread of their own by a parser made there
    /// (`mapping`, `maxCategories`) and handed to `consume` on the calling thread in log order.
    /// - Parameter depth: batches waiting at most between two stages (each about the size of its
    ///   `LineBatch`, 1 MB by default).
    public static func readToEnd(
        _ tailer: LogTailer, mapping: FieldMapping = .standard,
        maxCategories: Int = FeatureCardinality.defaultMaxCategories, depth: Int = 4,
        consume: (consuming ParsedBatch) -> Void
    ) throws(TailerError) {
        let lines = Channel<LineBatch>(depth: max(1, depth))
        let parsed = Channel<ParsedBatch>(depth: max(1, depth))
        start("mlwatch.read") {
            do throws(TailerError) {
                try tailer.readToEnd { batch in lines.put(.item(batch)) }
                lines.put(.end(nil))
            } catch {
                lines.put(.end(error))
            }
        }
        start("mlwatch.parse") {
            let parser = EventParser(mapping: mapping, maxCategories: maxCategories)
            while true {
                switch lines.take() {
                case .item(let batch): parsed.put(.item(parser.parse(batch)))
                case .end(let error):
                    parsed.put(.end(error))
                    return
                }
            }
        }
        while true {
            switch parsed.take() {
            case .item(let batch): consume(batch)
            case .end(let error?): throw error
            case .end(nil): return
            }
        }
    }

    private static func start(_ name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        // The parser's recursive paths (configured field mappings) get the stack the main thread has.
        thread.stackSize = 8 << 20
        thread.name = name
        thread.start()
    }
}

/// A bounded first-in first-out hand-over from one producer thread to one consumer thread.
final class Channel<Element: Sendable>: Sendable {
    enum Item: Sendable {
        case item(Element)
        case end(TailerError?)
    }

    private let free: DispatchSemaphore
    private let filled = DispatchSemaphore(value: 0)
    private let items = Mutex<Deque<Item>>([])

    init(depth: Int) {
        free = DispatchSemaphore(value: depth)
    }

    /// Waits while `depth` items are waiting, then adds `item`.
    func put(_ item: consuming Item) {
        free.wait()
        items.withLock { $0.append(item) }
        filled.signal()
    }

    /// Waits for the oldest item and takes it.
    func take() -> Item {
        filled.wait()
        let item = items.withLock { $0.removeFirst() }
        free.signal()
        return item
    }
}
