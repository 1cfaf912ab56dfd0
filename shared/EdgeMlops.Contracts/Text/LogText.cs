using System.Globalization;
using System.Text;

namespace EdgeMlops.Contracts.Text;

/// <summary>
/// Makes text that came from a device (or any other untrusted client) safe to write into one log line or one
/// rejection reason: every character that could end the line, hide itself or reorder what is displayed around it is
/// written as a visible escape, and the text is cut to a length with an ellipsis.
/// </summary>
/// <remarks>
/// Without this a carriage return in a camera id forges a second log line, a right-to-left override turns the rest of
/// the line around in a terminal, and a megabyte label fills the log. Escapes use the C# spelling (<c>\r</c>,
/// <c>\n</c>, <c>\t</c>, <c>\uXXXX</c>) and a backslash is doubled, so an escape in the output is always ours: a device
/// that sends the two characters <c>\n</c> shows up as <c>\\n</c>.
/// </remarks>
public static class LogText
{
    /// <summary>Characters of the input kept by default; enough for any id or label, short enough for a log line.</summary>
    public const int DefaultMaxLength = 200;

    /// <summary>What <see cref="Escape"/> writes for a null value.</summary>
    public const string Null = "(null)";

    /// <summary>
    /// <paramref name="value"/> with control characters, line and paragraph separators, invisible formatting marks
    /// (zero-width, bidirectional) and unpaired surrogates escaped, and cut after <paramref name="maxLength"/> input
    /// characters with <c>…</c> and the full length appended.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> is less than 1.</exception>
    public static string Escape(string? value, int maxLength = DefaultMaxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        if (value is null)
            return Null;
        if (value.Length <= maxLength && !NeedsEscaping(value))
            return value;
        var kept = Math.Min(value.Length, maxLength);
        // Never cut a surrogate pair in two: the half left behind would be escaped as if the device had sent it.
        if (kept < value.Length && char.IsHighSurrogate(value[kept - 1]) && char.IsLowSurrogate(value[kept]))
            kept--;
        var text = new StringBuilder(kept + 16);
        for (var i = 0; i < kept; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                text.Append(c).Append(value[++i]);
                continue;
            }
            AppendEscaped(text, c);
        }
        if (kept < value.Length)
            text.Append(CultureInfo.InvariantCulture, $"…({value.Length} chars)");
        return text.ToString();
    }

    private static bool NeedsEscaping(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                i++;
            else if (IsUnsafe(c) || c == '\\')
                return true;
        }
        return false;
    }

    private static void AppendEscaped(StringBuilder text, char c)
    {
        switch (c)
        {
            case '\\': text.Append(@"\\"); break;
            case '\r': text.Append(@"\r"); break;
            case '\n': text.Append(@"\n"); break;
            case '\t': text.Append(@"\t"); break;
            default:
                if (IsUnsafe(c))
                    text.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
                else
                    text.Append(c);
                break;
        }
    }

    /// <summary>
    /// C0 and C1 controls and DEL; U+2028/U+2029, which some viewers break lines at; format characters (zero-width
    /// spaces and joiners, bidirectional marks, embeddings, overrides and isolates, the BOM); and lone surrogates,
    /// which cannot be written as UTF-8.
    /// </summary>
    private static bool IsUnsafe(char c) =>
        char.IsControl(c)
        || char.IsSurrogate(c)
        || char.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}
