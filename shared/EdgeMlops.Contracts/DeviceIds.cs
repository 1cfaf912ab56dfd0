namespace EdgeMlops.Contracts;

/// <summary>
/// Which device ids are allowed. A device id is a topic level, and the broker's access rules key on it, so an id that
/// could change a topic's structure (<c>/</c>) or match other devices' topics (<c>+</c>, <c>#</c>) is refused. The id is
/// also the broker user name, and a Mosquitto password file ends the user name at the first <c>:</c>, so that is refused too.
/// </summary>
public static class DeviceIds
{
    /// <summary>Longest device id accepted, in UTF-16 characters.</summary>
    public const int MaxLength = 128;

    /// <summary>Whether <paramref name="deviceId"/> may be used as a device id.</summary>
    public static bool IsValid(string? deviceId) => FindProblem(deviceId) is null;

    /// <summary>Why <paramref name="deviceId"/> is not a valid device id, or null when it is.</summary>
    public static string? FindProblem(string? deviceId) =>
        TopicLevel.FindProblem(deviceId, "device id", MaxLength)
        ?? (deviceId!.Contains(':') ? "the device id contains ':', which ends the user name in a Mosquitto password file" : null);
}
