#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Unbuffered writes to standard output and standard error. Commands write whole batches at once, so there is
/// nothing to gain from stdio's buffering, and nothing of it to share between threads.
enum Console {
    static func out(_ bytes: [UInt8]) {
        write(bytes, to: 1)
    }

    static func out(_ text: String) {
        write(Array(text.utf8), to: 1)
    }

    static func err(_ text: String) {
        write(Array(text.utf8), to: 2)
    }

    private static func write(_ bytes: [UInt8], to descriptor: Int32) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = systemWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
}

#if canImport(Glibc)
    private let systemWrite = Glibc.write
#elseif canImport(Darwin)
    private let systemWrite = Darwin.write
#endif
