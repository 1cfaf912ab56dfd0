using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Rollout;

/// <summary><c>Hub:Rollout</c>: how often the coordinator looks, and the stage settings a rollout that names none gets.</summary>
public sealed class RolloutOptions
{
    public const string Section = "Hub:Rollout";

    /// <summary>How often the coordinator follows reports and releases waves.</summary>
    public TimeSpan Tick { get; set; } = TimeSpan.FromSeconds(1);

    public int WaveBase { get; set; } = 1;

    public double WaveFactor { get; set; } = 2;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(2);

    public double AbortThreshold { get; set; } = 0.2;

    public int AbortMin { get; set; } = 3;

    public TimeSpan DeviceTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Probation written into desired states; unset: the box's own default.</summary>
    public int? ProbationSeconds { get; set; }
}

/// <summary>Refuses <see cref="RolloutOptions"/> out of range, naming the key.</summary>
public sealed class RolloutOptionsValidator : IValidateOptions<RolloutOptions>
{
    public ValidateOptionsResult Validate(string? name, RolloutOptions options)
    {
        if (options.Tick <= TimeSpan.Zero || options.Tick > TimeSpan.FromMinutes(1))
            return ValidateOptionsResult.Fail($"{RolloutOptions.Section}:Tick must be over 0 and at most 1 minute, got {options.Tick}");
        var defaults = new RolloutPlan("m", "v", [], null, null, 0, options.WaveBase, options.WaveFactor, options.Window,
            options.AbortThreshold, options.AbortMin, options.DeviceTimeout, options.ProbationSeconds);
        return defaults.FindProblem() is { } problem
            ? ValidateOptionsResult.Fail($"{RolloutOptions.Section}: {problem}")
            : ValidateOptionsResult.Success;
    }
}
