using System.Threading.Channels;
using EdgeMlops.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeMlops.EdgeAgent.Telemetry;

/// <summary>
/// Where the pipeline hands telemetry to the store: a bounded queue drained by <see cref="TelemetryWriter"/>.
/// <c>WriteAsync</c> waits for room, so nothing is dropped; <c>TryWrite</c> never waits and drops (counted) when the
/// queue is full, for callers that must not block. Records that break their contract are refused (counted and logged)
/// rather than stored, since the hub would refuse them anyway.
/// </summary>
public sealed class TelemetryQueue
{
    private readonly Channel<PendingRecord> _channel;
    private readonly TimeProvider _time;
    private readonly ILogger<TelemetryQueue> _logger;
    private long _droppedRecords;
    private long _rejectedRecords;

    public TelemetryQueue(IOptions<EdgeStoreOptions> options, TimeProvider time, ILogger<TelemetryQueue> logger)
    {
        var settings = options.Value;
        settings.Validate();
        _time = time;
        _logger = logger;
        _channel = Channel.CreateBounded<PendingRecord>(new BoundedChannelOptions(settings.ChannelCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
    }

    /// <summary>Records waiting for the writer.</summary>
    public int Depth => _channel.Reader.Count;

    /// <summary>Records not accepted because the queue was full (<c>TryWrite</c>) or already closed for shutdown.</summary>
    public long DroppedRecords => Interlocked.Read(ref _droppedRecords);

    /// <summary>Records refused because they break their contract (NaN confidence, blank camera id, empty JPEG, ...).</summary>
    public long RejectedRecords => Interlocked.Read(ref _rejectedRecords);

    internal ChannelReader<PendingRecord> Reader => _channel.Reader;

    /// <summary>Queues a vehicle event, waiting for room. False when refused (invalid) or the agent is shutting down.</summary>
    public ValueTask<bool> WriteAsync(VehicleEvent vehicleEvent, CancellationToken cancellationToken = default) =>
        IsValid(ContractValidator.FindProblem(vehicleEvent), OutboxKinds.Event, vehicleEvent.CameraId)
            ? EnqueueAsync(new PendingVehicleEvent(vehicleEvent, _time.GetUtcNow()), cancellationToken)
            : ValueTask.FromResult(false);

    /// <summary>Queues camera stats, waiting for room. False when refused (invalid) or the agent is shutting down.</summary>
    public ValueTask<bool> WriteAsync(CameraStats stats, CancellationToken cancellationToken = default) =>
        IsValid(ContractValidator.FindProblem(stats), OutboxKinds.Stats, stats.CameraId)
            ? EnqueueAsync(new PendingCameraStats(stats, _time.GetUtcNow()), cancellationToken)
            : ValueTask.FromResult(false);

    /// <summary>Queues a precision report, waiting for room. False when refused (invalid) or the agent is shutting down.</summary>
    public ValueTask<bool> WriteAsync(PrecisionReport report, CancellationToken cancellationToken = default) =>
        IsValid(ContractValidator.FindProblem(report), OutboxKinds.Precision, report.CameraId)
            ? EnqueueAsync(new PendingPrecisionReport(report, _time.GetUtcNow()), cancellationToken)
            : ValueTask.FromResult(false);

    /// <summary>
    /// Queues a review sample, waiting for room. The queue keeps <paramref name="jpeg"/> as it is: do not change it
    /// afterwards. False when refused (invalid) or the agent is shutting down.
    /// </summary>
    public ValueTask<bool> WriteAsync(ReviewSampleInfo info, byte[] jpeg, CancellationToken cancellationToken = default) =>
        IsValid(FindProblem(info, jpeg), OutboxKinds.Sample, info.CameraId)
            ? EnqueueAsync(new PendingReviewSample(info, jpeg, _time.GetUtcNow()), cancellationToken)
            : ValueTask.FromResult(false);

    /// <summary>Queues a vehicle event if there is room; false (and counted) when full, closed or invalid.</summary>
    public bool TryWrite(VehicleEvent vehicleEvent) =>
        IsValid(ContractValidator.FindProblem(vehicleEvent), OutboxKinds.Event, vehicleEvent.CameraId)
        && TryEnqueue(new PendingVehicleEvent(vehicleEvent, _time.GetUtcNow()));

    /// <summary>Queues camera stats if there is room; false (and counted) when full, closed or invalid.</summary>
    public bool TryWrite(CameraStats stats) =>
        IsValid(ContractValidator.FindProblem(stats), OutboxKinds.Stats, stats.CameraId)
        && TryEnqueue(new PendingCameraStats(stats, _time.GetUtcNow()));

    /// <summary>Queues a precision report if there is room; false (and counted) when full, closed or invalid.</summary>
    public bool TryWrite(PrecisionReport report) =>
        IsValid(ContractValidator.FindProblem(report), OutboxKinds.Precision, report.CameraId)
        && TryEnqueue(new PendingPrecisionReport(report, _time.GetUtcNow()));

    /// <summary>Queues a review sample if there is room; false (and counted) when full, closed or invalid.</summary>
    public bool TryWrite(ReviewSampleInfo info, byte[] jpeg) =>
        IsValid(FindProblem(info, jpeg), OutboxKinds.Sample, info.CameraId)
        && TryEnqueue(new PendingReviewSample(info, jpeg, _time.GetUtcNow()));

    /// <summary>Accepts nothing more; the writer drains what was accepted and stops.</summary>
    internal void Complete() => _channel.Writer.TryComplete();

    private static string? FindProblem(ReviewSampleInfo info, byte[] jpeg)
    {
        ArgumentNullException.ThrowIfNull(jpeg);
        return ContractValidator.FindProblem(info) ?? (jpeg.Length == 0 ? "the JPEG is empty" : null);
    }

    private bool IsValid(string? problem, string kind, string? cameraId)
    {
        if (problem is null)
            return true;
        Interlocked.Increment(ref _rejectedRecords);
        _logger.LogWarning("Refused a {Kind} record from camera {CameraId}: {Problem}", kind, cameraId, problem);
        return false;
    }

    private async ValueTask<bool> EnqueueAsync(PendingRecord record, CancellationToken cancellationToken)
    {
        while (await _channel.Writer.WaitToWriteAsync(cancellationToken))
        {
            if (_channel.Writer.TryWrite(record))
                return true;
        }
        return Dropped();
    }

    private bool TryEnqueue(PendingRecord record) => _channel.Writer.TryWrite(record) || Dropped();

    private bool Dropped()
    {
        Interlocked.Increment(ref _droppedRecords);
        return false;
    }
}
