using EdgeMlops.CloudHub.Devices;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Rollout;

/// <summary>
/// What an operator asks for: a model version (or alias) onto a target (device ids and/or a tag selector, optionally
/// a percentage of it), in stages. Unset stage settings take <see cref="RolloutOptions"/>' defaults.
/// </summary>
/// <param name="Model">Model name.</param>
/// <param name="Version">A version, or an alias such as <c>production</c>; resolved when the rollout starts.</param>
/// <param name="Devices">Device ids targeted by name.</param>
/// <param name="Selector">Tag selector (see <see cref="TagSelector"/>); its matches join <paramref name="Devices"/>.</param>
/// <param name="Percent">Share of the target to move, (0, 100]; chosen by a hash of the device id, so the same devices each time.</param>
/// <param name="Canary">Devices moved first, alone; any of them failing aborts the rollout.</param>
/// <param name="WaveBase">Devices in the first wave after the canaries.</param>
/// <param name="WaveFactor">Growth of each next wave, 1 to 5 (AWS IoT Jobs' exponentialRate incrementFactor).</param>
/// <param name="Window">How long every device of a wave must stay active before the next wave goes.</param>
/// <param name="AbortThreshold">Share of failed devices (0, 1] that aborts, once <paramref name="AbortMin"/> have executed.</param>
/// <param name="AbortMin">Devices that must have executed (succeeded or failed) before the threshold applies.</param>
/// <param name="DeviceTimeout">A device not active this long after it was moved counts as failed ("timed out").</param>
/// <param name="ProbationSeconds">Probation the box keeps after activation; absent: the box's default.</param>
public sealed record RolloutRequest(
    string? Model,
    string? Version,
    IReadOnlyList<string>? Devices = null,
    string? Selector = null,
    double? Percent = null,
    int? Canary = null,
    int? WaveBase = null,
    double? WaveFactor = null,
    TimeSpan? Window = null,
    double? AbortThreshold = null,
    int? AbortMin = null,
    TimeSpan? DeviceTimeout = null,
    int? ProbationSeconds = null)
{
    /// <summary>The request with every unset setting taken from <paramref name="defaults"/>; or the first problem, naming the field.</summary>
    public (RolloutPlan? Plan, string? Problem) ToPlan(RolloutOptions defaults)
    {
        if (string.IsNullOrWhiteSpace(Model))
            return (null, "model: required");
        if (string.IsNullOrWhiteSpace(Version))
            return (null, "version: required (a version or an alias)");
        var devices = (Devices ?? []).Select(id => id.Trim()).Where(id => id.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        foreach (var id in devices)
        {
            if (DeviceIds.FindProblem(id) is { } problem)
                return (null, $"devices: '{id}' is not a valid device id: {problem}");
        }
        if (Selector is not null && !TagSelector.TryParse(Selector, out _, out var selectorProblem))
            return (null, $"selector: {selectorProblem}");
        if (devices.Count == 0 && Selector is null)
            return (null, "devices or selector: a rollout needs a target (device ids, a tag selector, or both)");
        var plan = new RolloutPlan(Model.Trim(), Version.Trim(), devices, Selector, Percent,
            Canary ?? 0, WaveBase ?? defaults.WaveBase, WaveFactor ?? defaults.WaveFactor, Window ?? defaults.Window,
            AbortThreshold ?? defaults.AbortThreshold, AbortMin ?? defaults.AbortMin, DeviceTimeout ?? defaults.DeviceTimeout,
            ProbationSeconds ?? defaults.ProbationSeconds);
        return plan.FindProblem() is { } planProblem ? (null, planProblem) : (plan, null);
    }
}

/// <summary>A rollout's settings, every one set and checked (see <see cref="RolloutRequest"/> for their meaning).</summary>
public sealed record RolloutPlan(
    string Model,
    string Requested,
    IReadOnlyList<string> Devices,
    string? Selector,
    double? Percent,
    int Canary,
    int WaveBase,
    double WaveFactor,
    TimeSpan Window,
    double AbortThreshold,
    int AbortMin,
    TimeSpan DeviceTimeout,
    int? ProbationSeconds)
{
    /// <summary>The first setting out of range, named; null when all are fine.</summary>
    public string? FindProblem() =>
        Percent is { } percent && (double.IsNaN(percent) || percent <= 0 || percent > 100) ? $"percent: {percent} is not in (0, 100]"
        : Canary < 0 ? $"canary: {Canary} is negative"
        : WaveBase < 1 ? $"waveBase: {WaveBase} is under 1"
        : double.IsNaN(WaveFactor) || WaveFactor < 1 || WaveFactor > 5 ? $"waveFactor: {WaveFactor} is not in [1, 5]"
        : Window < TimeSpan.Zero ? $"window: {Window} is negative"
        : double.IsNaN(AbortThreshold) || AbortThreshold <= 0 || AbortThreshold > 1 ? $"abortThreshold: {AbortThreshold} is not in (0, 1]"
        : AbortMin < 1 ? $"abortMin: {AbortMin} is under 1"
        : DeviceTimeout <= TimeSpan.Zero ? $"deviceTimeout: {DeviceTimeout} is not positive"
        : ProbationSeconds is < 0 ? $"probationSeconds: {ProbationSeconds} is negative"
        : null;

    /// <summary>
    /// The first device named by id that is not enrolled, as a problem naming it; null when all are. Checked at create:
    /// a mistyped id would otherwise sit in the rollout, be moved, and only time out a wave later.
    /// </summary>
    public string? FindUnenrolled(Func<string, bool> isEnrolled) =>
        Devices.FirstOrDefault(id => !isEnrolled(id)) is { } unknown ? $"devices: '{unknown}' is not an enrolled device" : null;
}
