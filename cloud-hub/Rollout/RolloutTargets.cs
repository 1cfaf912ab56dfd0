using System.Security.Cryptography;
using System.Text;
using EdgeMlops.CloudHub.Devices;

namespace EdgeMlops.CloudHub.Rollout;

/// <summary>Turns a rollout's target into devices and waves: who is in, in which order, in which wave.</summary>
public static class RolloutTargets
{
    /// <summary>
    /// The named devices plus the enrolled devices <paramref name="selector"/> matches, cut to <paramref name="percent"/> by a
    /// hash of the device id (the same devices every time for the same model), ordered by a hash of rollout and device so
    /// canaries differ between rollouts.
    /// </summary>
    public static IReadOnlyList<string> Choose(IEnumerable<string> named, TagSelector? selector, double? percent, string model, long rolloutId, DeviceTags tags)
    {
        var devices = new HashSet<string>(named, StringComparer.Ordinal);
        if (selector is not null)
            devices.UnionWith(tags.Select(selector));
        return devices
            .Where(id => percent is not { } share || Bucket($"{model}/{id}") < share / 100)
            .OrderBy(id => Bucket($"{rolloutId}/{id}"))
            .ThenBy(id => id, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// The wave of each device, in order: the first <paramref name="canary"/> devices form wave 0, then waves of
    /// <paramref name="waveBase"/>, <paramref name="waveBase"/> x <paramref name="factor"/>, x factor² ... devices (rounded, at least one more each time when the factor is over 1).
    /// </summary>
    public static IReadOnlyList<(string DeviceId, int Wave)> AssignWaves(IReadOnlyList<string> ordered, int canary, int waveBase, double factor)
    {
        var result = new List<(string, int)>(ordered.Count);
        var index = 0;
        var wave = 0;
        if (canary > 0)
        {
            for (; index < Math.Min(canary, ordered.Count); index++)
                result.Add((ordered[index], 0));
            wave = 1;
        }
        var size = (double)waveBase;
        var previous = 0;
        while (index < ordered.Count)
        {
            var count = Math.Max((int)Math.Round(size), factor > 1 ? previous + 1 : 1);
            for (var i = 0; i < count && index < ordered.Count; i++, index++)
                result.Add((ordered[index], wave));
            previous = count;
            size *= factor;
            wave++;
        }
        return result;
    }

    /// <summary>A uniform number in [0, 1) from the text's SHA-256.</summary>
    private static double Bucket(string text)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return BitConverter.ToUInt64(hash, 0) / (ulong.MaxValue + 1.0);
    }
}
