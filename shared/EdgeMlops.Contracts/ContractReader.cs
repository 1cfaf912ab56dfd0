using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using EdgeMlops.Contracts.Text;

namespace EdgeMlops.Contracts;

/// <summary>
/// Reads contract messages from untrusted bytes: checks the version before anything else, then the shape, then the
/// values: first their lengths (<see cref="FieldLimits"/>), then the rules (<see cref="ContractValidator"/>). Never throws
/// for bad input: every refusal comes back as a <see cref="PayloadRejection"/>, whose reason quotes the device's values
/// only escaped (<see cref="LogText"/>).
/// </summary>
/// <remarks>
/// Memory is bounded by the input: the reader holds at most the parsed message, and nesting deeper than the
/// serializer's default depth (64) is refused as malformed. Callers bound the input with <see cref="PayloadLimits"/>.
/// </remarks>
public static class ContractReader
{
    /// <summary>Reads a <see cref="VehicleEvent"/> from UTF-8 JSON.</summary>
    public static bool TryReadVehicleEvent(ReadOnlySpan<byte> utf8Json,
        [NotNullWhen(true)] out VehicleEvent? message, [NotNullWhen(false)] out PayloadRejection? rejection) =>
        TryRead(utf8Json, ContractsJsonContext.Default.VehicleEvent, FieldLimits.FindProblem, ContractValidator.FindProblem, out message, out rejection);

    /// <summary>Reads a <see cref="CameraStats"/> from UTF-8 JSON.</summary>
    public static bool TryReadCameraStats(ReadOnlySpan<byte> utf8Json,
        [NotNullWhen(true)] out CameraStats? message, [NotNullWhen(false)] out PayloadRejection? rejection) =>
        TryRead(utf8Json, ContractsJsonContext.Default.CameraStats, FieldLimits.FindProblem, ContractValidator.FindProblem, out message, out rejection);

    /// <summary>Reads a <see cref="ReviewSampleInfo"/> from UTF-8 JSON.</summary>
    public static bool TryReadReviewSampleInfo(ReadOnlySpan<byte> utf8Json,
        [NotNullWhen(true)] out ReviewSampleInfo? message, [NotNullWhen(false)] out PayloadRejection? rejection) =>
        TryRead(utf8Json, ContractsJsonContext.Default.ReviewSampleInfo, FieldLimits.FindProblem, ContractValidator.FindProblem, out message, out rejection);

    /// <summary>Reads a <see cref="TelemetryBatch"/> from UTF-8 JSON. Its records' payloads are read with <see cref="TryReadPayload"/>.</summary>
    public static bool TryReadTelemetryBatch(ReadOnlySpan<byte> utf8Json,
        [NotNullWhen(true)] out TelemetryBatch? message, [NotNullWhen(false)] out PayloadRejection? rejection) =>
        TryRead(utf8Json, ContractsJsonContext.Default.TelemetryBatch, FieldLimits.FindProblem, ContractValidator.FindProblem, out message, out rejection);

    /// <summary>Reads a <see cref="DeviceStatus"/> from UTF-8 JSON.</summary>
    public static bool TryReadDeviceStatus(ReadOnlySpan<byte> utf8Json,
        [NotNullWhen(true)] out DeviceStatus? message, [NotNullWhen(false)] out PayloadRejection? rejection) =>
        TryRead(utf8Json, ContractsJsonContext.Default.DeviceStatus, FieldLimits.FindProblem, ContractValidator.FindProblem, out message, out rejection);

    /// <summary>Reads a <see cref="ReportedState"/> from UTF-8 JSON.</summary>
    public static bool TryReadReportedState(ReadOnlySpan<byte> utf8Json,
        [NotNullWhen(true)] out ReportedState? message, [NotNullWhen(false)] out PayloadRejection? rejection) =>
        TryRead(utf8Json, ContractsJsonContext.Default.ReportedState, FieldLimits.FindProblem, ContractValidator.FindProblem, out message, out rejection);

    /// <summary>Reads a <see cref="DesiredState"/> from UTF-8 JSON.</summary>
    public static bool TryReadDesiredState(ReadOnlySpan<byte> utf8Json,
        [NotNullWhen(true)] out DesiredState? message, [NotNullWhen(false)] out PayloadRejection? rejection) =>
        TryRead(utf8Json, ContractsJsonContext.Default.DesiredState, FieldLimits.FindProblem, ContractValidator.FindProblem, out message, out rejection);

    /// <summary>Reads the header of a <see cref="SampleFrame"/>; use <see cref="SampleFrame.TryRead"/> for a whole payload.</summary>
    public static bool TryReadSampleHeader(ReadOnlySpan<byte> utf8Json,
        [NotNullWhen(true)] out SampleHeader? message, [NotNullWhen(false)] out PayloadRejection? rejection) =>
        TryRead(utf8Json, ContractsJsonContext.Default.SampleHeader, FieldLimits.FindProblem, ContractValidator.FindProblem, out message, out rejection);

