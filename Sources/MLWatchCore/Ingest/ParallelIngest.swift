import DequeModule
import Dispatch
import Foundation
import Synchronization

/// Reads logs to their end on two cores: a producer thread reads, splits and parses each batch while the
/// calling thread ingests the batch before it (`mlwatch check`, history read before a live run).
///
/// Why one producer rather than parsers per core: the parser is stateful (the feature-schema catalog,
/// interned strings, remembered keys and values, which features are free text), and what it decides
/// depends on the order it reads lines in. One parser reading the log in order, handing its batches over
/// in that order, makes exactly the events the serial path makes, in the same order, whatever the thread
/// timing. On two cores that leaves one core for ingest, which is the other half of the work.
public enum ParallelIngest {
    /// Reads `tailer` to its end. Batches are parsed on a thread of their own by a parser made there
    /// (`mapping`, `maxCategories`) and handed to `consume` on the calling thread in log order.
    /// - Parameter depth: parsed batches waiting at most (each about the size of its `LineBatch`).
    public static func readToEnd(
        _ tailer: LogTailer, mapping: FieldMapping = .standard,
        maxCategories: Int = FeatureCardinality.defaultMaxCategories, depth: Int = 4,
        consume: (ParsedBatch) -> Void
    ) throws(TailerError) {
        let channel = BatchChannel(depth: max(1, depth))
        let producer = Thread {
            let parser = EventParser(mapping: mapping, maxCategories: maxCategories)
            do throws(TailerError) {
                try tailer.readToEnd { batch in channel.put(.batch(parser.parse(batch))) }
                channel.put(.end(nil))
            } catch {
                channel.put(.end(error))
            }
        }
        // The parser's recursive paths (configured field mappings) get the stack the main thread has.
        producer.stackSize = 8 << 20
        producer.name = "mlwatch.parse"
        producer.start()
        while true {
            switch channel.take() {
            case .batch(let parsed): consume(parsed)
            case .end(let error?): throw error
            case .end(nil): return
            }
        }
    }
}

/// A bounded first-in first-out hand-over of parsed batches from one producer to one consumer.
final class BatchChannel: Sendable {
    enum Item: Sendable {
        case batch(ParsedBatch)
        case end(TailerError?)
    }

    private let free: DispatchSemaphore
    private let filled = DispatchSemaphore(value: 0)
    private let items = Mutex<Deque<Item>>([])

    init(depth: Int) {
        free = DispatchSemaphore(value: depth)
    }

    /// Waits while `depth` items are waiting, then adds `item`.
    func put(_ item: Item) {
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
