namespace EdgeMlops.EdgeAgent.Telemetry;

/// <summary>The local telemetry store: where it lives, how big it may grow, how writes are batched. Section <c>Store</c>.</summary>
public sealed class EdgeStoreOptions
{
    public const string SectionName = "Store";

    /// <summary>The agent's SQLite database file; relative paths resolve against the working directory.</summary>
    public string Path { get; set; } = System.IO.Path.Combine(".", "data", "edge-agent.db");

    /// <summary>
    /// Most space the stored rows may take, in MB (1024 × 1024 bytes). Beyond it the oldest rows are evicted (see
    /// <see cref="EdgeStore"/>). The WAL file, bounded to a few MB by checkpoints, comes on top.
    /// </summary>
    public int BudgetMegabytes { get; set; } = 1024;

    /// <summary>Most records committed in one transaction.</summary>
    public int BatchSize { get; set; } = 256;

    /// <summary>
    /// Longest a record waits for its batch to fill before it is committed anyway: the most recent data a power cut
    /// can take with it, besides what is still queued.
    /// </summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Records queued for the writer. When the queue is full, <c>TelemetryQueue.WriteAsync</c> waits and <c>TryWrite</c> drops (counted).</summary>
    public int ChannelCapacity { get; set; } = 8192;

    /// <summary>How long a store that failed to open (or broke) waits before it tries to open the file again.</summary>
    public TimeSpan ReopenInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Every setting that is out of range, as a sentence naming its configuration key; empty when all are fine.</summary>
    public IReadOnlyList<string> FindProblems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Path))
            problems.Add($"{SectionName}:Path must name the database file.");
        else if (string.IsNullOrEmpty(System.IO.Path.GetFileName(Path)))
            problems.Add($"{SectionName}:Path '{Path}' names a directory; it must name the database file.");
        if (BudgetMegabytes is < 1 or > 1024 * 1024)
            problems.Add($"{SectionName}:BudgetMegabytes must be 1..1048576; got {BudgetMegabytes}.");
        if (BatchSize is < 1 or > 10_000)
            problems.Add($"{SectionName}:BatchSize must be 1..10000; got {BatchSize}.");
        if (FlushInterval <= TimeSpan.Zero || FlushInterval > TimeSpan.FromMinutes(1))
            problems.Add($"{SectionName}:FlushInterval must be more than 0 and at most 1 minute; got {FlushInterval}.");
        if (ChannelCapacity < BatchSize || ChannelCapacity > 1_000_000)
            problems.Add($"{SectionName}:ChannelCapacity must be at least BatchSize ({BatchSize}) and at most 1000000; got {ChannelCapacity}.");
        if (ReopenInterval <= TimeSpan.Zero || ReopenInterval > TimeSpan.FromHours(1))
            problems.Add($"{SectionName}:ReopenInterval must be more than 0 and at most 1 hour; got {ReopenInterval}.");
        return problems;
    }

    /// <exception cref="InvalidOperationException">A setting is out of range; the message lists every one.</exception>
    public void Validate()
    {
        var problems = FindProblems();
        if (problems.Count > 0)
            throw new InvalidOperationException(string.Join(" ", problems));
    }
}
