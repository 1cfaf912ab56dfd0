using System.Globalization;

namespace EdgeMlops.Synthetic.Conditions;

/// <summary>
/// An imaging condition and how strong it is. Text form: <c>kind</c> or <c>kind:intensity</c>, e.g. <c>night</c>,
/// <c>fog:0.7</c>; a missing intensity means 1. Intensity 0 looks like <see cref="ConditionKind.Day"/>, 1 is
/// heavy but still recognisable to a human.
/// </summary>
public sealed record Condition
{
    /// <summary>Clear daylight.</summary>
    public static Condition Day { get; } = new(ConditionKind.Day);

    /// <summary>A condition of <paramref name="kind"/> at <paramref name="intensity"/> in [0, 1]; day always has intensity 0.</summary>
    public Condition(ConditionKind kind, double intensity = 1)
    {
        if (!Enum.IsDefined(kind))
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown condition kind.");
        if (!(intensity is >= 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(intensity), intensity, "Intensity must be within [0, 1].");
        Kind = kind;
        // Day is the reference domain: there is nothing to scale, so every day condition is the same value.
        Intensity = kind == ConditionKind.Day ? 0 : intensity;
    }

    /// <summary>What kind of condition.</summary>
    public ConditionKind Kind { get; }

    /// <summary>Strength in [0, 1]; 0 for day.</summary>
    public double Intensity { get; }

    /// <summary>True when the condition changes nothing (day, or any kind at intensity 0).</summary>
    public bool IsClear => Kind == ConditionKind.Day || Intensity == 0;

    /// <summary>Parses <c>kind</c> or <c>kind:intensity</c> (case-insensitive, invariant culture).</summary>
    public static Condition Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = text.Trim();
        int colon = trimmed.IndexOf(':');
        string kindText = colon < 0 ? trimmed : trimmed[..colon].Trim();
        var kinds = Enum.GetValues<ConditionKind>();
        int index = Array.FindIndex(kinds, k => string.Equals(k.ToString(), kindText, StringComparison.OrdinalIgnoreCase));
        if (index < 0)
            throw new FormatException($"Unknown condition '{kindText}' in '{text}'; expected day, dusk, night, rain or fog.");
        var kind = kinds[index];
        if (colon < 0)
            return new Condition(kind);
        if (kind == ConditionKind.Day)
            throw new FormatException($"'{text}': day takes no intensity.");
        string intensityText = trimmed[(colon + 1)..].Trim();
        if (!double.TryParse(intensityText, NumberStyles.Float, CultureInfo.InvariantCulture, out double intensity) || !(intensity is >= 0 and <= 1))
            throw new FormatException($"Intensity '{intensityText}' in '{text}' must be a number within [0, 1].");
        return new Condition(kind, intensity);
    }

    /// <summary>Parses a comma-separated list such as <c>day,night,fog:0.7</c>.</summary>
    public static IReadOnlyList<Condition> ParseList(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Parse).ToArray();
    }

    /// <summary>
    /// A short token safe in file names and ids: <c>day</c>, <c>night</c>, <c>fog70</c> (intensity in percent,
    /// omitted when 1).
    /// </summary>
    public string ToFileToken() =>
        Kind == ConditionKind.Day || Intensity == 1
            ? KindName
            : KindName + ((int)Math.Round(Intensity * 100)).ToString("00", CultureInfo.InvariantCulture);

    /// <summary>The text form that <see cref="Parse"/> reads back: <c>night</c>, <c>fog:0.7</c>.</summary>
    public override string ToString() =>
        Kind == ConditionKind.Day || Intensity == 1
            ? KindName
            : $"{KindName}:{Intensity.ToString("0.###", CultureInfo.InvariantCulture)}";

    private string KindName => Kind.ToString().ToLowerInvariant();
}
