import Foundation
import Testing
@testable import MLWatchExport

/// Reading the query API's JSON: every result type, Prometheus' spellings of NaN and infinities, errors in
/// the API's JSON and outside it, warnings of partial answers, the series cap, cut answers.
@Suite struct PromResponseParserTests {
    private func parse(_ json: String, status: Int = 200, maxSeries: Int = 100) -> Result<PromResponse, PromQueryError> {
        PromResponseParser.parse(status: status, body: Array(json.utf8), maxSeries: maxSeries)
    }

    private func success(_ json: String, maxSeries: Int = 100) throws -> PromResponse {
        try parse(json, maxSeries: maxSeries).get()
    }

    @Test func vectorWithNaNAndInfinities() throws {
        let r = try success("""
            {"status":"success","data":{"resultType":"vector","result":[
              {"metric":{"model":"m","version":"v1"},"value":[1700000000.5,"0.25"]},
              {"metric":{"model":"m","version":"v2"},"value":[1700000000.5,"NaN"]},
              {"metric":{},"value":[1700000000.5,"+Inf"]},
              {"metric":{"x":"é\\n\\"q\\""},"value":[1700000000.5,"-Inf"]},
              {"metric":{"a":"b"},"value":[1700000000.5,"1e-05"]}]}}
            """)
        let s = r.data.samples
        #expect(s.count == 5)
        #expect(s[0] == PromSample(labels: ["model": "m", "version": "v1"], value: 0.25, time: 1_700_000_000.5))
        #expect(s[1].value.isNaN)
        #expect(s[2].value == .infinity && s[2].labels.isEmpty)
        #expect(s[3].value == -.infinity && s[3].labels["x"] == "é\n\"q\"")
        #expect(s[4].value == 1e-5)
        #expect(r.warnings.isEmpty && r.cappedFrom == nil)
    }

