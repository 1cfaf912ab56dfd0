using EdgeMlops.EdgeAgent.Hosting;

namespace EdgeMlops.EdgeAgent;

/// <summary>The agent as a whole. Section <c>Agent</c>.</summary>
public sealed class AgentOptions : IOptionsWithProblems
{
    public const string SectionName = "Agent";

    /// <summary>This box's identity towards the hub; every record carries it.</summary>
    public string DeviceId { get; set; } = SanitisedMachineName();

    /// <summary>Stop by itself after this long and print the JSON summary (<c>--duration 30s</c>); null runs until stopped.</summary>
    public TimeSpan? Duration { get; set; }

    /// <summary>How often the status line is printed.</summary>
    public TimeSpan StatusInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often each camera's stats (fps, latency percentiles, drops, reconnects, counts) are stored for the hub.</summary>
    public TimeSpan StatsInterval { get; set; } = TimeSpan.FromSeconds(60);

    public IReadOnlyList<string> FindProblems()
    {
        var problems = new List<string>();
        if (Contracts.DeviceIds.FindProblem(DeviceId) is { } problem)
            problems.Add($"Agent:DeviceId '{DeviceId}' is not a valid device id: {problem}.");
        if (Duration is { } d && d <= TimeSpan.Zero)
            problems.Add($"Agent:Duration must be positive; got {d}.");
        if (StatsInterval < TimeSpan.FromSeconds(1))
            problems.Add($"Agent:StatsInterval must be at least 1 s; got {StatsInterval}.");
        if (StatusInterval < TimeSpan.FromMilliseconds(100))
            problems.Add($"Agent:StatusInterval must be at least 100 ms; got {StatusInterval}.");
        return problems;
    }

    private static string SanitisedMachineName() =>
        new string(Environment.MachineName.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray()).ToLowerInvariant();
}
