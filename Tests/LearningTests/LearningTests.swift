import Clickstream
import Foundation
import Testing

@testable import Learning

/// A small deterministic stream with side features and several kinds (the synthetic generator's taste clusters).
func syntheticEvents(users: Int = 120, items: Int = 80, events: Int = 2500, seed: UInt64 = 7) -> [InteractionEvent] {
    var c = SyntheticClickstream.Configuration()
    c.users = users
    c.items = items
    c.events = events
    c.clusters = 4
    c.seed = seed
    return Array(SyntheticClickstream(c))
}

func configuration(_ objective: LearningConfiguration.Objective, interval: Int = 100) -> LearningConfiguration {
    var c = LearningConfiguration()
    c.objective = objective
    c.meta.interval = interval
    if objective == .ranking {
        c.ranking.factors = 8
    } else {
        c.rating.minimum = 1
        c.rating.maximum = 5
    }
    return c
}

/// Rating-objective copy of a stream: every event gets a rating (the synthetic ratings where present).
func rated(_ events: [InteractionEvent]) -> [InteractionEvent] {
    events.enumerated().map { i, e in
        var e = e
        if e.value == nil { e.value = Double(1 + (i * 7 + e.item.utf8.count) % 5) }
        return e
    }
}

/// Expects `validate()` to refuse `c` with an error naming `key`.
func expectRefused(_ c: LearningConfiguration, key: String, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        try c.validate()
        Issue.record("\(key): invalid value accepted", sourceLocation: sourceLocation)
    } catch let error as LearningError {
        #expect(error.key == key, sourceLocation: sourceLocation)
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
}

/// Replays events through a model/table pair, returning the prequential outputs (ranks or predictions).
func drive(
    _ model: Recommender, _ table: UserTable, _ events: ArraySlice<InteractionEvent>, interval: Int,
    counter: inout Int
) throws -> [Double] {
    var out: [Double] = []
    for event in events {
        let e = try model.encode(event, users: table)
        if model.configuration.objective == .ranking {
            out.append(Double(model.learn(e, users: table) ?? -1))
        } else {
            out.append(model.predictRating(e, users: table))
            model.learn(e, users: table)
        }
        counter += 1
        if counter % interval == 0 { model.metaUpdate(table.drainContributions()) }
    }
    return out
}

// MARK: - Gradients

@Suite struct GradientTests {
    /// Central finite difference of `f` at `x[i]`.
    func numeric(_ x: inout [Float], _ i: Int, _ f: ([Float]) -> Float) -> Float {
        let h: Float = 1e-2
        let saved = x[i]
        x[i] = saved + h
        let up = f(x)
        x[i] = saved - h
        let down = f(x)
        x[i] = saved
        return (up - down) / (2 * h)
    }

    func close(_ a: Float, _ b: Float) -> Bool { abs(a - b) <= 2e-3 + 2e-2 * max(abs(a), abs(b)) }

    @Test func bprGradientMatchesFiniteDifferences() {
        var g = SplitMix64(seed: 3)
        let d = 6
        // Layout: p, q⁺, q⁻, b⁺, b⁻.
        var x = (0..<(3 * d + 2)).map { _ in g.nextGaussian() * 0.5 }
        let weight: Float = 1.5
        func loss(_ v: [Float]) -> Float {
            v.withUnsafeBufferPointer { b in
                Kernels.bprLoss(
                    p: b.baseAddress!, qPositive: b.baseAddress! + d, qNegative: b.baseAddress! + 2 * d,
                    bPositive: v[3 * d], bNegative: v[3 * d + 1], factors: d, weight: weight)
            }
        }
        let coefficient = x.withUnsafeBufferPointer { b in
            Kernels.bprCoefficient(
                p: b.baseAddress!, qPositive: b.baseAddress! + d, qNegative: b.baseAddress! + 2 * d,
                bPositive: x[3 * d], bNegative: x[3 * d + 1], factors: d, weight: weight)
        }
        // Analytic gradient from the coefficient, exactly as the model applies it.
        var analytic = [Float](repeating: 0, count: x.count)
        for k in 0..<d {
            analytic[k] = -coefficient * (x[d + k] - x[2 * d + k])
            analytic[d + k] = -coefficient * x[k]
            analytic[2 * d + k] = coefficient * x[k]
        }
        analytic[3 * d] = -coefficient
        analytic[3 * d + 1] = coefficient
        for i in 0..<x.count {
            let n = numeric(&x, i, loss)
            #expect(close(n, analytic[i]), "coordinate \(i): numeric \(n) analytic \(analytic[i])")
        }
    }

