import MLWatchCore

extension DashboardState {
    /// Applies one event and returns what it asks of the outside world. Pure: the same state and event
    /// always give the same new state and effects (no clock, no I/O).
    public mutating func reduce(_ event: DashboardEvent) -> [DashboardEffect] {
        switch event {
        case .key(let key):
            message = nil
            return handle(key)
        case .mouse(let x, let y, let button):
            message = nil
            return handleMouse(x: x, y: y, button: button)
        case .resize:
            // The next frame is laid out for the new size; nothing else depends on it.
            return []
        case .published(let p):
            return take(p)
        case .signal(.hangup):
            message = "SIGHUP: reloading the config"
            return [.send(.reloadConfig)]
        case .signal(.terminate):
            return [.quit]
        case .tick(let now):
            self.now = now
            return []
        }
    }

    /// Takes in what the host published since the last publication seen.
    private mutating func take(_ p: EngineHost.Published) -> [DashboardEffect] {
        if let r = p.replay, r.rebuilds != seen.rebuilds {
            // A backward seek: what the sparklines recorded after the new position is no longer shown.
            seen.rebuilds = r.rebuilds
            history.truncate(after: r.virtualTime)
        }
        if let backfill = p.backfill, backfill.serial != seen.backfillSerial {
            // Sparklines of a fleet start from what Prometheus kept (and start over for another instance).
            seen.backfillSerial = backfill.serial
            history.replace(with: backfill)
        }
        if p.snapshotGeneration != seen.snapshotGeneration {
            seen.snapshotGeneration = p.snapshotGeneration
            observe(p.snapshot)
        }
        replay = p.replay
        activity = p.activity
        connection = p.connection
        if let newest = p.messages(after: seen.messageSerial).last {
            message = newest.text
        }
        seen.messageSerial = max(seen.messageSerial, p.messages.last?.serial ?? 0)
        let fresh = p.notifications(after: seen.notificationCount)
        seen.notificationCount = max(seen.notificationCount, p.notificationCount)
        if bellOnCritical, fresh.contains(where: { $0.to == .firing && $0.severity == .critical }) {
            return [.bell]
        }
        return []
    }

    // MARK: Keys

    /// Dispatches a key through the key map of the current mode (exhaustively, one mode at a time).
    private mutating func handle(_ key: Key) -> [DashboardEffect] {
        let map = DashboardKeys.map(for: mode)
        switch mode {
        case .normal:
            var contexts = [KeyMap.globalContext]
            if isReplay { contexts.insert(DashboardKeys.replayContext, at: 0) }
            if isFleet { contexts.insert(DashboardKeys.fleetContext, at: 0) }
            // The Instances view takes the keys of the panel under it.
            if !instancesVisible { contexts.insert(focus.title, at: 0) }
            // The open versions view's keys come first (← → scroll its columns, also in a replay).
            if !instancesVisible, comparisonView == .versions { contexts.insert(DashboardKeys.versionsContext, at: 0) }
            guard let action = map.action(for: key, in: contexts) else { return [] }
            return perform(action)
        case .help(let scroll):
            guard let action = map.action(for: key, in: [KeyMap.globalContext]) else { return [] }
            return helpAction(action, scroll: scroll)
        case .snoozeMenu(let alert):
            mode = .normal
            switch map.action(for: key, in: [KeyMap.globalContext]) {
            case .snooze(let seconds)?: return [.send(.snooze(rule: alert.rule, labels: alert.labels, seconds: seconds))]
            case .typeSnoozeDuration?: mode = .snoozeDuration(alert: alert, draft: "")
            default: break
            }
            return []
        case .filter, .note, .threshold, .snoozeDuration:
            if let action = map.action(for: key, in: [KeyMap.globalContext]) { return promptAction(action) }
            if case .char(let c) = key { type(c) }
            return []
        }
    }

