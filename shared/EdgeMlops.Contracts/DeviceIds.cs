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
    public static readonly string Rule =
        $"a device id is 1 to {MaxLength} ASCII letters, digits, '-', '_' and '.', with no '.' first or last and no '..'";

    /// <summary>Whether <paramref name="deviceId"/> may be used as a device id.</summary>
    public static bool IsValid(string? deviceId) => FindProblem(deviceId) is null;

    /// <summary>Why <paramref name="deviceId"/> is not a valid device id, or null when it is.</summary>
    public static string? FindProblem(string? deviceId)
    {
        if (string.IsNullOrEmpty(deviceId))
            return $"the device id is empty; {Rule}";
        if (deviceId.Length > MaxLength)
            return $"the device id is {deviceId.Length} characters long; the limit is {MaxLength}";
        for (var i = 0; i < deviceId.Length; i++)
        {
            if (!IsAllowed(deviceId[i]))
                return $"the device id contains {Describe(deviceId, i)} at position {i}; {Rule}";
        }
        if (deviceId[0] == '.')
            return $"the device id starts with '.'; {Rule}";
        if (deviceId[^1] == '.')
            return $"the device id ends with '.'; {Rule}";
        if (deviceId.Contains("..", StringComparison.Ordinal))
            return $"the device id contains '..'; {Rule}";
        return null;
    }

    private static bool IsAllowed(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.';

    /// <summary>Names the character at <paramref name="index"/> without ever writing an unprintable one.</summary>
    private static string Describe(string text, int index)
    {
        var c = text[index];
        return c switch
        {
            ':' => "':', which ends the user name in a Mosquitto password file",
            '/' or '+' or '#' => $"'{c}', which MQTT reserves in topics",
            ' ' => "a space",
            _ when char.IsControl(c) => $"the control character U+{(int)c:X4}",
            _ when char.IsHighSurrogate(c) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]) =>
                $"the non-ASCII character U+{char.ConvertToUtf32(c, text[index + 1]):X4}",
            _ when char.IsSurrogate(c) => $"an unpaired surrogate (U+{(int)c:X4})",
            _ when char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format =>
                $"the invisible formatting character U+{(int)c:X4} (a zero-width or text-direction mark)",
            _ when char.IsWhiteSpace(c) => $"the whitespace character U+{(int)c:X4}",
            _ when c > '\u007F' => $"the non-ASCII character U+{(int)c:X4}",
            _ => $"'{c}'",
        };
    }
}
