using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeMlops.CloudHub.Storage;

namespace EdgeMlops.CloudHub.Rollout;

/// <summary>Fleet counters as Azure IoT shows them: targeted, applied (moved), succeeded (active through the window), failed; and reverted.</summary>
public sealed record RolloutCounters(int Targeted, int Applied, int Succeeded, int Failed, int Reverted)
{
    public static RolloutCounters Of(IReadOnlyList<RolloutDeviceRow> devices) => new(
        devices.Count,
        devices.Count(d => d.MovedAt is not null),
        devices.Count(d => d.Succeeded),
        devices.Count(d => RolloutDeviceStates.IsBad(d.State)),
        devices.Count(d => d.State == RolloutDeviceStates.Reverted));
}

/// <summary>The detail of a <c>rollout.state</c> notification.</summary>
public sealed record RolloutStateDetail(long RolloutId, string Model, string Version, string State, string? Reason, RolloutCounters Counters);

/// <summary>One device in a rollout as the API shows it.</summary>
/// <param name="Reverting">
/// The rollout was aborted or rolled back and the coordinator has not yet written this device's previous desired model
/// back: the rollout's state changes first, its devices follow on the same pass.
/// </param>
public sealed record RolloutDeviceView(
    string DeviceId, int Wave, string State, string? Reason, DateTimeOffset Since, DateTimeOffset? MovedAt, bool Succeeded,
    string? PreviousVersion, long? BytesDone, long? BytesTotal, bool Reverting)
{
    public static RolloutDeviceView From(RolloutDeviceRow row) => new(row.DeviceId, row.Wave, row.State, row.Reason, UnixTime.FromMs(row.StateAt),
        UnixTime.FromMs(row.MovedAt), row.Succeeded, row.PreviousVersion, row.BytesDone, row.BytesTotal, row.RevertPending);
}

/// <summary>A rollout as the API shows it; <paramref name="Devices"/> only when one rollout is asked for.</summary>
public sealed record RolloutView(
    long Id, string Model, string Requested, string? Version, string State, string? Reason, DateTimeOffset Since, DateTimeOffset CreatedAt,
    string CreatedBy, IReadOnlyList<string> DeviceIds, string? Selector, double? Percent, int Canary, int WaveBase, double WaveFactor,
    TimeSpan Window, double AbortThreshold, int AbortMin, TimeSpan DeviceTimeout, RolloutCounters Counters,
    IReadOnlyList<RolloutDeviceView>? Devices)
{
    public static RolloutView From(RolloutRow row, IReadOnlyList<RolloutDeviceRow> devices, bool withDevices) => new(
        row.Id, row.Model, row.Requested, row.Version, row.State, row.Reason, UnixTime.FromMs(row.StateAt), UnixTime.FromMs(row.CreatedAt),
        row.CreatedBy, row.DeviceIds.Split(',', StringSplitOptions.RemoveEmptyEntries), row.Selector, row.Percent, row.Canary, row.WaveBase,
        row.WaveFactor, TimeSpan.FromMilliseconds(row.WindowMs), row.AbortThreshold, row.AbortMin, TimeSpan.FromMilliseconds(row.DeviceTimeoutMs),
        RolloutCounters.Of(devices), withDevices ? devices.Select(RolloutDeviceView.From).ToList() : null);
}

/// <summary>JSON for rollout notifications and the CLI: camelCase like the API, nulls left out.</summary>
public static class RolloutJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    /// <summary>The same on one line, for listings.</summary>
    public static JsonSerializerOptions Line { get; } = new(Options) { WriteIndented = false };
}
