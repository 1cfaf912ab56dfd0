namespace EdgeMlops.Contracts;

/// <summary>
/// Which device ids are allowed. A device id is a topic level, and the broker's access rules key on it, so an id that
/// could change a topic's structure (<c>/</c>) or match other devices' topics (<c>+</c>, <c>#</c>) is refused.
/// </summary>
public static class DeviceIds
{
    /// <summary>Longest device id accepted, in UTF-16 characters.</summary>
    public const int MaxLength = 128;

    /// <summary>Whether <paramref name="deviceId"/> may be used as a device id.</summary>
    public static bool IsValid(string? deviceId) => FindProblem(deviceId) is null;

    /// <summary>Why <paramref name="deviceId"/> is not a valid device id, or null when it is.</summary>
    public static string? FindProblem(string? deviceId) => TopicLevel.FindProblem(deviceId, "device id", MaxLength);
}
