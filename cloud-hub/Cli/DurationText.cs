using System.Globalization;

namespace EdgeMlops.CloudHub.Cli;

public static class DurationText
{
    /// <summary>Parses <c>500ms</c>, <c>30s</c>, <c>2m</c>, <c>1h</c> or plain seconds; <paramref name="what"/> names the input in errors.</summary>
    public static TimeSpan Parse(string text, string what)
    {
        var t = text.Trim();
        (string number, double unitSeconds) = t switch
        {
            _ when t.EndsWith("ms", StringComparison.Ordinal) => (t[..^2], 0.001),
            _ when t.EndsWith('s') => (t[..^1], 1.0),
            _ when t.EndsWith('m') => (t[..^1], 60.0),
            _ when t.EndsWith('h') => (t[..^1], 3600.0),
            _ => (t, 1.0),
        };
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value <= 0 || double.IsInfinity(value))
            throw new UsageException($"{what} must be a positive duration such as 30s, 2m or 500ms; got '{text}'.");
        return TimeSpan.FromSeconds(value * unitSeconds);
    }
}
