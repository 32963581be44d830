import Clickstream
import Foundation

extension JSONWriter {
    /// Payload bytes: a JSON string when they are valid UTF-8, otherwise base64 (RFC 4648) under `<name>_base64`;
    /// `null` for a missing payload.
    mutating func payloadField(_ name: String, _ payload: [UInt8]?) {
        guard let payload else {
            string(name)
            literal(":null")
            return
        }
        if String(validating: payload, as: UTF8.self) != nil {
            string(name)
            byte(UInt8(ascii: ":"))
            string(utf8: payload)
        } else {
            string(name + "_base64")
            byte(UInt8(ascii: ":"))
            string(Data(payload).base64EncodedString())
        }
    }

    /// A header value: a string when valid UTF-8, else base64; `null` when absent.
    mutating func headerValue(_ value: [UInt8]?) {
        guard let value else { return null() }
        if let text = String(validating: value, as: UTF8.self) {
            string(text)
        } else {
            string(Data(value).base64EncodedString())
        }
    }
}
