using System.Text.Json;
using EdgeMlops.Contracts.Text;

namespace EdgeMlops.Contracts;

/// <summary>
/// The rules a well-formed message must also follow. Each method returns null when the message is valid, otherwise the
/// first problem found, naming the field as it is spelled on the wire. Producers call these before they store or
/// publish; <see cref="ContractReader"/> calls them after deserializing.
/// </summary>
/// <remarks>
/// <see cref="FieldLimits"/> come first: a field over its limit is refused before any rule reads it. Values the device
/// chose appear in a problem only through <see cref="LogText.Escape"/>, so a problem is always one short line.
/// <para>
/// Parameters are checked for null even where the contract says they cannot be: a deserializer or a careless caller
/// can still hand over a null element inside a list or a dictionary.
/// </para>
/// </remarks>
public static class ContractValidator
{
    /// <summary>The first problem with <paramref name="message"/>, or null when it is valid.</summary>
    public static string? FindProblem(VehicleEvent message) =>
        FieldLimits.FindProblem(message)
        ?? Version(message.V)
        ?? Device(message.DeviceId)
        ?? Text(message.CameraId, "cameraId")
        ?? NotNegative(message.TrackId, "trackId")
        ?? Text(message.Label, "label")
        ?? Probability(message.Confidence, "confidence")
        ?? TopK(message.TopK)
        ?? Box(message.Box)
        ?? (message.LastSeen < message.FirstSeen ? "lastSeen is earlier than firstSeen" : null)
        ?? (message.Observations < 1 ? $"observations must be at least 1, got {message.Observations}" : null)
        ?? Text(message.ModelName, "modelName")
        ?? Text(message.ModelVersion, "modelVersion")
        ?? OptionalText(message.TruthLabel, "truthLabel");

    /// <summary>The first problem with <paramref name="message"/>, or null when it is valid.</summary>
    public static string? FindProblem(CameraStats message) =>
        FieldLimits.FindProblem(message)
        ?? Version(message.V)
        ?? Device(message.DeviceId)
        ?? Text(message.CameraId, "cameraId")
        ?? (message.IntervalEnd < message.IntervalStart ? "intervalEnd is earlier than intervalStart" : null)
        ?? NotNegative(message.Frames, "frames")
        ?? NotNegative(message.Fps, "fps")
        ?? Latencies(message.LatencyMs)
        ?? Counts(message.Drops, "drops")
        ?? NotNegative(message.Reconnects, "reconnects")
        ?? Counts(message.Vehicles, "vehicles")
        ?? (message.EstimatedPrecision is { } precision ? Probability(precision, "estimatedPrecision") : null)
        ?? OptionalText(message.ModelName, "modelName")
        ?? OptionalText(message.ModelVersion, "modelVersion");

    /// <summary>The first problem with <paramref name="message"/>, or null when it is valid.</summary>
    public static string? FindProblem(ReviewSampleInfo message) =>
        FieldLimits.FindProblem(message)
        ?? Version(message.V)
        ?? Device(message.DeviceId)
        ?? Text(message.CameraId, "cameraId")
        ?? Text(message.SampleId, "sampleId")
        ?? NotNegative(message.TrackId, "trackId")
        ?? Text(message.ModelName, "modelName")
        ?? Text(message.ModelVersion, "modelVersion")
        ?? Text(message.PredictedLabel, "predictedLabel")
        ?? Probability(message.Confidence, "confidence")
        ?? Probabilities(message.Probabilities)
        ?? (SampleReasons.IsKnown(message.Reason) ? null
            : $"reason must be one of {string.Join(", ", SampleReasons.All)}, got '{Shown(message.Reason)}'")
        ?? OptionalText(message.TruthLabel, "truthLabel");

