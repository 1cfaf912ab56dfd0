using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Review;

/// <summary>A sample's record key, written <c>device/epoch/seq</c> on the command line and in the audit log.</summary>
public readonly record struct SampleKey(string DeviceId, long Epoch, long Seq)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{DeviceId}/{Epoch}/{Seq}");

    /// <summary>Reads <c>device/epoch/seq</c>; on failure <paramref name="problem"/> says what is wrong with it.</summary>
    public static bool TryParse(string? text, out SampleKey key, [NotNullWhen(false)] out string? problem)
    {
        key = default;
        var parts = text?.Split('/') ?? [];
        if (parts.Length != 3)
        {
            problem = $"'{text}' is not DEVICE/EPOCH/SEQ, e.g. box-1/5/77";
            return false;
        }
        if (DeviceIds.FindProblem(parts[0]) is { } badId)
        {
            problem = $"'{parts[0]}' is not a valid device id: {badId}";
            return false;
        }
        if (!long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var epoch)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
        {
            problem = $"'{text}': epoch and seq must be whole numbers";
            return false;
        }
        key = new SampleKey(parts[0], epoch, seq);
        problem = null;
        return true;
    }
}