    /// Carries out an action of the normal mode.
    private mutating func perform(_ action: DashboardAction) -> [DashboardEffect] {
        let snapshot = visible(live)
        switch action {
        case .quit: return [.quit]
        case .openHelp: mode = .help(scroll: 0)
        case .focusNext: moveFocus(focus.next)
        case .focusPrevious: moveFocus(focus.previous)
        case .focus(let panel): moveFocus(panel)
        case .moveSelection(let delta) where instancesVisible: moveInstanceSelection(delta, snapshot)
        case .moveSelection(let delta): moveSelection(delta, snapshot)
        case .selectFirst where instancesVisible: instanceSelection = 0
        case .selectFirst: selection[focus] = 0
        case .selectLast where instancesVisible: moveInstanceSelection(Int.max / 2, snapshot)
        case .selectLast: moveSelection(Int.max / 2, snapshot)
        case .open where instancesVisible:
            let list = snapshot.fleet?.instances ?? []
            guard !list.isEmpty else { break }
            let chosen = list[min(instanceSelection, list.count - 1)].instance
            instancesVisible = false
            guard chosen != scope else { break }
            message = "Narrowing every panel to \(chosen)"
            return [.send(.scope(instance: chosen))]
        case .open: enter(snapshot)
        case .toggleInstances:
            instancesVisible.toggle()
            if instancesVisible {
                comparisonView = nil
                detailFeature = nil
                detailAlert = nil
                // The row of the instance in view, if narrowed.
                instanceSelection = snapshot.fleet?.instances.firstIndex { $0.instance == scope } ?? 0
            }
        case .back where instancesVisible:
            instancesVisible = false
        case .back where comparisonView == nil && detailFeature == nil && detailAlert == nil && !zoomed && scope != nil:
            // Back from one instance to the whole fleet.
            message = "Back to the whole fleet"
            return [.send(.scope(instance: nil))]
        case .back:
            if comparisonView != nil { comparisonView = nil }
            else if detailFeature != nil { detailFeature = nil }
            else if detailAlert != nil { detailAlert = nil }
            else if zoomed { zoomed = false }
            else if !filter.isEmpty { filter = "" }
        case .startFilter:
            focus = .input
            mode = .filter
        case .togglePause:
            frozen = frozen == nil ? live : nil
            message = frozen == nil ? "Resumed" : "Paused: the display is frozen, collection goes on (p resumes)"
        case .cycleModel:
            let count = DashboardState.groups(in: snapshot).count
            groupIndex = count > 0 ? (groupIndex + 1) % count : 0
        case .cycleSort:
            sort = sort.next
            message = "Sorted by \(sort.rawValue)"
        case .openComparison(let view):
            comparisonView = comparisonView == view ? nil : view
            comparisonScroll = 0
            instancesVisible = false
            detailFeature = nil
            detailAlert = nil
        case .scrollComparison(let delta):
            let model = group(in: snapshot)?["model"] ?? snapshot.outputs.first?.labels["model"]
            let columns = model.map { VersionsView.columns(in: snapshot, model: $0).count } ?? 0
            comparisonScroll = max(0, min(max(0, columns - 2), comparisonScroll + delta))
        case .cycleTheme:
            guard !themeNames.isEmpty else { return [] }
            themeIndex = (themeIndex + 1) % themeNames.count
            message = "Theme: \(themeNames[themeIndex])"
            return [.theme(themeIndex)]
        case .reloadConfig:
            return [.send(.reloadConfig)]
        case .acknowledge:
            if let a = selectedAlert(snapshot) { return [.send(.acknowledge(rule: a.rule, labels: a.labels, note: nil))] }
        case .acknowledgeWithNote:
            if let a = selectedAlert(snapshot) { mode = .note(alert: AlertKey(rule: a.rule, labels: a.labels), draft: "") }
        case .openSnoozeMenu:
            if let a = selectedAlert(snapshot) { mode = .snoozeMenu(alert: AlertKey(rule: a.rule, labels: a.labels)) }
        case .undo:
            if let a = selectedAlert(snapshot) { return [.send(.undo(rule: a.rule, labels: a.labels))] }
        case .editThreshold:
            if let a = selectedAlert(snapshot) { mode = .threshold(ThresholdDraft(rule: a.rule, current: a.threshold)) }
        case .replay(let control):
            return [.send(.replay(control))]
        case .closeHelp, .scrollHelp, .scrollHelpToStart, .scrollHelpToEnd, .snooze, .typeSnoozeDuration, .submit, .cancel,
             .erase:
            // Bound only in other modes.
            break
        }
        return []
    }

