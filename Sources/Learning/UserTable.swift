/// Per-user learned state for one shard of users (the daemon keeps one per Kafka partition).
///
/// Each user occupies a slot: a fixed-stride run of floats (adapted weights φᵤ) and of 32-bit integers (event count,
/// support window, side-feature rows), plus the sorted list of items the user has interacted with. The table also
/// accumulates its users' pending ``MetaContribution``s until the next meta-update drains them.
///
/// A table is not thread-safe: exactly one owner (the partition's worker) reads and writes it. Users can be
/// removed (erasure) and evicted/reloaded bit-exactly through ``exportUser(_:)`` / ``importUser(_:bytes:)``.
public final class UserTable {
    /// Where each part of a user's state sits in a slot.
    let layout: UserLayout
    let metaWidth: Int

    var floatStride: Int { layout.floatStride }
    var intStride: Int { layout.intStride }
    var featureSlots: Int { layout.featureSlots }

    var floats: GrowableBuffer<Float>
    var ints: GrowableBuffer<Int32>
    private(set) var keys: [String] = []
    private var index: [String: Int32] = [:]
    private var free: [Int32] = []
    var seen: [[Int32]] = []

    // Pending meta contributions (a pool reused across windows: no allocation per event).
    private(set) var pendingCount = 0
    private var pendingUsers: [String] = []
    private var pendingSlots: [Int32] = []
    var pendingEvents: [Int32] = []
    var pendingDirections: GrowableBuffer<Float>
    private var pendingFeatures: GrowableBuffer<Int32>
    /// Pending entries of users evicted since the last drain, so a reloaded user continues the same entry.
    private var detachedPending: [String: Int32] = [:]

    /// Per slot, when the user was last active (a caller's increasing clock, see ``noteActive(_:stamp:)``): what
    /// eviction orders by. Transient: not part of any serialization.
    private var activity: [UInt64] = []

    // Changes since the last ``drainChanges()`` (incremental checkpoints).
    private var changed: [Int32] = []
    private var changedFlags: [Bool] = []
    private var removedUsers: Set<String> = []

    init(layout: UserLayout, metaWidth: Int) {
        self.layout = layout
        self.metaWidth = metaWidth
        self.floats = GrowableBuffer(capacity: 64 * layout.floatStride)
        self.ints = GrowableBuffer(capacity: 64 * layout.intStride)
        self.pendingDirections = GrowableBuffer(capacity: 64 * max(metaWidth, 1))
        self.pendingFeatures = GrowableBuffer(capacity: 64 * max(layout.featureSlots, 1))
    }

    /// Users currently held.
    public var count: Int { index.count }

    /// Every user held, in slot order.
    public var users: [String] {
        keys.enumerated().compactMap { index[$0.element] == Int32($0.offset) ? $0.element : nil }
    }

    /// Whether `user` is held.
    public func contains(_ user: String) -> Bool { index[user] != nil }

    /// How many events of `user` were learned (0 when unknown).
    public func eventCount(of user: String) -> Int {
        guard let s = index[user] else { return 0 }
        return Int(ints[Int(s) * intStride + UserLayout.eventsField])
    }

    /// Bytes of learned state held for `user`: fixed slot plus 4 bytes per item in the user's interaction list.
    public func stateBytes(of user: String) -> Int? {
        guard let s = index[user] else { return nil }
        return floatStride * 4 + intStride * 4 + seen[Int(s)].count * 4
    }

    /// Bytes of one slot, excluding the interaction list.
    public var fixedBytesPerUser: Int { floatStride * 4 + intStride * 4 }

    // MARK: - Slots

    /// The slot of `user`, creating an empty (uninitialized) one for a new user.
    @inline(__always)
    func slot(for user: String) -> Int32 {
        if let s = index[user] { return s }
        return allocate(user)
    }

    func existingSlot(for user: String) -> Int32? { index[user] }

    /// The user in slot `s` through the table's layout (valid until the table allocates another slot).
    @inline(__always)
    func view(_ s: Int32) -> UserView {
        UserView(floats: floats.base + Int(s) * floatStride, ints: ints.base + Int(s) * intStride, layout: layout)
    }

