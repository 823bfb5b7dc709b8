extension EngineHost {
    /// What a host publishes: immutable, `Sendable`, read under the host's lock. Readers remember the
    /// `generation`, `messages`' last serial and `notificationCount` they have seen and take what is newer.
    public struct Published: Sendable {
        /// Increases with every publication.
        public var generation: Int
        /// The newest snapshot.
        public var snapshot: Snapshot
        /// Increases when `snapshot` was rebuilt (a publication may only carry a message or progress).
        public var snapshotGeneration: Int
        /// The newest transitions that should notify (bell, `--on-fire`), oldest first, at most
        /// `EngineHost.recentLimit`.
        public var notifications: [AlertTransition]
        /// Transitions that should notify since the host started; the last `notifications.count` of them
        /// are in `notifications`.
        public var notificationCount: Int
        /// Where a replay is (nil for a live host).
        public var replay: ReplayStatus?
        /// A long command under way and how far it got (`reloading the config: reading the reference:
        /// 412,000 lines`), nil when none is.
        public var activity: String?
        /// The newest messages (command outcomes, notifier errors), oldest first, at most
        /// `EngineHost.recentLimit`.
        public var messages: [HostMessage]
        /// How a remote source (a fleet's Prometheus) is answering: whether the data shown are stale, and
        /// why. Nil for an engine on logs.
        public var connection: ConnectionStatus?
        /// Past values for the sparklines (a fleet dashboard reads them from Prometheus); nil when none.
        public var backfill: HistoryBackfill?

        public init(generation: Int = 0, snapshot: Snapshot, snapshotGeneration: Int = 0, notifications: [AlertTransition] = [],
                    notificationCount: Int = 0, replay: ReplayStatus? = nil, activity: String? = nil, messages: [HostMessage] = [],
                    connection: ConnectionStatus? = nil, backfill: HistoryBackfill? = nil) {
            self.generation = generation
            self.snapshot = snapshot
            self.snapshotGeneration = snapshotGeneration
            self.notifications = notifications
            self.notificationCount = notificationCount
            self.replay = replay
            self.activity = activity
            self.messages = messages
            self.connection = connection
            self.backfill = backfill
        }

        /// The messages with a serial above `serial`, oldest first.
        public func messages(after serial: Int) -> [HostMessage] {
            messages.filter { $0.serial > serial }
        }

        /// The notifications after the first `count` (those a reader that has seen `count` has not seen).
        public func notifications(after count: Int) -> [AlertTransition] {
            let missing = notificationCount - count
            guard missing > 0 else { return [] }
            return Array(notifications.suffix(missing))
        }
    }
}