    @Test func catalogueSoftmaxGradientMatchesFiniteDifferences() {
        var g = SplitMix64(seed: 5)
        let n = 12
        let raws = (0..<4).map { _ in (0..<n).map { _ in g.nextGaussian() } }
        let m: [Float] = [0.7, 1.3, 0.9, 1.1]
        var included = [Float](repeating: 1, count: n)
        included[2] = 0
        included[7] = 0
        let target = 4
        var w: [Float] = [0.5, -0.3, 1.2, 0.8]
        var work = [Float](repeating: 0, count: n)
        func loss(_ w: [Float], gradient: inout [Float]) -> Float {
            Kernels.catalogueSoftmax(
                weights: w, multipliers: m, raw0: raws[0], raw1: raws[1], raw2: raws[2], raw3: raws[3], count: n,
                target: target, included: included, scratch: &work, gradient: &gradient)
        }
        var analytic = [Float](repeating: 0, count: 4)
        _ = loss(w, gradient: &analytic)
        for i in 0..<4 {
            var scratch = [Float](repeating: 0, count: 4)
            let num = numeric(&w, i) { loss($0, gradient: &scratch) }
            #expect(close(num, analytic[i]), "weight \(i): numeric \(num) analytic \(analytic[i])")
        }
        // The excluded items really are left out: excluding nothing changes the loss.
        var all = [Float](repeating: 1, count: n)
        var scratch = [Float](repeating: 0, count: 4)
        let full = Kernels.catalogueSoftmax(
            weights: w, multipliers: m, raw0: raws[0], raw1: raws[1], raw2: raws[2], raw3: raws[3], count: n,
            target: target, included: &all, scratch: &work, gradient: &scratch)
        #expect(full > loss(w, gradient: &scratch))
    }

    @Test func ratingWindowGradientMatchesFiniteDifferences() {
        var g = SplitMix64(seed: 9)
        let d = 5
        let count = 7
        let vectors = (0..<(count * d)).map { _ in g.nextGaussian() * 0.4 }
        let base = (0..<count).map { _ in 0.5 + g.nextGaussian() * 0.1 }
        let targets = (0..<count).map { _ in g.nextUnitFloat() }
        // Layout: user bias, then p.
        var x = (0...d).map { _ in g.nextGaussian() * 0.3 }
        func loss(_ v: [Float], _ gradient: inout [Float]) -> Float {
            v.withUnsafeBufferPointer { b in
                Kernels.ratingWindowLoss(
                    userBias: v[0], p: b.baseAddress! + 1, base: base, vectors: vectors, targets: targets, count: count,
                    factors: d, shrinkage: 4, regularization: 0.05, gradient: &gradient)
            }
        }
        var analytic = [Float](repeating: 0, count: d + 1)
        _ = loss(x, &analytic)
        for i in 0...d {
            var scratch = [Float](repeating: 0, count: d + 1)
            let num = numeric(&x, i) { loss($0, &scratch) }
            #expect(close(num, analytic[i]), "coordinate \(i): numeric \(num) analytic \(analytic[i])")
        }
    }

    @Test(arguments: ["ties", "signed", "tiny"])
    func selectionFindsTheKthLargest(values kind: String) {
        var g = SplitMix64(seed: 11)
        for n in [1, 2, 7, 100, 1001, 1682] {
            let values: [Float] = (0..<n).map { _ in
                switch kind {
                case "ties": Float(g.next(below: 50))
                // Both signs, zeros of both signs, magnitudes over many binades.
                case "signed": Float(Int(g.next(below: 2001)) - 1000) * Float.pow(2, Float(Int(g.next(below: 41)) - 20))
                default:
                    Float(Int(g.next(below: 5)) - 2) * Float.leastNonzeroMagnitude + (g.next(below: 3) == 0 ? -0.0 : 0)
                }
            }
            let sorted = values.sorted(by: >)
            for k in Set([1, n / 2 + 1, n]) {
                var copy = values
                let kth = copy.withUnsafeMutableBufferPointer {
                    Selection.kthLargest($0.baseAddress!, count: n, k: k)
                }
                #expect(kth == sorted[k - 1], "n \(n) k \(k)")
            }
        }
    }

