using EdgeMlops.EdgeAgent.Hosting;

namespace EdgeMlops.EdgeAgent.Tracking;

/// <summary>How boxes are linked into tracks. Bound from configuration section <c>Tracking</c>.</summary>
public sealed class TrackerOptions : IOptionsWithProblems
{
    public const string SectionName = "Tracking";

    /// <summary>Least overlap (intersection over union) between a track's predicted box and a new box to link them.</summary>
    public double MinIou { get; set; } = 0.3;

    /// <summary>
    /// Fallback for small, fast vehicles whose boxes no longer overlap from one frame to the next: a box whose
    /// centre lies within this many box diagonals of a track's predicted centre is linked to it.
    /// </summary>
    public double CentroidGate { get; set; } = 1.0;

    /// <summary>Frames a track may go unseen (occlusion, missed proposal, dropped frame) before it ends.</summary>
    public int MaxMissedFrames { get; set; } = 10;

    /// <summary>Observations a track needs to be reported; shorter tracks are flicker and are discarded (counted).</summary>
    public int MinObservations { get; set; } = 3;

    /// <summary>Labels reported with their mean probabilities in a completed track.</summary>
    public int TopK { get; set; } = 3;

    public IReadOnlyList<string> FindProblems() => [.. Problems().Select(p => p.Message)];

    /// <summary>For the components built from these options outside the host (tests, benchmarks).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        foreach (var (name, value, message) in Problems())
            throw new ArgumentOutOfRangeException(name, value, message);
    }

    private IEnumerable<(string Name, object Value, string Message)> Problems()
    {
        if (!(MinIou is > 0 and <= 1)) yield return Problem(nameof(MinIou), MinIou, "must be greater than 0 and at most 1");
        if (!(CentroidGate >= 0)) yield return Problem(nameof(CentroidGate), CentroidGate, "must not be negative (0 turns the fallback off)");
        if (!(MaxMissedFrames >= 0)) yield return Problem(nameof(MaxMissedFrames), MaxMissedFrames, "must not be negative");
        if (!(MinObservations >= 1)) yield return Problem(nameof(MinObservations), MinObservations, "must be at least 1");
        if (!(TopK >= 1)) yield return Problem(nameof(TopK), TopK, "must be at least 1");
    }

    private static (string, object, string) Problem(string name, object value, string rule) => (name, value, $"{SectionName}:{name} {rule}; got {value}.");
}
