import CYaml

/// Measures how deep YAML text nests before it is composed into a tree. Yams composes (and every walk of
/// the resulting tree recurses) once per level, and its libyaml only stops at 1000 levels; a config
/// needs four. libyaml's event parser used here keeps its own stack and does not recurse.
///
/// `CYaml` is the libyaml that Yams vendors (built as part of the Yams product), so the text is read by
/// the same parser that composes it afterwards.
enum YAMLNesting {
    /// The 1-based line and column of the first mapping or list nested more than `limit` deep; nil when
    /// there is none, or when the text is not valid YAML for another reason (the composer then reports
    /// the syntax error).
    /// - Complexity: O(n) in the length of the text.
    static func firstBeyond(_ limit: Int, in yaml: String) -> (line: Int, column: Int)? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(yaml.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer -> (line: Int, column: Int)? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var depth = 0
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    // libyaml's scanner looks ahead through flow collections (`[[[…`) for a possible key
                    // and stops at its own limit of 1000 levels: that is too deep as well.
                    guard let problem = parser.problem, String(cString: problem).contains("nesting level") else { return nil }
                    return (Int(parser.problem_mark.line) + 1, Int(parser.problem_mark.column) + 1)
                }
                defer { yaml_event_delete(&event) }
                switch event.type {
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    depth += 1
                    if depth > limit { return (Int(event.start_mark.line) + 1, Int(event.start_mark.column) + 1) }
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    depth -= 1
                case YAML_STREAM_END_EVENT, YAML_NO_EVENT:
                    return nil
                default:
                    break
                }
            }
        }
    }
}
