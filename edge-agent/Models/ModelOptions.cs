using EdgeMlops.EdgeAgent.Hosting;

namespace EdgeMlops.EdgeAgent.Models;

/// <summary>Which model package the agent runs, and which signing keys it trusts. Section <c>Model</c>.</summary>
public sealed class ModelOptions : IOptionsWithProblems
{
    public const string SectionName = "Model";

    /// <summary>A package directory or .zip; by default the seed classifier bundled next to the agent.</summary>
    public string PackagePath { get; set; } = Path.Combine(AppContext.BaseDirectory, "models", "vehicle-classifier");

    /// <summary>Folder of trusted <c>*.pub.pem</c> keys; a package signed by any other key is refused.</summary>
    public string TrustedKeysDirectory { get; set; } = Path.Combine(AppContext.BaseDirectory, "models", "keys");

    /// <summary>
    /// Where a .zip package is extracted, one folder per load, deleted when the model is released; by default the
    /// system's temporary folder. A folder of its own makes leftovers easy to see.
    /// </summary>
    public string? ExtractionDirectory { get; set; }

    /// <summary>
    /// Where the model manager keeps what the hub deployed: <c>current.json</c> (the pointer to the serving version),
    /// <c>versions/&lt;name&gt;/&lt;version&gt;/</c> and, unless <see cref="CacheDirectory"/> says otherwise, <c>cache/</c>.
    /// </summary>
    public string StateDirectory { get; set; } = Path.Combine(".", "data", "models");

    /// <summary>Content-addressed file cache (file name = SHA-256); by default <c>cache/</c> inside <see cref="StateDirectory"/>.</summary>
    public string? CacheDirectory { get; set; }

    /// <summary>Bytes the deployed versions may take on disk together (the versions kept plus the one being installed).</summary>
    public long DiskBudgetBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Versions kept on disk for instant local rollback, the serving one included.</summary>
    public int KeepVersions { get; set; } = 3;

    /// <summary>Largest batch latency a new version may show on this box during validation; null: not checked.</summary>
    public double? LatencyBudgetMs { get; set; }

    /// <summary>How long a new version is watched after activation when the desired state does not say; 0: no probation.</summary>
    public int ProbationSeconds { get; set; } = 300;

    /// <summary>How often the canary set runs again while a version is on probation.</summary>
    public TimeSpan ProbationCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest a download may take, retries included, before the deployment fails.</summary>
    public TimeSpan DownloadTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Longest verification or validation (a TensorRT engine build included) may take.</summary>
    public TimeSpan ValidationTimeout { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>Backoff between download attempts while the hub is unreachable: first wait, doubled up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryInitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between two download attempts.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one shadow window lasts before its statistics are reported.</summary>
    public TimeSpan ShadowWindow { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The cache folder in use.</summary>
    public string CacheFolder => CacheDirectory ?? Path.Combine(StateDirectory, "cache");

    public IReadOnlyList<string> FindProblems()
    {
        var problems = new List<string>();
        if (!Directory.Exists(PackagePath) && !File.Exists(PackagePath))
            problems.Add($"{SectionName}:PackagePath '{PackagePath}' does not exist.");
        if (!Directory.Exists(TrustedKeysDirectory))
            problems.Add($"{SectionName}:TrustedKeysDirectory '{TrustedKeysDirectory}' does not exist.");
        if (ExtractionDirectory is { } extraction && !Directory.Exists(extraction))
            problems.Add($"{SectionName}:ExtractionDirectory '{extraction}' does not exist.");
        if (string.IsNullOrWhiteSpace(StateDirectory))
            problems.Add($"{SectionName}:StateDirectory must not be empty.");
        if (CacheDirectory is { } cache && string.IsNullOrWhiteSpace(cache))
            problems.Add($"{SectionName}:CacheDirectory must not be blank; leave it out to use StateDirectory/cache.");
        if (DiskBudgetBytes < 1)
            problems.Add($"{SectionName}:DiskBudgetBytes must be positive; got {DiskBudgetBytes}.");
        if (KeepVersions is < 1 or > 100)
            problems.Add($"{SectionName}:KeepVersions must be 1..100; got {KeepVersions}.");
        if (LatencyBudgetMs is { } budget && !(budget > 0))
            problems.Add($"{SectionName}:LatencyBudgetMs must be positive; got {budget}.");
        if (ProbationSeconds is < 0 or > 7 * 24 * 3600)
            problems.Add($"{SectionName}:ProbationSeconds must be 0 to 604800; got {ProbationSeconds}.");
        Positive(problems, ProbationCheckInterval, nameof(ProbationCheckInterval));
        Positive(problems, DownloadTimeout, nameof(DownloadTimeout));
        Positive(problems, ValidationTimeout, nameof(ValidationTimeout));
        Positive(problems, RetryInitialDelay, nameof(RetryInitialDelay));
        Positive(problems, ShadowWindow, nameof(ShadowWindow));
        if (RetryMaxDelay < RetryInitialDelay)
            problems.Add($"{SectionName}:RetryMaxDelay must be at least RetryInitialDelay ({RetryInitialDelay}); got {RetryMaxDelay}.");
        return problems;
    }

    private static void Positive(List<string> problems, TimeSpan value, string key)
    {
        if (value <= TimeSpan.Zero)
            problems.Add($"{SectionName}:{key} must be positive; got {value}.");
    }
}
