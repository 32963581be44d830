/// A C handle that crosses threads.
///
/// `@unchecked Sendable` is safe only for handles whose C API is thread-safe or which are used by one thread at a
/// time by construction; each use site says which.
struct SendableOpaquePointer: @unchecked Sendable {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) {
        self.pointer = pointer
    }
}
