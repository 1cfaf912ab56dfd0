using EdgeMlops.Contracts.Text;

namespace EdgeMlops.Contracts;

/// <summary>
/// How long each text field and how many entries each list or map of a message may be. What a device sends is stored
/// and served as it is, so without these a 1 MB camera id fits in a 4 MB batch just as well as a real one.
/// </summary>
/// <remarks>
/// The limits are generous for what the fields hold (ids and class names of a few dozen characters, a handful of
/// classes) and small enough that a record within them stays under <see cref="PayloadLimits.RecordBytes"/> even with
/// every character escaped on the wire. <see cref="ContractValidator"/> applies them before any other rule;
/// <see cref="ContractReader"/> refuses a message that breaks one as <see cref="RejectionKind.FieldTooLong"/>.
/// </remarks>
public static class FieldLimits
{
    /// <summary>Characters in an id or a name: camera id, sample id, model name and version, agent version, stage and property names.</summary>
    public const int IdLength = 128;

    /// <summary>Characters in a class name: labels, top-k and probability labels, vehicle counts' keys.</summary>
    public const int LabelLength = 100;

    /// <summary>Entries in a per-class list or map: top-k, probabilities, vehicles per class.</summary>
    public const int Classes = 256;

    /// <summary>Entries in a per-stage map: latency percentiles and drops.</summary>
    public const int Stages = 128;

    /// <summary>Properties in a desired state.</summary>
    public const int DesiredProperties = 32;

    /// <summary>A reason or a URL: one line for people (a failed deployment's reason, a download source).</summary>
    public const int ReasonLength = 1024;

    /// <summary>The first field of <paramref name="message"/> over its limit, or null when all are within them.</summary>
    public static string? FindProblem(VehicleEvent message) =>
        Text(message.CameraId, "cameraId", IdLength)
        ?? Text(message.Label, "label", LabelLength)
        ?? Labels(message.TopK)
        ?? Text(message.ModelName, "modelName", IdLength)
        ?? Text(message.ModelVersion, "modelVersion", IdLength)
        ?? Text(message.TruthLabel, "truthLabel", LabelLength);

    /// <summary>The first field of <paramref name="message"/> over its limit, or null when all are within them.</summary>
    public static string? FindProblem(CameraStats message) =>
        Text(message.CameraId, "cameraId", IdLength)
        ?? Keys(message.LatencyMs, "latencyMs", Stages, IdLength)
        ?? Keys(message.Drops, "drops", Stages, IdLength)
        ?? Keys(message.Vehicles, "vehicles", Classes, LabelLength)
        ?? Text(message.ModelName, "modelName", IdLength)
        ?? Text(message.ModelVersion, "modelVersion", IdLength);

    /// <summary>The first field of <paramref name="message"/> over its limit, or null when all are within them.</summary>
    public static string? FindProblem(ReviewSampleInfo message) =>
        Text(message.CameraId, "cameraId", IdLength)
        ?? Text(message.SampleId, "sampleId", IdLength)
        ?? Text(message.ModelName, "modelName", IdLength)
        ?? Text(message.ModelVersion, "modelVersion", IdLength)
        ?? Text(message.PredictedLabel, "predictedLabel", LabelLength)
        ?? Keys(message.Probabilities, "probabilities", Classes, LabelLength)
        ?? Text(message.Reason, "reason", IdLength)
        ?? Text(message.TruthLabel, "truthLabel", LabelLength);

    /// <summary>The first field of <paramref name="message"/> over its limit, or null when all are within them.</summary>
    public static string? FindProblem(PrecisionReport message) =>
        Text(message.CameraId, "cameraId", IdLength)
        ?? Text(message.ModelName, "modelName", IdLength)
        ?? Text(message.ModelVersion, "modelVersion", IdLength)
        ?? Text(message.Source, "source", IdLength)
        ?? Keys(message.Classes, "classes", Classes, LabelLength);

