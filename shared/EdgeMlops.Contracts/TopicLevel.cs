namespace EdgeMlops.Contracts;

/// <summary>Rules for a caller-supplied level of an MQTT topic name.</summary>
internal static class TopicLevel
{
    public static string? FindProblem(string? level, string what, int maxLength)
    {
        if (string.IsNullOrEmpty(level))
            return $"the {what} is empty";
        if (level.Length > maxLength)
            return $"the {what} is longer than {maxLength} characters";
        for (var i = 0; i < level.Length; i++)
        {
            var c = level[i];
            if (c is '/' or '+' or '#')
                return $"the {what} contains '{c}', which MQTT reserves in topics";
            if (char.IsControl(c))
                return $"the {what} contains the control character U+{(int)c:X4}";
            // MQTT topics must be well-formed UTF-8, which a lone surrogate cannot be encoded as.
            if (char.IsHighSurrogate(c) && i + 1 < level.Length && char.IsLowSurrogate(level[i + 1]))
                i++;
            else if (char.IsSurrogate(c))
                return $"the {what} contains an unpaired surrogate (U+{(int)c:X4})";
        }
        return null;
    }
}