    @Test func fastExpIsAccurate() {
        for x: Float in [-80, -20, -3.3, -1, -0.01, 0, 0.5, 2, 10] {
            #expect(abs(Kernels.fastExp(x) - Float.exp(x)) <= 2e-5 * Float.exp(x) + 1e-37)
        }
        #expect(Kernels.fastExp(-1000) >= 0 && Kernels.fastExp(-1000) < 1e-37)
    }

    @Test func fastLogIsAccurate() {
        for x: Float in [1e-6, 0.001, 0.3, 1, 2.5, 1000, 123_456] {
            #expect(abs(Kernels.fastLog(x) - Float.log(x)) < 1e-4 * max(1, abs(Float.log(x))))
        }
    }
}

// MARK: - Model behaviour

@Suite struct ModelTests {
    @Test(arguments: LearningConfiguration.Objective.allCases)
    func sameSeedSameState(objective: LearningConfiguration.Objective) throws {
        let events = objective == .rating ? rated(syntheticEvents()) : syntheticEvents()
        var states: [[UInt8]] = []
        var outputs: [[Double]] = []
        for _ in 0..<2 {
            let model = try Recommender(configuration: configuration(objective))
            let table = model.makeUserTable()
            var counter = 0
            outputs.append(try drive(model, table, events[...], interval: 100, counter: &counter))
            states.append(try model.serialized() + table.serialized())
        }
        #expect(outputs[0] == outputs[1])
        #expect(states[0] == states[1])
        // A different seed gives a different model.
        var other = configuration(objective)
        other.seed = 43
        let model = try Recommender(configuration: other)
        let table = model.makeUserTable()
        var counter = 0
        _ = try drive(model, table, events[...], interval: 100, counter: &counter)
        #expect(try model.serialized() + table.serialized() != states[0])
    }

    @Test(arguments: LearningConfiguration.Objective.allCases)
    func serializeMidStreamContinuesBitExactly(objective: LearningConfiguration.Objective) throws {
        let events = objective == .rating ? rated(syntheticEvents()) : syntheticEvents()
        let split = 1234  // not a multiple of the meta interval: pending contributions are mid-window
        let model = try Recommender(configuration: configuration(objective))
        let table = model.makeUserTable()
        var counter = 0
        _ = try drive(model, table, events[..<split], interval: 100, counter: &counter)
        let modelBytes = try model.serialized()
        let tableBytes = table.serialized()

        let restored = try Recommender(restoring: modelBytes)
        let restoredTable = restored.makeUserTable()
        try restoredTable.restore(from: tableBytes)
        #expect(try restored.serialized() == modelBytes)
        #expect(restoredTable.serialized() == tableBytes)

        var counterA = counter
        var counterB = counter
        let a = try drive(model, table, events[split...], interval: 100, counter: &counterA)
        let b = try drive(restored, restoredTable, events[split...], interval: 100, counter: &counterB)
        #expect(a == b)
        #expect(try model.serialized() == restored.serialized())
        #expect(table.serialized() == restoredTable.serialized())
    }

    @Test func corruptStateIsRejected() throws {
        let model = try Recommender(configuration: configuration(.ranking))
        let table = model.makeUserTable()
        var counter = 0
        _ = try drive(model, table, syntheticEvents()[..<300], interval: 100, counter: &counter)
        let bytes = try model.serialized()
        #expect(throws: LearningError.self) { _ = try Recommender(restoring: Array(bytes.prefix(bytes.count / 2))) }
        #expect(throws: LearningError.self) { _ = try Recommender(restoring: bytes + [0]) }
        var wrongMagic = bytes
        wrongMagic[0] ^= 0xFF
        #expect(throws: LearningError.self) { _ = try Recommender(restoring: wrongMagic) }
        let tableBytes = table.serialized()
        #expect(throws: LearningError.self) { try model.makeUserTable().restore(from: Array(tableBytes.dropLast(3))) }
    }

