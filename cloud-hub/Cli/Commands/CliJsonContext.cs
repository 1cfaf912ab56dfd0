using System.Text.Json.Serialization;

namespace EdgeMlops.CloudHub.Cli.Commands;

/// <summary>One line of <c>device enroll</c> output.</summary>
public sealed record DeviceSecretLine(string DeviceId, string Secret);

/// <summary>One line of <c>device list</c> output.</summary>
public sealed record DeviceListLine(string DeviceId, DateTimeOffset EnrolledAt);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(DeviceSecretLine))]
[JsonSerializable(typeof(DeviceListLine))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
