using EdgeMlops.CloudHub.Devices;
using EdgeMlops.CloudHub.Storage;
using EdgeMlops.Contracts;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Review;

/// <summary>
/// Writes each device's <c>reviewedPrecision</c> desired-state property after its labels change: every pass finds the
/// devices with labels given or withdrawn since the last pass (in the database, so labels from the CLI or from before a
/// restart count too; the first pass looks at every device), computes their figures and writes the property only when
/// a figure changed, so a burst of labels is one revision and a relabel to the same answer is none.
/// </summary>
public sealed class ReviewedPrecisionPass(
    ReviewStore store, ReviewedPrecisionCalculator calculator, DesiredStateBook desired, IDeviceRegistry devices,
    TimeProvider time, ILogger<ReviewedPrecisionPass> logger)
{
    // A label is stamped before its write commits: one stamped before a pass's "now" may commit after the pass read.
    // The next pass looks back this far too (recomputing a device is harmless: nothing is written when nothing changed).
    private static readonly TimeSpan CommitSlack = TimeSpan.FromMinutes(1);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _watermark = long.MinValue;

    /// <summary>One pass; returns the devices whose property it wrote.</summary>
    public async Task<IReadOnlyList<string>> RunAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Taken before reading, and the next pass looks back CommitSlack before it: a label given while this pass runs
            // is seen by the next one.
            var now = time.GetUtcNow();
            var changed = store.DevicesChangedSince(_watermark);
            var written = new List<string>();
            foreach (var deviceId in changed)
            {
                if (await WriteIfChangedAsync(deviceId, now, cancellationToken).ConfigureAwait(false))
                    written.Add(deviceId);
            }
            _watermark = UnixTime.ToMs(now - CommitSlack);
            return written;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<bool> WriteIfChangedAsync(string deviceId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!devices.IsEnrolled(deviceId))
            return false;
        var figures = calculator.Of(deviceId, now);
        ReviewedPrecision? current = null;
        if (desired.Current(deviceId) is { } state && !ReviewedPrecision.TryRead(state, out current, out var problem) && problem is not null)
            logger.LogWarning("Device {DeviceId}'s desired {Property} is unreadable ({Problem}); writing it anew", deviceId, ReviewedPrecision.PropertyName, problem);
        if (SameFigures(current?.Cameras ?? [], figures))
            return false;
        var value = figures.Count == 0 ? (System.Text.Json.JsonElement?)null : new ReviewedPrecision(figures).ToProperty();
        await desired.SetPropertyAsync(deviceId, ReviewedPrecision.PropertyName, value, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Wrote reviewed precision of {DeviceId}: {Figures}", deviceId,
            string.Join("; ", figures.Select(f => $"{f.CameraId} {f.ModelVersion} {f.Precision:0.###} [{f.Lower:0.###}, {f.Upper:0.###}] n={f.Samples}")));
        return true;
    }

    // When a figure was computed is not a change.
    private static bool SameFigures(IReadOnlyList<CameraReviewedPrecision> stored, IReadOnlyList<CameraReviewedPrecision> computed) =>
        stored.Select(f => f with { At = default }).OrderBy(f => f.CameraId, StringComparer.Ordinal).ThenBy(f => f.ModelVersion, StringComparer.Ordinal)
            .SequenceEqual(computed.Select(f => f with { At = default }).OrderBy(f => f.CameraId, StringComparer.Ordinal).ThenBy(f => f.ModelVersion, StringComparer.Ordinal));
}

/// <summary>Runs <see cref="ReviewedPrecisionPass"/> every <see cref="ReviewOptions.PublishInterval"/> on the hub's clock.</summary>
public sealed class ReviewedPrecisionPublisher(ReviewedPrecisionPass pass, IOptions<ReviewOptions> options, TimeProvider time, ILogger<ReviewedPrecisionPublisher> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.PublishInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await pass.RunAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A store or broker hiccup must not end the publishing for good: the next pass sees the same changes.
                logger.LogError(e, "Reviewed precision pass failed; retrying in {Interval}", interval);
            }
            try
            {
                await Task.Delay(interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