    @Test(arguments: LearningConfiguration.Objective.allCases)
    func evictAndReloadIsBitExact(objective: LearningConfiguration.Objective) throws {
        let events = objective == .rating ? rated(syntheticEvents()) : syntheticEvents()
        let twins = try (0..<2).map { _ in try Recommender(configuration: configuration(objective)) }
        let tables = twins.map { $0.makeUserTable() }
        var counters = [0, 0]
        var outputs: [[Double]] = [[], []]
        for (i, event) in events.enumerated() {
            // Twin 1 evicts the user after every event and reloads before the next one.
            if let bytes = tables[1].evict(event.user) { try tables[1].importUser(event.user, bytes: bytes) }
            for t in 0..<2 {
                outputs[t] += try drive(twins[t], tables[t], events[i...i], interval: 100, counter: &counters[t])
            }
            if i % 97 == 0, let bytes = tables[1].evict(event.user) {
                // Round-trip through bytes while evicted; nothing is lost.
                try tables[1].importUser(event.user, bytes: bytes)
            }
        }
        #expect(outputs[0] == outputs[1])
        #expect(try twins[0].serialized() == twins[1].serialized())
        for user in tables[0].users {
            #expect(tables[0].exportUser(user) == tables[1].exportUser(user))
        }
    }

    /// The memory cap's building blocks: users are evicted in order of their activity stamps (ties: as many as
    /// allowed), eviction reports whether each user changed since the last drain, and a reload marked changed is
    /// reported by the next drain; a cap-driven twin ends bit-identical to one that holds everyone.
    @Test func leastActiveUsersAreEvictedWithTheirChangeState() throws {
        let events = syntheticEvents()
        let twins = try (0..<2).map { _ in try Recommender(configuration: configuration(.ranking)) }
        let tables = twins.map { $0.makeUserTable() }
        var counters = [0, 0]
        var outputs: [[Double]] = [[], []]
        var evicted: [String: (bytes: [UInt8], changed: Bool)] = [:]
        var clock: UInt64 = 0
        var evictions = 0
        var reloadsChanged = 0
        var changedEvictions = 0
        for (i, event) in events.enumerated() {
            if !tables[1].contains(event.user), let entry = evicted.removeValue(forKey: event.user) {
                try tables[1].importUser(event.user, bytes: entry.bytes, changed: entry.changed)
                #expect(tables[1].isChanged(event.user) == entry.changed)
                if entry.changed { reloadsChanged += 1 }
            }
            for t in 0..<2 {
                outputs[t] += try drive(twins[t], tables[t], events[i...i], interval: 100, counter: &counters[t])
            }
            clock += 1
            tables[1].noteActive(event.user, stamp: clock)
            #expect(tables[1].isChanged(event.user))
            if i % 500 == 499 {
                // A checkpoint: changes drained; users evicted after it are unchanged until their next event.
                _ = tables[1].drainChanges()
                for (user, entry) in evicted { evicted[user] = (entry.bytes, false) }
            }
            if tables[1].count > 12 {
                // Evict down to 8: the 5+ least recently active.
                var stamps: [UInt64] = []
                tables[1].appendActivityStamps(to: &stamps)
                #expect(stamps.count == tables[1].count)
                stamps.sort()
                let excess = tables[1].count - 8
                let threshold = stamps[excess - 1]
                var allowance = excess - stamps.firstIndex(of: threshold)!
                let survivorsFloor = stamps[excess]
                let n = tables[1].evictLeastActive(below: threshold, equalAllowance: &allowance) {
                    user, bytes, changed in
                    evicted[user] = (bytes, changed)
                    if changed { changedEvictions += 1 }
                }
                #expect(n == excess)
                #expect(tables[1].count == 8)
                evictions += n
                var remaining: [UInt64] = []
                tables[1].appendActivityStamps(to: &remaining)
                #expect(remaining.min() ?? .max >= survivorsFloor, "only the least active were evicted")
            }
        }
        #expect(evictions > 100)
        #expect(reloadsChanged > 0, "\(changedEvictions) changed evictions")
        #expect(outputs[0] == outputs[1])
        #expect(try twins[0].serialized() == twins[1].serialized())
        for user in tables[0].users {
            let state = tables[1].exportUser(user) ?? evicted[user]?.bytes
            #expect(tables[0].exportUser(user) == state, "user \(user)")
        }
        // A removal recorded again after a failed checkpoint is reported by the next drain.
        let gone = tables[1].users[0]
        #expect(tables[1].remove(gone))
        #expect(tables[1].drainChanges().removed == [gone])
        tables[1].markRemoved(gone)
        #expect(tables[1].drainChanges().removed == [gone])
        #expect(tables[1].drainChanges().removed.isEmpty)
    }

