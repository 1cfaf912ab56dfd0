namespace EdgeMlops.Contracts;

/// <summary>
/// Which device ids are allowed: 1 to <see cref="MaxLength"/> ASCII letters, digits, <c>-</c>, <c>_</c> and <c>.</c>,
/// where a <c>.</c> may not come first or last and never twice in a row.
/// </summary>
/// <remarks>
/// A device id travels into places that each read some characters their own way: it is an MQTT topic level (the
/// broker's access rules key on it, so <c>/</c>, <c>+</c> and <c>#</c> would change what it matches), the broker user
/// name (a Mosquitto password file ends it at <c>:</c>), a directory name on the hub (<c>..</c> leaves the folder, a
/// leading <c>.</c> hides it), and a word in logs and in the operator's terminal (whitespace, zero-width and
/// right-to-left marks make two different ids look alike). An alphabet that every one of them reads literally is
/// simpler than a list of exceptions for each, and it makes two ids that look the same the same id.
/// </remarks>
public static class DeviceIds
{
    /// <summary>Longest device id accepted, in characters.</summary>
    public const int MaxLength = 64;

    /// <summary>The rule in words, for error messages and documentation.</summary>
    public static readonly string Rule = SafeNames.Rule("device id", MaxLength);

    /// <summary>Whether <paramref name="deviceId"/> may be used as a device id.</summary>
    public static bool IsValid(string? deviceId) => FindProblem(deviceId) is null;

    /// <summary>Why <paramref name="deviceId"/> is not a valid device id, or null when it is.</summary>
    public static string? FindProblem(string? deviceId) => SafeNames.FindProblem(deviceId, "device id", MaxLength);
}
