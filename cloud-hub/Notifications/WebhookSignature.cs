using System.Security.Cryptography;
using System.Text;

namespace EdgeMlops.CloudHub.Notifications;

/// <summary>
/// The <c>X-EdgeMlops-Signature</c> header of a webhook POST: <c>sha256=&lt;hex HMAC-SHA256 of the body&gt;</c> keyed with
/// <c>Hub:Notifications:WebhookSecret</c> (as GitHub's <c>X-Hub-Signature-256</c>), so a receiver knows the hub sent it.
/// </summary>
public static class WebhookSignature
{
    public const string Header = "X-EdgeMlops-Signature";
    private const string Prefix = "sha256=";

    public static string Compute(string secret, ReadOnlySpan<byte> body) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>Whether <paramref name="header"/> is the signature of <paramref name="body"/>, compared in constant time.</summary>
    public static bool Verify(string secret, ReadOnlySpan<byte> body, string? header) =>
        header is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Compute(secret, body)), Encoding.ASCII.GetBytes(header));
}
