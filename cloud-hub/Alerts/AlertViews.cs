using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeMlops.CloudHub.Storage;

namespace EdgeMlops.CloudHub.Alerts;

/// <summary>An alert as the API and the CLI show it; <see cref="History"/> only for one alert.</summary>
public sealed record AlertView(
    long Id,
    string State,
    string Severity,
    string Rule,
    string DeviceId,
    string CameraId,
    string ModelName,
    string ModelVersion,
    string Metric,
    double Figure,
    double Bound,
    double Threshold,
    long Samples,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    DateTimeOffset OpenedAt,
    DateTimeOffset StateAt,
    string StateBy,
    string? Note,
    string SamplesLink,
    IReadOnlyList<AlertEventView>? History = null)
{
    public static AlertView From(AlertRow row, IReadOnlyList<AlertEventRow>? history = null) => new(
        row.Id, row.State, row.Severity, row.Rule, row.DeviceId, row.CameraId, row.ModelName, row.ModelVersion, row.Metric, row.Figure, row.Bound,
        row.Threshold, row.Samples, UnixTime.FromMs(row.WindowStart), UnixTime.FromMs(row.WindowEnd), UnixTime.FromMs(row.OpenedAt),
        UnixTime.FromMs(row.StateAt), row.StateBy, row.Note, row.SamplesLink, history?.Select(AlertEventView.From).ToList());
}

/// <summary>One transition of an alert's history: who, when, and the figure it stood on then.</summary>
public sealed record AlertEventView(DateTimeOffset Time, string Transition, string Actor, string? Note, string ModelVersion, double Figure, double Bound, long Samples)
{
    public static AlertEventView From(AlertEventRow row) =>
        new(UnixTime.FromMs(row.Time), row.Transition, row.Actor, row.Note, row.ModelVersion, row.Figure, row.Bound, row.Samples);
}

/// <summary>The body of acknowledge and resolve: the operator's note (optional for acknowledge, required to resolve by hand).</summary>
public sealed record AlertActionRequest(string? Note);

public static class AlertJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>One line per alert, for the CLI.</summary>
    public static JsonSerializerOptions Line => Options;
}
