using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeMlops.CloudHub.Storage;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Alerts;

/// <summary>
/// An alert as the API and the CLI show it: the alert as published (<see cref="AlertMessage"/>, also for resolved ones),
/// who made its last transition and when, with their note; <see cref="History"/> only for one alert.
/// </summary>
public sealed record AlertView(
    AlertMessage Alert,
    DateTimeOffset StateAt,
    string StateBy,
    string? Note,
    IReadOnlyList<AlertEventView>? History = null)
{
    public static AlertView From(AlertRow row, IReadOnlyList<AlertEventRow>? history = null) =>
        new(row.ToMessage(), UnixTime.FromMs(row.StateAt), row.StateBy, row.Note, history?.Select(AlertEventView.From).ToList());
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
