using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EdgeMlops.CloudHub.Notifications;

/// <summary>
/// The <c>X-EdgeMlops-Signature</c> header of a webhook POST: <c>sha256=&lt;hex HMAC-SHA256 of "&lt;timestamp&gt;." + body&gt;</c>
/// keyed with <c>Hub:Notifications:WebhookSecret</c>, where the timestamp is the <c>X-EdgeMlops-Timestamp</c> header (Unix
/// seconds when the attempt was sent; Stripe's scheme). The receiver knows the hub sent it, and by refusing timestamps
/// outside a tolerance it refuses a captured POST replayed later.
/// </summary>
public static class WebhookSignature
{
    public const string Header = "X-EdgeMlops-Signature";
    public const string TimestampHeader = "X-EdgeMlops-Timestamp";
    private const string Prefix = "sha256=";

    public static string Compute(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(Encoding.ASCII.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + "."));
        hmac.AppendData(body);
        return Prefix + Convert.ToHexStringLower(hmac.GetHashAndReset());
    }

    /// <summary>
    /// Whether <paramref name="header"/> is the signature of <paramref name="body"/> sent at <paramref name="timestamp"/>
    /// (compared in constant time), and that timestamp is within <paramref name="tolerance"/> of <paramref name="now"/>.
    /// </summary>
    public static bool Verify(string secret, string? timestamp, ReadOnlySpan<byte> body, string? header, DateTimeOffset now, TimeSpan tolerance) =>
        header is not null
        && long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
        && Math.Abs(now.ToUnixTimeSeconds() - seconds) <= (long)tolerance.TotalSeconds
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Compute(secret, seconds, body)), Encoding.ASCII.GetBytes(header));
}
