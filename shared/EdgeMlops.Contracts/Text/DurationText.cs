using System.Globalization;

namespace EdgeMlops.Contracts.Text;

/// <summary>
/// Durations as people type them in command lines, URIs and schedules: <c>500ms</c>, <c>30s</c>, <c>2m</c>,
/// <c>1h</c>, or a bare number of seconds. One parser, so every surface accepts the same spellings.
/// </summary>
public static class DurationText
{
    /// <summary>Parses a non-negative duration; false for anything else (negative, unknown unit, not a number).</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var t = text.Trim().ToLowerInvariant();
        (string number, double unitSeconds) = t switch
        {
            _ when t.EndsWith("ms", StringComparison.Ordinal) => (t[..^2], 0.001),
            _ when t.EndsWith('s') => (t[..^1], 1.0),
            _ when t.EndsWith('m') => (t[..^1], 60.0),
            _ when t.EndsWith('h') => (t[..^1], 3600.0),
            _ => (t, 1.0),
        };
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount)
            || amount < 0 || double.IsNaN(amount) || double.IsInfinity(amount) || amount * unitSeconds > TimeSpan.MaxValue.TotalSeconds)
            return false;
        value = TimeSpan.FromSeconds(amount * unitSeconds);
        return true;
    }

    /// <summary>Parses a strictly positive duration.</summary>
    /// <param name="what">Names the input in the error, e.g. "--duration".</param>
    /// <exception cref="FormatException">Not a positive duration; the message names <paramref name="what"/> and the text.</exception>
    public static TimeSpan ParsePositive(string text, string what) =>
        TryParse(text, out var value) && value > TimeSpan.Zero
            ? value
            : throw new FormatException($"{what} must be a positive duration such as 30s, 2m or 500ms; got '{text}'.");
}