    /// <summary>The first problem with <paramref name="message"/>, or null when it is valid.</summary>
    public static string? FindProblem(PrecisionReport message) =>
        FieldLimits.FindProblem(message)
        ?? Version(message.V)
        ?? Device(message.DeviceId)
        ?? (PrecisionSources.IsFromDevice(message.Source) ? null
            : $"source must be one of {PrecisionSources.Canary}, {PrecisionSources.Estimated}, {PrecisionSources.Truth}, {PrecisionSources.Feed}, got '{Shown(message.Source)}'")
        ?? (message.Source == PrecisionSources.Canary ? (message.CameraId is null ? null : "cameraId must be left out of a canary report")
            : Text(message.CameraId, "cameraId") ?? TopicLevel.FindProblem(message.CameraId, "cameraId", FieldLimits.IdLength))
        ?? Text(message.ModelName, "modelName")
        // Camera and model name become levels of the alert topic (Topics.AlertOf) when the camera alerts.
        ?? TopicLevel.FindProblem(message.ModelName, "modelName", FieldLimits.IdLength)
        ?? Text(message.ModelVersion, "modelVersion")
        ?? (message.WindowEnd < message.WindowStart ? "windowEnd is earlier than windowStart" : null)
        ?? ClassPrecisions(message.Classes)
        ?? (message.Drift is { } drift ? Drift(drift) : null);

    /// <summary>The first problem with <paramref name="message"/>, or null when it is valid.</summary>
    public static string? FindProblem(ReviewedPrecision message)
    {
        if (FieldLimits.FindProblem(message) is { } tooLong)
            return tooLong;
        if (message.Cameras is null)
            return "reviewedPrecision.cameras is missing";
        foreach (var camera in message.Cameras)
        {
            var problem = camera is null ? "reviewedPrecision.cameras holds a null"
                : Text(camera.CameraId, "cameraId") ?? Text(camera.ModelVersion, "modelVersion")
                  ?? Probability(camera.Precision, "precision") ?? Probability(camera.Lower, "lower") ?? Probability(camera.Upper, "upper")
                  ?? (camera.Lower <= camera.Precision && camera.Precision <= camera.Upper ? null : "lower <= precision <= upper does not hold")
                  ?? NotNegative(camera.Samples, "samples");
            if (problem is not null)
                return problem;
        }
        return null;
    }

    /// <summary>
    /// The first problem with the batch's envelope, or null when it is valid. The records' payloads are checked one by
    /// one with <see cref="ContractReader.TryReadPayload"/>, so that one bad record need not cost the others.
    /// </summary>
    public static string? FindProblem(TelemetryBatch message) =>
        Version(message.V)
        ?? Device(message.DeviceId)
        ?? Epoch(message.Epoch)
        ?? Records(message);

    /// <summary>The first problem with <paramref name="message"/>, or null when it is valid.</summary>
    public static string? FindProblem(DeviceStatus message) =>
        FieldLimits.FindProblem(message)
        ?? Version(message.V)
        ?? Device(message.DeviceId)
        ?? OptionalText(message.AgentVersion, "agentVersion");

    /// <summary>The first problem with <paramref name="message"/>, or null when it is valid.</summary>
    public static string? FindProblem(ReportedState message) =>
        FieldLimits.FindProblem(message)
        ?? Version(message.V)
        ?? Device(message.DeviceId)
        ?? Text(message.ModelName, "modelName")
        ?? Text(message.ModelVersion, "modelVersion")
        ?? Backlog(message.Outbox)
        ?? (message.DesiredRevision is { } revision ? NotNegative(revision, "desiredRevision") : null)
        ?? (message.Deployment is { } deployment ? Deployment(deployment) : null)
        ?? (message.Shadow is { } shadow ? Shadow(shadow) : null);

