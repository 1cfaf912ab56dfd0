using EdgeMlops.Contracts.Text;
using System.Globalization;

namespace EdgeMlops.Synthetic.Conditions;

/// <summary>
/// How a camera's condition changes over time, so a scenario can shift the domain under a running model.
/// <para>Syntax: comma-separated entries <c>condition@time</c> (switch at that time) or
/// <c>condition@start..end</c> (ramp linearly from whatever holds at start, reaching the condition at end).
/// Times are a number with unit <c>ms</c>, <c>s</c>, <c>m</c> or <c>h</c> (a bare number means seconds), measured
/// from the start of the stream, and entries must not overlap. Before the first entry the condition is day; a
/// single condition without <c>@</c> holds for ever.</para>
/// <para>Example: <c>day@0,fog:0.8@60s..120s,night@10m</c> is clear for a minute, fog thickening to 0.8 over the
/// next minute, then night from ten minutes on.</para>
/// <para>A ramp between the same kind moves the intensity; from or to a clear condition it fades the other kind
/// in or out; between two different kinds it fades the first out over the first half and the second in over
/// the second half (conditions are never mixed in one frame).</para>
/// </summary>
public sealed class ConditionSchedule
{
    private readonly ConditionScheduleEntry[] _entries;

    /// <summary>A schedule of <paramref name="entries"/>, ordered and non-overlapping.</summary>
    public ConditionSchedule(IEnumerable<ConditionScheduleEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        _entries = entries.ToArray();
        if (_entries.Length == 0)
            throw new ArgumentException("A schedule needs at least one entry.", nameof(entries));
        var previousEnd = TimeSpan.Zero;
        foreach (var entry in _entries)
        {
            if (entry.Start < previousEnd || entry.RampEnd < entry.Start)
                throw new ArgumentException(
                    $"Schedule entries must be in time order without overlap; '{Format(entry)}' starts before {FormatTime(previousEnd)} or ends before it starts.",
                    nameof(entries));
            previousEnd = entry.RampEnd;
        }
    }

    /// <summary>The entries in time order.</summary>
    public IReadOnlyList<ConditionScheduleEntry> Entries => _entries;

    /// <summary>Day, for ever.</summary>
    public static ConditionSchedule AlwaysDay { get; } = Constant(Condition.Day);

    /// <summary><paramref name="condition"/> for ever.</summary>
    public static ConditionSchedule Constant(Condition condition) =>
        new([new ConditionScheduleEntry(condition, TimeSpan.Zero, TimeSpan.Zero)]);

    /// <summary>Parses the syntax described on <see cref="ConditionSchedule"/>; <see cref="FormatException"/> names the faulty part.</summary>
    public static ConditionSchedule Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Contains('@'))
            return Constant(Condition.Parse(text));

        var entries = new List<ConditionScheduleEntry>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int at = part.IndexOf('@');
            if (at < 0)
                throw new FormatException($"Schedule entry '{part}' lacks '@time'; write e.g. 'fog:0.8@60s'.");
            var condition = Condition.Parse(part[..at]);
            string times = part[(at + 1)..];
            int dots = times.IndexOf("..", StringComparison.Ordinal);
            var start = ParseTime(dots < 0 ? times : times[..dots], part);
            var end = dots < 0 ? start : ParseTime(times[(dots + 2)..], part);
            entries.Add(new ConditionScheduleEntry(condition, start, end));
        }
        try
        {
            return new ConditionSchedule(entries);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"Invalid schedule '{text}': {e.Message}", e);
        }
    }

    /// <summary>The condition in force at <paramref name="time"/> from the start of the stream.</summary>
    public Condition At(TimeSpan time)
    {
        var current = Condition.Day;
        foreach (var entry in _entries)
        {
            if (time < entry.Start)
                break;
            if (time >= entry.RampEnd)
            {
                current = entry.Target;
                continue;
            }
            double progress = (time - entry.Start) / (entry.RampEnd - entry.Start);
            return Blend(current, entry.Target, progress);
        }
        return current;
    }

    /// <summary>The text form that <see cref="Parse"/> reads back.</summary>
    public override string ToString() => string.Join(",", _entries.Select(Format));

    private static Condition Blend(Condition from, Condition to, double progress)
    {
        if (from.Kind == to.Kind)
            return new Condition(to.Kind, from.Intensity + (to.Intensity - from.Intensity) * progress);
        if (from.IsClear)
            return new Condition(to.Kind, to.Intensity * progress);
        if (to.IsClear)
            return new Condition(from.Kind, from.Intensity * (1 - progress));
        return progress < 0.5
            ? new Condition(from.Kind, from.Intensity * (1 - 2 * progress))
            : new Condition(to.Kind, to.Intensity * (2 * progress - 1));
    }

    private static TimeSpan ParseTime(string text, string entry) =>
        DurationText.TryParse(text, out var time)
            ? time
            : throw new FormatException($"Time '{text}' in schedule entry '{entry}' must be a non-negative number with unit ms, s, m or h.");

    private static string Format(ConditionScheduleEntry entry) =>
        entry.IsRamp
            ? $"{entry.Target}@{FormatTime(entry.Start)}..{FormatTime(entry.RampEnd)}"
            : $"{entry.Target}@{FormatTime(entry.Start)}";

    private static string FormatTime(TimeSpan time) =>
        time.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";
}
