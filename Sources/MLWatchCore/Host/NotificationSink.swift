/// Where an `EngineHost` delivers the alert transitions that should notify (`--on-fire`, a webhook,
/// Alertmanager). Called on the host's queue, so `send` must only enqueue.
public protocol NotificationSink: Sendable {
    /// Enqueues notifications for transitions; returns at once.
    func send(_ transitions: [AlertTransition])
    /// Delivery failures since the last call, oldest first (the host turns them into messages).
    func drainErrors() -> [String]
    /// The rules whose labels and annotations go into notifications (after a config reload).
    func updateRules(_ rules: [AlertRule])
}

extension AlertNotifier: NotificationSink {}