    /// <summary>The first problem with the desired <c>"model"</c> property, or null when it is valid.</summary>
    public static string? FindProblem(DesiredModel model) =>
        FieldLimits.FindProblem(model)
        ?? Text(model.Name, "model.name")
        ?? Text(model.Version, "model.version")
        ?? Named(ModelNames.FindNameProblem(model.Name), "model.name")
        ?? Named(ModelNames.FindVersionProblem(model.Version), "model.version")
        ?? Sha256(model.ManifestSha256, "model.manifestSha256")
        ?? (Uri.TryCreate(model.Source, UriKind.Absolute, out var source) && (source.Scheme == Uri.UriSchemeHttp || source.Scheme == Uri.UriSchemeHttps)
            ? null : $"model.source must be an absolute http or https URL, got '{Shown(model.Source)}'")
        ?? OptionalText(model.RolloutId, "model.rolloutId")
        ?? (model.ProbationSeconds is { } probation && probation < 0 ? $"model.probationSeconds must not be negative, got {probation}" : null)
        ?? (model.Challenger is { } challenger
            ? Text(challenger.Name, "model.challenger.name")
              ?? Text(challenger.Version, "model.challenger.version")
              ?? Named(ModelNames.FindNameProblem(challenger.Name), "model.challenger.name")
              ?? Named(ModelNames.FindVersionProblem(challenger.Version), "model.challenger.version")
              ?? Sha256(challenger.ManifestSha256, "model.challenger.manifestSha256")
              ?? (double.IsFinite(challenger.Share) && challenger.Share is > 0 and <= 1 ? null
                  : $"model.challenger.share must be in (0, 1], got {challenger.Share}")
            : null);

    private static string? Deployment(ModelDeploymentReport deployment) =>
        Text(deployment.Name, "deployment.name")
        ?? Text(deployment.Version, "deployment.version")
        ?? (Enum.IsDefined(deployment.State) ? null : $"deployment.state {(int)deployment.State} is not a known state")
        ?? OptionalText(deployment.RolloutId, "deployment.rolloutId")
        ?? OptionalText(deployment.Reason, "deployment.reason")
        ?? OptionalText(deployment.PreviousVersion, "deployment.previousVersion")
        ?? (deployment.BytesDone is { } done ? NotNegative(done, "deployment.bytesDone") : null)
        ?? (deployment.BytesTotal is { } total ? NotNegative(total, "deployment.bytesTotal") : null);

    private static string? Shadow(ShadowReport shadow) =>
        Text(shadow.ChallengerName, "shadow.challengerName")
        ?? Text(shadow.ChallengerVersion, "shadow.challengerVersion")
        ?? (shadow.WindowEnd < shadow.WindowStart ? "shadow.windowEnd is earlier than shadow.windowStart" : null)
        ?? NotNegative(shadow.Crops, "shadow.crops")
        ?? Probability(shadow.Agreement, "shadow.agreement")
        ?? Probability(shadow.ChampionMeanConfidence, "shadow.championMeanConfidence")
        ?? Probability(shadow.ChallengerMeanConfidence, "shadow.challengerMeanConfidence")
        ?? NotNegative(shadow.ChallengerP95Ms, "shadow.challengerP95Ms");

    private static string? Named(string? problem, string field) => problem is null ? null : $"{field}: {problem}";

    private static string? Sha256(string? value, string field) =>
        value is { Length: 64 } && value.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f')
            ? null : $"{field} must be 64 lowercase hex characters, got '{Shown(value)}'";

    /// <summary>The first problem with <paramref name="message"/>, or null when it is valid.</summary>
    public static string? FindProblem(DesiredState message) =>
        FieldLimits.FindProblem(message)
        ?? Version(message.V)
        ?? Device(message.DeviceId)
        ?? NotNegative(message.Revision, "revision")
        ?? (message.Properties is null ? "properties is missing" : null)
        ?? message.Properties?.Keys.Select(key => Text(key, "a properties key")).FirstOrDefault(problem => problem is not null);

    /// <summary>The first problem with <paramref name="message"/>, or null when it is valid.</summary>
    public static string? FindProblem(SampleHeader message) =>
        FieldLimits.FindProblem(message)
        ?? Version(message.V)
        ?? Device(message.DeviceId)
        ?? Epoch(message.Epoch)
        ?? (message.Seq < 1 ? $"seq must be positive, got {message.Seq}" : null)
        ?? SampleInfo(message.Info, message.DeviceId);

