using System.Buffers.Text;
using System.Security.Cryptography;

namespace EdgeMlops.CloudHub.Devices;

/// <summary>Device secrets: 32 random bytes as base64url, so they survive command lines, config files and URLs unquoted.</summary>
public static class DeviceSecrets
{
    /// <summary>256 bits: guessing is hopeless, which is why the hash needs no more than Mosquitto's 101 iterations.</summary>
    public const int Bytes = 32;

    /// <summary>A new secret.</summary>
    public static string Create()
    {
        Span<byte> secret = stackalloc byte[Bytes];
        RandomNumberGenerator.Fill(secret);
        return Base64Url.EncodeToString(secret);
    }
}