    // MARK: - Seen lists

    /// Where `item` is in the seen list of slot `s` (a scan from the most recent end: repeats are mostly of recent
    /// items), `nil` if it is not there.
    func seenPosition(of item: Int32, slot s: Int32) -> Int? {
        seen[Int(s)].withUnsafeBufferPointer { list in
            var i = list.count - 1
            while i >= 0 {
                if list[i] == item { return i }
                i -= 1
            }
            return nil
        }
    }

    /// Notes `item` as the most recent interaction of slot `s`. The list holds the user's `limit` most recently
    /// interacted items exactly, in order of last interaction (oldest first); past the bound the oldest is
    /// forgotten, so a user's state stays bounded however many events they send (an item forgotten this way may be
    /// served again, and a later event on it is scored: the served list could have shown it).
    /// - Parameter at: where `item` already is in the list (``seenPosition(of:slot:)``), `nil` if it is not.
    func insertSeen(_ item: Int32, at: Int?, slot s: Int32, limit: Int) {
        let i = Int(s)
        if let at {
            // Already seen: it becomes the most recent (a no-op when it already is).
            if at != seen[i].count - 1 {
                seen[i].remove(at: at)
                seen[i].append(item)
            }
            return
        }
        if seen[i].count >= limit { seen[i].removeFirst(seen[i].count - limit + 1) }
        seen[i].append(item)
    }

    private func allocate(_ user: String) -> Int32 {
        let s: Int32
        if let reused = free.popLast() {
            s = reused
            keys[Int(s)] = user
            seen[Int(s)] = []
        } else {
            s = Int32(keys.count)
            keys.append(user)
            seen.append([])
            activity.append(0)
            floats.append(0, count: floatStride)
            ints.append(0, count: intStride)
        }
        clear(slot: s)
        index[user] = s
        if let entry = detachedPending.removeValue(forKey: user) {
            ints[Int(s) * intStride + UserLayout.pendingField] = entry + 1
            pendingSlots[Int(entry)] = s
        }
        return s
    }

    private func clear(slot s: Int32) {
        let f = Int(s) * floatStride
        for k in 0..<floatStride { floats[f + k] = 0 }
        let i = Int(s) * intStride
        for k in 0..<intStride { ints[i + k] = 0 }
        for k in 0..<featureSlots { ints[i + UserLayout.featureBase + k] = -1 }
    }

    /// Forgets `user` entirely (erasure): the slot, any pending meta-update contribution (taken out of the pool,
    /// so neither ``drainContributions()`` nor ``serialized()`` sees it) and every copy of the id the table kept.
    /// The next ``drainChanges()`` reports the user as removed, so a checkpoint deletes the stored record.
    /// - Returns: whether the user was held (in memory, or as a detached pending entry of an evicted user).
    @discardableResult
    public func remove(_ user: String) -> Bool {
        var held = false
        if let entry = detachedPending.removeValue(forKey: user) {
            removePending(entry)
            held = true
        }
        if let s = index.removeValue(forKey: user) {
            let p = ints[Int(s) * intStride + UserLayout.pendingField]
            ints[Int(s) * intStride + UserLayout.pendingField] = 0
            if p > 0 { removePending(p - 1) }
            release(s)
            held = true
        }
        // Entries past the pool's count are reused storage from earlier windows: no id stays there either.
        for e in pendingCount..<pendingUsers.count where pendingUsers[e] == user { pendingUsers[e] = "" }
        removedUsers.insert(user)
        return held
    }

    // MARK: - Changes

    /// Records that the user in slot `s` changed (learned an event) since the last ``drainChanges()``.
    @inline(__always)
    func markChanged(_ s: Int32) {
        let i = Int(s)
        if i >= changedFlags.count {
            changedFlags.append(contentsOf: repeatElement(false, count: i + 1 - changedFlags.count))
        }
        if !changedFlags[i] {
            changedFlags[i] = true
            changed.append(s)
        }
    }