    /// <summary>
    /// A rejection when <paramref name="message"/> names another device than <paramref name="topicDeviceId"/>, the device
    /// whose topic it arrived on; null when they agree. The broker only checks topics, so this is the consumer's part.
    /// </summary>
    public static PayloadRejection? CheckDevice(string topicDeviceId, IDeviceMessage message) =>
        string.Equals(topicDeviceId, message.DeviceId, StringComparison.Ordinal)
            ? null
            : new PayloadRejection(RejectionKind.WrongDevice,
                $"the payload names device '{ContractValidator.Shown(message.DeviceId)}' but arrived on the topic of device '{ContractValidator.Shown(topicDeviceId)}'");

    /// <summary>
    /// Reads the message inside an outbox record as the type its <see cref="OutboxRecord.Kind"/> names:
    /// <see cref="VehicleEvent"/>, <see cref="CameraStats"/>, <see cref="ReviewSampleInfo"/> or <see cref="PrecisionReport"/>. A payload over
    /// <see cref="PayloadLimits.RecordBytes"/> is refused as <see cref="RejectionKind.Oversized"/> before it is read.
    /// </summary>
    public static bool TryReadPayload(OutboxRecord record,
        [NotNullWhen(true)] out IDeviceMessage? message, [NotNullWhen(false)] out PayloadRejection? rejection)
    {
        if (record.Payload.ValueKind != JsonValueKind.Undefined
            && PayloadLimits.CheckRecord(JsonMarshal.GetRawUtf8Value(record.Payload).Length) is { } oversized)
        {
            message = null;
            rejection = oversized;
            return false;
        }
        switch (record.Kind)
        {
            case OutboxKinds.Event:
                return TryReadElement(record.Payload, ContractsJsonContext.Default.VehicleEvent, FieldLimits.FindProblem, ContractValidator.FindProblem, out message, out rejection);
            case OutboxKinds.Stats:
                return TryReadElement(record.Payload, ContractsJsonContext.Default.CameraStats, FieldLimits.FindProblem, ContractValidator.FindProblem, out message, out rejection);
            case OutboxKinds.Sample:
                return TryReadElement(record.Payload, ContractsJsonContext.Default.ReviewSampleInfo, FieldLimits.FindProblem, ContractValidator.FindProblem, out message, out rejection);
            case OutboxKinds.Precision:
                return TryReadElement(record.Payload, ContractsJsonContext.Default.PrecisionReport, FieldLimits.FindProblem, ContractValidator.FindProblem, out message, out rejection);
            default:
                message = null;
                rejection = new PayloadRejection(RejectionKind.Invalid, $"record {record.Seq} has unknown kind '{ContractValidator.Shown(record.Kind)}'");
                return false;
        }
    }

    private static bool TryRead<T>(ReadOnlySpan<byte> utf8Json, JsonTypeInfo<T> typeInfo, Func<T, string?> findTooLong, Func<T, string?> findProblem,
        [NotNullWhen(true)] out T? message, [NotNullWhen(false)] out PayloadRejection? rejection) where T : class
    {
        message = null;
        rejection = VersionCheck.Inspect(utf8Json);
        if (rejection is not null)
            return false;
        T parsed;
        try
        {
            // Not null: the version check has already established that the payload is a JSON object.
            parsed = JsonSerializer.Deserialize(utf8Json, typeInfo)!;
        }
        catch (JsonException e)
        {
            rejection = Malformed(e);
            return false;
        }
        rejection = Check(parsed, findTooLong, findProblem);
        if (rejection is not null)
            return false;
        message = parsed;
        return true;
    }

    private static bool TryReadElement<T>(JsonElement payload, JsonTypeInfo<T> typeInfo, Func<T, string?> findTooLong, Func<T, string?> findProblem,
        [NotNullWhen(true)] out IDeviceMessage? message, [NotNullWhen(false)] out PayloadRejection? rejection) where T : class, IDeviceMessage
    {
        message = null;
        rejection = VersionCheck.Inspect(payload);
        if (rejection is not null)
            return false;
        T parsed;
        try
        {
            parsed = payload.Deserialize(typeInfo)!;
        }
        catch (JsonException e)
        {
            rejection = Malformed(e);
            return false;
        }
        rejection = Check(parsed, findTooLong, findProblem);
        if (rejection is not null)
            return false;
        message = parsed;
        return true;
    }

    private static PayloadRejection? Check<T>(T message, Func<T, string?> findTooLong, Func<T, string?> findProblem) =>
        findTooLong(message) is { } tooLong ? new PayloadRejection(RejectionKind.FieldTooLong, tooLong)
        : findProblem(message) is { } problem ? new PayloadRejection(RejectionKind.Invalid, problem)
        : null;

    /// <summary>The serializer's message names the path it failed at, which holds property names the device chose.</summary>
    internal static PayloadRejection Malformed(JsonException e) => new(RejectionKind.Malformed, LogText.Escape(e.Message, 500));
}
