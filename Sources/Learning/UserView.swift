/// One user's slot of a ``UserTable`` through its ``UserLayout``: the parts by name instead of offsets.
///
/// A view points into the table's storage: it is valid until the table allocates another slot (the storage may
/// move), so it is made where it is used and never kept.
struct UserView {
    let floats: UnsafeMutablePointer<Float>
    let ints: UnsafeMutablePointer<Int32>
    let layout: UserLayout

    // MARK: Counters and flags

    /// The user's events learned so far.
    @inline(__always)
    var eventsSeen: Int { Int(ints[UserLayout.eventsField]) }

    @inline(__always)
    func countEvent() { ints[UserLayout.eventsField] += 1 }

    /// Where the support window's next item goes in the ring.
    @inline(__always)
    var head: Int { Int(ints[UserLayout.headField]) }

    @inline(__always)
    var flags: Int32 {
        get { ints[UserLayout.flagsField] }
        nonmutating set { ints[UserLayout.flagsField] = newValue }
    }

    /// Whether the user's weights were started from θ.
    var isInitialized: Bool { flags & UserLayout.initializedFlag != 0 }

    /// Whether the user is held out of meta-learning (the control arm).
    @inline(__always)
    var isHoldout: Bool { flags & UserLayout.holdoutFlag != 0 }

    /// The meta-update rounds the user contributed to (only with `meta.max_participations`).
    @inline(__always)
    var participations: Int32 {
        get { ints[layout.participationsOffset] }
        nonmutating set { ints[layout.participationsOffset] = newValue }
    }

    /// The user's hashed side features (`featureSlots` values, `-1` when unused).
    @inline(__always)
    var features: UnsafeMutablePointer<Int32> { ints + UserLayout.featureBase }

    // MARK: Weights

    /// The user's adapted copy of θ's vector part: the user vector, after the user bias under `rating`.
    @inline(__always)
    var weights: UnsafeMutablePointer<Float> { floats }

    /// The user vector.
    @inline(__always)
    var vector: UnsafeMutablePointer<Float> { floats + layout.vectorOffset }

    /// Ranking: the user's offsets of the blend weights, one per component.
    @inline(__always)
    var blendOffsets: UnsafeMutablePointer<Float> { floats + layout.blendOffsetsOffset }

    /// Ranking with Meta-SGD: the blend gradient of the user's previous event.
    @inline(__always)
    var previousGradient: UnsafeMutablePointer<Float> { floats + layout.previousGradientOffset }

    /// Rating: the ratings of the support window, in ring order.
    @inline(__always)
    var windowRatings: UnsafeMutablePointer<Float> { floats + layout.windowRatingsOffset }

    /// Rating: the user's scale of item biases `c_u`, less one.
    @inline(__always)
    var biasScale: Float {
        get { floats[layout.biasScaleOffset] }
        nonmutating set { floats[layout.biasScaleOffset] = newValue }
    }

    // MARK: Support window

    /// The ring of the support window's items.
    @inline(__always)
    var ring: UnsafeMutablePointer<Int32> { ints + layout.ringOffset }

    /// The ring position of the item `age` events back (0: the newest).
    @inline(__always)
    func ringPosition(age: Int) -> Int { (head - 1 - age + layout.window) % layout.window }

    /// The item `age` events back in the support window (0: the newest).
    @inline(__always)
    func recent(_ age: Int) -> Int32 { ring[ringPosition(age: age)] }

    /// Rating: puts `item` and its rating into the support window.
    @inline(__always)
    func pushRated(_ item: Int32, rating: Float) {
        let head = self.head
        ring[head] = item
        windowRatings[head] = rating
        ints[UserLayout.headField] = Int32((head + 1) % layout.window)
    }

    // MARK: Sessions

    /// Whether the event at ring position `position` started a session (its bit after the ring).
    @inline(__always)
    func startsSession(at position: Int) -> Bool {
        let starts = ints + layout.sessionStartsOffset
        return UInt32(bitPattern: starts[position >> 5]) & (1 << UInt32(position & 31)) != 0
    }

    /// Ranking: puts `item` into the support window; with sessions, also whether it starts a session (the user's
    /// first event, or more than `sessionGap` milliseconds after the previous one) and its timestamp.
    @inline(__always)
    func pushRecent(_ item: Int32, timestamp: Int64, sessionGap: Int64) {
        let head = self.head
        let ring = self.ring
        let window = layout.window
        ring[head] = item
        if layout.sessionFields > 0 {
            let t = ints + layout.lastTimestampOffset
            let last = Int64(UInt32(bitPattern: t[0])) | Int64(t[1]) << 32
            let startsSession = eventsSeen == 0 || timestamp &- last > sessionGap
            let bit = UInt32(1) << UInt32(head & 31)
            let word = UInt32(bitPattern: ring[window + (head >> 5)])
            ring[window + (head >> 5)] = Int32(bitPattern: startsSession ? word | bit : word & ~bit)
            t[0] = Int32(truncatingIfNeeded: timestamp)
            t[1] = Int32(truncatingIfNeeded: timestamp >> 32)
        }
        ints[UserLayout.headField] = Int32((head + 1) % window)
    }
}
