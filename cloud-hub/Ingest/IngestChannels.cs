using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Ingest;

/// <summary>Names for counting: the channels as their topic level spells them, and the causes of refusal.</summary>
public static class IngestChannels
{
    /// <summary>The rejection cause when the device is not (or no longer) enrolled; the others are <see cref="RejectionKind"/> names.</summary>
    public const string NotEnrolled = "NotEnrolled";

    /// <summary>The channel's name (its topic level).</summary>
    public static string Name(DeviceChannel channel) => channel.ToString().ToLowerInvariant();
}
