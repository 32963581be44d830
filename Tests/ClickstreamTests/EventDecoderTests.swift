import Clickstream
import Testing

@Suite struct EventDecoderTests {
    let decoder = EventDecoder()

    func reason(_ text: String, _ decoder: EventDecoder = EventDecoder()) -> EventDecodingError.Reason? {
        do {
            _ = try decoder.decode(text)
            return nil
        } catch {
            return error.reason
        }
    }

    func reason(bytes: [UInt8]) -> EventDecodingError.Reason? {
        do {
            _ = try decoder.decode(bytes)
            return nil
        } catch {
            return error.reason
        }
    }

    @Test func decodesAllFields() throws {
        let e = try decoder.decode(
            #"""
             {"user":"u1","item":7,"kind":"rating","value":4.5,"ts":"2024-05-01T12:00:00Z","extra":[1,{"a":null}],
              "features":{"user":{"age":"25-34","genres":["a","b"],"score":12.5,"none":null},"item":{"genre":[]},
              "other":true}}
            """#
        )
        #expect(e.user == "u1")
        #expect(e.item == "7")
        #expect(e.kind == "rating")
        #expect(e.value == 4.5)
        #expect(e.timestamp == 1_714_564_800_000)
        #expect(e.userFeatures == ["age": ["25-34"], "genres": ["a", "b"], "score": ["12.5"]])
        #expect(e.itemFeatures == ["genre": []])
    }

    @Test func integerIdsBecomeTheirText() throws {
        let e = try decoder.decode(#"{"user":-12,"item":0,"kind":"view","ts":1}"#)
        #expect(e.user == "-12")
        #expect(e.item == "0")
        #expect(e.value == nil)
        #expect(reason(#"{"user":1.5,"item":0,"kind":"view","ts":1}"#) == .wrongType)
        #expect(reason(#"{"user":1e3,"item":0,"kind":"view","ts":1}"#) == .wrongType)
    }

    @Test(arguments: [
        ("2024-05-01T12:00:00Z", Int64(1_714_564_800_000)),
        ("2024-05-01T12:00:00.123+02:00", Int64(1_714_557_600_123)),
        ("2024-05-01T12:00:00.1-0130", Int64(1_714_570_200_100)),
        ("2024-05-01t12:00:00.123456789z", Int64(1_714_564_800_123)),
        ("1970-01-01T00:00:00Z", Int64(0)),
        ("1969-12-31T23:59:59.999Z", Int64(-1)),
        ("2000-02-29T00:00:00Z", Int64(951_782_400_000)),
    ])
    func isoTimestamps(text: String, millis: Int64) throws {
        let e = try decoder.decode(#"{"user":"u","item":"i","kind":"view","ts":"\#(text)"}"#)
        #expect(e.timestamp == millis)
    }

    @Test(arguments: [
        #""2024-05-01T12:00:00""#, #""2024-02-30T12:00:00Z""#, #""2023-02-29T00:00:00Z""#, #""2024-13-01T00:00:00Z""#,
        #""2024-05-01T24:00:00Z""#, #""2024-05-01""#, #""2024-05-01T12:00:00.Z""#, #""yesterday""#, "1.5", "1e3",
        "99999999999999999999", #""2024-05-01T12:00:00+25:00""#,
    ])
    func badTimestamps(ts: String) {
        #expect(reason(#"{"user":"u","item":"i","kind":"view","ts":\#(ts)}"#) == .badTimestamp)
    }

    @Test func missingAndWrongTypes() {
        #expect(reason(#"{"item":"i","kind":"view","ts":1}"#) == .missingField)
        #expect(reason(#"{"user":"u","kind":"view","ts":1}"#) == .missingField)
        #expect(reason(#"{"user":"u","item":"i","ts":1}"#) == .missingField)
        #expect(reason(#"{"user":"u","item":"i","kind":"view"}"#) == .missingField)
        #expect(reason(#"{"user":null,"item":"i","kind":"view","ts":1}"#) == .missingField)
        #expect(reason(#"{"user":"","item":"i","kind":"view","ts":1}"#) == .missingField)
        #expect(reason(#"{"user":true,"item":"i","kind":"view","ts":1}"#) == .wrongType)
        #expect(reason(#"{"user":"u","item":["i"],"kind":"view","ts":1}"#) == .wrongType)
        #expect(reason(#"{"user":"u","item":"i","kind":3,"ts":1}"#) == .wrongType)
        #expect(reason(#"{"user":"u","item":"i","kind":"view","value":"4","ts":1}"#) == .wrongType)
        #expect(reason(#"{"user":"u","item":"i","kind":"view","ts":true}"#) == .wrongType)
        #expect(reason(#"{"user":"u","item":"i","kind":"view","ts":1,"features":[]}"#) == .wrongType)
        #expect(reason(#"{"user":"u","item":"i","kind":"view","ts":1,"features":{"user":"x"}}"#) == .wrongType)
        #expect(reason(#"{"user":"u","item":"i","kind":"view","ts":1,"features":{"item":{"g":true}}}"#) == .wrongType)
        #expect(
            reason(#"{"user":"u","item":"i","kind":"view","ts":1,"features":{"item":{"g":[["x"]]}}}"#) == .wrongType
        )
        #expect(reason(#"[1,2]"#) == .wrongType)
        #expect(reason(#""event""#) == .wrongType)
    }

    @Test func malformedJSON() {
        for text in [
            "", " ", "{", "{\"user\"", #"{"user":"u","item":"i","kind":"view","ts":1"#, #"{"user":"u",}"#,
            #"{"user":"u" "item":"i"}"#, #"{"user":'u'}"#, #"{"user":"u","item":"i","kind":"view","ts":01}"#,
            #"{"user":"u","item":"i","kind":"view","ts":1} x"#, #"{"user":"u","item":"i","kind":"view","ts":1}{}"#,
            "{\"user\":\"a\tb\",\"item\":\"i\",\"kind\":\"view\",\"ts\":1}",
            #"{"user":"\x","item":"i","kind":"v","ts":1}"#,
            #"{"user":"\u12","item":"i","kind":"v","ts":1}"#, #"{"user":"u","item":"i","kind":"v","ts":-}"#,
            #"{"user":"u","item":"i","kind":"v","ts":1,"x":tru}"#,
            #"{"user":"u","item":"i","kind":"v","value":1.,"ts":1}"#,
            #"{"user":"u","item":"i","kind":"v","value":.5,"ts":1}"#,
            #"{"user":"u","item":"i","kind":"v","value":1e,"ts":1}"#,
            #"{"user":"u","item":"i","kind":"v","value":+1,"ts":1}"#,
            #"{"user":"u","item":"i","kind":"v","value":NaN,"ts":1}"#,
            #"{"user":"u","item":"i","kind":"v","value":Infinity,"ts":1}"#, "[1,2", "nul",
        ] {
            #expect(reason(text) == .malformedJSON, "\(text)")
        }
    }

    @Test func nonFiniteNumbers() throws {
        #expect(reason(#"{"user":"u","item":"i","kind":"v","value":1e400,"ts":1}"#) == .nonFinite)
        #expect(reason(#"{"user":"u","item":"i","kind":"v","value":-1e99999999999999999999,"ts":1}"#) == .nonFinite)
        #expect(reason(#"{"user":"u","item":"i","kind":"v","value":1.8e308,"ts":1}"#) == .nonFinite)
        let big = try decoder.decode(#"{"user":"u","item":"i","kind":"v","value":1.7976931348623157e308,"ts":1}"#)
        #expect(big.value == .greatestFiniteMagnitude)
        let tiny = try decoder.decode(#"{"user":"u","item":"i","kind":"v","value":1e-400,"ts":1}"#)
        #expect(tiny.value == 0)
        let long = try decoder.decode(
            #"{"user":"u","item":"i","kind":"v","#
                + #""value":0.1000000000000000055511151231257827021181583404541015625,"ts":1}"#
        )
        #expect(long.value == 0.1)
    }

    @Test func utf8AndEscapes() throws {
        let e = try decoder.decode(#"{"user":"caf\u00e9 \ud83d\ude00 \"q\" \\ \/ \n","item":"ü€😀","kind":"v","ts":1}"#)
        #expect(e.user == "café 😀 \"q\" \\ / \n")
        #expect(e.item == "ü€😀")
        // Invalid UTF-8: a lone continuation byte, an overlong encoding, an encoded surrogate, a truncated sequence,
        // a code point above U+10FFFF; and unpaired surrogate escapes.
        let prefix = Array(#"{"user":"a"#.utf8)
        let suffix = Array(#"","item":"i","kind":"v","ts":1}"#.utf8)
        for bad: [UInt8] in [
            [0x80], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80], [0xFF],
        ] {
            #expect(reason(bytes: prefix + bad + suffix) == .invalidUTF8)
        }
        // ...also inside an ignored member.
        #expect(reason(bytes: Array(#"{"x":"a"#.utf8) + [0xC3] + suffix) == .invalidUTF8)
        #expect(reason(#"{"user":"\ud800","item":"i","kind":"v","ts":1}"#) == .invalidUTF8)
        #expect(reason(#"{"user":"\udc00x","item":"i","kind":"v","ts":1}"#) == .invalidUTF8)
        #expect(reason(#"{"user":"\ud800\u0041","item":"i","kind":"v","ts":1}"#) == .invalidUTF8)
        // Escaped member names still match.
        #expect(try decoder.decode(#"{"\u0075ser":"u","item":"i","kind":"v","ts":1}"#).user == "u")
    }

    @Test func duplicateMembersLastWins() throws {
        let e = try decoder.decode(
            #"{"user":"a","user":"b","item":"i","kind":"v","ts":1,"ts":2,"features":{"user":{"x":"1"}},"features":{}}"#
        )
        #expect(e.user == "b")
        #expect(e.timestamp == 2)
        #expect(e.userFeatures.isEmpty)
        // Every occurrence must be valid.
        #expect(reason(#"{"user":true,"user":"b","item":"i","kind":"v","ts":1}"#) == .wrongType)
    }

    @Test func limits() {
        let small = EventDecoder(
            schema: EventSchema(
                limits: .init(
                    maxMessageBytes: 200,
                    maxIDBytes: 4,
                    maxFeaturesPerSide: 2,
                    maxValuesPerFeature: 2,
                    maxDepth: 5
                )
            )
        )
        #expect(reason(#"{"user":"abcde","item":"i","kind":"v","ts":1}"#, small) == .oversize)
        #expect(reason(#"{"user":12345,"item":"i","kind":"v","ts":1}"#, small) == .oversize)
        #expect(reason(#"{"user":"abcd","item":"i","kind":"v","ts":1}"#, small) == nil)
        #expect(
            reason(#"{"user":"u","item":"i","kind":"v","ts":1,"features":{"user":{"a":"1","b":"2","c":"3"}}}"#, small)
                == .oversize
        )
        #expect(
            reason(#"{"user":"u","item":"i","kind":"v","ts":1,"features":{"user":{"a":["1","2","3"]}}}"#, small)
                == .oversize
        )
        #expect(reason(#"{"user":"u","item":"i","kind":"v","ts":1,"x":[[[[[1]]]]]}"#, small) == .oversize)
        #expect(reason(#"{"user":"u","item":"i","kind":"v","ts":1,"x":[[[1]]]}"#, small) == nil)
        #expect(
            reason(#"{"user":"u","item":"i","kind":"v","ts":1,"x":"\#(String(repeating: "x", count: 200))"}"#, small)
                == .oversize
        )
        // Deep nesting under the default limit fails cleanly instead of overflowing the stack.
        let deep = #"{"x":"# + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        #expect(reason(deep, EventDecoder(schema: EventSchema(limits: .init(maxMessageBytes: 1 << 20)))) == .oversize)
    }

    @Test func allowedKinds() {
        let strict = EventDecoder(schema: EventSchema(allowedKinds: ["view", "click"]))
        #expect(reason(#"{"user":"u","item":"i","kind":"view","ts":1}"#, strict) == nil)
        #expect(reason(#"{"user":"u","item":"i","kind":"buy","ts":1}"#, strict) == .unknownKind)
    }

    @Test func customFieldNames() throws {
        let schema = EventSchema(
            fields: .init(
                user: "uid",
                item: "sku",
                kind: "type",
                value: "v",
                timestamp: "time",
                features: "f",
                userFeatures: "u",
                itemFeatures: "s"
            )
        )
        let e = try EventDecoder(schema: schema).decode(
            #"{"uid":"a","sku":"b","type":"view","v":2,"time":5,"f":{"u":{"age":"x"},"s":{"g":"y"}},"user":1}"#
        )
        #expect(
            e
                == InteractionEvent(
                    user: "a",
                    item: "b",
                    kind: "view",
                    value: 2,
                    timestamp: 5,
                    userFeatures: ["age": ["x"]],
                    itemFeatures: ["g": ["y"]]
                )
        )
        #expect(try EventDecoder(schema: schema).decode(e.jsonLine(schema: schema)) == e)
    }

    @Test func reasonLabelsAreStable() {
        #expect(
            EventDecodingError.Reason.allCases.map(\.rawValue) == [
                "malformed_json", "invalid_utf8", "missing_field", "wrong_type", "non_finite", "oversize",
                "unknown_kind",
                "bad_timestamp", "malformed_record",
            ]
        )
        do {
            _ = try decoder.decode(#"{"user":"u","item":"i","kind":"v","ts":"x"}"#)
            Issue.record("expected a failure")
        } catch {
            #expect(error.field == "ts")
            #expect(error.message.contains("'ts'"))
        }
    }
}

@Suite struct EventEncoderTests {
    @Test func canonicalForm() {
        let e = InteractionEvent(
            user: "u\"1\\",
            item: "i\n\u{01}",
            kind: "rating",
            value: 4,
            timestamp: -5,
            userFeatures: ["b": ["2"], "a": ["x", "y"]],
            itemFeatures: [:]
        )
        #expect(
            e.jsonLine()
                == #"{"user":"u\"1\\","item":"i\n\u0001","kind":"rating","value":4,"ts":-5,"#
                + #""features":{"user":{"a":["x","y"],"b":"2"}}}"#
        )
        #expect(
            InteractionEvent(user: "u", item: "i", kind: "v", timestamp: 0).jsonLine()
                == #"{"user":"u","item":"i","kind":"v","ts":0}"#
        )
    }

    @Test func numbersRoundTripExactly() throws {
        var rng = Xoshiro256(seed: 7)
        let decoder = EventDecoder()
        var values: [Double] = [
            0, -0.0, 1, -1, 0.1, 1e-5, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
            .leastNormalMagnitude, 1e15, 1e16, 123_456_789_012_345_680, 2.5e-308, 4.35, 1 / 3,
        ]
        for _ in 0..<20_000 {
            let bits = rng.next()
            let d = Double(bitPattern: bits)
            if d.isFinite { values.append(d) }
            values.append(Double(Int64(truncatingIfNeeded: bits) >> 20) / 1000)
        }
        for v in values {
            let e = InteractionEvent(
                user: "u",
                item: "i",
                kind: "v",
                value: v,
                timestamp: Int64(truncatingIfNeeded: rng.next())
            )
            let back = try decoder.decode(e.jsonLine())
            #expect(back.value?.bitPattern == v.bitPattern, "\(v) -> \(e.jsonLine())")
            #expect(back.timestamp == e.timestamp)
        }
        #expect(
            InteractionEvent(user: "u", item: "i", kind: "v", value: .nan, timestamp: 0).jsonLine().contains("null")
        )
    }

    @Test func stringsRoundTrip() throws {
        var rng = Xoshiro256(seed: 11)
        let decoder = EventDecoder()
        for _ in 0..<5_000 {
            var scalars = String.UnicodeScalarView()
            for _ in 0..<(1 + Int(rng.next() % 12)) {
                let pick = rng.next() % 4
                let value: UInt32 =
                    switch pick {
                    case 0: UInt32(rng.next() % 0x80)
                    case 1: UInt32(rng.next() % 0x800)
                    case 2: UInt32(rng.next() % 0x10000)
                    default: UInt32(rng.next() % 0x110000)
                    }
                if let s = Unicode.Scalar(value) { scalars.append(s) }
            }
            let text = String(scalars)
            guard !text.isEmpty, text.utf8.count <= 256 else { continue }
            let e = InteractionEvent(user: text, item: "i", kind: text, timestamp: 1, userFeatures: [text: [text, ""]])
            #expect(try decoder.decode(e.jsonLine()) == e)
        }
    }
}
