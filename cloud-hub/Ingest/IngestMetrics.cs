using System.Collections.Concurrent;
using System.Diagnostics;
using EdgeMlops.Contracts;
using EdgeMlops.Observability;

namespace EdgeMlops.CloudHub.Ingest;

/// <summary>Counters of what the ingest did since the hub started, for <c>/metrics</c> and <c>/api/ingest</c>.</summary>
public sealed class IngestMetrics : IMetricsSource
{
    private static readonly string[] Kinds = [OutboxKinds.Event, OutboxKinds.Stats, OutboxKinds.Sample, OutboxKinds.Precision];

    private readonly ConcurrentDictionary<(string Channel, IngestStatus Status), Counter> _messages = new();
    private readonly ConcurrentDictionary<(string Channel, string Kind), Counter> _rejections = new();
    private readonly Counter[] _stored = [new(), new(), new(), new()];
    private readonly Counter[] _duplicates = [new(), new(), new(), new()];
    private long _commits;
    private long _commitTicks;
    private long _committedMessages;
    private long _maxGroup;
    private long _storeFailures;

    internal void RecordMessage(string channel, IngestStatus status) =>
        _messages.GetOrAdd((channel, status), static _ => new Counter()).Increment();

    internal void RecordRejection(string channel, string kind) =>
        _rejections.GetOrAdd((channel, kind), static _ => new Counter()).Increment();

    internal void RecordRecords(RecordCounts stored, RecordCounts duplicates)
    {
        _stored[0].Add(stored.Events);
        _stored[1].Add(stored.Stats);
        _stored[2].Add(stored.Samples);
        _stored[3].Add(stored.Precisions);
        _duplicates[0].Add(duplicates.Events);
        _duplicates[1].Add(duplicates.Stats);
        _duplicates[2].Add(duplicates.Samples);
        _duplicates[3].Add(duplicates.Precisions);
    }

    internal void RecordCommit(TimeSpan elapsed, int messages)
    {
        Interlocked.Increment(ref _commits);
        Interlocked.Add(ref _commitTicks, elapsed.Ticks);
        Interlocked.Add(ref _committedMessages, messages);
        long max;
        while (messages > (max = Interlocked.Read(ref _maxGroup)) && Interlocked.CompareExchange(ref _maxGroup, messages, max) != max)
        {
        }
    }

    internal void RecordStoreFailure() => Interlocked.Increment(ref _storeFailures);

    /// <summary>The counters as they are now.</summary>
    public IngestCounters Snapshot()
    {
        var commits = Interlocked.Read(ref _commits);
        return new IngestCounters(
            Messages: _messages.OrderBy(m => m.Key.Channel, StringComparer.Ordinal).ThenBy(m => m.Key.Status)
                .Select(m => new MessageCount(m.Key.Channel, m.Key.Status.ToString(), m.Value.Value)).ToList(),
            Records: Kinds.Select((kind, i) => new RecordCount(kind, _stored[i].Value, _duplicates[i].Value)).ToList(),
            Rejections: _rejections.OrderBy(r => r.Key.Channel, StringComparer.Ordinal).ThenBy(r => r.Key.Kind, StringComparer.Ordinal)
                .Select(r => new RejectionCount(r.Key.Channel, r.Key.Kind, r.Value.Value)).ToList(),
            Commits: commits,
            CommitSeconds: TimeSpan.FromTicks(Interlocked.Read(ref _commitTicks)).TotalSeconds,
            CommittedMessages: Interlocked.Read(ref _committedMessages),
            MaxGroupSize: Interlocked.Read(ref _maxGroup),
            StoreFailures: Interlocked.Read(ref _storeFailures));
    }

    /// <summary>Rejections counted for (<paramref name="channel"/>, <paramref name="kind"/>).</summary>
    public long RejectionsOf(DeviceChannel channel, string kind) =>
        _rejections.TryGetValue((IngestChannels.Name(channel), kind), out var counter) ? counter.Value : 0;

    public void WriteMetrics(PrometheusTextWriter writer)
    {
        var counters = Snapshot();
        writer.Counter("edgemlops_hub_ingest_messages_total", "Messages taken from devices, by channel and outcome.");
        foreach (var message in counters.Messages)
            writer.Sample("edgemlops_hub_ingest_messages_total", message.Count, ("channel", message.Channel), ("status", message.Status.ToLowerInvariant()));
        writer.Counter("edgemlops_hub_ingest_records_stored_total", "Records newly stored, by kind.");
        foreach (var record in counters.Records)
            writer.Sample("edgemlops_hub_ingest_records_stored_total", record.Stored, ("kind", record.Kind));
        writer.Counter("edgemlops_hub_ingest_records_duplicate_total", "Records received again after they were stored (at-least-once redelivery), by kind.");
        foreach (var record in counters.Records)
            writer.Sample("edgemlops_hub_ingest_records_duplicate_total", record.Duplicates, ("kind", record.Kind));
        writer.Counter("edgemlops_hub_ingest_rejections_total", "Messages or records refused, by channel and cause.");
        foreach (var rejection in counters.Rejections)
            writer.Sample("edgemlops_hub_ingest_rejections_total", rejection.Count, ("channel", rejection.Channel), ("kind", rejection.Kind));
        writer.Counter("edgemlops_hub_ingest_commits_total", "Ingest transactions committed.")
            .Sample("edgemlops_hub_ingest_commits_total", counters.Commits);
        writer.Counter("edgemlops_hub_ingest_commit_seconds_total", "Time spent storing and committing ingest groups.")
            .Sample("edgemlops_hub_ingest_commit_seconds_total", counters.CommitSeconds);
        writer.Counter("edgemlops_hub_ingest_committed_messages_total", "Messages stored by those commits (divide by commits for the mean group size).")
            .Sample("edgemlops_hub_ingest_committed_messages_total", counters.CommittedMessages);
        writer.Gauge("edgemlops_hub_ingest_max_group_messages", "The most messages one commit has stored.")
            .Sample("edgemlops_hub_ingest_max_group_messages", counters.MaxGroupSize);
        writer.Counter("edgemlops_hub_ingest_store_failures_total", "Messages that could not be stored (left unacknowledged).")
            .Sample("edgemlops_hub_ingest_store_failures_total", counters.StoreFailures);
    }

    [DebuggerDisplay("{Value}")]
    private sealed class Counter
    {
        private long _value;
        public long Value => Interlocked.Read(ref _value);
        public void Increment() => Interlocked.Increment(ref _value);
        public void Add(long amount)
        {
            if (amount != 0)
                Interlocked.Add(ref _value, amount);
        }
    }
}

/// <summary>The ingest counters at one moment.</summary>
public sealed record IngestCounters(
    IReadOnlyList<MessageCount> Messages,
    IReadOnlyList<RecordCount> Records,
    IReadOnlyList<RejectionCount> Rejections,
    long Commits,
    double CommitSeconds,
    long CommittedMessages,
    long MaxGroupSize,
    long StoreFailures);

/// <summary>Messages on one channel with one outcome.</summary>
public sealed record MessageCount(string Channel, string Status, long Count);

/// <summary>Records of one kind, stored and received again.</summary>
public sealed record RecordCount(string Kind, long Stored, long Duplicates);

/// <summary>Rejections on one channel for one cause.</summary>
public sealed record RejectionCount(string Channel, string Kind, long Count);