    /// <summary>The first field of <paramref name="message"/> over its limit, or null when all are within them.</summary>
    public static string? FindProblem(ReviewedPrecision message) =>
        message.Cameras is { Count: > Stages } ? $"reviewedPrecision.cameras has {message.Cameras.Count} entries, over the limit of {Stages}"
        : message.Cameras?.Select(c => c is null ? null : Text(c.CameraId, "cameraId", IdLength) ?? Text(c.ModelVersion, "modelVersion", IdLength))
            .FirstOrDefault(p => p is not null);

    /// <summary>The first field of <paramref name="message"/> over its limit, or null when all are within them.</summary>
    public static string? FindProblem(SampleHeader message) =>
        message.Info is { } info && FindProblem(info) is { } problem ? $"info.{problem}" : null;

    /// <summary>The first field of <paramref name="message"/> over its limit, or null when all are within them.</summary>
    public static string? FindProblem(DeviceStatus message) => Text(message.AgentVersion, "agentVersion", IdLength);

    /// <summary>The first field of <paramref name="message"/> over its limit, or null when all are within them.</summary>
    public static string? FindProblem(ReportedState message) =>
        Text(message.ModelName, "modelName", IdLength)
        ?? Text(message.ModelVersion, "modelVersion", IdLength)
        ?? (message.Deployment is { } deployment
            ? Text(deployment.Name, "deployment.name", IdLength)
              ?? Text(deployment.Version, "deployment.version", IdLength)
              ?? Text(deployment.RolloutId, "deployment.rolloutId", IdLength)
              ?? Text(deployment.PreviousVersion, "deployment.previousVersion", IdLength)
              ?? Text(deployment.Reason, "deployment.reason", ReasonLength)
            : null)
        ?? (message.Shadow is { } shadow
            ? Text(shadow.ChallengerName, "shadow.challengerName", IdLength)
              ?? Text(shadow.ChallengerVersion, "shadow.challengerVersion", IdLength)
            : null);

    /// <summary>The first field of <paramref name="model"/> over its limit, or null when all are within them.</summary>
    public static string? FindProblem(DesiredModel model) =>
        Text(model.Name, "model.name", IdLength)
        ?? Text(model.Version, "model.version", IdLength)
        ?? Text(model.ManifestSha256, "model.manifestSha256", IdLength)
        ?? Text(model.Source, "model.source", ReasonLength)
        ?? Text(model.RolloutId, "model.rolloutId", IdLength)
        ?? (model.Challenger is { } challenger
            ? Text(challenger.Name, "model.challenger.name", IdLength)
              ?? Text(challenger.Version, "model.challenger.version", IdLength)
              ?? Text(challenger.ManifestSha256, "model.challenger.manifestSha256", IdLength)
            : null);

    /// <summary>The first field of <paramref name="message"/> over its limit, or null when all are within them.</summary>
    public static string? FindProblem(DesiredState message) =>
        Keys(message.Properties, "properties", DesiredProperties, IdLength);

    /// <summary>A telemetry batch has no field of its own to limit: its size is <see cref="PayloadLimits.TelemetryBytes"/>, each record's <see cref="PayloadLimits.RecordBytes"/>.</summary>
    public static string? FindProblem(TelemetryBatch message) => null;

    private static string? Text(string? value, string field, int limit) =>
        value is not null && value.Length > limit ? $"{field} is {value.Length} characters long; the limit is {limit}" : null;

    private static string? Labels(IReadOnlyList<LabelProbability>? topK)
    {
        if (topK is null)
            return null;
        if (topK.Count > Classes)
            return $"topK has {topK.Count} entries; the limit is {Classes}";
        for (var i = 0; i < topK.Count; i++)
        {
            if (Text(topK[i]?.Label, $"topK[{i}].label", LabelLength) is { } problem)
                return problem;
        }
        return null;
    }

    private static string? Keys<TValue>(IReadOnlyDictionary<string, TValue>? map, string field, int entries, int keyLength)
    {
        if (map is null)
            return null;
        if (map.Count > entries)
            return $"{field} has {map.Count} entries; the limit is {entries}";
        foreach (var key in map.Keys)
        {
            if (key is not null && key.Length > keyLength)
                return $"a {field} key is {key.Length} characters long ('{LogText.Escape(key, 32)}'); the limit is {keyLength}";
        }
        return null;
    }
}