    private static string? SampleInfo(ReviewSampleInfo? info, string deviceId) => info switch
    {
        null => "info is missing",
        _ when FindProblem(info) is { } problem => $"info: {problem}",
        _ when info.DeviceId != deviceId => $"info.deviceId '{info.DeviceId}' differs from deviceId '{deviceId}'",
        _ => null,
    };

    private static string? Backlog(OutboxBacklog? backlog) => backlog switch
    {
        null => "outbox is missing",
        { LastIssuedSeq: < 0 } or { Pending: < 0 } or { Evicted: < 0 } => "outbox counts must not be negative",
        { OldestPendingSeq: { } oldest } when oldest < 1 || oldest > backlog.LastIssuedSeq =>
            $"outbox.oldestPendingSeq {oldest} is outside 1..lastIssuedSeq ({backlog.LastIssuedSeq})",
        _ => null,
    };

    /// <summary>A value the device chose, as a problem may quote it.</summary>
    internal static string Shown(string? value) => LogText.Escape(value, 64);

    private static string? Epoch(long epoch) => epoch < 1 ? $"epoch must be positive, got {epoch}" : null;

    private static string? Version(int version) => version == ContractVersion.Current
        ? null
        : $"message version {version} is not supported; this build writes version {ContractVersion.Current}";

    private static string? Device(string? deviceId) =>
        DeviceIds.FindProblem(deviceId) is { } problem ? $"deviceId: {problem}" : null;

    private static string? Text(string? value, string field) =>
        string.IsNullOrWhiteSpace(value) ? $"{field} is missing or blank" : WellFormed(value, field);

    private static string? OptionalText(string? value, string field) =>
        value is null ? null
        : string.IsNullOrWhiteSpace(value) ? $"{field} is blank; leave it out instead"
        : WellFormed(value, field);

