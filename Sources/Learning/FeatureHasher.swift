/// Hashes an entity's categorical side features (`name → values`) into at most `slots` rows of `buckets`
/// embedding rows, with FNV-1a (stable across processes, unlike `Hasher`): names in sorted order, each value
/// hashed under its name and a salt that keeps users' and items' rows apart. Unused slots hold `-1`.
struct FeatureHasher {
    static let userSalt: UInt64 = 0x55
    static let itemSalt: UInt64 = 0x49

    let slots: Int
    let buckets: Int

    func write(_ features: [String: [String]], into out: UnsafeMutablePointer<Int32>, salt: UInt64) {
        guard slots > 0 else { return }
        var n = 0
        for name in features.keys.sorted() {
            for value in features[name]! where n < slots {
                let h = fnv1a(value, seed: fnv1a(name, seed: 0xCBF2_9CE4_8422_2325 ^ salt))
                out[n] = Int32(truncatingIfNeeded: h % UInt64(buckets))
                n += 1
            }
        }
        while n < slots {
            out[n] = -1
            n += 1
        }
    }
}