    /// Records that `user` changed since the last ``drainChanges()``: its state is written by the next checkpoint
    /// (e.g. again, after a checkpoint that held it failed).
    /// - Returns: whether the user is held.
    @discardableResult
    public func markChanged(_ user: String) -> Bool {
        guard let s = index[user] else { return false }
        markChanged(s)
        return true
    }

    /// Whether `user` changed since the last ``drainChanges()``.
    public func isChanged(_ user: String) -> Bool {
        guard let s = index[user] else { return false }
        return Int(s) < changedFlags.count && changedFlags[Int(s)]
    }

    /// Records `user` as removed (erased) again, so the next ``drainChanges()`` reports it (after a checkpoint that
    /// held the removal failed). Ignored while the user is held.
    public func markRemoved(_ user: String) {
        if index[user] == nil { removedUsers.insert(user) }
    }

    /// The users that changed since the last call, with their ``exportUser(_:)`` bytes, and the users removed
    /// (erased) since then and not held now; both sorted by user id. Resets the record.
    public func drainChanges() -> (changed: [(user: String, bytes: [UInt8])], removed: [String]) {
        var out: [(user: String, bytes: [UInt8])] = []
        out.reserveCapacity(changed.count)
        for s in changed where changedFlags[Int(s)] {
            changedFlags[Int(s)] = false
            let user = keys[Int(s)]
            if let bytes = exportUser(user) { out.append((user, bytes)) }
        }
        changed.removeAll(keepingCapacity: true)
        let removed = removedUsers.filter { index[$0] == nil }.sorted()
        removedUsers.removeAll()
        return (out.sorted { $0.user < $1.user }, removed)
    }

    private func release(_ s: Int32) {
        clear(slot: s)
        activity[Int(s)] = 0
        if Int(s) < changedFlags.count { changedFlags[Int(s)] = false }
        keys[Int(s)] = ""
        seen[Int(s)] = []
        free.append(s)
    }

    /// Takes pending entry `entry` out of the pool: the later entries move down one place (keeping the order in
    /// which contributions are drained, so the meta-update does not depend on erasures of other users) and the
    /// links to them (slots' pending fields, detached entries) follow. O(pending entries); erasures are rare.
    private func removePending(_ entry: Int32) {
        let e = Int(entry)
        precondition(e < pendingCount, "pending entry \(e) is outside the pool")
        for next in (e + 1)..<max(e + 1, pendingCount) {
            let to = next - 1
            pendingUsers[to] = pendingUsers[next]
            pendingSlots[to] = pendingSlots[next]
            pendingEvents[to] = pendingEvents[next]
            for k in 0..<metaWidth { pendingDirections[to * metaWidth + k] = pendingDirections[next * metaWidth + k] }
            for k in 0..<featureSlots {
                pendingFeatures[to * featureSlots + k] = pendingFeatures[next * featureSlots + k]
            }
            let s = pendingSlots[to]
            if s >= 0 { ints[Int(s) * intStride + UserLayout.pendingField] = Int32(to + 1) }
        }
        for (user, detached) in detachedPending where detached > entry { detachedPending[user] = detached - 1 }
        let last = pendingCount - 1
        pendingUsers[last] = ""
        pendingSlots[last] = -1
        pendingEvents[last] = 0
        for k in 0..<metaWidth { pendingDirections[last * metaWidth + k] = 0 }
        for k in 0..<featureSlots { pendingFeatures[last * featureSlots + k] = -1 }
        pendingCount -= 1
    }

    // MARK: - Eviction and reload

    /// Serializes `user`'s state (bit-exact) and removes the user from memory, keeping any pending meta-update
    /// contribution in the table so a later ``importUser(_:bytes:)`` continues it.
    /// - Returns: the bytes, or `nil` when the user is not held.
    public func evict(_ user: String) -> [UInt8]? {
        guard let bytes = exportUser(user), let s = index.removeValue(forKey: user) else { return nil }
        let p = ints[Int(s) * intStride + UserLayout.pendingField]
        if p > 0 {
            detachedPending[user] = p - 1
            pendingSlots[Int(p - 1)] = -1
        }
        release(s)
        return bytes
    }

