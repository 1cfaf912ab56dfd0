namespace EdgeMlops.Contracts;

/// <summary>
/// Names that become folder names, topic levels, user names and words in logs: 1 to N ASCII letters, digits,
/// <c>-</c>, <c>_</c> and <c>.</c>, where a <c>.</c> may not come first or last and never twice in a row. Device ids
/// (<see cref="DeviceIds"/>) and model names and versions follow it, so none can leave a folder or hide in a log line.
/// </summary>
public static class SafeNames
{
    /// <summary>The rule in words, for error messages and documentation.</summary>
    public static string Rule(string what, int maxLength, string? alsoAllowed = null) =>
        $"a {what} is 1 to {maxLength} ASCII letters, digits, '-', '_' and '.'"
        + (alsoAllowed is null ? "" : string.Concat(alsoAllowed.Select(c => $", '{c}'")))
        + ", with no '.' first or last and no '..'";

    /// <summary>Why <paramref name="value"/> does not follow the rule, or null when it does.</summary>
    /// <param name="what">What the value is, e.g. <c>device id</c>, for the message.</param>
    /// <param name="alsoAllowed">Characters allowed beyond the rule's (a version's <c>+</c>).</param>
    public static string? FindProblem(string? value, string what, int maxLength, string? alsoAllowed = null)
    {
        var rule = Rule(what, maxLength, alsoAllowed);
        if (string.IsNullOrEmpty(value))
            return $"the {what} is empty; {rule}";
        if (value.Length > maxLength)
            return $"the {what} is {value.Length} characters long; the limit is {maxLength}";
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' || (alsoAllowed?.Contains(c) ?? false)))
                return $"the {what} contains {Describe(value, i)} at position {i}; {rule}";
        }
        if (value[0] == '.')
            return $"the {what} starts with '.'; {rule}";
        if (value[^1] == '.')
            return $"the {what} ends with '.'; {rule}";
        if (value.Contains("..", StringComparison.Ordinal))
            return $"the {what} contains '..'; {rule}";
        return null;
    }

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
