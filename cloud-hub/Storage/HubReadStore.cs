using System.Text;

namespace EdgeMlops.CloudHub.Storage;

/// <summary>The queries behind the HTTP API, on read connections.</summary>
public sealed class HubReadStore(HubDatabase database)
{
    private const string DeviceColumns = """
        id, enrolled_at, password_hash IS NOT NULL AS enrolled, online, last_seen, last_status_at, agent_version,
        reported_at, outbox_epoch, last_issued_seq, pending, oldest_pending_seq, evicted, model_name, model_version,
        data_epoch, highest_seq
        """;

    /// <summary>Every device the hub knows, enrolled or revoked, by id.</summary>
    public IReadOnlyList<DeviceRow> Devices() =>
        database.Read(connection => connection.Query<DeviceRow>($"SELECT {DeviceColumns} FROM devices ORDER BY id"));

    /// <summary>One device, or null when the hub has never known it.</summary>
    public DeviceRow? Device(string deviceId) =>
        database.Read(connection => connection.Query<DeviceRow>($"SELECT {DeviceColumns} FROM devices WHERE id = ?", deviceId))
            .FirstOrDefault();

    public IReadOnlyList<EventRow> Events(RecordQuery query) =>
        Page<EventRow>("events", "label, confidence", query);

    public IReadOnlyList<StatsRow> Stats(RecordQuery query) =>
        Page<StatsRow>("stats", "estimated_precision", query);

    public IReadOnlyList<SampleRow> Samples(RecordQuery query) =>
        Page<SampleRow>("samples", "label, confidence, sample_id, reason, image_path, image_bytes", query);

    /// <summary>One sample, or null.</summary>
    public SampleRow? Sample(string deviceId, long epoch, long seq) =>
        database.Read(connection => connection.Query<SampleRow>(
                $"SELECT {CommonColumns}, label, confidence, sample_id, reason, image_path, image_bytes FROM samples WHERE device_id = ? AND epoch = ? AND seq = ?",
                deviceId, epoch, seq))
            .FirstOrDefault();

    private const string CommonColumns = "device_id, epoch, seq, camera_id, time, created_at, received_at, payload";

    // Ordered by (time, epoch, seq) to match the (device_id[, camera_id], time, epoch, seq) indexes; the row-value
    // comparison continues exactly after the last row of the previous page, whatever arrives meanwhile.
    private IReadOnlyList<T> Page<T>(string table, string columns, RecordQuery query) where T : new()
    {
        var sql = new StringBuilder($"SELECT {CommonColumns}, {columns} FROM {table} WHERE device_id = ?");
        var arguments = new List<object> { query.DeviceId };
        if (query.CameraId is { } camera)
        {
            sql.Append(" AND camera_id = ?");
            arguments.Add(camera);
        }
        if (query.From is { } from)
        {
            sql.Append(" AND time >= ?");
            arguments.Add(from);
        }
        if (query.To is { } to)
        {
            sql.Append(" AND time < ?");
            arguments.Add(to);
        }
        if (query.After is { } after)
        {
            sql.Append(" AND (time, epoch, seq) > (?, ?, ?)");
            arguments.AddRange([after.Time, after.Epoch, after.Seq]);
        }
        sql.Append(" ORDER BY time, epoch, seq LIMIT ?");
        arguments.Add(query.Limit);
        return database.Read(connection => connection.Query<T>(sql.ToString(), arguments.ToArray()));
    }
}