    /// Records that `user` was active at `stamp` (an increasing clock of the caller's, e.g. events learned):
    /// ``evictLeastActive(count:below:equalTo:_:)`` evicts the users with the smallest stamps. Users restored or
    /// reloaded start at 0 until their next activity (or until the caller sets their stored stamp).
    @inline(__always)
    public func noteActive(_ user: String, stamp: UInt64) {
        if let s = index[user] { activity[Int(s)] = stamp }
    }

    /// `user`'s activity stamp (0 until ``noteActive(_:stamp:)``), or `nil` when the user is not held.
    public func activityStamp(of user: String) -> UInt64? {
        index[user].map { activity[Int($0)] }
    }

    /// Appends the activity stamp of every held user to `stamps` (to choose an eviction threshold across tables).
    public func appendActivityStamps(to stamps: inout [UInt64]) {
        for s in index.values { stamps.append(activity[Int(s)]) }
    }

    /// Evicts (``evict(_:)``) every held user whose activity stamp is below `threshold`, and then those whose stamp
    /// equals it while `equalAllowance` lasts (decremented per user), calling `body` with each user's bytes and
    /// whether the user changed since the last ``drainChanges()`` (then the bytes are the only copy of its newest
    /// state, and the caller must keep them until a checkpoint writes them). Users are visited in slot order.
    /// - Returns: how many users were evicted.
    @discardableResult
    public func evictLeastActive(
        below threshold: UInt64, equalAllowance: inout Int,
        _ body: (_ user: String, _ bytes: [UInt8], _ changed: Bool) -> Void
    ) -> Int {
        var evicted = 0
        for s in 0..<keys.count {
            let user = keys[s]
            guard index[user] == Int32(s) else { continue }
            let stamp = activity[s]
            if stamp > threshold { continue }
            if stamp == threshold {
                if equalAllowance <= 0 { continue }
                equalAllowance -= 1
            }
            let changed = s < changedFlags.count && changedFlags[s]
            if let bytes = evict(user) {
                body(user, bytes, changed)
                evicted += 1
            }
        }
        return evicted
    }

    /// One user's state as bytes: adapted weights, counters, support window and interaction list.
    public func exportUser(_ user: String) -> [UInt8]? {
        guard let s = index[user] else { return nil }
        var w = BinaryWriter()
        w.write(UInt32(0x5753_5531))  // "WSU1"
        w.write(UInt32(floatStride))
        w.write(UInt32(intStride))
        let f = Int(s) * floatStride
        w.writeRaw(UnsafeRawBufferPointer(start: floats.base + f, count: floatStride * 4))
        let i = Int(s) * intStride
        // The pending link is table-local; it is re-established on import.
        let saved = ints[i + UserLayout.pendingField]
        ints[i + UserLayout.pendingField] = 0
        w.writeRaw(UnsafeRawBufferPointer(start: ints.base + i, count: intStride * 4))
        ints[i + UserLayout.pendingField] = saved
        w.write(seen[Int(s)])
        return w.bytes
    }

