using System.Text;
using EdgeMlops.CloudHub.Devices;
using EdgeMlops.CloudHub.Storage;
using EdgeMlops.Contracts;
using SQLite;

namespace EdgeMlops.CloudHub.Ingest;

/// <summary>
/// The ingest writer's SQL, compiled once on the write connection. Inserts are <c>INSERT OR IGNORE</c> on the
/// (device_id, epoch, seq) key, so a redelivered record changes nothing and reports 0 changed rows: a duplicate, if its
/// content is the stored one. Only then (rare) is the stored payload read and compared: other content under the same
/// key is a conflict (two boxes with one identity), kept as evidence by <see cref="CloneEvidence"/>, never stored.
/// </summary>
/// <remarks>Used only by the ingest writer's loop, inside <see cref="HubDatabase.Write{T}"/>.</remarks>
internal sealed class IngestStatements
{
    private readonly PreparedStatement _begin;
    private readonly PreparedStatement _commit;
    private readonly PreparedStatement _rollback;
    private readonly PreparedStatement _touch;
    private readonly PreparedStatement _progress;
    private readonly PreparedStatement _insertEvent;
    private readonly PreparedStatement _insertStats;
    private readonly PreparedStatement _insertSample;
    private readonly PreparedStatement _insertPrecision;
    private readonly PreparedStatement _insertPrecisionCount;
    private readonly PreparedStatement _status;
    private readonly PreparedStatement _reported;

    public IngestStatements(HubDatabase database)
    {
        _begin = database.Prepare("BEGIN IMMEDIATE");
        _commit = database.Prepare("COMMIT");
        _rollback = database.Prepare("ROLLBACK");
        // Also the authoritative enrolment check: a device revoked after its message was parsed matches no row.
        _touch = database.Prepare(
            "UPDATE devices SET last_seen = max(coalesce(last_seen, 0), ?2) WHERE id = ?1 AND password_hash IS NOT NULL");
        // SET expressions all see the row as it was, so data_epoch in the CASE is the previous epoch.
        _progress = database.Prepare("""
            UPDATE devices SET
                highest_seq = CASE WHEN data_epoch IS ?2 THEN max(coalesce(highest_seq, 0), ?3) ELSE ?3 END,
                data_epoch = ?2
            WHERE id = ?1
            """);
        _insertEvent = database.Prepare("""
            INSERT OR IGNORE INTO events (device_id, epoch, seq, camera_id, time, label, confidence, created_at, received_at, payload)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
            """);
        _insertStats = database.Prepare("""
            INSERT OR IGNORE INTO stats (device_id, epoch, seq, camera_id, time, estimated_precision, created_at, received_at, payload)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
            """);
        _insertSample = database.Prepare("""
            INSERT OR IGNORE INTO samples (device_id, epoch, seq, camera_id, time, label, confidence, sample_id, reason,
                                           created_at, received_at, image_path, image_bytes, payload)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
            """);
        _insertPrecision = database.Prepare("""
            INSERT OR IGNORE INTO precision_reports (device_id, epoch, seq, camera_id, model_name, model_version, source,
                window_start, window_end, drift_events, class_mix_psi, class_mix_js, confidence_psi, confidence_js,
                mean_brightness, mean_contrast, mean_box_area, created_at, received_at, payload)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)
            """);
        // Written only after its report's row was new, so a redelivered report never counts twice.
        _insertPrecisionCount = database.Prepare("""
            INSERT INTO precision_counts (device_id, camera_id, window_start, epoch, seq, label, model_name, model_version, source, predicted, correct)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
            """);
        // Status and reported state keep the newest: a redelivered older message must not undo a newer one.
        _status = database.Prepare("""
            UPDATE devices SET online = ?2, last_status_at = ?3, agent_version = coalesce(?4, agent_version)
            WHERE id = ?1 AND (last_status_at IS NULL OR last_status_at <= ?3)
            """);
        _reported = database.Prepare("""
            UPDATE devices SET reported_json = ?2, reported_at = ?3, outbox_epoch = ?4, last_issued_seq = ?5, pending = ?6,
                               oldest_pending_seq = ?7, evicted = ?8, model_name = ?9, model_version = ?10
            WHERE id = ?1 AND (reported_at IS NULL OR reported_at <= ?3)
            """);
    }

