/// Orders of the Input panel's feature table (`s` cycles).
public enum InputSort: String, CaseIterable, Sendable {
    case drift, name, missing

    public var next: InputSort {
        let all = InputSort.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }
}
