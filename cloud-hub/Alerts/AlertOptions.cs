using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Alerts;

/// <summary>Which precision figure the precision rules read.</summary>
public enum AlertMetric
{
    /// <summary>The macro figure: the mean of the class precisions over the classes predicted, with the Wilson interval of that mean (WilsonInterval.OfMean).</summary>
    Macro,

    /// <summary>The worst class: any one class with enough samples under the threshold opens the alert.</summary>
    AnyClass,
}

/// <summary>
/// <c>Hub:Alerts</c>: the alert rules. A threshold for a camera is <see cref="AlertThresholds.Models"/>[model] when set,
/// else the HIGHEST of <see cref="AlertThresholds.Tags"/> whose tag the device carries (the strictest site wins, so
/// adding a tag never makes alerting laxer), else <see cref="Threshold"/>. Configure a tag as
/// <c>Hub:Alerts:Thresholds:Tags:site:north=0.5</c> (tag key, then value) and a model as
/// <c>Hub:Alerts:Thresholds:Models:vehicle-classifier=0.45</c>.
/// </summary>
public sealed class AlertOptions
{
    public const string Section = "Hub:Alerts";

    /// <summary>Whether the rule engine runs; the API and the channels work either way.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Precision under which an alert opens (on the Wilson upper bound): 40% as the operators asked.</summary>
    public double Threshold { get; set; } = 0.40;

    public AlertThresholds Thresholds { get; set; } = new();

    public AlertMetric Metric { get; set; } = AlertMetric.Macro;

    /// <summary>Labelled (or estimated) samples a figure needs before a rule may open or resolve on it.</summary>
    public int MinSamples { get; set; } = 30;

    /// <summary>
    /// A precision alert resolves only once the Wilson LOWER bound is above threshold + this; a drift alert once every
    /// signal is under <see cref="DriftThreshold"/> − this. Keeps an alert from flapping on a figure near the line.
    /// </summary>
    public double Hysteresis { get; set; } = 0.05;

    /// <summary>The trailing window each evaluation aggregates.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan EvaluationInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Threshold of the estimated-precision warning; unset: the same threshold as the measured rule.</summary>
    public double? EstimateThreshold { get; set; }

    /// <summary>PSI or Jensen–Shannon value at or over which a drift warning opens (Evidently's default 0.1).</summary>
    public double DriftThreshold { get; set; } = 0.1;

    /// <summary>Open alerts exported one series each on <c>edgemlops_alert_figure</c> at most; the rest are counted, not listed.</summary>
    public int MaxAlertSeries { get; set; } = 100;
}

/// <summary>Per-tag and per-model threshold overrides of <see cref="AlertOptions.Threshold"/>.</summary>
public sealed class AlertThresholds
{
    /// <summary>Tag key → tag value → threshold.</summary>
    public Dictionary<string, Dictionary<string, double>> Tags { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Model name → threshold; wins over any tag.</summary>
    public Dictionary<string, double> Models { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Refuses a <c>Hub:Alerts</c> section the rules cannot work with, naming the key.</summary>
public sealed class AlertOptionsValidator : IValidateOptions<AlertOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertOptions options)
    {
        var s = AlertOptions.Section;
        var failures = new List<string>();
        void Fraction(string key, double value)
        {
            if (double.IsNaN(value) || value <= 0 || value >= 1)
                failures.Add($"{s}:{key} must be a precision over 0 and under 1, got {value}.");
        }
        Fraction("Threshold", options.Threshold);
        foreach (var (tag, values) in options.Thresholds.Tags)
            foreach (var (value, threshold) in values)
                Fraction($"Thresholds:Tags:{tag}:{value}", threshold);
        foreach (var (model, threshold) in options.Thresholds.Models)
            Fraction($"Thresholds:Models:{model}", threshold);
        if (options.EstimateThreshold is { } estimate)
            Fraction("EstimateThreshold", estimate);
        Fraction("DriftThreshold", options.DriftThreshold);
        if (!Enum.IsDefined(options.Metric))
            failures.Add($"{s}:Metric must be Macro or AnyClass, got {options.Metric}.");
        if (options.MinSamples < 1)
            failures.Add($"{s}:MinSamples must be at least 1, got {options.MinSamples}.");
        if (double.IsNaN(options.Hysteresis) || options.Hysteresis < 0 || options.Hysteresis >= 0.5)
            failures.Add($"{s}:Hysteresis must be at least 0 and under 0.5, got {options.Hysteresis}.");
        if (options.Window < TimeSpan.FromMinutes(1) || options.Window > TimeSpan.FromDays(31))
            failures.Add($"{s}:Window must be between 1 minute and 31 days, got {options.Window}.");
        if (options.EvaluationInterval < TimeSpan.FromSeconds(1) || options.EvaluationInterval > TimeSpan.FromHours(1))
            failures.Add($"{s}:EvaluationInterval must be between 1 second and 1 hour, got {options.EvaluationInterval}.");
        if (options.MaxAlertSeries is < 0 or > 10_000)
            failures.Add($"{s}:MaxAlertSeries must be between 0 and 10000, got {options.MaxAlertSeries}.");
        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}

/// <summary>The threshold a camera's figures are compared with, by the precedence <see cref="AlertOptions"/> states.</summary>
public static class AlertThresholdResolver
{
    /// <summary>Model override, else the highest matching tag override, else the global threshold.</summary>
    public static double For(AlertOptions options, string modelName, IReadOnlyDictionary<string, string> deviceTags)
    {
        if (options.Thresholds.Models.TryGetValue(modelName, out var byModel))
            return byModel;
        double? byTag = null;
        foreach (var (key, value) in deviceTags)
        {
            if (options.Thresholds.Tags.TryGetValue(key, out var values) && values.TryGetValue(value, out var threshold))
                byTag = Math.Max(byTag ?? double.MinValue, threshold);
        }
        return byTag ?? options.Threshold;
    }
}
