using EdgeMlops.Contracts.Text;
using System.Globalization;
using EdgeMlops.Synthetic.Conditions;
using EdgeMlops.Synthetic.Scenes;
using EdgeMlops.Synthetic.Vehicles;

namespace EdgeMlops.EdgeAgent.Capture;

/// <summary>
/// <c>synthetic://highway?seed=1&amp;condition=day&amp;fps=25&amp;duration=60s&amp;width=640&amp;height=360&amp;lanes=4&amp;density=30</c>:
/// the synthetic highway world as a camera, carrying its ground truth along. <c>condition</c> takes a schedule
/// (<c>day@0,fog:0.8@60s..120s</c>); <c>duration</c> makes the source end like a file; without it the camera
/// runs like a live stream. An optional class is switched on by its share of new vehicles, e.g. <c>pickup=0.15</c>.
/// </summary>
public sealed record SyntheticSourceUri(HighwaySceneOptions Scene, TimeSpan? Duration)
{
    public const string Scheme = "synthetic";

    public static bool IsSynthetic(string uri) => uri.StartsWith(Scheme + "://", StringComparison.OrdinalIgnoreCase);

    /// <exception cref="FormatException">The URI names an unknown world or parameter, or a value is out of range; the message says which.</exception>
    public static SyntheticSourceUri Parse(string uri)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || !parsed.Scheme.Equals(Scheme, StringComparison.OrdinalIgnoreCase))
            throw new FormatException($"'{uri}' is not a synthetic:// URI.");
        if (!parsed.Host.Equals("highway", StringComparison.OrdinalIgnoreCase))
            throw new FormatException($"'{uri}': unknown synthetic world '{parsed.Host}'; known: highway.");

        var scene = new HighwaySceneOptions();
        TimeSpan? duration = null;
        foreach (var pair in parsed.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            var value = Uri.UnescapeDataString(eq < 0 ? "" : pair[(eq + 1)..]);
            scene = key switch
            {
                "seed" => scene with { Seed = Int(uri, key, value, 0, int.MaxValue) },
                "fps" => scene with { Fps = Int(uri, key, value, 1, 120) },
                "width" => scene with { Width = Int(uri, key, value, 160, 3840) },
                "height" => scene with { Height = Int(uri, key, value, 120, 2160) },
                "lanes" => scene with { LaneCount = Int(uri, key, value, 1, 8) },
                "density" => scene with { VehiclesPerLanePerMinute = Int(uri, key, value, 1, 600) },
                "condition" => scene with { Conditions = Schedule(uri, value) },
                "duration" => scene,
                _ when OptionalClass(key) is { } optional => scene.WithClassShare(optional, Share(uri, key, value)),
                _ => throw new FormatException($"'{uri}': unknown parameter '{key}'; known: seed, condition, fps, duration, width, height, lanes, density, {string.Join(", ", VehicleClasses.Optional.Select(c => c.ToLabel()))}."),
            };
            if (key == "duration") duration = ParseDuration(uri, value);
        }
        scene.Validate();
        return new SyntheticSourceUri(scene, duration);
    }

    private static int Int(string uri, string key, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? v
            : throw new FormatException($"'{uri}': {key} must be a whole number from {min} to {max}; got '{value}'.");

    private static VehicleClass? OptionalClass(string key) =>
        VehicleClasses.TryParse(key, out var c) && VehicleClasses.Optional.Contains(c) ? c : null;

    private static double Share(string uri, string key, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v is >= 0 and < 1
            ? v
            : throw new FormatException($"'{uri}': {key} is a share of new vehicles from 0 to below 1 (e.g. 0.15); got '{value}'.");

    private static ConditionSchedule Schedule(string uri, string value)
    {
        try { return ConditionSchedule.Parse(value); }
        catch (FormatException ex) { throw new FormatException($"'{uri}': condition: {ex.Message}", ex); }
    }

    private static TimeSpan ParseDuration(string uri, string value)
    {
        try { return DurationText.ParsePositive(value, "duration"); }
        catch (FormatException ex) { throw new FormatException($"'{uri}': {ex.Message}", ex); }
    }
}