    @Test func matrixScalarAndString() throws {
        let m = try success("""
            {"status":"success","data":{"resultType":"matrix","result":[
              {"metric":{"__name__":"up","job":"j"},"values":[[10,"1"],[20,"0"],[30,"NaN"]]}]}}
            """)
        guard case .matrix(let series) = m.data else { Issue.record("not a matrix"); return }
        #expect(series.count == 1)
        #expect(series[0].times == [10, 20, 30])
        #expect(series[0].values[0] == 1 && series[0].values[1] == 0 && series[0].values[2].isNaN)
        #expect(series[0].value(at: 25, maxAge: 10) == 0)
        #expect(series[0].value(at: 9, maxAge: 10) == nil)
        #expect(series[0].value(at: 45, maxAge: 10) == nil)

        let s = try success(#"{"status":"success","data":{"resultType":"scalar","result":[1700000000,"NaN"]}}"#)
        guard case .scalar(let t, let v) = s.data else { Issue.record("not a scalar"); return }
        #expect(t == 1_700_000_000 && v.isNaN)
        #expect(s.data.samples.count == 1)

        let str = try success(#"{"status":"success","data":{"resultType":"string","result":[1.5,"hello"]}}"#)
        #expect(str.data == .string(time: 1.5, value: "hello"))
    }

    @Test func apiErrorsWhateverTheStatus() {
        let bad = parse(#"{"status":"error","errorType":"bad_data","error":"1:16: parse error: unclosed left parenthesis"}"#, status: 400)
        #expect(bad == .failure(.api(status: 400, type: "bad_data", message: "1:16: parse error: unclosed left parenthesis")))
        let timeout = parse(#"{"status":"error","errorType":"timeout","error":"query timed out in expression evaluation"}"#, status: 503)
        guard case .failure(let e) = timeout else { Issue.record("accepted"); return }
        #expect(e.description == "timeout (HTTP 503): query timed out in expression evaluation")
        // Some proxies answer 200 with the error JSON.
        #expect(parse(#"{"status":"error","errorType":"execution","error":"x"}"#) == .failure(.api(status: 200, type: "execution", message: "x")))
    }

    @Test func nonAPIAnswers() {
        #expect(parse("<html><body>502 Bad Gateway</body></html>", status: 502)
            == .failure(.http(status: 502, excerpt: "<html><body>502 Bad Gateway</body></html>")))
        guard case .failure(.malformed) = parse("<html>ok</html>") else { Issue.record("accepted HTML"); return }
        guard case .failure(.malformed) = parse(#"{"status":"success"}"#) else { Issue.record("accepted no data"); return }
        guard case .failure(.malformed) = parse(#"{"status":"weird","data":{}}"#) else { Issue.record("accepted status"); return }
        guard case .failure(.malformed) = parse(#"{"status":"success","data":{"resultType":"tensor","result":[]}}"#) else {
            Issue.record("accepted an unknown result type"); return
        }
        guard case .failure(.malformed) = parse("") else { Issue.record("accepted nothing"); return }
    }

    @Test func valueSpellingsOtherThanTheAPIsAreRefused() {
        for bad in ["nan", "inf", "Infinity", "0x10", "1x", "", " 1", "--1", "NaN1"] {
            let json = #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"\#(bad)"]}]}}"#
            guard case .failure(.malformed) = parse(json) else { Issue.record("accepted \(bad)"); continue }
        }
        #expect(PromResponseParser.value("-0.5") == -0.5)
        #expect(PromResponseParser.value(".5") == 0.5)
        #expect(PromResponseParser.value("+Inf") == .infinity)
        #expect(PromResponseParser.value("1.7976931348623157e+308") == .greatestFiniteMagnitude)
    }

    @Test func badShapesAreMalformed() {
        let cases = [
            #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":1},"value":[1,"1"]}]}}"#,
            #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"1","2"]}]}}"#,
            #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":["x","1"]}]}}"#,
            #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{}}]}}"#,
            #"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[2,"1"],[1,"1"]]}]}}"#,
            #"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"],[1,"1"]]}]}}"#,
            #"{"status":"success","data":{"resultType":"scalar","result":[1e400,"1"]}}"#,
        ]
        for json in cases {
            guard case .failure(.malformed(let m)) = parse(json) else { Issue.record("accepted \(json)"); continue }
            #expect(!m.isEmpty)
        }
    }

    @Test func warningsOfPartialAnswersAreKept() throws {
        let r = try success("""
            {"status":"success","warnings":["partial response: store 10.0.0.3 unavailable"],"infos":["PromQL info: metric might not be a counter"],
             "data":{"resultType":"vector","result":[]}}
            """)
        #expect(r.warnings == ["partial response: store 10.0.0.3 unavailable", "PromQL info: metric might not be a counter"])
    }

    @Test func seriesPastTheCapAreCounted() throws {
        let items = (0..<5).map { #"{"metric":{"i":"\#($0)"},"value":[1,"\#($0)"]}"# }.joined(separator: ",")
        let r = try success(#"{"status":"success","data":{"resultType":"vector","result":[\#(items)]}}"#, maxSeries: 3)
        #expect(r.data.count == 3)
        #expect(r.cappedFrom == 5)
        #expect(r.data.samples.map(\.labels["i"]) == ["0", "1", "2"])
        let series = (0..<4).map { #"{"metric":{"i":"\#($0)"},"values":[[1,"1"]]}"# }.joined(separator: ",")
        let m = try success(#"{"status":"success","data":{"resultType":"matrix","result":[\#(series)]}}"#, maxSeries: 2)
        #expect(m.data.count == 2 && m.cappedFrom == 4)
    }

    @Test func nativeHistogramsAreSkippedAndCounted() throws {
        let r = try success("""
            {"status":"success","data":{"resultType":"vector","result":[
              {"metric":{"a":"h"},"histogram":[1,{"count":"3","sum":"1","buckets":[]}]},
              {"metric":{"a":"f"},"value":[1,"2"]}]}}
            """)
        #expect(r.histogramsSkipped == 1)
        #expect(r.data.samples.map(\.labels["a"]) == ["f"])
    }

    @Test func cutAnswersAreTooLarge() {
        let r = PromResponseParser.parse(status: 200, body: Array(#"{"status":"success","data":{"resultT"#.utf8), truncated: true,
                                         limit: 32 * 1_048_576)
        #expect(r == .failure(.tooLarge(limit: 32 * 1_048_576)))
        guard case .failure(let e) = r else { return }
        #expect(e.description.contains("32 MiB"))
    }

    @Test func excerptsAreOneLineOfPrintableText() {
        #expect(PromResponseParser.excerpt(Array("a\u{1B}[2Jb\nc".utf8)) == "a [2Jb c")
        #expect(PromResponseParser.excerpt(Array(String(repeating: "x", count: 500).utf8)).count == 200)
    }
}