    @Test func removingAUserForgetsThem() throws {
        let model = try Recommender(configuration: configuration(.ranking))
        let table = model.makeUserTable()
        var counter = 0
        let events = syntheticEvents()
        _ = try drive(model, table, events[..<1050], interval: 100, counter: &counter)
        let user = events[1049].user
        #expect(table.contains(user))
        let before = table.count
        let cold = model.topK(user: "nobody", k: 5, users: table).map(\.item)
        #expect(table.remove(user))
        #expect(!table.contains(user))
        #expect(table.count == before - 1)
        #expect(table.eventCount(of: user) == 0)
        #expect(table.exportUser(user) == nil)
        #expect(!table.drainContributions().contains { $0.user == user })
        // A removed user is a stranger again: the cold-start ranking.
        #expect(model.topK(user: user, k: 5, users: table).map(\.item) == cold)
        #expect(!table.remove(user))
        // The freed slot is reused by a new user, who starts from scratch.
        _ = try model.encode(
            InteractionEvent(user: "newcomer", item: events[0].item, kind: "click", timestamp: 0), users: table)
        #expect(table.eventCount(of: "newcomer") == 0)
        #expect(table.count == before)
    }

    @Test func topKAgreesWithScoresAndRank() throws {
        let model = try Recommender(configuration: configuration(.ranking))
        let table = model.makeUserTable()
        var counter = 0
        let events = syntheticEvents()
        _ = try drive(model, table, events[..<2000], interval: 100, counter: &counter)
        for event in events[2000..<2040] {
            // Encode first: a new user's slot (and side features) exists before scoring, as in the daemon.
            let e = try model.encode(event, users: table)
            let top = model.topK(user: event.user, k: 10, users: table)
            let all = (0..<model.itemCount).map { model.itemIdentifier(Int32($0)) }
            let scores = model.score(user: event.user, items: all, users: table)
            let seen = Set(
                table.existingSlot(for: event.user).map { table.seen[Int($0)].map { model.itemIdentifier($0) } } ?? [])
            // Reference ranking: unseen items by score descending, ties by first-seen order.
            let reference = all.indices.filter { !seen.contains(all[$0]) }
                .sorted { scores[$0]! != scores[$1]! ? scores[$0]! > scores[$1]! : $0 < $1 }
                .prefix(10).map { all[$0] }
            #expect(top.map(\.item) == Array(reference))
            for (item, score) in top { #expect(scores[all.firstIndex(of: item)!] == score) }
            // The prequential rank of an item agrees with its position in the top-K.
            if let rank = model.rank(of: e, users: table), !seen.contains(event.item) {
                if rank < 10 {
                    #expect(top[rank].item == event.item)
                } else {
                    #expect(!top.contains { $0.item == event.item })
                }
                #expect(model.learn(e, users: table) == rank)
            } else {
                model.learn(e, users: table)
            }
        }
        #expect(model.topK(user: events[0].user, k: 3, excludingSeen: false, users: table).count == 3)
    }

    /// A user's seen list holds their `seen_limit` most recently interacted items exactly: those are left out of
    /// the top-K and an event on one is a repeat; an older item is forgotten (may be served, is not a repeat), so
    /// the user's state stays bounded however many events they send.
    @Test(arguments: [LearningConfiguration.RankingRetrieval.full, .candidates])
    func seenListKeepsTheMostRecentItemsWithinItsBound(retrieval: LearningConfiguration.RankingRetrieval) throws {
        var c = configuration(.ranking)
        c.ranking.retrieval = retrieval
        c.seenLimit = 3
        let model = try Recommender(configuration: c)
        let table = model.makeUserTable()
        var t: Int64 = 0
        func learn(_ user: String, _ item: String) throws {
            t += 1_000
            try model.learn(InteractionEvent(user: user, item: item, kind: "click", timestamp: t), users: table)
        }
        // Others make every item popular, i4 the most, so a forgotten item would be served.
        for k in 0..<30 { for i in 0..<6 { try learn("o\(k)", "i\(i)") } }
        for k in 30..<60 { try learn("o\(k)", "i4") }
        for item in ["i4", "i1", "i2", "i3"] { try learn("u", item) }
        func isRepeat(_ item: String) throws -> Bool {
            let e = try model.encode(InteractionEvent(user: "u", item: item, kind: "click", timestamp: t), users: table)
            return model.isRepeat(e, users: table)
        }
        // i4 was the oldest of four with a bound of three: forgotten.
        #expect(try !isRepeat("i4"))
        #expect(try isRepeat("i1") && isRepeat("i2") && isRepeat("i3"))
        let top = model.topK(user: "u", k: 6, users: table).map(\.item)
        #expect(!top.contains("i1") && !top.contains("i2") && !top.contains("i3"))
        #expect(top.contains("i4"))
        // A repeat makes its item the most recent again: i1 stays, i2 becomes the oldest and goes next.
        try learn("u", "i1")
        try learn("u", "i5")
        #expect(try isRepeat("i1") && isRepeat("i3") && isRepeat("i5"))
        #expect(try !isRepeat("i2"))
        #expect(table.stateBytes(of: "u") == table.fixedBytesPerUser + 3 * 4)
        // The bound holds through an export and an import, and for a user with many events.
        for i in 0..<500 { try learn("bot", "i\(i % 6)") }
        #expect(table.stateBytes(of: "bot") == table.fixedBytesPerUser + 3 * 4)
        let copy = model.makeUserTable()
        try copy.importUser("u", bytes: try #require(table.exportUser("u")))
        #expect(copy.stateBytes(of: "u") == table.stateBytes(of: "u"))
    }

    @Test func noMetaFreezesTheta() throws {
        // Real contributions, recorded by a model with meta-learning on.
        var on = configuration(.ranking)
        on.meta.enabled = true
        let learner = try Recommender(configuration: on)
        let learnerTable = learner.makeUserTable()
        for event in syntheticEvents()[..<400] { try learner.learn(event, users: learnerTable) }
        let contributions = learnerTable.drainContributions()
        #expect(!contributions.isEmpty)
        #expect(contributions.contains { $0.direction.contains { $0 != 0 } })

        // The same contributions leave a meta-disabled model's θ exactly where it was…
        var off = on
        off.meta.enabled = false
        let frozen = try Recommender(configuration: off)
        let frozenTable = frozen.makeUserTable()
        for event in syntheticEvents()[..<400] { try frozen.learn(event, users: frozenTable) }
        // …which records no contributions of its own while learning…
        #expect(frozenTable.drainContributions().isEmpty)
        let frozenBefore = frozen.metaParameters
        frozen.metaUpdate(contributions)
        #expect(frozen.metaParameters == frozenBefore)
        #expect(frozen.metaUpdates == 0)

        // …while the meta-enabled model moves θ with them.
        let before = learner.metaParameters
        learner.metaUpdate(contributions)
        #expect(learner.metaParameters != before)
        #expect(learner.metaUpdates == 1)
    }

    @Test func metaUpdateWithPrivacyMovesThetaByAtMostTheClipNorm() throws {
        var c = configuration(.rating)
        c.meta.learningRate = 1
        c.meta.vectorLearningRate = 1
        c.features.userFeatures = false
        let model = try Recommender(configuration: c)
        model.metaPrivacy = MetaPrivacy(clipNorm: 1e-3, noiseMultiplier: 0, denominator: 1, noise: CountingNoise())
        let table = model.makeUserTable()
        for event in rated(syntheticEvents())[..<200] { try model.learn(event, users: table) }
        let contributions = table.drainContributions()
        #expect(!contributions.isEmpty)
        #expect(Set(contributions.map(\.user)).count == contributions.count)
        #expect(contributions.allSatisfy { $0.direction.count == model.metaWidth && $0.events > 0 })
        #expect(table.drainContributions().isEmpty)
        let before = model.metaParameters
        model.metaPrivacy?.denominator = Double(contributions.count)
        model.metaUpdate(contributions)
        let after = model.metaParameters
        // θ moved, but by at most the clip bound (the mean of clipped directions; Adam only on the bias entry).
        #expect(after != before)
        for k in 1..<after.count { #expect(abs(after[k] - before[k]) <= 1e-3 + 1e-7) }
    }

    @Test func catalogueGrowsOnline() throws {
        let model = try Recommender(configuration: configuration(.ranking))
        let table = model.makeUserTable()
        for i in 0..<3000 {
            let e = InteractionEvent(user: "u\(i % 50)", item: "item\(i)", kind: "view", timestamp: Int64(i))
            try model.learn(e, users: table)
        }
        #expect(model.itemCount == 3000)
        #expect(model.topK(user: "u1", k: 10, users: table).count == 10)
        #expect(model.catalogueIndex(of: "item2999") == 2999)
    }

    @Test func ratingPredictionsStayInRange() throws {
        var c = configuration(.rating)
        c.rating.minimum = 0
        c.rating.maximum = 10
        let model = try Recommender(configuration: c)
        let table = model.makeUserTable()
        for event in rated(syntheticEvents())[..<500] {
            var event = event
            event.value = (event.value ?? 3) * 2
            let e = try model.encode(event, users: table)
            let p = model.predictRating(e, users: table)
            #expect(p >= 0 && p <= 10)
            model.learn(e, users: table)
        }
        let missing = InteractionEvent(user: "u1", item: "i1", kind: "rating", value: nil, timestamp: 0)
        #expect(throws: LearningError.self) { try model.learn(missing, users: table) }
    }
}

// MARK: - Configuration and evaluation

@Suite struct ConfigurationTests {
    @Test func overridesByDottedKey() throws {
        var c = LearningConfiguration()
        try c.apply(overrides: [
            ("ranking.factors", "48"), ("meta.enabled", "false"), ("objective", "rating"),
            ("ranking.initial_blend", "1,2,3,4"), ("kind_weights.share", "3"),
        ])
        #expect(c.ranking.factors == 48)
        #expect(c.meta.enabled == false)
        #expect(c.objective == .rating)
        #expect(c.ranking.initialBlend == [1, 2, 3, 4])
        #expect(c.kindWeights["share"] == 3)
        // `ranking.kind_weights.*` is the same key, on the command line and in a file.
        try c.apply(overrides: [("ranking.kind_weights.favorite", "0.75")])
        #expect(c.kindWeights["favorite"] == 0.75)
        try c.merge(json: Data(#"{"ranking": {"kind_weights": {"like": 2}, "factors": 12}}"#.utf8))
        #expect(c.kindWeights["like"] == 2 && c.kindWeights["share"] == 3 && c.ranking.factors == 12)
        #expect(throws: LearningError.self) {
            try c.merge(json: Data(#"{"kind_weights": {"a": 1}, "ranking": {"kind_weights": {"b": 1}}}"#.utf8))
        }
    }

    @Test func errorsNameTheKey() throws {
        var c = LearningConfiguration()
        do {
            try c.apply(overrides: [("ranking.factorz", "4")])
            Issue.record("unknown key accepted")
        } catch let error as LearningError {
            #expect(error.code == .unknownConfigurationKey)
            #expect(error.key == "ranking.factorz")
        }
        do {
            try c.apply(overrides: [("meta.interval", "often")])
            Issue.record("bad number accepted")
        } catch let error as LearningError {
            #expect(error.key == "meta.interval")
        }
        c.ranking.factors = 0
        expectRefused(c, key: "ranking.factors")
    }

    @Test func configFileMergesOverDefaults() throws {
        var c = LearningConfiguration()
        try c.merge(json: Data(#"{"rating": {"window": 9}, "seed": 5}"#.utf8))
        #expect(c.rating.window == 9)
        #expect(c.seed == 5)
        #expect(c.ranking == LearningConfiguration().ranking)
        #expect(throws: LearningError.self) { try c.merge(json: Data(#"{"rating": {"windows": 9}}"#.utf8)) }
    }

    @Test func evaluatorBuckets() {
        var e = PrequentialEvaluator(k: 10)
        e.recordRank(0, userEventNumber: 1)
        e.recordRank(12, userEventNumber: 5)
        e.recordRank(nil, userEventNumber: 6)
        e.recordRank(3, userEventNumber: 21)
        #expect(e.overall.events == 4)
        #expect(e.overall.hits == 2)
        #expect(e.tally(.first5).hitRate == 0.5)
        #expect(e.tally(.upTo20).hitRate == 0)
        #expect(abs(e.tally(.over20).ndcg - 1 / Double.log2(5)) < 1e-12)
        var r = PrequentialEvaluator()
        r.recordRating(predicted: 3, actual: 5, userEventNumber: 2)
        r.recordRating(predicted: 4, actual: 4, userEventNumber: 30)
        #expect(abs(r.overall.rmse - 2.0.squareRoot()) < 1e-12)
        #expect(r.tally(.first5).mae == 2)
    }

    @Test func evaluatorCountsRepeatsWithoutScoringThem() {
        var e = PrequentialEvaluator(k: 10)
        e.recordRank(0, userEventNumber: 1)
        e.recordRank(0, userEventNumber: 2, isRepeat: true)
        e.recordRank(40, userEventNumber: 3)
        e.recordRank(nil, userEventNumber: 7, isRepeat: true)
        #expect(e.overall.events == 4)
        #expect(e.overall.scored == 2)
        #expect(e.overall.repeats == 2)
        #expect(e.overall.hitRate == 0.5)
        #expect(e.tally(.first5).events == 3 && e.tally(.first5).scored == 2 && e.tally(.first5).repeats == 1)
        #expect(e.tally(.upTo20).scored == 0 && e.tally(.upTo20).repeats == 1)
        #expect(e.tally(.upTo20).hitRate.isNaN)
    }

    /// The replay scores an event only where a served list could show its item: with seen items excluded, every
    /// event on an item the user had interacted with is a repeat (counted from the stream itself here), and the
    /// buckets still count all of the user's events; with `exclude_seen` off, every event is scored.
    @Test(arguments: [LearningConfiguration.RankingRetrieval.full, .candidates])
    func replayScoresOnlyWhatCouldBeServed(retrieval: LearningConfiguration.RankingRetrieval) throws {
        let events = Replay.timeOrdered(syntheticEvents(users: 60, items: 40, events: 2000, seed: 11))
        var seen: [String: Set<String>] = [:]
        var eventCounts: [String: Int] = [:]
        var repeatsByBucket = [0, 0, 0]
        var eventsByBucket = [0, 0, 0]
        for e in events {
            var history = seen[e.user, default: []]
            let count = eventCounts[e.user, default: 0] + 1
            eventCounts[e.user] = count
            let b = ColdStartBucket(userEventNumber: count).rawValue
            eventsByBucket[b] += 1
            if history.contains(e.item) { repeatsByBucket[b] += 1 }
            history.insert(e.item)
            seen[e.user] = history
        }
        #expect(repeatsByBucket.reduce(0, +) > 100, "the stream has repeats")
        var c = configuration(.ranking)
        c.ranking.retrieval = retrieval
        var models: [[UInt8]] = []
        let served = try Replay(configuration: c).run(events) { model, _ in models.append(try! model.serialized()) }
        let all = try Replay(configuration: c, excludeSeen: false).run(events) { model, _ in
            models.append(try! model.serialized())
        }
        for b in ColdStartBucket.allCases {
            let t = served.evaluator.tally(b)
            #expect(t.events == eventsByBucket[b.rawValue])
            #expect(t.repeats == repeatsByBucket[b.rawValue])
            #expect(t.scored == t.events - t.repeats)
            #expect(all.evaluator.tally(b).scored == eventsByBucket[b.rawValue])
            #expect(all.evaluator.tally(b).repeats == 0)
            if let s = served.served {
                #expect(s.tally(b).repeats == repeatsByBucket[b.rawValue])
            }
        }
        #expect((served.served != nil) == (retrieval == .candidates))
        // Learning is the same under both policies: only what is scored differs.
        #expect(models.count == 2 && models[0] == models[1])
    }
}