    public void Begin() => _begin.Execute();

    public void Commit() => _commit.Execute();

    /// <summary>Undoes the open transaction; quiet when there is none (SQLite may have rolled back already).</summary>
    public void Rollback()
    {
        try
        {
            _rollback.Execute();
        }
        catch (HubStoreException)
        {
        }
    }

    public StoreOutcome Apply(SQLiteConnection connection, IngestWork work)
    {
        var receivedAt = UnixTime.ToMs(work.ReceivedAt);
        if (_touch.Bind(1, work.DeviceId).Bind(2, receivedAt).Execute() == 0)
            return StoreOutcome.DeviceNotEnrolled;
        return work switch
        {
            TelemetryWork telemetry => ApplyTelemetry(connection, telemetry, receivedAt),
            SampleWork sample => ApplySample(connection, sample, receivedAt),
            StatusWork status => ApplyStatus(status, receivedAt),
            ReportedWork reported => ApplyReported(reported),
            _ => throw new InvalidOperationException($"unknown ingest work {work.GetType().Name}"),
        };
    }

    private StoreOutcome ApplyTelemetry(SQLiteConnection connection, TelemetryWork work, long receivedAt)
    {
        Span<byte> deviceId = stackalloc byte[Encoding.UTF8.GetMaxByteCount(work.DeviceId.Length)];
        deviceId = deviceId[..Encoding.UTF8.GetBytes(work.DeviceId, deviceId)];
        RecordCounts stored = default, duplicates = default;
        var conflicts = new ConflictTally();
        var appendsAfter = ConflictTally.AppendsAfter(connection, work.DeviceId, work.Epoch);
        foreach (var record in work.Records)
        {
            var payload = record.Payload.Span;
            // A seq is unique across kinds: a clone's event may sit where this box's stats record goes.
            if (record.Seq <= appendsAfter && conflicts.CheckOtherKinds(connection, work.DeviceId, work.Epoch, record.Seq, record.Kind, payload, receivedAt))
                continue;
            int changed;
            if (record.Kind == OutboxKinds.Event)
                changed = _insertEvent.BindUtf8(1, deviceId).Bind(2, work.Epoch).Bind(3, record.Seq).Bind(4, record.CameraId)
                    .Bind(5, UnixTime.ToMs(record.Time)).Bind(6, record.Label).Bind(7, record.Value)
                    .Bind(8, UnixTime.ToMs(record.CreatedAt)).Bind(9, receivedAt).BindUtf8(10, payload)
                    .Execute();
            else if (record.Precision is { } report)
                changed = InsertPrecision(deviceId, work.Epoch, record, report, receivedAt);
            else
                changed = _insertStats.BindUtf8(1, deviceId).Bind(2, work.Epoch).Bind(3, record.Seq).Bind(4, record.CameraId)
                    .Bind(5, UnixTime.ToMs(record.Time)).Bind(6, record.Value)
                    .Bind(7, UnixTime.ToMs(record.CreatedAt)).Bind(8, receivedAt).BindUtf8(9, payload)
                    .Execute();
            if (changed != 0)
                stored = stored.Add(record.Kind);
            else if (!conflicts.Check(connection, work.DeviceId, work.Epoch, record.Seq, record.Kind, payload, receivedAt))
                duplicates = duplicates.Add(record.Kind);
        }
        if (work.Records.Count > 0)
            _progress.BindUtf8(1, deviceId).Bind(2, work.Epoch).Bind(3, work.Records.Max(r => r.Seq)).Execute();
        return conflicts.Outcome(stored, duplicates);
    }