    /// Restores a user from ``exportUser(_:)`` bytes (replacing any state held for them).
    /// - Parameter changed: Whether the restored state is newer than the last checkpoint (a user reloaded from
    ///   an eviction buffer): then the next ``drainChanges()`` reports the user.
    /// - Throws: ``LearningError`` when the bytes are malformed or were written for another model shape.
    public func importUser(_ user: String, bytes: [UInt8], changed: Bool = false) throws {
        var r = BinaryReader(bytes)
        guard try r.read(UInt32.self) == 0x5753_5531 else { throw LearningError(.corruptState, "not a user record") }
        guard Int(try r.read(UInt32.self)) == floatStride, Int(try r.read(UInt32.self)) == intStride else {
            throw LearningError(.incompatibleState, "user record was written for another model shape")
        }
        var fl = [Float](repeating: 0, count: floatStride)
        try fl.withUnsafeMutableBytes { try r.readRaw(into: $0.baseAddress!, count: floatStride * 4) }
        var it = [Int32](repeating: 0, count: intStride)
        try it.withUnsafeMutableBytes { try r.readRaw(into: $0.baseAddress!, count: intStride * 4) }
        let seenList = try r.readInt32s()
        guard r.isAtEnd else { throw LearningError(.corruptState, "trailing bytes after user record") }
        let s = slot(for: user)
        let f = Int(s) * floatStride
        for k in 0..<floatStride { floats[f + k] = fl[k] }
        let i = Int(s) * intStride
        let pending = ints[i + UserLayout.pendingField]
        for k in 0..<intStride { ints[i + k] = it[k] }
        ints[i + UserLayout.pendingField] = pending
        seen[Int(s)] = seenList
        if changed { markChanged(s) }
    }

    // MARK: - Meta contributions

    /// Whether the user in slot `s` has a pending meta-contribution in the current round.
    @inline(__always)
    func hasPendingEntry(_ s: Int32) -> Bool { ints[Int(s) * intStride + UserLayout.pendingField] > 0 }

    /// The meta-update rounds `user` contributed to (with `meta.max_participations`), `nil` for a user the table
    /// does not hold or without a cap.
    public func participations(of user: String) -> Int? {
        guard layout.participationFields > 0, let s = index[user] else { return nil }
        return Int(ints[Int(s) * intStride + layout.participationsOffset])
    }

    /// The pending direction buffer of `slot`, creating an entry on the user's first event in this window.
    @inline(__always)
    func pendingEntry(for s: Int32) -> Int {
        let field = Int(s) * intStride + UserLayout.pendingField
        let p = ints[field]
        if p > 0 { return Int(p - 1) }
        let e = pendingCount
        pendingCount += 1
        if e == pendingUsers.count {
            pendingUsers.append(keys[Int(s)])
            pendingSlots.append(s)
            pendingEvents.append(0)
            pendingDirections.append(0, count: metaWidth)
            pendingFeatures.append(-1, count: featureSlots)
        } else {
            pendingUsers[e] = keys[Int(s)]
            pendingSlots[e] = s
            pendingEvents[e] = 0
            for k in 0..<metaWidth { pendingDirections[e * metaWidth + k] = 0 }
        }
        for k in 0..<featureSlots {
            pendingFeatures[e * featureSlots + k] = ints[Int(s) * intStride + UserLayout.featureBase + k]
        }
        ints[field] = Int32(e + 1)
        return e
    }

    /// The direction of pending entry `e` (``pendingEntry(for:)``): `metaWidth` floats, valid until the next new
    /// entry.
    @inline(__always)
    func pendingDirection(_ e: Int) -> UnsafeMutablePointer<Float> { pendingDirections.base + e * metaWidth }

    /// Takes every pending contribution (each user's mean direction over its events since the last drain).
    public func drainContributions() -> [MetaContribution] {
        var out: [MetaContribution] = []
        out.reserveCapacity(pendingCount)
        for e in 0..<pendingCount {
            let n = Int(pendingEvents[e])
            if n > 0 {
                let scale = 1 / Float(n)
                var direction = [Float](repeating: 0, count: metaWidth)
                for k in 0..<metaWidth { direction[k] = pendingDirections[e * metaWidth + k] * scale }
                var features: [Int32] = []
                for k in 0..<featureSlots where pendingFeatures[e * featureSlots + k] >= 0 {
                    features.append(pendingFeatures[e * featureSlots + k])
                }
                out.append(MetaContribution(user: pendingUsers[e], events: n, direction: direction, features: features))
            }
            let s = pendingSlots[e]
            if s >= 0 { ints[Int(s) * intStride + UserLayout.pendingField] = 0 }
        }
        pendingCount = 0
        detachedPending.removeAll()
        return out
    }

    // MARK: - Serialization

