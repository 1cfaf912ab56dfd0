using System.Text;
using System.Text.Json;
using EdgeMlops.CloudHub.Devices;
using EdgeMlops.CloudHub.Monitoring;
using EdgeMlops.Contracts;
using EdgeMlops.Contracts.Text;

namespace EdgeMlops.CloudHub.Ingest;

/// <summary>
/// Takes device messages into the hub store, once <see cref="IngestAdmission"/> has read their topic and checked their
/// size. Parsing and checking happen on the caller's thread, so many devices' messages are read in parallel; a sample's
/// image is written next, then storing goes through the <see cref="IngestWriter"/>, which commits groups.
/// </summary>
internal sealed class MessageIngest(
    DeviceRegistry registry,
    IngestWriter writer,
    SampleFiles sampleFiles,
    SampleQuota sampleQuota,
    IngestMetrics metrics,
    CloneMetrics cloneMetrics,
    RejectionLog rejections,
    PrecisionGauges precisionGauges,
    TimeProvider time,
    ILogger<MessageIngest> logger) : IMessageIngest
{
    private const string NotEnrolledReason = "device not enrolled";

    public async ValueTask<IngestResult> IngestAsync(DeviceTopic deviceTopic, string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var receivedAt = time.GetUtcNow();
        if (!registry.IsEnrolled(deviceTopic.DeviceId))
            return RejectNotEnrolled(topic, deviceTopic);

        Parsed parsed;
        try
        {
            parsed = Parse(topic, deviceTopic, payload, receivedAt);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The contract readers do not throw; should one still, the message must not come back forever.
            logger.LogError(e, "Reading a {Channel} message from device {DeviceId} failed unexpectedly", deviceTopic.Channel, deviceTopic.DeviceId);
            return Reject(topic, deviceTopic, new PayloadRejection(RejectionKind.Malformed, $"the payload could not be read: {LogText.Escape(e.Message)}"));
        }
        if (parsed.Work is null)
        {
            metrics.RecordMessage(IngestChannels.Name(deviceTopic.Channel), IngestStatus.Rejected);
            return new IngestResult(IngestStatus.Rejected, 0, 0, parsed.RejectedRecords, parsed.Reason) { Kind = parsed.Kind };
        }
        // On disk before it is indexed, so a killed hub never indexes an image it does not have.
        if (parsed.Work is SampleWork sample)
        {
            // A sample already on disk is a redelivery (or a clone's, whose key conflicts) and costs nothing; it is never
            // written over, so a clone cannot replace the image stored first. A new one must fit the device's quota first.
            var imagePath = sampleFiles.FullPath(sample.ImagePath);
            if (!File.Exists(imagePath))
            {
                if (sampleQuota.TryTake(deviceTopic.DeviceId, parsed.Image.Length) is { } overQuota)
                    return Reject(topic, deviceTopic, new PayloadRejection(RejectionKind.QuotaExceeded, overQuota));
                sampleFiles.Save(sample.ImagePath, parsed.Image.Span);
            }
            else if (File.ReadAllBytes(imagePath) is var stored && !parsed.Image.Span.SequenceEqual(stored))
                parsed = parsed with { Work = sample with { ImageConflict = (CloneEvidence.Sha256(stored), CloneEvidence.Sha256(parsed.Image.Span)) } };
        }

        var outcome = await writer.SubmitAsync(parsed.Work, cancellationToken).ConfigureAwait(false);
        if (outcome.NotEnrolled)
            return RejectNotEnrolled(topic, deviceTopic);
        metrics.RecordRecords(outcome.Stored, outcome.Duplicates);
        metrics.RecordMessage(IngestChannels.Name(deviceTopic.Channel), IngestStatus.Stored);
        if (outcome.Conflicts.Total > 0)
            return Conflicted(deviceTopic, outcome, parsed);
        if (outcome.Stored.Precisions > 0 && parsed.Work is TelemetryWork telemetry)
        {
            foreach (var record in telemetry.Records)
            {
                if (record.Precision is { } report)
                    precisionGauges.Observe(report);
            }
        }
        return new IngestResult(IngestStatus.Stored, outcome.Stored.Total, outcome.Duplicates.Total, parsed.RejectedRecords, parsed.Reason) { Kind = parsed.Kind };
    }

    /// <summary>
    /// Some records came under keys already stored with other content: the rest is stored, those are not, and the
    /// device is told to keep them (it sends them again once it has started a new epoch). Logged when the condition is
    /// raised, not at every retry: once per clone outage.
    /// </summary>
    private IngestResult Conflicted(DeviceTopic deviceTopic, StoreOutcome outcome, Parsed parsed)
    {
        cloneMetrics.Conflicts(outcome.Conflicts.Total);
        if (outcome.ConditionRaised)
        {
            cloneMetrics.ConditionRaised();
            logger.LogWarning("Device {DeviceId} looks cloned: {Conflicts} records of epoch {Epoch} (from seq {Seq}) came with other content than the records " +
                "stored under the same keys (two boxes with one identity?); the stored ones stay, these are refused until the device starts a new epoch; " +
                "condition {Condition} raised until an operator clears it",
                deviceTopic.DeviceId, outcome.Conflicts.Total, outcome.ConflictEpoch, outcome.FirstConflictSeq, CloneEvidence.ConditionName);
        }
        var reason = $"{outcome.Conflicts.Total} records of epoch {outcome.ConflictEpoch} (from seq {outcome.FirstConflictSeq}) are stored already with other content: " +
            $"another box publishes under this identity ({CloneEvidence.ConditionName}); keep them until the hub asks for a new epoch";
        return new IngestResult(IngestStatus.Stored, outcome.Stored.Total, outcome.Duplicates.Total, parsed.RejectedRecords, reason)
        {
            Kind = parsed.Kind,
            Conflicts = outcome.Conflicts.Total,
        };
    }

    public IngestResult RefuseAtAdmission(DeviceTopic deviceTopic, string topic, PayloadRejection rejection) => Reject(topic, deviceTopic, rejection);

    private IngestResult Reject(string topic, DeviceTopic deviceTopic, PayloadRejection rejection)
    {
        RecordRejection(topic, deviceTopic, rejection);
        metrics.RecordMessage(IngestChannels.Name(deviceTopic.Channel), IngestStatus.Rejected);
        return new IngestResult(IngestStatus.Rejected, 0, 0, 0, rejection.Reason) { Kind = rejection.Kind };
    }

    private Parsed Parse(string topic, DeviceTopic deviceTopic, ReadOnlyMemory<byte> payload, DateTimeOffset receivedAt) =>
        deviceTopic.Channel switch
        {
            DeviceChannel.Telemetry => ParseTelemetry(topic, deviceTopic, payload, receivedAt),
            DeviceChannel.Samples => ParseSample(topic, deviceTopic, payload, receivedAt),
            DeviceChannel.Status => ParseStatus(topic, deviceTopic, payload.Span, receivedAt),
            DeviceChannel.Reported => ParseReported(topic, deviceTopic, payload.Span, receivedAt),
            _ => throw new InvalidOperationException($"channel {deviceTopic.Channel} is not ingested"),
        };

    private Parsed ParseTelemetry(string topic, DeviceTopic deviceTopic, ReadOnlyMemory<byte> payload, DateTimeOffset receivedAt)
    {
        // The records keep slices of the payload until they are stored, and the broker may reuse its buffer once a
        // cancelled caller has returned: they get a copy of their own (one copy per batch).
        var owned = GC.AllocateUninitializedArray<byte>(payload.Length);
        payload.CopyTo(owned);
        if (TelemetryBatchReader.TryRead(owned, deviceTopic.DeviceId) is not { } batch)
        {
            // Not plainly well-formed: the contract reader reads it again and words the rejection.
            if (!ContractReader.TryReadTelemetryBatch(owned, out var contractBatch, out var rejection))
                return Refused(topic, deviceTopic, rejection);
            if (ContractReader.CheckDevice(deviceTopic.DeviceId, contractBatch) is { } wrongDevice)
                return Refused(topic, deviceTopic, wrongDevice);
            batch = TelemetryBatchReader.FromContract(contractBatch);
        }
        return ReadRecords(topic, deviceTopic, batch, receivedAt);
    }

    /// <summary>
    /// Reads the records of a batch: each payload is deserialized once from its slice. A record that is not plainly
    /// valid is read again the thorough way, which words its rejection; one bad record costs only itself.
    /// </summary>
    private Parsed ReadRecords(string topic, DeviceTopic deviceTopic, RawBatch batch, DateTimeOffset receivedAt)
    {
        var accepted = new List<ParsedRecord>(batch.Records.Count);
        var refused = 0;
        string? firstReason = null;
        RejectionKind? kind = null;
        foreach (var record in batch.Records)
        {
            if (ReadPlainRecord(record) is { } message)
            {
                if (ContractReader.CheckDevice(deviceTopic.DeviceId, message) is { } wrongDevice)
                {
                    RefuseRecord(topic, deviceTopic, record.Seq, wrongDevice, ref refused, ref firstReason, ref kind);
                    continue;
                }
                accepted.Add(ToParsedRecord(record.Seq, record.CreatedAt, record.Payload, message));
                continue;
            }
            var element = ParseElement(record.Payload.Span);
            var outboxRecord = new OutboxRecord(record.Seq, record.Kind, record.CreatedAt, element);
            if (ReadRecord(deviceTopic.DeviceId, outboxRecord, record.Payload, out var recordRejection) is { } parsedRecord)
            {
                accepted.Add(parsedRecord);
                continue;
            }
            RefuseRecord(topic, deviceTopic, record.Seq, recordRejection!, ref refused, ref firstReason, ref kind);
        }
        return accepted.Count == 0
            ? new Parsed(null, refused, firstReason, kind)
            : new Parsed(new TelemetryWork(deviceTopic.DeviceId, receivedAt, batch.Epoch, accepted), refused, firstReason, kind);
    }

    /// <summary>
    /// The record's message when it is plainly valid: it starts with the current version (so the version check passes
    /// whatever follows), deserializes, still says the current version, and the validator finds no problem. Null sends
    /// the record down the thorough path.
    /// </summary>
    private static IDeviceMessage? ReadPlainRecord(RawBatchRecord record)
    {
        var payload = record.Payload.Span;
        // Unknown properties are skipped when deserializing, so only the size shows junk beside a valid message.
        if (!payload.StartsWith(CurrentVersionPrefix) || PayloadLimits.CheckRecord(payload.Length) is not null)
            return null;
        try
        {
            if (record.Kind == OutboxKinds.Event)
            {
                var e = JsonSerializer.Deserialize(payload, ContractsJsonContext.Default.VehicleEvent);
                return e is not null && e.V == ContractVersion.Current && ContractValidator.FindProblem(e) is null ? e : null;
            }
            if (record.Kind == OutboxKinds.Precision)
            {
                var p = JsonSerializer.Deserialize(payload, ContractsJsonContext.Default.PrecisionReport);
                return p is not null && p.V == ContractVersion.Current && ContractValidator.FindProblem(p) is null ? p : null;
            }
            if (record.Kind != OutboxKinds.Stats)
                return null;
            var s = JsonSerializer.Deserialize(payload, ContractsJsonContext.Default.CameraStats);
            return s is not null && s.V == ContractVersion.Current && ContractValidator.FindProblem(s) is null ? s : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static readonly byte[] CurrentVersionPrefix = Encoding.UTF8.GetBytes($"{{\"v\":{ContractVersion.Current},");

    private static JsonElement ParseElement(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json);
        return JsonElement.ParseValue(ref reader);
    }

    private void RefuseRecord(string topic, DeviceTopic deviceTopic, long seq, PayloadRejection rejection, ref int refused, ref string? firstReason, ref RejectionKind? kind)
    {
        // A record of a newer version outweighs any other cause: the device must keep it for a hub that reads it.
        if (kind is null || rejection.Kind == RejectionKind.UnsupportedVersion)
            kind = rejection.Kind;
        // One bad record costs only itself: the rest of the batch is stored.
        var reason = $"record seq {seq}: {rejection.Reason}";
        RecordRejection(topic, deviceTopic, rejection with { Reason = reason });
        refused++;
        firstReason ??= reason;
    }

    private static ParsedRecord? ReadRecord(string deviceId, OutboxRecord record, ReadOnlyMemory<byte> payload, out PayloadRejection? rejection)
    {
        if (!ContractReader.TryReadPayload(record, out var message, out rejection))
            return null;
        rejection = ContractReader.CheckDevice(deviceId, message);
        if (rejection is not null)
            return null;
        return message is VehicleEvent or CameraStats or PrecisionReport
            ? ToParsedRecord(record.Seq, record.CreatedAt, payload, message)
            // The batch validator already refuses samples in batches; this keeps a future kind from slipping through.
            : Refuse(out rejection, new PayloadRejection(RejectionKind.Invalid, $"kind '{record.Kind}' does not travel in telemetry batches"));
    }

    private static ParsedRecord ToParsedRecord(long seq, DateTimeOffset createdAt, ReadOnlyMemory<byte> payload, IDeviceMessage message) =>
        message switch
        {
            VehicleEvent e => new ParsedRecord(OutboxKinds.Event, seq, e.CameraId, e.LastSeen, e.Label, e.Confidence, createdAt, payload),
            CameraStats s => new ParsedRecord(OutboxKinds.Stats, seq, s.CameraId, s.IntervalEnd, null, s.EstimatedPrecision, createdAt, payload),
            PrecisionReport p => new ParsedRecord(OutboxKinds.Precision, seq, p.CameraId ?? "", p.WindowStart, null, null, createdAt, payload) { Precision = p },
            _ => throw new InvalidOperationException($"{message.GetType().Name} does not travel in telemetry batches"),
        };

    private Parsed ParseSample(string topic, DeviceTopic deviceTopic, ReadOnlyMemory<byte> payload, DateTimeOffset receivedAt)
    {
        if (!SampleFrame.TryRead(payload, out var header, out var jpeg, out var rejection))
            return Refused(topic, deviceTopic, rejection);
        if (ContractReader.CheckDevice(deviceTopic.DeviceId, header) is { } wrongDevice)
            return Refused(topic, deviceTopic, wrongDevice);
        var imagePath = SampleFiles.RelativePath(deviceTopic.DeviceId, header.Epoch, header.Seq);
        var infoJson = JsonSerializer.SerializeToUtf8Bytes(header.Info, ContractsJsonContext.Default.ReviewSampleInfo);
        return new Parsed(new SampleWork(deviceTopic.DeviceId, receivedAt, header, imagePath, jpeg.Length, infoJson), 0, null) { Image = jpeg };
    }

    private Parsed ParseStatus(string topic, DeviceTopic deviceTopic, ReadOnlySpan<byte> payload, DateTimeOffset receivedAt)
    {
        if (!ContractReader.TryReadDeviceStatus(payload, out var status, out var rejection))
            return Refused(topic, deviceTopic, rejection);
        if (ContractReader.CheckDevice(deviceTopic.DeviceId, status) is { } wrongDevice)
            return Refused(topic, deviceTopic, wrongDevice);
        return new Parsed(new StatusWork(deviceTopic.DeviceId, receivedAt, status), 0, null);
    }

    private Parsed ParseReported(string topic, DeviceTopic deviceTopic, ReadOnlySpan<byte> payload, DateTimeOffset receivedAt)
    {
        if (!ContractReader.TryReadReportedState(payload, out var state, out var rejection))
            return Refused(topic, deviceTopic, rejection);
        if (ContractReader.CheckDevice(deviceTopic.DeviceId, state) is { } wrongDevice)
            return Refused(topic, deviceTopic, wrongDevice);
        return new Parsed(new ReportedWork(deviceTopic.DeviceId, receivedAt, state, payload.ToArray()), 0, null);
    }

    private Parsed Refused(string topic, DeviceTopic deviceTopic, PayloadRejection rejection)
    {
        RecordRejection(topic, deviceTopic, rejection);
        return new Parsed(null, 0, rejection.Reason, rejection.Kind);
    }

    private IngestResult RejectNotEnrolled(string topic, DeviceTopic deviceTopic)
    {
        var channel = IngestChannels.Name(deviceTopic.Channel);
        metrics.RecordRejection(channel, IngestChannels.NotEnrolled);
        metrics.RecordMessage(channel, IngestStatus.Rejected);
        rejections.Add(topic, deviceTopic.DeviceId, channel, IngestChannels.NotEnrolled, NotEnrolledReason);
        return new IngestResult(IngestStatus.Rejected, 0, 0, 0, NotEnrolledReason) { NotEnrolled = true };
    }

    private void RecordRejection(string topic, DeviceTopic deviceTopic, PayloadRejection rejection)
    {
        metrics.RecordRejection(IngestChannels.Name(deviceTopic.Channel), rejection.Kind.ToString());
        rejections.Add(topic, deviceTopic, rejection);
    }

    private static ParsedRecord? Refuse(out PayloadRejection? rejection, PayloadRejection value)
    {
        rejection = value;
        return null;
    }

    /// <summary>A message read: the work to store (null when nothing in it can be), records refused inside it, and the first reason.</summary>
    private readonly record struct Parsed(IngestWork? Work, int RejectedRecords, string? Reason, RejectionKind? Kind = null)
    {
        /// <summary>A sample's JPEG, written to disk before its work is stored.</summary>
        public ReadOnlyMemory<byte> Image { get; init; }
    }
}
