using EdgeMlops.EdgeAgent.Hosting;

namespace EdgeMlops.EdgeAgent.Monitoring;

/// <summary>How the box scores the precision of its model (issue 11). Section <c>Monitoring</c>.</summary>
public sealed class MonitoringOptions : IOptionsWithProblems
{
    public const string SectionName = "Monitoring";

    /// <summary>Length of a scoring window in source time (the tracker's timeline); windows are aligned to multiples of it.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the package's canary set is run again through the serving model; it also runs whenever a model is loaded.</summary>
    public TimeSpan CanaryInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A JSON-lines file of ground truth (counter windows or per-event labels), read as it grows; none when empty.</summary>
    public string? GroundTruthFeed { get; set; }

    /// <summary>How often the feed file is checked for appended lines.</summary>
    public TimeSpan FeedPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>PSI or Jensen–Shannon distance at or above which a window's drift is logged as a warning (Evidently's default).</summary>
    public double DriftThreshold { get; set; } = 0.1;

    public IReadOnlyList<string> FindProblems()
    {
        var problems = new List<string>();
        if (Window < TimeSpan.FromSeconds(1) || Window > TimeSpan.FromDays(1))
            problems.Add($"{SectionName}:Window must be between 00:00:01 and 1.00:00:00; got {Window}.");
        if (CanaryInterval < TimeSpan.FromSeconds(1))
            problems.Add($"{SectionName}:CanaryInterval must be at least 00:00:01; got {CanaryInterval}.");
        if (FeedPollInterval < TimeSpan.FromMilliseconds(10) || FeedPollInterval > TimeSpan.FromMinutes(10))
            problems.Add($"{SectionName}:FeedPollInterval must be between 00:00:00.010 and 00:10:00; got {FeedPollInterval}.");
        if (!double.IsFinite(DriftThreshold) || DriftThreshold <= 0)
            problems.Add($"{SectionName}:DriftThreshold must be a positive number; got {DriftThreshold}.");
        if (!string.IsNullOrWhiteSpace(GroundTruthFeed) && GroundTruthFeedFile.CannotRead(GroundTruthFeed) is { } reason)
            problems.Add($"{SectionName}:GroundTruthFeed: cannot read '{Path.GetFullPath(GroundTruthFeed)}': {reason}");
        return problems;
    }
}