    /// The help overlay takes every key: `q` still quits, the movement keys scroll it.
    private mutating func helpAction(_ action: DashboardAction, scroll: Int) -> [DashboardEffect] {
        let limit = lastLayout?.helpScrollLimit ?? 0
        switch action {
        case .quit: return [.quit]
        case .closeHelp: mode = .normal
        case .scrollHelp(let delta): mode = .help(scroll: max(0, min(limit, scroll + delta)))
        case .scrollHelpToStart: mode = .help(scroll: 0)
        case .scrollHelpToEnd: mode = .help(scroll: limit)
        default: break
        }
        return []
    }

    private mutating func moveFocus(_ panel: PanelID) {
        instancesVisible = false
        if panel != focus {
            detailFeature = nil
            detailAlert = nil
            comparisonView = nil
        }
        focus = panel
    }

    /// A click focuses the panel under the pointer (or the tab clicked) and, in the Input and Alerts
    /// lists, selects the row; a click on the row already selected opens it like Enter. The wheel moves
    /// the selection of the panel under the pointer. Detail views ignore the mouse (Esc leaves them).
    private mutating func handleMouse(x: Int, y: Int, button: MouseButton) -> [DashboardEffect] {
        switch mode {
        case .normal:
            handlePanelMouse(x: x, y: y, button: button, visible(live))
        case .help(let scroll):
            switch button {
            case .wheelDown: return helpAction(.scrollHelp(1), scroll: scroll)
            case .wheelUp: return helpAction(.scrollHelp(-1), scroll: scroll)
            case .left: mode = .normal
            case .middle, .right: break
            }
        case .snoozeMenu:
            // Like any other key, a click closes the menu.
            mode = .normal
        case .filter, .note, .threshold, .snoozeDuration:
            break
        }
        return []
    }

    private mutating func handlePanelMouse(x: Int, y: Int, button: MouseButton, _ snapshot: Snapshot) {
        guard detailFeature == nil, detailAlert == nil, comparisonView == nil, !instancesVisible, let layout = lastLayout, let panel = layout.panel(atX: x, y: y) else { return }
        let wasFocused = panel == focus
        moveFocus(panel)
        switch button {
        case .wheelUp: moveSelection(-1, snapshot)
        case .wheelDown: moveSelection(1, snapshot)
        case .left:
            guard layout.tabs[panel] == nil, let rect = layout.panels[panel], let row = listRow(panel, rect: rect, y: y, snapshot) else {
                return
            }
            if wasFocused && row == selected(panel) {
                enter(snapshot)
            } else {
                selection[panel] = row
            }
        case .middle, .right: break
        }
    }

    /// The list item of the Input or Alerts panel drawn at screen row `y`, if any.
    private func listRow(_ panel: PanelID, rect: Rect, y: Int, _ snapshot: Snapshot) -> Int? {
        let inner = rect.inset(by: 1)
        switch panel {
        case .input:
            // Row 0 of the table is its header.
            let count = features(in: snapshot).count
            return ScrollWindow.item(atY: y, top: inner.y + 1, selected: selected(.input), rows: inner.height - 1, count: count)
        case .alerts:
            let count = DashboardState.alerts(in: snapshot).count
            return ScrollWindow.item(atY: y, top: inner.y, selected: selected(.alerts), rows: inner.height, count: count)
        case .software, .output:
            return nil
        }
    }

    private mutating func moveInstanceSelection(_ delta: Int, _ snapshot: Snapshot) {
        let count = snapshot.fleet?.instances.count ?? 0
        instanceSelection = count == 0 ? 0 : max(0, min(count - 1, instanceSelection + delta))
    }

    private mutating func moveSelection(_ delta: Int, _ snapshot: Snapshot) {
        let count: Int
        switch focus {
        case .input: count = features(in: snapshot).count
        case .alerts: count = DashboardState.alerts(in: snapshot).count
        case .output: count = DashboardState.groups(in: snapshot).count
        case .software: count = 0
        }
        guard count > 0 else {
            selection[focus] = 0
            return
        }
        selection[focus] = max(0, min(count - 1, selected(focus) + delta))
        if focus == .output { groupIndex = selected(.output) }
    }

    private mutating func enter(_ snapshot: Snapshot) {
        switch focus {
        case .input:
            let list = features(in: snapshot)
            if !list.isEmpty {
                detailFeature = list[min(selected(.input), list.count - 1)].name
                return
            }
        case .alerts:
            if let a = selectedAlert(snapshot) {
                detailAlert = AlertKey(rule: a.rule, labels: a.labels)
                return
            }
        default: break
        }
        zoomed.toggle()
    }
}
