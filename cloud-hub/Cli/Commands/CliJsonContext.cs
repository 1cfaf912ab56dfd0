using System.Text.Json.Serialization;

namespace EdgeMlops.CloudHub.Cli.Commands;

/// <summary>One line of <c>device enroll</c> output.</summary>
public sealed record DeviceSecretLine(string DeviceId, string Secret);

/// <summary>One line of <c>device list</c> output.</summary>
public sealed record DeviceListLine(string DeviceId, DateTimeOffset EnrolledAt);

/// <summary>One line of <c>operator add</c> output.</summary>
public sealed record OperatorTokenLine(string Name, string Role, string Token);

/// <summary>One line of <c>operator list</c> output.</summary>
public sealed record OperatorListLine(string Name, string Role, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(DeviceSecretLine))]
[JsonSerializable(typeof(DeviceListLine))]
[JsonSerializable(typeof(OperatorTokenLine))]
[JsonSerializable(typeof(OperatorListLine))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
