import Crypto
import Foundation
import Learning

/// The private meta-update's noise: standard normal draws from a secret key, the same for the same round.
///
/// Round `r`'s draws come from the ChaCha20 keystream under a key derived from the secret (HKDF-SHA256, info
/// `warmstart.dp.noise`, so the secret can serve other purposes too) with `r` as the nonce — the ciphertext of
/// zeros under ChaChaPoly, its tag dropped — turned into normals by the Box–Muller transform on 53-bit uniforms.
/// Without the secret the noise cannot be predicted or subtracted from a released θ (unlike draws seeded from
/// `learning.seed`); with it a round replayed after a crash draws the same noise and releases the same θ.
///
/// Floating-point Gaussian sampling is not exactly the continuous distribution the accountant assumes (Mironov
/// 2012 shows attacks on naive floating-point Laplace noise); the draws are computed in `Double` and rounded to
/// `Float`, which the README's privacy section states as a limitation.
public struct KeyedGaussianNoise: GaussianNoiseSource {
    /// The derived key's bytes (`SymmetricKey` is not `Sendable`).
    private let keyBytes: [UInt8]

    /// - Parameter secret: At least 32 bytes from the operator's key file.
    public init(secret: some ContiguousBytes) {
        let key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: secret), info: Data("warmstart.dp.noise".utf8), outputByteCount: 32)
        keyBytes = key.withUnsafeBytes { Array($0) }
    }

    public func fill(_ values: inout [Float], round: UInt64) {
        guard !values.isEmpty else { return }
        let pairs = (values.count + 1) / 2
        var nonceBytes = [UInt8](repeating: 0, count: 12)
        withUnsafeBytes(of: round.bigEndian) { for (i, b) in $0.enumerated() { nonceBytes[4 + i] = b } }
        // A nonce of 12 bytes always makes a valid ChaChaPoly nonce, and sealing in memory cannot fail otherwise.
        let nonce = try! ChaChaPoly.Nonce(data: nonceBytes)
        let sealed = try! ChaChaPoly.seal(Data(count: pairs * 16), using: SymmetricKey(data: keyBytes), nonce: nonce)
        sealed.ciphertext.withUnsafeBytes { raw in
            for p in 0..<pairs {
                let x = raw.loadUnaligned(fromByteOffset: p * 16, as: UInt64.self)
                let y = raw.loadUnaligned(fromByteOffset: p * 16 + 8, as: UInt64.self)
                let u1 = (Double(x >> 11) + 1) * 0x1p-53  // (0, 1]: the logarithm is finite
                let u2 = Double(y >> 11) * 0x1p-53
                let radius = (-2 * Foundation.log(u1)).squareRoot()
                let angle = 2 * Double.pi * u2
                values[2 * p] = Float(radius * Foundation.cos(angle))
                if 2 * p + 1 < values.count { values[2 * p + 1] = Float(radius * Foundation.sin(angle)) }
            }
        }
    }
}
