using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Monitoring;

/// <summary>Precision monitoring (section <c>Hub:Monitoring</c>); checked by <see cref="MonitoringOptionsValidator"/>.</summary>
public sealed class MonitoringOptions
{
    public const string Section = "Hub:Monitoring";

    /// <summary>Most time buckets one <c>/api/precision?by=window</c> answer may have (a month by hour is 744).</summary>
    public int MaxBuckets { get; set; } = 2_000;

    /// <summary>
    /// Most (device, camera, model, source) series the <c>/metrics</c> precision gauge shows. Series with no report for
    /// <see cref="MetricSeriesTtl"/> leave it; past the cap new series are counted as dropped, never shown, so a
    /// misbehaving fleet cannot blow up the scraper.
    /// </summary>
    public int MaxMetricSeries { get; set; } = 1_000;

    /// <summary>How long a series stays in <c>/metrics</c> after its latest report.</summary>
    public TimeSpan MetricSeriesTtl { get; set; } = TimeSpan.FromHours(24);
}

/// <summary>Refuses a <c>Hub:Monitoring</c> section that cannot work, naming the key.</summary>
public sealed class MonitoringOptionsValidator : IValidateOptions<MonitoringOptions>
{
    public ValidateOptionsResult Validate(string? name, MonitoringOptions options)
    {
        var failures = new List<string>();
        if (options.MaxBuckets is < 1 or > 100_000)
            failures.Add($"{MonitoringOptions.Section}:MaxBuckets must be from 1 to 100000, got {options.MaxBuckets}.");
        if (options.MaxMetricSeries is < 0 or > 100_000)
            failures.Add($"{MonitoringOptions.Section}:MaxMetricSeries must be from 0 (no precision gauges) to 100000, got {options.MaxMetricSeries}.");
        if (options.MetricSeriesTtl <= TimeSpan.Zero)
            failures.Add($"{MonitoringOptions.Section}:MetricSeriesTtl must be positive, got {options.MetricSeriesTtl}.");
        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
