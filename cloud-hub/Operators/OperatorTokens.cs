using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace EdgeMlops.CloudHub.Operators;

/// <summary>
/// API tokens: 32 random bytes as base64url behind a recognisable prefix (so a leaked one is easy to spot in a log or a
/// repository), stored only as their SHA-256.
/// </summary>
/// <remarks>
/// A slow, salted hash (PBKDF2, bcrypt) protects passwords people choose, which are few enough to guess offline. A
/// token here carries 256 random bits: nobody can search that space whatever the hash costs, so one SHA-256 is as safe
/// and lets every request find its operator by an indexed lookup instead of paying a deliberately slow hash.
/// </remarks>
public static class OperatorTokens
{
    public const string Prefix = "emo_";
    private const int Bytes = 32;

    /// <summary>A new token, to be shown once.</summary>
    public static string Create()
    {
        Span<byte> random = stackalloc byte[Bytes];
        RandomNumberGenerator.Fill(random);
        return Prefix + Base64Url.EncodeToString(random);
    }

    /// <summary>What the database keeps of <paramref name="token"/>: its SHA-256 as lowercase hex.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
