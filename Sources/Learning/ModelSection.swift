/// The sections of a model state (format 5, ``Recommender/serialize(into:)``): each component writes and reads its
/// own, after a tag that catches a misaligned or foreign section at once.
enum ModelSection: UInt32 {
    case catalogue = 0x4C54_4143  // "CATL"
    case meta = 0x4154_454D  // "META"
    case factorisation = 0x5443_4146  // "FACT"
    case popularity = 0x5550_4F50  // "POPU"
    case neighbours = 0x5352_424E  // "NBRS"
    case itemOffsets = 0x5346_464F  // "OFFS"
    case blend = 0x444E_4C42  // "BLND"
    case ratings = 0x4554_4152  // "RATE"

    func write(to w: inout BinaryWriter) { w.write(rawValue) }

    /// Reads the next tag and checks it is this section's.
    func expect(in r: inout BinaryReader) throws {
        let tag = try r.read(UInt32.self)
        guard tag == rawValue else {
            throw LearningError(.corruptState, "model state section \(self) expected, found tag \(tag)")
        }
    }
}
