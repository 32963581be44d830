import Clickstream
import Foundation
import Testing

@Suite struct JSONWriterTests {
    private func text(_ body: (inout JSONWriter) -> Void) -> String {
        var json = JSONWriter()
        body(&json)
        return String(decoding: json.bytes, as: UTF8.self)
    }

    @Test func stringsAreEscapedPerRFC8259() throws {
        let raw = "a\"b\\c\nd\re\tf\u{08}g\u{0C}h\u{01}i\u{1F}j é ☃ \u{2028}"
        let written = text { $0.string(raw) }
        #expect(written == #""a\"b\\c\nd\re\tf\bg\fh\u0001i\u001fj é ☃ "# + "\u{2028}\"")
        // Reads back as the same string.
        let decoded = try JSONSerialization.jsonObject(with: Data(written.utf8), options: .fragmentsAllowed)
        #expect(decoded as? String == raw)
        #expect(text { $0.string(utf8: Array(raw.utf8)) } == written)
        #expect(text { $0.string("") } == #""""#)
    }

    @Test func numbersReadBackAsTheSameValue() throws {
        for value in [0.0, 1, -3, 0.1, 1e-5, 1.5e20, 123_456.789, -2.5e-300, 999_999_999_999_999, 1e15] {
            let written = text { $0.number(value) }
            #expect(Double(written) == value, "\(written)")
        }
        #expect(text { $0.number(3) } == "3")
        #expect(text { $0.number(-0.0) } == "-0.0")
        #expect(text { $0.number(.nan) } == "null")
        #expect(text { $0.number(.infinity) } == "null")
        #expect(text { $0.integer(Int64.min) } == "-9223372036854775808")
        #expect(text { $0.integer(0) } == "0")
    }

    @Test func scoresUseTheShortestFloatText() {
        #expect(text { $0.score(Double(Float(0.1))) } == "0.1")
        #expect(text { $0.score(0.1) } == "0.1")
        #expect(text { $0.score(-Double(Float(3.91))) } == "-3.91")
        #expect(text { $0.score(2) } == "2")
        #expect(text { $0.score(-0.0) } == "0")
        for value: Float in [0.1, 3.91, 1e-5, 123.456, -7.25e-3] {
            #expect(Float(text { $0.score(Double(value)) }) == value)
        }
    }

    @Test func appendingKeepsWhatTheBufferHeld() {
        var buffer = Array("x=".utf8)
        JSONWriter.append(to: &buffer) { json in
            json.literal("[")
            json.integer(42)
            json.byte(UInt8(ascii: ","))
            json.bool(true)
            json.byte(UInt8(ascii: ","))
            json.null()
            json.literal("]")
        }
        #expect(String(decoding: buffer, as: UTF8.self) == "x=[42,true,null]")
    }
}
