using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeMlops.EdgeAgent.Telemetry;

/// <summary>
/// Drains the <see cref="TelemetryQueue"/> into the <see cref="EdgeStore"/>: one transaction per batch of at most
/// <see cref="EdgeStoreOptions.BatchSize"/> records, committed once full or <see cref="EdgeStoreOptions.FlushInterval"/>
/// after its first record. On stop it closes the queue, commits everything already accepted, and only then returns.
/// A failing store costs the failed batch (counted in <see cref="EdgeStore.LostRecords"/>), never the writer; the agent
/// refuses to start on a file it cannot open (<see cref="StoreOpenCheck"/>).
/// </summary>
/// <remarks>
/// A hosted service rather than a <see cref="BackgroundService"/>: in .NET 10 a BackgroundService stopped before
/// its ExecuteAsync was scheduled never runs it, which would leave records accepted right after start unwritten.
/// </remarks>
public sealed class TelemetryWriter : IHostedService
{
    // A store that keeps failing the same way is reported again at this pace, not once per batch.
    private static readonly TimeSpan RepeatFailureReportEvery = TimeSpan.FromMinutes(1);

    private readonly TelemetryQueue _queue;
    private readonly EdgeStore _store;
    private readonly EdgeStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<TelemetryWriter> _logger;
    private StoreProblem? _failing;
    private DateTimeOffset _failureReportedAt;

    public TelemetryWriter(TelemetryQueue queue, EdgeStore store, IOptions<EdgeStoreOptions> options, TimeProvider time,
        ILogger<TelemetryWriter> logger)
    {
        _queue = queue;
        _store = store;
        _options = options.Value;
        _options.Validate();
        _time = time;
        _logger = logger;
    }

    /// <summary>The drain loop; it completes only after <see cref="StopAsync"/> and a final commit.</summary>
    internal Task Draining { get; private set; } = Task.CompletedTask;

    /// <summary>Starts draining the queue in the background.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Draining = Task.Run(DrainAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Closes the queue and waits until everything it accepted is committed (or <paramref name="cancellationToken"/> gives up).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Complete();
        await Draining.WaitAsync(cancellationToken);
    }

    private async Task DrainAsync()
    {
        Attempt(_store.EnsureOpen);
        var batch = new List<PendingRecord>(_options.BatchSize);
        while (await FillAsync(batch))
        {
            Attempt(() => _store.Append(batch));
            batch.Clear();
        }
    }

    /// <summary>Waits for a first record, then gathers more until the batch is full or the flush interval is up. False once the queue is closed and empty.</summary>
    private async Task<bool> FillAsync(List<PendingRecord> batch)
    {
        var reader = _queue.Reader;
        if (!await reader.WaitToReadAsync())
            return false;
        using var flushDue = new CancellationTokenSource(_options.FlushInterval, _time);
        while (batch.Count < _options.BatchSize)
        {
            if (reader.TryRead(out var record))
            {
                batch.Add(record);
                continue;
            }
            try
            {
                if (!await reader.WaitToReadAsync(flushDue.Token))
                    break;
            }
            catch (OperationCanceledException) when (flushDue.IsCancellationRequested)
            {
                break;
            }
        }
        return true;
    }

    private void Attempt(Action write)
    {
        try
        {
            write();
            if (_failing is { } problem)
            {
                _logger.LogInformation("Telemetry store {DatabasePath} works again after {Problem}; {LostRecords} records were lost in all",
                    _store.DatabasePath, problem, _store.LostRecords);
                _failing = null;
            }
        }
        catch (EdgeStoreException failure)
        {
            Report(failure);
        }
    }

    private void Report(EdgeStoreException failure)
    {
        var now = _time.GetUtcNow();
        if (failure.Problem == _failing && now - _failureReportedAt < RepeatFailureReportEvery)
        {
            _logger.LogDebug("Telemetry store {DatabasePath} still failing ({Problem}): {RecordsLost} more records lost",
                failure.DatabasePath, failure.Problem, failure.RecordsLost);
            return;
        }
        _failing = failure.Problem;
        _failureReportedAt = now;
        // The stack trace helps only with failures nobody anticipated; for a full disk it is noise.
        _logger.LogError(failure.Problem == StoreProblem.Unexpected ? failure : null,
            "Telemetry store {DatabasePath} failed ({Problem}): {Reason}. {RecordsLost} records of this batch are lost, {TotalLostRecords} in all; the pipeline keeps running and the store retries",
            failure.DatabasePath, failure.Problem, failure.Reason, failure.RecordsLost, _store.LostRecords);
    }
}