    private int InsertPrecision(ReadOnlySpan<byte> deviceId, long epoch, ParsedRecord record, PrecisionReport report, long receivedAt)
    {
        var drift = report.Drift;
        var windowStart = UnixTime.ToMs(report.WindowStart);
        var changed = _insertPrecision.BindUtf8(1, deviceId).Bind(2, epoch).Bind(3, record.Seq).Bind(4, record.CameraId)
            .Bind(5, report.ModelName).Bind(6, report.ModelVersion).Bind(7, report.Source)
            .Bind(8, windowStart).Bind(9, UnixTime.ToMs(report.WindowEnd))
            .Bind(10, drift?.Events).Bind(11, drift?.ClassMixPsi).Bind(12, drift?.ClassMixJs).Bind(13, drift?.ConfidencePsi)
            .Bind(14, drift?.ConfidenceJs).Bind(15, drift?.MeanBrightness).Bind(16, drift?.MeanContrast).Bind(17, drift?.MeanBoxArea)
            .Bind(18, UnixTime.ToMs(record.CreatedAt)).Bind(19, receivedAt).BindUtf8(20, record.Payload.Span)
            .Execute();
        if (changed == 0)
            return 0;
        foreach (var (label, figure) in report.Classes)
            _insertPrecisionCount.BindUtf8(1, deviceId).Bind(2, record.CameraId).Bind(3, windowStart).Bind(4, epoch).Bind(5, record.Seq)
                .Bind(6, label).Bind(7, report.ModelName).Bind(8, report.ModelVersion).Bind(9, report.Source)
                .Bind(10, figure.Predicted).Bind(11, figure.Correct)
                .Execute();
        return changed;
    }

    private StoreOutcome ApplySample(SQLiteConnection connection, SampleWork work, long receivedAt)
    {
        var header = work.Header;
        var info = header.Info;
        var one = default(RecordCounts).Add(OutboxKinds.Sample);
        var conflicts = new ConflictTally();
        if (header.Seq <= ConflictTally.AppendsAfter(connection, work.DeviceId, header.Epoch)
            && conflicts.CheckOtherKinds(connection, work.DeviceId, header.Epoch, header.Seq, OutboxKinds.Sample, work.InfoJson, receivedAt))
            return conflicts.Outcome(default, default);
        var changed = _insertSample.Bind(1, work.DeviceId).Bind(2, header.Epoch).Bind(3, header.Seq).Bind(4, info.CameraId)
            .Bind(5, UnixTime.ToMs(info.CapturedAt)).Bind(6, info.PredictedLabel).Bind(7, info.Confidence)
            .Bind(8, info.SampleId).Bind(9, info.Reason).Bind(10, UnixTime.ToMs(header.CreatedAt)).Bind(11, receivedAt)
            .Bind(12, work.ImagePath).Bind(13, work.ImageBytes).BindUtf8(14, work.InfoJson)
            .Execute();
        _progress.Bind(1, work.DeviceId).Bind(2, header.Epoch).Bind(3, header.Seq).Execute();
        if (changed != 0)
            return new StoreOutcome(false, one, default);
        var conflicted = work.ImageConflict is { } image
            ? conflicts.Record(connection, new RecordConflict(work.DeviceId, header.Epoch, header.Seq, OutboxKinds.Sample, image.Stored, image.Incoming), receivedAt)
            : conflicts.Check(connection, work.DeviceId, header.Epoch, header.Seq, OutboxKinds.Sample, work.InfoJson, receivedAt);
        return conflicted
            ? conflicts.Outcome(default, default)
            : new StoreOutcome(false, default, one);
    }

    private StoreOutcome ApplyStatus(StatusWork work, long receivedAt)
    {
        // The receive time, not the message's own: a last will carries the time its connection was made.
        _status.Bind(1, work.DeviceId).Bind(2, work.Status.Online ? 1 : 0).Bind(3, receivedAt)
            .Bind(4, work.Status.Online ? work.Status.AgentVersion : null)
            .Execute();
        return new StoreOutcome(false, default, default);
    }

    private StoreOutcome ApplyReported(ReportedWork work)
    {
        var state = work.State;
        var outbox = state.Outbox;
        _reported.Bind(1, work.DeviceId).BindUtf8(2, work.Json).Bind(3, UnixTime.ToMs(state.At)).Bind(4, outbox.Epoch)
            .Bind(5, outbox.LastIssuedSeq).Bind(6, outbox.Pending).Bind(7, outbox.OldestPendingSeq).Bind(8, outbox.Evicted)
            .Bind(9, state.ModelName).Bind(10, state.ModelVersion)
            .Execute();
        return new StoreOutcome(false, default, default);
    }