    /// The whole table as bytes (bit-exact: slot layout, free list and pending contributions included).
    public func serialized() -> [UInt8] {
        var w = BinaryWriter()
        w.write(UInt32(0x5753_5454))  // "WSTT"
        w.write(UInt32(1))
        w.write(UInt32(floatStride))
        w.write(UInt32(intStride))
        w.write(UInt32(featureSlots))
        w.write(UInt32(metaWidth))
        w.write(UInt64(keys.count))
        for k in keys { w.write(k) }
        for list in seen { w.write(list) }
        floats.write(to: &w)
        ints.write(to: &w)
        w.write(free)
        w.write(UInt64(pendingCount))
        for e in 0..<pendingCount {
            w.write(pendingUsers[e])
            w.write(pendingSlots[e])
            w.write(pendingEvents[e])
            for k in 0..<metaWidth { w.write(pendingDirections[e * metaWidth + k]) }
            for k in 0..<featureSlots { w.write(pendingFeatures[e * featureSlots + k]) }
        }
        let detached = detachedPending.sorted { $0.key < $1.key }
        w.write(UInt64(detached.count))
        for (user, entry) in detached {
            w.write(user)
            w.write(entry)
        }
        return w.bytes
    }

    /// Replaces this table's content with ``serialized()`` bytes.
    public func restore(from bytes: [UInt8]) throws {
        var r = BinaryReader(bytes)
        guard try r.read(UInt32.self) == 0x5753_5454 else { throw LearningError(.corruptState, "not a user table") }
        guard try r.read(UInt32.self) == 1 else {
            throw LearningError(.incompatibleState, "unknown user table version")
        }
        guard Int(try r.read(UInt32.self)) == floatStride, Int(try r.read(UInt32.self)) == intStride,
            Int(try r.read(UInt32.self)) == featureSlots, Int(try r.read(UInt32.self)) == metaWidth
        else { throw LearningError(.incompatibleState, "user table was written for another model shape") }
        let n = Int(try r.read(UInt64.self))
        guard n <= r.remaining else { throw LearningError(.corruptState, "user table truncated") }
        var newKeys: [String] = []
        newKeys.reserveCapacity(n)
        for _ in 0..<n { newKeys.append(try r.readString()) }
        var newSeen: [[Int32]] = []
        newSeen.reserveCapacity(n)
        for _ in 0..<n { newSeen.append(try r.readInt32s()) }
        try floats.read(from: &r)
        try ints.read(from: &r)
        guard floats.count == n * floatStride, ints.count == n * intStride else {
            throw LearningError(.corruptState, "user table slabs do not match its user count")
        }
        free = try r.readInt32s()
        let pc = Int(try r.read(UInt64.self))
        guard pc <= r.remaining else { throw LearningError(.corruptState, "user table truncated") }
        pendingUsers.removeAll()
        pendingSlots.removeAll()
        pendingEvents.removeAll()
        pendingDirections.removeAll()
        pendingFeatures.removeAll()
        for _ in 0..<pc {
            pendingUsers.append(try r.readString())
            pendingSlots.append(try r.read(Int32.self))
            pendingEvents.append(try r.read(Int32.self))
            for _ in 0..<metaWidth { pendingDirections.append(try r.readFloat()) }
            for _ in 0..<featureSlots { pendingFeatures.append(try r.read(Int32.self)) }
        }
        pendingCount = pc
        let dc = Int(try r.read(UInt64.self))
        guard dc <= r.remaining else { throw LearningError(.corruptState, "user table truncated") }
        detachedPending = [:]
        for _ in 0..<dc {
            let user = try r.readString()
            detachedPending[user] = try r.read(Int32.self)
        }
        guard r.isAtEnd else { throw LearningError(.corruptState, "trailing bytes after user table") }
        keys = newKeys
        seen = newSeen
        activity = [UInt64](repeating: 0, count: newKeys.count)
        index = [:]
        let freeSet = Set(free)
        for (s, k) in keys.enumerated() where !freeSet.contains(Int32(s)) {
            index[k] = Int32(s)
        }
    }
}
