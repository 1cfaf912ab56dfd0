using System.Diagnostics;
using System.Threading.Channels;
using EdgeMlops.CloudHub.Storage;

namespace EdgeMlops.CloudHub.Ingest;

/// <summary>
/// Group commit: callers queue parsed work and wait; one loop takes everything queued, stores it in one transaction and
/// completes every caller after the commit. Many devices publishing at once thus share one commit (one WAL sync)
/// instead of queueing for one each, and a caller still returns only once its records are durable.
/// </summary>
/// <remarks>
/// The loop starts with the first submission, so the writer works without a host; disposing it stores what is
/// already queued and then refuses new work.
/// </remarks>
internal sealed class IngestWriter(HubDatabase database, IngestMetrics metrics, ILogger<IngestWriter> logger) : IAsyncDisposable
{
    /// <summary>Caps one transaction, so one commit's latency stays bounded under a flood.</summary>
    private const int MaxGroupRecords = 20_000;

    private readonly Channel<PendingWork> _queue = Channel.CreateUnbounded<PendingWork>(
        new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _startLock = new();
    private IngestStatements? _statements;
    private Task? _loop;

    /// <summary>Stores <paramref name="work"/> in the next group; completes once that group is committed.</summary>
    /// <exception cref="HubStoreException">The store failed; nothing of this work was stored.</exception>
    public Task<StoreOutcome> SubmitAsync(IngestWork work, CancellationToken cancellationToken)
    {
        EnsureStarted();
        var pending = new PendingWork(work);
        if (!_queue.Writer.TryWrite(pending))
            throw new ObjectDisposedException(nameof(IngestWriter), "the ingest writer has stopped");
        // A cancelled caller stops waiting; its work may still be committed, and a redelivery then counts as duplicate.
        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        Task? loop;
        lock (_startLock)
            loop = _loop;
        if (loop is not null)
            await loop.ConfigureAwait(false);
    }

    private void EnsureStarted()
    {
        if (Volatile.Read(ref _loop) is not null)
            return;
        lock (_startLock)
            _loop ??= Task.Run(RunAsync);
    }

    private async Task RunAsync()
    {
        var group = new List<PendingWork>();
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            group.Clear();
            var records = 0;
            while (records < MaxGroupRecords && _queue.Reader.TryRead(out var pending))
            {
                group.Add(pending);
                records += pending.Work.RecordCount;
            }
            if (group.Count > 0)
                StoreGroup(group);
        }
    }

    private void StoreGroup(List<PendingWork> group)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var outcomes = Commit(group);
            metrics.RecordCommit(Stopwatch.GetElapsedTime(started), group.Count);
            for (var i = 0; i < group.Count; i++)
                group[i].Completion.TrySetResult(outcomes[i]);
        }
        catch (Exception groupFailure) when (group.Count > 1)
        {
            // One bad piece of work must not fail its neighbours: try each alone, so only the culprit fails.
            logger.LogWarning(groupFailure, "Committing a group of {Count} ingest messages failed; storing them one by one", group.Count);
            foreach (var pending in group)
                StoreAlone(pending);
        }
        catch (Exception failure)
        {
            Fail(group[0], failure);
        }
    }

    private void StoreAlone(PendingWork pending)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var outcome = Commit([pending])[0];
            metrics.RecordCommit(Stopwatch.GetElapsedTime(started), 1);
            pending.Completion.TrySetResult(outcome);
        }
        catch (Exception failure)
        {
            Fail(pending, failure);
        }
    }

    private StoreOutcome[] Commit(IReadOnlyList<PendingWork> group) => database.Write(connection =>
    {
        var statements = _statements ??= new IngestStatements(database);
        var outcomes = new StoreOutcome[group.Count];
        statements.Begin();
        try
        {
            for (var i = 0; i < group.Count; i++)
                outcomes[i] = statements.Apply(connection, group[i].Work);
            statements.Commit();
        }
        catch
        {
            statements.Rollback();
            throw;
        }
        return outcomes;
    });

    private void Fail(PendingWork pending, Exception failure)
    {
        metrics.RecordStoreFailure();
        logger.LogError(failure, "Storing a message from device {DeviceId} failed; it will not be acknowledged", pending.Work.DeviceId);
        pending.Completion.TrySetException(failure as HubStoreException
            ?? new HubStoreException($"storing a message from device '{pending.Work.DeviceId}' failed: {failure.Message}", failure));
    }

    private sealed class PendingWork(IngestWork work)
    {
        public IngestWork Work { get; } = work;

        // Continuations run off the writer loop, which goes straight back to the next group.
        public TaskCompletionSource<StoreOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