    /// <summary>The conflicts of one piece of work, checked on the ingest writer's connection inside its transaction.</summary>
    private sealed class ConflictTally
    {
        private RecordCounts _conflicts;
        private long? _firstSeq;
        private long _epoch;
        private bool _raised;

        /// <summary>
        /// Compares <paramref name="incoming"/> with what is stored under the key it could not be inserted at; true (and
        /// the evidence kept) when they differ. A key whose row is gone since the insert counts as a plain duplicate.
        /// </summary>
        public bool Check(SQLiteConnection connection, string deviceId, long epoch, long seq, string kind, ReadOnlySpan<byte> incoming, long receivedAt)
        {
            var stored = StoredPayload(connection, TableOf(kind), deviceId, epoch, seq);
            if (stored is null || incoming.SequenceEqual(stored))
                return false;
            return Record(connection, new RecordConflict(deviceId, epoch, seq, kind, CloneEvidence.Sha256(stored), CloneEvidence.Sha256(incoming)), receivedAt);
        }

        /// <summary>
        /// True (and the evidence kept) when the key is stored already as another kind of record: seqs are unique
        /// across kinds within an epoch, so only a clone puts an event where a stats record was.
        /// </summary>
        public bool CheckOtherKinds(SQLiteConnection connection, string deviceId, long epoch, long seq, string kind, ReadOnlySpan<byte> incoming, long receivedAt)
        {
            foreach (var other in Kinds)
            {
                if (other == kind || StoredPayload(connection, TableOf(other), deviceId, epoch, seq) is not { } stored)
                    continue;
                return Record(connection, new RecordConflict(deviceId, epoch, seq, kind, CloneEvidence.Sha256(stored), CloneEvidence.Sha256(incoming)), receivedAt);
            }
            return false;
        }

        /// <summary>
        /// Seqs up to this one may already be stored under (device, <paramref name="epoch"/>) and need the cross-kind
        /// check; records after it are appended and cannot clash. Devices send in seq order, so a live batch costs this
        /// one lookup; a batch of an epoch other than the last stored one is checked record by record.
        /// </summary>
        public static long AppendsAfter(SQLiteConnection connection, string deviceId, long epoch) =>
            connection.ExecuteScalar<long?>(
                "SELECT CASE WHEN data_epoch IS ? THEN coalesce(highest_seq, 0) ELSE 9223372036854775807 END FROM devices WHERE id = ?",
                epoch, deviceId) ?? long.MaxValue;

        private static readonly string[] Kinds = [OutboxKinds.Event, OutboxKinds.Stats, OutboxKinds.Sample, OutboxKinds.Precision];

        private static string TableOf(string kind) => kind switch
        {
            OutboxKinds.Event => "events",
            OutboxKinds.Stats => "stats",
            OutboxKinds.Precision => "precision_reports",
            _ => "samples",
        };

        private static byte[]? StoredPayload(SQLiteConnection connection, string table, string deviceId, long epoch, long seq) =>
            connection.ExecuteScalar<byte[]>(
                $"SELECT CAST(payload AS BLOB) FROM {table} WHERE device_id = ? AND epoch = ? AND seq = ?", deviceId, epoch, seq);

        /// <summary>Keeps the evidence of a conflict already established; true.</summary>
        public bool Record(SQLiteConnection connection, RecordConflict conflict, long receivedAt)
        {
            _raised |= CloneEvidence.RecordConflict(connection, conflict, receivedAt);
            _conflicts = _conflicts.Add(conflict.Kind);
            _firstSeq ??= conflict.Seq;
            _epoch = conflict.Epoch;
            return true;
        }

        public StoreOutcome Outcome(RecordCounts stored, RecordCounts duplicates) =>
            new(false, stored, duplicates)
            {
                Conflicts = _conflicts,
                ConditionRaised = _raised,
                ConflictEpoch = _epoch,
                FirstConflictSeq = _firstSeq,
            };
    }
}
