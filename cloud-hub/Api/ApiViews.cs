using System.Text.Json;
using EdgeMlops.CloudHub.Ingest;
using EdgeMlops.CloudHub.Operators;
using EdgeMlops.CloudHub.Storage;

namespace EdgeMlops.CloudHub.Api;

/// <summary>A device as the API shows it.</summary>
/// <param name="Enrolled">False once revoked: the device's data stays, its credential is gone.</param>
/// <param name="HighestStoredSeq">The highest seq stored for <paramref name="StoredEpoch"/>; with the backlog it shows how far behind the hub is.</param>
public sealed record DeviceView(
    string DeviceId,
    bool Enrolled,
    DateTimeOffset EnrolledAt,
    bool Online,
    DateTimeOffset? LastSeen,
    DateTimeOffset? LastStatusAt,
    string? AgentVersion,
    ModelView? Model,
    BacklogView? Backlog,
    long? StoredEpoch,
    long? HighestStoredSeq)
{
    /// <summary>Conditions raised on the device that need an operator, e.g. <c>cloned-device</c>; empty when all is well.</summary>
    public IReadOnlyList<string> Conditions { get; init; } = [];

    public static DeviceView From(DeviceRow row) => new(
        row.Id, row.Enrolled, UnixTime.FromMs(row.EnrolledAt), row.Online, UnixTime.FromMs(row.LastSeen), UnixTime.FromMs(row.LastStatusAt),
        row.AgentVersion,
        row.ModelName is { } name && row.ModelVersion is { } version ? new ModelView(name, version) : null,
        row.ReportedAt is { } reportedAt
            ? new BacklogView(row.Pending ?? 0, UnixTime.FromMs(reportedAt), row.OutboxEpoch ?? 0, row.LastIssuedSeq ?? 0, row.OldestPendingSeq, row.Evicted ?? 0)
            : null,
        row.DataEpoch, row.HighestSeq);
}

/// <summary>The model a device reported running.</summary>
public sealed record ModelView(string Name, string Version);

/// <summary>The device's outbox as it last reported it: <paramref name="Pending"/> records still to come, as of <paramref name="ReportedAt"/>.</summary>
public sealed record BacklogView(long Pending, DateTimeOffset ReportedAt, long Epoch, long LastIssuedSeq, long? OldestPendingSeq, long Evicted);

/// <summary>A page of records and where the next one starts (null on the last page).</summary>
public sealed record PageView<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>A stored vehicle event; <paramref name="Event"/> is the message as the device sent it.</summary>
public sealed record EventView(long Epoch, long Seq, string CameraId, DateTimeOffset Time, string Label, double Confidence,
    DateTimeOffset CreatedAt, DateTimeOffset ReceivedAt, JsonElement Event)
{
    public static EventView From(EventRow row) => new(row.Epoch, row.Seq, row.CameraId, UnixTime.FromMs(row.Time), row.Label, row.Confidence,
        UnixTime.FromMs(row.CreatedAt), UnixTime.FromMs(row.ReceivedAt), ApiJson.Parse(row.Payload));
}

/// <summary>A stored stats interval; <paramref name="Time"/> is the interval's end.</summary>
public sealed record StatsView(long Epoch, long Seq, string CameraId, DateTimeOffset Time, double? EstimatedPrecision,
    DateTimeOffset CreatedAt, DateTimeOffset ReceivedAt, JsonElement Stats)
{
    public static StatsView From(StatsRow row) => new(row.Epoch, row.Seq, row.CameraId, UnixTime.FromMs(row.Time), row.EstimatedPrecision,
        UnixTime.FromMs(row.CreatedAt), UnixTime.FromMs(row.ReceivedAt), ApiJson.Parse(row.Payload));
}

/// <summary>A stored review sample; <paramref name="Time"/> is when it was captured, <paramref name="ImageUrl"/> serves the JPEG.</summary>
public sealed record SampleView(long Epoch, long Seq, string CameraId, DateTimeOffset Time, string SampleId, string PredictedLabel,
    double Confidence, string Reason, DateTimeOffset CreatedAt, DateTimeOffset ReceivedAt, long ImageBytes, string ImageUrl, JsonElement Info)
{
    public static SampleView From(SampleRow row) => new(row.Epoch, row.Seq, row.CameraId, UnixTime.FromMs(row.Time), row.SampleId, row.Label,
        row.Confidence, row.Reason, UnixTime.FromMs(row.CreatedAt), UnixTime.FromMs(row.ReceivedAt), row.ImageBytes,
        $"/api/devices/{Uri.EscapeDataString(row.DeviceId)}/samples/{row.Epoch}/{row.Seq}/image", ApiJson.Parse(row.Payload));
}

/// <summary>A device just enrolled; the secret is shown this once.</summary>
public sealed record EnrollmentView(string DeviceId, string Secret, DateTimeOffset EnrolledAt);

/// <summary>The body of <c>POST /api/devices</c>.</summary>
public sealed record EnrollRequest(string? DeviceId);

/// <summary>An API operator as the API shows it (never its token).</summary>
public sealed record OperatorView(string Name, string Role, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public static OperatorView From(OperatorAccount account) => new(account.Name, account.Role.Name(), account.CreatedAt, account.RevokedAt);
}

/// <summary>An operator just added; the token is shown this once.</summary>
public sealed record OperatorTokenView(string Name, string Role, string Token);

/// <summary>The body of <c>POST /api/operators</c>.</summary>
public sealed record OperatorRequest(string? Name, string? Role);

/// <summary>The ingest counters and the last rejections.</summary>
public sealed record IngestView(IngestCounters Counters, IReadOnlyList<IngestRejection> RecentRejections);

internal static class ApiJson
{
    public static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
