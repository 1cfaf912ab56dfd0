using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace EdgeMlops.CloudHub.Devices;

/// <summary>
/// Password hashes in the format of Mosquitto 2.0's password file: <c>$7$&lt;iterations&gt;$&lt;base64 salt&gt;$&lt;base64 hash&gt;</c>,
/// PBKDF2-HMAC-SHA512 over the password's UTF-8 bytes with the decoded salt, as <c>mosquitto_passwd</c> writes it
/// (src/password_mosq.c: 12-byte salt, 64-byte hash, 101 iterations, standard base64 with padding). The older
/// <c>$6$</c> form (one SHA-512 of password then salt) is read too, so a Mosquitto 1.x file still verifies.
/// </summary>
public static class MosquittoPasswordHash
{
    /// <summary>What <c>mosquitto_passwd</c> 2.0 uses; more would slow every device connect for nothing, since secrets are random.</summary>
    public const int DefaultIterations = 101;

    /// <summary>Mosquitto reads only 12-byte salts.</summary>
    public const int SaltBytes = 12;

    /// <summary>A SHA-512 output.</summary>
    public const int HashBytes = 64;

    // Guards against a hash that would make one verification run for minutes.
    private const int MaxIterations = 10_000_000;

    /// <summary>Hashes <paramref name="password"/> with a fresh random salt.</summary>
    public static string Create(string password, int iterations = DefaultIterations)
    {
        Span<byte> salt = stackalloc byte[SaltBytes];
        RandomNumberGenerator.Fill(salt);
        return Create(password, salt, iterations);
    }

    /// <summary>Hashes <paramref name="password"/> with <paramref name="salt"/> (12 bytes).</summary>
    public static string Create(string password, ReadOnlySpan<byte> salt, int iterations = DefaultIterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (salt.Length != SaltBytes)
            throw new ArgumentException($"Mosquitto reads only {SaltBytes}-byte salts", nameof(salt));
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(iterations, MaxIterations);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA512, HashBytes);
        return $"$7${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    /// <summary>Whether <paramref name="password"/> matches <paramref name="encoded"/>; false for a hash it cannot read. Compares in constant time.</summary>
    public static bool Verify(string password, string encoded)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (!TryParse(encoded, out var iterations, out var salt, out var expected))
            return false;
        var passwordBytes = Encoding.UTF8.GetBytes(password);
        var actual = iterations == 0
            ? Sha512(passwordBytes, salt)
            : Rfc2898DeriveBytes.Pbkdf2(passwordBytes, salt, iterations, HashAlgorithmName.SHA512, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>Reads a <c>$7$</c> hash (or a <c>$6$</c> one, reported with 0 iterations).</summary>
    public static bool TryParse(string? encoded, out int iterations, [NotNullWhen(true)] out byte[]? salt, [NotNullWhen(true)] out byte[]? hash)
    {
        iterations = 0;
        salt = hash = null;
        if (encoded is null)
            return false;
        var parts = encoded.Split('$');
        // "$7$101$salt$hash" splits into "", "7", "101", "salt", "hash"; "$6$salt$hash" into "", "6", "salt", "hash".
        var (saltText, hashText) = parts switch
        {
            ["", "7", var count, var s, var h] when int.TryParse(count, System.Globalization.NumberStyles.None, null, out iterations)
                && iterations is >= 1 and <= MaxIterations => (s, h),
            ["", "6", var s, var h] => (s, h),
            _ => (null, null),
        };
        if (saltText is null || hashText is null || !TryDecode(saltText, out salt) || !TryDecode(hashText, out hash)
            || salt.Length != SaltBytes || hash.Length != HashBytes)
        {
            iterations = 0;
            salt = hash = null;
            return false;
        }
        if (parts[1] == "6")
            iterations = 0;
        return true;
    }

    private static byte[] Sha512(byte[] password, byte[] salt)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        sha.AppendData(password);
        sha.AppendData(salt);
        return sha.GetHashAndReset();
    }

    private static bool TryDecode(string base64, [NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = new byte[(base64.Length * 3 + 3) / 4];
        if (Convert.TryFromBase64String(base64, bytes, out var written))
        {
            bytes = bytes[..written];
            return true;
        }
        bytes = null;
        return false;
    }
}
