using EdgeMlops.Contracts.Text;
using EdgeMlops.EdgeAgent.Telemetry;
using MQTTnet;
using MQTTnet.Protocol;
using Microsoft.Extensions.Logging;

namespace EdgeMlops.EdgeAgent.Sync;

/// <summary>
/// Publishes the outbox over one connection, oldest record first, with up to <c>maxInFlight</c> messages awaiting their
/// PUBACK. Verdicts are taken in publish order, so records leave the outbox (<see cref="EdgeStore.Acknowledge"/>) only up
/// to the highest seq whose whole prefix the broker acknowledged; anything after a failure is published again.
/// </summary>
/// <remarks>Used by one loop at a time; a new connection gets a new drain, which starts again from the oldest record left.</remarks>
internal sealed class OutboxDrain
{
    private readonly IMqttClient _client;
    private readonly EdgeStore _store;
    private readonly OutboxPacker _packer;
    private readonly SyncProgress _progress;
    private readonly ILogger _logger;
    private readonly int _batchRecords;
    private readonly int _maxInFlight;
    private readonly CancellationToken _connectionToken;
    private readonly Queue<(OutboxMessage Message, Task<PublishOutcome> Outcome)> _inFlight = new();

    private long _epoch;
    private long _sentSeq;          // every record up to here is published, in flight, or gone
    private long _settledSeq;       // every record up to here has a verdict that lets it go, in order
    private long _acknowledgedSeq;  // every record up to here has left the outbox

    /// <param name="connectionToken">Cancels the publishes themselves: the connection is gone or the agent gives up.</param>
    public OutboxDrain(IMqttClient client, EdgeStore store, OutboxPacker packer, SyncProgress progress, ILogger logger,
        int batchRecords, int maxInFlight, CancellationToken connectionToken)
    {
        _client = client;
        _store = store;
        _packer = packer;
        _progress = progress;
        _logger = logger;
        _batchRecords = batchRecords;
        _maxInFlight = maxInFlight;
        _connectionToken = connectionToken;
    }

    /// <summary>
    /// Whether there may be something to do: a first read (which also opens the file if nobody has yet), records beyond
    /// those sent, verdicts to collect, or a new file.
    /// </summary>
    public bool HasWork => _epoch == 0 || _inFlight.Count > 0 || _store.LastIssuedSeq > _sentSeq || _store.Epoch != _epoch;

    /// <summary>
    /// Publishes the next records (up to one read of <c>batchRecords</c>) and takes the verdicts that are in; when there is
    /// nothing new, waits for every verdict still out. Returns the number of records read; 0 when caught up.
    /// </summary>
    /// <exception cref="SyncPublishException">A message was refused or not acknowledged; call <see cref="Rewind"/> before going on.</exception>
    /// <exception cref="EdgeStoreException">The store failed; call <see cref="Rewind"/> before going on.</exception>
    public async Task<int> PumpAsync(CancellationToken cancellationToken)
    {
        var lastIssued = _store.LastIssuedSeq;
        var entries = _store.ReadOutbox(_sentSeq, _batchRecords);
        if (StartOverIfTheFileChanged())
        {
            lastIssued = _store.LastIssuedSeq;
            entries = _store.ReadOutbox(_sentSeq, _batchRecords);
        }
        if (entries.Count == 0)
        {
            // Nothing after _sentSeq up to what was issued before the read: whatever lay in between was evicted.
            _sentSeq = Math.Max(_sentSeq, lastIssued);
            while (_inFlight.Count > 0)
                await SettleOldestAsync(cancellationToken).ConfigureAwait(false);
            AcknowledgeSettled();
            return 0;
        }
        foreach (var message in _packer.Pack(entries, _epoch))
        {
            while (_inFlight.Count >= _maxInFlight)
                await SettleOldestAsync(cancellationToken).ConfigureAwait(false);
            _inFlight.Enqueue((message, SendAsync(message)));
            _sentSeq = message.LastSeq;
        }
        while (_inFlight.TryPeek(out var oldest) && oldest.Outcome.IsCompleted)
            await SettleOldestAsync(cancellationToken).ConfigureAwait(false);
        AcknowledgeSettled();
        return entries.Count;
    }

    /// <summary>
    /// Forgets the messages in flight and goes back to the oldest record still in the outbox: at-least-once, the hub
    /// drops the duplicates by (device, epoch, seq).
    /// </summary>
    public void Rewind()
    {
        // Their outcome tasks never fault, so nothing is left unobserved.
        _inFlight.Clear();
        _sentSeq = _settledSeq = _acknowledgedSeq;
    }

    private async Task<PublishOutcome> SendAsync(OutboxMessage message)
    {
        if (message.LocalRefusal is { } reason)
            return PublishOutcome.RefusedLocally(reason);
        try
        {
            var publish = new MqttApplicationMessageBuilder()
                .WithTopic(message.Topic)
                .WithPayload(message.Payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build();
            _progress.Published(message);
            return PublishOutcome.FromOutbox(await _client.PublishAsync(publish, _connectionToken).ConfigureAwait(false));
        }
        catch (Exception e)
        {
            return PublishOutcome.Failed(e);
        }
    }

    private async Task SettleOldestAsync(CancellationToken cancellationToken)
    {
        var (message, pending) = _inFlight.Peek();
        var outcome = await pending.WaitAsync(cancellationToken).ConfigureAwait(false);
        _inFlight.Dequeue();
        switch (outcome.Verdict)
        {
            case PublishVerdict.Delivered:
                _progress.Acked(message.Records);
                break;
            case PublishVerdict.RejectedByHub:
                _progress.RejectedByHubDropped(message.Records);
                _logger.LogWarning(
                    "The hub rejected {MessageKind} {SeqRange} ({Records} records) as a payload it will never accept ({Detail}); dropping them from the outbox",
                    Kind(message), message.SeqRange, message.Records, LogText.Escape(outcome.Detail));
                break;
            case PublishVerdict.RefusedLocally:
                _progress.UnsendableDropped(message.Records);
                _logger.LogWarning("Outbox {SeqRange} cannot be sent: {Reason}; dropping it from the outbox", message.SeqRange, LogText.Escape(outcome.Detail));
                break;
            default:
                if (outcome.Verdict == PublishVerdict.Refused)
                    _progress.PublishRefused();
                throw new SyncPublishException(message, outcome);
        }
        _settledSeq = message.LastSeq;
    }

    private void AcknowledgeSettled()
    {
        if (_settledSeq <= _acknowledgedSeq)
            return;
        // Never acknowledge seqs of one file in another: they would be records nobody has sent.
        if (StartOverIfTheFileChanged())
            return;
        if (_store.Acknowledge(_epoch, _settledSeq) is null)
        {
            StartOverIfTheFileChanged(); // the file changed between the check and the delete; nothing was removed
            return;
        }
        _acknowledgedSeq = _settledSeq;
    }

    /// <summary>True (and every position back to 0) when the store's epoch is no longer the one the positions refer to.</summary>
    private bool StartOverIfTheFileChanged()
    {
        var epoch = _store.Epoch;
        if (epoch == _epoch)
            return false;
        var previous = _epoch;
        _epoch = epoch;
        if (previous == 0)
            return false;
        _logger.LogWarning("Telemetry store {DatabasePath} has a new epoch {Epoch} (was {PreviousEpoch}): the file was replaced; draining it from its start",
            _store.DatabasePath, epoch, previous);
        _inFlight.Clear();
        _sentSeq = _settledSeq = _acknowledgedSeq = 0;
        return true;
    }

    private static string Kind(OutboxMessage message) => message.IsSample ? "sample" : "telemetry batch";
}