    /// <summary>
    /// The serializer writes an unpaired surrogate as an escape that no reader accepts, so a message holding one would
    /// be published only to be refused as malformed.
    /// </summary>
    private static string? WellFormed(string value, string field)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                i++;
            else if (char.IsSurrogate(value[i]))
                return $"{field} contains an unpaired surrogate (U+{(int)value[i]:X4}) at position {i}, which is not text";
        }
        return null;
    }

    private static string? NotNegative(long value, string field) =>
        value < 0 ? $"{field} must not be negative, got {value}" : null;

    private static string? NotNegative(double value, string field) =>
        double.IsFinite(value) && value >= 0 ? null : $"{field} must be a finite number, not negative, got {value}";

    private static string? Probability(double value, string field) =>
        double.IsFinite(value) && value is >= 0 and <= 1 ? null : $"{field} must be a finite number in [0, 1], got {value}";

    private static string? ClassPrecisions(IReadOnlyDictionary<string, ClassPrecision>? classes)
    {
        if (classes is null)
            return "classes is missing";
        foreach (var (label, figure) in classes)
        {
            var problem = Text(label, "a classes key")
                ?? (figure is null ? $"classes[{Shown(label)}] is null"
                    : NotNegative(figure.Predicted, $"classes[{Shown(label)}].predicted")
                      ?? NotNegative(figure.Correct, $"classes[{Shown(label)}].correct")
                      ?? (figure.Correct <= figure.Predicted ? null : $"classes[{Shown(label)}].correct is over predicted"));
            if (problem is not null)
                return problem;
        }
        return null;
    }

    private static string? Drift(DriftSignals drift) =>
        NotNegative(drift.Events, "drift.events")
        ?? NotNegative(drift.ClassMixPsi, "drift.classMixPsi")
        ?? Probability(drift.ClassMixJs, "drift.classMixJs")
        ?? NotNegative(drift.ConfidencePsi, "drift.confidencePsi")
        ?? Probability(drift.ConfidenceJs, "drift.confidenceJs")
        ?? (drift.MeanBrightness is { } b ? NotNegative(b, "drift.meanBrightness") : null)
        ?? (drift.MeanContrast is { } c ? NotNegative(c, "drift.meanContrast") : null)
        ?? (drift.MeanBoxArea is { } a ? Probability(a, "drift.meanBoxArea") : null);

    private static string? TopK(IReadOnlyList<LabelProbability>? topK)
    {
        if (topK is null || topK.Count == 0)
            return "topK is missing or empty";
        for (var i = 0; i < topK.Count; i++)
        {
            var entry = topK[i];
            var problem = entry is null
                ? $"topK[{i}] is null"
                : Text(entry.Label, $"topK[{i}].label") ?? Probability(entry.Probability, $"topK[{i}].probability");
            if (problem is not null)
                return problem;
        }
        return null;
    }

    private static string? Box(PixelBox? box) => box switch
    {
        null => "box is missing",
        { W: <= 0 } or { H: <= 0 } => $"box must have a positive width and height, got {box.W}x{box.H}",
        { X: < 0 } or { Y: < 0 } => $"box must start inside the frame, got ({box.X}, {box.Y})",
        _ => null,
    };

    private static string? Latencies(IReadOnlyDictionary<string, LatencyPercentiles>? latencyMs)
    {
        if (latencyMs is null)
            return "latencyMs is missing";
        foreach (var (stage, percentiles) in latencyMs)
        {
            var field = $"latencyMs[{Shown(stage)}]";
            var problem = Text(stage, "a latencyMs stage name")
                ?? (percentiles is null
                    ? $"{field} is null"
                    : NotNegative(percentiles.P50, $"{field}.p50")
                      ?? NotNegative(percentiles.P95, $"{field}.p95")
                      ?? NotNegative(percentiles.P99, $"{field}.p99"));
            if (problem is not null)
                return problem;
        }
        return null;
    }

    private static string? Counts(IReadOnlyDictionary<string, long>? counts, string field)
    {
        if (counts is null)
            return $"{field} is missing";
        foreach (var (key, count) in counts)
        {
            var problem = Text(key, $"a {field} key") ?? NotNegative(count, $"{field}[{Shown(key)}]");
            if (problem is not null)
                return problem;
        }
        return null;
    }

    private static string? Probabilities(IReadOnlyDictionary<string, double>? probabilities)
    {
        if (probabilities is null || probabilities.Count == 0)
            return "probabilities is missing or empty";
        foreach (var (label, probability) in probabilities)
        {
            var problem = Text(label, "a probabilities label") ?? Probability(probability, $"probabilities[{Shown(label)}]");
            if (problem is not null)
                return problem;
        }
        return null;
    }

    private static string? Records(TelemetryBatch batch)
    {
        var records = batch.Records;
        if (records is null || records.Count == 0)
            return "records is missing or empty";
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            if (record is null)
                return $"records[{i}] is null";
            if (record.Seq < 1)
                return $"records[{i}].seq must be positive, got {record.Seq}";
            if (i > 0 && record.Seq <= records[i - 1].Seq)
                return $"records[{i}].seq {record.Seq} does not follow {records[i - 1].Seq}: seqs must increase";
            if (!OutboxKinds.TravelsInBatches(record.Kind))
                return record.Kind == OutboxKinds.Sample
                    ? $"records[{i}] is a sample; samples travel on the samples topic, with their image"
                    : $"records[{i}].kind '{Shown(record.Kind)}' is not one of {OutboxKinds.Event}, {OutboxKinds.Stats}";
            if (record.Payload.ValueKind != JsonValueKind.Object)
                return $"records[{i}].payload is not a JSON object";
        }
        if (batch.FirstSeq != records[0].Seq || batch.LastSeq != records[^1].Seq)
            return $"firstSeq..lastSeq ({batch.FirstSeq}..{batch.LastSeq}) does not match the records ({records[0].Seq}..{records[^1].Seq})";
        return null;
    }
}
