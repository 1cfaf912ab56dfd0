using System.Text.Json.Serialization;

namespace EdgeMlops.Contracts;

/// <summary>
/// The one serializer for every contract: camelCase, optional fields left out when null, and strict on reading:
/// a missing field or a null where the contract has none is an error, never a silent default.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(VehicleEvent))]
[JsonSerializable(typeof(CameraStats))]
[JsonSerializable(typeof(ReviewSampleInfo))]
[JsonSerializable(typeof(TelemetryBatch))]
[JsonSerializable(typeof(SampleHeader))]
[JsonSerializable(typeof(DeviceStatus))]
[JsonSerializable(typeof(ReportedState))]
[JsonSerializable(typeof(DesiredState))]
[JsonSerializable(typeof(DesiredModel))]
[JsonSerializable(typeof(PrecisionReport))]
[JsonSerializable(typeof(ReviewedPrecision))]
[JsonSerializable(typeof(AlertMessage))]
public sealed partial class ContractsJsonContext : JsonSerializerContext;
